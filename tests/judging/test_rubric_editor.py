"""The rubric editor: criteria, presets, social value, the scale, and the freeze at publication."""
from __future__ import annotations

import pytest
from flask import render_template

from challenge import clock
from challenge.extensions import db
from challenge.judging import rubric
from challenge.judging.models import Criterion, Round
from challenge.platform.models import AuditEvent


@pytest.fixture()
def draft(make_user, make_org, make_challenge):
    seeker = make_user("Sally Seeker")
    org = make_org(seeker)
    return seeker, make_challenge(org, "draft")


def _criteria(challenge):
    return list(db.session.scalars(db.select(Criterion).where(Criterion.challenge_id == challenge.id)
                                   .order_by(Criterion.position)))


def test_seeker_adds_a_criterion_with_level_descriptions(client, login, draft):
    seeker, challenge = draft
    login(seeker)
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={
        "name": "Impact", "description": "Who benefits", "weight": "40", "scale": "1-5",
        "levels": "Very weak\nWeak\nAdequate\nStrong\nOutstanding"})
    assert response.status_code == 302
    (impact,) = _criteria(challenge)
    assert (impact.scale_min, impact.scale_max, impact.weight) == (1, 5, 40)
    assert impact.level_label(5) == "Outstanding"
    assert db.session.scalar(db.select(Round.name).where(Round.challenge_id == challenge.id)) == "Assessment"
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.object_type == "criterion"))
    page = client.get(f"/challenges/{challenge.slug}/rubric").get_data(as_text=True)
    assert "Impact" in page and "Outstanding" in page and "100%" in page


def test_sbri_preset_gives_five_criteria_and_social_value_at_ten_percent(client, login, draft):
    seeker, challenge = draft
    login(seeker)
    assert client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri").status_code == 302
    criteria = _criteria(challenge)
    assert len(criteria) == 6 and all((c.scale_min, c.scale_max) == (0, 4) for c in criteria)
    assert criteria[0].level_label(0).startswith("No response") and criteria[0].level_label(4).startswith("Good")
    social = [c for c in criteria if c.social_value]
    assert len(social) == 1 and social[0].weight * 10 >= sum(c.weight for c in criteria)
    client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri")  # twice adds nothing more
    assert len(_criteria(challenge)) == 6


@pytest.mark.parametrize("theme, label", [("economic_growth", "Kickstart economic growth"),
                                          ("clean_energy", "Make Britain a clean energy superpower"),
                                          ("safer_streets", "Take back our streets"),
                                          ("opportunity", "Break down barriers to opportunity"),
                                          ("health", "Build an NHS fit for the future")])
def test_social_value_themes(client, login, draft, theme, label):
    seeker, challenge = draft
    login(seeker)
    client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "Impact", "weight": "90"})
    assert client.post(f"/challenges/{challenge.slug}/rubric/presets/social-value", data={"theme": theme}).status_code == 302
    social = next(c for c in _criteria(challenge) if c.social_value)
    assert social.name == f"Social value: {label}" and social.weight == 10


def test_social_value_below_ten_percent_is_refused(client, login, draft):
    seeker, challenge = draft
    login(seeker)
    client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri")
    innovation = _criteria(challenge)[0]
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria/{innovation.id}",
                           data={"name": "Innovation", "weight": "60"})
    assert response.status_code == 400
    assert "Social value must carry at least 10%" in response.get_data(as_text=True)
    db.session.expire_all()
    assert innovation.weight == 25
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "Reach", "weight": "50"})
    assert response.status_code == 400 and len(_criteria(challenge)) == 6


def test_rubric_is_frozen_once_published(client, login, make_user, make_org, make_challenge, rubric_for):
    seeker = make_user()
    challenge = make_challenge(make_org(seeker), "open")
    (impact, _), _ = rubric_for(challenge)
    login(seeker)
    page = client.get(f"/challenges/{challenge.slug}/rubric")
    assert page.status_code == 200 and "frozen" in page.get_data(as_text=True)
    attempts = [
        client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "New", "weight": "10"}),
        client.post(f"/challenges/{challenge.slug}/rubric/criteria/{impact.id}", data={"name": "Impact", "weight": "5"}),
        client.post(f"/challenges/{challenge.slug}/rubric/criteria/{impact.id}/delete"),
        client.post(f"/challenges/{challenge.slug}/rubric/scale", data={"scale": "0-10"}),
        client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri"),
        client.post(f"/challenges/{challenge.slug}/rubric/presets/social-value", data={"theme": "health"}),
    ]
    for response in attempts:
        assert response.status_code == 409
        assert "The rubric is frozen" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [c.weight for c in _criteria(challenge)] == [60, 40]
    with pytest.raises(Exception, match="frozen"):
        rubric.save_criterion(challenge, seeker, clock.now(), name="X", description="", weight=5, levels=[])


def test_in_review_only_a_broker_edits(client, login, make_user, make_org, make_challenge):
    seeker, broker = make_user(), make_user(broker=True)
    challenge = make_challenge(make_org(seeker), "in_review")
    login(seeker)
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "Impact", "weight": "10"})
    assert response.status_code == 409 and "only a broker" in response.get_data(as_text=True)
    login(broker)
    assert client.post(f"/challenges/{challenge.slug}/rubric/criteria",
                       data={"name": "Impact", "weight": "10"}).status_code == 302


def test_outsiders_and_judges_cannot_reach_the_editor(client, login, draft, make_user):
    _, challenge = draft
    assert client.get(f"/challenges/{challenge.slug}/rubric").status_code == 302  # to sign in
    login(make_user())
    assert client.get(f"/challenges/{challenge.slug}/rubric").status_code == 404
    assert client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "X", "weight": "1"}).status_code == 404
    assert client.get("/challenges/no-such-challenge/rubric").status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"name": "", "weight": "10"}, "Enter a name for the criterion"),
    ({"name": "x" * 121, "weight": "10"}, "Field cannot be longer than 120 characters"),
    ({"name": "Impact", "weight": "ten"}, "Not a valid integer value"),
    ({"name": "Impact", "weight": ""}, "Enter a weight from 1 to 100"),
    ({"name": "Impact", "weight": "0"}, "Enter a weight from 1 to 100"),
    ({"name": "Impact", "weight": "101"}, "Enter a weight from 1 to 100"),
    ({"name": "Impact", "weight": "1e3"}, "Not a valid integer value"),
    ({"name": "Impact", "weight": "10", "scale": "2-7"}, "Not a valid choice"),
    ({"name": "Impact", "weight": "10", "levels": "a\nb\nc\nd\ne\nf"}, "Give at most 5 level descriptions"),
    ({"name": "Impact", "weight": "10", "levels": "x" * 301}, "under 300 characters"),
])
def test_bad_criterion_input_is_refused_with_a_message(client, login, draft, data, message):
    seeker, challenge = draft
    login(seeker)
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "There is a problem" in page
    assert _criteria(challenge) == []


def test_html_and_odd_unicode_are_kept_as_text(client, login, draft):
    seeker, challenge = draft
    login(seeker)
    name = "<script>alert(1)</script> Ünïcødé ‮ 🚀"
    assert client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": name, "weight": "5"}).status_code == 302
    page = client.get(f"/challenges/{challenge.slug}/rubric").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "🚀" in page


def test_duplicate_names_and_criteria_of_another_challenge(client, login, draft, make_org, make_user, make_challenge,
                                                           rubric_for):
    seeker, challenge = draft
    other = make_challenge(make_org(make_user()), "draft")
    (foreign, _), _ = rubric_for(other)
    login(seeker)
    client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "Impact", "weight": "5"})
    response = client.post(f"/challenges/{challenge.slug}/rubric/criteria", data={"name": "IMPACT", "weight": "5"})
    assert response.status_code == 400 and "already has a criterion with that name" in response.get_data(as_text=True)
    assert client.post(f"/challenges/{challenge.slug}/rubric/criteria/{foreign.id}",
                       data={"name": "Mine now", "weight": "5"}).status_code == 404
    assert client.post(f"/challenges/{challenge.slug}/rubric/criteria/{foreign.id}/delete").status_code == 404
    assert client.get(f"/challenges/{challenge.slug}/rubric?edit={foreign.id}").status_code == 404


def test_changing_the_scale_moves_every_criterion(client, login, draft):
    seeker, challenge = draft
    login(seeker)
    client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri")
    assert client.post(f"/challenges/{challenge.slug}/rubric/scale", data={"scale": "0-10"}).status_code == 302
    assert {(c.scale_min, c.scale_max, len(c.levels)) for c in _criteria(challenge)} == {(0, 10, 11)}
    assert client.post(f"/challenges/{challenge.slug}/rubric/scale", data={"scale": "9-9"}).status_code == 400
    response = client.post(f"/challenges/{challenge.slug}/rubric/presets/sbri")
    assert response.status_code == 400 and "uses the 0–4 scale" in response.get_data(as_text=True)


def test_challenge_page_partial_shows_rubric_rounds_ties_and_feedback_date(app, make_user, make_org, make_challenge,
                                                                           rubric_for):
    challenge = make_challenge(make_org(make_user()), "open", blind_judging=True)
    rubric_for(challenge, rounds=({"name": "Shortlist", "strategy": "k", "k": 2, "threshold_percent": 60},
                                  {"name": "Final"}))
    with app.test_request_context():
        from challenge.judging.pages import public_rubric

        html = render_template("judging/_challenge_rubric.html", challenge=challenge,
                               judging_panel=public_rubric(challenge))
    assert "How the winners will be chosen" in html
    assert "Impact" in html and "60%" in html and "40%" in html
    assert "Shortlist: 2 judges per entry" in html and "at least 60% of the maximum" in html
    assert "Ties:" in html and "Blind judging" in html and "once the winners are decided" in html
