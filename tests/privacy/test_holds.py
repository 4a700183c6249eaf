"""Legal holds (issue 14 point 3): a broker places one with a reason (audit-logged), a second is refused,
lifting needs a reason too; nobody else may; while held, erasure is refused and retention waits."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from challenge.privacy import erasure, holds
from challenge.privacy.models import LegalHold
from tests.privacy.privacy_helpers import settle


def test_a_broker_places_and_lifts_a_hold_from_the_console(world, client, login):
    login(world.broker)
    placed = client.post("/admin/privacy/holds", data={"slug": world.challenge.slug,
                                                      "reason": "Judicial review of the award"})
    assert placed.status_code == 302
    assert holds.hold_on(world.challenge.id).reason == "Judicial review of the award"
    page = client.get("/admin/privacy")
    assert b"Judicial review of the award" in page.data and b"Lift the hold" in page.data
    lifted = client.post(f"/admin/privacy/holds/{world.challenge.slug}/lift", data={"lift-reason": "Claim settled"})
    assert lifted.status_code == 302
    assert holds.hold_on(world.challenge.id) is None
    actions = list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("privacy.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["privacy.legal_hold_placed", "privacy.legal_hold_lifted"]


def test_a_hold_needs_a_reason_and_a_known_challenge(world, client, login):
    login(world.broker)
    response = client.post("/admin/privacy/holds", data={"slug": world.challenge.slug, "reason": " "})
    assert response.status_code == 400 and b"Say why" in response.data
    assert client.post("/admin/privacy/holds", data={"slug": "no-such-challenge", "reason": "x"}).status_code == 404
    assert db.session.scalar(db.select(LegalHold)) is None


def test_a_second_hold_is_refused_with_the_reason(world, client, login):
    holds.place(world.challenge, "First", world.broker, clock.now())
    db.session.commit()
    login(world.broker)
    response = client.post("/admin/privacy/holds", data={"slug": world.challenge.slug, "reason": "Again"})
    assert response.status_code == 409 and b"already on legal hold" in response.data
    assert db.session.scalar(db.select(db.func.count()).select_from(LegalHold)) == 1


def test_lifting_a_challenge_not_held_is_refused(world):
    with pytest.raises(InvalidTransition):
        holds.lift(world.challenge, "Nothing to lift", world.broker, clock.now())
    with pytest.raises(FieldError):
        holds.place(world.challenge, "", world.broker, clock.now())


@pytest.mark.parametrize("who", ["seeker", "creator", "judge"])
def test_only_brokers_hold(world, client, login, who):
    login(getattr(world, who))
    assert client.post("/admin/privacy/holds", data={"slug": world.challenge.slug, "reason": "x"}).status_code == 404
    with pytest.raises(NotAllowed):
        holds.place(world.challenge, "x", getattr(world, who), clock.now())
    assert db.session.scalar(db.select(LegalHold)) is None


def test_a_hold_covers_entrants_judges_and_the_author_and_lifting_frees_them(world):
    settle(world.payout)
    holds.place(world.challenge, "Inquiry", world.broker, clock.now())
    db.session.commit()
    for person in (world.creator, world.judge, world.seeker, world.chair):
        assert any("legal hold (Tackling loneliness)" in r for r in erasure.refusals(person))
    assert erasure.refusals(world.other_judge) == []  # on another council's panel only
    holds.lift(world.challenge, "Over", world.broker, clock.now())
    db.session.commit()
    assert erasure.refusals(world.creator) == []
