"""Who may do what: the one door through which access is decided.

`can(user, action, thing, now=None)` answers every question; views, templates (as `can` in Jinja) and
services ask it, and `ensure` turns a "no" into a 404 so a thing's existence does not leak. The rules
themselves live with their package, in `<package>/rules.py`, each a small function registered with
`@rule("action.name")`; `load_rules()` imports them all at start-up (RULE_MODULES lists them).

What a rule looks up more than once in a request (the user's organisations, their seat on a panel) is
memoised with `memo()` in `flask.g`, the one per-request cache. Any write through the session clears it,
so a rule never answers from data the request has since changed.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, abort, g, has_app_context
from flask_login import current_user
from sqlalchemy import event
from werkzeug.local import LocalProxy

from challenge import clock
from challenge.accounts.models import Membership
from challenge.extensions import db

Rule = Callable[[Any, Any, datetime], bool]
RULES: dict[str, Rule] = {}

# Each package's rules, in the order they are registered.
RULE_MODULES = (
    "challenge.accounts.rules",
    "challenge.challenges.rules",
    "challenge.submissions.rules",
    "challenge.judging.rules",
    "challenge.payouts.rules",
    "challenge.partnerships.rules",
    "challenge.library.rules",
    "challenge.diagnoses.rules",
    "challenge.dashboards.rules",
    "challenge.notifications.rules",
    "challenge.privacy.rules",
    "challenge.webhooks.rules",
)


def rule(*actions: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule for `actions` (each action has exactly one rule)."""
    def register(fn: Rule) -> Rule:
        for action in actions:
            if action in RULES and RULES[action] is not fn:
                raise RuntimeError(f"two rules for {action}")
            RULES[action] = fn
        return fn

    return register


def load_rules(app: Flask | None = None) -> None:
    """Import every package's rules (idempotent); the memo starts empty with each request and after any write."""
    for name in RULE_MODULES:
        importlib.import_module(name)
    if app is not None:
        app.before_request(forget)
    if not event.contains(db.session, "after_flush", _forget_after_write):
        event.listen(db.session, "after_flush", _forget_after_write)
        event.listen(db.session, "after_rollback", _forget_after_write)
        event.listen(db.session, "do_orm_execute", _forget_after_bulk_write)


def can(user, action: str, thing: Any = None, now: datetime | None = None) -> bool:
    """True when `user` (possibly anonymous) may do `action` to `thing` at `now`."""
    if action not in RULES:
        raise KeyError(f"no permission rule for {action!r}")
    if user is None or isinstance(user, LocalProxy):
        # The person behind the proxy, once: a rule reads several of their attributes, and each read through
        # the proxy looks them up again.
        user = viewer() if user is None or user is current_user else user._get_current_object()
    return bool(RULES[action](user, thing, now or clock.now()))


# Told of every refusal by `ensure` (action, thing) before the 404: the security log registers here.
ON_DENIED: list[Callable[[str, Any], None]] = []


def ensure(action: str, thing: Any = None, user=None, now: datetime | None = None) -> None:
    """Abort with 404 unless the current user may do `action` to `thing`."""
    if not can(user, action, thing, now):
        for listener in ON_DENIED:
            listener(action, thing)
        abort(404)


# --- the per-request memo ----------------------------------------------------------------------------

def memo(name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, remembered under (name, key) until the request ends or anything is written."""
    if not has_app_context():
        return compute()
    store = g._get_current_object().setdefault("_cx_rule_memo", {}).setdefault(name, {})
    if key not in store:
        store[key] = compute()
    return store[key]


def remember(name: str, key: Any, value: Any) -> None:
    """Keep `value` as what `memo(name, key, ...)` would compute (something already read in a wider query)."""
    if has_app_context():
        g._get_current_object().setdefault("_cx_rule_memo", {}).setdefault(name, {})[key] = value


def forget() -> None:
    """Drop everything memoised (called on every write; tests need not call it)."""
    if has_app_context():
        g._get_current_object().pop("_cx_rule_memo", None)


def _forget_after_write(session, *args) -> None:
    forget()


def _forget_after_bulk_write(state) -> None:
    if not state.is_select:
        forget()


# --- who someone is ----------------------------------------------------------------------------------

def viewer():
    """The person this request is for (Flask-Login's anonymous user when nobody signed in; None outside a request):
    `current_user` without its proxy, which finds them again through three more proxies on every use. A challenge
    page asked ~30 times (issue 13). Flask-Login keeps the person in `g._login_user` once it has loaded them.

    Here and in the memo, `g` is read through `_get_current_object()` once: each attribute read through the proxy
    itself fails on the proxy's class first and costs ~0.7 µs (a challenge page read `g` ~25 times)."""
    user = g._get_current_object().get("_login_user") if has_app_context() else None
    return user if user is not None else current_user._get_current_object()


def viewer_id() -> int | None:
    """The id of the person this request is for, or None when nobody signed in."""
    user = viewer()
    return user.id if signed_in(user) else None


def signed_in(user) -> bool:
    if user is current_user:
        user = viewer()
    return bool(user and getattr(user, "is_authenticated", False))


def is_broker(user) -> bool:
    return signed_in(user) and bool(user.is_broker)


def roles_of(user) -> dict[int, str]:
    """The user's role in each organisation they belong to (organisation id → role)."""
    if not signed_in(user):
        return {}
    return memo("roles", user.id, lambda: dict(db.session.execute(
        db.select(Membership.organisation_id, Membership.role).where(Membership.user_id == user.id)).all()))


def role_in(user, organisation_id: int | None) -> str | None:
    """The user's role in an organisation, or None."""
    if organisation_id is None:
        return None
    return roles_of(user).get(organisation_id)


def is_seeker(user, challenge) -> bool:
    """A member of the organisation that leads the challenge."""
    return role_in(user, challenge.organisation_id) is not None
