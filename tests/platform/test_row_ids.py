"""`<id:…>` in a route takes 1 … the database's integer maximum; anything else is a 404 before any query."""
from __future__ import annotations

import pytest

from challenge.platform.hygiene import DB_INT_MAX


@pytest.mark.parametrize("value", ["0", str(DB_INT_MAX + 1), "99999999999999999999", "-1", "1e3"])
def test_ids_outside_the_databases_range_are_not_found(client, login, make_user, value):
    login(make_user("Brooke Broker", broker=True))
    assert client.get(f"/partnerships/{value}").status_code == 404
    assert client.post(f"/admin/users/{value}/active").status_code in (400, 404)  # CSRF may answer first


def test_the_largest_id_reaches_the_view(client, login, make_user):
    login(make_user("Brooke Broker", broker=True))
    assert client.get(f"/partnerships/{DB_INT_MAX}").status_code == 404  # no such row: the view's own 404
    assert client.get("/partnerships/1").status_code == 404


def test_every_numeric_route_part_uses_the_row_id_converter(app):
    from werkzeug.routing import IntegerConverter

    from challenge.platform.hygiene import RowIdConverter

    loose = [rule.rule for rule in app.url_map.iter_rules() for conv in rule._converters.values()
             if isinstance(conv, IntegerConverter) and not isinstance(conv, RowIdConverter)]
    assert loose == [], f"use <id:…> for these: {loose}"
