"""Real concurrency on PostgreSQL: four senders at once (the job run twice, or beat overlapping a slow run)
deliver each delivery once; two registrations of one URL at once (a double click) make one endpoint; two
scans of the closes at once write one challenge.closed per endpoint."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.submissions.closing import announce_closes
from challenge.webhooks import sending, services
from challenge.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]


def test_four_senders_at_once_deliver_each_delivery_once(app, seekers, hook, receiver):
    receiver.delay = 0.02  # a receiver that takes a moment, so the senders overlap
    endpoint, _ = hook(seekers.council, receiver.url, seekers.owner)
    for _ in range(8):
        services.ping(endpoint, seekers.owner, clock.now())
    db.session.commit()
    now = clock.now()
    results = in_threads(app, 4, lambda: sending.send_due(now))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(delivered for delivered, _ in results) == 8
    uids = [g.headers["X-Cx-Delivery"] for g in receiver.got]
    assert len(uids) == 8 and len(set(uids)) == 8
    db.session.expire_all()
    assert set(db.session.scalars(db.select(WebhookDelivery.state))) == {DeliveryState.DELIVERED}
    assert set(db.session.scalars(db.select(WebhookDelivery.attempts))) == {1}


def test_two_registrations_of_one_url_at_once_make_one_endpoint(app, seekers):
    council_id, owner_id = seekers.council.id, seekers.owner.id

    def register():
        from challenge.accounts.models import Organisation, User

        org, owner = db.session.get(Organisation, council_id), db.session.get(User, owner_id)
        services.register(org, "https://example.org/hook", ["challenge.closed"], owner, clock.now())
        db.session.commit()
        return "registered"

    results = in_threads(app, 2, register)
    assert sorted(map(type, results), key=str) == sorted([str, FieldError], key=str), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(WebhookEndpoint.id))) == 1


def test_two_scans_at_once_announce_a_close_once_per_endpoint(app, seekers, hook, make_challenge):
    hook(seekers.council, "https://example.org/a", seekers.owner)
    hook(None, "https://example.org/platform", seekers.broker)
    challenge = make_challenge(seekers.council, "open")
    after = challenge.closes_at + timedelta(minutes=1)

    def scan():
        n = announce_closes(after)
        db.session.commit()
        return n

    results = in_threads(app, 3, scan)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 2
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 2
