"""Tests for challenge.judging.scoring (pure arithmetic of a judging panel).

Reference values come from independent implementations: pingouin (Kendall's W,
which in pingouin >= 0.5 applies the tie correction), scipy's
friedmanchisquare (tie-corrected; W = chi2 / (m (n - 1))), and the
krippendorff package (alpha).
"""

from __future__ import annotations

import math
import warnings
from datetime import datetime, timedelta

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import friedmanchisquare

from challenge.judging import scoring as s

NAN = float("nan")

# --------------------------------------------------------------------------- weighted_score


def test_weighted_score_is_weighted_mean_on_the_rubric_scale():
    # (4*50 + 2*30 + 1*20) / 100 = 2.8; weights summing to 10 give the same answer.
    assert s.weighted_score({"a": 4, "b": 2, "c": 1}, {"a": 50, "b": 30, "c": 20}) == pytest.approx(2.8)
    assert s.weighted_score({"a": 4, "b": 2, "c": 1}, {"a": 5, "b": 3, "c": 2}) == pytest.approx(2.8)
    assert s.weighted_score({"a": 3, "b": 1}, {"a": 1, "b": 0}) == pytest.approx(3.0)


def test_weighted_score_incomplete_is_none():
    assert s.weighted_score({"a": 4}, {"a": 50, "b": 50}) is None
    assert s.weighted_score({"a": 4, "b": None}, {"a": 50, "b": 50}) is None


@pytest.mark.parametrize(
    "values, weights",
    [
        ({"a": 1}, {}),  # empty rubric
        ({"a": 1}, {"a": -1}),  # negative weight
        ({"a": 1, "b": 1}, {"a": 0, "b": 0}),  # no weight at all
        ({"a": 1}, {"a": NAN}),
        ({"a": NAN}, {"a": 1}),
        ({"a": 1, "zzz": 2}, {"a": 1}),  # criterion not in rubric
    ],
)
def test_weighted_score_refusals(values, weights):
    with pytest.raises(ValueError):
        s.weighted_score(values, weights)


# --------------------------------------------------------------------------- normalise

BASE = {"e1": 2, "e2": 4, "e3": 5, "e4": 7}


def test_judge_z_scores_population_sd_and_degenerate_judges_left_out():
    raw = {"A": {"x": 2, "y": 4}, "B": {"x": 6, "y": 6}, "C": {"x": 9}, "D": {}}
    assert s.judge_z_scores(raw) == {"A": {"x": -1.0, "y": 1.0}}
    assert s.z_excluded(raw) == {"B": "gave every entry the same score", "C": "scored only one entry"}
    # the old behaviour, kept for the fairness benchmark's comparison: z = 0 for both
    assert s.judge_z_scores(raw, keep_degenerate=True) == {
        "A": {"x": -1.0, "y": 1.0}, "B": {"x": 0.0, "y": 0.0}, "C": {"x": 0.0}}


def test_one_entry_judge_no_longer_flips_the_top_two():
    # Both judges who scored A and B prefer A; C scored only A. Counting C as "exactly average"
    # (z = 0) pulled A below B; left out, A is first.
    raw = {"J1": {"A": 5, "B": 4.8, "c": 1}, "J2": {"A": 4, "B": 3.9, "c": 1}, "C": {"A": 5}}
    old = {e: sum(zs) / len(zs) for e, zs in _per_entry(s.judge_z_scores(raw, keep_degenerate=True)).items()}
    assert old["B"] > old["A"]  # the bug as it was
    new = s.normalise(raw, 0, 5)
    assert new["A"] > new["B"]


def _per_entry(z):
    out = {}
    for scores in z.values():
        for e, v in scores.items():
            out.setdefault(e, []).append(v)
    return out


def test_lenient_judge_and_harsh_judge_normalise_identically():
    lenient = {e: v + 2 for e, v in BASE.items()}
    assert s.normalise({"L": lenient}, 0, 10) == pytest.approx(s.normalise({"H": BASE}, 0, 10))


def test_lenient_and_harsh_judges_on_disjoint_entries_same_ordering():
    # The lenient judge's worst entry out-scores the harsh judge's best on raw scores;
    # after normalisation the k-th entry of each judge sits level.
    harsh = {f"h{i}": v for i, v in enumerate(BASE.values())}
    lenient = {f"l{i}": v + 3 for i, v in enumerate(BASE.values())}
    out = s.normalise({"H": harsh, "L": lenient}, 0, 10)
    for i in range(4):
        assert out[f"h{i}"] == pytest.approx(out[f"l{i}"])
    assert out["h3"] > out["h2"] > out["h1"] > out["h0"]
    assert out["h3"] > out["l0"]  # raw: 7 < 5


def test_normalise_mapping_and_different_subsets():
    # A: x=2, y=4 -> z -1, +1.  B: y=4, w=8 -> z -1, +1.  Scale 0-10: z=0 -> 5, 1 sd -> 2 points.
    out = s.normalise({"A": {"x": 2, "y": 4}, "B": {"y": 4, "w": 8}}, 0, 10)
    assert out == pytest.approx({"x": 3.0, "y": 5.0, "w": 7.0})  # y: mean z 0
    # a constant judge is left out: y keeps A's z alone
    out = s.normalise({"A": {"x": 2, "y": 4}, "B": {"y": 6, "w": 6}}, 0, 10)
    assert out == pytest.approx({"x": 3.0, "y": 7.0})


def test_constant_or_single_entry_judge_has_no_normalised_score():
    assert s.normalise({"A": {"x": 3, "y": 3, "z": 3}}, 1, 5) == {}
    assert s.normalise({"A": {"x": 4}}, 0, 4) == {}
    # float noise in "equal" weighted scores must not become z = +-1
    assert s.normalise({"A": {"x": 3.3, "y": 3.3000000000000003}}, 0, 10) == {}
    assert s.z_excluded({"A": {"x": 3.3, "y": 3.3000000000000003}}) == {"A": "gave every entry the same score"}


def test_normalise_does_not_clip_outliers():
    scores = {f"e{i}": 5 for i in range(19)} | {"star": 10}  # z of star = sqrt(19) > 2.5
    out = s.normalise({"A": scores}, 0, 10)
    assert out["star"] == pytest.approx(5 + math.sqrt(19) / 2.5 * 5)
    assert out["star"] > 10


def test_two_outstanding_entries_are_not_levelled_by_clipping():
    # Two narrow-scale judges prefer X, one wide-scale judge prefers Y; both sit above 2.5 sd. Clipped,
    # both were level at the top of the scale and the raw mean (which favours Y) decided.
    rest = {f"e{i}": 2 for i in range(30)}
    wide = {f"e{i}": 0 if i % 2 else 5 for i in range(30)}
    raw = {"A": rest | {"X": 4, "Y": 3.6}, "B": rest | {"X": 4, "Y": 3.6}, "C": wide | {"X": 6, "Y": 10}}
    z = s.mean_z(raw)
    assert z["X"] > z["Y"] > 2.5
    out = s.normalise(raw, 0, 10)
    assert out["X"] > out["Y"] > 10
    mean = {e: sum(raw[j][e] for j in raw) / 3 for e in "XY"}
    assert s.rank_entries(out, mean, {})["X"] == 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from("ABCD"),
        st.dictionaries(st.sampled_from("pqrstuvw"), st.integers(1, 5) | st.none(), max_size=8),
        max_size=4,
    )
)
def test_normalise_covers_entries_of_usable_judges_and_follows_mean_z(raw):
    out = s.normalise(raw, 1, 5)
    excluded = s.z_excluded(raw)
    scored = {e for j, scores in raw.items() if j not in excluded for e, v in scores.items() if v is not None}
    assert set(out) == scored
    z = s.mean_z(raw)
    assert out == pytest.approx({e: 3 + z[e] / s.Z_SPAN * 2 for e in z})


def test_normalise_refusals():
    with pytest.raises(ValueError):
        s.normalise({"A": {"x": 11}}, 0, 10)  # off the scale
    with pytest.raises(ValueError):
        s.normalise({"A": {"x": 1}}, 5, 5)
    with pytest.raises(ValueError):
        s.normalise({"A": {"x": NAN}}, 0, 10)


# --------------------------------------------------------------------------- rank


def test_rank_higher_is_better_and_none_last():
    r = s.rank({"a": 2.0, "b": None, "c": 9.0, "d": 5.0, "e": None})
    assert r == {"c": 1, "d": 2, "a": 3, "b": 4, "e": 4}
    assert list(r) == ["c", "d", "a", "b", "e"]


def test_rank_ties_share_rank_without_tie_break():
    assert s.rank({"a": 3, "b": 3, "c": 1}) == {"a": 1, "b": 1, "c": 3}
    assert s.rank({"a": 0.1 + 0.2, "b": 0.3}) == {"a": 1, "b": 1}  # float noise is a tie


def test_rank_entries_follows_the_documented_rule():
    t0 = datetime(2025, 1, 1)
    normalised = {"a": 7.0, "b": 7.0, "c": 7.0, "d": 7.0, "e": 8.0, "f": None}
    raw_mean = {"a": 3.5, "b": 4.0, "c": 3.5, "d": 3.5, "e": 1.0, "f": 5.0}
    submitted = {"a": t0 + timedelta(hours=2), "b": t0 + timedelta(hours=3), "c": t0, "d": t0, "e": t0, "f": t0}
    r = s.rank_entries(normalised, raw_mean, submitted)
    # e: best normalised.  b: higher raw mean.  c, d: earlier than a, and level with each other.
    assert r == {"e": 1, "b": 2, "c": 3, "d": 3, "a": 5, "f": 6}
    assert "higher raw mean" in s.TIE_BREAK_RULE and "earlier submission" in s.TIE_BREAK_RULE


def test_rank_unscored_entries_are_not_tie_broken():
    r = s.rank({"a": None, "b": None, "c": 1.0}, [s.TieKey({"a": 1.0, "b": 2.0, "c": 0.0})])
    assert r == {"c": 1, "a": 2, "b": 2}


def test_rank_missing_tie_key_loses_the_tie():
    r = s.rank({"a": 1, "b": 1}, [s.TieKey({"b": 0.0})])
    assert r == {"b": 1, "a": 2}


def test_rank_refuses_nan():
    with pytest.raises(ValueError):
        s.rank({"a": NAN})


# --------------------------------------------------------------------------- disagreement


def test_disagreement_is_range_over_scale_width():
    assert s.disagreement([3, 5, 4], 1, 5) == pytest.approx(0.5)
    assert s.disagreement([7], 0, 10) == 0.0
    assert s.disagreement([], 0, 10) == 0.0


def test_is_disputed_threshold_is_strict():
    assert s.DISAGREEMENT_THRESHOLD == 0.25
    assert not s.is_disputed([3, 4], 1, 5)  # exactly 25 %
    assert s.is_disputed([3, 5], 1, 5)
    assert not s.is_disputed([4, 6.5], 0, 10)
    assert s.is_disputed([4, 6.6], 0, 10)
    assert s.is_disputed([1, 2], 0, 4, threshold=0.2)


@pytest.mark.parametrize("scores, lo, hi", [([1, 6], 1, 5), ([1, NAN], 0, 10), ([1, 2], 4, 4)])
def test_disagreement_refusals(scores, lo, hi):
    with pytest.raises(ValueError):
        s.disagreement(scores, lo, hi)
    with pytest.raises(ValueError):
        s.is_disputed(scores, lo, hi)


# --------------------------------------------------------------------------- Kendall's W

W_FIXTURES = [
    [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]],  # perfect agreement
    [[1, 2, 3], [3, 2, 1]],  # perfect disagreement
    [[9, 7, 8, 4, 6], [8, 7, 9, 5, 5], [10, 6, 7, 3, 7], [7, 8, 8, 4, 6]],  # ties within judges
    [[2, 2, 3, 4, 1], [1, 3, 3, 3, 2], [4, 4, 4, 1, 1]],  # heavy ties
    [[0.5, 3.25, 2.0], [1.0, 4.0, 0.0], [2.5, 2.5, 2.5]],  # one all-equal judge
]


def _pingouin_w(matrix):
    rows = [(j, e, v) for j, row in enumerate(matrix) for e, v in enumerate(row)]
    df = pd.DataFrame(rows, columns=["judge", "entry", "score"])
    # subject = judge (each judge ranks), within = entry (what gets ranked)
    return float(pg.friedman(data=df, dv="score", within="entry", subject="judge", method="chisq")["W"].iloc[0])


def _scipy_w(matrix):
    m, n = len(matrix), len(matrix[0])
    chi2 = friedmanchisquare(*np.asarray(matrix, dtype=float).T).statistic  # one sample per entry
    return chi2 / (m * (n - 1))


@pytest.mark.parametrize("matrix", W_FIXTURES)
def test_kendalls_w_matches_pingouin_and_scipy(matrix):
    ours = s.kendalls_w(matrix)
    assert ours == pytest.approx(_pingouin_w(matrix), abs=1e-12)
    assert ours == pytest.approx(_scipy_w(matrix), abs=1e-9)


def test_kendalls_w_known_values_and_tie_correction():
    assert s.kendalls_w(W_FIXTURES[0]) == pytest.approx(1.0)
    assert s.kendalls_w(W_FIXTURES[1]) == pytest.approx(0.0)
    # Two judges, a tied pair in both: ranks (1.5, 1.5, 3) each, rank sums (3, 3, 6), S = 6.
    # Tie-corrected W = 12*6 / (4*24 - 2*12) = 1.0; without the correction it would be 0.75.
    assert s.kendalls_w([[1, 1, 2], [5, 5, 9]]) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda n: st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=2, max_size=5)
    )
)
def test_kendalls_w_property_against_pingouin(matrix):
    ours = s.kendalls_w(matrix)
    if all(len(set(row)) == 1 for row in matrix):
        assert ours is None
    else:
        assert ours == pytest.approx(_pingouin_w(matrix), abs=1e-9)
        assert -1e-12 <= ours <= 1 + 1e-12


def test_kendalls_w_degenerate_cases():
    assert s.kendalls_w([]) is None
    assert s.kendalls_w([[1, 2, 3]]) is None  # one judge
    assert s.kendalls_w([[1], [2]]) is None  # one entry
    assert s.kendalls_w([[3, 3, 3], [2, 2, 2]]) is None  # nobody ordered anything


@pytest.mark.parametrize("matrix", [[[1, 2], [1]], [[1, None], [1, 2]], [[1, NAN], [1, 2]]])
def test_kendalls_w_refusals(matrix):
    with pytest.raises(ValueError):
        s.kendalls_w(matrix)


# --------------------------------------------------------------------------- Krippendorff's alpha

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", 4 coders x 12 units.
PAPER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

ALPHA_FIXTURES = [
    PAPER,
    [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]],  # perfect agreement
    [[0, 10, None, 4, 4], [2, 9, 7, None, 4], [1, None, 6, 5, 3]],  # missing + ties
    [[1.5, 2.5, 2.5, None], [2.0, 2.5, None, 3.0], [None, 3.0, 1.0, 3.0]],  # non-integer scores
    [[3, 3, 1, 1], [1, 1, 3, 3]],  # systematic disagreement (negative alpha)
]


def _package_alpha(data, level):
    arr = np.array([[NAN if v is None else v for v in row] for row in data], dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            value = float(krippendorff.alpha(reliability_data=arr, level_of_measurement=level))
        except ValueError:  # package refuses: one value in the domain / nothing pairable
            return None
    return value if math.isfinite(value) else None


@pytest.mark.parametrize("level", ["interval", "ordinal", "nominal"])
@pytest.mark.parametrize("data", ALPHA_FIXTURES)
def test_alpha_matches_krippendorff_package(data, level):
    expected = _package_alpha(data, level)
    assert expected is not None
    assert s.krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_alpha_paper_example_published_values():
    assert round(s.krippendorff_alpha(PAPER, "interval"), 3) == 0.849
    assert round(s.krippendorff_alpha(PAPER, "ordinal"), 3) == 0.815
    assert round(s.krippendorff_alpha(PAPER, "nominal"), 3) == 0.743
    assert s.krippendorff_alpha(PAPER) == s.krippendorff_alpha(PAPER, "interval")


def test_alpha_accepts_nan_as_missing():
    with_nan = [[NAN if v is None else v for v in row] for row in PAPER]
    assert s.krippendorff_alpha(with_nan) == pytest.approx(s.krippendorff_alpha(PAPER))


def test_alpha_ignores_single_score_units():
    # Adding a unit only one judge scored must not move alpha.
    base = [[1, 2, 4], [1, 3, 4]]
    padded = [[1, 2, 4, 9], [1, 3, 4, None]]
    assert s.krippendorff_alpha(padded) == pytest.approx(s.krippendorff_alpha(base))


def test_alpha_not_computable_is_none():
    assert s.krippendorff_alpha([]) is None
    assert s.krippendorff_alpha([[1, None], [None, 2]]) is None  # nothing pairable
    assert s.krippendorff_alpha([[3, 3], [3, 3]]) is None  # zero expected disagreement
    assert s.krippendorff_alpha([[3, 3, 9], [3, 3, None]]) is None  # 9 is unpairable
    assert s.krippendorff_alpha([[1, 2, 3]]) is None  # one judge


@pytest.mark.parametrize(
    "data, level", [([[1, 2], [1, 2]], "ratio"), ([[1, 2], [1]], "interval"), ([[1, math.inf], [1, 2]], "interval")]
)
def test_alpha_refusals(data, level):
    with pytest.raises(ValueError):
        s.krippendorff_alpha(data, level)


_cell = st.none() | st.integers(0, 10) | st.integers(0, 20).map(lambda v: v / 2)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 8).flatmap(lambda n: st.lists(st.lists(_cell, min_size=n, max_size=n), min_size=2, max_size=5)),
    st.sampled_from(["interval", "ordinal", "nominal"]),
)
def test_alpha_property_against_krippendorff_package(data, level):
    ours = s.krippendorff_alpha(data, level)
    expected = _package_alpha(data, level)
    if expected is None:
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-9, rel=1e-9)


# --------------------------------------------------------------------------- calibration

PANEL = {
    "A": {"e1": 5, "e2": 6},
    "L": {"e1": 7, "e2": 8, "e3": None},  # None = not scored yet
    "H": {"e1": 4, "e2": 5},
    "Solo": {"e9": 3},
    "Idle": {},
}


def test_calibration_leniency_sign_and_values():
    cal = s.calibration(PANEL)
    # L: e1 7 - mean(5, 4) = 2.5; e2 8 - mean(6, 5) = 2.5
    assert cal["L"].leniency == pytest.approx(2.5) and cal["L"].overlap == 2
    # H: e1 4 - mean(5, 7) = -2; e2 5 - mean(6, 8) = -2
    assert cal["H"].leniency == pytest.approx(-2.0)
    assert cal["A"].leniency == pytest.approx(-0.5)


def test_calibration_counts_mean_population_sd():
    cal = s.calibration(PANEL)
    assert (cal["L"].count, cal["L"].mean, cal["L"].sd) == (2, 7.5, 0.5)
    assert cal["Solo"] == s.Calibration(count=1, mean=3.0, sd=0.0, leniency=0.0, overlap=0)
    assert cal["Idle"] == s.Calibration(count=0, mean=None, sd=None, leniency=0.0, overlap=0)


def test_calibration_refuses_nan():
    with pytest.raises(ValueError):
        s.calibration({"A": {"e1": NAN}})


# --------------------------------------------------------------------------- meets_threshold


def test_meets_threshold_percent_of_maximum():
    assert s.meets_threshold(3.5, 5, 70)
    assert not s.meets_threshold(3.49, 5, 70)
    assert s.meets_threshold(7 - 1e-12, 10, 70)  # float noise below 7 still counts as 7
    assert s.meets_threshold(0, 4, 0)
    assert not s.meets_threshold(9.99, 10, 100)


@pytest.mark.parametrize(
    "score, scale_max, pct", [(3, 5, 101), (3, 5, -1), (3, 5, 70.5), (3, 5, True), (NAN, 5, 70), (3, 0, 70)]
)
def test_meets_threshold_refusals(score, scale_max, pct):
    with pytest.raises(ValueError):
        s.meets_threshold(score, scale_max, pct)
