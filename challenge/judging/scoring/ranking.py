"""Ranks from scores, with the tie-break rule the pages state."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any, Generic

from challenge.judging.scoring.checks import _EPS, E, _finite

TIE_BREAK_RULE = (
    "Entries with every score sheet they need are ranked first, by normalised score; "
    "entries still waiting for sheets are ranked after them, and entries with no "
    "score yet come last, unranked. Ties are broken by the higher raw mean score, "
    "then by the earlier submission; entries still level share a rank."
)


@dataclass(frozen=True)
class TieKey(Generic[E]):
    """A secondary ranking key for rank(): a value per entry and which way wins.

    Missing or None values lose the tie. Values need only be comparable
    (numbers, datetimes, strings); numbers within 1e-9 count as equal.
    """

    values: Mapping[E, Any]
    higher_wins: bool = True


def _compare(a: Any, b: Any, higher_wins: bool) -> int:
    """-1 if a ranks ahead of b, 1 if behind, 0 if level; None is behind everything."""
    if a is None or b is None:
        return (a is None) - (b is None)
    numeric = all(isinstance(v, (int, float)) for v in (a, b))
    if a == b or (numeric and math.isclose(a, b, rel_tol=_EPS, abs_tol=_EPS)):
        return 0
    return -1 if (a > b) == higher_wins else 1


def rank(values: Mapping[E, float | None], tie_break: Sequence[TieKey[E]] = ()) -> dict[E, int]:
    """Competition ranks ("1, 2, 2, 4"): rank 1 is the highest value.

    Entries level on the primary value are separated by each TieKey in turn;
    entries level on every key share a rank (we never split them by an
    arbitrary id). Entries whose value is None share the bottom rank and are
    not tie-broken among themselves: they were never completely scored.
    Refuses NaN or infinite primary values. The result is ordered by rank.
    """
    _finite(v for v in values.values() if v is not None)

    def cmp(a: E, b: E) -> int:
        first = _compare(values[a], values[b], True)
        if first or values[a] is None:
            return first
        for key in tie_break:
            step = _compare(key.values.get(a), key.values.get(b), key.higher_wins)
            if step:
                return step
        return 0

    order = sorted(values, key=cmp_to_key(cmp))
    ranks: dict[E, int] = {}
    for i, entry in enumerate(order):
        ranks[entry] = ranks[order[i - 1]] if i and cmp(order[i - 1], entry) == 0 else i + 1
    return ranks


def rank_entries(
    score: Mapping[E, float | None],
    raw_mean: Mapping[E, float | None],
    submitted_at: Mapping[E, Any],
    complete: Mapping[E, bool] | None = None,
) -> dict[E, int]:
    """Rank entries exactly as TIE_BREAK_RULE says (keep the two in step).

    complete says which entries have every score sheet they need (missing =
    incomplete; None = treat all as complete): they are ranked first, then the
    incomplete entries with a score, then the entries without one.
    """
    keys = [TieKey(raw_mean), TieKey(submitted_at, higher_wins=False)]
    first = {e: v for e, v in score.items() if v is not None and (complete is None or complete.get(e))}
    then = {e: v for e, v in score.items() if v is not None and e not in first}
    out: dict[E, int] = {}
    for part in (first, then):
        offset = len(out)
        out.update({e: r + offset for e, r in rank(part, keys).items()})
    bottom = len(out) + 1
    out.update({e: bottom for e, v in score.items() if v is None})
    return out
