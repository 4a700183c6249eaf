"""Drafting a challenge: the form, its prize tiers and dates, and editing only while a draft."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from wtforms.validators import ValidationError

from challenge.challenges.forms import to_utc
from challenge.challenges.models import Challenge, Prize
from challenge.extensions import db
from tests.challenges.challenge_helpers import challenge_form, local_input


def only_challenge() -> Challenge | None:
    return db.session.scalar(db.select(Challenge))


def test_seeker_drafts_a_challenge(client, world, as_role):
    as_role("seeker")
    assert "Draft a challenge" in client.get("/challenges/new").get_data(as_text=True)
    response = client.post("/challenges/new", data=challenge_form(world.org.id, tags="loneliness, , older people, loneliness"))
    challenge = only_challenge()
    assert response.status_code == 302 and response.headers["Location"] == f"/challenges/{challenge.slug}"
    assert challenge.state == "draft" and challenge.organisation_id == world.org.id
    assert challenge.created_by_id == world.seeker.id
    assert [(p.name, p.amount, p.winners) for p in challenge.prizes] == [
        ("First prize", 2_500_000, 1), ("Runner-up", 500_050, 2)]
    assert challenge.prize_pool == 2_500_000 + 2 * 500_050
    assert challenge.tags == "loneliness, older people"
    assert challenge.ip_terms == "licence" and challenge.feedback_to_entrants and not challenge.blind_judging
    assert challenge.opens_at.tzinfo is not None
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Your draft is saved" in page and "£35,001" in page and "Send for review" in page


def test_dates_are_read_in_uk_time_summer_and_winter(app):
    with app.app_context():
        assert to_utc(datetime(2026, 7, 1, 17, 0)) == datetime(2026, 7, 1, 16, 0, tzinfo=timezone.utc)
        assert to_utc(datetime(2026, 12, 1, 17, 0)) == datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)
        # The autumn hour that happens twice is read as the first (BST) one.
        assert to_utc(datetime(2026, 10, 25, 1, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)
        with pytest.raises(ValidationError, match="does not exist"):
            to_utc(datetime(2026, 3, 29, 1, 30))  # the clocks jump from 01:00 to 02:00


def test_blank_prize_rows_are_ignored(client, world, as_role):
    as_role("seeker")
    client.post("/challenges/new", data=challenge_form(world.org.id, **{
        "prizes-0-name": "", "prizes-0-amount": "", "prizes-0-winners": "",
        "prizes-3-name": "Only prize", "prizes-3-amount": "£1,500", "prizes-3-winners": ""}))
    challenge = only_challenge()
    assert [(p.name, p.amount, p.winners, p.position) for p in challenge.prizes] == [
        ("Runner-up", 500_050, 2, 1), ("Only prize", 150_000, 1, 2)]


@pytest.mark.parametrize("overrides,message", [
    ({"title": ""}, "Enter a title"),
    ({"title": "x" * 201}, "Keep the title to 200 characters or fewer"),
    ({"summary": "s" * 501}, "Keep the summary to 500 characters or fewer"),
    ({"problem": ""}, "Enter the problem statement"),
    ({"problem": "p" * 20_001}, "Field cannot be longer than 20000 characters"),
    ({"sector": "space"}, "Not a valid choice"),
    ({"type": "<script>"}, "Not a valid choice"),
    ({"ip_terms": "all yours"}, "Not a valid choice"),
    ({"currency": "XBT"}, "Not a valid choice"),
    ({"tags": ",".join(f"t{i}" for i in range(11))}, "Use at most 10 tags"),
    ({"tags": "a" * 41}, "Keep each tag to 40 characters or fewer"),
    ({"opens_at": ""}, "Enter the opening date and time"),
    ({"closes_at": "next tuesday"}, "Enter a real date and time"),
    ({"closes_at": "1900-01-01T17:00"}, "between the years 2000 and 2100"),
    ({"opens_at": local_input(10), "closes_at": local_input(5)}, "The closing date must be after the opening date"),
    ({"opens_at": local_input(-10), "closes_at": local_input(-1)}, "The closing date must be in the future"),
    ({"prizes-0-name": "", "prizes-0-amount": "", "prizes-0-winners": "",
      "prizes-1-name": "", "prizes-1-amount": "", "prizes-1-winners": ""}, "Add at least one prize tier"),
    ({"prizes-0-amount": "lots"}, "Tier 1: Enter an amount in pounds"),
    ({"prizes-0-amount": "-5"}, "Tier 1: Enter an amount that is not negative"),
    ({"prizes-0-amount": "0"}, "Tier 1: enter an amount above zero"),
    ({"prizes-0-amount": "10.001"}, "Tier 1: Enter an amount in pounds"),
    ({"prizes-1-winners": "0"}, "Tier 2: enter a number of winners from 1 to 100"),
    ({"prizes-1-winners": "two"}, "Tier 2: enter a number of winners from 1 to 100"),
    ({"prizes-1-winners": "٣"}, "Tier 2: enter a number of winners from 1 to 100"),
    ({"prizes-1-name": ""}, "Tier 2: enter a name"),
    ({"prizes-1-name": "n" * 121}, "Tier 2: keep the name to 120 characters or fewer"),
    ({"organisation": "999999"}, "Not a valid choice"),
    ({"organisation": "abc"}, "Not a valid choice"),
])
def test_bad_input_is_refused_with_a_message(client, world, as_role, overrides, message):
    as_role("seeker")
    response = client.post("/challenges/new", data=challenge_form(world.org.id, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page, page[:3000]
    assert "<title>Error:" in page
    assert only_challenge() is None


def test_another_organisation_cannot_be_chosen(client, world, as_role):
    as_role("seeker")
    response = client.post("/challenges/new", data=challenge_form(world.other_org.id))
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert only_challenge() is None


@pytest.mark.parametrize("title", [
    "<script>alert('x')</script> Loneliness", "Zero\x00width\u200b and \u202eRTL override", "Café ☕ 🚀 Ω≈ç√",
    "Line\nbreak\r\nin title", "e\u0301\u0301\u0301 combining"])
def test_odd_text_is_stored_safely_and_shown_escaped(client, world, as_role, title):
    as_role("seeker")
    response = client.post("/challenges/new", data=challenge_form(
        world.org.id, title=title, problem=f"{title}\n\n<img src=x onerror=alert(1)> [link](javascript:alert(1))"))
    assert response.status_code == 302
    challenge = only_challenge()
    assert "\x00" not in challenge.title and "\n" not in challenge.title
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page


def test_someone_without_an_organisation_is_told_how_to_get_one(client, world, as_role):
    as_role("creator")
    page = client.get("/challenges/new").get_data(as_text=True)
    assert "you need to belong to an organisation" in page
    client.post("/challenges/new", data=challenge_form(world.org.id))
    assert only_challenge() is None


def test_anonymous_people_are_asked_to_sign_in(client, world):
    response = client.get("/challenges/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_seeker_edits_a_draft_and_the_pool_follows_the_tiers(client, world, as_role, make_challenge):
    challenge = make_challenge(world.org, "draft", prizes=((100_000, 1),))
    as_role("seeker")
    page = client.get(f"/challenges/{challenge.slug}/edit").get_data(as_text=True)
    assert 'value="1,000"' in page and "Edit the draft" in page
    response = client.post(f"/challenges/{challenge.slug}/edit", data=challenge_form(
        title="A better title", **{"prizes-1-name": "", "prizes-1-amount": "", "prizes-1-winners": "",
                                   "prizes-0-amount": "2,000.50", "prizes-0-winners": "3"}))
    assert response.status_code == 302
    db.session.refresh(challenge)
    assert challenge.title == "A better title" and challenge.slug.startswith("challenge-")
    assert [(p.amount, p.winners) for p in challenge.prizes] == [(200_050, 3)]
    assert challenge.prize_pool == 600_150
    assert db.session.scalar(db.select(db.func.count(Prize.id))) == 1


@pytest.mark.parametrize("role,status", [(None, 302), ("creator", 404), ("outsider", 404), ("seeker", 200),
                                         ("broker", 200)])
def test_who_may_edit_a_draft(client, world, as_role, make_challenge, role, status):
    challenge = make_challenge(world.org, "draft")
    as_role(role)
    assert client.get(f"/challenges/{challenge.slug}/edit").status_code == status
    response = client.post(f"/challenges/{challenge.slug}/edit", data=challenge_form(title="Changed"))
    assert response.status_code == (302 if status in (200, 302) else 404)
    if role is None:
        assert "/login" in response.headers["Location"]
    db.session.refresh(challenge)
    assert (challenge.title == "Changed") is (status == 200)


@pytest.mark.parametrize("state", ["in_review", "open", "closed", "cancelled"])
def test_the_problem_is_frozen_once_sent_for_review(client, world, as_role, make_challenge, state):
    challenge = make_challenge(world.org, state)
    as_role("seeker")
    response = client.post(f"/challenges/{challenge.slug}/edit", data=challenge_form(problem="Rewritten"))
    assert response.status_code == 409
    assert "Only a draft can be edited" in response.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.problem == "Too many people are **lonely**."


def test_prize_pool_column_follows_tiers_whoever_saves_them(world, make_challenge):
    challenge = make_challenge(world.org, "draft", prizes=((100_000, 2), (50_000, 1)))
    assert challenge.prize_pool == 250_000
    challenge.prizes.append(Prize(name="Extra", amount=1_000, winners=1, position=3))
    db.session.commit()
    assert challenge.prize_pool == 251_000
    challenge.prizes[0].winners = 1
    db.session.commit()
    assert challenge.prize_pool == 151_000
    del challenge.prizes[0]
    db.session.commit()
    assert db.session.scalar(db.select(Challenge.prize_pool)) == 51_000
