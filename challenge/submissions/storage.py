"""Attachment files on disk: checked, stored under random names outside the web root, opened for download.

A file is accepted only when its extension is on the list AND its content is what the extension
claims (sniffed with `filetype`; Office files are ZIP containers, told apart by their
`[Content_Types].xml`). ZIP files, Office files included, are inspected too: see `inspect_zip`. The
client's file name never touches the disk: it is kept, sanitised, for display and as the download name only.

Where the files live (a local folder or an S3 bucket) is platform/filestore.py's business: an upload is
written and checked in a scratch file read in chunks, then kept by the backend; `send` answers a download.
Files follow the database transaction: a file written during a unit of work that is rolled back is
deleted, and a file whose row is deleted is removed from storage only once that deletion is committed.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import Response, abort, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from challenge.errors import FieldError
from challenge.platform import filestore
from challenge.submissions import cleaning

CHUNK = 64 * 1024
SNIFF_BYTES = 8192
OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# Extension -> the content type we serve it with (never the one the browser sent).
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, PPTX, PNG, JPEG or ZIP"
# Kinds checked here that only some uploads accept (store's `types`): a CSV is UTF-8 text.
TEXT_TYPES = {"csv": "text/csv"}  # served with "; charset=utf-8" by Flask
# What a ZIP upload may unpack to, counting the archives inside it: a small upload must not become a
# disk-filling bomb on a judge's laptop (or in our own cleaning of Office files).
ZIP_MAX_BYTES = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 1000
# Archives inside archives are recognised by their first bytes, whatever they are called.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive, or an empty one
_OTHER_ARCHIVES = re.compile(  # gzip, bzip2, xz, 7-Zip, RAR, zstd, cabinet
    rb"^(\x1f\x8b\x08|BZh[1-9]1AY&SY|\xfd7zXZ\x00|7z\xbc\xaf\x27\x1c|Rar!\x1a\x07|\x28\xb5\x2f\xfd|MSCF\0\0\0\0)")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CALLS = 50  # archives opened inside one upload, Office files included
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_SENDABLE = re.compile(r"^[0-9a-f]{32}(" + re.escape(cleaning.CLEAN_SUFFIX) + ")?$")  # a stored file or its copy
_NEW_FILES = "cx_new_files"
_DOOMED_FILES = "cx_doomed_files"


class UploadRefused(FieldError):
    """The file is not one we accept; the message says why, in words for the uploader (on the file field).

    Its own class because the ZIP inspection builds one refusal and raises it from several places.
    """

    def __init__(self, message: str, field: str | None = "file", others: dict[str, str] | None = None):
        super().__init__(message, field, others)


class UploadTooLarge(UploadRefused):
    """Over UPLOAD_MAX_BYTES: the upload view answers with the 413 page, which states the limits."""

    status = 413


@dataclass(frozen=True)
class Stored:
    stored_name: str
    size: int
    sha256: str
    content_type: str
    display_name: str
    cleaned: bool = False  # a copy without metadata was made beside it (see cleaning.py)


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def extension_of(original_name: str) -> str:
    """The last extension of the name's basename, lower case ('' when none)."""
    base = re.split(r"[\\/]", original_name or "")[-1]
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot and stem.strip(". ") else ""


def display_name(original_name: str) -> str:
    """A safe basename to show and to offer as the download name; never used on disk."""
    ext = extension_of(original_name)
    base = re.split(r"[\\/]", original_name or "")[-1]
    safe = secure_filename(base)[:200]
    if not ext or not safe.lower().endswith("." + ext) or safe.lower() == ext or safe.startswith("."):
        # Nothing readable survived (a name in another script, say): keep just the type.
        safe = f"attachment.{ext or 'bin'}"
    return safe


def store(stream: BinaryIO, original_name: str, max_bytes: int, types: dict[str, str] | None = None,
          label: str = ALLOWED_LABEL) -> Stored:
    """Write `stream` under a random name; refuse a wrong type, an empty file or one over `max_bytes`.
    `types` (extension -> served content type, from ALLOWED and TEXT_TYPES) narrows or widens the kinds
    accepted, named by `label` in the refusal; ALLOWED by default."""
    types = ALLOWED if types is None else types
    ext = extension_of(original_name)
    if ext not in types or ext not in ALLOWED | TEXT_TYPES:
        raise UploadRefused(f"“{display_name(original_name)}” is not a file type we accept. "
                            f"Upload a {label} file.")
    stored_name = secrets.token_hex(16)
    backend = filestore.current()
    path, copy = backend.scratch(stored_name), backend.scratch(clean_name(stored_name))
    digest, size, kept = hashlib.sha256(), 0, False
    try:
        with path.open("xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("The file is empty. Choose the file again and upload it.")
        _check_content(path, ext, label)
        cleaned = cleaning.clean(path, ext, copy)
        kept = True
        backend.keep(stored_name, path)
        if cleaned:
            backend.keep(clean_name(stored_name), copy)
    except BaseException:
        path.unlink(missing_ok=True)
        copy.unlink(missing_ok=True)
        if kept:
            _unlink(backend, stored_name)
        raise
    return Stored(stored_name, size, digest.hexdigest(), types[ext], display_name(original_name), cleaned)


def _check_content(path: Path, ext: str, label: str = ALLOWED_LABEL) -> None:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    name = "a " + ext.upper() if ext not in ("xlsx",) else "an XLSX"
    refused = UploadRefused(f"The file’s content is not {name} file, whatever its name says. "
                            f"Upload a genuine {label} file.")
    if ext in TEXT_TYPES:
        if not _is_text(path):
            raise UploadRefused(f"The file’s content is not {ext.upper()} text in UTF-8, whatever its name says. "
                                "Save it as “CSV UTF-8” (Excel offers it under Save As) and upload that.")
        return
    if ext in OOXML_MAIN:
        if not _is_ooxml(path, head, ext):
            raise refused
        inspect_zip(path, "The file")
        return
    if ext == "zip":
        if not (head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path)):
            raise refused
        inspect_zip(path, "The ZIP file")
        return
    kind = filetype.guess(head)
    if kind is None or kind.mime != ALLOWED[ext]:
        raise refused


def _is_text(path: Path) -> bool:
    """UTF-8 text (a byte-order mark allowed) without NUL bytes or other control characters but tab,
    CR and LF: a spreadsheet's or a program's binary renamed .csv is refused."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                if _CONTROL.search(decoder.decode(chunk)):
                    return False
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_ooxml(path: Path, head: bytes, ext: str) -> bool:
    """A genuine Office Open XML file of the named kind (macro-enabled variants are refused)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            with zf.open("[Content_Types].xml") as f:
                types = f.read(256 * 1024)  # bounded: a crafted archive cannot make us inflate much
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return False
    return OOXML_MAIN[ext] in types


# --- what a ZIP holds -----------------------------------------------------------------------------------

class _Tally:
    """Entries and unpacked bytes counted so far, across the archive and the archives inside it."""

    def __init__(self, label: str):
        self.label, self.entries, self.size, self.calls = label, 0, 0, 0

    def add(self, infos: list[zipfile.ZipInfo]) -> None:
        self.entries += len(infos)
        self.size += sum(info.file_size for info in infos)
        if self.entries > ZIP_MAX_ENTRIES:
            raise UploadRefused(f"{self.label} holds more than {ZIP_MAX_ENTRIES:,} files and folders (counting "
                                "those in archives inside it). Split it into smaller archives.")
        if self.size > ZIP_MAX_BYTES:
            raise UploadRefused(f"{self.label} would unpack to more than {ZIP_MAX_BYTES // (1024 * 1024)} MB. "
                                "Split it into smaller archives, or upload its files one by one.")


def inspect_zip(path: Path, label: str) -> None:
    """Refuse an archive that unpacks to more than ZIP_MAX_BYTES or ZIP_MAX_ENTRIES entries (archives inside it
    count), that holds an archive inside an archive inside it, or an entry whose path is absolute or climbs
    out with '..'. Sizes come from the archive's directory; zipfile never inflates an entry past its stated
    size, so a lying directory cannot make us unpack more. Only the first bytes of each entry are read."""
    tally = _Tally(label)
    try:
        with zipfile.ZipFile(path) as zf:
            _inspect(zf, 0, tally)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError, ValueError):
        raise UploadRefused(f"{label} is damaged, encrypted or compressed in a way we cannot read, so we cannot "
                            "check what it holds. Zip the files again without a password and upload that.")


def _inspect(zf: zipfile.ZipFile, depth: int, tally: _Tally) -> None:
    infos = zf.infolist()
    tally.add(infos)
    for info in infos:
        if _escapes(info.filename):
            raise UploadRefused(f"{tally.label} holds “{info.filename[:80]}”, a path that points outside the folder "
                                "it unpacks into (it starts with / or a drive, or goes up with ..). "
                                "Zip the files again from inside their folder.")
    for info in infos:
        if info.is_dir() or info.file_size == 0:
            continue
        with zf.open(info) as member:
            head = member.read(16)
        if head.startswith(_ZIP_MAGIC):
            with zf.open(info) as member, zipfile.ZipFile(member) as inner:
                # An Office file is a document, not a level of nesting (every Word chart embeds a spreadsheet);
                # its parts are still counted and inspected, and the calls stay bounded by _MAX_CALLS.
                office = "[Content_Types].xml" in inner.NameToInfo
                if (depth >= 1 and not office) or tally.calls >= _MAX_CALLS:
                    raise UploadRefused(f"{tally.label} holds an archive inside an archive inside it "
                                        f"(“{info.filename[:80]}”). Unpack the inner archives and zip the files "
                                        "again.")
                tally.calls += 1
                _inspect(inner, depth if office else depth + 1, tally)
        elif _OTHER_ARCHIVES.match(head):
            raise UploadRefused(f"{tally.label} holds “{info.filename[:80]}”, a compressed archive of a kind we "
                                "cannot look inside. Unpack it and put its files in the ZIP instead.")


def _escapes(name: str) -> bool:
    """An absolute path (/, \\, a drive letter) or one with a '..' step, in either kind of slash."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return ".." in re.split(r"[\\/]", name)


def path_of(stored_name: str) -> Path | None:
    """The file behind a stored name in the local folder, or None when the name is malformed or the file is
    gone. The local folder only (tests, `flask storage migrate`): the app reads through `open` and `send`."""
    if not _STORED_NAME.match(stored_name or ""):
        return None
    path = folder() / stored_name
    return path if path.is_file() else None


def clean_path(stored_name: str) -> Path:
    """Where the copy without metadata of a stored file is (or would be) kept."""
    if not _STORED_NAME.match(stored_name or ""):
        raise ValueError("not a stored name")
    return cleaning.beside(folder() / stored_name)


def clean_name(stored_name: str) -> str:
    """The name of the copy without metadata of a stored file, kept beside it (in the folder or the bucket)."""
    return stored_name + cleaning.CLEAN_SUFFIX


def is_file_name(name: str) -> bool:
    """A stored file's name or its cleaned copy's (not a half-written `.part`, nor anything else)."""
    return bool(_SENDABLE.match(name or ""))


def exists(name: str) -> bool:
    """A stored file (or a cleaned copy) is there to be sent; False for a malformed name."""
    return is_file_name(name) and filestore.current().exists(name)


def open(stored_name: str) -> BinaryIO:  # noqa: A001 - the verb the rest of the package reads best with
    """The stored file to read in chunks (close it after use); FileNotFoundError when it is gone."""
    if not is_file_name(stored_name):
        raise FileNotFoundError(stored_name)
    return filestore.current().open(stored_name)


def send(name: str, mimetype: str, download_name: str) -> Response:
    """A download, answered only after the caller's permission check: always as an attachment, with the
    content type we chose at upload; a 404 when the file is gone."""
    if not exists(name):
        abort(404)
    response = filestore.current().send(name, mimetype, download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def remove(stored_name: str) -> None:
    if _STORED_NAME.match(stored_name or ""):
        _unlink(filestore.current(), stored_name)


def _unlink(backend, stored_name: str) -> None:
    """Delete a stored file and its cleaned copy."""
    backend.delete(stored_name)
    backend.delete(clean_name(stored_name))


# --- files follow the transaction -------------------------------------------------------------------

def written_in(session: Session, stored_name: str) -> None:
    """Delete this new file if the session's transaction is rolled back instead of committed."""
    session.info.setdefault(_NEW_FILES, {})[stored_name] = filestore.current()


def remove_after_commit(session: Session, stored_name: str) -> None:
    """Delete this file from storage once the deletion of its row has been committed."""
    session.info.setdefault(_DOOMED_FILES, {})[stored_name] = filestore.current()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    for name, where in session.info.pop(_DOOMED_FILES, {}).items():
        _unlink(where, name)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed): undo its new files."""
    if transaction.parent is not None or transaction.nested:
        return
    session.info.pop(_DOOMED_FILES, None)
    for name, where in session.info.pop(_NEW_FILES, {}).items():
        _unlink(where, name)
