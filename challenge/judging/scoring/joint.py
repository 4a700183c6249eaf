"""The joint model: entry quality and judge leniency (and stretch) fitted together over the whole design."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic

from challenge.judging.scoring.checks import E, J, _clean

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

    j_idx = np.array([c[0] for c in cells])
    e_idx = np.array([c[1] for c in cells])
    y = np.array([c[2] for c in cells], dtype=float)
    quality, leniency = _additive_fit(j_idx, e_idx, y, n_judges, n_entries)
    stretchy = np.zeros(n_judges, dtype=bool)
    if stretch:
        seen = np.bincount(e_idx, minlength=n_entries)
        shared = seen[e_idx] > 1
        per_judge = np.bincount(j_idx[shared], minlength=n_judges)
        stretchy = per_judge >= MIN_FOR_STRETCH
    if not stretchy.any() or n_entries < 3:
        return quality, leniency, np.ones(n_judges)
    return _stretch_fit(j_idx, e_idx, y, quality, leniency, np.flatnonzero(stretchy))


def _additive_fit(j_idx, e_idx, y, n_judges: int, n_entries: int):
    """score = leniency[j] + quality[e], by sparse least squares: (quality, leniency)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import spsolve

    n = len(y)
    # Additive model: score = leniency[j] + quality[e]; entry and judge dummies, least squares (sparse:
    # a dense solver takes seconds at 500 entries x 8 judges). One more row fixes the level: leniencies
    # sum to zero, so quality is "an average judge's score".
    rows = np.r_[np.arange(n), np.arange(n), np.full(n_judges, n)]
    cols = np.r_[e_idx, n_entries + j_idx, n_entries + np.arange(n_judges)]
    design = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n_entries + n_judges))
    # The normal equations are sparse and, with that row, of full rank within a connected group.
    solution = spsolve((design.T @ design).tocsc(), design.T @ np.r_[y, 0.0])
    return solution[:n_entries], solution[n_entries:]


def _stretch_fit(j_idx, e_idx, y, quality, leniency, free):
    """score = a[j] + exp(g[j]) * (q[e] - qbar), g only for the judges in `free` (whose stretch can be
    estimated), started from the additive fit: (quality, leniency, stretch)."""
    import numpy as np
    from scipy.optimize import least_squares
    from scipy.sparse import csr_matrix

    n, n_entries, n_judges = len(y), len(quality), len(leniency)
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
