"""Record changes of state in the append-only audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request

from challenge.extensions import db
from challenge.platform.models import AuditEvent

# Events about the safety of accounts and money, which the broker's audit page can show on their own.
SECURITY_ACTIONS = (
    "signin.failed", "signin.locked_out", "signin.second_factor_failed", "access.denied", "data.export",
    "payee.bank_details", "payee.stripe_account", "user.second_factor_on", "user.second_factor_off",
    "user.recovery_codes", "user.recovery_code_used", "user.reset_password", "user.change_password",
    "special_category.viewed", "payee.bank_details_viewed",
)
_UNPRINTABLE = dict.fromkeys(range(32)) | {127: None}


def request_origin() -> tuple[str, str]:
    """The IP address and user agent of the current request; empty outside one (the CLI, jobs)."""
    if not has_request_context():
        return "", ""
    agent = (request.headers.get("User-Agent") or "").translate(_UNPRINTABLE)
    return (request.remote_addr or "")[:45], agent[:300]


def record(
    actor,
    action: str,
    obj: Any,
    now: datetime,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Add an audit event for `obj` (any model with an `id`, or None for a request about no stored object,
    such as a sign-in with an unknown email); flushed with the caller's transaction. Inside a request the
    event also keeps the request's IP address and user agent."""
    ip, user_agent = request_origin()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=obj.id if obj is not None else 0,
        ip=ip,
        user_agent=user_agent,
        from_state=from_state,
        to_state=to_state,
        reason=reason or "",
        data=data or {},
        at=now,
    )
    db.session.add(event)
    return event


def history(obj: Any) -> list[AuditEvent]:
    """The events recorded for one object, oldest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == type(obj).__name__.lower(), AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
