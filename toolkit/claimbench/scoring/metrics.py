"""Scoring of checker predictions against gold labels.

Pure functions (no I/O) used by the benchmark runner; the per-label and reliability-bin records they
return are the report's own (:mod:`claimbench.report.model`), so scores need no conversion. Standard
metrics are delegated to scikit-learn (imported when a function needs it, so importing this module costs
only numpy); this module only adds the conventions claimbench needs on top (checker errors, fixed label
order, the FNC-1 weighted score, calibration bins for reliability diagrams).

Label sets are not defined here: every function that needs them takes
``labels`` as an argument.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from claimbench.report.model import LabelScore, ReliabilityBin

__all__ = [
    "Calibration",
    "ClassificationScores",
    "FNC1Score",
    "LabelScore",
    "ReliabilityBin",
    "brier_score",
    "calibration",
    "classification_report",
    "fnc1_score",
]

# Stand-in for a ``None`` prediction (the checker errored on the item). It is
# never a gold label and never one of ``labels``, so it always counts as wrong
# and sklearn drops it from the confusion matrix columns.
_NO_PREDICTION = "\x00claimbench:no-prediction"

# Label names fixed by the official FNC-1 scorer (scorer.py); private because
# label sets live elsewhere in claimbench.
_FNC1_RELATED = frozenset({"agree", "disagree", "discuss"})
_FNC1_UNRELATED = "unrelated"
_FNC1_LABELS = _FNC1_RELATED | {_FNC1_UNRELATED}


@dataclass(frozen=True, slots=True)
class ClassificationScores:
    """Multi-class scores of one checker on one dataset.

    ``confusion[i][j]`` counts items with gold ``labels[i]`` predicted as
    ``labels[j]``. Items without a prediction are not in any column, so a row
    sums to that label's support minus its errored items.
    """

    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    per_label: Mapping[str, LabelScore]
    confusion: tuple[tuple[int, ...], ...]
    n_items: int
    n_errors: int
    coverage: float

    def scores_for(self, label: str) -> LabelScore:
        """Return the per-label scores of ``label`` (KeyError if unknown)."""
        return self.per_label[label]


@dataclass(frozen=True, slots=True)
class FNC1Score:
    """FNC-1 weighted score: raw points, gold-vs-gold maximum, 100 * raw / maximum."""

    raw: float
    maximum: float
    percent: float


@dataclass(frozen=True, slots=True)
class Calibration:
    """Expected calibration error and the reliability-diagram bins behind it."""

    ece: float
    n_items: int
    bins: tuple[ReliabilityBin, ...]


def _check_same_length(name_a: str, a: Sequence[object], name_b: str, b: Sequence[object]) -> None:
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} differ in length: {len(a)} != {len(b)}")


def classification_report(
    gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]
) -> ClassificationScores:
    """Accuracy, per-label precision/recall/F1, macro-F1 and confusion matrix.

    Computed with scikit-learn (``accuracy_score``,
    ``precision_recall_fscore_support`` with ``zero_division=0``,
    ``confusion_matrix``), always in the order of ``labels``.

    A ``None`` prediction means the checker errored on the item. It is scored
    as a special "no prediction" that never matches the gold label: it lowers
    accuracy and the recall of the gold label (a false negative) but is not a
    false positive of any label, and it has no column in the confusion matrix.
    This keeps checkers that fail often from looking better than they are,
    while ``coverage`` reports how often they answered at all.

    Macro-F1 is the unweighted mean over all ``labels``, including labels with
    no gold items (their F1 is 0 by ``zero_division=0``).

    Raises ValueError if the lengths differ, ``labels`` is empty or has
    duplicates, or a gold label or a non-None prediction is not in ``labels``.
    """
    _check_same_length("gold", gold, "pred", pred)
    label_list = list(labels)
    if not label_list:
        raise ValueError("labels must not be empty")
    if len(set(label_list)) != len(label_list):
        raise ValueError(f"labels contain duplicates: {label_list}")
    if _NO_PREDICTION in label_list:
        raise ValueError("labels contain the reserved no-prediction marker")
    known = set(label_list)
    unknown_gold = sorted(set(gold) - known)
    if unknown_gold:
        raise ValueError(f"gold labels not in labels: {unknown_gold}")
    unknown_pred = sorted({p for p in pred if p is not None} - known)
    if unknown_pred:
        raise ValueError(f"predicted labels not in labels: {unknown_pred}")

    n_items = len(gold)
    n_errors = sum(p is None for p in pred)
    if n_items == 0:
        nan = math.nan
        return ClassificationScores(
            labels=tuple(label_list),
            accuracy=nan,
            macro_f1=nan,
            per_label={label: LabelScore(0.0, 0.0, 0.0, 0) for label in label_list},
            confusion=tuple(tuple(0 for _ in label_list) for _ in label_list),
            n_items=0,
            n_errors=0,
            coverage=nan,
        )

    y_true = list(gold)
    y_pred = [_NO_PREDICTION if p is None else p for p in pred]
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=label_list, average=None, zero_division=0
    )
    matrix = confusion_matrix(y_true, y_pred, labels=label_list)
    per_label = {
        label: LabelScore(
            precision=float(precision[i]), recall=float(recall[i]), f1=float(f1[i]), support=int(support[i])
        )
        for i, label in enumerate(label_list)
    }
    return ClassificationScores(
        labels=tuple(label_list),
        accuracy=float(accuracy_score(y_true, y_pred)),
        macro_f1=float(np.mean(f1)),
        per_label=per_label,
        confusion=tuple(tuple(int(x) for x in row) for row in matrix),
        n_items=n_items,
        n_errors=n_errors,
        coverage=(n_items - n_errors) / n_items,
    )


def _fnc1_raw(gold: Sequence[str], pred: Sequence[str | None]) -> float:
    # Transcription of score_submission() in the official FNC-1 scorer
    # (github.com/FakeNewsChallenge/fnc-1, scorer.py).
    score = 0.0
    for g, t in zip(gold, pred, strict=True):
        if g == t:
            score += 0.25
            if g != _FNC1_UNRELATED:
                score += 0.50
        if g in _FNC1_RELATED and t in _FNC1_RELATED:
            score += 0.25
    return score


def fnc1_score(gold: Sequence[str], pred: Sequence[str | None]) -> FNC1Score:
    """Fake News Challenge stage-1 (FNC-1) weighted score.

    Official definition from the FNC-1 scorer (Pomerleau & Rao 2017,
    fakenewschallenge.org; github.com/FakeNewsChallenge/fnc-1 ``scorer.py``):
    per pair, +0.25 for the right related/unrelated decision, +0.75 more for
    the exact stance of a related pair (a correct related pair earns 1.0, a
    correct unrelated pair 0.25). ``maximum`` is the score of gold against itself and
    ``percent`` = 100 · raw / maximum (NaN for empty input). A ``None``
    prediction (checker error) earns nothing.

    Raises ValueError if the lengths differ or a label is not one of
    agree/disagree/discuss/unrelated.
    """
    _check_same_length("gold", gold, "pred", pred)
    unknown = sorted({*gold, *(p for p in pred if p is not None)} - _FNC1_LABELS)
    if unknown:
        raise ValueError(f"labels not in the FNC-1 label set: {unknown}")
    raw = _fnc1_raw(gold, pred)
    maximum = _fnc1_raw(gold, gold)
    percent = 100.0 * raw / maximum if maximum > 0 else math.nan
    return FNC1Score(raw=raw, maximum=maximum, percent=percent)


def _as_correct_confidence(
    correct: Sequence[bool], confidence: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    _check_same_length("correct", correct, "confidence", confidence)
    hits = np.asarray(correct, dtype=bool)
    conf = np.asarray(confidence, dtype=float)
    if hits.ndim != 1 or conf.ndim != 1:
        raise ValueError("correct and confidence must be one-dimensional")
    if conf.size and not np.all((conf >= 0.0) & (conf <= 1.0)):
        raise ValueError("confidence values must lie in [0, 1]")
    return hits, conf


def brier_score(correct: Sequence[bool], confidence: Sequence[float]) -> float:
    """Top-label Brier score: mean of (confidence - correct)².

    Brier (1950), applied to the confidence a checker gives its *predicted*
    label and whether that label was right (the "top-label" reduction of
    multi-class calibration, e.g. Kull et al. 2019), so it works for any label
    set. 0 is perfect; lower is better. Computed with scikit-learn's
    ``brier_score_loss``; NaN for empty input.
    """
    hits, conf = _as_correct_confidence(correct, confidence)
    if hits.size == 0:
        return math.nan
    from sklearn.metrics import brier_score_loss

    return float(brier_score_loss(hits, conf, pos_label=True, labels=[False, True]))


def calibration(correct: Sequence[bool], confidence: Sequence[float], n_bins: int = 10) -> Calibration:
    """Expected calibration error (ECE) with reliability-diagram bins.

    ECE as in Guo et al. (2017), "On Calibration of Modern Neural Networks"
    (after Naeini et al. 2015): confidences go into ``n_bins`` equal-width
    bins ((m-1)/M, m/M] (the first bin also holds 0), and
    ECE = Σ_m |B_m|/n · |acc(B_m) - conf(B_m)|. All bins are returned, empty
    ones with NaN means, so a report can draw the diagram. ECE is NaN for
    empty input. (scikit-learn's ``calibration_curve`` drops empty bins and
    does not return counts, hence the numpy implementation.)
    """
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    hits, conf = _as_correct_confidence(correct, confidence)
    # i/M computed directly, so an edge equals the float literal a caller
    # would write (0.3 == 3/10), which keeps boundary values in the lower bin.
    edges = np.arange(n_bins + 1) / n_bins
    index = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    conf_sums = np.bincount(index, weights=conf, minlength=n_bins)
    hit_sums = np.bincount(index, weights=hits.astype(float), minlength=n_bins)

    bins: list[ReliabilityBin] = []
    ece = 0.0
    n_items = int(hits.size)
    for m in range(n_bins):
        count = int(counts[m])
        if count:
            mean_conf = float(conf_sums[m] / count)
            accuracy = float(hit_sums[m] / count)
            ece += count / n_items * abs(accuracy - mean_conf)
        else:
            mean_conf = accuracy = math.nan
        bins.append(
            ReliabilityBin(
                low=float(edges[m]),
                high=float(edges[m + 1]),
                count=count,
                confidence=mean_conf,
                accuracy=accuracy,
            )
        )
    return Calibration(ece=ece if n_items else math.nan, n_items=n_items, bins=tuple(bins))
