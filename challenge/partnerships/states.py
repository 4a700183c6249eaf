"""The partnership pipeline: one table of allowed moves between stages.

lead → introduced → in_discussion → pilot → contracted → scaled, one stage at a time; no skipping
forward, because each stage records something real (an introduction made, a conversation held, a
pilot run, a contract signed). Moving back one stage is allowed from in_discussion onwards, because
pilots stall and contracts fall through, and the board must stay honest; a partnership never goes
back to `lead` (the introduction has happened). `closed_lost` is reachable from every open stage and
needs a reason; a closed partnership can be reopened to the stage it was lost from.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Stage(enum.StrEnum):
    LEAD = "lead"
    INTRODUCED = "introduced"
    IN_DISCUSSION = "in_discussion"
    PILOT = "pilot"
    CONTRACTED = "contracted"
    SCALED = "scaled"
    CLOSED_LOST = "closed_lost"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def index(self) -> int:
        return PIPELINE.index(self) if self in PIPELINE else -1


STAGE_LABELS = {
    Stage.LEAD: "Lead",
    Stage.INTRODUCED: "Introduced",
    Stage.IN_DISCUSSION: "In discussion",
    Stage.PILOT: "Pilot",
    Stage.CONTRACTED: "Contracted",
    Stage.SCALED: "Scaled",
    Stage.CLOSED_LOST: "Closed (lost)",
}

PIPELINE = (Stage.LEAD, Stage.INTRODUCED, Stage.IN_DISCUSSION, Stage.PILOT, Stage.CONTRACTED, Stage.SCALED)
# From these stages the value counts as brokered: money has been committed.
WON_STAGES = (Stage.CONTRACTED, Stage.SCALED)
# From these stages a public buyer is about to buy, so the procurement rules matter.
PROCUREMENT_STAGES = (Stage.PILOT, Stage.CONTRACTED, Stage.SCALED)


class Kind(enum.StrEnum):
    COMMISSIONING = "commissioning"
    PILOT = "pilot"
    INVESTMENT = "investment"
    NETWORK = "network"
    POLICY = "policy"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.COMMISSIONING: "Commissioning or contract",
    Kind.PILOT: "Pilot",
    Kind.INVESTMENT: "Investment",
    Kind.NETWORK: "Network or collaboration",
    Kind.POLICY: "Policy",
}


@dataclass(frozen=True)
class Move:
    name: str
    source: frozenset[Stage]
    label: str
    forward: bool = True

    def target(self, current: Stage, lost_from: Stage | None = None) -> Stage:
        if self.name == "close_lost":
            return Stage.CLOSED_LOST
        if self.name == "reopen":
            return lost_from or Stage.LEAD
        step = 1 if self.forward else -1
        return PIPELINE[current.index + step]


def _moves() -> dict[str, Move]:
    moves = {}
    for here, there in zip(PIPELINE, PIPELINE[1:]):
        moves[f"to_{there}"] = Move(f"to_{there}", frozenset({here}), f"Move to {there.label.lower()}")
    for here, back in zip(PIPELINE[2:], PIPELINE[1:]):
        moves[f"back_to_{back}"] = Move(f"back_to_{back}", frozenset({here}),
                                        f"Back to {back.label.lower()}", forward=False)
    moves["close_lost"] = Move("close_lost", frozenset(PIPELINE), "Close as lost", forward=False)
    moves["reopen"] = Move("reopen", frozenset({Stage.CLOSED_LOST}), "Reopen", forward=False)
    return moves


# The one table: a move is allowed from its listed stages only. Services add who may make it.
MOVES: dict[str, Move] = _moves()


def allowed(move: str, stage: str) -> bool:
    return move in MOVES and Stage(stage) in MOVES[move].source


def moves_from(stage: str) -> list[Move]:
    """The moves a board offers for a partnership at `stage`, forward ones first."""
    here = Stage(stage)
    return sorted((m for m in MOVES.values() if here in m.source), key=lambda m: (not m.forward, m.name))
