"""At least two judges per entry in every round, unless a broker overrides with a recorded reason."""
from __future__ import annotations

from collections import Counter

import pytest

from challenge import clock
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.models import Assignment, Conflict
from challenge.platform.models import AuditEvent
from tests.judging.judging_helpers import open_round

REASON = "The second judge withdrew ill; the funder agreed one expert reads the two late entries."


def _assigned() -> int:
    return db.session.scalar(db.select(db.func.count(Assignment.id)))


def _conflict(world, member, sub):
    db.session.add(Conflict(panel_member_id=member.id, submission_id=sub.id, has_conflict=True,
                            reason="Former colleague", declared_at=clock.now()))
    db.session.commit()


def test_every_judge_scores_every_entry_is_refused_with_a_panel_of_one(make_world):
    world = make_world(judges=1, entries=2)
    with pytest.raises(InvalidTransition, match="only one judge.*at least two"):
        assign.open_round(world.round, world.chair, clock.now())
    assert world.round.state == "pending" and _assigned() == 0


def test_a_conflict_that_leaves_an_entry_one_judge_refuses_the_round(make_world):
    world = make_world(judges=2, entries=3)
    _conflict(world, world.members[1], world.subs[2])
    with pytest.raises(InvalidTransition, match=world.subs[2].reference) as refused:
        assign.open_round(world.round, world.chair, clock.now())
    assert world.subs[0].reference not in str(refused.value)
    assert world.round.state == "pending" and _assigned() == 0


def test_k_per_entry_refuses_when_conflicts_leave_too_few_free_judges(make_world):
    world = make_world(judges=3, entries=2, rounds=({"name": "R", "strategy": "k", "k": 2},))
    _conflict(world, world.members[0], world.subs[0])
    _conflict(world, world.members[1], world.subs[0])
    with pytest.raises(InvalidTransition, match=world.subs[0].reference):
        assign.open_round(world.round, world.chair, clock.now())


def test_two_judges_are_enough(make_world):
    world = make_world(judges=2, entries=3)
    open_round(world)
    assert set(Counter(db.session.scalars(db.select(Assignment.submission_id))).values()) == {2}
    assert world.round.panel_override_reason == ""


def test_a_broker_may_override_with_a_recorded_reason(make_world):
    world = make_world(judges=1, entries=2)
    assign.open_round(world.round, world.broker, clock.now(), override_reason=f"  {REASON} ")
    db.session.commit()
    assert world.round.state == "open" and _assigned() == 2
    assert world.round.panel_override_reason == REASON
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.round_opened"))
    assert event.data["override_reason"] == REASON and event.data["short_entries"] == 2


@pytest.mark.parametrize("who", ["seeker", "chair"])
def test_only_a_broker_may_override(make_world, who):
    world = make_world(judges=1, entries=2)
    with pytest.raises(NotAllowed, match="broker"):
        assign.open_round(world.round, getattr(world, who), clock.now(), override_reason=REASON)
    assert world.round.state == "pending" and _assigned() == 0


def test_an_override_needs_words(make_world):
    world = make_world(judges=1, entries=2)
    with pytest.raises(InvalidTransition, match="at least two"):
        assign.open_round(world.round, world.broker, clock.now(), override_reason="   ")


# --- through the web ----------------------------------------------------------------------------------

def test_the_refusal_is_a_message_on_the_set_up_page(client, login, make_world):
    world = make_world(judges=1, entries=2)
    login(world.seeker)
    page = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    assert "fewer than two judges" in page and 'name="override_reason"' not in page  # warned before opening
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/open", follow_redirects=True)
    assert response.status_code == 200 and "only one judge" in response.get_data(as_text=True)
    assert world.round.state == "pending"
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/open", data={"override_reason": REASON},
                           follow_redirects=True)
    assert "Only a broker" in response.get_data(as_text=True) and world.round.state == "pending"


def test_a_broker_overrides_through_the_set_up_page(client, login, make_world):
    world = make_world(judges=1, entries=2)
    login(world.broker)
    page = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    assert 'name="override_reason"' in page
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/open", data={"override_reason": REASON},
                           follow_redirects=True)
    assert response.status_code == 200 and world.round.state == "open"
    assert REASON in response.get_data(as_text=True)  # the set-up page shows why the round runs short
