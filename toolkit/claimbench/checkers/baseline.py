"""Baselines: reference points every real checker has to beat, and the runner's simplest learned checkers.

:class:`PriorBaseline` (``prior-baseline``) is what the headline tables use: scikit-learn's
``DummyClassifier`` strategies, either chance (``uniform``, no data) or class priors fitted on a dataset
disjoint from the evaluated one (or given, with their source). :class:`MajorityBaseline` is the older,
simpler one described next.

Unfitted, it answers ``label`` (by default the task's usual majority: ``consistent`` for numeric
consistency, ``unrelated`` for source agreement, as in FNC-1) for every item. Fitted on a development
split, it answers the most frequent gold label there, with that label's frequency as its score (so the
calibration metrics have something honest to measure). Being trivially cheap, it also isolates the
runner's own overhead in ``benchmarks/bench_runner.py``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from claimbench.checkers.base import failed_verdict
from claimbench.records import (
    NUMERIC_CONSISTENCY,
    Context,
    Item,
    Verdict,
    gold_label,
    task_info,
)


class MajorityBaseline:
    """Predict one label for every item: the fitted majority label, else ``label``.

    Parameters (scikit-learn convention: stored unchanged, read back by :meth:`get_params`):

    ``task``
        ``numeric_consistency`` or ``source_agreement``.
    ``label``
        What to predict before fitting; ``None`` means the task's null label
        (:attr:`claimbench.records.TaskInfo.null_label`).
    """

    name = "majority-baseline"
    version = "1.0.0"

    def __init__(self, task: str = NUMERIC_CONSISTENCY, label: str | None = None) -> None:
        labels = task_info(task).labels
        if label is not None and label not in labels:
            raise ValueError(f"label {label!r} is not a {task} label; choose one of {', '.join(labels)}")
        self.task = task
        self.label = label
        self.labels: tuple[str, ...] = labels
        self.majority_: str | None = None
        self.score_: float | None = None

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {"task": self.task, "label": self.label}

    def fit(self, items: Sequence[Item], context: Context) -> MajorityBaseline:
        """Learn the most frequent gold label of ``items`` (ties go to the earlier label of the task).

        Raises ``ValueError`` when no item carries a gold label for the task.
        """
        counts = Counter(gold for item in items if (gold := gold_label(self.task, item)) is not None)
        total = sum(counts.values())
        if total == 0:
            raise ValueError(f"no item carries a {self.task} gold label; nothing to fit on")
        best = max(self.labels, key=lambda lab: (counts[lab], -self.labels.index(lab)))
        self.majority_ = best
        self.score_ = counts[best] / total
        return self

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """The same answer for every item."""
        label = self.majority_ or self.label or task_info(self.task).null_label
        how = (
            f"most frequent label of the fitting data ({self.score_:.0%})"
            if self.majority_ is not None
            else "fixed label (not fitted)"
        )
        return [
            Verdict(item.id, self.name, self.version, label, score=self.score_, explanation=how)
            for item in items
        ]

    def __repr__(self) -> str:
        return f"MajorityBaseline(task={self.task!r}, label={self.label!r})"


STRATEGIES: tuple[str, ...] = ("uniform", "most_frequent", "prior", "stratified")
"""scikit-learn's ``DummyClassifier`` strategies, with the same meaning (``constant`` is
:class:`MajorityBaseline` with ``label``)."""

_CHANCE = "uniform draw (chance; uses no data)"


class PriorBaseline:
    """A reference point that uses no feature of the item: scikit-learn's ``DummyClassifier`` strategies.

    ``uniform``
        Chance: each item gets a label drawn uniformly from the task's labels (score ``1/k``). Uses no
        data at all, so it is an honest floor on any dataset, including one without a development split.
    ``most_frequent``
        The most frequent label of the class priors for every item, with score 1 (``predict_proba`` of a
        ``DummyClassifier(strategy="most_frequent")`` is one-hot).
    ``prior``
        The same label, with its prior probability as the score (so calibration is measured honestly).
    ``stratified``
        A label drawn from the class priors for each item, scored with that label's prior.

    The priors come from :meth:`fit` (the gold labels of a fitting dataset: the spec's ``fit_on``, which the
    runner refuses when it shares data with what is evaluated), or from ``priors`` (label → weight, e.g.
    published class frequencies, described by ``source``). Without either, the three strategies that need
    them report every item as an error rather than guess.

    Draws are made per item from a hash of ``seed`` and the item id, not from one random stream, so an
    item's verdict does not depend on its batch, the engine, the order or the cache (``DummyClassifier``
    itself draws from one ``RandomState`` per ``predict`` call, which would).
    """

    name = "prior-baseline"
    version = "1.0.0"

    def __init__(
        self,
        task: str = NUMERIC_CONSISTENCY,
        strategy: str = "uniform",
        priors: dict[str, float] | None = None,
        source: str = "",
        seed: int = 0,
    ) -> None:
        labels = task_info(task).labels
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
        if priors is not None:
            unknown = sorted(set(priors) - set(labels))
            if unknown:
                raise ValueError(f"priors for {unknown} are not {task} labels")
            if any(not isinstance(w, int | float) or w < 0 for w in priors.values()):
                raise ValueError("priors must be non-negative numbers")
            if not sum(priors.values()) > 0:
                raise ValueError("priors must not all be zero")
        self.task = task
        self.strategy = strategy
        self.priors = priors
        self.source = source
        self.seed = seed
        self.labels: tuple[str, ...] = labels
        self.priors_: dict[str, float] | None = _normalised(priors, self.labels) if priors else None
        self.fitted_on_: str | None = source or ("the given priors" if priors else None)

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {
            "task": self.task,
            "strategy": self.strategy,
            "priors": self.priors,
            "source": self.source,
            "seed": self.seed,
        }

    def fit(self, items: Sequence[Item], context: Context) -> PriorBaseline:
        """Take the class priors from the gold labels of ``items`` (replacing any given ``priors``).

        Raises ``ValueError`` when no item carries a gold label for the task.
        """
        counts = Counter(gold for item in items if (gold := gold_label(self.task, item)) is not None)
        if not counts:
            raise ValueError(f"no item carries a {self.task} gold label; nothing to fit on")
        self.priors_ = _normalised(counts, self.labels)
        self.fitted_on_ = f"the gold labels of {sum(counts.values())} fitting items"
        return self

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """One verdict per item, from the strategy alone (the item's content is never looked at)."""
        if self.strategy == "uniform":
            k = len(self.labels)
            return [
                self._verdict(item, self.labels[min(int(self._draw(item) * k), k - 1)], 1 / k, _CHANCE)
                for item in items
            ]
        priors = self.priors_
        if priors is None:
            return [
                failed_verdict(
                    item.id,
                    self.name,
                    self.version,
                    f"strategy {self.strategy!r} needs class priors: fit it (fit_on) or give priors",
                )
                for item in items
            ]
        how = f"{self.strategy} on {self.fitted_on_}"
        if self.strategy == "stratified":
            drawn = [(item, self._pick(item)) for item in items]
            return [self._verdict(item, label, priors[label], how) for item, label in drawn]
        best = max(self.labels, key=lambda lab: (priors[lab], -self.labels.index(lab)))
        score = 1.0 if self.strategy == "most_frequent" else priors[best]
        return [self._verdict(item, best, score, how) for item in items]

    def _draw(self, item: Item) -> float:
        """A uniform number in [0, 1) fixed by the seed and the item id (the same in every process)."""
        digest = hashlib.blake2b(f"{self.seed}\0{item.id}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def _pick(self, item: Item) -> str:
        """A label drawn from the priors by inverse CDF of :meth:`_draw`."""
        assert self.priors_ is not None
        u, total = self._draw(item), 0.0
        for label in self.labels:
            total += self.priors_[label]
            if u < total:
                return label
        return max(self.labels, key=lambda lab: self.priors_[lab] if self.priors_ else 0.0)

    def _verdict(self, item: Item, label: str, score: float, how: str) -> Verdict:
        return Verdict(item.id, self.name, self.version, label, score=score, explanation=how)

    def __repr__(self) -> str:
        return f"PriorBaseline(task={self.task!r}, strategy={self.strategy!r})"


def _normalised(weights: Mapping[str, float], labels: Sequence[str]) -> dict[str, float]:
    """``weights`` over every label of ``labels`` (missing ones 0), summing to one."""
    total = float(sum(weights.values()))
    return {label: float(weights.get(label, 0)) / total for label in labels}
