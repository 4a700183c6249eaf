"""Real concurrency on PostgreSQL: saves of a screening at once make one screening row, and the same DPO
sign-off sent at once is recorded (and audited) once."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from challenge.privacy import dpia
from challenge.privacy.models import DpiaScreening
from tests.factories import PUBLISHABLE
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]

ANSWERS = {q.key: ("yes" if q.key == "vulnerable" else "no", "") for q in dpia.QUESTIONS}


@pytest.fixture()
def draft(make_user, make_org, make_challenge, rubric_for):
    seeker = make_user("Priya Seeker")
    make_user("Brooke Broker", "brooke@example.org", broker=True)
    challenge = make_challenge(make_org(seeker), "in_review", service_user_data="special")
    rubric_for(challenge, criteria=PUBLISHABLE, rounds=())
    return challenge


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_saves_at_once_make_one_screening(app, draft):
    challenge_id, seeker_id = draft.id, draft.created_by_id

    def save():
        screening = dpia.save_answers(db.session.get(Challenge, challenge_id), ANSWERS,
                                      db.session.get(User, seeker_id), clock.now())
        db.session.commit()
        return screening.id

    results = in_threads(app, 6, save)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    db.session.expire_all()
    assert _count(DpiaScreening) == 1
    # Every answer is audited once: the later saves found them unchanged.
    assert _count(AuditEvent, AuditEvent.action == "privacy.dpia_answer") == len(ANSWERS)


def test_the_same_sign_off_at_once_is_recorded_once(app, draft):
    dpia.save_answers(draft, ANSWERS, draft.created_by, clock.now())
    db.session.commit()
    challenge_id = draft.id
    broker_id = db.session.scalar(db.select(User.id).where(User.is_broker.is_(True)))

    def sign():
        dpia.sign_off(db.session.get(Challenge, challenge_id), clock.now().date(), "DPIA-9",
                      db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "signed"

    results = in_threads(app, 6, sign)
    assert results == ["signed"] * 6, results
    db.session.expire_all()
    assert _count(AuditEvent, AuditEvent.action == "privacy.dpia_signed_off") == 1
