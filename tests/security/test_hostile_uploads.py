"""Hostile uploads: HTML, SVG, a renamed executable, an oversize file, a path-traversal name."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from challenge.extensions import db
from challenge.submissions.models import Attachment
from tests.security.world import PDF

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'


@pytest.fixture()
def entry(app, make_user, make_org, make_challenge, make_submission, login, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    creator = make_user()
    sub = make_submission(make_challenge(make_org(make_user()), "open"), creator, "draft")
    login(creator)
    return sub


def _upload(client, sub, content: bytes, name: str):
    return client.post(f"/submissions/{sub.reference}/attachments",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _stored(sub) -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Attachment).where(Attachment.submission_id == sub.id)))


@pytest.mark.parametrize("content,name", [
    (HTML, "page.html"), (HTML, "page.htm"), (SVG, "logo.svg"), (EXE, "setup.exe"), (EXE, "plan.pdf"),
    (HTML, "plan.pdf"), (SVG, "photo.png"), (EXE, "report.docx"),
])
def test_dangerous_files_are_refused(client, entry, content, name):
    response = _upload(client, entry, content, name)
    assert response.status_code == 400  # the page again, with the reason on the field
    body = response.get_data(as_text=True)
    assert "is not a file type we accept" in body or "content is not" in body
    assert _stored(entry) == []


def test_an_oversize_file_gets_a_413_page_stating_the_limit(app, client, entry):
    big = b"%PDF-1.4\n" + b"0" * (app.config["UPLOAD_MAX_BYTES"] + 10)
    response = _upload(client, entry, big, "huge.pdf")
    assert response.status_code == 413
    assert "at most 20 MB" in response.get_data(as_text=True)
    assert _stored(entry) == []
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or list(folder.iterdir()) == []  # no half-written file left behind


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/passwd.pdf",
                                  "....//....//x.pdf", "a\x00b.pdf"])
def test_a_path_in_the_name_is_neutralised(app, client, entry, name):
    response = _upload(client, entry, PDF, name)
    assert response.status_code == 302
    (attachment,) = _stored(entry)
    folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
    on_disk = (folder / attachment.stored_name).resolve()
    assert on_disk.parent == folder and on_disk.is_file()
    assert "/" not in attachment.stored_name and ".." not in attachment.stored_name
    assert len(attachment.stored_name) == 32  # a random name, nothing of the user's
    for part in ("/", "\\", "..", "\x00"):
        assert part not in attachment.original_name
    download = client.get(f"/submissions/{entry.reference}/attachments/{attachment.id}")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "\\" not in disposition and ".." not in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in download.headers["Content-Security-Policy"] or \
        "default-src 'none'" in download.headers["Content-Security-Policy"]
