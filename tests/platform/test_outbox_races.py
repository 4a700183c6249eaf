"""Real concurrency on PostgreSQL: two workers sending the outbox at once (a job delivered twice, or beat's
next run overlapping a slow one) send each email once."""
from __future__ import annotations

import threading

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.platform import outbox
from challenge.platform.models import OutboxMessage, OutboxState
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]


class SlowSender:
    """A mail server that takes a moment per message, so the two workers overlap."""

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, email):
        threading.Event().wait(0.02)
        with self.lock:
            self.sent.append(email["Message-ID"])


def test_two_workers_at_once_send_each_email_once(app):
    user = type("U", (), {"name": "Sam"})()
    for n in range(8):
        outbox.queue("test", f"p{n}@example.org", "password_reset", clock.now(), user=user, link="https://x/y")
    db.session.commit()
    outbox.discard_queued()
    sender, now = SlowSender(), clock.now()
    results = in_threads(app, 4, lambda: outbox.send_due(now, sender))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(sent for sent, _ in results) == 8
    assert len(sender.sent) == 8 and len(set(sender.sent)) == 8
    db.session.expire_all()
    assert set(db.session.scalars(db.select(OutboxMessage.state))) == {OutboxState.SENT}
