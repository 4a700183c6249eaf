"""The application class: Flask, keeping answers that Flask and Jinja work out again on every request although they
never change while the worker runs (issue 13: every page pays for them, the rendered ones included).

- `ensure_sync`: Flask asks it about every hook and the view on every request (about 15 times a request), and
  each answer inspects the function's code. Flask's documentation invites overriding it; here each function's
  answer is kept.
- The session's signing serializer: Flask's cookie sessions build one to open every request's session and again
  to save it. It depends only on the secret keys (and the interface's fixed salt and digest), so it is kept per
  pair of secret key and fallbacks, and a changed key builds a new one.
- Each template's globals: Jinja gives every template a ChainMap of its own globals over the environment's, and
  every include, import and rendering copies that map into a set or a dict, through ChainMap's Python-level
  iteration (a challenge page does so about twenty times). A template loaded without globals of its own (every
  one here: Flask and the app only ever add the environment's) reads the environment's globals directly, through
  a read-only view: a later change to them is still seen, and adding globals to one template after it was
  loaded (which nothing here does) fails loudly instead of reaching every template. An import then hands over the
  imported template's module made once, as Jinja means it to: Jinja's check for globals the importer has and the
  imported template lacks subtracts the view's keys in C, where it subtracted a ChainMap key by key (~180 calls).

And a session cookie that fails its signature (tampered, expired, or signed with a key since retired) leaves no
garbage for the cycle collector: itsdangerous keeps the refusal in a local of the frame its traceback holds, a
cycle that kept the whole request (its context, request, response and every frame's locals) alive until the next
collection, ~0.04 ms of collecting per such request.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.templating import Environment
from itsdangerous import BadSignature, URLSafeTimedSerializer


class Templates(Environment):
    """Flask's Jinja environment, its templates without globals of their own reading the environment's directly."""

    def make_globals(self, d):
        return super().make_globals(d) if d else MappingProxyType(self.globals)


class App(Flask):
    jinja_environment = Templates

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}
        self.session_interface = KeptSerializerSessions()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync[func]
        except KeyError:
            sync = self._sync[func] = super().ensure_sync(func)
            return sync
        except TypeError:  # an unhashable callable: asked afresh, as Flask would
            return super().ensure_sync(func)


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer kept for the secret keys it was built with."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's, except that a refused cookie's traceback is cleared (see the module's doc)."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            return self.session_class(
                serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds())))
        except BadSignature as refused:
            traceback.clear_frames(refused.__traceback__)
            return self.session_class()
