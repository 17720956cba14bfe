"""Tests for claimbench.scoring.metrics: hand-computed values, edge cases, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.scoring.metrics import (
    brier_score,
    calibration,
    classification_report,
    fnc1_score,
)

LABELS = ("a", "b", "c")

# --------------------------------------------------------------------------
# classification_report


def test_classification_report_hand_computed() -> None:
    gold = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "b", None, "b", "a", None]
    r = classification_report(gold, pred, LABELS)

    # correct: items 0 (a) and 3 (b) -> 2/6
    assert r.accuracy == pytest.approx(2 / 6)
    assert r.n_items == 6
    assert r.n_errors == 2
    assert r.coverage == pytest.approx(4 / 6)
    assert r.labels == LABELS

    # a: TP=1, FP=1 (gold b -> a), FN=2 (-> b, -> None)
    #    P=1/2, R=1/3, F1=2*(1/6)/(5/6)=0.4
    a = r.scores_for("a")
    assert (a.precision, a.recall, a.f1, a.support) == pytest.approx((0.5, 1 / 3, 0.4, 3))
    # b: TP=1, FP=1 (gold a -> b), FN=1 -> P=R=F1=1/2
    b = r.scores_for("b")
    assert (b.precision, b.recall, b.f1, b.support) == pytest.approx((0.5, 0.5, 0.5, 2))
    # c: never predicted (its item errored) -> TP=FP=0, FN=1 -> all 0
    # (None is not a false positive of c or any other label)
    c = r.scores_for("c")
    assert (c.precision, c.recall, c.f1, c.support) == (0.0, 0.0, 0.0, 1)

    # macro-F1 = (0.4 + 0.5 + 0) / 3 = 0.3
    assert r.macro_f1 == pytest.approx(0.3)

    # rows = gold, columns = predicted; the two None items are in no column
    assert r.confusion == (
        (1, 1, 0),
        (1, 1, 0),
        (0, 0, 0),
    )
    assert list(r.per_label) == list(LABELS)


def test_classification_report_follows_label_order() -> None:
    # gold b predicted a: in order (b, a) the off-diagonal is row 0, column 1
    r = classification_report(["b", "a"], ["a", "a"], ["b", "a"])
    assert r.confusion == ((0, 1), (0, 1))
    assert list(r.per_label) == ["b", "a"]


def test_classification_report_all_errors() -> None:
    r = classification_report(["a", "b", "b"], [None, None, None], LABELS)
    assert r.accuracy == 0.0
    assert r.macro_f1 == 0.0
    assert r.n_errors == 3
    assert r.coverage == 0.0
    assert r.confusion == ((0, 0, 0), (0, 0, 0), (0, 0, 0))
    # supports still come from gold: a=1, b=2, c=0
    assert [s.support for s in r.per_label.values()] == [1, 2, 0]
    assert all(s.recall == 0.0 for s in r.per_label.values())


def test_classification_report_empty() -> None:
    r = classification_report([], [], LABELS)
    assert math.isnan(r.accuracy)
    assert math.isnan(r.macro_f1)
    assert math.isnan(r.coverage)
    assert r.n_items == 0
    assert r.n_errors == 0
    assert r.confusion == ((0, 0, 0), (0, 0, 0), (0, 0, 0))
    assert [s.support for s in r.per_label.values()] == [0, 0, 0]


def test_macro_f1_counts_labels_without_gold_items_as_zero() -> None:
    # perfect on a and b, c has no gold items and no predictions:
    # F1 = (1 + 1 + 0) / 3 (zero_division=0, macro over all labels)
    r = classification_report(["a", "b"], ["a", "b"], LABELS)
    assert r.accuracy == 1.0
    assert r.macro_f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("gold", "pred", "labels", "message"),
    [
        (["a"], ["a", "b"], LABELS, "differ in length"),
        (["x"], ["a"], LABELS, "gold labels not in labels"),
        (["a"], ["x"], LABELS, "predicted labels not in labels"),
        (["a"], ["a"], ["a", "a"], "duplicates"),
        (["a"], ["a"], [], "must not be empty"),
    ],
)
def test_classification_report_rejects_bad_input(
    gold: list[str], pred: list[str | None], labels: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        classification_report(gold, pred, labels)


def test_scores_for_unknown_label() -> None:
    r = classification_report(["a"], ["a"], LABELS)
    with pytest.raises(KeyError):
        r.scores_for("zzz")


_pairs = st.lists(
    st.tuples(st.sampled_from(LABELS), st.none() | st.sampled_from(LABELS)),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(_pairs)
def test_classification_report_consistency(pairs: list[tuple[str, str | None]]) -> None:
    gold = [g for g, _ in pairs]
    pred = [p for _, p in pairs]
    r = classification_report(gold, pred, LABELS)
    n = len(pairs)
    n_errors = sum(p is None for p in pred)
    assert r.n_items == n
    assert r.n_errors == n_errors
    # the confusion matrix holds exactly the answered items
    assert sum(map(sum, r.confusion)) == n - n_errors
    # row i sums to support(i) minus the errored items of label i
    for i, label in enumerate(LABELS):
        errored = sum(g == label and p is None for g, p in pairs)
        assert sum(r.confusion[i]) == list(r.per_label.values())[i].support - errored
    if n:
        trace = sum(r.confusion[i][i] for i in range(len(LABELS)))
        assert r.accuracy == pytest.approx(trace / n)
        assert r.coverage == pytest.approx((n - n_errors) / n)
        assert r.macro_f1 == pytest.approx(sum(s.f1 for s in r.per_label.values()) / 3)


# --------------------------------------------------------------------------
# fnc1_score


@pytest.mark.parametrize(
    ("gold", "pred", "raw"),
    [
        # exact related stance: 0.25 + 0.50 + 0.25 (both related) = 1.0
        (["agree"], ["agree"], 1.0),
        # unrelated right: 0.25 only
        (["unrelated"], ["unrelated"], 0.25),
        # agree -> discuss: wrong stance but both related: 0.25
        (["agree"], ["discuss"], 0.25),
        # disagree -> agree: 0.25
        (["disagree"], ["agree"], 0.25),
        # unrelated -> agree: 0
        (["unrelated"], ["agree"], 0.0),
        # related -> unrelated: 0
        (["discuss"], ["unrelated"], 0.0),
        # checker error: 0
        (["agree"], [None], 0.0),
    ],
)
def test_fnc1_single_pairs(gold: list[str], pred: list[str | None], raw: float) -> None:
    assert fnc1_score(gold, pred).raw == pytest.approx(raw)


def test_fnc1_all_four_labels_correct() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated"]
    s = fnc1_score(gold, gold)
    # 1.0 + 1.0 + 1.0 + 0.25 = 3.25, which is also the maximum
    assert s.raw == pytest.approx(3.25)
    assert s.maximum == pytest.approx(3.25)
    assert s.percent == pytest.approx(100.0)


def test_fnc1_mixed() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated", "agree"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "disagree", None]
    s = fnc1_score(gold, pred)
    # raw = 1.0 + 0.25 + 0 + 0.25 + 0 + 0 = 1.5
    # max = 1 + 1 + 1 + 0.25 + 0.25 + 1 = 4.5; percent = 100 * 1.5 / 4.5
    assert s.raw == pytest.approx(1.5)
    assert s.maximum == pytest.approx(4.5)
    assert s.percent == pytest.approx(100 / 3)


def test_fnc1_empty() -> None:
    s = fnc1_score([], [])
    assert (s.raw, s.maximum) == (0.0, 0.0)
    assert math.isnan(s.percent)


@pytest.mark.parametrize(
    ("gold", "pred", "message"),
    [
        (["agree"], ["agree", "agree"], "differ in length"),
        (["Agree"], ["agree"], "not in the FNC-1 label set"),
        (["agree"], ["x"], "not in the FNC-1 label set"),
    ],
)
def test_fnc1_rejects_bad_input(gold: list[str], pred: list[str | None], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fnc1_score(gold, pred)


# --------------------------------------------------------------------------
# brier_score


def test_brier_hand_computed() -> None:
    # ((0.9-1)^2 + (0.6-0)^2 + (0.5-1)^2) / 3 = (0.01 + 0.36 + 0.25) / 3
    assert brier_score([True, False, True], [0.9, 0.6, 0.5]) == pytest.approx(0.62 / 3)


def test_brier_extremes_and_single_class() -> None:
    assert brier_score([True, True], [1.0, 1.0]) == 0.0
    assert brier_score([False, False], [1.0, 1.0]) == pytest.approx(1.0)
    # all wrong with (0.9-0)^2, (0.8-0)^2 -> (0.81 + 0.64) / 2
    assert brier_score([False, False], [0.9, 0.8]) == pytest.approx(0.725)


def test_brier_empty_and_invalid() -> None:
    assert math.isnan(brier_score([], []))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        brier_score([True], [1.5])
    with pytest.raises(ValueError, match="length"):
        brier_score([True], [0.5, 0.5])


# --------------------------------------------------------------------------
# calibration


def test_calibration_hand_computed() -> None:
    conf = [0.1, 0.3, 0.35, 0.9, 0.95, 1.0, 0.0, 0.4]
    correct = [False, True, False, True, True, False, False, True]
    cal = calibration(correct, conf, n_bins=5)
    # bins [0,.2] (.2,.4] (.4,.6] (.6,.8] (.8,1]
    # bin 0: 0.1, 0.0        -> n=2, conf .05,      acc 0,   gap .05
    # bin 1: 0.3, 0.35, 0.4  -> n=3, conf 1.05/3=.35, acc 2/3, gap 2/3-.35
    # bin 4: .9, .95, 1.0    -> n=3, conf .95,      acc 2/3, gap .95-2/3
    # ECE = 2/8*.05 + 3/8*(2/3-.35) + 3/8*(.95-2/3) = .0125 + 3/8*.6 = .2375
    assert cal.ece == pytest.approx(0.2375)
    assert cal.n_items == 8
    assert [b.count for b in cal.bins] == [2, 3, 0, 0, 3]
    assert [b.low for b in cal.bins] == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert [b.high for b in cal.bins] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert cal.bins[0].confidence == pytest.approx(0.05)
    assert cal.bins[0].accuracy == 0.0
    assert cal.bins[1].confidence == pytest.approx(0.35)
    assert cal.bins[1].accuracy == pytest.approx(2 / 3)
    assert cal.bins[4].confidence == pytest.approx(0.95)
    assert math.isnan(cal.bins[2].confidence)
    assert math.isnan(cal.bins[2].accuracy)


def test_calibration_bin_edges_are_right_closed() -> None:
    # k/10 falls in bin k-1 = ((k-1)/10, k/10] (Guo et al. 2017)
    conf = [k / 10 for k in range(1, 11)]
    cal = calibration([True] * 10, conf)
    assert [b.count for b in cal.bins] == [1] * 10
    for k, b in enumerate(cal.bins, start=1):
        assert b.confidence == pytest.approx(k / 10)


def test_calibration_perfect_and_worst() -> None:
    # 0.75 confidence, 3 of 4 right -> perfectly calibrated
    assert calibration([True, True, True, False], [0.75] * 4).ece == pytest.approx(0)
    # always fully confident and always wrong -> ECE = 1
    assert calibration([False] * 3, [1.0] * 3).ece == pytest.approx(1.0)


def test_calibration_empty_and_invalid() -> None:
    cal = calibration([], [], n_bins=4)
    assert math.isnan(cal.ece)
    assert cal.n_items == 0
    assert [b.count for b in cal.bins] == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="n_bins"):
        calibration([True], [0.5], n_bins=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        calibration([True], [-0.1])


_scored = st.lists(
    st.tuples(st.booleans(), st.floats(min_value=0.0, max_value=1.0)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(_scored, st.integers(min_value=1, max_value=15))
def test_calibration_properties(pairs: list[tuple[bool, float]], n_bins: int) -> None:
    correct = [c for c, _ in pairs]
    conf = [p for _, p in pairs]
    cal = calibration(correct, conf, n_bins=n_bins)
    assert len(cal.bins) == n_bins
    assert sum(b.count for b in cal.bins) == len(pairs)
    assert 0.0 <= cal.ece <= 1.0 + 1e-12
    for b in cal.bins:
        if b.count:
            assert b.low - 1e-12 <= b.confidence <= b.high + 1e-12
    # one bin: ECE = |accuracy - mean confidence|
    one = calibration(correct, conf, n_bins=1)
    accuracy = sum(correct) / len(correct)
    assert one.ece == pytest.approx(abs(accuracy - sum(conf) / len(conf)))


@settings(max_examples=60, deadline=None)
@given(_scored)
def test_brier_matches_definition(pairs: list[tuple[bool, float]]) -> None:
    expected = sum((p - c) ** 2 for c, p in pairs) / len(pairs)
    got = brier_score([c for c, _ in pairs], [p for _, p in pairs])
    assert got == pytest.approx(expected)
