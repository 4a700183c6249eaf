"""Lifecycles as data: a StrEnum of states, one table of allowed moves, and the database check from the enum.

Each package declares its lifecycles next to its models::

    class PayoutState(enum.StrEnum):
        READY = "ready"
        PAID = "paid"
        ...

    PAYOUT_MOVES = Lifecycle("payout", (
        Move("pay", {PayoutState.PROCESSING}, PayoutState.PAID, "Only a payout being processed can be paid"),
        ...
    ))

    class Payout(db.Model):
        __table_args__ = (state_check("state", PayoutState),)

and services change state only through the table: `PAYOUT_MOVES.apply(payout, "pay")` checks the move,
raises `InvalidTransition` with the table's wording when it is not allowed, and sets the new state.
Code compares states with the enum (`payout.state == PayoutState.PAID`), never with a string literal.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CheckConstraint

from challenge.errors import InvalidTransition


def one_of(column: str, states: Iterable[str]) -> str:
    """The SQL condition "column is one of states", for a check constraint."""
    return f"{column} in ({', '.join(repr(str(s)) for s in states)})"


def state_check(column: str, states: type[enum.StrEnum] | Iterable[str], name: str | None = None) -> CheckConstraint:
    """A check constraint that allows exactly the enum's values in `column` (named after the column)."""
    return CheckConstraint(one_of(column, [s.value if isinstance(s, enum.Enum) else s for s in states]),
                           name=name or column)


@dataclass(frozen=True)
class Move:
    """One allowed move: from any of `source` to `target`, named `name`; `needs` is said when it is refused."""

    name: str
    source: frozenset[str]
    target: str
    needs: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", frozenset(self.source))


class Lifecycle:
    """The allowed moves of one kind of thing (a payout, an award, a submission …)."""

    def __init__(self, what: str, moves: Iterable[Move], attribute: str = "state"):
        self.what = what
        self.attribute = attribute
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"two moves named {move.name!r} for a {what}")
            self.moves[move.name] = move

    def allowed(self, name: str, state: str) -> bool:
        return name in self.moves and state in self.moves[name].source

    def refusal(self, name: str, state: str) -> str:
        """Why `name` is refused from `state`, in the table's words."""
        if name not in self.moves:
            return f"There is no such step as {name!r} for a {self.what}."
        return self.moves[name].needs

    def check(self, name: str, state: str) -> str:
        """The state `name` leads to from `state`; InvalidTransition (409) with the table's words if refused."""
        if not self.allowed(name, state):
            raise InvalidTransition(self.refusal(name, state))
        return self.moves[name].target

    def apply(self, thing: Any, name: str) -> tuple[str, str]:
        """Make the move on `thing` (checked first); returns (before, after) for the audit record."""
        before = getattr(thing, self.attribute)
        after = self.check(name, before)
        setattr(thing, self.attribute, after)
        return before, after
