"""Real concurrency on PostgreSQL: two erasures of one account at once erase it once; an erasure and a
legal hold on the person's challenge at once never delete files from under the hold."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from challenge.privacy import erasure, holds
from challenge.privacy.models import Erasure
from challenge.submissions import storage
from tests.privacy.privacy_helpers import settle
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads, run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]


def test_two_erasures_at_once_erase_once(app, world):
    settle(world.payout)
    person_id, broker_id = world.creator.id, world.broker.id

    def erase():
        e = erasure.erase(db.session.get(User, person_id), db.session.get(User, broker_id), clock.now(),
                          reason="Wrote in")
        db.session.commit()
        return e.id

    results = in_threads(app, 6, erase)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Erasure)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "user.erased")) == 1


def test_an_erasure_and_a_hold_at_once_never_delete_held_files(app, world):
    settle(world.payout)
    person_id, broker_id, challenge_id = world.creator.id, world.broker.id, world.challenge.id
    stored = world.attachment.stored_name

    def erase():
        erasure.erase(db.session.get(User, person_id), db.session.get(User, broker_id), clock.now(),
                      reason="Wrote in")
        db.session.commit()
        return "erased"

    def hold():
        holds.place(db.session.get(Challenge, challenge_id), "Claim", db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "held"

    results = run_together(app, [erase, hold])
    db.session.expire_all()
    assert "held" in results
    events = {a: i for i, a in db.session.execute(
        db.select(AuditEvent.id, AuditEvent.action).where(AuditEvent.action.in_(
            ["user.erased", "privacy.legal_hold_placed"])))}
    if "erased" in results:
        assert events["user.erased"] < events["privacy.legal_hold_placed"]  # erased first, then held
        assert storage.path_of(stored) is None
    else:
        [refusal] = [r for r in results if isinstance(r, DomainError)]
        assert "legal hold" in refusal.message
        assert storage.path_of(stored) is not None
        assert db.session.get(User, person_id).name == "Cara Creator"
