"""From score sheets to one number per entry: weighted sheets, per-judge z-scores, the scale, the threshold."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from statistics import fmean, pstdev

from challenge.judging.scoring.checks import _EPS, C, E, J, _check_scale, _clean, _finite

#: A normalised z of +-Z_SPAN lands on the ends of the scale; z = 0 is the midpoint.
Z_SPAN = 2.5


def weighted_score(values: Mapping[C, float | None], weights: Mapping[C, float]) -> float | None:
    """One judge's score for one entry: the weighted mean of their criterion scores.

    The result is on the rubric's own scale; weights are relative, so they need
    not sum to 100. Returns None when any rubric criterion is unscored, so a
    half-finished score sheet never counts. Refuses: an empty rubric, negative
    or non-finite weights, all weights zero, a non-finite score, or a score for
    a criterion that is not in the rubric (a sign of a mismatched rubric).
    """
    return weigher(weights)(values)


def weigher(weights: Mapping[C, float]) -> Callable[[Mapping[C, float | None]], float | None]:
    """`weighted_score` with the rubric's weights checked once, for scoring many sheets against one rubric."""
    if not weights:
        raise ValueError("the rubric has no criteria")
    _finite(weights.values(), "weight")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    total = math.fsum(weights.values())
    if total <= 0:
        raise ValueError("at least one criterion must carry weight")
    pairs = tuple(weights.items())
    known = frozenset(weights)

    def score(values: Mapping[C, float | None]) -> float | None:
        if not known.issuperset(values):
            unknown = set(values) - known
            raise ValueError(f"scores for criteria not in the rubric: {sorted(map(str, unknown))}")
        if any(values.get(c) is None for c in known):
            return None
        _finite(values.values())
        return math.fsum(w * values[c] for c, w in pairs) / total  # type: ignore[operator]

    return score


def z_excluded(raw: Mapping[J, Mapping[E, float | None]]) -> dict[J, str]:
    """Judges whose scores cannot be standardised, with the reason a page can show.

    A judge who scored fewer than two entries, or gave every entry the same
    score, tells us nothing about how they use the scale: z-scores leave them
    out rather than count them as "exactly average". Judges with no scores are
    not listed (they have nothing to leave out).
    """
    out: dict[J, str] = {}
    for judge, scores in _clean(raw).items():
        if len(scores) == 1:
            out[judge] = "scored only one entry"
        elif len(scores) > 1:
            mean = fmean(scores.values())
            # Relative cut-off: 3.3 against 3.3000000000000003 is "all equal", not z = +-1.
            if pstdev(scores.values(), mu=mean) <= _EPS * max(1.0, abs(mean)):
                out[judge] = "gave every entry the same score"
    return out


def judge_z_scores(
    raw: Mapping[J, Mapping[E, float | None]], keep_degenerate: bool = False
) -> dict[J, dict[E, float]]:
    """Each judge's scores as z-scores over the entries THAT judge scored.

    Uses the population sd: a judge's scores are the whole set being
    standardised, not a sample of something larger. Judges listed by
    z_excluded (one entry, or every score the same) are left out;
    keep_degenerate=True gives them z = 0 instead, as this module did before
    (kept for the fairness benchmark's comparison). None cells count as
    unscored; judges with no scores are left out. Refuses non-finite scores.
    """
    excluded = z_excluded(raw)
    out: dict[J, dict[E, float]] = {}
    for judge, scores in _clean(raw).items():
        if not scores:
            continue
        if judge in excluded:
            if keep_degenerate:
                out[judge] = {e: 0.0 for e in scores}
            continue
        mean = fmean(scores.values())
        sd = pstdev(scores.values(), mu=mean)
        out[judge] = {e: (v - mean) / sd for e, v in scores.items()}
    return out


def mean_z(raw: Mapping[J, Mapping[E, float | None]]) -> dict[E, float]:
    """Per entry, the mean of its judges' z-scores (judge_z_scores), in sd units, never clipped.

    Entries scored only by judges that z_excluded leaves out have no value.
    """
    per_entry: dict[E, list[float]] = {}
    for scores in judge_z_scores(raw).values():
        for entry, z in scores.items():
            per_entry.setdefault(entry, []).append(z)
    return {e: fmean(zs) for e, zs in per_entry.items()}


def normalise(
    raw: Mapping[J, Mapping[E, float | None]], scale_min: float, scale_max: float
) -> dict[E, float]:
    """Per-entry mean z-score (mean_z) mapped linearly onto the rubric's scale.

    z = 0 -> midpoint, z = +-Z_SPAN (2.5 sd) -> the ends. Never clipped: clipping
    once made two outstanding entries level and let the raw mean pick the
    winner, so an exceptional entry may land beyond the ends of the scale. Only
    the order and relative distances carry meaning; a 7.0 here is not a raw 7.
    Refuses a scale with min >= max and any score outside the scale.
    """
    _check_scale(scale_min, scale_max)
    for scores in _clean(raw).values():
        if any(not scale_min - _EPS <= v <= scale_max + _EPS for v in scores.values()):
            raise ValueError(f"score outside the scale {scale_min}-{scale_max}")
    mid, half = (scale_min + scale_max) / 2, (scale_max - scale_min) / 2
    return {e: mid + z / Z_SPAN * half for e, z in mean_z(raw).items()}


def meets_threshold(score: float, scale_max: float, threshold_percent: int) -> bool:
    """True when score is at least threshold_percent % of scale_max (e.g. 70 % of 5 = 3.5).

    Measured against the maximum, not the scale width, as the brief's wording
    "70 % of the maximum" reads. Refuses a non-finite score, scale_max <= 0 and
    a threshold that is not a whole number from 0 to 100.
    """
    _finite((score, scale_max))
    if scale_max <= 0:
        raise ValueError("scale_max must be positive")
    whole = isinstance(threshold_percent, int) and not isinstance(threshold_percent, bool)
    if not whole or not 0 <= threshold_percent <= 100:
        raise ValueError("threshold_percent must be a whole number from 0 to 100")
    return score * 100 >= scale_max * threshold_percent - _EPS
