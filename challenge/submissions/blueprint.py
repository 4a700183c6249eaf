"""The submissions blueprint (its views are in views/, one module per page group) and the loaders they share."""
from __future__ import annotations

from flask import Blueprint, abort

from challenge.extensions import db
from challenge.permissions import ensure
from challenge.submissions import services
from challenge.submissions.models import Attachment, Submission

bp = Blueprint("submissions", __name__)


def submission_or_404(ref: str, action: str = "submission.view") -> Submission:
    """The submission with this reference, or a 404 unless the current user may do `action` to it."""
    sub = services.by_reference(ref)
    if sub is None:
        abort(404)
    ensure(action, sub)
    return sub


def attachment_or_404(sub: Submission, attachment_id: int) -> Attachment:
    """One of the submission's files, or a 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != sub.id:
        abort(404)
    return attachment
