"""The audit log (append-only) and the outbox of messages sent after commit."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.types import UTCDateTime


class AuditEvent(db.Model):
    """Who did what to which object, when (UTC) and why. Rows are never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Where the request came from ('' for the CLI and background jobs).
    ip: Mapped[str] = mapped_column(String(45), default="", server_default="", index=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")

    actor: Mapped[User | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper, connection, target):
    raise RuntimeError("the audit log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _audit_has_no_bulk_rewrite(state):
    """Bulk `update(AuditEvent)` / `delete(AuditEvent)` skip the mapper events above: refuse them here."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is AuditEvent:
        raise RuntimeError("the audit log is append-only")


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or a retry
    SENDING = "sending"  # claimed by one sender (claim_id); sent or not is unknown until it records the outcome
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


class OutboxMessage(db.Model):
    """An email written in the same transaction as the change that causes it; sent after commit."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        state_check("state", OutboxState),
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The attempt that holds the message (state sending) and since when: only it may record the outcome,
    # and a claim older than OUTBOX_CLAIM_SECONDS (its sender died) may be taken over.
    claim_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RaisedAlert(db.Model):
    """An alert a background job raised once (a reconciliation mismatch): its key is never raised again."""

    __tablename__ = "raised_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PageGeneration(db.Model):
    """One row: a token that changes after every commit touching what a public page shows (pagecache)."""

    __tablename__ = "page_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
