"""Feedback for entrants after the decision, the judging dates, and the people's-choice vote."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, feedback, peoples, publication
from challenge.judging.models import JudgingSettings, Vote
from challenge.errors import DomainError, NotAllowed
from tests.judging.judging_helpers import open_round, score_all


def _decided(make_world, **kw):
    world = make_world(judges=2, entries=3, **kw)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    order = {m.id: i for i, m in enumerate(world.members)}
    score_all(world, round_, lambda m, s: (index[s.id] + 1, index[s.id] + order[m.id]),
              comment="The evidence section is thin.")
    assign.close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [world.subs[2].id], world.chair, clock.now(), empty_reason="One place only")
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    return world


def test_feedback_compares_the_entry_with_the_field_and_the_winners(client, login, make_world):
    world = _decided(make_world)
    mine = world.subs[0]
    fb = feedback.feedback_for(mine)
    impact, feasibility = fb.lines
    assert (impact.mine, impact.field, impact.winners) == (1, 2, 3)
    assert (feasibility.mine, feasibility.field, feasibility.winners) == (0.5, 1.5, 2.5)
    assert fb.comments == ["The evidence section is thin."] * 2
    login(world.creators[0])
    page = client.get(f"/judging/{world.challenge.slug}/feedback/{mine.reference}").get_data(as_text=True)
    assert "The evidence section is thin." in page and "Not selected" in page
    assert all(j.name not in page for j in world.judges)


def test_feedback_waits_for_the_decision_and_the_announced_date(client, login, make_world):
    world = make_world(judges=2, entries=1)
    sub = world.subs[0]
    login(world.creators[0])
    url = f"/judging/{world.challenge.slug}/feedback/{sub.reference}"
    assert client.get(url).status_code == 404  # not decided
    world = _decided(make_world)
    sub = world.subs[0]
    url = f"/judging/{world.challenge.slug}/feedback/{sub.reference}"
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, feedback_at=clock.now() + timedelta(days=7)))
    db.session.commit()
    login(world.creators[0])
    assert client.get(url).status_code == 404
    clock.travel(timedelta(days=7, minutes=1))
    assert client.get(url).status_code == 200


def test_feedback_is_only_for_the_entrys_own_creators_and_can_be_switched_off(client, login, make_world):
    world = _decided(make_world)
    url = f"/judging/{world.challenge.slug}/feedback/{world.subs[0].reference}"
    for user in (world.creators[1], world.outsider, world.judges[0], world.seeker):
        login(user)
        assert client.get(url).status_code == 404
    assert client.get(f"/judging/{world.challenge.slug}/feedback/CX-NOPE").status_code == 404
    world.challenge.feedback_to_entrants = False
    db.session.commit()
    login(world.creators[0])
    assert client.get(url).status_code == 404


# --- judging dates ------------------------------------------------------------------------------------

def _settings(client, world, **data):
    return client.post(f"/judging/{world.challenge.slug}/settings", data=data)


def test_dates_are_saved_in_uk_time_and_announced(client, login, make_world, app):
    world = make_world(state="open")
    login(world.seeker)
    response = _settings(client, world, feedback_at="2099-07-01T09:30", peoples_choice="y",
                         prize_id=str(world.challenge.prizes[1].id), vote_opens_at="2099-06-01T09:00",
                         vote_closes_at="2099-06-15T17:00")
    assert response.status_code == 302
    settings = db.session.scalar(db.select(JudgingSettings))
    assert settings.feedback_at.hour == 8  # 09:30 in London summer time is 08:30 UTC
    with app.test_request_context():
        from flask import render_template

        from challenge.judging.pages import public_rubric

        html = render_template("judging/_challenge_rubric.html", challenge=world.challenge,
                               judging_panel=public_rubric(world.challenge))
    assert "1 Jul 2099, 09:30" in html and "People's choice: Prize 2" in html


@pytest.mark.parametrize("data, message", [
    ({"feedback_at": "2001-01-01T10:00"}, "Choose a feedback date in the future"),
    ({"feedback_at": "soon"}, "Not a valid datetime value"),
    ({"peoples_choice": "y", "prize_id": "PRIZE"}, "Give the vote an opening and a closing time"),
    ({"peoples_choice": "y", "prize_id": "PRIZE", "vote_opens_at": "2099-06-02T09:00",
      "vote_closes_at": "2099-06-01T09:00"}, "The vote must close after it opens"),
    ({"peoples_choice": "y", "prize_id": "0", "vote_opens_at": "2099-06-01T09:00",
      "vote_closes_at": "2099-06-02T09:00"}, "Choose the prize the public vote decides"),
    ({"peoples_choice": "y", "prize_id": "OTHER", "vote_opens_at": "2099-06-01T09:00",
      "vote_closes_at": "2099-06-02T09:00"}, "Choose the prize the public vote decides"),
    ({"peoples_choice": "y", "prize_id": "abc", "vote_opens_at": "2099-06-01T09:00",
      "vote_closes_at": "2099-06-02T09:00"}, "Choose the prize the public vote decides"),
])
def test_bad_dates_are_refused(client, login, make_world, data, message):
    world = make_world(state="open")
    other = make_world()
    prize = {"PRIZE": str(world.challenge.prizes[0].id), "OTHER": str(other.challenge.prizes[0].id)}
    data = {k: prize.get(v, v) for k, v in data.items()}
    login(world.seeker)
    response = _settings(client, world, **data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(JudgingSettings.id))) == 0


# --- people's choice -----------------------------------------------------------------------------------

@pytest.fixture()
def vote_world(make_world):
    world = make_world(state="closed", entries=3)
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=world.challenge.prizes[1].id,
                                   vote_opens_at=clock.now() - timedelta(hours=1),
                                   vote_closes_at=clock.now() + timedelta(days=2)))
    db.session.commit()
    return world


def test_one_vote_per_account_with_a_clear_message(client, login, vote_world):
    world = vote_world
    url = f"/judging/{world.challenge.slug}/vote"
    login(world.outsider)
    assert client.post(url, data={"entry": str(world.subs[1].id)}).status_code == 302
    response = client.post(url, data={"entry": str(world.subs[2].id)})
    assert response.status_code == 400 and "already voted" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Vote.id))) == 1
    page = client.get(url).get_data(as_text=True)
    assert "You have voted" in page and "1 vote" not in page


def test_results_are_hidden_until_the_vote_closes(client, login, vote_world, make_user):
    world = vote_world
    url = f"/judging/{world.challenge.slug}/vote"
    for n in range(3):
        login(make_user())
        client.post(url, data={"entry": str(world.subs[n % 2].id)})
    login(world.broker)
    page = client.get(url).get_data(as_text=True)
    assert "<h2 class=\"h4\">Results</h2>" not in page and "2 votes" not in page
    assert peoples.vote_winner(world.challenge) is None
    clock.travel(timedelta(days=3))
    login(None)
    page = client.get(url).get_data(as_text=True)
    assert "Results" in page and "2 votes" in page and "1 vote" in page
    winner, prize = peoples.vote_winner(world.challenge)
    assert winner.id == world.subs[0].id and prize.id == world.challenge.prizes[1].id
    login(make_user())
    response = client.post(url, data={"entry": str(world.subs[1].id)})
    assert response.status_code == 404  # voting has closed


def test_vote_refusals(client, login, vote_world, make_world):
    world = vote_world
    url = f"/judging/{world.challenge.slug}/vote"
    login(None)
    page = client.get(url).get_data(as_text=True)
    assert "Sign in to vote" in page
    assert client.post(url, data={"entry": str(world.subs[0].id)}).status_code == 404
    login(world.creators[0])
    response = client.post(url, data={"entry": str(world.subs[0].id)})
    assert response.status_code == 403 and "part of" in response.get_data(as_text=True)
    other = make_world()
    for bad in (str(other.subs[0].id), "", "abc", "99999999999", "-1"):
        response = client.post(url, data={"entry": bad})
        assert response.status_code == 400 and "Choose one of the entries" in response.get_data(as_text=True)
    with pytest.raises(NotAllowed):
        peoples.cast(other.challenge, other.subs[0], world.outsider, clock.now())


def test_vote_page_is_404_when_there_is_no_vote(client, make_world):
    world = make_world(state="open")
    assert client.get(f"/judging/{world.challenge.slug}/vote").status_code == 404


def test_unique_constraint_backs_the_one_vote_rule(vote_world):
    world = vote_world
    db.session.add(Vote(challenge_id=world.challenge.id, user_id=world.outsider.id, submission_id=world.subs[0].id,
                        voter=peoples.mailbox(world.outsider.email), cast_at=clock.now()))
    db.session.commit()
    with pytest.raises(DomainError, match="already voted"):
        peoples.cast(world.challenge, world.subs[1], world.outsider, clock.now())


def test_vote_winner_is_in_placements_after_the_vote(make_world):
    world = _decided(make_world)
    db.session.add(JudgingSettings(challenge_id=world.challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=world.challenge.prizes[1].id,
                                   vote_opens_at=clock.now() - timedelta(days=2),
                                   vote_closes_at=clock.now() - timedelta(days=1)))
    db.session.add(Vote(challenge_id=world.challenge.id, user_id=world.outsider.id, submission_id=world.subs[1].id,
                        voter=world.outsider.email,
                        cast_at=clock.now() - timedelta(days=1, hours=2)))
    db.session.commit()
    assert [(s.id, p.id) for s, p in decisions.placements(world.challenge)] == [
        (world.subs[2].id, world.challenge.prizes[0].id), (world.subs[1].id, world.challenge.prizes[1].id)]
