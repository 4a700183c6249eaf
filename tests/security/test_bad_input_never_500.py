"""Hostile input gets a clear 4xx, never a 500: NUL bytes in any field, CR/LF in any parameter, page numbers
beyond the database's integer range. Every route of the URL map, as a broker (who can reach the most)."""
from __future__ import annotations

import pytest

from tests.security.sweep_params import url_for_rule
from tests.security.test_route_sweep import routes, snapshot

PAGES = ["99999999999999999999", "9223372036854775808", "-1", "0", "²", "1e9", "abc"]


def _gets(app, w):
    return [url_for_rule(r, w) for r in routes(app) if "GET" in r.methods]


def _posts(app, w):
    return [url_for_rule(r, w) for r in routes(app) if "POST" in r.methods and r.endpoint != "payouts.stripe_webhook"]


def test_page_numbers_out_of_range_never_fail(app, client, sec_world, login):
    login(sec_world.broker)
    problems = []
    for url in _gets(app, sec_world):
        for page in PAGES:
            got = client.get(url, query_string={"page": page}).status_code
            if got >= 500:
                problems.append(f"GET {url}?page={page}: {got}")
    assert not problems, "\n".join(["", *problems])


@pytest.mark.parametrize("value", ["line\r\nSet-Cookie: x=1", "\n", "a\rb"])
def test_a_line_break_in_a_query_parameter_is_refused_with_a_message(app, client, sec_world, login, value):
    login(sec_world.broker)
    problems = []
    for url in _gets(app, sec_world):
        for name in ("q", "next", "page", "state"):
            response = client.get(url, query_string={name: value})
            if response.status_code != 400 or "not allowed" not in response.text:
                problems.append(f"GET {url}?{name}={value!r}: {response.status_code}")
            if any("\n" in v or "\r" in v for _, v in response.headers):
                problems.append(f"GET {url}?{name}={value!r}: a header carries a line break")
    assert not problems, "\n".join(["", *problems][:40])


def test_a_nul_byte_in_a_query_parameter_never_fails(app, client, sec_world, login):
    login(sec_world.broker)
    problems = []
    for url in _gets(app, sec_world):
        for name in ("q", "next", "page", "state", "round", "sort"):
            got = client.get(url, query_string={name: "a\x00b"}).status_code
            if got >= 500:
                problems.append(f"GET {url}?{name}=a%00b: {got}")
    assert not problems, "\n".join(["", *problems][:40])


def test_a_nul_byte_in_any_form_field_never_fails_and_is_never_stored(app, client, sec_world, login):
    fields = {"title": "x\x00", "name": "Name\x00", "email": "a\x00@example.org", "body": "\x00", "reason": "r\x00",
              "amount": "1\x00", "q": "\x00", "note": "n\x00", "comment": "c\x00", "summary": "s\x00"}
    problems = []
    for role in ("broker", "seeker", "creator"):
        login(getattr(sec_world, role))
        for url in _posts(app, sec_world):
            got = client.post(url, data=fields).status_code
            if got >= 500:
                problems.append(f"POST {url} as {role}: {got}")
    stored = [t for t, rows in snapshot().items() if any("\\x00" in r for r in rows)]
    assert not stored, f"NUL bytes stored in {stored}"
    assert not problems, "\n".join(["", *problems][:40])


def test_a_line_break_or_nul_in_the_path_is_no_page(client, sec_world, login):
    login(sec_world.broker)
    for url in ("/challenges/ab%00cd", "/submissions/CX%00", "/challenges/a%0d%0aSet-Cookie:x", "/my/payouts%0a"):
        assert client.get(url).status_code == 404, url
    assert client.get("/admin/users?x=1%0d%0a").status_code == 400


def test_line_breaks_in_a_form_field_are_fine(client, make_user, login):
    user = make_user("Lena Lines")
    login(user)
    response = client.post("/account/details", data={"details-name": "Lena Lines", "details-bio": "One\r\nTwo"})
    assert response.status_code == 302


@pytest.mark.parametrize("raw, status", [("q=line\rbreak", 400), ("q=line\nbreak", 400), ("q=a\x00b", 200),
                                         ("q=a%0Db", 400), ("q=a%00b", 200), ("q=plain+words&page=2", 200)])
def test_the_raw_query_string_is_judged_as_its_decoded_parameters(client, raw, status):
    """hygiene.scrub reads the parameters only when the raw query string could decode to a control character: a
    server may pass the bytes through undecoded, and each way in must still be refused or cleaned."""
    response = client.get("/", environ_overrides={"QUERY_STRING": raw})
    assert response.status_code == status
    assert "\x00" not in response.text
