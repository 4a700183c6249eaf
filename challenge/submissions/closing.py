"""A challenge's close as an event: it closes by the clock (challenges/states.phase_of), with no state change
to hang it on, so the `webhooks.send` job finds the challenges that closed since its last runs and raises
`challenge.closed` once per endpoint (the delivery's event_key), with the entries submitted by then."""
from __future__ import annotations

from datetime import datetime, timedelta

from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.submissions import counts
from challenge.submissions.models import SubmissionState
from challenge.webhooks import events

# How far back a run looks: a job that was down for less than this still announces every close.
LOOK_BACK = timedelta(days=7)
LIVE = (ChallengeState.PUBLISHED, ChallengeState.JUDGING, ChallengeState.DECIDED, ChallengeState.COMPLETED)


def announce_closes(now: datetime) -> int:
    """Raise `challenge.closed` for each challenge that closed in the last LOOK_BACK; returns how many new
    deliveries were written (a second run writes none)."""
    entries = counts.per_challenge(exclude=(SubmissionState.DRAFT, SubmissionState.WITHDRAWN)).subquery()
    rows = db.session.execute(
        db.select(Challenge, db.func.coalesce(entries.c.n, 0))
        .outerjoin(entries, entries.c.challenge_id == Challenge.id)
        .where(Challenge.state.in_(LIVE), Challenge.closes_at <= now, Challenge.closes_at > now - LOOK_BACK)
        .order_by(Challenge.id)).all()
    return sum(len(events.raise_challenge_closed(challenge, int(n), now)) for challenge, n in rows)
