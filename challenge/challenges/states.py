"""The challenge lifecycle: one table of allowed moves.

Stored states are the ones people decide (draft, in_review, published, judging, decided, completed,
cancelled). *Upcoming*, *open* and *closed* are not stored: a published challenge is upcoming before
`opens_at`, open until `closes_at` and closed after it, by the server clock on every request, so
correctness never depends on a scheduler having run.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True)
class Move:
    name: str
    source: frozenset[Phase]
    target: ChallengeState
    label: str
    # Said when the move is refused: which phases allow it, in words.
    needs: str


# The one table. A move is allowed from the listed phases only; services add who may make it.
MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        Move("submit_for_review", frozenset({Phase.DRAFT}), ChallengeState.IN_REVIEW, "Send for review",
             "Only a draft can be sent for review"),
        Move("request_changes", frozenset({Phase.IN_REVIEW}), ChallengeState.DRAFT, "Send back with a note",
             "Only a challenge in review can be sent back"),
        Move("publish", frozenset({Phase.IN_REVIEW}), ChallengeState.PUBLISHED, "Publish",
             "Only a challenge in review can be published"),
        Move("start_judging", frozenset({Phase.CLOSED}), ChallengeState.JUDGING, "Start judging",
             "Judging can start only once the challenge has closed"),
        Move("decide", frozenset({Phase.JUDGING}), ChallengeState.DECIDED, "Record the decision",
             "A decision can be recorded only while the challenge is being judged"),
        Move("complete", frozenset({Phase.DECIDED}), ChallengeState.COMPLETED, "Mark completed",
             "Only an awarded challenge can be marked completed"),
        Move(
            "cancel",
            frozenset({Phase.DRAFT, Phase.IN_REVIEW, Phase.UPCOMING, Phase.OPEN, Phase.CLOSED, Phase.JUDGING}),
            ChallengeState.CANCELLED,
            "Cancel",
            "A challenge that has been awarded, completed or cancelled cannot be cancelled",
        ),
    )
}


def allowed(move: str, phase: Phase) -> bool:
    return move in MOVES and phase in MOVES[move].source


def refusal(move: str, phase: Phase) -> str:
    """Why `move` is refused in `phase`, in words a seeker or broker understands."""
    if move not in MOVES:
        return f"There is no such step as {move!r} for a challenge."
    return f"{MOVES[move].needs}; this challenge is {phase.label.lower()}."

# The phases after the deadline: entries are in and can be read by the seekers.
CLOSED_PHASES = (Phase.CLOSED, Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED)

# Submissions in these states are not entries: they are not counted on the challenge page and put
# nothing at stake when a seeker wants to cancel.
NOT_ENTRY_STATES = ("draft", "withdrawn")
