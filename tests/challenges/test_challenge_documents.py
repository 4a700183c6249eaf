"""A challenge's documents (issue 11 point 15): the seeker attaches a brief and a data pack while the
challenge may be edited; anyone who may see the challenge downloads them, as attachments; a draft's
documents are a 404 to everyone else; hostile files are refused with a message and a 4xx."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest

from challenge import clock
from challenge.challenges.models import ChallengeDocument
from challenge.extensions import db
from challenge.submissions import storage, sweep
from tests.submissions.metadata_files import SECRETS, office, pdf

CSV = "area,referrals\nCamden Town,120\nKentish Town,85\n".encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def upload(client, challenge, data: bytes, name: str, kind: str = "brief", title: str = ""):
    return client.post(f"/challenges/{challenge.slug}/documents", data={
        "kind": kind, "title": title, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def documents(challenge) -> list[ChallengeDocument]:
    return list(db.session.scalars(db.select(ChallengeDocument).where(ChallengeDocument.challenge_id == challenge.id)
                                   .order_by(ChallengeDocument.id)))


def download_url(challenge, document) -> str:
    return f"/challenges/{challenge.slug}/documents/{document.id}"


@pytest.fixture()
def draft(world, make_challenge):
    return make_challenge(world.org, "draft", title="Lonely over-75s")


def test_the_seeker_attaches_each_kind_and_the_page_lists_them(client, login, world, draft):
    login(world.seeker)
    files = [(pdf(), "Brief.pdf", "brief", "The brief"), (office("docx"), "Background.docx", "other", ""),
             (office("xlsx"), "Referrals.xlsx", "data_pack", "Referrals 2023–2025"), (CSV, "areas.csv", "data_pack", ""),
             (_zip({"data/referrals.csv": CSV}), "pack.zip", "data_pack", "Everything")]
    for data, name, kind, title in files:
        response = upload(client, draft, data, name, kind, title)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    made = documents(draft)
    assert [d.original_name for d in made] == ["Brief.pdf", "Background.docx", "Referrals.xlsx", "areas.csv", "pack.zip"]
    assert [d.title for d in made] == ["The brief", "Other document", "Referrals 2023–2025", "Data pack", "Everything"]
    page = client.get(f"/challenges/{draft.slug}").get_data(as_text=True)
    assert "Documents" in page and "Referrals 2023–2025" in page and "Attach or remove documents" in page
    assert "possible until the challenge is sent for review" in page
    for document in made:
        assert download_url(draft, document) in page


def test_downloads_are_attachments_without_the_authors_metadata(client, login, world, draft):
    login(world.seeker)
    upload(client, draft, office("docx"), "Background.docx")
    upload(client, draft, pdf(), "Brief.pdf")
    upload(client, draft, CSV, "areas.csv", "data_pack")
    docx, brief, csv = documents(draft)
    response = client.get(download_url(draft, docx))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=Background.docx"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == storage.ALLOWED["docx"]
    assert docx.cleaned and not any(s.encode() in _unzipped(response.data) for s in SECRETS)
    response = client.get(download_url(draft, brief))
    assert response.headers["Content-Disposition"] == "attachment; filename=Brief.pdf" and b"Zebedee" not in response.data
    response = client.get(download_url(draft, csv))
    assert response.data == CSV and response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_drafts_documents_are_a_404_to_everyone_but_its_seeker_and_the_broker(client, login, world, draft):
    login(world.seeker)
    upload(client, draft, pdf(), "Brief.pdf")
    (document,) = documents(draft)
    url = download_url(draft, document)
    for person in (None, world.creator, world.outsider):
        login(person)
        assert client.get(url).status_code == 404
        assert client.get(f"/challenges/{draft.slug}/documents").status_code in (302, 404)
        assert upload(client, draft, CSV, "x.csv").status_code in (302, 404)
        assert client.post(f"{url}/delete").status_code in (302, 404)
    assert len(documents(draft)) == 1
    login(world.broker)
    assert client.get(url).status_code == 200
    assert upload(client, draft, CSV, "broker.csv", "data_pack").status_code == 302


def test_published_documents_download_for_anyone_and_are_fixed(client, login, world, draft):
    login(world.seeker)
    upload(client, draft, pdf(), "Brief.pdf")
    (document,) = documents(draft)
    draft.state = "published"
    db.session.commit()
    login(None)
    response = client.get(download_url(draft, document))
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert "Attach or remove" not in client.get(f"/challenges/{draft.slug}").get_data(as_text=True)
    login(world.seeker)
    refused = upload(client, draft, CSV, "late.csv")
    assert refused.status_code == 409 and "fixed once the challenge is sent for review" in refused.get_data(as_text=True)
    assert client.post(f"{download_url(draft, document)}/delete").status_code == 409
    page = client.get(f"/challenges/{draft.slug}/documents").get_data(as_text=True)
    assert "The documents are fixed" in page and "Attach the document" not in page
    assert len(documents(draft)) == 1


def test_in_review_only_the_broker_changes_them(client, login, world, draft):
    draft.state = "in_review"
    db.session.commit()
    login(world.seeker)
    assert upload(client, draft, CSV, "a.csv").status_code == 409
    login(world.broker)
    assert upload(client, draft, CSV, "a.csv").status_code == 302


def test_removing_a_document_removes_its_file(client, login, world, draft):
    login(world.seeker)
    upload(client, draft, office("xlsx"), "Referrals.xlsx", "data_pack")
    (document,) = documents(draft)
    original, copy = storage.path_of(document.stored_name), storage.clean_path(document.stored_name)
    assert original.is_file() and copy.is_file()
    response = client.post(f"{download_url(draft, document)}/delete")
    assert response.status_code == 302
    assert "is removed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert documents(draft) == [] and not original.exists() and not copy.exists()


def test_the_upload_sweep_keeps_documents(client, login, world, draft):
    login(world.seeker)
    upload(client, draft, pdf(), "Brief.pdf")
    (document,) = documents(draft)
    later = clock.now() + timedelta(days=30)
    assert document.stored_name not in {o.name for o in sweep.find_orphans(later, timedelta(hours=1))}


@pytest.mark.parametrize("data,name,status,message", [
    (b"MZ\x90\x00 not a program", "setup.exe", 400, "is not a file type we accept. Upload a PDF, DOCX, XLSX, CSV or ZIP file."),
    (b"<html><script>alert(1)</script>", "brief.pdf", 400, "The file’s content is not a PDF file"),
    (pdf(), "brief.png", 400, "is not a file type we accept"),  # a type submissions take, documents do not
    (b"a,b\n\x00\x01\x02binary", "data.csv", 400, "not CSV text in UTF-8"),
    (b"area,cost\nCamden,\xa3120\n", "latin1.csv", 400, "Save it as “CSV UTF-8”"),
    (b"", "empty.pdf", 400, "The file is empty"),
    (_zip({"../../etc/cron.d/evil": b"x"}), "pack.zip", 400, "a path that points outside the folder"),
    (_zip({"inner.zip": _zip({"deeper.zip": _zip({"a.txt": b"x"})})}), "pack.zip", 400, "an archive inside an archive"),
])
def test_hostile_files_are_refused_with_a_message(client, login, world, draft, data, name, status, message):
    login(world.seeker)
    response = upload(client, draft, data, name)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert documents(draft) == []


def test_too_big_is_413_with_the_limit(client, login, world, draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    login(world.seeker)
    response = upload(client, draft, b"a,b\n" + b"1,2\n" * 300_000, "big.csv")
    assert response.status_code == 413 and "larger than 1 MB" in response.get_data(as_text=True)
    assert documents(draft) == []


@pytest.mark.parametrize("name,shown", [
    ("../../../etc/passwd.csv", "passwd.csv"),
    ("..\\..\\windows\\system32\\brief.csv", "brief.csv"),
    ("/tmp/evil\r\nSet-Cookie: x=1.csv", "evilSet-Cookie_x1.csv"),
    ("Привет.csv", "attachment.csv"),
])
def test_path_tricks_in_the_name_never_reach_the_disk(client, login, world, draft, name, shown):
    login(world.seeker)
    response = upload(client, draft, CSV, name, "data_pack")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        (document,) = documents(draft)
        assert re.fullmatch(r"[0-9a-f]{32}", document.stored_name) and document.original_name.endswith(shown)
        assert not re.search(r"[\\/\r\n]|\.\.", document.original_name)
        disposition = client.get(download_url(draft, document)).headers["Content-Disposition"]
        assert "\n" not in disposition and "/" not in disposition and disposition.endswith(shown)


def test_a_double_click_attaches_once_and_bad_fields_are_said(client, login, world, draft, make_challenge):
    login(world.seeker)
    brief = pdf()  # a double click sends the same bytes twice (pdf() stamps the time it was made)
    assert upload(client, draft, brief, "Brief.pdf").status_code == 302
    again = upload(client, draft, brief, "Brief.pdf")
    assert again.status_code == 400 and "This file is already attached, as “Brief”." in again.get_data(as_text=True)
    assert upload(client, draft, CSV, "a.csv", kind="secret").status_code == 400
    assert "Keep the title to 120 characters" in upload(client, draft, CSV, "a.csv", title="x" * 121).get_data(as_text=True)
    no_file = client.post(f"/challenges/{draft.slug}/documents", data={"kind": "brief"})
    assert no_file.status_code == 400 and "Choose a file to upload" in no_file.get_data(as_text=True)
    assert len(documents(draft)) == 1
    # a document id from another challenge is not found through this one
    other = make_challenge(world.org, "draft")
    (document,) = documents(draft)
    assert client.get(f"/challenges/{other.slug}/documents/{document.id}").status_code == 404


def _unzipped(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"".join(zf.read(n) for n in zf.namelist())
