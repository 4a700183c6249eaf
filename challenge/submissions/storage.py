"""Attachment files on disk: checked, stored under random names outside the web root, opened for download.

A file is accepted only when its extension is on the list AND its content is what the extension
claims (sniffed with `filetype`; Office files are ZIP containers, told apart by their
`[Content_Types].xml`). The client's file name never touches the disk: it is kept, sanitised, for
display and as the download name only.

Files follow the database transaction: a file written during a unit of work that is rolled back is
deleted, and a file whose row is deleted is removed from disk only once that deletion is committed.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from challenge.errors import DomainError

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
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_NEW_FILES = "cx_new_files"
_DOOMED_FILES = "cx_doomed_files"


class UploadRefused(DomainError):
    """The file is not one we accept; the message says why, in words for the uploader."""


class UploadTooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class Stored:
    stored_name: str
    size: int
    sha256: str
    content_type: str
    display_name: str


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


def store(stream: BinaryIO, original_name: str, max_bytes: int) -> Stored:
    """Write `stream` under a random name; refuse a wrong type, an empty file or one over `max_bytes`."""
    ext = extension_of(original_name)
    if ext not in ALLOWED:
        raise UploadRefused(f"“{display_name(original_name)}” is not a file type we accept. "
                            f"Upload a {ALLOWED_LABEL} file.")
    stored_name = secrets.token_hex(16)
    path = folder() / stored_name
    digest, size = hashlib.sha256(), 0
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
        _check_content(path, ext)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Stored(stored_name, size, digest.hexdigest(), ALLOWED[ext], display_name(original_name))


def _check_content(path: Path, ext: str) -> None:
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    name = "a " + ext.upper() if ext not in ("xlsx",) else "an XLSX"
    refused = UploadRefused(f"The file’s content is not {name} file, whatever its name says. "
                            f"Upload a genuine {ALLOWED_LABEL} file.")
    if ext in OOXML_MAIN:
        if not _is_ooxml(path, head, ext):
            raise refused
        return
    if ext == "zip":
        if not (head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path)):
            raise refused
        return
    kind = filetype.guess(head)
    if kind is None or kind.mime != ALLOWED[ext]:
        raise refused


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


def path_of(stored_name: str) -> Path | None:
    """The file behind a stored name, or None when the name is malformed or the file is gone."""
    if not _STORED_NAME.match(stored_name or ""):
        return None
    path = folder() / stored_name
    return path if path.is_file() else None


def open(stored_name: str) -> BinaryIO:  # noqa: A001 - the verb the rest of the package reads best with
    path = path_of(stored_name)
    if path is None:
        raise FileNotFoundError(stored_name)
    return path.open("rb")


def remove(stored_name: str) -> None:
    if _STORED_NAME.match(stored_name or ""):
        (folder() / stored_name).unlink(missing_ok=True)


# --- files follow the transaction -------------------------------------------------------------------

def written_in(session: Session, stored_name: str) -> None:
    """Delete this new file if the session's transaction is rolled back instead of committed."""
    session.info.setdefault(_NEW_FILES, {})[stored_name] = folder()


def remove_after_commit(session: Session, stored_name: str) -> None:
    """Delete this file from disk once the deletion of its row has been committed."""
    session.info.setdefault(_DOOMED_FILES, {})[stored_name] = folder()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    for name, where in session.info.pop(_DOOMED_FILES, {}).items():
        (where / name).unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed): undo its new files."""
    if transaction.parent is not None or transaction.nested:
        return
    session.info.pop(_DOOMED_FILES, None)
    for name, where in session.info.pop(_NEW_FILES, {}).items():
        (where / name).unlink(missing_ok=True)
