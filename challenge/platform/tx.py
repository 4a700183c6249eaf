"""One commit per request, at the edge, then the side effects it allows."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.platform import outbox


def commit() -> None:
    """Commit the request's unit of work, then send the emails it queued.

    Anything not sent here (a mail server down) stays pending for `flask outbox send`.
    """
    db.session.commit()
    outbox.deliver_queued(clock.now())


def rollback() -> None:
    db.session.rollback()
    outbox.discard_queued()
