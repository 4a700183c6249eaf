"""The challenge lifecycle: one table of allowed moves.

Stored states are the ones people decide (draft, in_review, published, judging, decided, completed,
cancelled). *Upcoming*, *open* and *closed* are not stored: a published challenge is upcoming before
`opens_at`, open until `closes_at` and closed after it, by the server clock on every request, so
correctness never depends on a scheduler having run.
"""
from __future__ import annotations

import enum
from datetime import datetime

from challenge.platform.lifecycle import Lifecycle, Move


class ChallengeState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    JUDGING = "judging"
    DECIDED = "decided"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Phase(enum.StrEnum):
    """What a visitor sees: the stored state refined by the clock."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    JUDGING = "judging"
    DECIDED = "decided"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.DRAFT: "Draft",
    Phase.IN_REVIEW: "In review",
    Phase.UPCOMING: "Upcoming",
    Phase.OPEN: "Open",
    Phase.CLOSED: "Closed",
    Phase.JUDGING: "Judging",
    Phase.DECIDED: "Awarded",
    Phase.COMPLETED: "Completed",
    Phase.CANCELLED: "Cancelled",
}


def phase_of(state: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> Phase:
    """The phase a challenge is in at `now`."""
    if state != ChallengeState.PUBLISHED:
        return Phase(state)
    if opens_at and now < opens_at:
        return Phase.UPCOMING
    if closes_at and now >= closes_at:
        return Phase.CLOSED
    return Phase.OPEN


class ChallengeLifecycle(Lifecycle):
    """The challenge's table decides on the *phase* (the stored state refined by the clock): a published
    challenge may be cancelled while open but judged only once closed. Its refusals say the phase."""

    def refusal(self, name: str, state: str) -> str:
        if name not in self.moves:
            return super().refusal(name, state)
        return f"{self.moves[name].needs}; this challenge is {Phase(state).label.lower()}."


# The one table. A move is allowed from the listed phases only; services add who may make it.
LIFECYCLE = ChallengeLifecycle("challenge", (
    Move("submit_for_review", {Phase.DRAFT}, ChallengeState.IN_REVIEW, "Only a draft can be sent for review"),
    Move("request_changes", {Phase.IN_REVIEW}, ChallengeState.DRAFT, "Only a challenge in review can be sent back"),
    Move("publish", {Phase.IN_REVIEW}, ChallengeState.PUBLISHED, "Only a challenge in review can be published"),
    Move("start_judging", {Phase.CLOSED}, ChallengeState.JUDGING,
         "Judging can start only once the challenge has closed"),
    Move("decide", {Phase.JUDGING}, ChallengeState.DECIDED,
         "A decision can be recorded only while the challenge is being judged"),
    Move("complete", {Phase.DECIDED}, ChallengeState.COMPLETED, "Only an awarded challenge can be marked completed"),
    Move("cancel", {Phase.DRAFT, Phase.IN_REVIEW, Phase.UPCOMING, Phase.OPEN, Phase.CLOSED, Phase.JUDGING},
         ChallengeState.CANCELLED, "A challenge that has been awarded, completed or cancelled cannot be cancelled"),
))
MOVES: dict[str, Move] = LIFECYCLE.moves


def allowed(move: str, phase: Phase) -> bool:
    return LIFECYCLE.allowed(move, phase)


def refusal(move: str, phase: Phase) -> str:
    """Why `move` is refused in `phase`, in words a seeker or broker understands."""
    return LIFECYCLE.refusal(move, phase)


# Stored states not yet public: only the challenge's seekers and brokers see them.
UNPUBLISHED_STATES = frozenset({ChallengeState.DRAFT, ChallengeState.IN_REVIEW})
# States a visitor can find in the catalogue. Cancelled challenges keep their page but leave the list.
LISTED_STATES = (ChallengeState.PUBLISHED, ChallengeState.JUDGING, ChallengeState.DECIDED, ChallengeState.COMPLETED)

# The phases after the deadline: entries are in and can be read by the seekers.
CLOSED_PHASES = (Phase.CLOSED, Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED)
