"""The upload sweep: remove attachment files that no row points to.

A file is written before its row is committed (storage.store, then the request's commit). An upload that
fails inside the request removes its own file (storage.store on any error, and the rollback hook of
storage.written_in), but a worker killed in between (SIGKILL, an out-of-memory kill, a machine restart)
leaves a file behind with no row. `flask uploads sweep` finds those and removes them, sparing files
younger than a grace period, which may belong to an upload whose commit is still on its way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from challenge.challenges.models import ChallengeDocument
from challenge.extensions import db
from challenge.platform import filestore
from challenge.submissions.answers import EntryAnswer
from challenge.submissions.models import Attachment

# A stored name, or a file derived from one beside it (a cleaned copy "<name>-clean", a half-written
# "<name>-clean.<hex>.part"): judged by the stored name's row.
DERIVED_NAME = re.compile(r"^(?P<base>[0-9a-f]{32})(?P<rest>[-.][A-Za-z0-9.-]{1,40})?$")
BATCH = 500
# The columns that name stored files: a file is kept while any row of these names it.
STORED_NAMES = [Attachment.stored_name, ChallengeDocument.stored_name, EntryAnswer.stored_name]


@dataclass(frozen=True)
class Orphan:
    name: str
    size: int
    modified_at: datetime


def _known(names: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(names), BATCH):
        chunk = names[start:start + BATCH]
        for column in STORED_NAMES:
            known.update(db.session.scalars(db.select(column).where(column.in_(chunk))))
    return known


def find_orphans(now: datetime, grace: timedelta) -> list[Orphan]:
    """Files in the storage (the upload folder or the bucket) older than `grace` that no row accounts for: a
    stored file (or a copy derived from it) whose stored name has no attachment row, and any half-written
    `.part` file."""
    candidates: dict[str, tuple[str, Orphan]] = {}
    for entry in filestore.current().entries():
        match = DERIVED_NAME.match(entry.name)
        if match is None:
            continue  # anything not named by the storage is not ours to judge
        if entry.modified_at <= now - grace:
            candidates[entry.name] = (match["base"], Orphan(entry.name, entry.size, entry.modified_at))
    known = _known(sorted({base for base, _ in candidates.values()}))
    return [orphan for name, (base, orphan) in sorted(candidates.items())
            if base not in known or name.endswith(".part")]


def sweep(now: datetime, grace: timedelta, *, dry_run: bool = False) -> list[Orphan]:
    """Remove (or with `dry_run` only list) the orphan files; returns what was found."""
    orphans = find_orphans(now, grace)
    if not dry_run:
        backend = filestore.current()
        for orphan in orphans:
            backend.delete(orphan.name)
    return orphans
