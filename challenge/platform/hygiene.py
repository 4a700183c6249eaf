"""Input no view should ever see, dealt with in one place before any view runs, and page numbers kept in range.

- NUL bytes are removed from every query parameter, form field and uploaded file's name: no person types
  one, and PostgreSQL refuses to store or even compare text that holds one (such a request was a 500).
- CR or LF in a query parameter is refused with a 400 (in the path, NUL too: a 404): nothing legitimate puts
  a line break in a URL, and a value that reaches a header (a redirect's Location, a download's file name) must never split
  it. Form fields may hold line breaks (descriptions, comments); each form's own filters keep single-line
  fields on one line.
- `page=`: `page_arg()` gives 1 … MAX_PAGE whatever was asked (text, 0, -3, 10**30, '²'), so an OFFSET never
  exceeds the database's integer range.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

MAX_PAGE = 100_000
DB_INT_MAX = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL's int4)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string, clamped to 1 … MAX_PAGE (1 when it is not a number)."""
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw[:7]), MAX_PAGE))  # seven digits already say "past the end"


def _clean(values: MultiDict) -> MultiDict | None:
    """The same pairs without NUL bytes, or None when there were none (most requests)."""
    if not any("\x00" in k or "\x00" in v for k, v in values.items(multi=True)):
        return None
    return ImmutableMultiDict((k.replace("\x00", ""), v.replace("\x00", "")) for k, v in values.items(multi=True))


def _clean_files(files: MultiDict) -> MultiDict | None:
    if not any("\x00" in k or "\x00" in (f.filename or "") for k, f in files.items(multi=True)):
        return None
    return ImmutableMultiDict(
        (k.replace("\x00", ""), FileStorage(f.stream, (f.filename or "").replace("\x00", ""), f.name, f.content_type,
                                            headers=f.headers))
        for k, f in files.items(multi=True))


# A query string holding none of these decodes to parameters without a CR, LF or NUL: so most requests' parameters
# are not read here at all (checking each parameter cost every page ~0.01 ms).
_MAY_DECODE_TO_A_CONTROL = (b"%", b"\r", b"\n", b"\x00")


def scrub() -> None:
    """Refuse a line break in the address; remove NUL bytes from everything else the request carries."""
    req = request._get_current_object()  # read a dozen times: each read through the proxy costs ~0.7 µs
    if any(c in req.path for c in "\x00\r\n"):
        abort(404)  # no page has such an address
    if any(mark in req.query_string for mark in _MAY_DECODE_TO_A_CONTROL):
        if any(c in k + v for k, v in req.args.items(multi=True) for c in "\r\n"):
            abort(400, description="The address contains a character that is not allowed (a line break or NUL). "
                                   "Check the link and try again.")
        if (args := _clean(req.args)) is not None:
            req.args = args
    if req.method in ("POST", "PUT", "PATCH") and req.mimetype in _FORM_TYPES:
        if (form := _clean(req.form)) is not None:
            req.form = form
        if (files := _clean_files(req.files)) is not None:
            req.files = files


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a whole number from 1 to the largest the database's integer columns hold.
    Anything else (0, 10**30) is a 404 before a query could fail on it."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=DB_INT_MAX)


def register_converters(app: Flask) -> None:
    """Before any blueprint: the routes' `<id:…>` needs the converter when they are added."""
    app.url_map.converters["id"] = RowIdConverter


def register_hygiene(app: Flask) -> None:
    app.before_request(scrub)
