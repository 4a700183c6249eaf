"""Cursor paging for list answers: an opaque cursor in, the next page's link out."""
from __future__ import annotations

import base64
import binascii
import json

from flask import request, url_for

from challenge.errors import FieldError

MAX_PAGE = 100_000


def page_of(cursor: str) -> int:
    """The page a cursor names (1 without one); a cursor we did not write is refused on its field."""
    if not cursor:
        return 1
    try:
        page = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))["p"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError):
        page = None
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_PAGE:
        raise FieldError("This cursor is not one the API gave out.", "cursor")
    return page


def cursor_for(page: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": page}).encode()).decode().rstrip("=")


def links(has_next: bool, page: int) -> dict:
    """`self` and `next` for the current request's list, keeping its other query parameters."""
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    nxt = url_for(request.endpoint, **args, cursor=cursor_for(page + 1), _external=True) if has_next else None
    return {"self": request.url, "next": nxt}
