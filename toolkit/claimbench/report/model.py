"""The finished result of a benchmark run: what every report format reads, and nothing else.

A :class:`Report` is plain data (frozen dataclasses of strings, numbers, tuples and mappings), so the
JSON, Markdown and HTML writers and ``compare`` never import the runner, the checkers or the datasets.
``Report.to_dict`` / ``Report.from_dict`` round-trip through ``report.json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Estimate:
    """A metric's value on all items, with its bootstrap confidence interval (``None`` when not computed)."""

    value: float
    low: float | None = None
    high: float | None = None

    def overlaps(self, other: Estimate) -> bool:
        """Whether two intervals overlap (a change within the noise); missing intervals count as overlap."""
        if None in (self.low, self.high, other.low, other.high):
            return True
        return bool(self.low <= other.high and other.low <= self.high)  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Precision, recall and F1 of one label, and how many gold items carry it."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One bin of a reliability diagram: confidence range, items, mean confidence, accuracy."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class TaskScores:
    """How one checker did on one task of one dataset.

    ``metrics`` holds the headline metrics by name — always ``accuracy`` and ``macro_f1``; for source
    agreement also ``fnc1_score`` (raw) and ``fnc1_percent`` (of the maximum); ``brier`` and ``ece`` when
    the verdicts carry scores. ``confusion`` rows are gold labels, columns predicted, both in ``labels``
    order.
    """

    dataset: str
    task: str
    checker: str
    labels: tuple[str, ...]
    n_items: int
    n_errors: int
    coverage: float
    metrics: Mapping[str, Estimate]
    per_label: Mapping[str, LabelScore]
    confusion: tuple[tuple[int, ...], ...]
    reliability: tuple[ReliabilityBin, ...] = ()
    fnc1_maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A paired comparison of two checkers on the same items of one task.

    McNemar's test on per-item correctness (``b``: only A right, ``c``: only B right) and a paired
    bootstrap interval on the difference in macro-F1 (A − B); ``p_adjusted`` is the Benjamini–Hochberg
    adjusted McNemar p-value across every comparison of the run.
    """

    dataset: str
    task: str
    checker_a: str
    checker_b: str
    b: int
    c: int
    p_value: float
    p_adjusted: float
    significant: bool
    macro_f1_difference: Estimate


@dataclass(frozen=True, slots=True)
class Prediction:
    """One row of ``predictions.csv``: one item as judged by one checker."""

    dataset: str
    task: str
    item_id: str
    checker: str
    gold: str | None
    predicted: str | None
    score: float | None
    error: str | None
    explanation: str
    cluster: str


@dataclass(frozen=True, slots=True)
class CheckerRun:
    """A checker as it ran: identity, parameters, where fitted parameters came from, and speed."""

    name: str
    version: str
    task: str
    origin: str
    params: Mapping[str, Any]
    fitted_on: str | None
    wall_seconds: float
    items: int
    items_per_second: float
    reused: int


@dataclass(frozen=True, slots=True)
class Contamination:
    """How many evaluated items share a text (claim or other text) with a fitted checker's fitting data.

    Items whose texts are all those of one fitted item are refused before the run
    (:mod:`claimbench.leakage`); this counts the ones that share some text only, such as an FNC-1 headline
    seen in training with another body.
    """

    dataset: str
    task: str
    checker: str
    fitted_on: str
    items: int
    shared: int
    share: float


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """A dataset as it was used: enough to say in a paper exactly which data was scored."""

    id: str
    version: str
    path: str
    checksum: str
    files: Mapping[str, str]
    label_mapping: str | None = None
    """For a converted corpus: its native labels' mapping and the labels macro-F1 averages over."""


@dataclass(frozen=True, slots=True)
class ClaimMark:
    """Where one claim stands in an article (for highlighting it in the HTML report)."""

    claim_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article's text and its claims' spans, carried so reports need not read the dataset."""

    dataset: str
    id: str
    title: str
    text: str
    claims: tuple[ClaimMark, ...]


@dataclass(frozen=True)
class Report:
    """Everything a benchmark run produced."""

    spec: Mapping[str, Any]
    created: str
    environment: Mapping[str, Any]
    datasets: tuple[DatasetInfo, ...]
    checkers: tuple[CheckerRun, ...]
    scores: tuple[TaskScores, ...]
    comparisons: tuple[Comparison, ...] = ()
    predictions: tuple[Prediction, ...] = ()
    articles: tuple[ArticleView, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0
    bootstrap_resamples: int = 0
    contamination: tuple[Contamination, ...] = ()
    """Per fitted checker and evaluated dataset: evaluated items sharing a text with the fitting data."""
    failures: tuple[str, ...] = ()
    """Why the run failed (:func:`claimbench.runner.failures`); empty when it did not. Every report
    shows these first, and ``claimbench run`` exits 1."""
    predictions_file: str | None = field(default=None, compare=False)
    """A streamed run's prediction rows, spooled to this CSV file instead of held in ``predictions``
    (:func:`claimbench.report.json.write_report` copies it to ``predictions.csv``). Not part of
    ``report.json``: it names a file of the run that made the report, not a result."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written to ``report.json`` (NaN and infinities become ``null``)."""
        data: dict[str, Any] = _finite(asdict(self))
        del data["predictions_file"]
        return {"failures": data.pop("failures"), **data}  # first: a reader sees a failed run at once

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Inverse of :meth:`to_dict`."""

        def est(d: Mapping[str, Any]) -> Estimate:
            return Estimate(_num(d["value"]), d.get("low"), d.get("high"))

        return cls(
            spec=data["spec"],
            created=data["created"],
            environment=data["environment"],
            datasets=tuple(DatasetInfo(**d) for d in data["datasets"]),
            checkers=tuple(CheckerRun(**c) for c in data["checkers"]),
            scores=tuple(
                TaskScores(
                    dataset=s["dataset"],
                    task=s["task"],
                    checker=s["checker"],
                    labels=tuple(s["labels"]),
                    n_items=s["n_items"],
                    n_errors=s["n_errors"],
                    coverage=s["coverage"],
                    metrics={k: est(v) for k, v in s["metrics"].items()},
                    per_label={k: LabelScore(**v) for k, v in s["per_label"].items()},
                    confusion=tuple(tuple(row) for row in s["confusion"]),
                    reliability=tuple(ReliabilityBin(**b) for b in s.get("reliability", ())),
                    fnc1_maximum=s.get("fnc1_maximum"),
                )
                for s in data["scores"]
            ),
            comparisons=tuple(
                Comparison(**{**c, "macro_f1_difference": est(c["macro_f1_difference"])})
                for c in data.get("comparisons", ())
            ),
            predictions=tuple(Prediction(**p) for p in data.get("predictions", ())),
            articles=tuple(
                ArticleView(
                    dataset=a["dataset"],
                    id=a["id"],
                    title=a["title"],
                    text=a["text"],
                    claims=tuple(ClaimMark(**m) for m in a["claims"]),
                )
                for a in data.get("articles", ())
            ),
            timings=data.get("timings", {}),
            seed=data.get("seed", 0),
            bootstrap_resamples=data.get("bootstrap_resamples", 0),
            contamination=tuple(Contamination(**c) for c in data.get("contamination", ())),
            failures=tuple(data.get("failures", ())),
        )


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
