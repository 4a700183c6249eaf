"""Each event writes exactly one delivery per subscribed, active endpoint of the organisations it concerns
(and the platform's), in the transaction of the change: a change rolled back leaves none."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.partnerships import services as partnerships
from challenge.platform import tx
from challenge.submissions.closing import announce_closes
from challenge.webhooks import services
from challenge.webhooks.models import WebhookDelivery
from tests.judging.conftest import make_world  # noqa: F401  (the judging world, for a publication)
from tests.judging.test_decision_publication import _recorded


def _deliveries(event=None):
    db.session.expire_all()
    stmt = db.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if event:
        stmt = stmt.where(WebhookDelivery.event == event)
    return list(db.session.scalars(stmt))


@pytest.fixture()
def endpoints(seekers, hook):
    """The council's endpoint (every event), a second one subscribed to nothing relevant, one turned off,
    another council's, and the platform's."""
    mine, _ = hook(seekers.council, "https://hooks.example.org/all", seekers.owner)
    narrow, _ = hook(seekers.council, "https://hooks.example.org/ping-only", seekers.owner,
                     events=("challenge.closed",))
    off, _ = hook(seekers.council, "https://hooks.example.org/off", seekers.owner)
    services.set_active(off, False, seekers.owner, clock.now())
    theirs, _ = hook(seekers.other_council, "https://hooks.example.org/theirs", seekers.other)
    platform, _ = hook(None, "https://hooks.example.org/platform", seekers.broker)
    db.session.commit()
    return mine, narrow, off, theirs, platform


def _partnership(seekers, make_submission, make_challenge):
    challenge = make_challenge(seekers.council, "decided")
    entry = make_submission(challenge, seekers.creator, "winner")
    p = partnerships.create_partnership(seekers.broker, clock.now(), title="Befriending pilot", kind="pilot",
                                        creator=seekers.creator, creator_organisation=None,
                                        counterpart=seekers.council, origin=entry, value=0, commission_amount=0,
                                        commission_bp=None, owner=None)
    db.session.commit()
    return p


def test_a_stage_change_writes_one_delivery_per_subscribed_endpoint(seekers, endpoints, make_submission,
                                                                    make_challenge):
    mine, narrow, off, theirs, platform = endpoints
    p = _partnership(seekers, make_submission, make_challenge)
    assert _deliveries() == []
    partnerships.move(p, "to_introduced", seekers.broker, clock.now())
    db.session.commit()
    got = _deliveries("partnership.stage_changed")
    assert sorted(d.endpoint_id for d in got) == sorted([mine.id, platform.id])
    assert len({d.uid for d in got}) == 2 and len({d.event_id for d in got}) == 1
    data = got[0].payload["data"]
    assert (data["from"], data["to"], data["partnership"]["id"]) == ("lead", "introduced", p.id)


def test_a_change_rolled_back_leaves_no_delivery(seekers, endpoints, make_submission, make_challenge):
    p = _partnership(seekers, make_submission, make_challenge)
    with pytest.raises(DomainError):
        with tx.unit_of_work():
            partnerships.move(p, "to_introduced", seekers.broker, clock.now())
            assert len(_deliveries()) == 2  # written with the change …
            raise DomainError("Something later refused the request")
    assert _deliveries() == []  # … and gone with it


def test_publishing_results_writes_decision_published_once(make_world, hook):  # noqa: F811
    from challenge.judging import publication

    world = _recorded(make_world)
    council = db.session.get(Organisation, world.challenge.organisation_id)
    theirs, _ = hook(council, "https://hooks.example.org/council", world.broker)
    platform, _ = hook(None, "https://hooks.example.org/platform", world.broker)
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    got = _deliveries("decision.published")
    assert sorted(d.endpoint_id for d in got) == sorted([theirs.id, platform.id])
    d = got[0]
    assert d.payload["data"]["challenge"]["slug"] == world.challenge.slug
    assert d.payload["data"]["winners"] == 3
    with pytest.raises(DomainError):  # a second click publishes nothing and raises no second event
        publication.publish(world.challenge, world.chair, clock.now())
    db.session.rollback()
    assert len(_deliveries("decision.published")) == 2


def test_a_close_is_announced_once_per_endpoint_with_the_entries_at_the_close(seekers, endpoints, make_challenge,
                                                                              make_submission, hook):
    mine, narrow, off, theirs, platform = endpoints
    challenge = make_challenge(seekers.council, "open")
    make_submission(challenge, seekers.creator, "submitted")
    make_submission(challenge, seekers.member, "draft")
    assert announce_closes(clock.now()) == 0  # still open
    after = challenge.closes_at + timedelta(minutes=1)
    late, _ = hook(seekers.council, "https://hooks.example.org/late", seekers.owner)
    late.created_at = after  # registered after the close: it does not hear of it
    db.session.commit()
    assert announce_closes(after) == 3
    db.session.commit()
    assert announce_closes(after + timedelta(minutes=1)) == 0  # the next run finds them written
    got = _deliveries("challenge.closed")
    assert sorted(d.endpoint_id for d in got) == sorted([mine.id, narrow.id, platform.id])
    assert {d.payload["data"]["submissions"] for d in got} == {1}
