"""The judging blueprint and the small loaders its views share."""
from __future__ import annotations

from flask import Blueprint, abort

from challenge.challenges.lookup import challenge_or_404
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging.models import Assignment, Round
from challenge.permissions import ensure

bp = Blueprint("judging", __name__)

MAX_ROUNDS = 1000  # a round's position in a URL or a form beyond this is simply not found


def challenge_for(slug: str, action: str) -> Challenge:
    """The challenge at `slug`, or 404 unless the current user may do `action`: judging's own rule decides
    (a judge on a panel, the chair, the seeker), not whether the challenge is public."""
    challenge = challenge_or_404(slug, action=None)
    ensure(action, challenge)
    return challenge


def round_or_404(challenge: Challenge, position) -> Round:
    """The challenge's round at `position` (from a URL, a query string or a form), or 404."""
    try:
        position = int(position)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < position <= MAX_ROUNDS:
        abort(404)
    return db.first_or_404(db.select(Round).where(Round.challenge_id == challenge.id, Round.position == position))


def round_for(slug: str, position, action: str) -> tuple[Challenge, Round]:
    """The challenge and its round at `position`, or 404 unless the current user may do `action`."""
    challenge = challenge_for(slug, action)
    return challenge, round_or_404(challenge, position)


def assignment_or_404(challenge: Challenge, assignment_id: int, *options) -> Assignment:
    """One score sheet of the challenge, or 404 (loaded with `options`, such as what a page shows of it)."""
    assignment = db.session.get(Assignment, assignment_id, options=options)
    if assignment is None or assignment.round.challenge_id != challenge.id:
        abort(404)
    return assignment


def sheet_for(slug: str, assignment_id: int, action: str) -> tuple[Challenge, Assignment]:
    """The challenge and one of its score sheets, or 404 unless the current user may do `action` to it."""
    challenge = challenge_or_404(slug, action=None)
    assignment = assignment_or_404(challenge, assignment_id)
    ensure(action, assignment)
    return challenge, assignment
