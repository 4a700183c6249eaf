"""Whole public pages kept for anonymous visitors until something they show changes.

The catalogue and a challenge's page look the same to everyone who is not signed in, and they are
where search engines, newsletters and a council's press release send people. Each worker keeps the
pages it rendered (Flask-Caching: in memory by default; `CACHE_TYPE=RedisCache` shares them) under a
key made of the page's URL and the site's *generation*: a random token in the database that is
replaced after every commit that touched a table a public page shows. A reader takes the token
before it renders, so a page rendered from old rows is filed under the old token, which no later
request asks for. A worker rereads the token at most once a second (PAGE_CACHE_CHECK_SECONDS), and
at once after its own commits: an anonymous visitor sees another worker's change within a second.

Time moves pages on too (a challenge opens, closes, its vote ends): the code that shows something
time-dependent says until when it holds with `keep_until`, and no page is kept longer than
PAGE_CACHE_SECONDS, so "closes in 12 minutes" drifts by a minute at most. The clock is the app's
clock, so tests that move it see pages change.

Only requests with no session or remember-me cookie read or fill the cache: they have no flashed
message, no CSRF token and no user. A page whose rendering wrote to the session is not kept.

People who are signed in get their own page every time (their name, their menu, their CSRF token), but
most of a page such as the catalogue looks the same to every one of them. `shared_part` keeps such a part
under the same generation and time limits, for everyone in the same audience (signed in or not), and the
view renders only the page around it. A part that would carry the request's CSRF token is never kept.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from itertools import chain

from collections.abc import Callable
from typing import Any

from cachetools import LRUCache
from flask import Flask, current_app, g, has_app_context, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from challenge import clock
from challenge.diagnostics import render_fresh
from challenge.extensions import cache, db
from challenge.permissions import viewer
from challenge.platform.models import PageGeneration

# Tables no public page shows, or shows only to people who are signed in: writing to them leaves
# cached pages as they are. Anything not named here counts as public, so a new table is safe by default.
PRIVATE_TABLES = frozenset({
    "audit_events", "outbox_messages", "provider_events", "reference_counters", "password_reset_tokens",
    "invitations", "panel_invitations", "panel_members", "assignments", "conflicts", "scores", "follows",
    "payee_accounts", "raised_alerts",
})
# A statement run with this execution option says it changes nothing a public page shows
# (for example the judging results' version, replaced on every score).
NEUTRAL = "page_cache_neutral"
_CHANGED = "page_cache_changed"
_MAX_URL = 2000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    body: bytes
    mimetype: str
    made_at: datetime
    valid_until: datetime


@dataclass(frozen=True)
class _Kept:
    """A shared part's HTML, or a shared value, and the moments between which it holds."""
    value: Any
    made_at: datetime
    valid_until: datetime


def anonymous_page(view):
    """Serve the view from the cache to anonymous visitors, and keep what it renders for them."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if seconds <= 0 or not _anonymous_request() or db.session.info.get(_CHANGED) or render_fresh():
            return view(*args, **kwargs)
        generation = _generation(current_app)
        if generation is None:
            return view(*args, **kwargs)
        key = f"page:{generation}:{request.url}"
        now = clock.now()
        page = cache.get(key)
        if isinstance(page, Page) and page.made_at <= now < page.valid_until:
            return _vary(current_app.response_class(page.body, mimetype=page.mimetype))
        g.page_keep_until = now + timedelta(seconds=seconds)
        try:
            response = current_app.make_response(view(*args, **kwargs))
            if (response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers
                    and not response.is_streamed):
                cache.set(key, Page(response.get_data(), response.mimetype, now, g.page_keep_until),
                          timeout=seconds)
        finally:
            g.pop("page_keep_until", None)
        return _vary(response)

    return wrapper


def filling() -> bool:
    """Whether the page being rendered will be kept for other anonymous visitors."""
    return g.get("page_keep_until") is not None


def keep_until(*moments: datetime | None) -> None:
    """The page being rendered holds only until the earliest of these moments still to come."""
    limit = g.get("page_keep_until")
    if limit is None:
        return
    now = clock.now()
    future = [m for m in moments if m is not None and m > now]
    if future:
        g.page_keep_until = min(limit, *future)


def shared_part(name: str, render: Callable[[], str]) -> Markup:
    """The HTML `render()` makes, kept for everyone in this request's audience until something it shows
    changes. The caller promises that the part looks the same to every visitor who is signed in (or to
    every visitor who is not) for the same `name`: put everything it depends on (the URL's arguments) in
    the name, and keep per-person things (forms with CSRF tokens, "your entry") out of the part."""
    audience = "in" if viewer().is_authenticated else "out"
    kept = _kept(f"part:{audience}:{name}", render)
    return Markup(kept)


# Stands for the request's CSRF token in a kept part or menu: no URL, label or text the site writes holds it.
CSRF_SLOT = "cx-csrf-token-slot"


def with_token(html: str) -> Markup:
    """Kept HTML with the request's own CSRF token where it says CSRF_SLOT."""
    return Markup(html.replace(CSRF_SLOT, generate_csrf()))


def _kept(name: str, make: Callable[[], Any]) -> Any:
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    if seconds <= 0 or request.method != "GET" or db.session.info.get(_CHANGED) or render_fresh():
        return make()
    generation = _generation(current_app)
    if generation is None:
        return make()
    key = f"{name}:{generation}"
    now = clock.now()
    parts, lock = current_app.extensions["page_cache"]["parts"]
    with lock:
        kept = parts.get(key)
    if isinstance(kept, _Kept) and kept.made_at <= now < kept.valid_until:
        keep_until(kept.valid_until)  # a page kept around this part holds no longer than the part
        return kept.value
    outer = g.get("page_keep_until")
    g.page_keep_until = now + timedelta(seconds=seconds)
    try:
        made = make()
        valid_until = g.page_keep_until
    finally:
        g.page_keep_until = outer
    keep_until(valid_until)
    token = g.get("csrf_token")
    if not (token and isinstance(made, str) and token in made) and not db.session.info.get(_CHANGED):
        with lock:
            parts[key] = _Kept(made, now, valid_until)
    return made


def _anonymous_request() -> bool:
    # The URL's length last: Werkzeug builds the whole URL to measure it, which a signed-in visitor's request
    # (a cookie) need not wait for.
    req, config = request._get_current_object(), current_app._get_current_object().config  # (~0.7 µs a proxy read)
    cookies = req.cookies
    return (req.method == "GET"
            and config["SESSION_COOKIE_NAME"] not in cookies
            and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
            and len(req.url) <= _MAX_URL)


def _vary(response):
    response.vary.add("Cookie")
    return response


# Noticing changes. Each session remembers whether its transaction touched a public table; after the
# commit, the generation is replaced in a transaction of its own (so no lock is held on it meanwhile).

def _is_public(table_name: str) -> bool:
    return table_name not in PRIVATE_TABLES


def _note_flush(session, flush_context, instances) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in chain(session.new, session.deleted, session.dirty):
        table = getattr(obj, "__tablename__", None)
        if table is None or not _is_public(table):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        session.info[_CHANGED] = True
        return


def _note_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or state.execution_options.get(NEUTRAL):
        return
    table = getattr(state.statement, "table", None)
    if table is None or _is_public(table.name):
        state.session.info[_CHANGED] = True


def _after_commit(session) -> None:
    # A savepoint's commit (begin_nested) fires this too, inside the outer transaction: wait for that one.
    if not session.in_nested_transaction() and session.info.pop(_CHANGED, False):
        try:
            renew_generation()
        except SQLAlchemyError:
            # The change itself is committed: failing the request now would report an error for work that
            # was done. Kept pages may then lag behind it, for PAGE_CACHE_SECONDS at most.
            logger.warning("page cache: the generation could not be renewed after a commit", exc_info=True)


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed (and renewed) or rolled back
        session.info.pop(_CHANGED, None)


def _generation(app: Flask) -> str | None:
    """The generation token, read from the database at most once every PAGE_CACHE_CHECK_SECONDS.

    A worker learns of its own commits at once (renew_generation); another worker's, or another
    process's, within that interval. Reading it on every request would cost a database round trip,
    most of what serving a kept page costs.
    """
    known = app.extensions["page_cache"]
    moment = time.monotonic()
    if known.get("token") is None or moment - known["read_at"] >= app.config["PAGE_CACHE_CHECK_SECONDS"]:
        known["token"] = db.session.scalar(select(PageGeneration.token).where(PageGeneration.id == 1))
        known["read_at"] = moment
    return known["token"]


def renew_generation() -> None:
    """Replace the generation token: every page cached so far is no longer served."""
    token = secrets.token_hex(16)
    with db.engine.begin() as conn:
        if not conn.execute(update(PageGeneration).where(PageGeneration.id == 1).values(token=token)).rowcount:
            try:  # the row is missing only where tests emptied every table
                with conn.begin_nested():
                    conn.execute(insert(PageGeneration).values(id=1, token=token))
            except IntegrityError:
                token = None  # another process made it at the same moment: read theirs next time
    if has_app_context():
        current_app.extensions["page_cache"].update(token=token, read_at=time.monotonic())


def register_page_cache(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_SECONDS", 60)
    app.config.setdefault("PAGE_CACHE_CHECK_SECONDS", 1.0)
    app.config.setdefault("SHARED_PARTS_KEPT", 256)
    # Shared parts and values stay in the worker (no pickling: they are read on most signed-in requests);
    # an old generation's entries are simply never asked for again and fall out of the LRU.
    app.extensions["page_cache"] = {"parts": (LRUCache(app.config["SHARED_PARTS_KEPT"]), threading.Lock())}
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_THRESHOLD", 300)
    cache.init_app(app)
    if not event.contains(db.session, "before_flush", _note_flush):
        event.listen(db.session, "before_flush", _note_flush)
        event.listen(db.session, "do_orm_execute", _note_statement)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_transaction_end", _after_transaction_end)
