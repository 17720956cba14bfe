"""Scoring from label codes: the same numbers as claimbench.scoring.metrics, in less time and memory."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimbench.records import NUMERIC_CONSISTENCY, SOURCE_AGREEMENT, TASKS
from claimbench.run.spec import BootstrapSpec
from claimbench.scoring import tables as scoring
from claimbench.scoring.metrics import brier_score, calibration, classification_report
from claimbench.scoring.tables import (
    Collect,
    Compact,
    Table,
    _binned_ece,
    _brier,
    _calibration_bins,
    _classification,
    _macro_f1,
    resampling_unit,
)


def test_fast_macro_f1_matches_metrics() -> None:
    rng = np.random.default_rng(0)
    for n_labels in (3, 4):
        labels = [f"l{i}" for i in range(n_labels)]
        for _ in range(50):
            n = int(rng.integers(1, 40))
            gold = rng.integers(0, n_labels, n)
            pred = rng.integers(0, n_labels + 1, n)  # n_labels = no prediction
            expected = classification_report(
                [labels[g] for g in gold], [labels[p] if p < n_labels else None for p in pred], labels
            ).macro_f1
            assert _macro_f1(gold, pred, n_labels) == pytest.approx(expected, abs=1e-12)


def test_resampling_unit() -> None:
    assert resampling_unit(["a"] * 10) == "item"  # one article: resampling it is meaningless
    assert resampling_unit([str(i) for i in range(10)]) == "item"  # no clustering
    assert resampling_unit([str(i // 2) for i in range(10)]) == "article"


@settings(max_examples=60, deadline=None)
@given(
    n_labels=st.sampled_from([3, 4]),
    pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=1, max_size=40),
)
def test_classification_on_codes_is_the_metrics_report(n_labels: int, pairs: list[tuple[int, int]]) -> None:
    labels = tuple(f"l{i}" for i in range(n_labels))
    gold = np.array([g % n_labels for g, _ in pairs], dtype=np.int8)
    pred = np.array([min(p, n_labels) for _, p in pairs], dtype=np.int8)
    expected = classification_report(
        [labels[g] for g in gold], [labels[p] if p < n_labels else None for p in pred], labels
    )
    assert _classification(gold, pred, labels) == expected


@settings(max_examples=80, deadline=None)
@example(items=[(True, 0.3), (False, 0.25)], picks=[0, 1])  # an edge belongs to the bin below it
@given(
    items=st.lists(
        st.tuples(st.booleans(), st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.95, 1.0]) | st.floats(0, 1)),
        min_size=1,
        max_size=40,
    ),
    picks=st.lists(st.integers(0, 10**6), max_size=60),
)
def test_binned_ece_is_metrics_calibration(items: list[tuple[bool, float]], picks: list[int]) -> None:
    correct = np.array([c for c, _ in items], dtype=bool)
    confidence = np.array([p for _, p in items], dtype=np.float64)
    chosen = np.array([k % len(items) for k in picks], dtype=np.intp)  # a resample, repeats and all
    expected = calibration(correct[chosen].tolist(), confidence[chosen].tolist()).ece
    got = _binned_ece(_calibration_bins(confidence), correct, confidence, chosen)
    assert got == expected or (math.isnan(got) and math.isnan(expected))


@given(items=st.lists(st.tuples(st.booleans(), st.floats(0, 1)), max_size=40))
def test_brier_is_metrics_brier_score(items: list[tuple[bool, float]]) -> None:
    """The runner's Brier score (one temporary array) is scikit-learn's, to rounding in the last digit."""
    correct = np.array([c for c, _ in items], dtype=bool)
    confidence = np.array([p for _, p in items], dtype=np.float64)
    got, expected = _brier(correct, confidence), brier_score(correct.tolist(), confidence.tolist())
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15) or (
        math.isnan(got) and math.isnan(expected)
    )


def test_cluster_codes_are_stored_only_once_items_share_a_cluster() -> None:
    """Standalone claims (each its own cluster) cost no cluster array; the first shared one makes it."""
    collect = Collect("d", NUMERIC_CONSISTENCY, {}, shared={"a1": None})
    collect.add(["consistent"] * 3, ["c0", "c1", "c2"])
    assert collect.clusters is None
    collect.add(["consistent"] * 3, ["a1", "c4", "a1"])
    table = collect.table(BootstrapSpec(resamples=10), 0)
    assert table.cluster_codes is not None
    assert table.cluster_codes.tolist() == [0, 1, 2, 3, 4, 3]
    assert (table.distinct, table.n) == (5, 6)
    only = Collect("d", NUMERIC_CONSISTENCY, {}, shared={})
    only.add(["consistent"] * 2, ["c0", "c1"])
    assert only.table(BootstrapSpec(resamples=10), 0).cluster_codes is None
    assert only.table(BootstrapSpec(resamples=10), 0).clusters is None


@pytest.mark.parametrize("task", [NUMERIC_CONSISTENCY, SOURCE_AGREEMENT])
def test_resample_statistics_in_chunks_are_the_whole_array_ones(
    task: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statistics over resamples larger than a chunk: counts exactly as on whole arrays, sums to rounding."""
    rng = np.random.default_rng(3)
    n_labels = len(TASKS[task].labels)
    n = 203
    gold = rng.integers(0, n_labels, n).astype(np.int8)
    codes = np.where(rng.random(n) < 0.6, gold, rng.integers(0, n_labels + 1, n)).astype(np.int8)
    scores = np.where(rng.random(n) < 0.9, rng.random(n), np.nan)
    table = Table.of("d", task, gold, None, n, BootstrapSpec(resamples=30), 0)

    whole = table.score("x", Compact(codes, scores))
    monkeypatch.setattr(scoring, "_CHUNK", 7)
    chunked = table.score("x", Compact(codes, scores))
    for name, estimate in whole.metrics.items():
        other = chunked.metrics[name]
        if name in ("brier", "ece"):
            as_tuple = (estimate.value, estimate.low, estimate.high)
            assert (other.value, other.low, other.high) == pytest.approx(as_tuple, rel=1e-12)
        else:
            assert other == estimate, name

    idx = rng.integers(0, n, n)
    keep = ~np.isnan(scores) & (codes != n_labels)
    assert _macro_f1(gold, codes, n_labels, idx) == _macro_f1(gold[idx], codes[idx], n_labels)
    conf = np.where(keep, scores, 0.0)
    chosen = idx[keep[idx]]
    expected = calibration((codes == gold)[chosen].tolist(), conf[chosen].tolist()).ece
    got = _binned_ece(_calibration_bins(conf), codes == gold, conf, idx, keep)
    assert math.isclose(got, expected, rel_tol=1e-12)
