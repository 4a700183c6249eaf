"""Signing out ends the session for good, and `next=` never leads off the site."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD


def _signed_in_client(app, remember: bool):
    client = app.test_client()
    data = {"email": "kim@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    assert client.get("/account").status_code == 200
    return client


def _replay(app, cookies: dict[str, str]):
    """A fresh browser that sends only the cookies an attacker copied."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def test_a_session_cookie_captured_before_logout_is_refused_after_it(app, make_user):
    make_user(email="kim@example.org")
    client = _signed_in_client(app, remember=False)
    captured = {"session": client.get_cookie("session").value}
    assert _replay(app, captured).get("/account").status_code == 200  # the copy works while signed in

    assert client.post("/logout").status_code == 302
    assert _replay(app, captured).get("/account").status_code == 302  # to the sign-in page


def test_a_remember_me_cookie_captured_before_logout_is_refused_after_it(app, make_user):
    make_user(email="kim@example.org")
    client = _signed_in_client(app, remember=True)
    captured = {"remember_token": client.get_cookie("remember_token").value}
    assert _replay(app, captured).get("/account").status_code == 200

    client.post("/logout")
    answer = _replay(app, captured).get("/account")
    assert answer.status_code == 302 and "/login" in answer.location


def test_signing_in_again_after_logout_works(app, make_user):
    make_user(email="kim@example.org")
    client = _signed_in_client(app, remember=False)
    client.post("/logout")
    _signed_in_client(app, remember=False)


# Browsers drop tabs and line breaks from URLs, so "/\t/evil.example" is followed as "//evil.example".
HOSTILE = [
    "https://evil.example", "//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "/\r\n/evil.example", "\t//evil.example", " //evil.example", "/ /evil.example", "/\x00/evil.example",
    "/\\\\evil.example", "\\\\evil.example", "/%09/evil.example", "/\r\nSet-Cookie: x=y", "/\x7f/evil.example",
    "/\u3000/evil.example", "javascript:alert(1)", "/\x0b/evil.example", "/\u2028/x",
]


@pytest.mark.parametrize("evil", HOSTILE)
def test_next_with_hidden_characters_never_leaves_the_site(client, make_user, evil):
    make_user(email="kim@example.org")
    answer = client.post("/login", query_string={"next": evil},
                         data={"email": "kim@example.org", "password": PASSWORD})
    if answer.status_code == 400:  # refused outright (a NUL or line break in the address): no Location at all
        assert "Location" not in answer.headers
        return
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert not any(ch in location for ch in "\t\r\n\\ \x00")
    assert "evil.example" not in location or location == "/%09/evil.example"


@pytest.mark.parametrize("evil", ["/\t/evil.example", "/\r\n/evil.example", "//evil.example"])
def test_next_with_hidden_characters_at_sign_up_is_refused_too(client, evil):
    answer = client.post("/signup", query_string={"next": evil}, data={
        "name": "Kim", "email": "kim@example.org", "password": "a long and unusual phrase"})
    assert answer.status_code in (302, 400)  # 400: a line break in the address is refused before any view
    assert answer.headers.get("Location", "/dashboard") == "/dashboard"


def test_next_keeps_a_path_with_its_query_on_the_site(client, make_user):
    make_user(email="kim@example.org")
    answer = client.post("/login", query_string={"next": "/challenges?q=roads&page=2"},
                         data={"email": "kim@example.org", "password": PASSWORD})
    assert answer.headers["Location"] == "/challenges?q=roads&page=2"
