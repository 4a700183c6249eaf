"""Solutions submitted to a challenge, their team and their files."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation, User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.platform.lifecycle import Lifecycle, Move, state_check
from challenge.types import UTCDateTime


class SubmissionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    WINNER = "winner"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_S = SubmissionState
# The sets of states the packages ask about, each defined here once.
# A creator's one active entry (the partial unique index below holds the same rule): not withdrawn nor disqualified.
ACTIVE_STATES = (_S.DRAFT, _S.SUBMITTED, _S.SHORTLISTED, _S.WINNER, _S.NOT_SELECTED)
# The owner may still change, submit or withdraw it (while the challenge is open).
CHANGEABLE_STATES = (_S.DRAFT, _S.SUBMITTED)
# Entered and in the competition: judged, voted for, and disqualifiable until the decision.
ENTERED_STATES = (_S.SUBMITTED, _S.SHORTLISTED, _S.WINNER, _S.NOT_SELECTED)
# What a challenge's seekers see after the close: entries that were made, not drafts nor withdrawn ones.
SEEN_BY_SEEKERS = (*ENTERED_STATES, _S.DISQUALIFIED)
# Not an entry at all: a challenge whose submissions are all in these has had no entries.
NOT_ENTRY_STATES = (_S.DRAFT, _S.WITHDRAWN)
# May not be awarded money.
NOT_AWARDABLE_STATES = (_S.DRAFT, _S.WITHDRAWN, _S.DISQUALIFIED)
# The final decision's outcomes.
DECIDED_STATES = (_S.WINNER, _S.NOT_SELECTED)

# The moves of a submission, with what each needs in words. The owner's moves (submit, withdraw) are checked
# first by services.ensure_changeable, which says why in more detail; judging makes the decision's moves.
SUBMISSION_MOVES = Lifecycle("submission", (
    Move("submit", {_S.DRAFT}, _S.SUBMITTED, "Only a draft can be submitted."),
    Move("withdraw", CHANGEABLE_STATES, _S.WITHDRAWN, "Only a draft or a submitted entry can be withdrawn."),
    Move("shortlist", {_S.SUBMITTED, _S.SHORTLISTED}, _S.SHORTLISTED,
         "Only an entered submission that is not yet decided can be shortlisted."),
    Move("select_winner", {_S.SUBMITTED, _S.SHORTLISTED}, _S.WINNER,
         "Only an entered submission that is not yet decided can be chosen as a winner."),
    Move("not_select", {_S.SUBMITTED, _S.SHORTLISTED}, _S.NOT_SELECTED,
         "Only an entered submission that is not yet decided can be marked not selected."),
    Move("disqualify", ENTERED_STATES, _S.DISQUALIFIED,
         "Only an entered submission that is not already disqualified can be disqualified."),
))


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        state_check("state", SubmissionState),
        # One active submission per creator per challenge; withdrawn and disqualified ones do not count.
        Index(
            "uq_submissions_active_owner",
            "challenge_id",
            "owner_id",
            unique=True,
            sqlite_where=text("state not in ('withdrawn', 'disqualified')"),
            postgresql_where=text("state not in ('withdrawn', 'disqualified')"),
        ),
        Index("ix_submissions_challenge_state", "challenge_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility_confirmed: Mapped[bool] = mapped_column(default=False)
    terms_accepted: Mapped[bool] = mapped_column(default=False)
    # active_history: the old state is loaded before a change, so submissions/counts.py can move its count.
    state: Mapped[str] = mapped_column(String(16), default=SubmissionState.DRAFT, active_history=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    owner: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    team: Mapped[list[TeamMember]] = relationship(back_populates="submission", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def member_ids(self) -> set[int]:
        """The owner and the team: the people who may see this submission as its creators."""
        return {self.owner_id, *(m.user_id for m in self.team)}

    def __repr__(self) -> str:
        return f"<Submission {self.reference} {self.state}>"


class TeamMember(db.Model):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    submission: Mapped[Submission] = relationship(back_populates="team")
    user: Mapped[User] = relationship()


class TeamInvitation(db.Model):
    """The owner's invitation to an email address to join a submission's team; the invitee accepts it.

    Only the SHA-256 of the emailed token is stored. Pending while `accepted_at` is None.
    """

    __tablename__ = "team_invitations"
    __table_args__ = (UniqueConstraint("submission_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # stored lower-cased
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size >= 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Judges of a blind challenge get a copy without metadata (see submissions/cleaning.py): True when that
    # copy was made, False when the file cannot be cleaned (the chair is told), None when not yet tried.
    cleaned: Mapped[bool | None]

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class ReferenceCounter(db.Model):
    """Per-year counter behind references like CX-2026-00042; the row is locked while incremented."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class SubmissionCount(db.Model):
    """How many of a challenge's submissions are in a state: kept by submissions/counts.py in the same
    transaction as the submissions, so a dashboard reads counts instead of counting (issue 13)."""

    __tablename__ = "submission_counts"

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
