"""Webhook endpoints and their deliveries (an outbox of signed HTTP POSTs)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation
from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.platform.sealed import Purpose, SealedText
from challenge.types import UTCDateTime

# The events an endpoint may subscribe to, with the words the pages use.
EVENTS = {
    "challenge.closed": "A challenge closed (with the number of entries at the close)",
    "decision.published": "A challenge's results were published",
    "partnership.stage_changed": "A partnership moved to another stage",
}
PING = "ping"  # the test event: sent only by "Send a test ping", never subscribed to

# The signing secrets are sealed at rest with a key of their own (they must be read back to sign).
WEBHOOK_SECRET = Purpose(salt=b"challenge-exchange-webhook-secret", info=b"webhook signing secret v1")


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or a retry at next_attempt_at
    SENDING = "sending"  # claimed by one sender (claim_id); the outcome is unknown until it records it
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # gave up after the last retry (a redelivery may try again)


class WebhookEndpoint(db.Model):
    """A URL that receives the subscribed events, signed with its own secret. `organisation_id` NULL: the
    platform's own endpoint (brokers'), which receives the events of every organisation."""

    __tablename__ = "webhook_endpoints"
    # `owner_key` is "org:<id>" or "platform": one endpoint per URL per owner, whatever a double click does.
    __table_args__ = (UniqueConstraint("owner_key", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    owner_key: Mapped[str] = mapped_column(String(24))
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(SealedText(WEBHOOK_SECRET))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    def subscribes(self, event: str) -> bool:
        return self.active and event in self.events


class WebhookDelivery(db.Model):
    """One event for one endpoint: written in the transaction of the change, sent after commit, retried
    with backoff. `uid` is the X-CX-Delivery header, the same at every attempt (receivers dedupe on it);
    `event_key` makes an event found by a scan (a challenge's close) once per endpoint."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        state_check("state", DeliveryState),
        UniqueConstraint("endpoint_id", "event_key"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claim_id: Mapped[str] = mapped_column(String(32), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    response_excerpt: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
