"""The chair's decisions: shortlists and winners, thresholds, overrides and departures, and the audit log."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, publication, results
from challenge.judging.models import Assignment, Decision, JudgingSettings
from challenge.judging.rubric import FieldError
from challenge.payouts.models import Award
from challenge.platform.models import AuditEvent
from challenge.submissions.models import Submission
from tests.judging.judging_helpers import open_round, score_all, sheet

# Entry n gets (n, n) from every judge, so entry 3 is best and entry 0 worst.
def _by_position(world):
    index = {s.id: i for i, s in enumerate(world.subs)}
    return lambda member, sub: (index[sub.id], index[sub.id])


def _closed_round(make_world, position=1, **kw):
    world = make_world(judges=2, entries=4, **kw)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world))
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    return world, round_


def _states(world):
    db.session.expire_all()
    return [s.state for s in world.subs]


def test_computed_order_places_the_winners_without_any_reason(make_world):
    world, round_ = _closed_round(make_world)
    slots = decisions.prize_slots(world.challenge)
    assert [(p.name, n) for p, n in slots] == [("Prize 1", 1), ("Prize 2", 1), ("Prize 2", 2)]
    decisions.decide(round_, [world.subs[3].id, world.subs[2].id, world.subs[1].id], world.chair, clock.now())
    db.session.commit()
    # Recorded, not published: nobody's outcome changes and nothing is placed yet.
    assert _states(world) == ["submitted"] * 4
    assert world.challenge.state == "judging" and decisions.placements(world.challenge) == []
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    assert _states(world) == ["not_selected", "winner", "winner", "winner"]
    assert world.challenge.state == "decided"
    placed = decisions.placements(world.challenge)
    assert [(s.id, p.name) for s, p in placed] == [(world.subs[3].id, "Prize 1"), (world.subs[2].id, "Prize 2"),
                                                   (world.subs[1].id, "Prize 2")]
    events = {e.action for e in db.session.scalars(db.select(AuditEvent))}
    assert {"judging.decided", "judging.results_published", "challenge.decide", "submission.winner",
            "submission.not_selected"} <= events


def test_departing_from_the_ranking_needs_a_reason_that_is_audited(make_world):
    world, round_ = _closed_round(make_world)
    swapped = [world.subs[2].id, world.subs[3].id, world.subs[1].id]
    with pytest.raises(FieldError, match="departs from the computed ranking"):
        decisions.decide(round_, swapped, world.chair, clock.now())
    db.session.rollback()
    with pytest.raises(FieldError, match="Prize 2, place 1 and Prize 2, place 2 are left empty"):
        decisions.decide(round_, [world.subs[3].id], world.chair, clock.now())  # places left empty
    db.session.rollback()
    decisions.decide(round_, swapped, world.chair, clock.now(), departure_reason="Entry 2 is ready to pilot now.")
    db.session.commit()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.decided"))
    assert event.reason == "Entry 2 is ready to pilot now." and event.data["departs"] is True
    assert db.session.scalar(db.select(Decision.departure_reason)) == "Entry 2 is ready to pilot now."


def test_entries_below_the_threshold_cannot_win_even_with_a_reason(make_world):
    world, round_ = _closed_round(make_world, rounds=({"name": "R", "threshold_percent": 70},))
    res = results.load(round_)
    assert [e.meets_threshold for e in sorted(res.entries, key=lambda e: e.reference)] == [False, False, False, True]
    with pytest.raises(FieldError, match="below this round's quality threshold of 70%"):
        decisions.decide(round_, [world.subs[3].id, world.subs[2].id], world.chair, clock.now(),
                         departure_reason="We like it", override_reason="We like it")
    db.session.rollback()
    # Only the entry above the threshold is in the computed order: placing it alone is no departure.
    decisions.decide(round_, [world.subs[3].id], world.chair, clock.now())
    publication.publish(world.challenge, world.chair, clock.now())
    assert _states(world) == ["not_selected", "not_selected", "not_selected", "winner"]


def test_too_few_complete_scores_needs_an_override_with_a_reason(make_world):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id] + 2, index[s.id] + 2), members=[world.members[0]])
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    res = results.load(round_)
    assert all(not e.is_complete for e in res.entries)
    choice = [world.subs[1].id]
    with pytest.raises(FieldError, match="fewer complete scores than required"):
        decisions.decide(round_, choice, world.chair, clock.now(), departure_reason="Only one judge scored.")
    db.session.rollback()
    decisions.decide(round_, choice, world.chair, clock.now(), empty_reason="Only one judge scored.",
                     override_reason="The second judge fell ill; the chair's scores stand.")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.decided"))
    assert event.data["override_reason"].startswith("The second judge fell ill")
    assert event.data["incomplete"] == [world.subs[1].reference]


def test_decision_refusals(make_world):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    with pytest.raises(InvalidTransition, match="Close the round"):
        decisions.decide(round_, [], world.chair, clock.now())
    score_all(world, round_, lambda m, s: (2, 2))
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    with pytest.raises(FieldError, match="more choices than prize places"):
        decisions.decide(round_, [world.subs[0].id] * 4, world.chair, clock.now())
    with pytest.raises(FieldError, match="only once"):
        decisions.decide(round_, [world.subs[0].id, world.subs[0].id], world.chair, clock.now(),
                         departure_reason="x")
    other = make_world()
    with pytest.raises(FieldError, match="not judged in this round"):
        decisions.decide(round_, [other.subs[0].id], world.chair, clock.now(), departure_reason="x")
    db.session.rollback()
    decisions.decide(round_, [world.subs[0].id, world.subs[1].id], world.chair, clock.now(), departure_reason="x")
    with pytest.raises(InvalidTransition):
        decisions.decide(round_, [world.subs[0].id], world.chair, clock.now())


def test_advancing_a_shortlist_feeds_the_next_round(make_world):
    world, round_ = _closed_round(make_world, rounds=({"name": "Shortlist", "threshold_percent": 25}, {"name": "Final"}))
    final = world.rounds[1]
    with pytest.raises(FieldError, match="at least one entry"):
        decisions.advance(round_, [], world.chair, clock.now())
    with pytest.raises(FieldError, match="below this round's quality threshold"):
        decisions.advance(round_, [world.subs[0].id], world.chair, clock.now(), departure_reason="x")
    with pytest.raises(FieldError, match="departs"):
        decisions.advance(round_, [world.subs[3].id, world.subs[1].id], world.chair, clock.now())
    db.session.rollback()
    decisions.advance(round_, [world.subs[2].id, world.subs[3].id], world.chair, clock.now())
    db.session.commit()
    assert _states(world) == ["submitted", "submitted", "shortlisted", "shortlisted"]
    assert world.challenge.state == "judging"
    with pytest.raises(InvalidTransition, match="already been recorded"):
        decisions.advance(round_, [world.subs[3].id], world.chair, clock.now())
    assign.open_round(final, world.chair, clock.now())
    assert set(db.session.scalars(db.select(Assignment.submission_id).where(Assignment.round_id == final.id))) == \
        {world.subs[2].id, world.subs[3].id}
    score_all(world, final, lambda m, s: (3, 3) if s.id == world.subs[2].id else (1, 1))
    assign.close_round(final, world.chair, clock.now())
    decisions.decide(final, [world.subs[2].id, world.subs[3].id], world.chair, clock.now())
    publication.publish(world.challenge, world.chair, clock.now())
    assert _states(world) == ["not_selected", "not_selected", "winner", "winner"]


def test_no_advance_without_a_later_round(make_world):
    world, round_ = _closed_round(make_world)
    with pytest.raises(InvalidTransition, match="no later round"):
        decisions.advance(round_, [world.subs[3].id], world.chair, clock.now())


def test_peoples_choice_tier_is_not_the_panels_to_fill(make_world):
    world, round_ = _closed_round(make_world)
    public = world.challenge.prizes[1]
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=public.id))
    db.session.commit()
    assert [p.id for p, _ in decisions.prize_slots(world.challenge)] == [world.challenge.prizes[0].id]


def test_decide_page_through_the_web(client, login, make_world):
    world, round_ = _closed_round(make_world, rounds=({"name": "R", "threshold_percent": 40},))
    slug = world.challenge.slug
    for user in (world.seeker, world.judges[1], world.outsider):
        login(user)
        assert client.get(f"/judging/{slug}/rounds/1/decide").status_code == 404
        assert client.post(f"/judging/{slug}/rounds/1/decide", data={}).status_code == 404
    login(world.chair)
    page = client.get(f"/judging/{slug}/rounds/1/decide").get_data(as_text=True)
    assert "Ties are broken by the higher raw mean score" in page
    assert f'<option value="{world.subs[3].id}" selected>' in page
    response = client.post(f"/judging/{slug}/rounds/1/decide", data={"slot-0": str(world.subs[0].id),
                                                                     "departure_reason": "x", "override_reason": "x"})
    assert response.status_code == 400 and "below this round" in response.get_data(as_text=True)
    response = client.post(f"/judging/{slug}/rounds/1/decide", data={"slot-0": "nonsense", "slot-1": "-4",
                                                                     "slot-2": "99999999999"})
    assert response.status_code == 400 and "Prize 1 and Prize 2, place 1 are left empty" in response.get_data(as_text=True)
    response = client.post(f"/judging/{slug}/rounds/1/decide", data={
        "slot-0": str(world.subs[3].id), "slot-1": str(world.subs[2].id), "departure_reason": "One runner-up only",
        "override_reason": "x" * 4001})
    assert response.status_code == 400 and "Field cannot be longer than 4000 characters" in response.get_data(as_text=True)
    chosen = {"slot-0": str(world.subs[3].id), "slot-1": str(world.subs[2].id)}
    response = client.post(f"/judging/{slug}/rounds/1/decide", data={**chosen, "step": "review"})
    assert response.status_code == 200 and "Review the decision" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 0
    response = client.post(f"/judging/{slug}/rounds/1/decide", data={**chosen, "step": "record"})
    assert response.status_code == 302
    assert client.get(f"/judging/{slug}/rounds/1/decide").status_code == 302  # recorded: back to the judging page
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    assert client.get(f"/judging/{slug}/rounds/1/decide").status_code == 404  # judging is over


def test_advance_page_through_the_web(client, login, make_world):
    world, round_ = _closed_round(make_world, rounds=({"name": "Shortlist"}, {"name": "Final"}))
    slug = world.challenge.slug
    login(world.judges[1])
    assert client.get(f"/judging/{slug}/rounds/1/advance").status_code == 404
    login(world.chair)
    page = client.get(f"/judging/{slug}/rounds/1/advance").get_data(as_text=True)
    assert f'value="{world.subs[3].id}" id="entry-{world.subs[3].id}" checked' in page
    response = client.post(f"/judging/{slug}/rounds/1/advance", data={"entries": [str(world.subs[0].id)]})
    assert response.status_code == 400 and "departs" in response.get_data(as_text=True)
    response = client.post(f"/judging/{slug}/rounds/1/advance", data={"entries": ["abc", "-1"]})
    assert response.status_code == 400 and "Choose at least one entry" in response.get_data(as_text=True)
    response = client.post(f"/judging/{slug}/rounds/1/advance",
                           data={"entries": [str(world.subs[3].id), str(world.subs[2].id)]})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Submission.id)).where(Submission.state == "shortlisted")) == 2


def test_the_decision_is_shown_on_the_judging_page_and_feedback_linked_from_the_challenge(client, login, make_world, app):
    world, round_ = _closed_round(make_world)
    decisions.decide(round_, [world.subs[2].id], world.chair, clock.now(), departure_reason="Only one prize this time",
                     empty_reason="Only one prize this time")
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    login(world.seeker)
    page = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    assert "The decision" in page and world.subs[2].reference in page and "Only one prize this time" in page
    from flask import render_template
    from flask_login import login_user

    with app.test_request_context():
        login_user(world.creators[0])
        from challenge.judging.pages import public_rubric

        html = render_template("judging/_challenge_rubric.html", challenge=world.challenge,
                               judging_panel=public_rubric(world.challenge))
    assert f"/feedback/{world.subs[0].reference}" in html


def test_advance_page_says_where_stage_grants_are_given(client, login, make_world):
    world, round_ = _closed_round(make_world, rounds=({"name": "Shortlist"}, {"name": "Final"}))
    slug = world.challenge.slug
    money = f"/admin/payouts/challenges/{slug}"
    login(world.chair)
    page = client.get(f"/judging/{slug}/rounds/1/advance").get_data(as_text=True)
    assert "Stage grants" in page and "ask the broker" in page and money not in page
    login(world.broker)
    page = client.get(f"/judging/{slug}/rounds/1/advance").get_data(as_text=True)
    assert f'{money}#stage-grants' in page  # a broker may act as chair, and grants from the money page
    assert 'id="stage-grants"' in client.get(money).get_data(as_text=True)
    login(world.chair)
    response = client.post(f"/judging/{slug}/rounds/1/advance",
                           data={"entries": [str(world.subs[3].id), str(world.subs[2].id)]})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 0  # advancing pays nobody by itself
