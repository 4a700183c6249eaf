"""Scoring: drafts and submissions, and every refusal the issue lists, through the web and the service."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import services
from challenge.judging.models import Assignment, Score
from challenge.judging.rubric import FieldError
from tests.judging.judging_helpers import open_round, sheet


@pytest.fixture()
def ready(make_world, login, client):
    """A judge signed in, with a declared, assigned entry; returns (world, assignment, url)."""
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    client.post(f"/judging/{world.challenge.slug}/entries/{a.id}/declaration", data={"has_conflict": "no"})
    return world, a, f"/judging/{world.challenge.slug}/entries/{a.id}/scores"


def _scores(world, *values):
    return {f"score-{c.id}": str(v) for c, v in zip(world.criteria, values)}


def test_draft_does_not_count_submit_does_and_can_change_until_close(client, ready):
    world, a, url = ready
    assert client.post(url, data={**_scores(world, 3), "action": "draft"}).status_code == 302
    db.session.expire_all()
    assert a.state == "draft" and [s.value for s in a.scores] == [3]
    assert client.post(url, data={**_scores(world, 3, 4), "action": "submit", "comment": "Good."}).status_code == 302
    db.session.expire_all()
    assert a.state == "submitted" and sorted(s.value for s in a.scores) == [3, 4]
    assert client.post(url, data={**_scores(world, 1, 1), "action": "submit"}).status_code == 302
    db.session.expire_all()
    assert sorted(s.value for s in a.scores) == [1, 1]
    assign.close_round(a.round, world.chair, clock.now())
    db.session.commit()
    response = client.post(url, data={**_scores(world, 4, 4), "action": "submit"})
    assert response.status_code == 409 and "This round has closed" in response.get_data(as_text=True)
    page = client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)
    assert "scores can no longer change" in page


@pytest.mark.parametrize("values, message", [
    ((5, 2), "must be from 0 to 4"),
    ((-1, 2), "must be from 0 to 4"),
    (("2.5", 2), "Choose a score for “Impact”"),
    (("four", 2), "Choose a score for “Impact”"),
    (("<script>", 2), "Choose a score for “Impact”"),
    (("99999999999999999999", 2), "must be from 0 to 4"),
    (("٩", 2), "must be from 0 to 4"),  # an Arabic-Indic nine: a digit, but off the scale
    (("", 2), "Choose a score for “Impact” before submitting"),
])
def test_scores_off_the_scale_or_not_whole_numbers_are_refused(client, ready, values, message):
    world, a, url = ready
    response = client.post(url, data={**_scores(world, *values), "action": "submit"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "There is a problem" in page
    db.session.expire_all()
    assert a.state == "pending" and a.scores == []


def test_submit_needs_every_criterion_and_a_comment_when_the_round_asks(client, ready):
    world, a, url = ready
    response = client.post(url, data={**_scores(world, 3), "action": "submit"})
    assert response.status_code == 400 and "Choose a score for “Feasibility” before submitting" in response.get_data(as_text=True)
    a.round.comments_required = True
    db.session.commit()
    response = client.post(url, data={**_scores(world, 3, 3), "action": "submit", "comment": "  "})
    assert response.status_code == 400 and "asks for a comment" in response.get_data(as_text=True)
    response = client.post(url, data={**_scores(world, 3, 3), "action": "submit", "comment": "x" * 5001})
    assert response.status_code == 400 and "under 5,000 characters" in response.get_data(as_text=True)


def test_a_criterion_of_another_challenge_is_refused(client, ready, make_world):
    world, a, url = ready
    other = make_world()
    response = client.post(url, data={**_scores(world, 3, 3), f"score-{other.criteria[0].id}": "2", "action": "submit"})
    assert response.status_code == 400
    assert "not in this challenge’s rubric" in response.get_data(as_text=True)
    response = client.post(url, data={**_scores(world, 3, 3), "score-abc": "2", "action": "submit"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Score.id))) == 0


def test_an_unassigned_entry_is_404_to_a_judge(client, ready):
    world, a, url = ready
    mine = a.id
    others = db.session.scalars(db.select(Assignment.id).where(Assignment.panel_member_id != a.panel_member_id)).all()
    assert len(others) == 2
    for other in others:  # the other judge's sheets, for the same and another entry
        for path in ("", "/scores", "/declaration", "/attachments/1"):
            method = client.post if path in ("/scores", "/declaration") else client.get
            assert method(f"/judging/{world.challenge.slug}/entries/{other}{path}",
                          data={"has_conflict": "no", "action": "draft"} if method == client.post else None
                          ).status_code == 404
    assert client.get(f"/judging/{world.challenge.slug}/entries/999999").status_code == 404


def test_someone_not_on_the_panel_gets_404_everywhere(client, ready, login):
    world, a, url = ready
    for user in (world.outsider, world.creators[0], world.seeker):
        login(user)
        assert client.get(f"/judging/{world.challenge.slug}/queue").status_code == 404
        assert client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").status_code == 404
        assert client.post(url, data={**_scores(world, 3, 3), "action": "submit"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Score.id))) == 0


def test_another_judge_of_the_panel_gets_404_for_a_declared_sheet_of_the_same_entry(client, ready, login):
    """The score sheet reads the seat and the declaration together: the declaration is the sheet's judge's, never
    the visitor's own about the same entry."""
    world, a, url = ready
    theirs = sheet(a.round, world.members[0], world.subs[0])
    login(world.judges[0])
    client.post(f"/judging/{world.challenge.slug}/entries/{theirs.id}/declaration", data={"has_conflict": "no"})
    assert "Your scores" in client.get(f"/judging/{world.challenge.slug}/entries/{theirs.id}").get_data(as_text=True)
    assert client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").status_code == 404
    login(world.judges[1])
    assert client.get(f"/judging/{world.challenge.slug}/entries/{theirs.id}").status_code == 404
    assert "Your scores" in client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)


def test_the_sheet_names_the_entrant_and_their_team(client, ready):
    from challenge.submissions.models import TeamMember

    world, a, url = ready
    db.session.add(TeamMember(submission_id=a.submission_id, user_id=world.creators[1].id))
    db.session.commit()
    page = client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)
    assert f"<strong>Entered by</strong> {world.creators[0].name}, with {world.creators[1].name}</p>" in page


def test_entry_of_another_challenge_through_this_challenge_is_404(client, ready, make_world):
    world, a, url = ready
    other = make_world()
    assert client.get(f"/judging/{other.challenge.slug}/entries/{a.id}").status_code == 404


def test_scoring_before_declaring_is_404_and_refused_by_the_service(client, login, make_world):
    world = make_world()
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    page = client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)
    assert "Before you open" in page and a.submission.description not in page
    assert client.post(f"/judging/{world.challenge.slug}/entries/{a.id}/scores",
                       data={**_scores(world, 3, 3), "action": "submit"}).status_code == 404
    with pytest.raises(NotAllowed, match="Declare"):
        services.save_scores(a, {}, "", False, world.judges[1], clock.now())


def test_the_service_refuses_other_judges_and_late_scores(make_world):
    world = make_world()
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    assign.declare(a, False, "", world.judges[1], clock.now())
    with pytest.raises(NotAllowed, match="Only the judge assigned"):
        services.save_scores(a, {}, "", False, world.chair, clock.now())
    with pytest.raises(NotAllowed):
        services.save_scores(a, {}, "", False, None, clock.now())
    round_.closes_at = clock.now() + timedelta(minutes=5)
    with pytest.raises(InvalidTransition, match="closed"):
        services.save_scores(a, {}, "", False, world.judges[1], clock.now() + timedelta(minutes=6))
    with pytest.raises(FieldError):
        services.save_scores(a, {"1.5": 3}, "", False, world.judges[1], clock.now())


def test_others_scores_only_after_submitting_ones_own(client, login, make_world):
    world = make_world(judges=2, entries=1)
    round_ = open_round(world)
    slug = world.challenge.slug
    mine, theirs = sheet(round_, world.members[1], world.subs[0]), sheet(round_, world.members[0], world.subs[0])
    login(world.chair)
    client.post(f"/judging/{slug}/entries/{theirs.id}/declaration", data={"has_conflict": "no"})
    client.post(f"/judging/{slug}/entries/{theirs.id}/scores",
                data={**_scores(world, 4, 4), "action": "submit", "comment": "Chair's view: superb"})
    login(world.judges[1])
    client.post(f"/judging/{slug}/entries/{mine.id}/declaration", data={"has_conflict": "no"})
    page = client.get(f"/judging/{slug}/entries/{mine.id}").get_data(as_text=True)
    assert "Shown after you submit your own" in page and "Chair&#39;s view" not in page
    client.post(f"/judging/{slug}/entries/{mine.id}/scores", data={**_scores(world, 2, 2), "action": "draft"})
    assert "Chair&#39;s view" not in client.get(f"/judging/{slug}/entries/{mine.id}").get_data(as_text=True)
    client.post(f"/judging/{slug}/entries/{mine.id}/scores", data={**_scores(world, 2, 2), "action": "submit"})
    page = client.get(f"/judging/{slug}/entries/{mine.id}").get_data(as_text=True)
    assert "Chair&#39;s view: superb" in page and world.chair.name not in page.split("Other judges")[1]


def test_comments_with_html_are_shown_as_text(client, ready):
    world, a, url = ready
    client.post(url, data={**_scores(world, 2, 2), "action": "submit", "comment": "<img src=x onerror=alert(1)> ✓"})
    page = client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_queue_shows_each_status_and_progress(client, ready):
    world, a, url = ready
    page = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert "Ready to score" in page and "Not started" in page and "0 of 2 score sheets submitted" in page
    client.post(url, data={**_scores(world, 2), "action": "draft"})
    assert "Draft saved" in client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    client.post(url, data={**_scores(world, 2, 2), "action": "submit"})
    page = client.get(f"/judging/{world.challenge.slug}/queue?round=zzz").get_data(as_text=True)
    assert "1 of 2 score sheets submitted" in page and "Submitted" in page


def test_every_missing_score_is_named_at_once(client, ready):
    world, a, url = ready
    page = client.post(url, data={"action": "submit"}).get_data(as_text=True)
    assert "Choose a score for “Impact” before submitting" in page
    assert "Choose a score for “Feasibility” before submitting" in page
