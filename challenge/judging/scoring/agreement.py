"""How far a panel agrees: disputed entries, Kendall's W, Krippendorff's alpha and each judge's calibration."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, pstdev

from challenge.judging.scoring.checks import _EPS, E, J, _check_scale, _clean, _finite

#: An entry is disputed when its judges' range exceeds this fraction of the scale width.
DISAGREEMENT_THRESHOLD = 0.25


def disagreement(scores_by_judge_for_entry: Sequence[float], scale_min: float, scale_max: float) -> float:
    """How far one entry's judges disagree: (highest - lowest) / scale width, 0..1.

    The range rather than the sd: it is what a panel chair can check by eye,
    and with the two or three judges an entry usually gets an sd adds nothing.
    Fewer than two scores cannot disagree: 0.0. Refuses a bad scale, non-finite
    scores and scores outside the scale.
    """
    _check_scale(scale_min, scale_max)
    scores = list(scores_by_judge_for_entry)
    _finite(scores)
    if any(not scale_min - _EPS <= v <= scale_max + _EPS for v in scores):
        raise ValueError(f"score outside the scale {scale_min}-{scale_max}")
    if len(scores) < 2:
        return 0.0
    return (max(scores) - min(scores)) / (scale_max - scale_min)


def is_disputed(
    scores_by_judge_for_entry: Sequence[float],
    scale_min: float,
    scale_max: float,
    threshold: float = DISAGREEMENT_THRESHOLD,
) -> bool:
    """True when disagreement() is strictly above threshold (same refusals)."""
    return disagreement(scores_by_judge_for_entry, scale_min, scale_max) > threshold + _EPS


def _average_ranks(row: Sequence[float]) -> list[float]:
    """Ranks 1..n within one row, tied values sharing the mean of their positions."""
    order = sorted(range(len(row)), key=row.__getitem__)
    ranks = [0.0] * len(row)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and row[order[j + 1]] == row[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _rectangular(rows: Sequence[Sequence[Any]]) -> int:
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise ValueError("every judge's row must cover the same entries")
    return widths.pop() if widths else 0


def kendalls_w(matrix: Sequence[Sequence[float]]) -> float | None:
    """Kendall's coefficient of concordance W for judges (rows) x entries (columns).

    Each judge's scores are ranked across entries (average ranks for ties) and
    W = 12 S / (m^2 (n^3 - n) - m sum(t^3 - t)), with the standard tie
    correction. 1 = every judge orders the entries alike, 0 = no agreement.
    None with fewer than 2 judges or 2 entries, and when every judge gave every
    entry the same score (no ordering to agree on: the formula is 0/0).
    Refuses ragged rows and missing or non-finite cells: W needs a complete
    matrix; use krippendorff_alpha for panels where judges score subsets.
    """
    m, n = len(matrix), _rectangular(matrix)
    for row in matrix:
        _finite(row)
    if m < 2 or n < 2:
        return None
    rank_sums = [0.0] * n
    ties = 0
    for row in matrix:
        for j, r in enumerate(_average_ranks(row)):
            rank_sums[j] += r
        ties += sum(t**3 - t for t in Counter(row).values())
    denominator = m * m * (n**3 - n) - m * ties  # integers: a zero here is exact
    if denominator == 0:
        return None
    mean = m * (n + 1) / 2
    return 12 * math.fsum((r - mean) ** 2 for r in rank_sums) / denominator


def krippendorff_alpha(data: Sequence[Sequence[float | None]], level: str = "interval") -> float | None:
    """Krippendorff's alpha for judges (rows, coders) x entries (columns, units).

    None (or NaN) marks a missing score; entries with fewer than two scores
    are not pairable and are ignored. level is "interval" (squared
    difference), "ordinal" (Krippendorff's rank-based distance) or "nominal"
    (same / different). alpha = 1 - D_observed / D_expected from the
    coincidence matrix. None when no entry has two scores, or when all
    pairable scores are equal (zero expected disagreement: 0/0). Refuses an
    unknown level, ragged rows and infinite scores.
    """
    if level not in ("interval", "ordinal", "nominal"):
        raise ValueError(f"unknown level of measurement {level!r}")
    _rectangular(data)
    units: list[Counter[float]] = []
    for column in zip(*data):
        present = [v for v in column if v is not None and not (isinstance(v, float) and math.isnan(v))]
        _finite(present)
        if len(present) >= 2:
            units.append(Counter(present))
    n_c: Counter[float] = Counter()
    for unit in units:
        n_c.update(unit)
    values = sorted(n_c)
    if len(values) < 2:  # also covers "no pairable entry": nothing to disagree about
        return None

    if level == "ordinal":
        # d(c, k) = (sum of n_g for c <= g <= k, minus half of n_c and n_k) ** 2
        cumulative = [0.0]
        for v in values:
            cumulative.append(cumulative[-1] + n_c[v])
        index = {v: i for i, v in enumerate(values)}

        def distance(c: float, k: float) -> float:
            lo, hi = sorted((index[c], index[k]))
            return (cumulative[hi + 1] - cumulative[lo] - (n_c[c] + n_c[k]) / 2) ** 2
    elif level == "interval":
        def distance(c: float, k: float) -> float:
            return (c - k) ** 2
    else:
        def distance(c: float, k: float) -> float:
            return 0.0 if c == k else 1.0

    # Coincidences o_ck = sum over units of n_uc (n_uk - [c == k]) / (m_u - 1); the
    # diagonal term never matters (d(c, c) = 0) but keeps the textbook definition.
    observed = math.fsum(
        unit[c] * (unit[k] - (c == k)) / (sum(unit.values()) - 1) * distance(c, k)
        for unit in units
        for c in unit
        for k in unit
    )
    n = sum(n_c.values())
    expected = math.fsum(n_c[c] * n_c[k] * distance(c, k) for c in values for k in values) / (n - 1)
    return 1 - observed / expected


@dataclass(frozen=True)
class Calibration:
    """How one judge uses the scale, for the panel chair's calibration view.

    sd is the population sd of the judge's own scores. leniency is the mean,
    over entries this judge shares with colleagues, of (this judge's score
    minus the mean of the other judges' scores for that entry): positive =
    more generous than colleagues on the same work. overlap counts those entries.
    """

    count: int
    mean: float | None
    sd: float | None
    leniency: float
    overlap: int


def calibration(raw: Mapping[J, Mapping[E, float | None]]) -> dict[J, Calibration]:
    """Per-judge count, mean, population sd and leniency (see Calibration).

    Leniency compares shared entries only, so a judge who drew strong entries
    is not mistaken for a lenient one; it is 0.0 with no shared entry. mean and
    sd are None for a judge with no scores; None cells count as unscored.
    Refuses non-finite scores.
    """
    clean = _clean(raw)
    by_entry: dict[E, dict[J, float]] = {}
    for judge, scores in clean.items():
        for entry, v in scores.items():
            by_entry.setdefault(entry, {})[judge] = v
    out: dict[J, Calibration] = {}
    for judge, scores in clean.items():
        gaps = [
            v - fmean(s for j, s in by_entry[e].items() if j != judge)
            for e, v in scores.items()
            if len(by_entry[e]) > 1
        ]
        out[judge] = Calibration(
            count=len(scores),
            mean=fmean(scores.values()) if scores else None,
            sd=pstdev(scores.values()) if scores else None,
            leniency=fmean(gaps) if gaps else 0.0,
            overlap=len(gaps),
        )
    return out
