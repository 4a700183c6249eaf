"""Record changes of state in the append-only audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from challenge.extensions import db
from challenge.platform.models import AuditEvent


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
    """Add an audit event for `obj` (any model with an `id`); flushed with the caller's transaction."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.id,
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
