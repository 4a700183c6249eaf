"""Rows of a statement of columns read around the ORM: one way, for the few places where the ORM's handling of
each row costs as much as the statement (the catalogue's cards, a panel's 20,000 scores); and a fixed list of
values in a statement that runs on every page view (`one_of`)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Result, literal

from challenge.extensions import db


def read_columns(statement, values: dict | None = None) -> Result:
    """The result of `statement` (columns, no entities), run on the session's connection after the flush the session
    would make before it: to be read with `.all()`, or row by row without holding them all."""
    db.session.flush()
    return db.session.connection().execute(statement, values or {})


def one_of(column, values: Iterable, *, negate: bool = False) -> ColumnElement[bool]:
    """`column IN (values)` (`NOT IN` with `negate`) for values fixed in the code (a lifecycle's states), each a
    parameter of the statement as built. `column.in_(values)` sends the same parameters, but as one "expanding"
    parameter, which SQLAlchemy writes out into the statement's text each time it runs (a pass over the whole
    text, ~0.05 ms for the challenge page's 8 kB statement, issue 13). For a statement that runs on every page view."""
    items = [literal(value, column.type) for value in values]
    return column.not_in(items) if negate else column.in_(items)
