"""The majority baseline: the floor every real checker has to beat, and the runner's simplest learned checker.

Unfitted, it answers ``label`` (by default the task's usual majority: ``consistent`` for numeric
consistency, ``unrelated`` for source agreement, as in FNC-1) for every item. Fitted on a development
split, it answers the most frequent gold label there, with that label's frequency as its score (so the
calibration metrics have something honest to measure). Being trivially cheap, it also isolates the
runner's own overhead in ``benchmarks/bench_runner.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from claimbench.records import (
    NUMERIC_CONSISTENCY,
    SOURCE_AGREEMENT,
    TASK_LABELS,
    Context,
    Item,
    Verdict,
    gold_label,
)

DEFAULT_LABELS: dict[str, str] = {NUMERIC_CONSISTENCY: "consistent", SOURCE_AGREEMENT: "unrelated"}
"""What an unfitted baseline predicts per task when no ``label`` is given."""


class MajorityBaseline:
    """Predict one label for every item: the fitted majority label, else ``label``.

    Parameters (scikit-learn convention: stored unchanged, read back by :meth:`get_params`):

    ``task``
        ``numeric_consistency`` or ``source_agreement``.
    ``label``
        What to predict before fitting; ``None`` means the task's default (:data:`DEFAULT_LABELS`).
    """

    name = "majority-baseline"
    version = "1.0.0"

    def __init__(self, task: str = NUMERIC_CONSISTENCY, label: str | None = None) -> None:
        if task not in TASK_LABELS:
            raise ValueError(f"unknown task {task!r}; known: {', '.join(TASK_LABELS)}")
        if label is not None and label not in TASK_LABELS[task]:
            raise ValueError(
                f"label {label!r} is not a {task} label; choose one of {', '.join(TASK_LABELS[task])}"
            )
        self.task = task
        self.label = label
        self.labels: tuple[str, ...] = TASK_LABELS[task]
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
        label = self.majority_ or self.label or DEFAULT_LABELS[self.task]
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
