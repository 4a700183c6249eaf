"""Pairwise (comparative) judging: a Bradley–Terry fit, its intervals, agreement and the next pair to ask.

A judge sees two entries and says which better answers the round's question. The Bradley–Terry model
gives each entry a strength s so that the chance that a beats b is 1 / (1 + exp(s_b - s_a)). The
strengths are the maximum of the log-likelihood with a small ridge penalty, PENALTY * sum(s²): it keeps an
entry that won (or lost) every comparison at a finite strength, and it fixes the scale's origin (the
strengths sum to zero), so the fit is the same as choix's `opt_pairwise(n, data, alpha=PENALTY)`. Newton's
method does the fitting (the penalised log-likelihood is strictly concave). Each strength has a standard error from the penalised Hessian (the model's curvature),
hence an interval. The next pair (next_pair) is, half the time, the one whose answer is expected to teach
the most (Gavel's idea, with Bradley–Terry in place of Crowd-BT): two entries close in strength and still
uncertain, which favours the entries seen least, since an entry never compared has the widest uncertainty
of all; the other half it explores: the least-judged entry against a random partner, which keeps the
ends of the ranking tied together.

Pure: numpy, no Flask, no SQLAlchemy. Entries are any hashable ids.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Generic

from challenge.judging.scoring.checks import _EPS, E

#: The ridge penalty on the strengths (a weak prior: strength ~ Normal(0, sd 1 / sqrt(2 * PENALTY) ≈ 3.2)).
PENALTY = 0.05
#: The intervals' level, as for the score sheets' bootstrap intervals.
LEVEL = 0.9


@dataclass(frozen=True)
class PairwiseFit(Generic[E]):
    """The fit: each entry's strength (log-odds scale, summing to zero), its standard error, and how many
    judgements it took part in."""

    strength: dict[E, float]
    se: dict[E, float]
    judged: dict[E, int]

    def order(self) -> list[E]:
        """The entries, strongest first; equal strengths keep the order the entries were given in."""
        items = list(self.strength)
        return sorted(items, key=lambda e: -round(self.strength[e], 9))

    def intervals(self, level: float = LEVEL) -> dict[E, tuple[float, float]]:
        """A `level` interval for each strength from its standard error (normal approximation)."""
        from statistics import NormalDist

        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1")
        z = NormalDist().inv_cdf(0.5 + level / 2)
        return {e: (s - z * self.se[e], s + z * self.se[e]) for e, s in self.strength.items()}


def _check(entries: Sequence[E], judgements: Sequence[tuple[E, E]]) -> dict[E, int]:
    index = {e: i for i, e in enumerate(entries)}
    if len(index) != len(entries):
        raise ValueError("entries must be distinct")
    for winner, loser in judgements:
        if winner not in index or loser not in index:
            raise ValueError(f"judgement {(winner, loser)!r} names an entry not in the list")
        if winner == loser:
            raise ValueError("an entry cannot be compared with itself")
    return index


def _expit(x):
    """1 / (1 + exp(-x)), without overflow for large |x|."""
    import numpy as np

    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _conjugate_gradients(times, b, tolerance: float):
    """x with times(x) = b (times: a symmetric positive definite matrix's product), to |residual| <= tolerance."""
    import numpy as np

    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = float(r @ r)
    for _ in range(10 * len(b)):
        if rr ** 0.5 <= tolerance:
            break
        hp = times(p)
        alpha = rr / float(p @ hp)
        x += alpha * p
        r -= alpha * hp
        rr, previous = float(r @ r), rr
        p = r + (rr / previous) * p
    return x


#: Newton's method stops when the gradient's length is at most this (or after MAX_NEWTON steps).
GRADIENT_TOLERANCE = 1e-10
MAX_NEWTON = 100


def fit(entries: Sequence[E], judgements: Sequence[tuple[E, E]], penalty: float = PENALTY) -> PairwiseFit[E]:
    """Fit the strengths from (winner, loser) judgements. Entries never compared get strength 0 and the
    prior's standard error. Refuses a judgement naming an unknown entry or one entry twice."""
    import numpy as np

    if penalty <= 0:
        raise ValueError("penalty must be positive")
    index = _check(entries, judgements)
    n = len(entries)
    if n == 0:
        return PairwiseFit({}, {}, {})
    w = np.array([index[a] for a, _ in judgements], dtype=int)
    lo = np.array([index[b] for _, b in judgements], dtype=int)

    def objective(s):  # penalty * |s|² minus the log-likelihood, each term log(1 + exp(s_loser - s_winner))
        return penalty * float(s @ s) + float(np.logaddexp(0.0, s[lo] - s[w]).sum())

    def gradient(s):
        z = _expit(s[lo] - s[w])  # the chance the loser would have won
        return 2 * penalty * s - np.bincount(w, z, minlength=n) + np.bincount(lo, z, minlength=n)

    def hessian(s):
        p = _expit(s[w] - s[lo])
        v = p * (1 - p)
        h = 2 * penalty * np.eye(n)
        np.add.at(h, (w, w), v)
        np.add.at(h, (lo, lo), v)
        np.add.at(h, (w, lo), -v)
        np.add.at(h, (lo, w), -v)
        return h

    def curvature_times(s, v):  # the Hessian times v without forming it: fast on hundreds of entries
        p = _expit(s[w] - s[lo])
        d = p * (1 - p) * (v[w] - v[lo])
        return 2 * penalty * v + np.bincount(w, d, minlength=n) - np.bincount(lo, d, minlength=n)

    s = _newton(np.zeros(n), objective, gradient, curvature_times) if len(w) else np.zeros(n)
    se = np.sqrt(np.diag(np.linalg.inv(hessian(s))))
    judged = np.bincount(w, minlength=n) + np.bincount(lo, minlength=n)
    return PairwiseFit({e: float(s[i]) for e, i in index.items()}, {e: float(se[i]) for e, i in index.items()},
                       {e: int(judged[i]) for e, i in index.items()})


def _newton(s, objective, gradient, curvature_times):
    """Minimise a strictly convex objective from s by Newton's method with a backtracking line search.

    The ridge makes the objective strictly convex, so each Newton step is a descent direction and the
    iterations converge from zero. Each step is solved by conjugate gradients on Hessian-vector products (a
    dense solve per step is slow at 500 entries), to a relative accuracy that tightens as the gradient
    shrinks (superlinear convergence)."""
    import numpy as np

    for _ in range(MAX_NEWTON):
        g = gradient(s)
        size = float(np.linalg.norm(g))
        if size <= GRADIENT_TOLERANCE:
            break
        step = _conjugate_gradients(lambda v, s=s: curvature_times(s, v), -g, min(0.5, size ** 0.5) * size)
        # The full step, unless it fails to lower the objective enough (Armijo) and, near the optimum where
        # the objective changes below its rounding, also fails to shrink the gradient: then halve it.
        now, t = objective(s), 1.0
        if objective(s + step) > now + 1e-4 * float(g @ step) and np.linalg.norm(gradient(s + step)) >= size:
            t = 0.5
            while objective(s + t * step) > now + 1e-4 * t * float(g @ step) and t > 1e-10:
                t /= 2
        s = s + t * step
    return s


def agreement(fit_: PairwiseFit[E], judgements: Sequence[tuple[E, E]]) -> float | None:
    """The share of judgements consistent with the fitted ranking: the winner ranks above the loser (an
    exact tie in strength counts a half). None without judgements."""
    if not judgements:
        return None
    agreed = 0.0
    for winner, loser in judgements:
        gap = fit_.strength[winner] - fit_.strength[loser]
        agreed += 1.0 if gap > _EPS else 0.5 if gap >= -_EPS else 0.0
    return agreed / len(judgements)


#: The share of pairs that explore (the least-judged entry against a random partner) rather than exploit
#: (the most informative pair): comparing only close neighbours leaves the ends of the ranking loosely
#: tied together, and the fairness benchmark (docs/benchmarks.md) found an even mix best.
EXPLORE = 0.5


def next_pair(fit_: PairwiseFit[E], available: Sequence[E], done: Collection[frozenset], seed: int,
              explore: float = EXPLORE) -> tuple[E, E] | None:
    """The next pair among `available` (the entries this judge may see) that is not in `done` (the pairs
    this judge has already judged or skipped), in the order to show it (left, right). None when no pair is
    left.

    With chance `explore` (drawn from `seed`) the pair explores: the entry in fewest judgements, against a
    partner drawn at random. Otherwise it is the most informative pair: the one whose value
    p(1 - p) * (var_a + var_b) is highest, where p is the Bradley–Terry chance that a beats b (closest to a
    coin toss) and var the strengths' uncertainty. Ties (at the start, every pair) are broken by `seed`, as
    is which entry is shown first, so each judge sees their own order (no anchoring on a common first pair
    or on a side).
    """
    import numpy as np

    items = list(dict.fromkeys(available))
    n = len(items)
    if n < 2:
        return None
    s = np.array([fit_.strength.get(e, 0.0) for e in items])
    var = np.array([fit_.se.get(e, 1.0) ** 2 for e in items])
    p = _expit(s[:, None] - s[None, :])
    value = p * (1 - p) * (var[:, None] + var[None, :])
    value = np.round(value, 9)  # float noise must not outrank the seeded tie-break
    rng = np.random.default_rng(seed)
    jitter = rng.random((n, n))
    value[np.tril_indices(n)] = -np.inf
    position = {e: i for i, e in enumerate(items)}
    for pair in done:
        a, b = tuple(pair)
        if a in position and b in position:
            i, j = sorted((position[a], position[b]))
            value[i, j] = -np.inf
    open_ = np.isfinite(value)
    if not open_.any():
        return None
    if rng.random() < explore:
        open_ |= open_.T
        judged = np.array([fit_.judged.get(e, 0) for e in items])
        first = next(int(i) for i in np.lexsort((jitter[0], judged)) if open_[i].any())
        partners = np.flatnonzero(open_[first])
        i, j = first, int(partners[np.argmax(jitter[1][partners])])
    else:
        best = np.flatnonzero(value == value.max())
        i, j = divmod(int(best[np.argmax(jitter.ravel()[best])]), n)
    return (items[i], items[j]) if rng.random() < 0.5 else (items[j], items[i])
