"""Judging: the rubric, rounds, the panel, conflicts, assignments, scores, decisions and votes."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import User
from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.platform.lifecycle import Lifecycle, Move, state_check
from challenge.submissions.models import Submission, SubmissionState
from challenge.types import UTCDateTime

# The scales a rubric may use: name -> (lowest, highest).
SCALES = {"0-4": (0, 4), "1-5": (1, 5), "0-10": (0, 10)}


def new_version() -> str:
    """A fresh, unguessable marker for a round's results (see results.touch)."""
    return secrets.token_hex(8)


# Entries that were submitted and are still in the running (or were, before the decision): the ones judged,
# and the ones the public may vote for.
JUDGED_STATES = (SubmissionState.SUBMITTED, SubmissionState.SHORTLISTED, SubmissionState.WINNER,
                 SubmissionState.NOT_SELECTED)


# The challenge's states in which its rubric may still change (it is published as the basis for choosing
# the winners), and those in which judging is over (no round, no panel member, no setting changes).
RUBRIC_OPEN = (ChallengeState.DRAFT, ChallengeState.IN_REVIEW)
DECIDED = (ChallengeState.DECIDED, ChallengeState.COMPLETED)
JUDGING_OVER = (*DECIDED, ChallengeState.CANCELLED)
# The entries that hear the panel's feedback: those decided on.
DECIDED_ENTRIES = (SubmissionState.WINNER, SubmissionState.NOT_SELECTED)


class RoundState(enum.StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


# A round opens once (its score sheets are assigned then) and closes once (its scores are final).
ROUND_MOVES = Lifecycle("round", (
    Move("open", {RoundState.PENDING}, RoundState.OPEN, "This round has already been opened."),
    Move("close", {RoundState.OPEN}, RoundState.CLOSED, "Only an open round can be closed."),
))


class PanelRole(enum.StrEnum):
    JUDGE = "judge"
    CHAIR = "chair"


class AssignmentState(enum.StrEnum):
    PENDING = "pending"  # not started
    DRAFT = "draft"
    SUBMITTED = "submitted"


# A judge's score sheet: saved as a draft (which withdraws a submitted sheet until it is submitted again),
# submitted (it counts), and handed back to pending when the chair gives the entry to another judge.
_ANY_SHEET = {AssignmentState.PENDING, AssignmentState.DRAFT, AssignmentState.SUBMITTED}
ASSIGNMENT_MOVES = Lifecycle("score sheet", (
    Move("save_draft", _ANY_SHEET, AssignmentState.DRAFT, "This score sheet cannot be saved."),
    Move("submit", _ANY_SHEET, AssignmentState.SUBMITTED, "This score sheet cannot be submitted."),
    Move("reassign", {AssignmentState.PENDING, AssignmentState.DRAFT}, AssignmentState.PENDING,
         "That judge has already submitted scores for this entry."),
))


class JudgingSettings(db.Model):
    """A challenge's judging settings that are not on the challenge itself."""

    __tablename__ = "judging_settings"
    __table_args__ = (
        CheckConstraint("vote_closes_at is null or vote_opens_at is null or vote_closes_at > vote_opens_at",
                        name="vote_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    peoples_choice: Mapped[bool] = mapped_column(default=False)
    peoples_choice_prize_id: Mapped[int | None] = mapped_column(ForeignKey("prizes.id", ondelete="SET NULL"))
    vote_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the vote's winner was announced to the entrants (and awarded): at publication when the vote had
    # closed by then, else by the job judging.peoples_choice once it closes (judging/peoples_announce.py).
    vote_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A broker's waiver of the social value rule (judging/social_value.py): the reason, who and when.
    social_value_waiver: Mapped[str] = mapped_column(Text, default="", server_default="")
    social_value_waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    social_value_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    peoples_choice_prize: Mapped[Prize | None] = relationship()
    social_value_waived_by: Mapped[User | None] = relationship()


class Criterion(db.Model):
    """One line of the rubric. `levels` holds what each score on the scale means, lowest first."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("challenge_id", "name"),
        CheckConstraint("weight > 0 and weight <= 100", name="weight"),
        CheckConstraint("scale_min >= 0 and scale_max > scale_min", name="scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int]
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    levels: Mapped[list] = mapped_column(JSON, default=list)
    social_value: Mapped[bool] = mapped_column(default=False)

    challenge: Mapped[Challenge] = relationship()

    @property
    def scale(self) -> str:
        return f"{self.scale_min}-{self.scale_max}"

    def level_label(self, value: int) -> str:
        index = value - self.scale_min
        return self.levels[index] if 0 <= index < len(self.levels or []) else ""


class Round(db.Model):
    """A stage of judging: the first takes every submitted entry, later ones the chair's shortlist."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("challenge_id", "position"),
        state_check("state", RoundState),
        CheckConstraint("strategy in ('all', 'k', 'pairwise')", name="strategy"),
        CheckConstraint("k is null or k >= 2", name="k"),
        CheckConstraint("threshold_percent is null or (threshold_percent >= 0 and threshold_percent <= 100)",
                        name="threshold"),
        CheckConstraint("advance_grant is null or advance_grant > 0", name="advance_grant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10), default=RoundState.PENDING)
    strategy: Mapped[str] = mapped_column(String(8), default="all")
    k: Mapped[int | None]
    comments_required: Mapped[bool] = mapped_column(default=False)
    threshold_percent: Mapped[int | None]
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A stage grant (minor units, the challenge's currency) paid to each entry the chair advances from this
    # round, from the pool's stage-grant money: for example £1,500 to each of nine finalists.
    advance_grant: Mapped[int | None]
    seed: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the judges were last reminded
    # Why a broker opened the round although some entry has fewer than two judges ("" when none did).
    panel_override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Changes whenever anything its results depend on changes: the key of the results cache.
    results_version: Mapped[str] = mapped_column(String(16), default=new_version)

    challenge: Mapped[Challenge] = relationship()

    def is_open(self, now: datetime) -> bool:
        """Open for scoring: opened, not closed by the chair, and before its deadline if it has one."""
        return self.state == RoundState.OPEN and (self.closes_at is None or now < self.closes_at)

    @property
    def assignment_label(self) -> str:
        labels = {"all": "Every judge scores every entry", "pairwise": "Judges compare entries two at a time"}
        return labels.get(self.strategy) or f"{self.k} judges per entry"


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id"),
        CheckConstraint("role in ('judge', 'chair')", name="role"),
        # Exactly one chair per panel: the database refuses a second.
        Index("uq_panel_members_one_chair", "challenge_id", unique=True,
              sqlite_where=text("role = 'chair'"), postgresql_where=text("role = 'chair'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(8), default=PanelRole.JUDGE)
    service_user: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_chair(self) -> bool:
        return self.role == PanelRole.CHAIR


class PanelInvitation(db.Model):
    """An invitation to a panel, sent by email; only the SHA-256 of its token is stored; used once."""

    __tablename__ = "panel_invitations"
    __table_args__ = (CheckConstraint("role in ('judge', 'chair')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(8), default=PanelRole.JUDGE)
    service_user: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    challenge: Mapped[Challenge] = relationship()


class Conflict(db.Model):
    """A judge's declaration about one entry, made before opening it: no conflict, or one with a reason."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("panel_member_id", "submission_id"),
        CheckConstraint("has_conflict = false or length(reason) > 0", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    has_conflict: Mapped[bool]
    # Found by the platform, not declared: the judge entered, is on the team or in the entering organisation.
    automatic: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)

    member: Mapped[PanelMember] = relationship()
    submission: Mapped[Submission] = relationship()


class Assignment(db.Model):
    """One judge's job to score one entry in one round; the judge's comment lives here."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "panel_member_id", "submission_id"),
        state_check("state", AssignmentState),
        Index("ix_assignments_round_submission", "round_id", "submission_id"),
        Index("ix_assignments_queue", "round_id", "panel_member_id", "reference"),  # a judge's queue, in order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    # The entry's reference, given when the sheet is made (a reference never changes): the judge's queue is in
    # reference order, read from ix_assignments_queue without reading every entry of the round (migration 0045).
    reference: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=AssignmentState.PENDING)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    member: Mapped[PanelMember] = relationship()
    submission: Mapped[Submission] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_id"), CheckConstraint("value >= 0", name="value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]

    assignment: Mapped[Assignment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Decision(db.Model):
    """The chair's decision on a round: a shortlist advanced (`advance`) or the winners (`final`).

    `override_reason` explains deciding entries with fewer complete scores than required;
    `departure_reason` explains any departure from the computed ranking; `empty_reason` why a prize place
    is left empty. A final decision is provisional until `published_at` (see judging/publication.py): until
    then a broker may correct it (the latest correction's who, when and why are kept here, every one in the
    audit log).
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("kind in ('advance', 'final')", name="kind"),
        UniqueConstraint("round_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    departure_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    empty_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    correction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    round: Mapped[Round] = relationship()
    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])
    selections: Mapped[list[Selection]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Selection.position"
    )


class Selection(db.Model):
    """An entry the decision advanced (no prize) or placed in a prize tier."""

    __tablename__ = "selections"
    __table_args__ = (UniqueConstraint("decision_id", "submission_id"), CheckConstraint("position >= 1", name="position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    prize_id: Mapped[int | None] = mapped_column(ForeignKey("prizes.id"))
    position: Mapped[int]
    computed_rank: Mapped[int | None]

    decision: Mapped[Decision] = relationship(back_populates="selections")
    submission: Mapped[Submission] = relationship()
    prize: Mapped[Prize | None] = relationship()


class Vote(db.Model):
    """A people's-choice vote: one per signed-in account per challenge."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"), UniqueConstraint("challenge_id", "voter"))

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The voter's mailbox (judging/peoples.py `mailbox`): one vote per person, not per address variant.
    voter: Mapped[str] = mapped_column(String(254))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = [
    "SCALES", "JUDGED_STATES", "RUBRIC_OPEN", "DECIDED", "JUDGING_OVER", "DECIDED_ENTRIES", "RoundState", "ROUND_MOVES", "PanelRole", "AssignmentState", "ASSIGNMENT_MOVES", "JudgingSettings", "Criterion", "Round",
    "PanelMember", "PanelInvitation", "Conflict", "Assignment", "Score", "Decision", "Selection", "Vote",
]
