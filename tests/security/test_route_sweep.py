"""Every route in the URL map, asked by each of eight people, against the table in sweep_table.py.

A route without an entry in the table fails the sweep, so a new route cannot ship without a rule.
GETs must answer as the table says and change nothing; POST-only routes refuse GET (405); and every
POST by someone the table refuses is refused and changes nothing either.
"""
from __future__ import annotations

from sqlalchemy import select

from challenge.extensions import db
from challenge.accounts.security import REQUEST_EVENTS
from tests.security.sweep_params import url_for_rule
from tests.security.sweep_table import AWAY, EXPECTED, FORM_AGAIN, LOGIN, OK, TOKEN_ONLY
from tests.security.world import ROLES

SKIPPED = {"static", "bootstrap.static"}
REFUSALS = (LOGIN, 404, 409, FORM_AGAIN, TOKEN_ONLY)


def routes(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED), key=lambda r: r.rule)


def answer(response):
    """The status as the table writes it: LOGIN / AWAY for redirects."""
    if response.status_code in (301, 302, 303):
        return LOGIN if "/login" in response.headers.get("Location", "") else AWAY
    return response.status_code


def snapshot() -> dict:
    """Every row of every table: the world is small, and any change at all is what we look for. The security
    log's records of requests (a refused page, a download) are left out: recording those is their purpose."""
    db.session.expire_all()
    return {t.name: sorted(map(repr, db.session.execute(_rows(t)).all())) for t in db.metadata.sorted_tables}


def _rows(table):
    if table.name == "audit_events":
        return select(table).where(table.c.action.not_in(REQUEST_EVENTS))
    return select(table)


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _get_goes_elsewhere(app, url: str, endpoint: str) -> bool:
    try:
        return app.url_map.bind("localhost").match(url, method="GET")[0] != endpoint
    except Exception:
        return False


def test_every_route_has_a_rule_in_the_table(app):
    missing = sorted({r.endpoint for r in routes(app)} - set(EXPECTED))
    assert not missing, f"Routes with no entry in tests/security/sweep_table.py EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {r.endpoint for r in routes(app)})
    assert not stale, f"Entries in EXPECTED for routes that no longer exist: {stale}"
    assert all(set(spec) == set(ROLES) for spec in EXPECTED.values())


def test_every_route_answers_each_person_as_the_table_says(app, client, sec_world, login):
    problems: list[str] = []
    for rule in routes(app):
        spec = EXPECTED.get(rule.endpoint)
        if spec is None:
            continue  # reported by the test above
        url = url_for_rule(rule, sec_world)
        before = snapshot()
        if "GET" in rule.methods:
            for role in ROLES:
                login(getattr(sec_world, role))
                got = answer(client.get(url))
                if got != spec[role]:
                    problems.append(f"GET {url} ({rule.endpoint}) as {role}: expected {spec[role]}, got {got}")
        elif _get_goes_elsewhere(app, url, rule.endpoint):
            pass  # the same URL is another route's page (e.g. /partnerships/1/impact)
        else:
            login(sec_world.broker)
            got = client.get(url).status_code
            if got != 405:
                problems.append(f"GET {url} ({rule.endpoint}) on a POST-only route: expected 405, got {got}")
        if diff := changed(before, snapshot()):
            problems.append(f"GET {url} ({rule.endpoint}) changed {diff}")
        if "POST" not in rule.methods:
            continue
        for role in ROLES:
            if spec[role] not in REFUSALS:
                continue
            login(getattr(sec_world, role))
            got = answer(client.post(url, data={}))
            got = FORM_AGAIN if got in (200, 400) and spec[role] == FORM_AGAIN else got  # the refused form again
            if got != spec[role]:
                problems.append(f"POST {url} ({rule.endpoint}) as {role}: expected {spec[role]}, got {got}")
        if diff := changed(before, snapshot()):
            problems.append(f"refused POST {url} ({rule.endpoint}) changed {diff}")
    assert not problems, "\n".join(["", *problems])


def test_the_table_uses_only_known_answers():
    known = {200, 404, 409, LOGIN, AWAY, OK, FORM_AGAIN, TOKEN_ONLY}
    odd = {(e, r, v) for e, spec in EXPECTED.items() for r, v in spec.items() if v not in known}
    assert not odd
