"""The judging.remind job: judges with sheets left are reminded as a round's deadline nears, once a day at most,
however often the job runs."""
from __future__ import annotations

from datetime import timedelta

from challenge import clock, jobs
from challenge.extensions import db
from challenge.platform.models import OutboxMessage
from tests.judging.judging_helpers import open_round


def reminders() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "judging_reminder"))


def test_judges_are_reminded_once_when_the_deadline_is_near(make_world):
    w = make_world(judges=2, entries=2)
    round_ = open_round(w)
    round_.closes_at = clock.now() + timedelta(days=5)
    db.session.commit()
    assert jobs.run("judging.remind").lines == [] and reminders() == 0  # the deadline is not near yet
    clock.travel(timedelta(days=3, hours=12))  # 36 hours before the deadline
    assert jobs.run("judging.remind").lines == [f"round {round_.id}: reminded 2 judges"]
    jobs.run("judging.remind")
    assert reminders() == 2  # the job runs hourly; each judge has one reminder
    clock.travel(timedelta(hours=25))
    jobs.run("judging.remind")
    assert reminders() == 4  # a day later, before the deadline: once more
    clock.travel(timedelta(hours=12))
    assert jobs.run("judging.remind").lines == [] and reminders() == 4  # past the deadline: no one
