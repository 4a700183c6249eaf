"""Challenge verbs. Each checks the transition table, changes state, audits and flushes; never commits."""
from __future__ import annotations

from datetime import datetime

from challenge.challenges.models import Challenge
from challenge.challenges.states import MOVES, ChallengeState, allowed
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.platform import audit


def move(challenge: Challenge, name: str, actor, now: datetime, *, reason: str = "") -> Challenge:
    """Apply the named move from the transition table, or refuse with InvalidTransition."""
    phase = challenge.phase(now)
    if not allowed(name, phase):
        target = MOVES[name].label.lower() if name in MOVES else name
        raise InvalidTransition(f"A challenge that is {phase.label.lower()} cannot {target}.")
    before = challenge.state
    challenge.state = MOVES[name].target
    challenge.updated_at = now
    if challenge.state == ChallengeState.PUBLISHED and challenge.published_at is None:
        challenge.published_at = now
    audit.record(actor, f"challenge.{name}", challenge, now, from_state=before, to_state=challenge.state,
                 reason=reason)
    db.session.flush()
    return challenge
