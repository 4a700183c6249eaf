"""Telling a person something in the app, and remembering when they last looked.

`notify(user, message, url, now)` is the one way a service puts a line in someone's notification list
(the results' publication tells each entrant their outcome through it). It is written in the caller's
unit of work as an audit event addressed to the person, so the notification list, like everything else
it shows, is read from the append-only audit log (see feed.py).
"""
from __future__ import annotations

from datetime import datetime

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.notifications.models import NoticesSeen
from challenge.platform import audit, tx

NOTIFIED = "notification.sent"
MAX_MESSAGE = 300


def notify(user: User, message: str, url: str, now: datetime, actor=None) -> None:
    """Add `message` (one line, linking to `url`, a path on this site) to `user`'s notification list.

    Flushed with the caller's transaction: a refusal that rolls the change back takes the notification too.
    """
    audit.record(actor, NOTIFIED, user, now,
                 data={"message": " ".join(message.split())[:MAX_MESSAGE], "url": url})


def last_seen(user: User) -> datetime | None:
    """When `user` last marked their notifications as seen (None: never)."""
    row = db.session.get(NoticesSeen, user.id)
    return row.seen_at if row else None


def mark_seen(user: User, now: datetime) -> None:
    """Everything up to `now` is no longer new for `user` (twice is the same as once)."""
    tx.lock(User, user.id)  # two tabs marking at once write one row
    row = db.session.get(NoticesSeen, user.id)
    if row is None:
        db.session.add(NoticesSeen(user_id=user.id, seen_at=now))
    elif row.seen_at < now:
        row.seen_at = now
    db.session.flush()
