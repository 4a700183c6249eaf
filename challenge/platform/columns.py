"""Rows of a statement of columns read around the ORM: one way, for the few places where the ORM's handling of
each row costs as much as the statement (the catalogue's cards, a panel's 20,000 scores)."""
from __future__ import annotations

from sqlalchemy import Result

from challenge.extensions import db


def read_columns(statement, values: dict | None = None) -> Result:
    """The result of `statement` (columns, no entities), run on the session's connection after the flush the session
    would make before it: to be read with `.all()`, or row by row without holding them all."""
    db.session.flush()
    return db.session.connection().execute(statement, values or {})
