"""How many challenges are in each state, kept in `challenge_counts` (issue 13).

The catalogue's first page says how many challenges are listed; counting them read every listed challenge's
index entry on each request (1 ms on PostgreSQL at 10,000). Every flush that adds, deletes or moves a challenge
adds its difference to the count of its state in the same transaction (platform/kept_counts.py). Rows written
around the ORM (bench/) call `recount`.
"""
from __future__ import annotations

from sqlalchemy import func

from challenge.challenges.models import Challenge, ChallengeCount
from challenge.challenges.states import LISTED_STATES
from challenge.extensions import db
from challenge.platform.columns import one_of
from challenge.platform.kept_counts import keep_counts

KEPT = keep_counts(Challenge, ChallengeCount, ("state",), moving=("state",))


def recount() -> None:
    """Rebuild the counts from the challenges: for bulk loaders."""
    KEPT.recount()


def in_states(*states: str):
    """How many challenges are in these states, as a value to put beside others (a statement's column)."""
    return (db.select(func.coalesce(func.sum(ChallengeCount.n), 0))
            .where(one_of(ChallengeCount.state, states)).scalar_subquery())


def listed():
    """How many challenges are listed (the catalogue shows them), as a value to put beside others."""
    return in_states(*LISTED_STATES)


def by_state() -> dict[str, int]:
    """How many challenges each state holds (states with none may be missing)."""
    return {state: n for state, n in db.session.execute(db.select(ChallengeCount.state, ChallengeCount.n)) if n}
