"""ZIP uploads (and Office files, which are ZIPs) are inspected before they are kept: no archive that unpacks
to more than 100 MB or more than 1,000 entries, no archive in an archive in an archive, no entry whose path
escapes the folder it unpacks into. Ordinary archives and Office files pass."""
from __future__ import annotations

import io
import os
import tarfile
import zipfile

import pytest

from challenge.submissions import storage
from challenge.submissions.storage import UploadRefused

MB = 1024 * 1024
LIMIT = 20 * MB  # the per-file upload limit: the archive itself is small, what it unpacks to is not


def zipped(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return buf.getvalue()


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def refused(content: bytes, name: str = "bundle.zip", match: str = "") -> None:
    with pytest.raises(UploadRefused, match=match):
        storage.store(io.BytesIO(content), name, LIMIT)


def realistic_docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A Word file as Word writes one: several parts, properties, and an embedded spreadsheet (itself a ZIP)."""
    from tests.submissions.metadata_files import office

    inner = office("xlsx")
    with zipfile.ZipFile(io.BytesIO(office("docx"))) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts |= {"_rels/.rels": b"<Relationships/>", "docProps/core.xml": b"<cp:coreProperties/>",
              "docProps/app.xml": b"<Properties/>", "word/styles.xml": b"<w:styles/>",
              "word/media/image1.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
              "word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner, **(extra or {})}
    return zipped(parts)


# --- what passes ----------------------------------------------------------------------------------

def test_an_ordinary_archive_with_folders_passes(app):
    content = zipped({"project/": b"", "project/README.md": b"# Plan", "project/src/main.py": b"print(1)\n",
                      "project/data/budget.csv": b"a,b\n1,2\n" * 1000, "./notes.txt": b"dot is fine"})
    assert storage.store(io.BytesIO(content), "bundle.zip", LIMIT).content_type == "application/zip"


def test_one_level_of_archives_inside_passes(app):
    """A ZIP of ZIPs is one level of nesting; Office files are documents, not a level, though their parts are
    inspected and counted (every Word chart embeds a spreadsheet, itself a ZIP)."""
    content = zipped({"appendix.zip": zipped({"a.txt": b"a", "report.docx": realistic_docx()}),
                      "report.docx": realistic_docx()})
    storage.store(io.BytesIO(content), "bundle.zip", LIMIT)


def test_an_office_file_inside_does_not_hide_a_deeper_archive(app):
    deep = realistic_docx({"word/embeddings/package.zip": zipped({"inner.zip": zipped({"x.txt": b"x"})})})
    refused(zipped({"report.docx": deep}), match="archive inside an archive")


def test_real_shaped_office_files_pass(app):
    stored = storage.store(io.BytesIO(realistic_docx()), "report.docx", LIMIT)
    assert storage.path_of(stored.stored_name) is not None


def test_exactly_at_the_entry_limit_passes(app):
    content = zipped({f"f{n}.txt": b"x" for n in range(storage.ZIP_MAX_ENTRIES)}, zipfile.ZIP_STORED)
    storage.store(io.BytesIO(content), "bundle.zip", LIMIT)


# --- what is refused ------------------------------------------------------------------------------

def test_an_archive_that_unpacks_to_more_than_100_mb_is_refused(app):
    bomb = zipped({"zeros.bin": b"\0" * (storage.ZIP_MAX_BYTES + 1)})
    assert len(bomb) < LIMIT  # small on the wire
    refused(bomb, match="more than 100 MB")
    assert stored_files(app) == []


def test_many_small_files_adding_up_past_the_limit_are_refused(app):
    part = b"\0" * (storage.ZIP_MAX_BYTES // 4 + 1)
    refused(zipped({f"part{n}.bin": part for n in range(4)}), match="more than 100 MB")


def test_an_archive_inside_counts_towards_the_limit(app):
    inner = zipped({"zeros.bin": b"\0" * (storage.ZIP_MAX_BYTES // 2 + 1)})
    refused(zipped({"a.zip": inner, "b.zip": inner}), match="more than 100 MB")


def test_more_than_1000_entries_are_refused(app):
    content = zipped({f"f{n}.txt": b"x" for n in range(storage.ZIP_MAX_ENTRIES + 1)}, zipfile.ZIP_STORED)
    refused(content, match="more than 1,000")
    assert stored_files(app) == []


def test_entries_inside_an_inner_archive_count_too(app):
    half = storage.ZIP_MAX_ENTRIES // 2
    inner = zipped({f"f{n}.txt": b"x" for n in range(half)}, zipfile.ZIP_STORED)
    refused(zipped({"a.zip": inner, "b.zip": inner, "c.txt": b"c"}), match="more than 1,000")


@pytest.mark.parametrize("outer_name", ["bundle.zip", "report.docx"])
def test_an_archive_in_an_archive_in_an_archive_is_refused(app, outer_name):
    deepest = zipped({"deep.txt": b"three levels down"})
    middle = zipped({"inner.zip": deepest})
    if outer_name == "report.docx":
        content = realistic_docx({"word/embeddings/package.zip": middle})
    else:
        content = zipped({"readme.txt": b"hi", "middle.zip": middle})
    refused(content, outer_name, match="archive inside an archive")


def test_a_nested_archive_is_recognised_by_its_content_not_its_name(app):
    middle = zipped({"innocent.txt": zipped({"deep.txt": b"x"})})
    refused(zipped({"data.bin": middle}), match="archive inside an archive")


def test_other_kinds_of_archive_inside_are_refused(app):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("a.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"a"))
    refused(zipped({"code.tar.gz": buf.getvalue()}), match="cannot look inside")


@pytest.mark.parametrize("evil", ["../escape.txt", "project/../../escape.txt", "/etc/passwd", "\\windows\\win.ini",
                                  "..\\escape.txt", "C:\\autoexec.bat", "c:/boot.ini", "project/.."])
def test_entries_with_absolute_or_parent_paths_are_refused(app, evil):
    refused(zipped({"fine.txt": b"ok", evil: b"bad"}), match="outside the folder")
    assert stored_files(app) == []


def test_a_bad_path_inside_an_inner_archive_is_refused(app):
    refused(zipped({"inner.zip": zipped({"../../escape.txt": b"bad"})}), match="outside the folder")


def test_an_office_file_with_a_bad_path_is_refused(app):
    refused(realistic_docx({"../../evil.xml": b"<x/>"}), "report.docx", match="outside the folder")


def test_an_encrypted_or_damaged_entry_is_refused_with_words(app):
    content = bytearray(zipped({"a.txt": b"hello " * 1000}))
    start = content.index(b"a.txt") + len(b"a.txt")
    content[start + 10:start + 40] = b"\xff" * 30  # corrupt the deflate stream, keep the directory
    refused(bytes(content), match="damaged")


def test_the_refusal_reaches_the_uploader_as_a_form_error(client, login, cast, make_submission):
    sub = make_submission(cast.challenge, cast.creator, "draft")
    login(cast.creator)
    content = zipped({"inner.zip": zipped({"../../escape.txt": b"bad"})})
    response = client.post(f"/submissions/{sub.reference}/attachments",
                           data={"file": (io.BytesIO(content), "bundle.zip")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "outside the folder" in response.get_data(as_text=True)
    assert sub.attachments == []
