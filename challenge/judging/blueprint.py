"""The judging blueprint and the small loaders its views share."""
from __future__ import annotations

from flask import Blueprint, abort

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging.models import Assignment, Round

bp = Blueprint("judging", __name__)

MAX_ROUNDS = 1000  # a round's position in a URL or a form beyond this is simply not found


def round_or_404(challenge: Challenge, position) -> Round:
    """The challenge's round at `position` (from a URL, a query string or a form), or 404."""
    try:
        position = int(position)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < position <= MAX_ROUNDS:
        abort(404)
    return db.first_or_404(db.select(Round).where(Round.challenge_id == challenge.id, Round.position == position))


def assignment_or_404(challenge: Challenge, assignment_id: int) -> Assignment:
    """One score sheet of the challenge, or 404."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.round.challenge_id != challenge.id:
        abort(404)
    return assignment
