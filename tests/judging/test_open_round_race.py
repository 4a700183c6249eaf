"""Opening a round decides who judges what: five clicks at once open it once, with one set of score sheets,
one audit event and one email per judge."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.models import Assignment, Conflict, Round
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_simultaneous_opens_open_the_round_once(app, make_world, seat):
    world = make_world(judges=3, entries=4)
    seat(world.challenge, world.creators[0])  # an entrant on the panel: her conflict is recorded once too
    round_id, chair_id = world.round.id, world.chair.id

    def open_it():
        count = assign.open_round(db.session.get(Round, round_id), db.session.get(User, chair_id), clock.now())
        db.session.commit()
        return count

    results = _in_threads(app, 5, open_it)
    opened = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(opened) == 1 and len(refused) == 4, results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == opened[0] == 3 * 4 + 3
    assert db.session.scalar(db.select(db.func.count(Conflict.id)).where(Conflict.automatic.is_(True))) == 1
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "judging.round_opened")) == 1
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))
                             .where(OutboxMessage.kind == "round_opened")) == 4
