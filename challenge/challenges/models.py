"""Challenges: the problem, its prizes, its questions and updates, and who follows it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, func, inspect,
                        literal_column, text)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from challenge.accounts.models import Organisation, User
from challenge.challenges.states import UNPUBLISHED_STATES, ChallengeState, Phase, allowed, phase_of
from challenge.extensions import db
from challenge.platform.lifecycle import state_check
from challenge.types import UTCDateTime


class ChallengeType(enum.StrEnum):
    IDEATION = "ideation"
    PROPOSAL = "proposal"
    PROTOTYPE = "prototype"
    PILOT_READY = "pilot_ready"

    @property
    def label(self) -> str:
        return {"ideation": "Ideation", "proposal": "Proposal", "prototype": "Prototype",
                "pilot_ready": "Pilot-ready"}[self.value]


class IPTerms(enum.StrEnum):
    CREATOR_KEEPS = "creator_keeps"
    LICENCE = "licence"
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> str:
        return {
            "creator_keeps": "The creator keeps the intellectual property",
            "licence": "The creator keeps the IP and grants the seeker a licence",
            "assignment": "The IP is assigned to the seeker on award",
        }[self.value]


class ServiceUserData(enum.StrEnum):
    """Whether a challenge involves service users' personal data: the seeker's answer on the draft, which
    decides whether a DPIA screening is needed (challenge/privacy/dpia.py)."""

    NONE = "none"
    PERSONAL = "personal"
    SPECIAL = "special"  # health or another special category (UK GDPR Article 9)

    @property
    def label(self) -> str:
        return {"none": "No",
                "personal": "Yes, personal data",
                "special": "Yes, health data or another special category of personal data"}[self.value]


SECTORS = [
    ("health", "Health"),
    ("social_care", "Social care"),
    ("education", "Education"),
    ("climate", "Climate and environment"),
    ("housing", "Housing"),
    ("transport", "Transport"),
    ("community", "Community and place"),
    ("employment", "Employment and skills"),
    ("justice", "Justice and safety"),
    ("other", "Other"),
]
SECTOR_LABELS = dict(SECTORS)


# The catalogue's search reads one stored text per challenge, `search_text`: its words, tags and outcomes
# and its organisation's name, kept by `_keep_search_text` below. PostgreSQL searches it through this GIN
# expression index (the English configuration: stemming and stop words); SQLite through the FTS5 table
# SEARCH_INDEX_TABLE (the porter tokenizer), which holds the listed challenges only and which triggers created by
# the migrations keep in step (0017, 0044: on a change of state too).
SEARCH_SQL = "to_tsvector('english'::regconfig, search_text)"
SEARCH_INDEX_TABLE = "challenges_fts"
# PostgreSQL: the listed challenges' state, deadline and search text in narrow rows, with a GIN index like the one
# above, kept by a trigger (migration 0044): the search box's statement visits these rows, not the challenges'.
SEARCH_LISTED_TABLE = "challenges_listed_search"
# The fields that make up the search text, in order; the organisation's name comes last.
SEARCH_FIELDS = ("title", "summary", "problem", "context", "outcomes", "tags")


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        state_check("state", ChallengeState),
        state_check("service_user_data", ServiceUserData),
        CheckConstraint("closes_at is null or opens_at is null or closes_at > opens_at", name="dates"),
        CheckConstraint("prize_pool >= 0", name="prize_pool_not_negative"),
        # The catalogue reads "closing soonest" a state at a time from this index (catalogue._closing_parts).
        Index("ix_challenges_state_closes", "state", "closes_at"),
        # When the catalogue's statuses next change (catalogue.next_change) and the "upcoming" filter.
        Index("ix_challenges_state_opens", "state", "opens_at"),
        # The catalogue's organisation filter asks, per organisation, whether it has a listed challenge:
        # answered from this index alone instead of reading every challenge row.
        Index("ix_challenges_organisation_state", "organisation_id", "state"),
        # Full-text search on PostgreSQL (SQLite: the FTS5 table). Same expression as search_document().
        Index("ix_challenges_search", text(SEARCH_SQL), postgresql_using="gin").ddl_if(dialect="postgresql"),
        # SQLite: a search reads each match's state and deadline from this narrow index to sort them, not from the
        # wide rows (catalogue._search_cards). PostgreSQL's search box reads them from its own narrow table
        # (SEARCH_LISTED_TABLE, migration 0044); the index is there too, so both schemas agree.
        Index("ix_challenges_search_sort", "id", "state", "closes_at"),
        # The broker's review queue: the challenges in review, longest-waiting first (admin/queries._WAITING_PAGE reads
        # only its page's rows from here; the same expression as admin/queries._sent_for_review).
        Index("ix_challenges_review_queue", "state", text("coalesce(sent_for_review_at, updated_at)"), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str] = mapped_column(String(32), default="other")
    tags: Mapped[str] = mapped_column(String(300), default="")
    type: Mapped[str] = mapped_column(String(20), default=ChallengeType.PROPOSAL)
    ip_terms: Mapped[str] = mapped_column(String(20), default=IPTerms.CREATOR_KEEPS)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # active_history: the old state is loaded before a change, so challenges/counts.py can move its count.
    state: Mapped[str] = mapped_column(String(16), default=ChallengeState.DRAFT, active_history=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    blind_judging: Mapped[bool] = mapped_column(default=False)
    feedback_to_entrants: Mapped[bool] = mapped_column(default=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    service_user_data: Mapped[str] = mapped_column(String(10), default=ServiceUserData.NONE, server_default="none")
    # The sum of amount × winners over the prize tiers, stored so the catalogue filters and sorts in SQL;
    # kept equal to the tiers by `_keep_prize_pools` below whoever saves them.
    prize_pool: Mapped[int] = mapped_column(default=0, server_default="0", index=True)
    # What the catalogue searches (see SEARCH_SQL); deferred, as only the database reads it.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    sent_for_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    prizes: Mapped[list[Prize]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Prize.position"
    )

    def phase(self, now: datetime) -> Phase:
        return phase_of(self.state, self.opens_at, self.closes_at, now)

    def prize_total(self) -> int:
        """The total of all prize tiers, in minor units, computed from the tiers."""
        return sum(p.amount * p.winners for p in self.prizes)

    @property
    def winner_places(self) -> int:
        return sum(p.winners for p in self.prizes)

    def can_move(self, name: str, now: datetime) -> bool:
        """Whether the transition table allows the move now (who may make it is permissions' business)."""
        return allowed(name, self.phase(now))

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(self.sector, self.sector)

    @property
    def type_label(self) -> str:
        return ChallengeType(self.type).label if self.type in ChallengeType.__members__.values() else self.type

    @property
    def ip_terms_label(self) -> str:
        return IPTerms(self.ip_terms).label if self.ip_terms in IPTerms.__members__.values() else self.ip_terms

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def is_public(self) -> bool:
        return self.state not in UNPUBLISHED_STATES

    def __repr__(self) -> str:
        return f"<Challenge {self.slug} {self.state}>"


# A challenge's prose: what its own page shows and no list of challenges does (kilobytes a row). Lists of
# one's challenges or entries leave it unread: `.options(*(defer(c) for c in PROSE))`.
PROSE = (Challenge.summary, Challenge.problem, Challenge.context, Challenge.outcomes, Challenge.eligibility)


class Prize(db.Model):
    """A prize tier: its amount is paid to each of its `winners`."""

    __tablename__ = "prizes"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("winners >= 1", name="winners_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int]
    winners: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=1)

    challenge: Mapped[Challenge] = relationship(back_populates="prizes")


class Question(db.Model):
    """A clarification question; its answer is public."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the asker's notifications
    body: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class Update(db.Model):
    """An announcement by the seeker, after publication (the problem text itself is frozen)."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the "closes in 48 hours" reminder was queued, so it is sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()


class DocumentKind(enum.StrEnum):
    BRIEF = "brief"
    DATA_PACK = "data_pack"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"brief": "Brief", "data_pack": "Data pack", "other": "Other document"}[self.value]


class ChallengeDocument(db.Model):
    """A file the seeker attaches for entrants to download: the brief, a data pack. The file itself lives
    in the uploads storage (submissions/storage.py) under `stored_name`; see challenges/documents.py."""

    __tablename__ = "challenge_documents"
    __table_args__ = (state_check("kind", DocumentKind), CheckConstraint("size > 0", name="size"))

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=DocumentKind.BRIEF)
    title: Mapped[str] = mapped_column(String(120))
    original_name: Mapped[str] = mapped_column(String(255))  # sanitised; the download's name
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    cleaned: Mapped[bool] = mapped_column(default=False)  # a copy without metadata is served
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label


SEARCH_CONFIG = literal_column("'english'::regconfig")


class ChallengeCount(db.Model):
    """How many challenges are in a state: kept by challenges/counts.py in the same transaction as the
    challenges, so the catalogue says how many are listed without counting them (issue 13)."""

    __tablename__ = "challenge_counts"

    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


def search_document():
    """The text the catalogue searches on PostgreSQL: the same expression as the GIN index above, so
    the planner can use the index. A literal configuration, not a bound parameter, for the same reason."""
    return func.to_tsvector(SEARCH_CONFIG, Challenge.__table__.c.search_text)


def search_text_of(challenge: Challenge, organisation_name: str) -> str:
    """The words a challenge is found by: SEARCH_FIELDS, then its organisation's name, one per line."""
    return "\n".join([*(getattr(challenge, name) or "" for name in SEARCH_FIELDS), organisation_name or ""])


def include_in_schema_compare(name, type_, parent_names) -> bool:
    """Alembic's filter: SQLite's FTS5 table and its shadow tables, and PostgreSQL's table of the listed challenges'
    search texts, are made by the search migrations' raw SQL, not by the models, so comparing models with the
    database leaves them out."""
    return not (type_ == "table" and (name.startswith(SEARCH_INDEX_TABLE) or name == SEARCH_LISTED_TABLE))


@event.listens_for(Session, "before_flush")
def _keep_search_text(session, flush_context, instances):
    """Rewrite the search text of every challenge whose searched words changed, and of every challenge of
    an organisation that was renamed, whoever changed them, so the catalogue finds what the page says."""
    renamed = {org.id for org in session.dirty
               if isinstance(org, Organisation) and inspect(org).attrs.name.history.has_changes()}
    with session.no_autoflush:
        touched = {c for c in (*session.new, *session.dirty) if isinstance(c, Challenge) and _words_changed(c)}
        if renamed:
            touched |= set(session.scalars(db.select(Challenge).where(Challenge.organisation_id.in_(renamed))))
        for challenge in touched - set(session.deleted):
            organisation = session.get(Organisation, challenge.organisation_id) if challenge.organisation_id else None
            challenge.search_text = search_text_of(challenge, organisation.name if organisation else "")


def _words_changed(challenge: Challenge) -> bool:
    state = inspect(challenge)
    return state.pending or any(state.attrs[name].history.has_changes()
                                for name in (*SEARCH_FIELDS, "organisation_id"))


@event.listens_for(Session, "before_flush")
def _keep_prize_pools(session, flush_context, instances):
    """Recompute the stored prize pool of every challenge whose tiers changed, whoever changed them
    (the challenge form, the demo loader, a test factory), so the column never drifts from the tiers."""
    touched = {obj for obj in (*session.new, *session.dirty) if isinstance(obj, Challenge)}
    touched |= {obj.challenge for obj in (*session.new, *session.dirty, *session.deleted)
                if isinstance(obj, Prize) and obj.challenge is not None}
    for challenge in touched:
        if challenge in session.deleted:
            continue
        total = challenge.prize_total()
        if challenge.prize_pool != total:
            challenge.prize_pool = total
