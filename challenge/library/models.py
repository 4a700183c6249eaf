"""The solutions library: winning solutions published with their creators' consent, and "We want this too"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation
from challenge.extensions import db
from challenge.partnerships.models import Partnership
from challenge.submissions.models import Submission
from challenge.types import UTCDateTime


class LibraryEntry(db.Model):
    """A winning solution in the public library; exists only once its creator has consented."""

    __tablename__ = "library_entries"
    __table_args__ = (UniqueConstraint("submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    solution_summary: Mapped[str] = mapped_column(Text, default="")
    consent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    submission: Mapped[Submission] = relationship()


class AdoptionInterest(db.Model):
    """"We want this too": another organisation's wish to adopt a library solution."""

    __tablename__ = "adoption_interests"
    __table_args__ = (UniqueConstraint("library_entry_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_entry_id: Mapped[int] = mapped_column(ForeignKey("library_entries.id", ondelete="CASCADE"),
                                                  index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    partnership: Mapped[Partnership] = relationship()


__all__ = ["LibraryEntry", "AdoptionInterest"]
