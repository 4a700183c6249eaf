"""Who is asking the API: a personal token (`Authorization: Bearer cx_…`) or nobody. Never a cookie.

Every request under /api/v1 is answered as the token's owner or as an anonymous visitor: the session cookie a
browser sends along is ignored (Flask-Login's user for the request is set here, before any view or rule asks
`current_user`). So CSRF cannot apply (the blueprint is exempt) and a write with only a cookie is a 401.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_limiter.util import get_remote_address

from challenge import clock
from challenge.accounts import tokens
from challenge.accounts.models import ApiToken
from challenge.extensions import db, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCHEME = "bearer"
SECURITY = [{SCHEME: []}]
BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "A personal token (cx_…) from your account page: Authorization: Bearer cx_…"}
_UNREAD = object()
ENVIRON_KEY = "challenge.api_token"


class Unauthorized(Exception):
    """No token, or one that is unknown or revoked: 401 (api/errors.py answers it)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _sent_secret() -> str | None:
    """The token in the Authorization header ('' for a header that is not a bearer token), None without one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    return secret.strip() if scheme.lower() == SCHEME else ""


def request_token() -> ApiToken | None:
    """The token in force this request carries (looked up once per request), else None."""
    found = request.environ.get(ENVIRON_KEY, _UNREAD)  # the request's own, even where an app context is shared
    if found is _UNREAD:
        secret = _sent_secret()
        found = tokens.authenticate(secret, clock.now()) if secret else None
        if found is not None:
            db.session.commit()  # the last-used note (at most once a minute), before any view's own work
        request.environ[ENVIRON_KEY] = found
    return found


def rate_limit_key() -> str:
    """Flask-Limiter's key: the token's id when a valid token is sent, else the client's address."""
    token = request_token() if request.path.startswith("/api/") else None
    return f"api-token:{token.id}" if token is not None else get_remote_address()


def identify() -> None:
    """The blueprint's first step: the token's owner, or an anonymous visitor, is the request's user.
    A bad token is a 401 whatever the method; a write needs a token (401) with the write scope (403), and
    JSON (415) unless it is a DELETE with no body."""
    token = request_token()
    g._login_user = token.user if token is not None else login_manager.anonymous_user()
    if token is None and _sent_secret() is not None:
        raise Unauthorized("This token is not valid: it is unknown, revoked, or not sent as 'Bearer cx_…'.")
    if request.method not in SAFE_METHODS:
        if token is None:
            raise Unauthorized("Writing needs a personal token: send Authorization: Bearer cx_…")
        if not token.can_write:
            abort(403, "This token may only read: create one with the write scope on your account page.")
        if not request.is_json and not (request.method == "DELETE" and not request.content_length):
            abort(415)  # a write sends JSON (a DELETE without a body sends nothing)


def required(view):
    """A view only a token's owner may use (401 without one)."""
    @wraps(view)
    def checked(*args, **kwargs):
        if request_token() is None:
            raise Unauthorized("This needs a personal token: send Authorization: Bearer cx_…")
        return view(*args, **kwargs)
    return checked


def actor():
    """The token's owner: the actor the packages' services are given."""
    return request_token().user
