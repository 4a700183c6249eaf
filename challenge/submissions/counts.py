"""How many submissions each challenge has in each state, kept in `submission_counts` (issue 13).

Dashboards and lists show these counts on every request; counting 100,000 submissions each time was a
sequential scan on PostgreSQL. Instead every flush that adds, deletes or moves a submission adds its
difference to the count rows in the same transaction (an atomic `n = n + d` upsert, so two transactions
never lose each other's change). Rows written around the ORM (bulk loaders: demo/panels.py, bench/) call
`recount` for the challenges they touched.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import event, func, insert as plain_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from challenge.extensions import db
from challenge.submissions.models import Submission, SubmissionCount


def _before(sub: Submission) -> str | None:
    history = attributes.get_history(sub, "state")
    return (history.deleted or history.unchanged or [None])[0]


def _deltas(session: Session) -> Counter:
    deltas: Counter = Counter()
    for sub in session.new:
        if isinstance(sub, Submission):
            deltas[(sub.challenge_id, sub.state)] += 1
    for sub in session.dirty:
        if isinstance(sub, Submission) and attributes.get_history(sub, "state").has_changes():
            old = _before(sub)
            if old is not None:
                deltas[(sub.challenge_id, old)] -= 1
            deltas[(sub.challenge_id, sub.state)] += 1
    for sub in session.deleted:
        if isinstance(sub, Submission):
            deltas[(sub.challenge_id, _before(sub))] -= 1
    return deltas


@event.listens_for(Session, "before_flush")
def _load_the_deleted(session: Session, flush_context, instances) -> None:
    """A submission about to be deleted tells its challenge and state while its row is still there."""
    for sub in session.deleted:
        if isinstance(sub, Submission):
            sub.challenge_id, sub.state  # noqa: B018  (loads them if expired)


@event.listens_for(Session, "after_flush")
def _keep_counts(session: Session, flush_context) -> None:
    changes = [(cid, state, d) for (cid, state), d in _deltas(session).items() if d and cid is not None]
    if not changes:
        return
    conn = session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for cid, state, d in sorted(changes):  # a fixed order: two transactions lock the rows alike
        stmt = insert(SubmissionCount).values(challenge_id=cid, state=state, n=d)
        conn.execute(stmt.on_conflict_do_update(index_elements=["challenge_id", "state"],
                                                set_={"n": SubmissionCount.n + d}))


def recount(challenge_ids: list[int] | None = None) -> None:
    """Rebuild the counts from the submissions (all challenges, or those named): for bulk loaders."""
    stmt = db.delete(SubmissionCount)
    source = db.select(Submission.challenge_id, Submission.state, func.count()).group_by(
        Submission.challenge_id, Submission.state)
    if challenge_ids is not None:
        stmt = stmt.where(SubmissionCount.challenge_id.in_(challenge_ids))
        source = source.where(Submission.challenge_id.in_(challenge_ids))
    db.session.execute(stmt)
    db.session.execute(plain_insert(SubmissionCount).from_select(["challenge_id", "state", "n"], source))


def per_challenge(exclude: tuple[str, ...] = ("draft",)):
    """A select of (challenge_id, n): each challenge's submissions not in `exclude`, read from the counts."""
    return (db.select(SubmissionCount.challenge_id, func.sum(SubmissionCount.n).label("n"))
            .where(SubmissionCount.state.not_in(exclude)).group_by(SubmissionCount.challenge_id)
            .having(func.sum(SubmissionCount.n) > 0))
