"""One way to page a long list: the page number from the query string, the size from the config."""
from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from challenge.extensions import db
from challenge.platform.hygiene import page_arg


def paginate(stmt: Select, *, per_page: int | None = None) -> Pagination:
    """The page of `stmt` asked for by `?page=` (a page past the end is empty, never an error).

    `per_page` defaults to TABLE_PER_PAGE (the broker's long tables); card lists pass PER_PAGE.
    """
    return db.paginate(stmt, page=page_arg(), per_page=per_page or current_app.config["TABLE_PER_PAGE"],
                       error_out=False)
