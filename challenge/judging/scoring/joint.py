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
# fitted by least squares with numpy. Only judges and entries linked by shared scores can be
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
    clean = {j: s for j, s in _clean(raw).items() if s}
    judges = list(clean)
    entries = list(dict.fromkeys(e for s in clean.values() for e in s))
    if not judges:
        return {}, {}, 0
    # Union-find over judges (0 .. len(judges)-1) then entries: each score joins its judge and its entry.
    parent = list(range(len(judges) + len(entries)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    e_index = {e: len(judges) + i for i, e in enumerate(entries)}
    for ji, j in enumerate(judges):
        for e in clean[j]:
            a, b = root(ji), root(e_index[e])
            if a != b:
                parent[max(a, b)] = min(a, b)
    # Number the groups by their first judge (every entry has a judge, so judges name every group).
    renumber: dict[int, int] = {}
    for ji in range(len(judges)):
        renumber.setdefault(root(ji), len(renumber))
    return ({j: renumber[root(ji)] for ji, j in enumerate(judges)},
            {e: renumber[root(e_index[e])] for e in entries}, len(renumber))


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


def _solve_bordered(d, ones: bool, b, c, r_q, r_b):
    """Solve the normal equations [[diag(d) + ones * 11ᵀ, B], [Bᵀ, C]] [x_q; x_b] = [r_q; r_b].

    The entries' block is diagonal (plus, with `ones`, the all-ones matrix of a gauge row on the entries)
    and the judges' block C is small, so the entries are eliminated (Sherman–Morrison for the ones) and
    only C's Schur complement is solved densely: milliseconds at 500 entries, where a dense solve of the
    whole matrix takes tens.
    """
    import numpy as np

    inv = 1.0 / d

    def a_solve(x):
        y = inv.reshape((-1,) + (1,) * (x.ndim - 1)) * x
        if ones:
            y = y - np.multiply.outer(inv, y.sum(axis=0)) / (1.0 + inv.sum())
        return y

    a_inv_b = a_solve(b)
    x_b = np.linalg.solve(c - b.T @ a_inv_b, r_b - a_inv_b.T @ r_q)
    return a_solve(r_q - b @ x_b), x_b


def _additive_fit(j_idx, e_idx, y, n_judges: int, n_entries: int):
    """score = leniency[j] + quality[e], by least squares on the normal equations: (quality, leniency)."""
    import numpy as np

    # Additive model: score = leniency[j] + quality[e]; entry and judge dummies, least squares. One more
    # row fixes the level (leniencies sum to zero, so quality is "an average judge's score"): it adds
    # the all-ones matrix to the judges' block. With it the normal equations are of full rank within a
    # connected group.
    cross = np.bincount(e_idx * n_judges + j_idx, minlength=n_entries * n_judges).reshape(n_entries, n_judges)
    judges = np.diag(np.bincount(j_idx, minlength=n_judges).astype(float)) + 1.0
    quality, leniency = _solve_bordered(np.bincount(e_idx, minlength=n_entries).astype(float), False,
                                        cross.astype(float), judges, np.bincount(e_idx, y, minlength=n_entries),
                                        np.bincount(j_idx, y, minlength=n_judges))
    return quality, leniency


#: The stretch fit's convergence tolerances (relative change of the parameters, of the sum of squares,
#: and the largest gradient component) and its iteration limit.
TOLERANCE = 1e-12
MAX_STEPS = 200


def _stretch_fit(j_idx, e_idx, y, quality, leniency, free):
    """score = a[j] + exp(g[j]) * (q[e] - qbar), g only for the judges in `free` (whose stretch can be
    estimated), started from the additive fit: (quality, leniency, stretch).

    Nonlinear least squares by Levenberg–Marquardt on the normal equations, solved by entries' elimination
    (_solve_bordered): the entries' block of JᵀJ is diagonal but for the gauge row sum(q) = 0.
    """
    import numpy as np

    n, n_entries, n_judges = len(y), len(quality), len(leniency)
    g_slot = np.full(n_judges, -1)
    g_slot[free] = np.arange(len(free))
    n_q, n_a, n_g = n_entries, n_judges, len(free)
    k = n_a + n_g
    has_g = g_slot[j_idx] >= 0
    e_g, j_g, slot_g = e_idx[has_g], j_idx[has_g], g_slot[j_idx][has_g]

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

    def normal_equations(x, r):
        """JᵀJ in blocks (the entries' diagonal, entries × judges' parameters, the judges' block) and Jᵀr.
        Each score's row of J: s at q[e], 1 at a[j] and, for a free judge, s * q[e] at g[j]."""
        q, _, g = unpack(x)
        s = np.exp(g[j_idx])
        sq = (s * q[e_idx])[has_g]
        diag_q = np.bincount(e_idx, s * s, minlength=n_q)
        cross = np.bincount(np.r_[e_idx * k + j_idx, e_g * k + n_a + slot_g], np.r_[s, s[has_g] * sq],
                            minlength=n_q * k).reshape(n_q, k)
        judges = np.bincount(np.r_[j_idx * k + j_idx, j_g * k + n_a + slot_g, (n_a + slot_g) * k + j_g,
                                   (n_a + slot_g) * k + n_a + slot_g],
                             np.r_[np.ones(n), sq, sq, sq * sq], minlength=k * k).reshape(k, k)
        judges[n_a:, n_a:] += 1.0  # the gauge row sum(g)
        rr = r[:n]
        grad = np.r_[np.bincount(e_idx, s * rr, minlength=n_q) + r[n], np.bincount(j_idx, rr, minlength=n_a),
                     np.bincount(slot_g, sq * rr[has_g], minlength=n_g) + r[n + 1]]
        return diag_q, cross, judges, grad

    centre = quality.mean()
    x = _levenberg_marquardt(np.r_[quality - centre, leniency + centre, np.zeros(n_g)], residuals,
                             normal_equations, n_q)
    q, a, g = unpack(x)
    # Back on the rubric's scale: the score an average judge (mean leniency, stretch 1) would give.
    return a.mean() + q, a - a.mean(), np.exp(g)


def _levenberg_marquardt(x, residuals, normal_equations, n_q: int):
    """Minimise half the sum of squared residuals from x by Levenberg–Marquardt; normal_equations(x, r) gives
    JᵀJ in _solve_bordered's blocks (the first n_q parameters' diagonal, their cross block, the rest) and Jᵀr."""
    import numpy as np

    r = residuals(x)
    cost = 0.5 * float(r @ r)
    damping = 1e-6
    for _ in range(MAX_STEPS):
        diag_q, cross, judges, grad = normal_equations(x, r)
        if np.abs(grad).max() <= TOLERANCE:
            break
        while True:
            # Marquardt's damping: each diagonal element grows by the factor (1 + damping).
            d = diag_q + damping * (diag_q + 1.0)
            c = judges + damping * np.diag(np.diag(judges))
            step_q, step_b = _solve_bordered(d, True, cross, c, -grad[:n_q], -grad[n_q:])
            step = np.r_[step_q, step_b]
            trial = x + step
            r_trial = residuals(trial)
            cost_trial = 0.5 * float(r_trial @ r_trial)
            if np.isfinite(cost_trial) and cost_trial <= cost:
                break
            damping *= 10.0
            if damping > 1e16:
                step = None
                break
        if step is None:
            break
        gain = cost - cost_trial
        x, r, cost = trial, r_trial, cost_trial
        damping = max(damping / 10.0, 1e-12)
        if (np.linalg.norm(step) <= TOLERANCE * (TOLERANCE + np.linalg.norm(x))
                or gain <= TOLERANCE * cost):
            break
    return x


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
