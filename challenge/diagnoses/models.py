"""The diagnoses seekers keep before drafting a challenge."""
from __future__ import annotations

from datetime import datetime

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.platform.sealed import SealedText
from challenge.types import UTCDateTime


class Diagnosis(db.Model):
    """A seeker's problem definition: evidence, voices of service users, causes, who is involved."""

    __tablename__ = "diagnoses"
    __table_args__ = (CheckConstraint("survey_respondents is null or survey_respondents >= 0",
                                      name="survey_respondents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    # Sealed at rest: the columns personal_data.py declares special category (health, service users' words).
    evidence: Mapped[str] = mapped_column(SealedText(), default="")
    quotes: Mapped[str] = mapped_column(SealedText(), default="")
    survey_respondents: Mapped[int | None] = mapped_column(default=None)
    survey_findings: Mapped[str] = mapped_column(SealedText(), default="")
    causes: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="SET NULL"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    challenge: Mapped[Challenge | None] = relationship()

    @property
    def quote_list(self) -> list[str]:
        return [q.strip() for q in self.quotes.splitlines() if q.strip()]


class StoryKind(enum.StrEnum):
    STORY = "story"  # in the service user's own words
    EVIDENCE = "evidence"  # what the seeker learnt from them (a case, a finding)


class Story(db.Model):
    """A service user's story or piece of evidence, kept only on their consent: who gave it (as the seeker
    records them, never an account), when, and for what use. Withdrawn, it leaves every view and export."""

    __tablename__ = "diagnosis_stories"
    __table_args__ = (state_check("kind", StoryKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "story" or "evidence"
    body: Mapped[str] = mapped_column(SealedText())  # sealed at rest, like consent_by (special category)
    consent_by: Mapped[str] = mapped_column(SealedText())  # who gave consent, as the seeker records them
    consent_use: Mapped[str] = mapped_column(String(300))  # what they agreed it may be used for
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


__all__ = ["Diagnosis", "Story", "StoryKind"]
