"""Demo submissions get a real, downloadable PDF through the same checked storage."""
from challenge import clock
from challenge.extensions import db
from challenge.submissions import storage
from demo.submissions import attach_demo_files, tiny_pdf


def test_each_demo_submission_gets_one_genuine_pdf(cast, make_submission, make_challenge, client, login):
    closed = make_challenge(cast.council, "closed")
    subs = [make_submission(cast.challenge, cast.creator, "draft", title="Tea (and) talk \\ café"),
            make_submission(closed, cast.other, "submitted")]
    assert attach_demo_files(subs, clock.now()) == 2
    db.session.commit()
    for sub in subs:
        (attachment,) = sub.attachments
        assert attachment.content_type == "application/pdf"
        assert attachment.original_name.endswith("_summary.pdf")
        data = storage.path_of(attachment.stored_name).read_bytes()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    login(cast.broker)
    response = client.get(f"/submissions/{subs[1].reference}/attachments/{subs[1].attachments[0].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_the_generated_pdf_has_a_correct_cross_reference_table():
    pdf = tiny_pdf(["Hello (world)"])
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[xref_at:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
