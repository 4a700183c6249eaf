"""Copies of attachments without the metadata that names their authors, for the judges of a blind challenge.

A PDF's document information and XMP, an Office file's document properties, comment and revision authors,
an image's EXIF, XMP, comments and text chunks all name the entrant. Each kind of file has a cleaner (a
registry: extension -> function); the cleaned copy is made once, at upload, and kept beside the original
(storage.clean_name, in the same folder or bucket); the original stays what seekers and brokers download. A ZIP cannot be cleaned (the
files inside are anyone's), nor can a file a cleaner cannot read: those reach judges as uploaded, and the
chair is told before the round opens (`uncleaned`).

Only the metadata goes: the text, pictures and numbers of the entry are the entrant's to show.
"""
from __future__ import annotations

import io
import logging
import os
import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from challenge.extensions import db
from challenge.platform import filestore
from challenge.submissions.models import Attachment, Submission

log = logging.getLogger(__name__)

CLEAN_SUFFIX = "-clean"  # the cleaned copy of stored file <name> is <name>-clean, in the same folder

# Why a kind of file reaches judges as uploaded, in words for the chair.
NOT_CLEANABLE = {"zip": "a ZIP archive: the files inside keep their own authors' names"}
UNREADABLE = "could not be read to remove its metadata (damaged or password-protected)"

# --- PDF -------------------------------------------------------------------------------------------------

_PDF_KEYS = ("/Metadata", "/PieceInfo")  # XMP packets (document, page or image) and application private data


def _clean_pdf(source: Path, out: io.BufferedWriter) -> None:
    """Drop the document information dictionary (Author, Creator, Producer, Title…), every XMP packet and
    application data, and the author of each annotation (a comment's /T names who made it)."""
    import pikepdf  # here, not at the top: a worker that never cleans a PDF need not carry it

    with pikepdf.open(source) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in _PDF_KEYS:
                    if key in obj:
                        del obj[key]
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                if isinstance(annot, pikepdf.Dictionary) and "/T" in annot:
                    del annot["/T"]
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)


# --- images --------------------------------------------------------------------------------------------

_PNG_KEEP = ("transparency", "icc_profile", "gamma", "duration", "loop", "disposal", "blend", "default_image")


def _clean_image_bytes(data: bytes) -> bytes:
    """Re-save a JPEG or PNG with only its pixels, colour profile and transparency: no EXIF (Artist, camera
    owner, GPS), XMP, comments or text chunks. A JPEG keeps its quantisation tables (quality="keep"), unless
    EXIF rotated it: then it is turned upright first, since the rotation tag goes with the EXIF."""
    from PIL import Image, ImageOps  # loaded on first use, as pikepdf

    with Image.open(io.BytesIO(data)) as im:
        im.load()
        kind = im.format
        icc = im.info.get("icc_profile")
        keep = {"icc_profile": icc} if icc else {}
        if kind == "JPEG":
            upright = im.getexif().get(0x0112, 1) in (None, 1)
            picture = im if upright else ImageOps.exif_transpose(im)
            picture.info = {}
            buf = io.BytesIO()
            picture.save(buf, "JPEG", quality="keep" if upright else 95, comment=b"", **keep)
            return buf.getvalue()
        if kind == "PNG":
            # Pixels' own settings (and an animation's timing) stay; text chunks and EXIF are never copied.
            im.info = {k: v for k, v in im.info.items() if k in _PNG_KEEP}
            buf = io.BytesIO()
            im.save(buf, "PNG", save_all=getattr(im, "is_animated", False), **keep)
            return buf.getvalue()
    raise ValueError(f"not a JPEG or PNG image: {kind}")


def _clean_image(source: Path, out: io.BufferedWriter) -> None:
    out.write(_clean_image_bytes(source.read_bytes()))


# --- Office Open XML (DOCX, XLSX, PPTX) ----------------------------------------------------------------------

_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
         b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         b'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>')
_CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
           b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>')
# Extended properties that name people or places: who the company is, the manager, the template's path.
_APP_ELEMENTS = re.compile(rb"<(Company|Manager|HyperlinkBase|Template)\b[^>]*?(/>|>.*?</\1>)", re.S)
# Who wrote a comment or made a tracked change, in Word, Excel and PowerPoint (any namespace prefix).
_PERSON_ATTRS = re.compile(rb'\b((?:[A-Za-z0-9]+:)?(?:author|initials|userId|userName|displayName|providerId|'
                           rb'lastModifiedBy|creator))="[^"]*"')
_AUTHOR_ELEMENTS = re.compile(rb"<((?:[A-Za-z0-9]+:)?author)>[^<]*</\1>")  # Excel's legacy comments
_AUTHOR_NAMES = re.compile(rb'(<(?:[A-Za-z0-9]+:)?(?:cmAuthor|author|person)\b[^>]*?\bname=")[^"]*(")')
_ABS_PATH = re.compile(rb"<(?:[A-Za-z0-9]+:)?absPath\b[^>]*?/>")  # where Excel saved it: C:\Users\<name>\…
_LOCAL_FILES = re.compile(rb'(\bTarget=")file:[^"]*(")')  # a linked template or picture on the author's disk
_NEUTRAL = {b"author": b"Author", b"initials": b"A"}


def _neutral(match: re.Match) -> bytes:
    name = match.group(1)
    return name + b'="' + _NEUTRAL.get(name.rsplit(b":", 1)[-1], b"") + b'"'


def _clean_part(name: str, data: bytes) -> bytes:
    lower = name.lower()
    if lower == "docprops/core.xml":
        return _CORE
    if lower == "docprops/custom.xml":
        return _CUSTOM
    if lower.endswith((".jpg", ".jpeg", ".png")):
        return _clean_image_bytes(data)
    if not lower.endswith((".xml", ".rels")):
        return data
    if lower == "docprops/app.xml":
        data = _APP_ELEMENTS.sub(b"", data)
    data = _PERSON_ATTRS.sub(_neutral, data)
    data = _AUTHOR_ELEMENTS.sub(lambda m: b"<" + m.group(1) + b">Author</" + m.group(1) + b">", data)
    data = _AUTHOR_NAMES.sub(rb"\1Author\2", data)
    data = _LOCAL_FILES.sub(rb"\1\2", data)
    return _ABS_PATH.sub(b"", data)


def _clean_office(source: Path, out: io.BufferedWriter) -> None:
    """Rewrite the package part by part: empty core and custom properties, no company or manager, comment and
    revision authors replaced by 'Author', pictures cleaned like uploads. The upload's ZIP inspection has
    already bounded what this unpacks."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = b"" if info.is_dir() else _clean_part(info.filename, zin.read(info))
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)


# --- the registry, and making copies -----------------------------------------------------------------------

Cleaner = Callable[[Path, io.BufferedWriter], None]
CLEANERS: dict[str, Cleaner] = {
    "pdf": _clean_pdf, "png": _clean_image, "jpg": _clean_image, "jpeg": _clean_image,
    "docx": _clean_office, "xlsx": _clean_office, "pptx": _clean_office,
}


def clean(source: Path, ext: str, dest: Path) -> bool:
    """Write a copy of `source` without its metadata to `dest` (whole or not at all: written aside, then
    renamed). False, and nothing written, when the kind cannot be cleaned or the file cannot be read."""
    cleaner = CLEANERS.get(ext)
    if cleaner is None:
        return False
    aside = dest.with_name(f"{dest.name}.{secrets.token_hex(4)}.part")
    try:
        with aside.open("xb") as out:
            cleaner(source, out)
        os.replace(aside, dest)
        return True
    except Exception:  # any reader's failure means the same thing here: this file cannot be cleaned
        log.warning("could not clean %s (%s)", source.name, ext, exc_info=True)
        return False
    finally:
        aside.unlink(missing_ok=True)


def beside(original: Path) -> Path:
    """Where the cleaned copy of a stored file is (or would be) kept."""
    return original.with_name(original.name + CLEAN_SUFFIX)


def for_judges(item) -> str | None:
    """The stored name of the file a judge of a blind challenge receives (an attachment or a file answer): the
    cleaned copy, made now if an older upload has none yet; the original when the chair was told before the
    round opened that it cannot be cleaned (a kind we cannot clean, or a file that failed at upload). None
    when an older upload of a cleanable kind fails now: the chair was never warned of it, so the judge must
    not receive it as uploaded. The caller has checked that the original is there."""
    backend = filestore.current()
    copy = item.stored_name + CLEAN_SUFFIX
    if backend.exists(copy):
        return copy
    ext = Path(item.original_name).suffix.lower().lstrip(".")
    if item.cleaned is False or ext in NOT_CLEANABLE or ext not in CLEANERS:
        return item.stored_name
    with backend.local_copy(item.stored_name) as original:
        scratch = backend.scratch(copy)
        if not clean(original, ext, scratch):
            return None
        backend.keep(copy, scratch)
    return copy


# --- the chair's warning --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Uncleaned:
    reference: str
    number: int  # the judges' "Attachment 2.zip": the original name could give the entrant away
    ext: str
    reason: str

    @property
    def label(self) -> str:
        return f"{self.reference}, Attachment {self.number}.{self.ext}"


def uncleaned(submission_ids: list[int]) -> list[Uncleaned]:
    """The attachments of these entries that judges would receive with their metadata: kinds that cannot be
    cleaned, and files that could not be read when they were uploaded."""
    rows = db.session.execute(
        db.select(Submission.reference, Attachment.original_name, Attachment.cleaned).join(Attachment)
        .where(Submission.id.in_(submission_ids)).order_by(Submission.reference, Attachment.id)).all()
    found, numbers = [], {}
    for reference, name, cleaned in rows:
        numbers[reference] = number = numbers.get(reference, 0) + 1
        ext = Path(name).suffix.lower().lstrip(".")  # display names always end in their extension
        if ext in NOT_CLEANABLE or ext not in CLEANERS:
            found.append(Uncleaned(reference, number, ext, NOT_CLEANABLE.get(ext, "a kind of file we cannot clean")))
        elif cleaned is False:
            found.append(Uncleaned(reference, number, ext, UNREADABLE))
    return found
