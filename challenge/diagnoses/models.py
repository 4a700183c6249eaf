"""The diagnoses seekers keep before drafting a challenge."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.extensions import db
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
    evidence: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[str] = mapped_column(Text, default="")
    survey_respondents: Mapped[int | None] = mapped_column(default=None)
    survey_findings: Mapped[str] = mapped_column(Text, default="")
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


__all__ = ["Diagnosis"]
