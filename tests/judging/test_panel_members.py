"""Inviting judges, joining by the emailed link, the one chair, and who may run the panel."""
from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.extensions import db
from challenge.judging import panel
from challenge.judging.models import PanelInvitation, PanelMember
from challenge.platform.models import OutboxMessage


def _invite(client, slug, email, role="judge", service_user=False):
    data = {"email": email, "role": role}
    if service_user:
        data["service_user"] = "y"
    return client.post(f"/judging/{slug}/invitations", data=data)


def _token(email):
    body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.to_email == email))
    return re.search(r"/judging/invitations/([\w-]+)", body).group(1)


def test_invitation_email_has_a_single_use_link_and_only_its_hash_is_stored(app, client, login, make_world):
    world = make_world()
    login(world.seeker)
    assert _invite(client, world.challenge.slug, "ann@example.org").status_code == 302
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to_email == "ann@example.org"))
    assert world.challenge.title in message.subject
    assert message.body.count(app.config["SITE_URL"]) == 1
    token = _token("ann@example.org")
    stored = db.session.scalar(db.select(PanelInvitation))
    assert stored.token_hash == panel.token_hash(token) and token not in stored.token_hash


def test_anonymous_visitor_is_asked_to_sign_in_and_comes_back(client, login, make_world):
    world = make_world()
    login(world.seeker)
    _invite(client, world.challenge.slug, "ann@example.org")
    token = _token("ann@example.org")
    login(None)
    page = client.get(f"/judging/invitations/{token}").get_data(as_text=True)
    assert f"/login?next=/judging/invitations/{token}" in page and f"/signup?next=/judging/invitations/{token}" in page
    assert client.post(f"/judging/invitations/{token}").status_code == 200  # nothing happens without an account
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 3


def test_wrong_account_cannot_use_the_invitation(client, login, make_world, make_user):
    world = make_world()
    login(world.seeker)
    _invite(client, world.challenge.slug, "ann@example.org")
    token = _token("ann@example.org")
    login(make_user("Mallory", "mallory@example.org"))
    assert "another email address" in client.get(f"/judging/invitations/{token}").get_data(as_text=True)
    response = client.post(f"/judging/invitations/{token}")
    assert response.status_code == 403 and "another email address" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(PanelInvitation.accepted_at)) is None


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00", "'; drop table users; --"])
def test_unknown_tokens_are_404(client, token):
    assert client.get(f"/judging/invitations/{token}").status_code == 404


def test_chair_invitation_demotes_the_previous_chair(client, login, make_world, make_user):
    world = make_world()
    login(world.seeker)
    _invite(client, world.challenge.slug, "CHAIR@example.org", role="chair")
    newcomer = make_user("New Chair", "chair@example.org")
    login(newcomer)
    client.post(f"/judging/invitations/{_token('CHAIR@example.org')}")
    roles = dict(db.session.execute(db.select(PanelMember.user_id, PanelMember.role)).all())
    assert roles[newcomer.id] == "chair" and roles[world.chair.id] == "judge"
    assert list(roles.values()).count("chair") == 1


def test_make_chair_keeps_exactly_one_chair_and_the_database_insists(client, login, make_world):
    world = make_world()
    login(world.seeker)
    judge = world.members[2]
    assert client.post(f"/judging/{world.challenge.slug}/members/{judge.id}/chair").status_code == 302
    db.session.expire_all()
    assert [m.role for m in world.members] == ["judge", "judge", "chair"]
    world.members[0].role = "chair"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_service_user_flag_can_be_toggled(client, login, make_world):
    world = make_world()
    login(world.seeker)
    member = world.members[1]
    client.post(f"/judging/{world.challenge.slug}/members/{member.id}/service-user")
    db.session.expire_all()
    assert member.service_user is True


@pytest.mark.parametrize("email, message", [
    ("", "Enter an email address"),
    ("not an email", "Enter an email address like name@example.org"),
    ("a@b", "Enter an email address like name@example.org"),
    ("<script>@x.org", "Enter an email address like name@example.org"),
    ("x" * 250 + "@example.org", "Field cannot be longer than 254 characters"),
    ("JUDGE", "already on the panel"),
])
def test_bad_invitations_are_refused_with_a_message(client, login, make_world, email, message):
    world = make_world()
    login(world.seeker)
    response = _invite(client, world.challenge.slug, world.judges[1].email.upper() if email == "JUDGE" else email)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(PanelInvitation.id))) == 0


def test_unknown_role_is_refused(client, login, make_world):
    world = make_world()
    login(world.seeker)
    assert _invite(client, world.challenge.slug, "ann@example.org", role="emperor").status_code == 400


def test_who_may_manage_the_panel(client, login, make_world, make_user):
    world = make_world()
    slug = world.challenge.slug
    for user, allowed in ((world.seeker, True), (world.broker, True), (world.chair, True),
                          (world.judges[1], False), (world.outsider, False), (world.creators[0], False)):
        login(user)
        assert (client.get(f"/judging/{slug}/").status_code == 200) is allowed
        assert (_invite(client, slug, f"x{user.id}@example.org").status_code == 302) is allowed
        expected = 302 if allowed else 404
        assert client.post(f"/judging/{slug}/members/{world.members[1].id}/service-user").status_code == expected
    login(None)
    assert client.get(f"/judging/{slug}/").status_code == 302


def test_no_invitations_once_the_decision_is_made(client, login, make_world):
    world = make_world(state="decided")
    login(world.seeker)
    assert _invite(client, world.challenge.slug, "late@example.org").status_code == 404
    assert client.get(f"/judging/{world.challenge.slug}/").status_code == 200  # still readable
    with pytest.raises(Exception, match="Judging is over"):
        panel.invite(world.challenge, "late@example.org", "judge", False, world.seeker, clock.now())


def test_member_of_another_panel_is_404(client, login, make_world):
    one, two = make_world(), make_world()
    login(one.seeker)
    assert client.post(f"/judging/{one.challenge.slug}/members/{two.members[1].id}/chair").status_code == 404


def test_my_panels_lists_panels_with_progress(client, login, make_world):
    world = make_world()
    login(world.judges[1])
    page = client.get("/judging/").get_data(as_text=True)
    assert world.challenge.title in page and "Judging has not started yet" in page
    login(world.outsider)
    assert "You are not on any judging panel" in client.get("/judging/").get_data(as_text=True)


def test_nav_helper_knows_who_sits_on_a_panel(app, make_world):
    from flask_login import login_user, logout_user

    from challenge.judging.pages import on_a_judging_panel

    world = make_world()
    with app.test_request_context():
        assert on_a_judging_panel() is False
        login_user(world.judges[1])
        assert on_a_judging_panel() is True
        logout_user()
        login_user(world.outsider)
        assert on_a_judging_panel() is False


def test_a_judge_who_joins_after_the_round_opened_is_told_why_the_queue_is_empty(client, login, make_world, make_user):
    from datetime import timedelta

    from tests.judging.judging_helpers import open_round

    world = make_world()
    open_round(world)
    clock.travel(timedelta(minutes=5))
    login(world.seeker)
    _invite(client, world.challenge.slug, "late@example.org")
    late = make_user("Lee Late", "late@example.org")
    login(late)
    client.post(f"/judging/invitations/{_token('late@example.org')}")
    page = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert "You joined the panel after it opened" in page and "score sheets submitted" not in page
