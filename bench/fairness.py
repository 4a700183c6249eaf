"""Fairness benchmark (not a test): which ranking method recovers the truth on simulated panels.

    python -m bench.fairness [--panels 1000] [--seed 12]

Each simulated panel has 60 entries with a known true quality and 8 judges: six ordinary judges with
their own leniency (an offset) and their own stretch of the scale (squashed or stretched), one erratic
judge (four times the noise), and one judge who scores a single entry. Two designs: k = 3 (each entry
scored by three of the seven regular judges, drawn at random), k = all (the seven score every entry), and
k = 3 by theme (two themes of 30 entries, the first a full sd stronger on average; judges 0-2 specialise
in it and judges 3-6 in the other: each entry gets two judges of its theme and one from the other, so
judges do not see an average set of entries).
Scores are on a 0-10 scale, kept within it and rounded to halves, as weighted score sheets are.

With --pairwise the same judges also compare pairs instead of scoring, for the same judging time (a
comparison costs a third of a score sheet; see PAIRWISE_METHODS).

For each method the table gives Kendall's tau between its ranking and the truth, the precision of its
top three (how many of the true top three it names, out of three), and how often the true winner comes
first. Means over the panels, with a 95 % interval for the mean (normal approximation).
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.stats import kendalltau

from challenge.judging import scoring
from challenge.judging.scoring import pairwise

ENTRIES, REGULAR, K = 60, 7, 3
SCALE = (0.0, 10.0)


def panel(rng: np.random.Generator, design: str):
    truth = rng.normal(0.0, 1.0, ENTRIES)
    theme = np.arange(ENTRIES) < ENTRIES // 2
    if design == "theme":
        truth = truth + np.where(theme, 0.5, -0.5)
    leniency = rng.normal(0.0, 0.8, REGULAR + 1)
    stretch = np.exp(rng.normal(0.0, 0.4, REGULAR + 1))
    noise = np.full(REGULAR + 1, 0.6)
    noise[REGULAR - 1] = 2.4  # the erratic judge
    raw: dict[int, dict[int, float]] = {j: {} for j in range(REGULAR + 1)}

    def score(j: int, e: int) -> float:
        v = 5.0 + leniency[j] + 1.3 * stretch[j] * truth[e] + rng.normal(0.0, noise[j])
        return float(min(SCALE[1], max(SCALE[0], round(v * 2) / 2)))

    for e in range(ENTRIES):
        if design == "all":
            judges = range(REGULAR)
        elif design == "theme":
            own, other = ([0, 1, 2], [3, 4, 5, 6]) if theme[e] else ([3, 4, 5, 6], [0, 1, 2])
            judges = [*rng.choice(own, 2, replace=False), rng.choice(other)]
        else:
            judges = rng.choice(REGULAR, K, replace=False)
        for j in judges:
            raw[int(j)][e] = score(int(j), e)
    raw[REGULAR][int(rng.integers(ENTRIES))] = score(REGULAR, 0)  # the judge who scores one entry
    # The same judges comparing instead of scoring: each perceives an entry as its true quality plus their
    # own noise, measured in their own units of the scale (so a squashed judge is noisier), and leniency
    # plays no part. `sheets` is the number of score sheets in the design: the judging time to match.
    perceive = noise / (1.3 * stretch)
    return truth, raw, (perceive, sum(len(v) for v in raw.values()))


def raw_mean(raw):
    by_entry: dict[int, list[float]] = {}
    for scores in raw.values():
        for e, v in scores.items():
            by_entry.setdefault(e, []).append(v)
    return {e: sum(v) / len(v) for e, v in by_entry.items()}


def z_old(raw):
    """Per-judge z-scores as the panel page computed them before: degenerate judges count as z = 0."""
    per: dict[int, list[float]] = {}
    for scores in scoring.judge_z_scores(raw, keep_degenerate=True).values():
        for e, z in scores.items():
            per.setdefault(e, []).append(z)
    return {e: sum(v) / len(v) for e, v in per.items()}


def z_new(raw):
    return scoring.mean_z(raw)


METHODS = {
    "raw mean": raw_mean,
    "z-score (old: one-entry judge as z = 0)": z_old,
    "z-score (degenerate judges left out)": z_new,
    "joint model, leniency only": lambda raw: scoring.joint_fit(raw, stretch=False).quality,
    "joint model, leniency + stretch": lambda raw: scoring.joint_fit(raw).quality,
}


# --- pairwise judging at the same judging time ---------------------------------------------------------
#
# A comparison is assumed to take a third of the time of a score sheet (two entries read side by side and
# one question, against a sheet of several criteria): the design's score sheets buy three times as many
# comparisons, shared evenly among the seven regular judges (the one-entry judge makes three). The pairs
# are chosen as the app chooses them (scoring.pairwise.next_pair), refitting after each judge has made
# one more; "most informative pairs only" never explores; "random pairs" is the same budget without
# active selection.

COMPARISONS_PER_SHEET = 3


def _judge(rng, truth, perceive, j: int, a: int, b: int, hurry: float) -> tuple[int, int]:
    sd = perceive[j] * hurry
    return (a, b) if truth[a] + rng.normal(0.0, sd) > truth[b] + rng.normal(0.0, sd) else (b, a)


def pairwise_method(adaptive: bool, hurry: float = 1.0, explore: float = pairwise.EXPLORE):
    def method(rng, truth, judges) -> dict[int, float]:
        perceive, sheets = judges
        budget = COMPARISONS_PER_SHEET * sheets
        items = list(range(ENTRIES))
        done: dict[int, set[frozenset]] = {j: set() for j in range(REGULAR + 1)}
        made: list[tuple[int, int]] = []
        one_entry = [(REGULAR, *rng.choice(ENTRIES, 2, replace=False)) for _ in range(COMPARISONS_PER_SHEET)]
        for j, a, b in one_entry:
            made.append(_judge(rng, truth, perceive, j, int(a), int(b), hurry))
        fit = pairwise.fit(items, made)
        while len(made) < budget:
            for j in range(REGULAR):
                if len(made) >= budget:
                    break
                if adaptive:
                    pair = pairwise.next_pair(fit, items, done[j], seed=int(rng.integers(1 << 30)), explore=explore)
                else:
                    pair = tuple(int(x) for x in rng.choice(ENTRIES, 2, replace=False))
                    while frozenset(pair) in done[j]:
                        pair = tuple(int(x) for x in rng.choice(ENTRIES, 2, replace=False))
                done[j].add(frozenset(pair))
                made.append(_judge(rng, truth, perceive, j, *pair, hurry))
            fit = pairwise.fit(items, made)
        return fit.strength

    return method


PAIRWISE_METHODS = {
    "pairwise, random pairs (same time)": pairwise_method(adaptive=False),
    "pairwise, most informative pairs only (same time)": pairwise_method(adaptive=True, explore=0.0),
    "pairwise, the app's pairs: informative and exploring (same time)": pairwise_method(adaptive=True),
    "pairwise, the app's pairs, twice the noise (same time)": pairwise_method(adaptive=True, hurry=2.0),
}


def measure(truth, estimate: dict[int, float]) -> tuple[float, float, float]:
    est = np.array([estimate[e] for e in range(ENTRIES)])
    tau = kendalltau(truth, est).statistic
    true_top = set(np.argsort(-truth)[:3])
    top3 = len(true_top & set(np.argsort(-est, kind="stable")[:3])) / 3
    winner = float(np.argmax(est) == np.argmax(truth) and np.sum(est == est.max()) == 1)
    return tau, top3, winner


DESIGNS = {"k": "k = 3", "all": "k = all", "theme": "k = 3 by theme"}


def run(panels: int, seed: int, designs: list[str], with_pairwise: bool = False) -> dict[str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, np.ndarray]] = {}
    extra = PAIRWISE_METHODS if with_pairwise else {}
    for key in designs:
        design = DESIGNS[key]
        rows: dict[str, list[tuple[float, float, float]]] = {m: [] for m in [*METHODS, *extra]}
        for _ in range(panels):
            truth, raw, judges = panel(rng, key)
            for name, method in METHODS.items():
                rows[name].append(measure(truth, method(raw)))
            for name, method in extra.items():
                rows[name].append(measure(truth, method(rng, truth, judges)))
        out[design] = {m: np.array(v) for m, v in rows.items()}
    return out


def table(results, panels: int) -> str:
    def cell(values: np.ndarray) -> str:
        half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
        return f"{values.mean():.3f} ± {half:.3f}"

    lines = []
    for design, by_method in results.items():
        lines += [f"**{design}** ({panels} panels)", "",
                  "| method | Kendall's tau to the truth | top-3 precision | true winner first |",
                  "|---|---|---|---|"]
        for name, values in by_method.items():
            lines.append(f"| {name} | {cell(values[:, 0])} | {cell(values[:, 1])} | {cell(values[:, 2])} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--designs", default="k,all,theme", help="comma-separated: k, all, theme")
    parser.add_argument("--pairwise", action="store_true",
                        help="also simulate pairwise judging at the same judging time (slower: about a second a panel)")
    args = parser.parse_args()
    started = time.monotonic()
    results = run(args.panels, args.seed, args.designs.split(","), args.pairwise)
    print(table(results, args.panels))
    print(f"({time.monotonic() - started:.0f} s, seed {args.seed})")


if __name__ == "__main__":
    main()
