"""Who may do what in judging: a truth table over roles and challenge states, and no 500 for odd URLs."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.permissions import can
from tests.judging.judging_helpers import open_round, sheet

ROLES = ("anonymous", "outsider", "creator", "seeker", "judge", "chair", "broker")


def _people(world):
    return {"anonymous": AnonymousUserMixin(), "outsider": world.outsider, "creator": world.creators[0],
            "seeker": world.seeker, "judge": world.judges[1], "chair": world.chair, "broker": world.broker}


def _allowed(world, action, thing):
    people = _people(world)
    return {role for role in ROLES if can(people[role], action, thing)}


@pytest.mark.parametrize("state, expected", [
    ("draft", {"seeker", "broker"}),
    ("in_review", {"broker"}),
    ("open", set()),
    ("judging", set()),
])
def test_edit_rubric(make_world, state, expected):
    world = make_world(state=state)
    assert _allowed(world, "judging.edit_rubric", world.challenge) == expected


@pytest.mark.parametrize("state, manage, chair", [
    ("draft", {"seeker", "broker", "chair"}, set()),
    ("open", {"seeker", "broker", "chair"}, set()),
    ("judging", {"seeker", "broker", "chair"}, {"broker", "chair"}),
    ("decided", set(), set()),
])
def test_manage_panel_and_chair_actions(make_world, state, manage, chair):
    world = make_world(state=state)
    assert _allowed(world, "judging.manage_panel", world.challenge) == manage
    assert _allowed(world, "judging.chair", world.challenge) == chair
    assert _allowed(world, "judging.view_conflicts", world.challenge) == {"broker", "chair"}
    assert _allowed(world, "judging.view_setup", world.challenge) == {"seeker", "broker", "chair"}
    assert _allowed(world, "judging.queue", world.challenge) == {"judge", "chair"}


def test_entry_rules_follow_assignment_declaration_and_round(make_world):
    world = make_world(judges=2, entries=1)
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    assert _allowed(world, "judging.declare", a) == {"judge"}
    assert _allowed(world, "judging.view_entry", a) == set()
    assign.declare(a, False, "", world.judges[1], clock.now())
    db.session.commit()
    assert _allowed(world, "judging.view_entry", a) == {"judge"}
    assert _allowed(world, "judging.score", a) == {"judge"}
    assert _allowed(world, "judging.others_scores", a) == set()
    a.state = "submitted"
    assert _allowed(world, "judging.others_scores", a) == {"judge"}
    assign.close_round(round_, world.chair, clock.now())
    assert _allowed(world, "judging.score", a) == set()
    assert _allowed(world, "judging.view_entry", a) == {"judge"}
    assert _allowed(world, "judging.declare", a) == set()


def test_panel_view_rule(make_world):
    world = make_world()
    round_ = open_round(world)
    assert _allowed(world, "judging.panel_view", round_) == {"chair", "broker"}
    assign.close_round(round_, world.chair, clock.now())
    assert _allowed(world, "judging.panel_view", round_) == {"chair", "broker", "seeker"}


@pytest.mark.parametrize("path", [
    "/judging/{slug}/entries/99999999999999", "/judging/{slug}/entries/2147483648/scores",
    "/judging/{slug}/entries/0", "/judging/{slug}/members/99999999999999/chair",
    "/judging/{slug}/rounds/99999999999999/edit", "/judging/{slug}/rounds/0/open",
    "/challenges/{slug}/rubric/criteria/99999999999999", "/judging/{slug}/feedback/" + "x" * 300,
    "/judging/nope/queue", "/judging/nope/panel", "/judging/{slug}/entries/1/attachments/99999999999999",
])
def test_odd_urls_are_404_never_500(client, login, make_world, path):
    world = make_world()
    login(world.broker)
    url = path.format(slug=world.challenge.slug)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, data={"name": "x"}).status_code in (404, 405)


@pytest.mark.parametrize("path", ["/judging/", "/judging/{slug}/", "/judging/{slug}/queue", "/judging/{slug}/panel",
                                  "/challenges/{slug}/rubric"])
def test_anonymous_visitors_are_sent_to_sign_in(client, make_world, path):
    world = make_world()
    response = client.get(path.format(slug=world.challenge.slug))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
