"""Invitations on the dashboard (issue 11 point 6): a person sees the panel, team and introduction
invitations addressed to them and answers there, through the same services as the emailed links; nobody
else can answer them (404), a second click is refused calmly, and a refusal is said on the dashboard."""
from __future__ import annotations

import re

from challenge.extensions import db
from challenge.judging.models import PanelMember
from challenge.partnerships.states import Answer
from challenge.submissions.models import SubmissionState, TeamMember


def _csrf(client) -> dict:
    html = client.get("/dashboard").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return {"csrf_token": match.group(1)} if match else {}


def test_the_dashboard_lists_each_kind_of_invitation_for_its_addressee(client, login, people, panel_invitation,
                                                                        team_invitation, introduction):
    login(people.judge)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Waiting for your answer" in html and "Join the judging panel of “Loneliness challenge”" in html
    assert f"/my/invitations/panel/{panel_invitation.id}/accept" in html
    login(people.friend)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Join the team of “Phone befriending”" in html and "Erin Entrant invited you" in html
    login(people.seeker)  # the counterpart's contact of the introduction
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Introduction to Erin Entrant" in html
    assert f"/my/introductions/{introduction.id}/decline" in html
    login(people.stranger)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Waiting for your answer" not in html and "Join the" not in html


def test_accepting_a_panel_invitation_from_the_dashboard_joins_the_panel_once(client, login, people,
                                                                               panel_invitation):
    login(people.judge)
    url = f"/my/invitations/panel/{panel_invitation.id}/accept"
    response = client.post(url, data=_csrf(client), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "You have joined the judging panel of “Loneliness challenge”" in html
    assert "Join the judging panel" not in html  # no longer waiting
    again = client.post(url, data=_csrf(client), follow_redirects=True).get_data(as_text=True)
    assert "This invitation has already been used." in again
    members = db.session.scalars(db.select(PanelMember).where(PanelMember.user_id == people.judge.id)).all()
    assert len(members) == 1


def test_a_stranger_cannot_accept_anothers_invitation(client, login, people, panel_invitation, team_invitation,
                                                     introduction):
    login(people.stranger)
    token = _csrf(client)
    for url in (f"/my/invitations/panel/{panel_invitation.id}/accept",
                f"/my/invitations/team/{team_invitation.id}/accept",
                f"/my/introductions/{introduction.id}/accept", "/my/invitations/panel/999999/accept"):
        assert client.post(url, data=token).status_code == 404, url
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 0
    db.session.refresh(introduction)
    assert introduction.counterpart_answer == introduction.creator_answer == Answer.PENDING


def test_an_unconfirmed_address_sees_no_emailed_invitation_and_cannot_accept(client, login, people,
                                                                             panel_invitation):
    people.judge.email_confirmed_at = None
    db.session.commit()
    login(people.judge)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "once you have confirmed that address" in html and "Join the judging panel" not in html
    assert client.post(f"/my/invitations/panel/{panel_invitation.id}/accept", data=_csrf(client)).status_code == 404


def test_accepting_a_team_invitation_from_the_dashboard(client, login, people, team_invitation):
    login(people.friend)
    html = client.post(f"/my/invitations/team/{team_invitation.id}/accept", data=_csrf(client),
                       follow_redirects=True).get_data(as_text=True)
    assert "You are in the team of “Phone befriending”" in html
    assert db.session.scalar(db.select(TeamMember.user_id).where(TeamMember.submission_id == people.entry.id)) \
        == people.friend.id


def test_a_refused_team_invitation_says_why_on_the_dashboard(client, login, people, team_invitation):
    people.entry.state = SubmissionState.WITHDRAWN  # its owner withdrew it
    db.session.commit()
    login(people.friend)
    response = client.post(f"/my/invitations/team/{team_invitation.id}/accept", data=_csrf(client),
                           follow_redirects=True)
    assert response.request.path == "/dashboard"
    assert "This entry can no longer change" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(TeamMember.id))) == 0


def test_answering_an_introduction_from_the_dashboard(client, login, people, introduction):
    login(people.seeker)
    html = client.post(f"/my/introductions/{introduction.id}/accept", data=_csrf(client),
                       follow_redirects=True).get_data(as_text=True)
    assert "you accepted the introduction" in html
    login(people.entrant)
    html = client.post(f"/my/introductions/{introduction.id}/decline", data=_csrf(client),
                       follow_redirects=True).get_data(as_text=True)
    assert "you declined the introduction" in html
    db.session.refresh(introduction)
    assert (introduction.counterpart_answer, introduction.creator_answer) == (Answer.ACCEPTED, Answer.DECLINED)



def test_the_invitations_are_read_in_one_statement_oldest_first_without_those_that_cannot_be_answered(
        app, people, make_challenge, team_invitation, introduction):
    """tasks.pending_for: the panel and team invitations to the confirmed address and the introductions naming
    the person, in one statement (and one more for the introductions found); an invitation whose judging is
    over or whose link expired is left out, and an unconfirmed address hears only of its introductions."""
    from datetime import timedelta

    from challenge import clock
    from challenge.challenges.states import ChallengeState
    from challenge.judging import panel
    from challenge.notifications.tasks import pending_for
    from challenge.submissions import team
    from tests.factories import counted_statements

    now = clock.now()
    panel.invite(people.challenge, people.friend.email, "chair", True, people.seeker, now + timedelta(seconds=1))
    finished = make_challenge(people.council, "open", title="Finished challenge")
    panel.invite(finished, people.friend.email, "judge", False, people.seeker, now)
    finished.state = ChallengeState.CANCELLED
    db.session.commit()
    assert people.friend.email and people.seeker.email  # the signed-in people are loaded before the count
    with app.test_request_context(), counted_statements() as seen:
        tasks = pending_for(people.friend, now + timedelta(seconds=2))
    assert len(seen) == 1
    assert [(t.kind, t.title, t.detail) for t in tasks] == [
        ("team", "Join the team of “Phone befriending”",
         "Erin Entrant invited you to their entry to “Loneliness challenge”."),
        ("panel", "Join the judging panel of “Loneliness challenge”",
         "You are invited as the chair, bringing lived experience of the service.")]
    assert tasks[0].accept_url.endswith(f"/my/invitations/team/{team_invitation.id}/accept")
    with app.test_request_context():
        assert [t.kind for t in pending_for(people.friend, team_invitation.created_at + team.LIFETIME)] == ["panel"]
        with counted_statements() as seen:
            tasks = pending_for(people.seeker, now)
        assert [(t.kind, t.title) for t in tasks] == [("introduction", "Introduction to Erin Entrant")]
        assert len(seen) == 2
        people.seeker.email_confirmed_at = None
        assert [t.kind for t in pending_for(people.seeker, now)] == ["introduction"]
        assert pending_for(people.stranger, now) == []
