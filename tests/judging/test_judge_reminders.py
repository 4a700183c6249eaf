"""Reminding judges of the sheets they have left: who gets an email, what it says, how often, who may."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment
from challenge.platform.models import OutboxMessage
from tests.judging.judging_helpers import open_round, score_all, sheet


def reminders() -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "judging_reminder")
                                   .order_by(OutboxMessage.id)))


@pytest.fixture()
def world(make_world):
    """Three judges, three entries, blind; the chair has scored everything, judge 2 one entry and
    declared a conflict with another, judge 3 nothing."""
    w = make_world(blind=True, judges=3, entries=3)
    round_ = open_round(w)
    score_all(w, round_, lambda member, sub: [3] * len(w.criteria), members=[w.members[0]])
    second = w.judges[1]
    assignment.declare(sheet(round_, w.members[1], w.subs[0]), False, "", second, clock.now())
    from challenge.judging import services

    services.save_scores(sheet(round_, w.members[1], w.subs[0]), {str(c.id): 2 for c in w.criteria}, "Fine.", True,
                         second, clock.now())
    assignment.declare(sheet(round_, w.members[1], w.subs[1]), True, "I advise this charity.", second, clock.now())
    db.session.commit()
    w.round = round_
    return w


def test_only_judges_with_sheets_left_are_reminded_with_their_own_count(world):
    at = clock.now()
    assert assignment.remind_judges(world.round, world.chair, at) == 2
    db.session.commit()
    assert world.round.reminded_at == at
    sent = {m.to_email: m for m in reminders()}
    assert set(sent) == {world.judges[1].email, world.judges[2].email}  # not the chair, who has finished
    # Judge 2: one submitted, one conflicted (not theirs), one left of two; judge 3: three of three.
    assert sent[world.judges[1].email].subject.startswith("1 entry left to score")
    assert "submitted 1 of your 2 score sheets" in sent[world.judges[1].email].body
    assert sent[world.judges[2].email].subject.startswith("3 entries left to score")
    assert f"/judging/{world.challenge.slug}/queue" in sent[world.judges[2].email].body
    assert all("Zebedee" not in m.subject + m.body for m in sent.values())  # blind: no entrant is named


def test_a_second_reminder_waits_a_day(world):
    assignment.remind_judges(world.round, world.chair, clock.now())
    db.session.commit()
    with pytest.raises(InvalidTransition, match="less than a day ago"):
        assignment.remind_judges(world.round, world.chair, clock.now() + timedelta(hours=23))
    assert assignment.remind_judges(world.round, world.chair, clock.now() + timedelta(hours=24)) == 2


def test_a_round_not_open_for_scoring_has_no_one_to_remind(world, make_world):
    assignment.close_round(world.round, world.chair, clock.now())
    with pytest.raises(InvalidTransition, match="open for scoring"):
        assignment.remind_judges(world.round, world.chair, clock.now())
    pending = make_world(judges=2, entries=1)
    with pytest.raises(InvalidTransition, match="open for scoring"):
        assignment.remind_judges(pending.round, pending.chair, clock.now())
    assert reminders() == []


def test_when_every_sheet_is_in_nobody_is_emailed(make_world):
    w = make_world(judges=2, entries=2)
    round_ = open_round(w)
    score_all(w, round_, lambda member, sub: [3] * len(w.criteria))
    with pytest.raises(InvalidTransition, match="no one to remind"):
        assignment.remind_judges(round_, w.chair, clock.now())
    assert reminders() == []


def test_the_chair_reminds_from_the_judging_page(client, login, world):
    login(world.chair)
    url = f"/judging/{world.challenge.slug}/"
    assert "Remind judges" in client.get(url).get_data(as_text=True)
    page = client.post(f"{url}rounds/1/remind", follow_redirects=True).get_data(as_text=True)
    assert "2 judges were reminded" in page and "Judges reminded" in page
    again = client.post(f"{url}rounds/1/remind", follow_redirects=True)
    assert again.status_code == 200 and "less than a day ago" in again.get_data(as_text=True)
    assert len(reminders()) == 2


@pytest.mark.parametrize("who, allowed", [("chair", True), ("seeker", True), ("broker", True),
                                          ("judge", False), ("outsider", False), ("creator", False)])
def test_who_may_remind_the_judges(client, login, world, who, allowed):
    user = {"chair": world.chair, "seeker": world.seeker, "broker": world.broker, "judge": world.judges[2],
            "outsider": world.outsider, "creator": world.creators[0]}[who]
    login(user)
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/remind")
    assert response.status_code == (302 if allowed else 404)
    assert len(reminders()) == (2 if allowed else 0)


def test_reminding_needs_a_post(client, login, world):
    login(world.chair)
    assert client.get(f"/judging/{world.challenge.slug}/rounds/1/remind").status_code == 405
    assert reminders() == []
