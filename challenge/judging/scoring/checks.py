"""What every scoring module checks first: finite numbers, a sane scale, unscored cells dropped."""
from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

J = TypeVar("J", bound=Hashable)  # judge id
E = TypeVar("E", bound=Hashable)  # entry id
C = TypeVar("C", bound=Hashable)  # criterion id

# Float noise (0.1 + 0.2 against 0.3) must not decide a prize or flip a threshold.
_EPS = 1e-9


def _finite(values: Any, what: str = "score") -> None:
    for v in values:
        kind = type(v)
        if kind is int or (kind is float and math.isfinite(v)):  # the usual case, checked quickly
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{what} must be a finite number, got {v!r}")


def _check_scale(scale_min: float, scale_max: float) -> None:
    _finite((scale_min, scale_max), "scale bound")
    if scale_min >= scale_max:
        raise ValueError("scale_min must be below scale_max")


def _clean(raw: Mapping[J, Mapping[E, float | None]]) -> dict[J, dict[E, float]]:
    """Drop unscored (None) cells, refuse anything else that is not a finite number."""
    out: dict[J, dict[E, float]] = {}
    for judge, scores in raw.items():
        kept = {e: v for e, v in scores.items() if v is not None}
        _finite(kept.values())
        out[judge] = kept
    return out
