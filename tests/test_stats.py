"""Tests for claimbench.scoring.stats: hand-computed values, edge cases, properties."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from claimbench.scoring.stats import (
    benjamini_hochberg,
    bootstrap_ci,
    mcnemar,
    paired_bootstrap_diff,
)

Idx = NDArray[np.intp]


def _mean_of(values: NDArray[np.float64]) -> Callable[[Idx], float]:
    def statistic(idx: Idx) -> float:
        return float(values[idx].mean())

    return statistic


class _Scripted:
    """Statistic returning ``full`` on the full index set, then scripted values.

    The full set is recognised as ``arange(n)``; with n = 20 a resample equals
    it with probability 20!/20**20 ~ 2e-8, and the seeds are fixed anyway.
    """

    def __init__(self, n: int, full: float, script: list[float]) -> None:
        self.n = n
        self.full = full
        self._script: Iterator[float] = iter(script)

    def __call__(self, idx: Idx) -> float:
        if np.array_equal(idx, np.arange(self.n)):
            return self.full
        return next(self._script)


# --------------------------------------------------------------------------
# bootstrap_ci


def test_bootstrap_estimate_is_statistic_on_all_items() -> None:
    values = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    iv = bootstrap_ci(_mean_of(values), 5, n_resamples=200, seed=3)
    assert iv.estimate == pytest.approx(0.6)  # 3 / 5
    assert iv.n_resamples == 200
    assert iv.confidence == 0.95
    assert iv.method == "percentile bootstrap"
    assert iv.low <= iv.high


def test_bootstrap_percentile_bounds_hand_computed() -> None:
    # resampled statistics are 1, 2, ..., 101; 90% percentile interval is the
    # 5th and 95th percentile: 1 + 0.05*100 = 6 and 1 + 0.95*100 = 96
    stat = _Scripted(20, full=50.0, script=[float(v) for v in range(1, 102)])
    iv = bootstrap_ci(stat, 20, n_resamples=101, confidence=0.9)
    assert (iv.estimate, iv.low, iv.high) == pytest.approx((50.0, 6.0, 96.0))


def test_bootstrap_ignores_nan_resamples() -> None:
    # resamples: 1..5 then five NaNs; 50% interval of 1..5 = 25th/75th pct = 2, 4
    script = [1.0, math.nan, 2.0, math.nan, 3.0, math.nan, 4.0, math.nan, 5.0, math.nan]
    stat = _Scripted(20, full=3.0, script=script)
    iv = bootstrap_ci(stat, 20, n_resamples=10, confidence=0.5)
    assert (iv.low, iv.high) == pytest.approx((2.0, 4.0))


def test_bootstrap_all_resamples_nan() -> None:
    stat = _Scripted(20, full=1.0, script=[math.nan] * 5)
    iv = bootstrap_ci(stat, 20, n_resamples=5)
    assert iv.estimate == 1.0
    assert math.isnan(iv.low)
    assert math.isnan(iv.high)


def test_bootstrap_undefined_on_some_real_resamples() -> None:
    # undefined whenever item 0 is drawn; P(not drawn) = (4/5)^5 ~ 0.33
    values = np.array([5.0, 1.0, 2.0, 3.0, 4.0])

    def statistic(idx: Idx) -> float:
        return math.nan if 0 in idx else float(values[idx].mean())

    iv = bootstrap_ci(statistic, 5, n_resamples=300, seed=1)
    assert math.isnan(iv.estimate)
    assert 1.0 <= iv.low <= iv.high <= 4.0


def test_bootstrap_empty_returns_nan_without_calling() -> None:
    def statistic(idx: Idx) -> float:
        raise AssertionError("must not be called")

    iv = bootstrap_ci(statistic, 0, n_resamples=7, confidence=0.8)
    assert math.isnan(iv.estimate)
    assert math.isnan(iv.low)
    assert math.isnan(iv.high)
    assert (iv.n_resamples, iv.confidence) == (7, 0.8)


def test_bootstrap_constant_statistic() -> None:
    iv = bootstrap_ci(lambda idx: 0.5, 10, n_resamples=50)
    assert (iv.estimate, iv.low, iv.high) == (0.5, 0.5, 0.5)


def test_bootstrap_seed_determinism() -> None:
    values = np.random.default_rng(42).normal(size=50)
    stat = _mean_of(values)
    a = bootstrap_ci(stat, 50, n_resamples=200, seed=7)
    b = bootstrap_ci(stat, 50, n_resamples=200, seed=7)
    c = bootstrap_ci(stat, 50, n_resamples=200, seed=8)
    assert a == b
    assert (a.low, a.high) != (c.low, c.high)


def test_cluster_bootstrap_resamples_whole_clusters() -> None:
    # sizes: x=3, 7=1, ("t",)=2; keys need not be sortable
    clusters: list[object] = ["x", "x", 7, "x", ("t",), ("t",)]
    sizes = {"x": 3, 7: 1, ("t",): 2}
    seen: list[Idx] = []

    def statistic(idx: Idx) -> float:
        seen.append(idx.copy())
        return float(len(idx))

    iv = bootstrap_ci(statistic, 6, clusters=clusters, n_resamples=100, seed=0)
    assert iv.method == "cluster percentile bootstrap"
    assert len(seen) == 101  # estimate + resamples
    lengths = set()
    for idx in seen[1:]:
        counts = Counter(idx.tolist())
        drawn = []
        for key in sizes:
            members = [i for i, k in enumerate(clusters) if k == key]
            multiplicity = {counts.get(i, 0) for i in members}
            assert len(multiplicity) == 1  # all of a cluster, or none of it
            drawn += [key] * multiplicity.pop()
        assert len(drawn) == 3  # as many clusters as there are
        assert len(idx) == sum(sizes[k] for k in drawn)
        lengths.add(len(idx))
    assert len(lengths) > 1  # cluster sizes differ, so resample sizes do too


def test_cluster_bootstrap_is_wider_for_correlated_items() -> None:
    # 10 articles x 10 claims, all claims of an article share one outcome:
    # item SE ~ sqrt(.25/100) = .05, cluster SE ~ sqrt(.25/10) ~ .16
    outcome = np.repeat(np.array([1.0, 0.0] * 5), 10)
    clusters = np.repeat(np.arange(10), 10).tolist()
    stat = _mean_of(outcome)
    item = bootstrap_ci(stat, 100, n_resamples=400, seed=0)
    clus = bootstrap_ci(stat, 100, clusters=clusters, n_resamples=400, seed=0)
    assert item.estimate == clus.estimate == 0.5
    assert clus.high - clus.low > 2 * (item.high - item.low)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_resamples": 0}, "n_resamples"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": 0.0}, "confidence"),
        ({"clusters": ["a", "b"]}, "clusters"),
    ],
)
def test_bootstrap_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bootstrap_ci(lambda idx: 0.0, 3, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        paired_bootstrap_diff(lambda idx: 0.0, lambda idx: 0.0, 3, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=20),
    st.integers(0, 2**32 - 1),
    st.one_of(st.none(), st.integers(1, 4)),
)
def test_bootstrap_properties(values: list[float], seed: int, n_clusters: int | None) -> None:
    arr = np.asarray(values)
    clusters = None if n_clusters is None else [i % n_clusters for i in range(len(arr))]
    stat = _mean_of(arr)
    a = bootstrap_ci(stat, len(arr), clusters=clusters, n_resamples=30, seed=seed)
    b = bootstrap_ci(stat, len(arr), clusters=clusters, n_resamples=30, seed=seed)
    assert a == b
    assert a.estimate == stat(np.arange(len(arr)))
    # every resampled mean lies within the data range, so the bounds do too
    assert arr.min() - 1e-9 <= a.low <= a.high <= arr.max() + 1e-9


# --------------------------------------------------------------------------
# paired_bootstrap_diff


def test_paired_uses_the_same_indices() -> None:
    seen_a: list[Idx] = []
    seen_b: list[Idx] = []

    def stat_a(idx: Idx) -> float:
        seen_a.append(idx.copy())
        return 0.0

    def stat_b(idx: Idx) -> float:
        seen_b.append(idx.copy())
        return 0.0

    paired_bootstrap_diff(stat_a, stat_b, 8, clusters=[0, 0, 1, 1, 2, 3, 3, 3], n_resamples=20)
    assert len(seen_a) == len(seen_b) == 21
    assert all(np.array_equal(x, y) for x, y in zip(seen_a, seen_b, strict=True))


def test_paired_identical_systems() -> None:
    stat = _mean_of(np.array([1.0, 0.0, 1.0, 1.0]))
    d = paired_bootstrap_diff(stat, stat, 4, n_resamples=100)
    assert (d.estimate, d.low, d.high, d.p_value) == (0.0, 0.0, 0.0, 1.0)
    assert d.method == "paired percentile bootstrap"


def test_paired_dominating_system() -> None:
    # A right on every item, B wrong on every item: every difference is 1
    a = _mean_of(np.ones(10))
    b = _mean_of(np.zeros(10))
    d = paired_bootstrap_diff(a, b, 10, n_resamples=100)
    assert (d.estimate, d.low, d.high) == (1.0, 1.0, 1.0)
    assert d.p_value == 0.0
    flipped = paired_bootstrap_diff(b, a, 10, n_resamples=100)
    assert (flipped.estimate, flipped.p_value) == (-1.0, 0.0)


def test_paired_estimate_and_pairing_cancel_shared_noise() -> None:
    # B = A - 0.1 on every item: the paired difference is exactly 0.1 on every
    # resample although each system's own score varies a lot
    noise = np.random.default_rng(0).normal(size=30)
    a = _mean_of(noise)
    b = _mean_of(noise - 0.1)
    d = paired_bootstrap_diff(a, b, 30, n_resamples=200)
    assert d.estimate == pytest.approx(0.1)
    assert (d.low, d.high) == pytest.approx((0.1, 0.1))
    assert d.p_value == 0.0


def test_paired_p_value_positive_estimate() -> None:
    # estimate = 1 - 0 > 0; resampled diffs -3..6: four are <= 0 (ties count)
    # -> p = 2 * 4/10 = 0.8
    a = _Scripted(20, full=1.0, script=[float(v) for v in range(-3, 7)])
    d = paired_bootstrap_diff(a, lambda idx: 0.0, 20, n_resamples=10)
    assert d.estimate == 1.0
    assert d.p_value == pytest.approx(0.8)


def test_paired_p_value_negative_estimate_and_cap() -> None:
    # estimate -1 < 0; diffs -9..0: one is >= 0 -> p = 2 * 1/10 = 0.2
    a = _Scripted(20, full=-1.0, script=[float(v) for v in range(-9, 1)])
    assert paired_bootstrap_diff(a, lambda idx: 0.0, 20, n_resamples=10).p_value == pytest.approx(0.2)
    # diffs -5..4: five are >= 0 -> 2 * 5/10 = 1.0; -3..6: 7/10 -> capped at 1
    a = _Scripted(20, full=-1.0, script=[float(v) for v in range(-3, 7)])
    assert paired_bootstrap_diff(a, lambda idx: 0.0, 20, n_resamples=10).p_value == 1.0


def test_paired_p_value_ignores_nan() -> None:
    # valid diffs 1, 2, -1 -> one of three <= 0 -> p = 2/3
    a = _Scripted(20, full=1.0, script=[math.nan, 1.0, math.nan, 2.0, -1.0])
    d = paired_bootstrap_diff(a, lambda idx: 0.0, 20, n_resamples=5)
    assert d.p_value == pytest.approx(2 / 3)


def test_paired_empty_and_nan_estimate() -> None:
    d = paired_bootstrap_diff(lambda idx: 1.0, lambda idx: 0.0, 0, n_resamples=5)
    assert all(math.isnan(x) for x in (d.estimate, d.low, d.high, d.p_value))
    d = paired_bootstrap_diff(lambda idx: math.nan, lambda idx: 0.0, 3, n_resamples=5)
    assert math.isnan(d.estimate)
    assert math.isnan(d.p_value)


def test_paired_seed_determinism() -> None:
    rng = np.random.default_rng(1)
    a = _mean_of(rng.normal(size=40))
    b = _mean_of(rng.normal(size=40))
    first = paired_bootstrap_diff(a, b, 40, n_resamples=100, seed=5)
    assert first == paired_bootstrap_diff(a, b, 40, n_resamples=100, seed=5)
    other = paired_bootstrap_diff(a, b, 40, n_resamples=100, seed=6)
    assert (first.low, first.high) != (other.low, other.high)


# --------------------------------------------------------------------------
# mcnemar


def test_mcnemar_exact_hand_computed() -> None:
    a = [True, True, True, False, False, True]
    b = [True, False, False, True, False, False]
    r = mcnemar(a, b)
    # b = A only right: items 1, 2, 5 -> 3; c = B only right: item 3 -> 1
    assert (r.b, r.c) == (3, 1)
    # Bin(4, .5), two-sided: P(X<=1) + P(X>=3) = (1+4)/16 + (4+1)/16 = 10/16
    assert r.p_value == pytest.approx(10 / 16)
    assert r.statistic == 1.0  # min(b, c)
    assert r.method == "exact binomial"


def test_mcnemar_exact_one_sided_counts() -> None:
    # b = 0, c = 5: 2 * (1/2)^5 = 0.0625
    r = mcnemar([False] * 5, [True] * 5)
    assert (r.b, r.c) == (0, 5)
    assert r.p_value == pytest.approx(0.0625)


def _pairs(b: int, c: int, both_right: int = 0, both_wrong: int = 0) -> tuple[list[bool], list[bool]]:
    a = [True] * b + [False] * c + [True] * both_right + [False] * both_wrong
    other = [False] * b + [True] * c + [True] * both_right + [False] * both_wrong
    return a, other


def test_mcnemar_chi_square_hand_computed() -> None:
    r = mcnemar(*_pairs(30, 10, both_right=50, both_wrong=7))
    # (|30-10| - 1)^2 / 40 = 361/40 = 9.025; for 1 dof, P(X > x) = erfc(sqrt(x/2))
    assert (r.b, r.c) == (30, 10)
    assert r.statistic == pytest.approx(9.025)
    assert r.p_value == pytest.approx(math.erfc(math.sqrt(9.025 / 2)))
    assert r.method == "chi-square with continuity correction"


def test_mcnemar_switches_method_at_25() -> None:
    assert mcnemar(*_pairs(20, 4)).method == "exact binomial"  # b + c = 24
    r = mcnemar(*_pairs(20, 5))  # b + c = 25: (15 - 1)^2 / 25 = 7.84
    assert r.method == "chi-square with continuity correction"
    assert r.statistic == pytest.approx(7.84)


def test_mcnemar_no_discordant_pairs() -> None:
    r = mcnemar(*_pairs(0, 0, both_right=3, both_wrong=2))
    assert (r.b, r.c, r.statistic, r.p_value) == (0, 0, 0.0, 1.0)
    assert mcnemar([], []).p_value == 1.0


def test_mcnemar_length_mismatch() -> None:
    with pytest.raises(ValueError, match="length"):
        mcnemar([True], [True, False])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=80))
def test_mcnemar_symmetric(pairs: list[tuple[bool, bool]]) -> None:
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    ab = mcnemar(a, b)
    ba = mcnemar(b, a)
    assert (ab.b, ab.c) == (ba.c, ba.b)
    assert ab.statistic == pytest.approx(ba.statistic)
    assert ab.p_value == pytest.approx(ba.p_value)
    assert ab.method == ba.method
    assert 0.0 <= ab.p_value <= 1.0


# --------------------------------------------------------------------------
# benjamini_hochberg


def test_bh_hand_computed() -> None:
    # sorted: .005 (i=1), .01 (2), .03 (3), .04 (4); m = 4
    # p*m/i: .02, .02, .04, .04 -> already monotone
    adjusted, reject = benjamini_hochberg([0.01, 0.04, 0.03, 0.005], alpha=0.03)
    assert adjusted == pytest.approx((0.02, 0.04, 0.04, 0.02))
    assert reject == (True, False, False, True)


def test_bh_step_up_and_monotone_adjustment() -> None:
    # p*m/i: .02*3/1 = .06, .021*3/2 = .0315, .9*3/3 = .9
    # running minimum from the top: .0315, .0315, .9
    # step-up rejects the first two although .06 > .05
    adjusted, reject = benjamini_hochberg([0.02, 0.021, 0.9])
    assert adjusted == pytest.approx((0.0315, 0.0315, 0.9))
    assert reject == (True, True, False)


def test_bh_ties_and_empty() -> None:
    # .01*2/1 = .02, .01*2/2 = .01 -> min from the top: .01, .01
    assert benjamini_hochberg([0.01, 0.01])[0] == pytest.approx((0.01, 0.01))
    assert benjamini_hochberg([]) == ((), ())


@pytest.mark.parametrize(
    ("p", "alpha", "message"),
    [
        ([1.5], 0.05, "p_values"),
        ([math.nan], 0.05, "p_values"),
        ([-0.1], 0.05, "p_values"),
        ([0.1], 0.0, "alpha"),
    ],
)
def test_bh_rejects_bad_input(p: list[float], alpha: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        benjamini_hochberg(p, alpha)


_p_values = st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=30)


@settings(max_examples=80, deadline=None)
@given(_p_values, st.floats(min_value=0.001, max_value=0.5))
def test_bh_properties(p: list[float], alpha: float) -> None:
    adjusted, reject = benjamini_hochberg(p, alpha)
    assert len(adjusted) == len(reject) == len(p)
    order = np.argsort(p, kind="stable")
    in_order = [adjusted[i] for i in order]
    assert all(x <= y for x, y in itertools.pairwise(in_order))
    assert all(raw <= adj <= 1.0 for raw, adj in zip(p, adjusted, strict=True))
    # rejections follow the step-up rule: largest k with p_(k) <= k*alpha/m
    m = len(p)
    ranked = sorted(p)
    ks = [k for k in range(1, m + 1) if ranked[k - 1] <= k * alpha / m]
    threshold = ranked[max(ks) - 1] if ks else -1.0
    assert reject == tuple(x <= threshold for x in p)


@pytest.mark.skipif(
    not hasattr(scipy.stats, "false_discovery_control"),
    reason="scipy.stats.false_discovery_control needs scipy >= 1.11",
)
@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30))
def test_bh_matches_scipy(p: list[float]) -> None:
    expected = scipy.stats.false_discovery_control(p, method="bh")
    adjusted, _ = benjamini_hochberg(p)
    assert adjusted == pytest.approx(tuple(expected))
