"""Opt-in diagnostics: how many SQL statements each request ran, in an `X-Query-Count` header.

Off unless config QUERY_COUNT_HEADER is true (env `QUERY_COUNT_HEADER=1`). The benchmark turns it on to
check that pages run a constant number of queries whatever the size of the data; production leaves it
off, because the header tells a visitor something about how a page is built. With it on, a request that
sends `X-Render-Fresh: 1` is rendered in full: no kept page or shared part answers it (`render_fresh`),
so the benchmark can count and time what the first visitor after a change waits for.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

HEADER = "X-Query-Count"
FRESH_HEADER = "X-Render-Fresh"
_listening = False


def _count(conn, cursor, statement, parameters, context, executemany) -> None:
    # The listener is process-wide (one per Engine class), so it counts only inside a request of an
    # app that opted in: those set g.query_count before the request runs.
    if has_request_context():
        counted = g._get_current_object()  # (a read through the proxy costs ~0.7 µs; a page runs a few statements)
        if "query_count" in counted:
            counted.query_count += 1


def render_fresh() -> bool:
    """Whether this request asked to be rendered in full, and the diagnostics are on to allow it."""
    return bool(has_request_context() and current_app._get_current_object().config.get("QUERY_COUNT_HEADER")
                and request._get_current_object().headers.get(FRESH_HEADER) == "1")


def register_diagnostics(app: Flask) -> None:
    if not app.config.get("QUERY_COUNT_HEADER"):
        return
    global _listening
    if not _listening:
        event.listen(Engine, "before_cursor_execute", _count)
        _listening = True

    def start_counting() -> None:
        g.query_count = 0

    # First of all the hooks, so the statements of the others (loading the signed-in user) count too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_counting)

    @app.after_request
    def report_count(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("query_count", 0))
        return response
