"""No GET changes anything: every GET route of the URL map, asked by each of the eight people, leaves every
row of every table as it was.

Unlike the route sweep (which snapshots once per route) this compares after each single request, and runs
with the Stripe provider switched on (against the fake Stripe server), so GETs that would call out to a
payment provider and store what it answered reach that code too.
"""
from __future__ import annotations

import pytest

from tests.security.sweep_params import url_for_rule
from tests.security.test_route_sweep import changed, routes, snapshot
from tests.security.world import ROLES


@pytest.fixture()
def provider_on(stripe_config):
    return stripe_config


def test_no_get_route_changes_a_row_for_anyone(app, client, sec_world, login, provider_on):
    problems: list[str] = []
    before = snapshot()
    walked = 0
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, sec_world)
        for role in ROLES:
            login(getattr(sec_world, role))
            client.get(url)
            walked += 1
            after = snapshot()
            if diff := changed(before, after):
                problems.append(f"GET {url} ({rule.endpoint}) as {role} changed {diff}")
                before = after
    assert walked == len(ROLES) * len([r for r in routes(app) if "GET" in r.methods]) > 500
    assert not problems, "\n".join(["", *problems])
