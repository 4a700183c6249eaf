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

from challenge.platform.lifecycle import Lifecycle, Move


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
class StageMove(Move):
    """A pipeline move, with the label its button shows; `forward` ones are offered first."""

    label: str = ""
    forward: bool = True


class Pipeline(Lifecycle):
    """The partnership pipeline's table. Reopening returns to the stage the partnership was lost from, and a
    refusal names the stage the partnership is at."""

    def refusal(self, name: str, state: str) -> str:
        label = self.moves[name].label.lower() if name in self.moves else "do that"
        return f"A partnership at the {Stage(state).label.lower()} stage cannot {label}."

    def target(self, name: str, current: str, lost_from: str | None = None) -> Stage:
        """Where `name` leads from `current` (checked first: InvalidTransition with the table's words)."""
        target = Stage(self.check(name, current))
        return Stage(lost_from) if name == "reopen" and lost_from else target


def _moves() -> list[StageMove]:
    moves = [StageMove(f"to_{there}", {here}, there, "", f"Move to {there.label.lower()}")
             for here, there in zip(PIPELINE, PIPELINE[1:])]
    moves += [StageMove(f"back_to_{back}", {here}, back, "", f"Back to {back.label.lower()}", forward=False)
              for here, back in zip(PIPELINE[2:], PIPELINE[1:])]
    moves.append(StageMove("close_lost", set(PIPELINE), Stage.CLOSED_LOST, "", "Close as lost", forward=False))
    # Reopening goes back to the stage it was lost from (Pipeline.target); a lead if that is unknown.
    moves.append(StageMove("reopen", {Stage.CLOSED_LOST}, Stage.LEAD, "", "Reopen", forward=False))
    return moves


# The one table: a move is allowed from its listed stages only. Services add who may make it.
PIPELINE_MOVES = Pipeline("partnership", _moves(), attribute="stage")
MOVES: dict[str, StageMove] = PIPELINE_MOVES.moves


def allowed(move: str, stage: str) -> bool:
    return PIPELINE_MOVES.allowed(move, Stage(stage))


def moves_from(stage: str) -> list[StageMove]:
    """The moves a board offers for a partnership at `stage`, forward ones first."""
    here = Stage(stage)
    return sorted((m for m in MOVES.values() if here in m.source), key=lambda m: (not m.forward, m.name))


class Answer(enum.StrEnum):
    """One side's answer to an introduction."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# Each side answers once; the table is applied to that side's column (creator_answer, counterpart_answer).
ANSWER_MOVES = Lifecycle("introduction", (
    Move("accept", {Answer.PENDING}, Answer.ACCEPTED, "This introduction has already been answered on your side."),
    Move("decline", {Answer.PENDING}, Answer.DECLINED, "This introduction has already been answered on your side."),
))
