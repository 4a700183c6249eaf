"""The file store: only genuine files of the listed types, under random names, within the size limit."""
import io
import os

import pytest

from challenge.submissions import storage
from challenge.submissions.storage import UploadRefused, UploadTooLarge

MB = 1024 * 1024


def stored_files(app):
    folder = app.config["UPLOAD_FOLDER"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.mark.parametrize("name", ["plan.pdf", "photo.png", "photo.jpg", "photo.JPEG", "report.docx",
                                  "budget.xlsx", "deck.pptx", "bundle.zip"])
def test_genuine_files_of_each_type_are_stored_under_a_random_name(app, files, name):
    content = files.genuine[name]
    stored = storage.store(io.BytesIO(content), name, 20 * MB)
    assert stored.size == len(content)
    assert len(stored.stored_name) == 32 and "." not in stored.stored_name
    assert stored.display_name == name
    path = storage.path_of(stored.stored_name)
    assert path.read_bytes() == content
    assert str(path).startswith(app.config["UPLOAD_FOLDER"])
    import hashlib
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.content_type == storage.ALLOWED[name.rsplit(".", 1)[1].lower()]


@pytest.mark.parametrize("name, content", [
    ("page.html", "html"), ("image.svg", "svg"), ("setup.exe", "exe"), ("notes.txt", "pdf"),
    ("plan.pdf.exe", "exe"), ("plan", "pdf"), (".pdf", "pdf"), ("", "pdf"),
])
def test_types_not_on_the_list_are_refused_by_extension(app, files, name, content):
    with pytest.raises(UploadRefused, match="not a file type we accept"):
        storage.store(io.BytesIO(getattr(files, content)), name, 20 * MB)
    assert stored_files(app) == []


@pytest.mark.parametrize("name, content", [
    ("plan.pdf", "exe"), ("plan.pdf", "html"), ("photo.png", "svg"), ("photo.jpg", "png"),
    ("photo.png", "pdf"), ("bundle.zip", "pdf"),
])
def test_content_that_is_not_what_the_name_says_is_refused(app, files, name, content):
    with pytest.raises(UploadRefused, match="content is not"):
        storage.store(io.BytesIO(getattr(files, content)), name, 20 * MB)
    assert stored_files(app) == []


def test_office_files_are_told_apart_from_each_other_and_from_plain_zips(app, files):
    for name, content in [("report.docx", files.plain_zip()), ("report.docx", files.office("xlsx")),
                          ("budget.xlsx", files.office("pptx")), ("deck.pptx", files.office("docx")),
                          ("report.docx", files.pdf)]:
        with pytest.raises(UploadRefused):
            storage.store(io.BytesIO(content), name, 20 * MB)
    # A Word file renamed .zip is still a genuine ZIP.
    assert storage.store(io.BytesIO(files.office("docx")), "report.zip", 20 * MB).content_type == "application/zip"


def test_a_macro_enabled_document_renamed_docx_is_refused(app, files):
    macro = files.office("docx", "application/vnd.ms-word.document.macroEnabled.main+xml")
    with pytest.raises(UploadRefused):
        storage.store(io.BytesIO(macro), "report.docx", 20 * MB)


def test_an_empty_file_is_refused_and_not_kept(app):
    with pytest.raises(UploadRefused, match="empty"):
        storage.store(io.BytesIO(b""), "plan.pdf", 20 * MB)
    assert stored_files(app) == []


def test_a_file_over_the_limit_is_refused_and_the_partial_file_deleted(app, files):
    big = files.pdf + b"0" * (2 * storage.CHUNK)
    with pytest.raises(UploadTooLarge):
        storage.store(io.BytesIO(big), "plan.pdf", len(big) - 1)
    assert stored_files(app) == []
    assert storage.store(io.BytesIO(big), "plan.pdf", len(big)).size == len(big)


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("/abs/path/plan.pdf", "plan.pdf"), ("提案書.pdf", "attachment.pdf"), ("Résumé final.PDF", "Resume_final.PDF"),
    ("<script>alert(1)</script>.pdf", "script.pdf"), ("a" * 400 + ".pdf", None),
])
def test_client_names_are_reduced_to_a_safe_basename_and_never_used_on_disk(app, files, name, shown):
    stored = storage.store(io.BytesIO(files.pdf), name, 20 * MB)
    if shown:
        assert stored.display_name == shown
    assert "/" not in stored.display_name and "\\" not in stored.display_name
    assert len(stored.display_name) <= 255 and stored.display_name.lower().endswith(".pdf")
    assert stored_files(app) == [stored.stored_name, storage.clean_path(stored.stored_name).name]  # and its copy


@pytest.mark.parametrize("bad", ["../secret", "", "a" * 32, "0" * 31, "/etc/passwd", "0" * 32 + "/x"])
def test_only_well_formed_stored_names_are_opened(app, bad):
    assert storage.path_of(bad) is None
    with pytest.raises(FileNotFoundError):
        storage.open(bad)
