"""A challenge's documents: the brief and the data pack its seeker attaches for entrants to download.

The files go through the one uploads storage (submissions/storage.py): the type is checked by content
(a ZIP's or an Office file's insides too; a CSV must be UTF-8 text), the client's file name never
touches the disk, a copy without the file's metadata (authors, company, the path it was saved from) is
made where the kind allows and is the one served. Files follow the transaction: an upload refused or
rolled back leaves no file, a removed document's file goes once the removal is committed.

Documents change while the challenge's text may (a draft: its seeker or a broker; in review: a broker),
then are fixed with it, so every entrant reads the same brief; `challenge.edit_documents` says so.
"""
from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func

from challenge.challenges.models import Challenge, ChallengeDocument, DocumentKind
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.submissions import storage

DOCUMENT_TYPES = {ext: storage.ALLOWED[ext] for ext in ("pdf", "docx", "xlsx", "zip")} | storage.TEXT_TYPES
DOCUMENT_TYPES_LABEL = "PDF, DOCX, XLSX, CSV or ZIP"
MAX_DOCUMENTS = 10
MAX_TITLE = 120
FROZEN = ("The documents are fixed once the challenge is sent for review, like its text, so every entrant "
          "reads the same brief. Post an update to tell entrants about anything new.")


def max_bytes() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"]


# The order documents are listed in: the brief first, then the data packs, then the rest.
DOCUMENT_ORDER = (ChallengeDocument.kind, ChallengeDocument.id)


def documents_of(challenge: Challenge) -> list[ChallengeDocument]:
    return list(db.session.scalars(db.select(ChallengeDocument).where(ChallengeDocument.challenge_id == challenge.id)
                                   .order_by(*DOCUMENT_ORDER)))


def document_of(challenge: Challenge, document_id: int) -> ChallengeDocument | None:
    """The document with this id, if it belongs to `challenge` (an id from another challenge finds none)."""
    document = db.session.get(ChallengeDocument, document_id)
    return document if document is not None and document.challenge_id == challenge.id else None


def add_document(challenge: Challenge, stream: BinaryIO, filename: str, kind: str, title: str, actor,
                 now: datetime) -> ChallengeDocument:
    """Store a checked file and attach it to the challenge. Refuses when documents may no longer change,
    an unknown kind, a title too long, more than MAX_DOCUMENTS, the same file twice (a double click), and
    whatever the storage refuses (type, content, size, a hostile ZIP) on the file field."""
    _ensure_editable(challenge, actor, now)
    if kind not in DocumentKind.__members__.values():
        raise FieldError("Choose what the document is: the brief, a data pack or another document.", "kind")
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE:
        raise FieldError(f"Keep the title to {MAX_TITLE} characters.", "title")
    tx.lock(Challenge, challenge.id)  # two uploads at once cannot both see room, or both add the same file
    count = db.session.scalar(db.select(func.count(ChallengeDocument.id))
                              .where(ChallengeDocument.challenge_id == challenge.id))
    if count >= MAX_DOCUMENTS:
        raise FieldError(f"A challenge can have at most {MAX_DOCUMENTS} documents. Remove one before adding "
                         "another.", "file")
    stored = storage.store(stream, filename, max_bytes(), DOCUMENT_TYPES, DOCUMENT_TYPES_LABEL)
    storage.written_in(db.session(), stored.stored_name)
    twin = db.session.scalar(db.select(ChallengeDocument).where(ChallengeDocument.challenge_id == challenge.id,
                                                                ChallengeDocument.sha256 == stored.sha256))
    if twin is not None:
        raise FieldError(f"This file is already attached, as “{twin.title}”.", "file")
    document = ChallengeDocument(
        challenge_id=challenge.id, kind=kind, title=title or DocumentKind(kind).label,
        original_name=stored.display_name, stored_name=stored.stored_name, content_type=stored.content_type,
        size=stored.size, sha256=stored.sha256, cleaned=stored.cleaned, uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "challenge.document_added", challenge, now, data={
        "document": document.id, "kind": kind, "name": document.original_name, "size": stored.size,
        "sha256": stored.sha256})
    return document


def remove_document(challenge: Challenge, document: ChallengeDocument, actor, now: datetime) -> None:
    """Remove a document while documents may change; its file leaves the disk once this is committed."""
    _ensure_editable(challenge, actor, now)
    if document.challenge_id != challenge.id:
        raise NotAllowed("That document is not part of this challenge.")
    audit.record(actor, "challenge.document_removed", challenge, now, data={
        "document": document.id, "name": document.original_name, "sha256": document.sha256})
    storage.remove_after_commit(db.session(), document.stored_name)
    db.session.delete(document)
    db.session.flush()


def file_of(document: ChallengeDocument) -> str:
    """The stored name to send: the copy without metadata when one was made, else the file as uploaded."""
    copy = storage.clean_name(document.stored_name)
    return copy if document.cleaned and storage.exists(copy) else document.stored_name


def _ensure_editable(challenge: Challenge, actor, now: datetime) -> None:
    if not can(actor, "challenge.edit_documents", challenge, now):
        if can(actor, "challenge.manage", challenge, now):
            raise InvalidTransition(FROZEN)
        raise NotAllowed("Only the challenge's seeker or a broker can change its documents.")
