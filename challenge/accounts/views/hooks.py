"""The accounts package's app-wide hooks (no pages): the security log, written after every answer and told of
every refusal, and the second-factor gate (a broker without an authenticator, or anyone told at sign-in that
their role needs one, can open no other page until it is set up)."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for

from challenge.accounts import security, sessions, twofactor
from challenge.accounts.blueprint import twofactor_bp
from challenge.permissions import ON_DENIED, viewer

# What someone who must set up a second factor may still open.
OPEN_DURING_SETUP = {"twofactor.setup", "twofactor.confirm", "accounts.logout", "static", "bootstrap.static"}

twofactor_bp.after_app_request(security.write_noted)


@twofactor_bp.record_once
def _listen(state) -> None:
    if security.denied not in ON_DENIED:
        ON_DENIED.append(security.denied)


@twofactor_bp.before_app_request
def _gate():
    """A broker without an authenticator, or someone told at sign-in to set one up, sees only its setup."""
    req = request._get_current_object()  # the request and the person without their proxies (~0.7 µs a read)
    if req.blueprint == "api":
        return None  # the API answers only to a token, never to this session (api/auth.py)
    user = viewer()
    if not user.is_authenticated or req.endpoint in OPEN_DURING_SETUP:
        return None
    if not (session.get(sessions.MUST_SET_UP) or user.is_broker):
        return None
    if twofactor.enabled(user):
        session.pop(sessions.MUST_SET_UP, None)
        return None
    flash("Set up an authenticator app first: your role needs a second factor at sign-in.", "warning")
    return redirect(url_for("twofactor.setup"))
