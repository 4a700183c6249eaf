"""The navigation bar (platform/menu.py): rendered once per worker for each kind of visitor, with each
request's own CSRF token in its sign-out form."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging.models import PanelMember
from challenge.platform.pagecache import CSRF_SLOT

LINKS = {"Dashboard": "/dashboard", "Judging": "/judging/", "Finance": "/finance", "Broker console": "/admin/",
         "Sign in": "/login", "Sign out": None}


def bar(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('aria-label="Main"'):page.index("</nav>")]


def shown(html: str) -> set[str]:
    return {label for label in LINKS if f">{label}</" in html or f'">{label}<' in html}


@pytest.fixture()
def people(make_user, make_org, make_challenge):
    member, judge = make_user("Meg Member"), make_user("Jo Judge")
    challenge = make_challenge(make_org(member), "closed")
    db.session.add(PanelMember(challenge_id=challenge.id, user_id=judge.id, role="judge", joined_at=clock.now()))
    db.session.commit()
    return {"anonymous": None, "creator": make_user("Cat Creator"), "member": member, "judge": judge,
            "broker": make_user("Bo Broker", broker=True)}


@pytest.mark.parametrize("who, expected", [
    ("anonymous", {"Sign in"}),
    ("creator", {"Dashboard", "Sign out"}),
    ("member", {"Dashboard", "Finance", "Sign out"}),
    ("judge", {"Dashboard", "Judging", "Sign out"}),
    ("broker", {"Dashboard", "Finance", "Broker console", "Sign out"}),
])
def test_each_kind_of_visitor_gets_their_own_menu(client, login, people, who, expected):
    login(people[who])
    bar(client)  # the first request renders and keeps this kind's bar
    assert shown(bar(client)) == expected


def test_the_sign_out_form_carries_each_sessions_own_token_and_works(app, client, login, people, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    tokens = []
    for who in ("creator", "member"):
        login(people[who])
        for _ in range(2):
            html = bar(client)
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            assert CSRF_SLOT not in html and token
        tokens.append(token)
    assert tokens[0] != tokens[1]
    assert client.post("/logout", data={"csrf_token": tokens[1]}).status_code == 302
    assert shown(bar(client)) == {"Sign in"}


def test_a_bar_is_kept_per_kind_and_never_with_a_token(app, client, login, people):
    kept, _ = app.extensions["site_menu"]
    kept.clear()
    for who in ("creator", "member", "creator"):
        login(people[who])
        bar(client)
    assert len(kept) == 2 and all(CSRF_SLOT in html for html in kept.values())
