"""How many submissions each challenge has in each state, kept in `submission_counts` (issue 13).

Dashboards and lists show these counts on every request; counting 100,000 submissions each time was a
sequential scan on PostgreSQL. Instead every flush that adds, deletes or moves a submission adds its
difference to the count rows in the same transaction (platform/kept_counts.py). Rows written around the ORM
(bulk loaders: demo/panels.py, bench/) call `recount` for the challenges they touched.
"""
from __future__ import annotations

from sqlalchemy import func

from challenge.extensions import db
from challenge.platform.kept_counts import keep_counts
from challenge.submissions.models import Submission, SubmissionCount

KEPT = keep_counts(Submission, SubmissionCount, ("challenge_id", "state"), moving=("state",))


def recount(challenge_ids: list[int] | None = None) -> None:
    """Rebuild the counts from the submissions (all challenges, or those named): for bulk loaders."""
    KEPT.recount(None if challenge_ids is None else lambda table: table.challenge_id.in_(challenge_ids))


def per_challenge(exclude: tuple[str, ...] = ("draft",)):
    """A select of (challenge_id, n): each challenge's submissions not in `exclude`, read from the counts."""
    return (db.select(SubmissionCount.challenge_id, func.sum(SubmissionCount.n).label("n"))
            .where(SubmissionCount.state.not_in(exclude)).group_by(SubmissionCount.challenge_id)
            .having(func.sum(SubmissionCount.n) > 0))
