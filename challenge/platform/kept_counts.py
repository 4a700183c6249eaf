"""Counts kept in the same transaction as the rows they count (issue 13): the one way to write them.

Dashboards and lists show how many rows are in each state on every request; counting them each time read
thousands of index entries (or, without one, every row). Instead a count table holds one row per group (a
challenge and a state; or only a state), and every flush that adds, deletes or moves a counted row adds its
difference to the group's count in the same transaction: an atomic `n = n + d` upsert, so two transactions never
lose each other's change, in a fixed order, so two transactions lock the rows alike. Rows written around the ORM
(bulk loaders: demo/panels.py, bench/) call `recount` for what they touched.

`keep_counts(Submission, SubmissionCount, ("challenge_id", "state"))` keeps submissions per challenge and state.
The attributes that may change (`moving`: the state) need `active_history=True`, so their old value is known when
they change (registration checks it); the others (the challenge a submission belongs to) never change.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import event, func, insert as plain_insert, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from challenge.extensions import db


@dataclass(frozen=True)
class KeptCounts:
    entity: type  # the model whose rows are counted
    counts: type  # the count model: a primary key of the `by` columns, and n
    by: tuple[str, ...]  # the attributes a count is grouped by, in the count table's own names
    moving: tuple[str, ...]  # those of them that may change

    def deltas(self, session: Session) -> Counter:
        """Each group's change in this flush."""
        changes: Counter = Counter()
        for obj in session.new:
            if isinstance(obj, self.entity):
                changes[self._key(obj)] += 1
        for obj in session.dirty:
            if isinstance(obj, self.entity) and any(attributes.get_history(obj, a).has_changes() for a in self.moving):
                old = self._old_key(obj)
                if None not in old:
                    changes[old] -= 1
                changes[self._key(obj)] += 1
        for obj in session.deleted:
            if isinstance(obj, self.entity):
                changes[self._old_key(obj)] -= 1
        return changes

    def _key(self, obj) -> tuple:
        return tuple(getattr(obj, a) for a in self.by)

    def _old_key(self, obj) -> tuple:
        return tuple(_before(obj, a) for a in self.by)

    def load_the_deleted(self, session: Session) -> None:
        """A row about to be deleted tells its group while it is still there."""
        for obj in session.deleted:
            if isinstance(obj, self.entity):
                self._key(obj)  # loads them if expired

    def write(self, session: Session) -> None:
        changes = [(key, d) for key, d in self.deltas(session).items() if d and None not in key]
        if not changes:
            return
        conn = session.connection()
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        n = self.counts.n
        for key, d in sorted(changes):  # a fixed order: two transactions lock the rows alike
            stmt = insert(self.counts).values(**dict(zip(self.by, key)), n=d)
            conn.execute(stmt.on_conflict_do_update(index_elements=list(self.by), set_={"n": n + d}))

    def recount(self, where=None) -> None:
        """Rebuild the counts from the counted rows (all, or the groups `where` picks out: a condition on the
        count table's columns, which the counted model has too): for bulk loaders."""
        columns = [getattr(self.entity, a) for a in self.by]
        stmt = db.delete(self.counts)
        source = db.select(*columns, func.count()).group_by(*columns)
        if where is not None:
            stmt = stmt.where(where(self.counts))
            source = source.where(where(self.entity))
        db.session.execute(stmt)
        db.session.execute(plain_insert(self.counts).from_select([*self.by, "n"], source))


def _before(obj, attribute: str):
    """The attribute's value before this flush changed it (None if that is unknown)."""
    history = attributes.get_history(obj, attribute)
    if history.has_changes():
        return (history.deleted or [None])[0]
    return getattr(obj, attribute)


def keep_counts(entity: type, counts: type, by: tuple[str, ...], moving: tuple[str, ...]) -> KeptCounts:
    """Keep `counts` in step with `entity`'s rows, grouped `by` those attributes (of which `moving` may change),
    on every flush."""
    mapper = inspect(entity)
    missing = [a for a in moving if not mapper.attrs[a].active_history]
    if missing or not set(moving) <= set(by):
        raise TypeError(f"{entity.__name__}: counted attributes that change ({', '.join(moving)}) must be among "
                        f"{by} and have active_history=True")
    kept = KeptCounts(entity, counts, by, moving)
    event.listen(Session, "before_flush", lambda session, context, instances: kept.load_the_deleted(session))
    event.listen(Session, "after_flush", lambda session, context: kept.write(session))
    return kept
