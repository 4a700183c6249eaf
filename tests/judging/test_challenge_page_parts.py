"""A challenge's page for signed-in visitors: the public parts are kept and shared (challenges/showpage.py),
but only with people to whom they look the same; everyone else's page is rendered for them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_login import login_user

from challenge import clock
from challenge.challenges.showpage import PARTS, shows_everyone_the_same
from challenge.extensions import db
from challenge.judging import decisions, publication
from challenge.judging.assignment import close_round
from challenge.payouts.models import Funder, FunderState
from challenge.permissions import can
from tests.factories import counted_statements
from tests.judging.judging_helpers import open_round, score_all
from tests.judging.test_decisions import _by_position

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Rules the parts' Python asks for the visitor (judging.pages.public_rubric, privacy's dpia_panel).
PYTHON_RULES = {"judging.edit_rubric", "judging.view_setup", "judging.queue", "privacy.dpia_view"}


def rules_the_parts_ask() -> set[str]:
    """Every permission the shared parts' templates ask, following their includes."""
    seen, todo, rules = set(), ["challenges/_show_parts.html"], set(PYTHON_RULES)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = (TEMPLATES / name).read_text()
        rules |= set(re.findall(r"""can\(\s*['"]([\w.]+)['"]""", text))
        todo += re.findall(r"""{%\s*include\s+['"]([^'"]+)['"]""", text)
    return rules


def people(world, make_user, make_org):
    funder = make_user("Fay Funder")
    db.session.add(Funder(challenge_id=world.challenge.id, organisation_id=make_org(funder, name="A trust").id,
                          share_bp=10_000, currency="GBP", state=FunderState.ACCEPTED, created_at=clock.now()))
    db.session.commit()
    return {"outsider": world.outsider, "entrant": world.creators[0], "judge": world.judges[1],
            "seeker": world.seeker, "broker": world.broker, "funder": funder}


def shares(app, person, challenge) -> bool:
    with app.test_request_context("/"):
        login_user(person)
        return shows_everyone_the_same(challenge)


def test_the_parts_ask_the_rules_they_are_known_to_ask():
    assert {"funding.view", "challenge.edit_documents", "challenge.post_update", "privacy.dpia_answer",
            "privacy.dpia_sign_off"} <= rules_the_parts_ask()


@pytest.mark.parametrize("state", ["open", "judging", "decided"])
def test_no_rule_the_parts_ask_allows_anyone_they_are_shared_with(app, make_world, make_user, make_org, state):
    world = make_world(state=state)
    rules = rules_the_parts_ask()
    for who, person in people(world, make_user, make_org).items():
        if shares(app, person, world.challenge):
            with app.test_request_context("/"):
                login_user(person)
                allowed = sorted(r for r in rules if can(person, r, world.challenge))
            assert allowed == [], f"{who} shares the parts but may {allowed}"


def test_who_shares_the_parts_and_who_gets_them_rendered(app, make_world, make_user, make_org):
    world = make_world(state="open")
    got = {who: shares(app, person, world.challenge) for who, person in people(world, make_user, make_org).items()}
    assert got == {"outsider": True, "entrant": True, "judge": False, "seeker": False, "broker": False,
                   "funder": False}


def visit(client, url):
    with counted_statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(seen)


def brief(page: str) -> str:
    return page[page.index('aria-labelledby="problem-h"'):page.index('id="questions"')]


def test_creators_share_the_brief_but_each_sees_their_own_entry(client, login, make_world):
    world = make_world(state="open")
    url = f"/challenges/{world.challenge.slug}"
    login(world.outsider)
    first, rendered_with = visit(client, url)
    second, served_with = visit(client, url)
    # The brief is the kept copy; the "take part" panel is drawn again ("closes in …" may have moved on).
    assert served_with < rendered_with and brief(second) == brief(first)
    assert "The problem" in first and world.subs[0].reference not in first
    login(world.creators[0])
    own, _ = visit(client, url)
    assert "The problem" in own and f"View your submission ({world.subs[0].reference})" in own


def test_an_update_reaches_signed_in_creators_at_once(client, login, make_world):
    world = make_world(state="open")
    url = f"/challenges/{world.challenge.slug}"
    login(world.outsider)
    assert "Meet the team" not in visit(client, url)[0]
    login(world.seeker)
    assert client.post(f"{url}/updates/new", data={"title": "Meet the team", "body": "On Tuesday."}).status_code == 302
    login(world.outsider)
    assert "Meet the team" in visit(client, url)[0]


def test_an_entrant_whose_feedback_is_ready_gets_their_link(app, client, login, make_world):
    world = make_world(judges=2, entries=4)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world))
    close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [world.subs[2].id], world.chair, clock.now(), departure_reason="One prize",
                     empty_reason="One prize")
    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    url = f"/challenges/{world.challenge.slug}"
    login(world.outsider)
    assert "/feedback/" not in visit(client, url)[0]  # kept for those who share the parts
    assert not shares(app, world.creators[0], world.challenge)
    login(world.creators[0])
    assert f"/feedback/{world.subs[0].reference}" in visit(client, url)[0]
