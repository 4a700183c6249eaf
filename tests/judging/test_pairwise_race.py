"""A pairwise judgement is recorded once: the same choice sent twice at once (a double click, two tabs) gives
one row, one audit event, and the second request the calm "already recorded" answer."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import comparisons
from challenge.judging.models import Round
from challenge.judging.pairwise_models import PAIRWISE, Comparison
from challenge.platform.models import AuditEvent
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_simultaneous_submits_of_one_pair_record_one_judgement(app, make_world):
    world = make_world(judges=3, entries=4, rounds=({"name": "Screening", "strategy": PAIRWISE},))
    assign.open_round(world.round, world.chair, clock.now())
    db.session.commit()
    token = comparisons.next_offer(world.round, world.members[1]).token
    round_id, judge_id = world.round.id, world.judges[1].id

    def submit():
        made, new = comparisons.record(db.session.get(Round, round_id), token, "left", "", db.session.get(User, judge_id),
                                       clock.now())
        db.session.commit()
        return new

    answers = in_threads(app, 5, submit)
    assert sorted(answers) == [False, False, False, False, True], answers
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 1
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "judging.pair_compared")) == 1
