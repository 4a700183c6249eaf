"""The judging blueprint and the small helpers its views share."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging.models import Assignment, Round
from challenge.judging.rubric import FieldError
from challenge.platform import tx

bp = Blueprint("judging", __name__)
MAX_ID = 2**31 - 1  # the largest id either database stores; larger numbers in a URL are simply not found


@bp.url_value_preprocessor
def _ids_in_range(endpoint, values) -> None:
    if values and any(isinstance(v, int) and not 0 < v <= MAX_ID for v in values.values()):
        abort(404)


def challenge_or_404(slug: str) -> Challenge:
    return db.first_or_404(db.select(Challenge).where(Challenge.slug == slug[:220]))


def round_or_404(challenge: Challenge, position) -> Round:
    try:
        position = int(position)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < position <= 1000:
        abort(404)
    return db.first_or_404(db.select(Round).where(Round.challenge_id == challenge.id, Round.position == position))


def assignment_or_404(challenge: Challenge, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.round.challenge_id != challenge.id:
        abort(404)
    return assignment


def attach_error(form, exc: FieldError) -> bool:
    """Show a service's refusal on its field; False when the form has no such field (the caller re-raises)."""
    if not (exc.field and exc.field in form._fields):
        return False
    for name, message in {exc.field: exc.message, **exc.others}.items():
        if name in form._fields:
            form[name].errors = list(form[name].errors) + [message]
    return True


def done(message: str, target: str, category: str = "success"):
    """Commit the request's work, say what happened and go on: the end of every successful POST."""
    tx.commit()
    flash(message, category)
    return redirect(target)


def render_invalid(template: str, **context):
    """Re-render a form with its errors (the context holds the forms). Roll back first if a service ran."""
    return render_template(template, **context), 400
