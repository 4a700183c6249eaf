"""What the notifications package stores: when each person last looked at their notifications, and the
messages seekers send to a challenge's entrants (one row per message, its double-click key unique)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.types import UTCDateTime


class Audience(enum.StrEnum):
    """Who a message to entrants goes to."""

    ALL = "all"
    SHORTLISTED = "shortlisted"


class NoticesSeen(db.Model):
    """The moment a person last marked their notifications as seen: newer ones are "new since you last looked"."""

    __tablename__ = "notices_seen"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EntrantMessage(db.Model):
    """A message a seeker or broker sent to a challenge's entrants, by email, once (the form's key is unique)."""

    __tablename__ = "entrant_messages"
    __table_args__ = (
        state_check("audience", Audience),
        CheckConstraint("recipients >= 0", name="recipients"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    audience: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int]
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"))
    # The key the confirmation form carries: a second click of "Send" finds it and sends nothing.
    send_key: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = ["Audience", "NoticesSeen", "EntrantMessage"]
