"""The solutions library: winning solutions published with their creators' consent."""
from __future__ import annotations

from flask import current_app

from challenge.api import answers, schemas
from challenge.api.paging import links, page_of
from challenge.api.views import bp
from challenge.extensions import db
from challenge.library.services import search


@bp.get("/library")
@bp.arguments(schemas.LibraryQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.LibraryList)
def library(cursor: str, q: str, sector: str):
    """Published library entries matching every word of `q` and the sector, newest first."""
    page = page_of(cursor)
    found = db.paginate(search(q, sector), page=page, per_page=current_app.config["PER_PAGE"],
                        error_out=False, count=False)
    return {"data": [answers.library_entry(e) for e in found.items], "links": links(found.has_next, page)}
