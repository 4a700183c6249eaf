"""A page's own row, read in the statement that reads the signed-in user (issue 13).

Every signed-in request reads its user first (accounts/services.load_user: their columns, roles and facts in one
statement). A page that then reads one row by its address, such as the challenge page (the challenge by its slug,
with the visitor's follow and entry), would send a second statement; each costs the worker SQLAlchemy's and the
driver's handling and, on PostgreSQL, the server its per-statement work, whatever the row. Such a page registers
here, for its endpoint, how its row joins the user's (`read_with_the_user`), and its view takes the row from
`row_read_with_the_user`: one statement instead of two (on the benchmark's 10,000 challenges, ~0.18 ms less of the
worker's CPU for the creator's challenge page, of ~2.8 ms).

The row is kept in the request's memo (permissions.memo), so a write before the view asks (none does today)
drops it, and the view reads its own, as it does whenever the user's statement did not read it: an anonymous
visitor, a user who no longer signs in, a request for another endpoint, or a helper called outside the view."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from sqlalchemy import ColumnElement, Select

from challenge.permissions import memo, remember


@dataclass(frozen=True)
class PageRow:
    """How an endpoint's row is read with the user: `join(statement, user_id)` is the user's statement (of columns,
    read around the ORM) with the row's columns added and outer-joined (`user_id`: the user's id, bound, to join the
    visitor's own rows on), and
    `values(view_args)` the values of its parameters for this request (None: nothing to read for it)."""

    join: Callable[[Select, ColumnElement], Select]
    values: Callable[[dict[str, Any]], dict[str, Any] | None]


_PAGES: dict[str, PageRow] = {}
_KEPT = "row_read_with_the_user"


def read_with_the_user(endpoint: str, join: Callable[[Select, ColumnElement], Select],
                       values: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
    """Read the row of `endpoint`'s page in the statement that reads its signed-in user (see the module's doc)."""
    _PAGES[endpoint] = PageRow(join, values)


def this_page() -> tuple[PageRow, dict[str, Any]] | None:
    """The row this request's page reads with the user, and the values of its parameters (None: none)."""
    if not has_request_context():
        return None
    page = _PAGES.get(request.endpoint or "")
    if page is None:
        return None
    values = page.values(request.view_args or {})
    if values is None or any(isinstance(value, str) and "\x00" in value for value in values.values()):
        # An address holding NUL is a 404 before any view (platform/hygiene.scrub), but the 404 page still reads the
        # user; PostgreSQL refuses such a value in a statement, so nothing is read with them for it.
        return None
    return page, values


def keep(user_id: int, values: dict[str, Any], row: tuple) -> None:
    """Keep the page's `row` (the columns its join added, in order), read with the user `user_id` for `values`."""
    remember(_KEPT, request.endpoint, (user_id, values, row))


def row_read_with_the_user(user_id: int, values: dict[str, Any]) -> tuple | None:
    """The row this request's page had read with its user `user_id` for `values`, or None: the view reads its own.
    (Only the signed-in user is loaded on a page, but a row read with anyone else would not be theirs.)"""
    if not has_request_context():
        return None
    kept = memo(_KEPT, request.endpoint, lambda: None)
    if kept is None or kept[0] != user_id or kept[1] != values:
        return None
    return kept[2]
