"""What the privacy package keeps: legal holds, retention runs, erasures and email preferences."""
from __future__ import annotations

import enum
from datetime import datetime

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.types import UTCDateTime


class LegalHold(db.Model):
    """A broker's hold on a challenge: while it is not lifted, retention and erasure leave its data alone."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_active", "challenge_id", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    challenge: Mapped[Challenge] = relationship()
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])


class RetentionRun(db.Model):
    """One run of the retention job: when, and how many rows of each data class it deleted or anonymised."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    held: Mapped[int] = mapped_column(default=0)  # challenges on legal hold at the time (left alone)


class ErasureRequest(enum.StrEnum):
    PERSON = "person"  # the person themselves, after re-entering their password
    BROKER = "broker"  # a broker, for a person who wrote in, with a reason


class Erasure(db.Model):
    """That an account was erased (one row per account: a second erasure finds it and does nothing)."""

    __tablename__ = "erasures"
    __table_args__ = (state_check("by_request_of", ErasureRequest),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_request_of: Mapped[str] = mapped_column(String(10))
    files_deleted: Mapped[int] = mapped_column(default=0)


class EmailPreference(db.Model):
    """Whether a person takes the email that is not strictly needed (updates, reminders, digests)."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    optional_email: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DpiaScreening(db.Model):
    """A challenge's DPIA screening (one row per challenge): the seeker's answers to the ICO's screening
    questions (`{key: {"answer": "yes"|"no", "note": str}}`, the keys of `privacy/dpia.QUESTIONS`), who
    answered last and when, and the outcome those answers gave then; and, when a full DPIA was needed, the
    broker's record that the DPO signed it off. The outcome is always derived again by `dpia.outcome_of`:
    the stored copy is what the record says was decided at the time."""

    __tablename__ = "dpia_screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    full_dpia_required: Mapped[bool] = mapped_column(default=False)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dpo_signed_on: Mapped[date | None] = mapped_column(Date)
    dpo_reference: Mapped[str] = mapped_column(String(120), default="")

    challenge: Mapped[Challenge] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])


__all__ = ["DpiaScreening", "EmailPreference", "Erasure", "ErasureRequest", "LegalHold", "RetentionRun"]
