"""Scores of one checker on one dataset and task, from label codes: metrics, intervals, comparisons.

The runner reduces every verdict to a label code and a score (:class:`Compact`) and every item to a
gold code and a cluster code (:class:`Table`, gathered chunk by chunk by :class:`Collect`, the one way a
table is built), a few bytes an item, so a million items score in little memory and a dataset loaded
whole and the same dataset streamed are scored by the same code. From those arrays :class:`Table` computes
the headline metrics of :mod:`claimbench.scoring.metrics` (the same scikit-learn calls, on weighted distinct
pairs), their bootstrap intervals (:mod:`claimbench.scoring.stats`; resampling articles when items cluster in
enough of them), calibration, and the paired comparisons of two checkers; :func:`adjust` applies
Benjamini–Hochberg across a run's comparisons.
"""

from __future__ import annotations

import logging
import math
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from claimbench.records import TASKS
from claimbench.report.model import Comparison, Estimate, TaskScores
from claimbench.scoring.metrics import (
    ClassificationScores,
    LabelScore,
    ReliabilityBin,
    calibration,
    classification_report,
    fnc1_score,
)
from claimbench.scoring.stats import (
    BootstrapSpec,
    benjamini_hochberg,
    bootstrap_ci,
    mcnemar,
    paired_bootstrap_diff,
)

if TYPE_CHECKING:  # only annotated: scoring takes the datasets it is given, it does not read any
    pass

log = logging.getLogger("claimbench.scoring.tables")

IntArray = NDArray[np.intp]


@dataclass
class Compact:
    """What scoring keeps of one checker's verdicts on a dataset and task, aligned with the items.

    ``codes``: the label's index in the task's labels, ``len(labels)`` for none (a checker error);
    ``scores``: the verdict's score, NaN for none. Nine bytes an item, whatever the verdicts held.
    """

    codes: NDArray[np.int8]
    scores: NDArray[np.float64]


class Clusters:
    """Cluster ids as integer codes, numbered in order of first appearance.

    ``shared``: the ids that can be the cluster of several items (article ids); any other id is an item's
    own (unique) id, a cluster of one that gets a fresh code and is not remembered — so a streamed
    million standalone claims costs no million-entry dictionary. ``None``: remember every id.
    """

    def __init__(self, shared: Mapping[str, Any] | None = None) -> None:
        self._codes: dict[str, int] = {}
        self._shared = shared
        self.distinct = 0

    def code(self, cluster: str) -> int:
        code = self._codes.get(cluster)
        if code is None:
            code = self.distinct
            self.distinct += 1
            if self._shared is None or cluster in self._shared:
                self._codes[cluster] = code
        return code


class Collect:
    """Gold label and cluster codes of a task's items, gathered chunk by chunk as the first checker reads
    them, and the dataset's declared labels: what :meth:`table` builds the score table from.

    ``manifest``: the dataset's, whose ``label_mapping`` names the labels macro-F1 averages over (a
    converted two-label corpus, loaded whole or streamed). ``shared``: the ids that can be the cluster
    of several items (:class:`Clusters`; a streamed dataset's articles), ``None`` to remember every id.
    """

    def __init__(
        self, dataset: str, task: str, manifest: Mapping[str, Any], shared: Mapping[str, Any] | None = None
    ) -> None:
        self.dataset = dataset
        self.task = task
        self.manifest = manifest
        self._labels = {label: i for i, label in enumerate(TASKS[task].labels)}
        self._clusters = Clusters(shared)
        self.gold = array("b")
        self.clusters: array[int] | None = None  # None while every item so far is its own cluster

    @property
    def n(self) -> int:
        return len(self.gold)

    def add(self, gold: Sequence[str], clusters: Sequence[str]) -> None:
        """The gold labels and cluster ids of the next items."""
        start = len(self.gold)
        self.gold.extend([self._labels[g] for g in gold])
        codes = [self._clusters.code(c) for c in clusters]
        if self.clusters is None:
            if codes == list(range(start, start + len(codes))):
                return  # still one cluster per item: the codes are the positions, not worth storing
            self.clusters = array("i", range(start))
        self.clusters.extend(codes)

    def table(self, boot: BootstrapSpec, seed: int) -> Table:
        return Table.of(
            self.dataset,
            self.task,
            np.frombuffer(self.gold, dtype=np.int8),
            None if self.clusters is None else np.frombuffer(self.clusters, dtype=np.int32),
            self._clusters.distinct,
            boot,
            seed,
            _scored_codes(self.manifest, self.task),
        )


MIN_CLUSTERS = 5
"""Fewest articles for resampling by article; with fewer the bootstrap resamples items instead."""


def resampling_unit(clusters: Sequence[str]) -> str:
    """``article`` when items cluster in enough articles to resample those, else ``item``.

    Claims of one article are not independent, so resampling articles gives honest intervals; but with
    a handful of articles (the Mosul dataset is one) every resample is nearly the whole dataset and the
    interval collapses to a point, which would look like certainty. Then items are resampled (intervals
    too narrow for clustered data, and the report says which unit was used).
    """
    return _unit(len(set(clusters)), len(clusters))


def _unit(distinct: int, n: int) -> str:
    """:func:`resampling_unit` from the number of distinct clusters and of items."""
    return "article" if MIN_CLUSTERS <= distinct < n else "item"


def _classification(gold: NDArray[Any], pred: NDArray[Any], labels: tuple[str, ...]) -> ClassificationScores:
    """:func:`~claimbench.scoring.metrics.classification_report` on label codes (``len(labels)``: no
    prediction).

    The same scikit-learn calls, made on the distinct (gold, predicted) pairs weighted by how often each
    occurs: the weights are integers, so every sum is exact and the numbers are those of the full arrays
    (the tests check) — without handing scikit-learn arrays of a million items to encode and copy.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    n_items = len(gold)
    if n_items == 0:
        return classification_report([], [], labels)
    codes = list(range(len(labels)))
    width = len(labels) + 1
    cell = gold.astype(np.intp)
    cell *= width
    cell += pred  # in place: one temporary array, however many items
    counts = np.bincount(cell, minlength=len(labels) * width)
    pairs = np.flatnonzero(counts)
    y_true, y_pred, weight = pairs // width, pairs % width, counts[pairs].astype(np.float64)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=codes, average=None, zero_division=0, sample_weight=weight
    )
    matrix = confusion_matrix(y_true, y_pred, labels=codes, sample_weight=weight)
    n_errors = int(counts[len(labels) :: width].sum())
    return ClassificationScores(
        labels=tuple(labels),
        accuracy=float(accuracy_score(y_true, y_pred, sample_weight=weight)),
        macro_f1=float(np.mean(f1)),
        per_label={
            label: LabelScore(float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i, label in enumerate(labels)
        },
        confusion=tuple(tuple(int(x) for x in row) for row in matrix),
        n_items=n_items,
        n_errors=n_errors,
        coverage=(n_items - n_errors) / n_items,
    )


_BINS = 10
"""Bins of the reliability diagram and the ECE (metrics.calibration's default)."""


def _calibration_bins(confidence: NDArray[np.float64]) -> NDArray[np.int8]:
    """Each item's bin in :func:`~claimbench.scoring.metrics.calibration` (``_BINS`` bins), computed once."""
    edges = np.arange(_BINS + 1) / _BINS
    index = np.searchsorted(edges, confidence, side="left")
    index -= 1  # in place: one temporary array of a million items, not three
    np.clip(index, 0, _BINS - 1, out=index)
    return index.astype(np.int8)


def _brier(correct: NDArray[np.bool_], confidence: NDArray[np.float64]) -> float:
    """Mean of (confidence - correct)²: :func:`~claimbench.scoring.metrics.brier_score` to rounding in the
    last
    digit (the tests check), with one temporary array where scikit-learn's input checks make several
    copies of a million items. The bootstrap resamples use the same formula."""
    if not confidence.size:
        return math.nan
    diff = confidence - correct
    return float(np.square(diff, out=diff).mean())


_CHUNK = 1 << 16
"""Indices of a bootstrap resample that a statistic works on at once, so that its temporary arrays stay
this small however many items there are (a million-item resample would otherwise copy 8 MB per array)."""


def _parts(idx: IntArray, keep: NDArray[np.bool_] | None = None) -> Iterator[IntArray]:
    """``idx`` in consecutive pieces of at most :data:`_CHUNK` (views), each filtered to ``keep[i]``."""
    for start in range(0, len(idx), _CHUNK):
        part = idx[start : start + _CHUNK]
        yield part if keep is None else part[keep[part]]


def _binned_ece(
    bin_of: NDArray[np.int8],
    correct: NDArray[np.bool_],
    confidence: NDArray[np.float64],
    idx: IntArray,
    keep: NDArray[np.bool_] | None = None,
) -> float:
    """ECE of the items ``idx`` (a bootstrap resample; those with ``keep``), as
    :func:`~claimbench.scoring.metrics.calibration`.

    The same bins, sums and formula, from the precomputed bins: a resample costs three bincounts per
    :data:`_CHUNK` items, not a fresh binning of every item (the tests check equality; beyond one chunk
    the confidence sums are added in a different order, so they may differ in the last digit).
    """
    counts = np.zeros(_BINS, dtype=np.int64)
    right = np.zeros(_BINS, dtype=np.int64)
    sums = np.zeros(_BINS)
    for part in _parts(idx, keep):
        bins = bin_of[part]
        counts += np.bincount(bins, minlength=_BINS)
        sums += np.bincount(bins, weights=confidence[part], minlength=_BINS)
        right += np.bincount(bins[correct[part]], minlength=_BINS)
    n = int(counts.sum())
    if not n:
        return math.nan
    total = 0.0
    for m in range(_BINS):
        count = int(counts[m])
        if count:
            total += count / n * abs(float(right[m] / count) - float(sums[m] / count))
    return total


def _fnc1_points(labels: tuple[str, ...]) -> NDArray[np.float64]:
    """FNC-1 points of each (gold, predicted) code pair; the last column is no prediction (no points)."""
    return np.array([[fnc1_score([g], [t]).raw for t in (*labels, None)] for g in labels], dtype=np.float64)


def _macro_f1(
    gold: NDArray[np.integer[Any]],
    pred: NDArray[np.integer[Any]],
    n_labels: int,
    idx: IntArray | None = None,
    scored: Sequence[int] | None = None,
) -> float:
    """Macro-F1 from label codes (``pred == n_labels``: no prediction), as ``classification_report``; of
    the items ``idx`` (a bootstrap resample, counted :data:`_CHUNK` at a time: exactly) when given.

    F1 per label is 2·TP / (2·TP + FP + FN), 0 when undefined (scikit-learn's ``zero_division=0``); a
    missing prediction is a false negative of its gold label only. The bootstrap calls this thousands of
    times, where scikit-learn's input validation would dominate the run; ``tests/test_tables.py`` checks
    it against :func:`claimbench.scoring.metrics.classification_report`. ``scored``: the label codes the
    mean is
    over (the labels a dataset has, :attr:`Table.scored`); all by default.
    """
    width = n_labels + 1
    size = n_labels * width
    if idx is None:
        cells = np.bincount(gold * width + pred, minlength=size)
    else:
        cells = np.zeros(size, dtype=np.int64)
        for part in _parts(idx):
            cells += np.bincount(gold[part] * width + pred[part], minlength=size)
    matrix = cells.reshape(n_labels, width)
    tp = np.diagonal(matrix[:, :n_labels])
    denominator = matrix[:, :n_labels].sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2.0 * tp, denominator, out=np.zeros(n_labels), where=denominator > 0)
    return float(f1[list(scored)].mean()) if scored is not None else float(f1.mean())


@dataclass
class Table:
    """The items of one dataset and task as codes, with what every checker's scoring shares.

    Gold labels are codes (indices into ``labels``) and clusters integer codes, a few bytes an item, so
    a streamed million items scores in little memory (``cluster_codes`` is ``None`` when every item is
    its own cluster, as standalone claims are).
    """

    dataset: str
    task: str
    labels: tuple[str, ...]
    gold_codes: NDArray[np.int8]
    cluster_codes: NDArray[np.int32] | None
    distinct: int
    boot: BootstrapSpec
    seed: int
    scored: tuple[int, ...] | None = None
    """Codes of the labels macro-F1 averages over: those a dataset's ``label_mapping`` reaches (a
    two-label corpus is not scored on a ``discuss`` column it never uses); ``None``: every label."""

    @classmethod
    def of(
        cls,
        dataset: str,
        task: str,
        gold: NDArray[np.int8],
        clusters: NDArray[np.int32] | None,
        distinct: int,
        boot: BootstrapSpec,
        seed: int,
        scored: tuple[int, ...] | None = None,
    ) -> Table:
        """A table from codes (warning when few articles hold many items)."""
        n = len(gold)
        if _unit(distinct, n) == "item" and distinct < n:
            log.warning(
                "%s/%s: the %d item(s) lie in only %d article(s); the bootstrap resamples items, so "
                "intervals ignore the correlation of items within an article",
                dataset, task, n, distinct,
            )  # fmt: skip
        labels = TASKS[task].labels
        return cls(dataset, task, labels, gold, clusters, distinct, boot, seed, scored)

    @property
    def n(self) -> int:
        return len(self.gold_codes)

    @property
    def unit(self) -> str:
        """What the bootstrap resamples: ``article`` or ``item`` (:func:`resampling_unit`)."""
        return _unit(self.distinct, self.n)

    @cached_property
    def clusters(self) -> list[int] | None:
        """Cluster codes for the bootstrap when it resamples articles, else ``None``."""
        if self.unit != "article" or self.cluster_codes is None:  # None: each item is its own cluster
            return None
        codes: list[int] = self.cluster_codes.tolist()
        return codes

    def _interval(self, value: float, statistic: Callable[[IntArray], float]) -> Estimate:
        ci = bootstrap_ci(
            statistic,
            self.n,
            clusters=self.clusters,
            n_resamples=self.boot.resamples,
            confidence=self.boot.confidence,
            seed=self.seed,
        )
        return Estimate(value, ci.low, ci.high)

    def score(self, checker: str, outcome: Compact) -> TaskScores:
        """Headline metrics with intervals, per-label scores, confusion and calibration of one checker."""
        codes, gold, n_labels, scored = outcome.codes, self.gold_codes, len(self.labels), self.scored
        report = _classification(gold, codes, self.labels)
        if scored is not None:
            scores = list(report.per_label.values())
            report = replace(report, macro_f1=float(np.mean([scores[i].f1 for i in scored])))
        correct = codes == gold

        def accuracy(idx: IntArray) -> float:  # a count over the count: exactly correct[idx].mean()
            hits = sum(int(np.count_nonzero(correct[part])) for part in _parts(idx))
            return hits / len(idx) if len(idx) else math.nan

        metrics: dict[str, Estimate] = {
            "accuracy": self._interval(report.accuracy, accuracy),
            "macro_f1": self._interval(
                report.macro_f1, lambda idx: _macro_f1(gold, codes, n_labels, idx, scored)
            ),
        }
        maximum = None
        if TASKS[self.task].fnc1_score:
            table = _fnc1_points(self.labels)
            points, best = table[gold, codes], table[gold, gold]
            raw, maximum = float(points.sum()), float(best.sum())  # quarters: summed exactly
            percent = 100.0 * raw / maximum if maximum > 0 else math.nan

            def total(values: NDArray[np.float64], idx: IntArray) -> float:  # quarters: exact in any order
                return float(sum(float(values[part].sum()) for part in _parts(idx)))

            metrics["fnc1_score"] = self._interval(raw, lambda idx: total(points, idx))

            def fnc1_percent(idx: IntArray) -> float:
                most = total(best, idx)
                return 100.0 * total(points, idx) / most if most > 0 else math.nan

            metrics["fnc1_percent"] = self._interval(percent, fnc1_percent)
        reliability: tuple[ReliabilityBin, ...] = ()
        confidence = outcome.scores
        scored = (codes != n_labels) & ~np.isnan(confidence)
        if scored.any():
            every = bool(scored.all())  # then neither the items nor a resample's indices need filtering
            hits, conf = (correct, confidence) if every else (correct[scored], confidence[scored])
            bin_of = _calibration_bins(confidence if every else np.where(scored, confidence, 0.0))

            keep = None if every else scored

            def brier(idx: IntArray) -> float:  # summed by chunk: equal to _brier to the last digit
                n, total = 0, 0.0
                for part in _parts(idx, keep):
                    diff = confidence[part]  # a copy (fancy indexing), then worked on in place
                    diff -= correct[part]
                    total += float(np.square(diff, out=diff).sum())
                    n += len(part)
                return total / n if n else math.nan

            def ece(idx: IntArray) -> float:
                return _binned_ece(bin_of, correct, confidence, idx, keep)

            cal = calibration(_seq(hits), _seq(conf))
            metrics["brier"] = self._interval(_brier(hits, conf), brier)
            metrics["ece"] = self._interval(cal.ece, ece)
            reliability = cal.bins
        return TaskScores(
            dataset=self.dataset,
            task=self.task,
            checker=checker,
            labels=self.labels,
            n_items=report.n_items,
            n_errors=report.n_errors,
            coverage=report.coverage,
            metrics=metrics,
            per_label=report.per_label,
            confusion=report.confusion,
            reliability=reliability,
            fnc1_maximum=maximum,
        )

    def compare(self, name_a: str, a: Compact, name_b: str, b: Compact) -> Comparison:
        """McNemar on correctness and a paired bootstrap of macro-F1 (A − B); BH is applied later."""
        gold, n_labels, scored = self.gold_codes, len(self.labels), self.scored
        test = mcnemar(_seq(a.codes == gold), _seq(b.codes == gold))
        diff = paired_bootstrap_diff(
            lambda idx: _macro_f1(gold[idx], a.codes[idx], n_labels, None, scored),
            lambda idx: _macro_f1(gold[idx], b.codes[idx], n_labels, None, scored),
            self.n,
            clusters=self.clusters,
            n_resamples=self.boot.resamples,
            confidence=self.boot.confidence,
            seed=self.seed,
        )
        return Comparison(
            dataset=self.dataset,
            task=self.task,
            checker_a=name_a,
            checker_b=name_b,
            b=test.b,
            c=test.c,
            p_value=test.p_value,
            p_adjusted=test.p_value,
            significant=False,
            macro_f1_difference=Estimate(diff.estimate, diff.low, diff.high),
        )


def _scored_codes(manifest: Mapping[str, Any], task: str) -> tuple[int, ...] | None:
    """The codes of the labels a dataset declares (``label_mapping``) for the source-agreement task."""
    from claimbench.data.adapters.labels import scored_labels

    declared = scored_labels(manifest) if TASKS[task].label_mapping else None
    labels = TASKS[task].labels
    return tuple(labels.index(label) for label in declared) if declared else None


def _seq(values: NDArray[Any]) -> Sequence[Any]:
    """A numpy array where the metrics' signatures say ``Sequence`` (they call ``np.asarray`` on it)."""
    return values  # type: ignore[return-value]


def adjust(comparisons: Sequence[Comparison], alpha: float) -> tuple[Comparison, ...]:
    """Benjamini–Hochberg across every comparison of the run."""
    if not comparisons:
        return ()
    adjusted, reject = benjamini_hochberg([c.p_value for c in comparisons], alpha=alpha)
    return tuple(
        replace(c, p_adjusted=p, significant=r) for c, p, r in zip(comparisons, adjusted, reject, strict=True)
    )
