"""Fixtures for the submissions tests: genuine and fake files, and a ready-made cast."""
from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

from demo.submissions import tiny_pdf

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}


def office(kind: str, content_type: str | None = None) -> bytes:
    """A minimal Office Open XML container of the given kind (docx, xlsx, pptx)."""
    part, main = MAIN[kind]
    content_type = content_type or main
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             f'content-types"><Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr(part, "<x/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buf.getvalue()


GENUINE = {
    "plan.pdf": tiny_pdf(["A plan"]), "photo.png": PNG, "photo.jpg": JPEG, "photo.JPEG": JPEG,
    "report.docx": office("docx"), "budget.xlsx": office("xlsx"), "deck.pptx": office("pptx"),
    "bundle.zip": plain_zip(),
}


@pytest.fixture()
def files():
    return SimpleNamespace(pdf=GENUINE["plan.pdf"], png=PNG, jpeg=JPEG, exe=EXE, html=HTML, svg=SVG,
                           office=office, plain_zip=plain_zip, genuine=GENUINE)


@pytest.fixture()
def cast(make_user, make_org, make_challenge):
    """A council running an open challenge, a creator with a friend, another creator and a broker."""
    seeker = make_user("Sita Seeker")
    council = make_org(seeker, name="Riverside Council")
    creator = make_user("Cleo Creator", "cleo@example.org")
    friend = make_user("Femi Friend", "femi@example.org")
    other = make_user("Otto Other")
    broker = make_user("Bea Broker", broker=True)
    challenge = make_challenge(council, "open", title="Loneliness in later life")
    return SimpleNamespace(seeker=seeker, council=council, creator=creator, friend=friend, other=other,
                           broker=broker, challenge=challenge)


@pytest.fixture(autouse=True)
def _own_upload_folder(app, tmp_path, monkeypatch):
    """Each test stores its files in a folder of its own, so it can see exactly what was written."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
