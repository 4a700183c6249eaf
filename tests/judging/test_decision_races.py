"""Publishing and correcting the decision decide under the decision's lock: two at once make one effect
(PostgreSQL, real threads; tests/races.py)."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, publication
from challenge.judging.models import Decision
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.judging.judging_helpers import open_round, score_all
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)]


def _recorded(make_world):
    world = make_world(judges=2, entries=4)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [world.subs[3].id, world.subs[2].id, world.subs[1].id], world.chair, clock.now())
    db.session.commit()
    return world


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)).where(*where))


def test_three_publish_clicks_at_once_publish_once_and_tell_each_entrant_once(app, make_world):
    world = _recorded(make_world)
    challenge_id, chair_id = world.challenge.id, world.chair.id

    def publish():
        publication.publish(db.session.get(Challenge, challenge_id), db.session.get(User, chair_id), clock.now())
        db.session.commit()
        return "published"

    results = in_threads(app, 3, publish)
    assert [r for r in results if not isinstance(r, Exception)] == ["published"], results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert _count(OutboxMessage, OutboxMessage.kind == "judging.outcome") == 4
    assert _count(AuditEvent, AuditEvent.action == "judging.results_published") == 1
    assert _count(AuditEvent, AuditEvent.action == "challenge.decide") == 1


def test_two_identical_corrections_at_once_make_one(app, make_world):
    world = _recorded(make_world)
    challenge_id, broker_id = world.challenge.id, world.broker.id
    swap = [world.subs[2].id, world.subs[3].id, world.subs[1].id]

    def correct():
        publication.correct(db.session.get(Challenge, challenge_id), swap, "The panel's notes were swapped.",
                            db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "corrected"

    results = in_threads(app, 2, correct)
    assert [r for r in results if not isinstance(r, Exception)] == ["corrected"], results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert _count(AuditEvent, AuditEvent.action == "judging.decision_corrected") == 1
    decision = db.session.scalar(db.select(Decision))
    assert [s.submission_id for s in decision.selections] == swap


def test_a_correction_and_a_publication_at_once_never_mix(app, make_world):
    """Whichever takes the lock first wins: a correction that comes second is refused (published), or a
    publication that comes second publishes the corrected places."""
    world = _recorded(make_world)
    challenge_id, broker_id = world.challenge.id, world.broker.id
    swap = [world.subs[2].id, world.subs[3].id, world.subs[1].id]

    def correct():
        publication.correct(db.session.get(Challenge, challenge_id), swap, "Swapped notes.",
                            db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "corrected"

    def publish():
        publication.publish(db.session.get(Challenge, challenge_id), db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "published"

    from tests.races import run_together
    results = run_together(app, [correct, publish])
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge_id)
    winners = [s.id for s, _ in decisions.placements(challenge)]
    assert "published" in results
    if "corrected" in results:
        assert winners == swap
    else:
        assert winners == [world.subs[3].id, world.subs[2].id, world.subs[1].id]
    assert _count(OutboxMessage, OutboxMessage.kind == "judging.outcome") == 4
