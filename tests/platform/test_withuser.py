"""A page's row read in the signed-in user's statement (platform/withuser.py): kept for the request's endpoint and
the values it was read for, and given to nobody else; without it the page reads its own."""
from __future__ import annotations

import pytest
from sqlalchemy import literal

from challenge.accounts import services
from challenge.extensions import db
from challenge.permissions import forget
from challenge.platform import withuser


def _add_one(statement, user_id):
    return statement.add_columns(literal(1).label("one"), user_id.label("whose"))


def _values(view_args):
    return {"n": view_args["slug"]} if view_args.get("slug") != "none" else None


@pytest.fixture()
def page(monkeypatch):
    """The challenge page, registered (for this test only) to read a row of two values: 1 and the user's id."""
    monkeypatch.setattr(withuser, "_PAGES", {})
    withuser.read_with_the_user("challenges.show", _add_one, _values)


def test_the_row_is_kept_for_the_values_it_was_read_for(app, page, make_user):
    user = make_user()
    db.session.commit()
    with app.test_request_context("/challenges/7"):
        page = withuser.this_page()
        assert page is not None and page[1] == {"n": "7"}
        assert services.load_user(user.get_id()) is not None
        assert withuser.row_read_with_the_user(user.id, {"n": "7"}) == (1, user.id)
        assert withuser.row_read_with_the_user(user.id, {"n": "8"}) is None  # another address: not this row
        assert withuser.row_read_with_the_user(user.id + 1, {"n": "7"}) is None  # read with someone else
        forget()  # a write: the row may be stale
        assert withuser.row_read_with_the_user(user.id, {"n": "7"}) is None


def test_nothing_is_read_for_another_endpoint_or_outside_a_request(app, page, make_user):
    user = make_user()
    db.session.commit()
    with app.test_request_context("/healthz"):
        assert withuser.this_page() is None
        assert services.load_user(user.get_id()) is not None
        assert withuser.row_read_with_the_user(user.id, {"n": "7"}) is None
    with app.test_request_context("/challenges/none"):  # the page reads nothing with the user for this address
        assert withuser.this_page() is None
    with app.app_context():
        assert withuser.this_page() is None and withuser.row_read_with_the_user(user.id, {"n": "7"}) is None


def test_a_refused_session_keeps_no_row(app, page, make_user):
    """The user's statement read the row, but the session's token is not theirs: nobody is signed in, and the page
    reads its own row as it would for anyone anonymous."""
    user = make_user()
    db.session.commit()
    with app.test_request_context("/challenges/7"):
        assert services.load_user(f"{user.id}:not-the-token") is None
        assert withuser.row_read_with_the_user(user.id, {"n": "7"}) is None


def test_an_address_holding_nul_reads_nothing_with_the_user(app, page, make_user, client, login):
    """Such an address is a 404 before any view, whose page still reads the user: with the page's row, PostgreSQL
    would refuse the statement and the 404 would be a 500 (tests/security/test_bad_input_never_500.py on PostgreSQL)."""
    with app.test_request_context("/challenges/ab%00cd"):
        assert withuser.this_page() is None
    login(make_user())
    db.session.commit()
    assert client.get("/challenges/ab%00cd").status_code == 404
