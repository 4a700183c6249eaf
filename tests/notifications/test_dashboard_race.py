"""A double click on "Accept" (or two tabs) joins the panel or the team once: the invitation's row is locked
and read again, so the later presses are refused in words (PostgreSQL, real threads)."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.judging.models import PanelMember
from challenge.notifications import tasks
from challenge.platform.models import AuditEvent
from challenge.submissions.models import TeamMember
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads


def _press(app, verb, row_id, user_id):
    def press():
        with app.test_request_context():
            result = verb(row_id, db.session.get(User, user_id), clock.now())
            db.session.commit()
            return result
    return press


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_presses_of_accept_join_the_panel_once(app, people, panel_invitation):
    results = in_threads(app, 5, _press(app, tasks.join_panel, panel_invitation.id, people.judge.id))
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 1
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "judging.joined")) == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_presses_of_accept_join_the_team_once(app, people, team_invitation):
    results = in_threads(app, 5, _press(app, tasks.join_team, team_invitation.id, people.friend.id))
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(TeamMember.id))) == 1
