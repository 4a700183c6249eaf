"""Security events in the audit log: failed sign-ins, lockouts, second-factor failures, refused admin and
money pages, downloads of personal data, and brokers' views of special category data. Each keeps the
request's IP address and user agent (platform/audit.py adds them).

Events about a request that is refused (a 404 for a broker's page, a 429 lockout) cannot ride on the
request's own unit of work, which is never committed: they are noted during the request and written in
a transaction of their own once the answer is ready. Those an outsider can repeat at will (refused pages,
lockouts) are kept to one per person (or IP address, when signed out) per path per minute, so the log
cannot be flooded.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, has_request_context, request
from flask_login import current_user

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform import audit
from challenge.platform.models import AuditEvent

THROTTLE = timedelta(minutes=1)
# Wrong sign-in codes for one account, from anywhere, before its code step closes for a while.
CODE_LOCK_AFTER, CODE_LOCK_FOR = 10, timedelta(minutes=15)
# The events that record a request rather than a change (so even a GET may write one).
REQUEST_EVENTS = ("access.denied", "signin.locked_out", "data.export", "special_category.viewed")
# A refusal of these is worth recording: the broker's console and the pages that move or show money.
WATCHED = frozenset({
    "admin.console", "user.manage", "organisation.verify", "audit.view", "dashboard.broker",
    "funding.view", "funding.manage", "funding.pay", "funding.view_invoice", "funding.record_transfer",
    "funding.waive", "funding.set_fee", "award.create", "payout.release", "payout.retry", "payout.reverse",
    "refund.create", "payouts.queue", "finance.view", "payout.record_paid", "finance.reconcile",
})


def failed_sign_in(email: str, user: User | None, now: datetime, *, reason: str = "password") -> None:
    """A sign-in refused for a wrong password, an unknown email or a deactivated account."""
    audit.record(None, "signin.failed", user, now, data={"email": email[:254], "failed": reason})


def failed_second_factor(user: User, now: datetime, *, attempts: int) -> None:
    audit.record(None, "signin.second_factor_failed", user, now, data={"attempt": attempts})


def second_factor_locked(user: User, now: datetime) -> bool:
    """Too many wrong codes for this account lately (from any address): its code step is closed for now,
    so a stolen password cannot be followed by guessing codes from many machines. Noted as a lockout."""
    wrong = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "user", AuditEvent.object_id == user.id,
        AuditEvent.action == "signin.second_factor_failed", AuditEvent.at > now - CODE_LOCK_FOR)) or 0
    if wrong >= CODE_LOCK_AFTER:
        _note("signin.locked_out", user, {"path": request.path[:300], "limit": "wrong sign-in codes"})
        return True
    return False


def _note(action: str, obj: Any = None, data: dict | None = None, *, throttled: bool = True) -> None:
    """Write this event once the answer is ready, in a transaction of its own."""
    if not has_request_context():
        return
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    g.setdefault("_security_events", []).append((actor, action, obj, data or {}, throttled))


def denied(action: str, thing: Any) -> None:
    """permissions.ensure refused `action`: note it when it guards an admin or money page."""
    if action not in WATCHED or not has_request_context():
        return
    obj = thing if isinstance(getattr(thing, "id", None), int) else None
    _note("access.denied", obj, {"path": request.path[:300], "method": request.method, "permission": action})


def special_category_viewed(obj: Any, fields: list[str]) -> None:
    """A broker opened a page showing `obj`'s special category data (`fields`): every view is kept."""
    if has_request_context():
        _note("special_category.viewed", obj, {"path": request.path[:300], "fields": fields}, throttled=False)


def bank_details_viewed(account: Any) -> None:
    """A broker saw a payee's full bank details (to type a manual transfer into the bank): every view is kept."""
    if has_request_context():  # a page showed them; a command or a test that only reads them is no view
        _note("payee.bank_details_viewed", account, {"path": request.path[:300]}, throttled=False)


def locked_out(limit) -> None:
    """Flask-Limiter's on_breach: the sign-in rate limit for this IP address is used up."""
    _note("signin.locked_out", None, {"path": request.path[:300], "limit": str(limit.limit)})


def _already_noted(actor: User | None, action: str, path: str, now: datetime) -> bool:
    who = AuditEvent.actor_id == actor.id if actor else db.and_(AuditEvent.actor_id.is_(None),
                                                                  AuditEvent.ip == audit.request_origin()[0])
    recent = db.session.scalars(db.select(AuditEvent.data).where(
        AuditEvent.action == action, AuditEvent.at > now - THROTTLE, who).limit(200))
    return any((data or {}).get("path") == path for data in recent)


def _export(response) -> None:
    disposition = response.headers.get("Content-Disposition", "")
    if response.status_code == 200 and response.mimetype == "text/csv" and disposition.startswith("attachment"):
        name = disposition.partition("filename=")[2].strip('"')[:200]
        _note("data.export", None, {"path": request.path[:300], "file": name}, throttled=False)


def write_noted(response):
    _export(response)
    events = g.pop("_security_events", None)
    if not events:
        return response
    now = clock.now()
    try:
        if response.status_code >= 400:
            db.session.rollback()  # the refused request's own work is never kept
        for actor, action, obj, data, throttled in events:
            if throttled and _already_noted(actor, action, data.get("path", ""), now):
                continue
            audit.record(actor, action, obj, now, data=data)
        db.session.commit()
    except Exception:  # the answer still goes out; the failure is logged
        db.session.rollback()
        current_app.logger.exception("a security event could not be recorded")
    return response

