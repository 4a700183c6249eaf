"""Copies without metadata: every upload that can be cleaned gets a copy, kept beside it, that names nobody;
the original is untouched; a ZIP or an unreadable file is marked as not cleaned."""
from __future__ import annotations

import hashlib
import io
import os

import pikepdf
import pytest
from PIL import Image

from challenge import clock
from challenge.extensions import db
from challenge.submissions import cleaning, services, storage
from tests.submissions import metadata_files as mf

MB = 1024 * 1024


def store(name: str, content: bytes) -> storage.Stored:
    return storage.store(io.BytesIO(content), name, 20 * MB)


def copy_of(stored: storage.Stored) -> bytes:
    return storage.clean_path(stored.stored_name).read_bytes()


@pytest.mark.parametrize("name", sorted(mf.FILES))
def test_every_cleanable_upload_gets_a_copy_that_names_nobody(app, name):
    original = mf.FILES[name]()
    assert {"Zebedee", "Quorn"} <= set(mf.names_in(original))  # the search finds them where they are
    stored = store(name, original)
    assert stored.cleaned is True
    assert mf.names_in(copy_of(stored)) == []
    assert storage.path_of(stored.stored_name).read_bytes() == original  # seekers and brokers get this
    assert stored.sha256 == hashlib.sha256(original).hexdigest()


@pytest.mark.parametrize("name", ["plan.pdf", "report.docx", "budget.xlsx", "deck.pptx"])
def test_the_cleaned_document_still_says_what_the_entry_says(app, name):
    copy = copy_of(store(name, mf.FILES[name]()))
    assert any(mf.CONTENT.encode() in text for text in mf.readable_texts(copy))


@pytest.mark.parametrize("name", ["report.docx", "budget.xlsx", "deck.pptx"])
def test_a_cleaned_office_file_is_still_a_genuine_office_file(app, name):
    stored = store(name, mf.FILES[name]())
    # The copy passes the very checks an upload must pass, and every part is still there.
    again = store(name, copy_of(stored))
    assert again.content_type == stored.content_type
    import zipfile

    with zipfile.ZipFile(io.BytesIO(copy_of(stored))) as zf, \
            zipfile.ZipFile(storage.path_of(stored.stored_name)) as original:
        assert zf.namelist() == original.namelist() and zf.testzip() is None


def test_a_cleaned_pdf_opens_with_its_page_and_no_author(app):
    with pikepdf.open(io.BytesIO(copy_of(store("plan.pdf", mf.pdf())))) as doc:
        assert len(doc.pages) == 1
        assert "/Info" not in doc.trailer and "/Metadata" not in doc.Root
        assert all("/T" not in annot for annot in doc.pages[0].obj.Annots)


def test_images_keep_their_pixels_and_stand_the_right_way_up(app):
    with Image.open(io.BytesIO(copy_of(store("photo.png", mf.png())))) as im:
        assert im.size == (8, 8) and im.mode == "RGBA" and im.getpixel((0, 0)) == (0, 128, 0, 128)
    with Image.open(io.BytesIO(copy_of(store("photo.jpg", mf.jpeg())))) as im:
        assert im.size == (40, 20) and not im.getexif()
    # EXIF said "rotate 90° clockwise to view": the copy loses that tag, so it is turned upright instead.
    rotated = copy_of(store("photo.jpg", mf.jpeg(orientation=6)))
    assert mf.names_in(rotated) == []
    with Image.open(io.BytesIO(rotated)) as im:
        assert im.size == (20, 40)
        red, green, blue = im.convert("RGB").getpixel((10, 2))  # the blue band is now along the top
        assert blue > 150 and red < 100


def test_an_animated_png_stays_animated(app, tmp_path):
    """(Uploads refuse APNG as not a PNG; a picture inside an Office file may still be one.)"""
    from PIL import PngImagePlugin

    frames = [Image.new("RGBA", (4, 4), (80 * n, 0, 0, 255)) for n in range(3)]
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", mf.NAME)
    buf = io.BytesIO()
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0, pnginfo=info)
    (tmp_path / "anim").write_bytes(buf.getvalue())
    assert cleaning.clean(tmp_path / "anim", "png", tmp_path / "anim-clean")
    copy = (tmp_path / "anim-clean").read_bytes()
    assert mf.names_in(copy) == []
    with Image.open(io.BytesIO(copy)) as im:
        assert im.n_frames == 3 and im.info["duration"] == 100


def test_a_zip_is_not_cleaned_and_has_no_copy(app):
    stored = store("bundle.zip", mf.archive())
    assert stored.cleaned is False
    assert not storage.clean_path(stored.stored_name).exists()


def test_a_file_the_cleaner_cannot_read_is_marked_not_cleaned(app):
    doc = pikepdf.new()
    doc.add_blank_page()
    buf = io.BytesIO()
    doc.save(buf, encryption=pikepdf.Encryption(owner="o", user="secret"))  # opens only with a password
    stored = store("plan.pdf", buf.getvalue())
    assert stored.cleaned is False and not storage.clean_path(stored.stored_name).exists()
    assert [p for p in os.listdir(app.config["UPLOAD_FOLDER"]) if p.endswith(".part")] == []


def test_the_copy_follows_its_original_out(app):
    stored = store("plan.pdf", mf.pdf())
    storage.remove(stored.stored_name)
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_a_rolled_back_upload_takes_its_copy_with_it(app, cast, make_submission):
    sub = make_submission(cast.challenge, cast.creator, "draft")
    attachment = services.add_attachment(sub, io.BytesIO(mf.pdf()), "plan.pdf", cast.creator, clock.now())
    assert attachment.cleaned is True
    assert len(os.listdir(app.config["UPLOAD_FOLDER"])) == 2
    db.session.rollback()
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_the_upload_records_whether_it_was_cleaned(app, cast, make_submission):
    sub = make_submission(cast.challenge, cast.creator, "draft")
    services.add_attachment(sub, io.BytesIO(mf.archive()), "bundle.zip", cast.creator, clock.now())
    services.add_attachment(sub, io.BytesIO(mf.jpeg()), "photo.jpg", cast.creator, clock.now())
    db.session.commit()
    assert [a.cleaned for a in sub.attachments] == [False, True]
    assert [(u.label, u.reason) for u in cleaning.uncleaned([sub.id])] == [
        (f"{sub.reference}, Attachment 1.zip", cleaning.NOT_CLEANABLE["zip"])]
