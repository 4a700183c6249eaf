"""Pairwise judging's arithmetic (challenge/judging/scoring/pairwise.py).

The Bradley–Terry fit is checked against an independent one, choix's opt_pairwise with the same ridge
penalty, on random data to 1e-6; the properties: relabelling or reordering changes nothing, a consistent
dominance order is recovered with agreement 1.0, more judgements narrow the intervals, and the next pair
is never one already judged.
"""
from __future__ import annotations

import random

import choix
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from challenge.judging.scoring import pairwise as pw


def _random_judgements(rng: random.Random, n: int, m: int) -> list[tuple[int, int]]:
    truth = [rng.gauss(0, 1.5) for _ in range(n)]
    out = []
    for _ in range(m):
        a, b = rng.sample(range(n), 2)
        p = 1 / (1 + np.exp(truth[b] - truth[a]))
        out.append((a, b) if rng.random() < p else (b, a))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_fit_matches_choix_opt_pairwise(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 25)
    data = _random_judgements(rng, n, rng.randint(n, 6 * n))
    ours = pw.fit(list(range(n)), data)
    theirs = choix.opt_pairwise(n, data, alpha=pw.PENALTY, method="Newton-CG", tol=1e-12)
    assert np.allclose([ours.strength[i] for i in range(n)], theirs, atol=1e-6)
    assert abs(sum(ours.strength.values())) < 1e-6  # the penalty fixes the origin: strengths sum to zero


def test_standard_errors_are_the_inverse_hessian_of_choix_objective():
    rng = random.Random(3)
    data = _random_judgements(rng, 8, 40)
    ours = pw.fit(list(range(8)), data)
    fcts = choix.opt.PairwiseFcts(data, pw.PENALTY)
    se = np.sqrt(np.diag(np.linalg.inv(fcts.hessian(np.array([ours.strength[i] for i in range(8)])))))
    assert np.allclose([ours.se[i] for i in range(8)], se, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_relabelling_and_reordering_change_nothing(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 10)
    data = _random_judgements(rng, n, rng.randint(1, 30))
    base = pw.fit(list(range(n)), data)
    names = [f"entry-{i}" for i in rng.sample(range(1000), n)]
    order = rng.sample(range(n), n)
    shuffled = rng.sample(data, len(data))
    other = pw.fit([names[i] for i in order], [(names[a], names[b]) for a, b in shuffled])
    for i in range(n):
        assert other.strength[names[i]] == pytest.approx(base.strength[i], abs=1e-7)
        assert other.se[names[i]] == pytest.approx(base.se[i], abs=1e-7)
    assert pw.agreement(other, [(names[a], names[b]) for a, b in data]) == pytest.approx(pw.agreement(base, data))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(0, 10_000))
def test_a_consistent_dominance_order_is_recovered_with_full_agreement(n, seed):
    rng = random.Random(seed)
    truth = rng.sample(range(n), n)  # truth[0] is best
    data = [(truth[i], truth[j]) for i in range(n) for j in range(i + 1, n)]
    found = pw.fit(list(range(n)), rng.sample(data, len(data)))
    assert found.order() == truth
    assert pw.agreement(found, data) == 1.0


def test_agreement_counts_judgements_against_the_ranking():
    found = pw.fit(["a", "b", "c"], [("a", "b")] * 3 + [("b", "c")] * 3 + [("c", "a")])
    assert found.order() == ["a", "b", "c"]
    assert pw.agreement(found, [("a", "b")] * 3 + [("b", "c")] * 3 + [("c", "a")]) == pytest.approx(6 / 7)
    assert pw.agreement(found, []) is None


def test_more_judgements_narrow_the_intervals():
    data = _random_judgements(random.Random(5), 6, 30)
    once, twice = pw.fit(list(range(6)), data), pw.fit(list(range(6)), data * 2)
    for e in range(6):
        lo1, hi1 = once.intervals()[e]
        lo2, hi2 = twice.intervals()[e]
        assert hi2 - lo2 < hi1 - lo1


def test_unknown_entry_or_self_comparison_is_refused():
    with pytest.raises(ValueError):
        pw.fit([1, 2], [(1, 3)])
    with pytest.raises(ValueError):
        pw.fit([1, 2], [(1, 1)])
    assert pw.fit([], []).strength == {}
    untouched = pw.fit([1, 2], [])
    assert untouched.strength == {1: 0.0, 2: 0.0} and untouched.judged == {1: 0, 2: 0}


def test_the_most_informative_pair_is_the_least_seen_and_exploring_starts_from_the_least_judged():
    found = pw.fit([1, 2, 3, 4], [(1, 2)] * 4 + [(2, 1)] * 3)
    assert set(pw.next_pair(found, [1, 2, 3, 4], set(), seed=7, explore=0.0)) == {3, 4}  # the widest uncertainty
    for seed in range(10):
        assert {3, 4} & set(pw.next_pair(found, [1, 2, 3, 4], set(), seed=seed, explore=1.0))


@pytest.mark.parametrize("explore", [0.0, pw.EXPLORE, 1.0])
def test_next_pair_never_repeats_until_none_is_left(explore):
    found = pw.fit([1, 2, 3, 4], [(1, 2)] * 4 + [(2, 1)] * 3)
    done: set[frozenset] = set()
    for n in range(6):
        pair = pw.next_pair(found, [1, 2, 3, 4], done, seed=7 + n, explore=explore)
        assert pair is not None and frozenset(pair) not in done
        done.add(frozenset(pair))
    assert pw.next_pair(found, [1, 2, 3, 4], done, seed=7, explore=explore) is None
    assert pw.next_pair(found, [1], set(), seed=1, explore=explore) is None


def test_the_side_and_the_tie_break_depend_on_the_judge_seed():
    found = pw.fit(list(range(10)), [])
    pairs = {pw.next_pair(found, list(range(10)), set(), seed=s) for s in range(20)}
    assert len(pairs) > 5  # each judge starts somewhere else
    assert pw.next_pair(found, list(range(10)), set(), seed=3) == pw.next_pair(found, list(range(10)), set(), seed=3)
