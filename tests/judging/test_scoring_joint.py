"""The joint model (entry quality + judge leniency [x judge stretch]) and the fixed ranking rules.

The leniency-only fit is checked against an independent fit, statsmodels OLS with entry and judge
dummies, on random incomplete designs; the properties (a judge's constant offset, relabelling judges
or entries) are checked with Hypothesis.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from challenge.judging import scoring as s


def _random_design(rng: random.Random, judges: int, entries: int, k: int) -> dict[str, dict[str, float]]:
    """k judges per entry, drawn at random, and every judge linked to the first entry (one connected group)."""
    raw: dict[str, dict[str, float]] = {f"j{j}": {} for j in range(judges)}
    for e in range(entries):
        for j in rng.sample(range(judges), k) if e else range(judges):
            raw[f"j{j}"][f"e{e}"] = rng.randint(0, 40) / 10
    return raw


def _ols_reference(raw):
    """statsmodels OLS: score ~ entry dummies + judge dummies (first judge the reference)."""
    judges = sorted(raw)
    entries = sorted({e for sc in raw.values() for e in sc})
    rows, y = [], []
    for j in judges:
        for e, v in raw[j].items():
            x = np.zeros(len(entries) + len(judges) - 1)
            x[entries.index(e)] = 1
            if judges.index(j):
                x[len(entries) + judges.index(j) - 1] = 1
            rows.append(x)
            y.append(v)
    params = sm.OLS(np.array(y), np.array(rows)).fit().params
    judge_effect = np.r_[0.0, params[len(entries):]]
    # Our fit fixes the level by making leniencies sum to zero: shift the reference fit to match.
    shift = judge_effect.mean()
    quality = {e: params[i] + shift for i, e in enumerate(entries)}
    leniency = {j: judge_effect[i] - shift for i, j in enumerate(judges)}
    return quality, leniency


@pytest.mark.parametrize("seed", range(8))
def test_leniency_fit_matches_statsmodels_ols_on_random_incomplete_designs(seed):
    rng = random.Random(seed)
    raw = _random_design(rng, judges=rng.randint(3, 8), entries=rng.randint(5, 40), k=rng.choice((2, 3)))
    fit = s.joint_fit(raw, stretch=False)
    quality, leniency = _ols_reference(raw)
    assert fit.groups == 1
    assert fit.quality == pytest.approx(quality, abs=1e-6)
    assert fit.leniency == pytest.approx(leniency, abs=1e-6)


def test_k_per_entry_panel_example_from_the_issue():
    # Two judges drew strong entries, two drew weak ones; entry c links them (all four agree on it).
    # Per-judge z-scores call A (3.4, 3.3) below average and B (1.0, 1.2) above it; the joint model does not.
    strong = {"s1": 3.8, "s2": 3.9, "s3": 3.7}
    weak = {"w1": 0.2, "w2": 0.4, "w3": 0.3}
    raw = {
        "H1": strong | {"A": 3.4, "c": 2.0},
        "H2": strong | {"A": 3.3, "c": 2.0},
        "L1": weak | {"B": 1.0, "c": 2.0},
        "L2": weak | {"B": 1.2, "c": 2.0},
    }
    z = s.mean_z(raw)
    assert z["A"] < z["B"]  # the fault the issue reports
    fit = s.joint_fit(raw, stretch=False)
    assert fit.quality["A"] > fit.quality["B"]


def test_stretch_model_recovers_noise_free_scores():
    rng = random.Random(4)
    truth = {f"e{i}": rng.uniform(-1, 1) for i in range(12)}
    judges = {"a": (5.0, 1.0), "b": (6.0, 2.0), "c": (4.0, 0.5), "d": (5.5, 1.5)}
    raw = {j: {e: lo + st_ * q for e, q in truth.items() if rng.random() < 0.8 or e == "e0"}
           for j, (lo, st_) in judges.items()}
    fit = s.joint_fit(raw)
    est = [fit.quality[e] for e in sorted(truth)]
    assert np.corrcoef(est, [truth[e] for e in sorted(truth)])[0, 1] == pytest.approx(1.0, abs=1e-6)
    ratio = fit.stretch["b"] / fit.stretch["c"]
    assert ratio == pytest.approx(4.0, rel=1e-4)


def test_disconnected_design_is_fitted_in_groups():
    raw = {"a": {"x": 1, "y": 2}, "b": {"x": 2, "y": 3}, "c": {"p": 4, "q": 1}, "d": {}}
    fit = s.joint_fit(raw, stretch=False)
    assert fit.groups == 2
    assert fit.entry_group["x"] == fit.entry_group["y"] != fit.entry_group["p"] == fit.entry_group["q"]
    assert fit.judge_group["a"] == fit.judge_group["b"] == fit.entry_group["x"]
    assert "d" not in fit.judge_group
    assert s.joint_fit({}).groups == 0


designs = st.integers(0, 10_000).map(lambda seed: _random_design(random.Random(seed), 5, 12, 2))


def _order(values):
    return s.rank(values)


@settings(max_examples=40, deadline=None)
@given(designs, st.sampled_from(["j0", "j1", "j2", "j3", "j4"]), st.floats(-3, 3))
def test_adding_a_constant_to_one_judge_changes_no_ranking(raw, judge, constant):
    shifted = {j: {e: v + (constant if j == judge else 0) for e, v in sc.items()} for j, sc in raw.items()}
    assert _order(s.joint_fit(shifted, stretch=False).quality) == _order(s.joint_fit(raw, stretch=False).quality)
    assert _order(s.mean_z(shifted)) == _order(s.mean_z(raw))


@settings(max_examples=40, deadline=None)
@given(designs, st.permutations(range(5)), st.permutations(range(12)))
def test_relabelling_judges_or_entries_changes_nothing(raw, judge_perm, entry_perm):
    judges = {f"j{i}": f"j{p}" for i, p in enumerate(judge_perm)}
    entries = {f"e{i}": f"e{p}" for i, p in enumerate(entry_perm)}
    relabelled = {judges[j]: {entries[e]: v for e, v in reversed(list(sc.items()))}
                  for j, sc in reversed(list(raw.items()))}
    before = s.joint_fit(raw, stretch=False)
    after = s.joint_fit(relabelled, stretch=False)
    assert {entries[e]: q for e, q in before.quality.items()} == pytest.approx(after.quality, abs=1e-9)
    assert {entries[e]: z for e, z in s.mean_z(raw).items()} == pytest.approx(s.mean_z(relabelled), abs=1e-12)


def test_complete_entries_are_ranked_before_incomplete_ones():
    # the demo round: the only fully scored entry had the ninth-best score of ten
    score = {f"i{n}": 10.0 - n for n in range(9)} | {"full": 1.5, "none": None}
    complete = {"full": True}
    r = s.rank_entries(score, {}, {}, complete)
    assert r["full"] == 1
    assert [r[f"i{n}"] for n in range(9)] == list(range(2, 11))
    assert r["none"] == 11
    assert "waiting for sheets are ranked after them" in s.TIE_BREAK_RULE
    assert "without a complete score come last" not in s.TIE_BREAK_RULE


# --------------------------------------------------------------------------- intervals (point 2)


@pytest.mark.parametrize("seed", range(4))
def test_duplicating_the_whole_panel_narrows_the_intervals(seed):
    raw = _random_design(random.Random(seed), 5, 15, 3)
    twice = raw | {f"{j}'": dict(sc) for j, sc in raw.items()}
    one, two = s.bootstrap_intervals(raw), s.bootstrap_intervals(twice)
    assert set(one) == set(two) == {e for sc in raw.values() for e in sc}
    width = lambda iv: np.mean([b - a for a, b in iv.values()])  # noqa: E731
    assert width(two) < width(one) * 0.85
    for e, (a, b) in two.items():
        assert a <= s.mean_z(twice)[e] <= b


def test_intervals_are_reproducible_and_refuse_nonsense():
    raw = _random_design(random.Random(1), 4, 10, 2)
    assert s.bootstrap_intervals(raw) == s.bootstrap_intervals(raw)
    assert s.bootstrap_intervals({}) == {}
    with pytest.raises(ValueError):
        s.bootstrap_intervals(raw, level=1.5)


def test_too_close_marks_overlapping_neighbours_only():
    iv = {"a": (3.0, 4.0), "b": (2.5, 3.2), "c": (1.0, 2.0), "d": (0.5, 1.5)}
    assert s.too_close(["a", "b", "c", "d", "x"], iv) == {"a", "c"}
    assert s.too_close(["a"], iv) == set()


def test_bootstrap_intervals_do_not_depend_on_the_order_the_sheets_come_in():
    """The database returns score rows in no fixed order; the "too close to call" marks must not move with it."""
    rng = random.Random(5)
    raw = {f"judge {j}": {f"entry {e}": float(rng.randint(0, 4)) for e in range(12) if rng.random() < 0.8}
           for j in range(5)}
    expected = s.bootstrap_intervals(raw)
    for _ in range(3):
        judges = list(raw)
        rng.shuffle(judges)
        shuffled = {}
        for j in judges:
            items = list(raw[j].items())
            rng.shuffle(items)
            shuffled[j] = dict(items)
        assert s.bootstrap_intervals(shuffled) == expected
