"""The arithmetic of a judging panel: pure functions (standard library; numpy and scipy for the joint model).

Views, exports and tests share one definition of every number a page shows.
Scores are floats (not money). Input that can only come from a bug (a score
off the scale, a NaN, a ragged matrix) raises ValueError; a statistic that is
merely undefined for the data returns None, so a page can say "not enough
data" instead of showing a made-up number.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from statistics import fmean, pstdev
from typing import Any, Generic, TypeVar

J = TypeVar("J", bound=Hashable)  # judge id
E = TypeVar("E", bound=Hashable)  # entry id
C = TypeVar("C", bound=Hashable)  # criterion id

# Float noise (0.1 + 0.2 against 0.3) must not decide a prize or flip a threshold.
_EPS = 1e-9

#: A normalised z of +-Z_SPAN lands on the ends of the scale; z = 0 is the midpoint.
Z_SPAN = 2.5

#: An entry is disputed when its judges' range exceeds this fraction of the scale width.
DISAGREEMENT_THRESHOLD = 0.25

TIE_BREAK_RULE = (
    "Entries with every score sheet they need are ranked first, by normalised score; "
    "entries still waiting for sheets are ranked after them, and entries with no "
    "score yet come last, unranked. Ties are broken by the higher raw mean score, "
    "then by the earlier submission; entries still level share a rank."
)


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


# --------------------------------------------------------------------------- the joint model
#
# Per-judge z-scores assume every judge saw an average set of entries. On panels where each judge
# scores only some entries that is false, so the panel's default estimate is a joint fit over the
# whole design (Piech et al. 2013, the "PG1" family): each score is the entry's quality plus the
# judge's leniency, times the judge's own stretch of the scale where the data allow it:
#
#     score[j, e] = leniency[j] + stretch[j] * quality[e] + noise
#
# fitted by least squares with numpy/scipy. Only judges and entries linked by shared scores can be
# compared, so each connected group of the design is fitted (and ranked) on its own.

#: A judge's own stretch of the scale is estimated only from at least this many scored entries, each
#: shared with another judge; otherwise it is fixed at 1 (leniency only).
MIN_FOR_STRETCH = 3


@dataclass(frozen=True)
class JointFit(Generic[J, E]):
    """The joint model's answer.

    quality: per scored entry, on the rubric's scale: the score an average judge of its group would
    give (the group's mean leniency plus the entry's quality). entry_group and judge_group: the
    index (0, 1, ...) of each one's connected group; entries in different groups cannot be compared.
    leniency and stretch: per judge with scores (stretch 1.0 where it was not estimated).
    """

    quality: dict[E, float]
    entry_group: dict[E, int]
    judge_group: dict[J, int]
    leniency: dict[J, float]
    stretch: dict[J, float]
    groups: int


def design_groups(raw: Mapping[J, Mapping[E, float | None]]) -> tuple[dict[J, int], dict[E, int], int]:
    """The connected groups of a design: judges and entries linked by at least one score."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    clean = {j: s for j, s in _clean(raw).items() if s}
    judges = list(clean)
    entries = list(dict.fromkeys(e for s in clean.values() for e in s))
    if not judges:
        return {}, {}, 0
    e_index = {e: i for i, e in enumerate(entries)}
    rows = [ji for ji, j in enumerate(judges) for _ in clean[j]]
    cols = [len(judges) + e_index[e] for j in judges for e in clean[j]]
    size = len(judges) + len(entries)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    count, labels = connected_components(graph, directed=False)
    # Number the groups by their first judge, so the numbering does not depend on library internals.
    renumber: dict[int, int] = {}
    for label in labels:
        renumber.setdefault(int(label), len(renumber))
    return ({j: renumber[int(labels[i])] for i, j in enumerate(judges)},
            {e: renumber[int(labels[len(judges) + i])] for i, e in enumerate(entries)}, count)


def _fit_group(cells: list[tuple[int, int, float]], n_judges: int, n_entries: int, stretch: bool):
    """Least-squares fit of one connected group: (quality, leniency, stretch) as numpy arrays."""
    import numpy as np
    from scipy.optimize import least_squares
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import spsolve

    j_idx = np.array([c[0] for c in cells])
    e_idx = np.array([c[1] for c in cells])
    y = np.array([c[2] for c in cells], dtype=float)
    n = len(cells)
    # Additive model: score = leniency[j] + quality[e]; entry and judge dummies, least squares (sparse:
    # a dense solver takes seconds at 500 entries x 8 judges). One more row fixes the level: leniencies
    # sum to zero, so quality is "an average judge's score".
    rows = np.r_[np.arange(n), np.arange(n), np.full(n_judges, n)]
    cols = np.r_[e_idx, n_entries + j_idx, n_entries + np.arange(n_judges)]
    design = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n_entries + n_judges))
    # The normal equations are sparse and, with that row, of full rank within a connected group.
    solution = spsolve((design.T @ design).tocsc(), design.T @ np.r_[y, 0.0])
    quality, leniency = solution[:n_entries], solution[n_entries:]
    stretchy = np.zeros(n_judges, dtype=bool)
    if stretch:
        seen = np.bincount(e_idx, minlength=n_entries)
        shared = seen[e_idx] > 1
        per_judge = np.bincount(j_idx[shared], minlength=n_judges)
        stretchy = per_judge >= MIN_FOR_STRETCH
    if not stretchy.any() or n_entries < 3:
        return quality, leniency, np.ones(n_judges)

    # score = a[j] + exp(g[j]) * (q[e] - qbar): g only for judges whose stretch can be estimated.
    free = np.flatnonzero(stretchy)
    g_slot = np.full(n_judges, -1)
    g_slot[free] = np.arange(len(free))
    n_q, n_a = n_entries, n_judges

    def unpack(x):
        q, a = x[:n_q], x[n_q:n_q + n_a]
        g = np.zeros(n_judges)
        g[free] = x[n_q + n_a:]
        return q, a, g

    def residuals(x):
        q, a, g = unpack(x)
        fit = a[j_idx] + np.exp(g[j_idx]) * q[e_idx]
        # Two gauge conditions, zero at the optimum: sum(q) = 0 and sum(g) = 0 (geometric mean stretch 1).
        return np.r_[fit - y, q.sum(), g.sum()]

    has_g = g_slot[j_idx] >= 0
    rows_g = np.flatnonzero(has_g)

    def jacobian(x):
        q, a, g = unpack(x)
        s = np.exp(g[j_idx])
        r = np.arange(n)
        data = np.r_[s, np.ones(n), (s * q[e_idx])[has_g], np.ones(n_q), np.ones(len(free))]
        rr = np.r_[r, r, rows_g, np.full(n_q, n), np.full(len(free), n + 1)]
        cc = np.r_[e_idx, n_q + j_idx, n_q + n_a + g_slot[j_idx][has_g], np.arange(n_q),
                   n_q + n_a + np.arange(len(free))]
        return csr_matrix((data, (rr, cc)), shape=(n + 2, n_q + n_a + len(free)))

    centre = quality.mean()
    start = np.r_[quality - centre, leniency + centre, np.zeros(len(free))]
    fitted = least_squares(residuals, start, jac=jacobian, method="trf", tr_solver="lsmr",
                           x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=200)
    q, a, g = unpack(fitted.x)
    # Back on the rubric's scale: the score an average judge (mean leniency, stretch 1) would give.
    return a.mean() + q, a - a.mean(), np.exp(g)


def joint_fit(raw: Mapping[J, Mapping[E, float | None]], stretch: bool = True) -> JointFit[J, E]:
    """Fit entry quality and judge effects jointly, each connected group of the design on its own.

    stretch=False fits leniency only (an ordinary least-squares fit with entry and judge dummies).
    A judge's stretch is estimated only when they scored at least MIN_FOR_STRETCH entries that
    someone else also scored. None cells count as unscored; judges with no scores are left out.
    Refuses non-finite scores.
    """
    clean = {j: s for j, s in _clean(raw).items() if s}
    judge_group, entry_group, count = design_groups(clean)
    quality: dict[E, float] = {}
    leniency: dict[J, float] = {}
    stretches: dict[J, float] = {}
    for g in range(count):
        judges = [j for j in clean if judge_group[j] == g]
        entries = [e for e in entry_group if entry_group[e] == g]
        e_index = {e: i for i, e in enumerate(entries)}
        cells = [(ji, e_index[e], float(v)) for ji, j in enumerate(judges) for e, v in clean[j].items()]
        q, a, s = _fit_group(cells, len(judges), len(entries), stretch)
        quality.update({e: float(q[i]) for i, e in enumerate(entries)})
        leniency.update({j: float(a[i]) for i, j in enumerate(judges)})
        stretches.update({j: float(s[i]) for i, j in enumerate(judges)})
    return JointFit(quality, entry_group, judge_group, leniency, stretches, count)


# --------------------------------------------------------------------------- how sure the ranking is

#: Bootstrap resamples for an interval; a fixed seed keeps the page the same from one load to the next.
BOOTSTRAP_DRAWS = 400


def bootstrap_intervals(
    raw: Mapping[J, Mapping[E, float | None]], draws: int = BOOTSTRAP_DRAWS, level: float = 0.9, seed: int = 12
) -> dict[E, tuple[float, float]]:
    """A percentile interval for each entry's mean z-score (mean_z), by the bootstrap over score sheets.

    Each draw resamples the submitted sheets with replacement and recomputes every judge's z-scores
    (a judge left with fewer than two sheets, or one value, is left out of that draw, as z_excluded
    says) and every entry's mean z. An entry's interval spans the middle `level` of its values over
    the draws in which it appears; entries that appear in fewer than half of the draws get none.
    """
    import numpy as np

    if not 0 < level < 1 or draws < 2:
        raise ValueError("level must be between 0 and 1 and draws at least 2")
    clean = _clean(raw)
    judges = [j for j in clean if clean[j]]
    entries = list(dict.fromkeys(e for j in judges for e in clean[j]))
    if not entries:
        return {}
    e_index = {e: i for i, e in enumerate(entries)}
    j_idx = np.array([ji for ji, j in enumerate(judges) for _ in clean[j]])
    e_idx = np.array([e_index[e] for j in judges for e in clean[j]])
    y = np.array([float(v) for j in judges for v in clean[j].values()])
    n, n_j, n_e = len(y), len(judges), len(entries)
    rng = np.random.default_rng(seed)
    values = np.full((draws, n_e), np.nan)
    for d in range(draws):
        pick = rng.integers(0, n, n)
        jj, ee, yy = j_idx[pick], e_idx[pick], y[pick]
        count = np.bincount(jj, minlength=n_j)
        mean = np.bincount(jj, yy, minlength=n_j) / np.maximum(count, 1)
        sd = np.sqrt(np.bincount(jj, (yy - mean[jj]) ** 2, minlength=n_j) / np.maximum(count, 1))
        usable = (count >= 2) & (sd > _EPS * np.maximum(1.0, np.abs(mean)))
        keep = usable[jj]
        z = (yy[keep] - mean[jj[keep]]) / sd[jj[keep]]
        per = np.bincount(ee[keep], minlength=n_e)
        total = np.bincount(ee[keep], z, minlength=n_e)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[d] = np.where(per > 0, total / per, np.nan)
    tail = (1 - level) / 2 * 100
    seen = (~np.isnan(values)).sum(axis=0)
    enough = seen >= draws / 2
    if not enough.any():
        return {}
    low, high = np.nanpercentile(values[:, enough], [tail, 100 - tail], axis=0)
    kept = [e for i, e in enumerate(entries) if enough[i]]
    return {e: (float(lo), float(hi)) for e, lo, hi in zip(kept, low, high)}


def too_close(order: Sequence[E], intervals: Mapping[E, tuple[float, float]]) -> set[E]:
    """Entries (in ranking order) whose interval overlaps the next entry's: the pair is too close to call.

    Returns the first entry of each such pair; a pair where either has no interval is not marked.
    """
    out: set[E] = set()
    for a, b in zip(order, order[1:]):
        if a in intervals and b in intervals and intervals[a][0] <= intervals[b][1] and intervals[b][0] <= intervals[a][1]:
            out.add(a)
    return out
