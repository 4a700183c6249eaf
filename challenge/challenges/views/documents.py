"""A challenge's documents: the seeker's page to attach and remove them, and the download for everyone
who may see the challenge (challenges/documents.py checks and stores the files)."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import documents
from challenge.challenges.blueprint import bp
from challenge.challenges.document_forms import DocumentForm, RemoveDocumentForm
from challenge.challenges.lookup import challenge_or_404
from challenge.permissions import can
from challenge.platform import tx
from challenge.submissions import storage


@bp.get("/challenges/<slug>/documents")
@login_required
def documents_page(slug: str):
    challenge = challenge_or_404(slug, "challenge.manage")
    return _render(challenge, DocumentForm(formdata=None))


@bp.post("/challenges/<slug>/documents")
@login_required
def add_document(slug: str):
    challenge = challenge_or_404(slug, "challenge.manage")
    form = DocumentForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            document = documents.add_document(challenge, form.file.data.stream, form.file.data.filename or "",
                                              form.kind.data, form.title.data, current_user, clock.now())
        if work.done:
            return tx.done(f"“{document.title}” is attached.", url_for(".documents_page", slug=slug))
    return _render(challenge, form)


@bp.post("/challenges/<slug>/documents/<id:document_id>/delete")
@login_required
def remove_document(slug: str, document_id: int):
    challenge = challenge_or_404(slug, "challenge.manage")
    document = documents.document_of(challenge, document_id) or abort(404)
    form = RemoveDocumentForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            documents.remove_document(challenge, document, current_user, clock.now())
        if work.done:
            return tx.done(f"“{document.title}” is removed.", url_for(".documents_page", slug=slug))
    return _render(challenge, DocumentForm(formdata=None), remove_form=form)


@bp.get("/challenges/<slug>/documents/<id:document_id>")
def download_document(slug: str, document_id: int):
    challenge = challenge_or_404(slug)
    document = documents.document_of(challenge, document_id) or abort(404)
    return storage.send(documents.file_of(document), document.content_type, document.original_name)


def _render(challenge, form, remove_form=None):
    return tx.render_form("challenges/documents.html", form,
                          remove_form=remove_form or RemoveDocumentForm(formdata=None), challenge=challenge, documents=documents.documents_of(challenge),
                          may_edit=can(None, "challenge.edit_documents", challenge),
                          max_mb=documents.max_bytes() // (1024 * 1024), types=documents.DOCUMENT_TYPES_LABEL,
                          max_documents=documents.MAX_DOCUMENTS)
