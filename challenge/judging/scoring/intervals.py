"""How sure the ranking is: bootstrap intervals over score sheets, and entries too close to call."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from challenge.judging.scoring.checks import _EPS, E, J, _clean

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
    # Sheets in a canonical order (judges, then entries, sorted), so the same sheets give the same intervals
    # whatever order the database returned them in: the resampling draws sheets by position.
    judges = sorted(j for j in clean if clean[j])
    sheets = [(j, e, clean[j][e]) for j in judges for e in sorted(clean[j])]
    entries = sorted({e for _, e, _ in sheets})
    if not entries:
        return {}
    j_index, e_index = {j: i for i, j in enumerate(judges)}, {e: i for i, e in enumerate(entries)}
    j_idx = np.array([j_index[j] for j, _, _ in sheets])
    e_idx = np.array([e_index[e] for _, e, _ in sheets])
    y = np.array([float(v) for _, _, v in sheets])
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
    # Usually every entry has enough draws: then no copy of the draws (the request's peak of memory).
    low, high = np.nanpercentile(values if enough.all() else values[:, enough], [tail, 100 - tail], axis=0)
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
