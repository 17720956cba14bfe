"""The finished result of a benchmark run: what every report format reads, and nothing else.

A :class:`Report` is plain data (frozen dataclasses of strings, numbers, tuples and mappings), so the
JSON, Markdown and HTML writers and ``compare`` never import the runner, the checkers or the datasets.
``Report.to_dict`` / ``Report.from_dict`` round-trip through ``report.json``.

Proportion: ``report.json`` copies the texts of the report's articles while they total at most
:data:`INLINE_TEXT_CHARS` characters (in report order); the text of every further article is not
copied but referred to (:class:`TextRef`: the dataset's checksum, the article id, the text's length
and SHA-256), so a report on one 36-million-character article is not 37 MB of text. A report read
back holds ``text=None`` for those (with the reference), and every reader handles that. The articles
a report carries are those with verdicts in its predictions (:func:`with_verdicts`): a streamed run
holds its verdicts in ``predictions.csv``, so its report carries no articles.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from claimbench._display import defuse_formula
from claimbench.errors import ClaimbenchError


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Precision, recall and F1 of one label (one-vs-rest), and how many gold items carry it.

    The one per-label record: scores, reports and report.json (``per_label``, keyed by label) all use it.
    """

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One reliability-diagram bin ``(low, high]`` (the first bin also holds 0): its items, their mean
    confidence and their accuracy (both NaN for an empty bin). Calibrations and reports both use it."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


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


PREDICTION_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Prediction))
"""Columns of the predictions tables, in order (every writer of prediction rows uses it)."""

PREDICTIONS_HEADER = ",".join(PREDICTION_COLUMNS) + "\n"
"""The header line of ``predictions.csv``."""

_NEEDS_QUOTES = re.compile(r'[,"\n]')


def csv_cell(text: str) -> str:
    """A CSV text cell as ``csv.writer(lineterminator="\\n")`` writes it: quoted (quotes doubled) when it
    holds a comma, a quote or a newline, and with the formula prefix of
    :func:`claimbench._display.defuse_formula` where a spreadsheet would run it.

    Formatted here rather than by ``csv.writer``: a streamed run writes one row per item, and the writer's
    generic path costs more per row than these checks. Text with a carriage return is left to csv itself:
    it quotes one only from Python 3.11.9 and 3.12.3 on (CPython gh-67044).
    """
    text = defuse_formula(text)
    if _NEEDS_QUOTES.search(text) is not None:
        return '"' + text.replace('"', '""') + '"'
    if "\r" in text:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow((text,))
        return buffer.getvalue()[:-1]
    return text


def prediction_line(
    dataset: str,
    task: str,
    item_id: str,
    checker: str,
    gold: str | None,
    predicted: str | None,
    score: float | None,
    error: str | None,
    explanation: str | None,
    cluster: str,
) -> str:
    """One row of ``predictions.csv`` (the fields of :class:`Prediction`, in order) as a CSV line.

    The one formatter of prediction rows: ``predictions.csv`` of a report
    (:func:`claimbench.report.json.predictions_csv`) and the rows a streamed run spools as it goes
    (:mod:`claimbench.run.streaming`) are both written with it, so they cannot drift apart. ``None``
    is an empty cell; a score is written as Python writes the float.
    """
    return (
        f"{csv_cell(dataset)},{csv_cell(task)},{csv_cell(item_id)},{csv_cell(checker)},"
        f"{csv_cell(gold or '')},{csv_cell(predicted or '')},{'' if score is None else score},"
        f"{csv_cell(error or '')},{csv_cell(explanation or '')},{csv_cell(cluster)}\n"
    )


def prediction_lines(predictions: Iterable[Prediction]) -> Iterator[str]:
    """:func:`prediction_line` of each record."""
    for p in predictions:
        yield prediction_line(
            p.dataset, p.task, p.item_id, p.checker, p.gold, p.predicted, p.score, p.error, p.explanation,
            p.cluster,
        )  # fmt: skip


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
    (:mod:`claimbench.run.leakage`); this counts the ones that share some text only, such as an FNC-1 headline
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


FORMAT_VERSION = 1
"""The format of ``report.json`` this claimbench writes, and the newest it reads: an integer, raised by one
on any change an older claimbench would misread or refuse. The schema allows no unknown field, so that is
every change (a new field included): a report from a newer claimbench is refused whole, with a message
saying to upgrade, rather than read in part. A report without the field is version 1."""


class ReportVersionError(ClaimbenchError, ValueError):
    """A ``report.json`` in a newer format than this claimbench reads: upgrade claimbench to read it.

    ``found`` is the report's ``format_version``; ``written_by`` the claimbench version that wrote it
    (its ``environment.claimbench``), when it says.
    """

    def __init__(self, found: int, written_by: str | None = None) -> None:
        self.found = found
        self.written_by = written_by
        by = f" (written by claimbench {written_by})" if written_by else ""
        super().__init__(
            f"report format version {found}{by} is newer than this claimbench reads (version "
            f"{FORMAT_VERSION} at most): upgrade claimbench to read it (pip install --upgrade claimbench, "
            "or a checkout of the version that wrote it)"
        )


def check_format_version(data: Mapping[str, Any]) -> int:
    """The format version of a report's JSON form: 1 when it has none (it predates the field).

    Raises :class:`ReportVersionError` when it is newer than :data:`FORMAT_VERSION`. A value that is not
    an integer is returned as 1 here and left to the schema (:func:`claimbench.report.json.read_report`
    validates after this check, so a newer report is told to upgrade, not given a list of schema errors).
    """
    version = data.get("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        return 1
    if version > FORMAT_VERSION:
        environment = data.get("environment")
        written_by = environment.get("claimbench") if isinstance(environment, Mapping) else None
        raise ReportVersionError(version, written_by if isinstance(written_by, str) else None)
    return version


INLINE_TEXT_CHARS = 1_000_000
"""Most characters of article text ``report.json`` copies in all; further articles are referenced."""


@dataclass(frozen=True, slots=True)
class TextRef:
    """Where an article text not copied into ``report.json`` is: the article ``id`` of the dataset whose
    checksum is ``dataset_checksum``; ``length`` (code points) and ``sha256`` (of its UTF-8 bytes) let a
    reader check that the text it finds there is the one the report was made from."""

    dataset_checksum: str
    length: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article's text and its claims' spans, carried so reports need not read the dataset.

    ``text`` is None in a report read back from a ``report.json`` that referred to it (``text_ref``).
    """

    dataset: str
    id: str
    title: str
    text: str | None
    claims: tuple[ClaimMark, ...]
    text_ref: TextRef | None = None


def text_ref(article: ArticleView, dataset_checksum: str) -> TextRef:
    """The reference ``report.json`` holds instead of ``article``'s text."""
    if article.text is None:
        if article.text_ref is None:
            raise ValueError(f"article {article.id!r} has neither a text nor a reference to one")
        return article.text_ref
    digest = hashlib.sha256(article.text.encode("utf-8", "surrogatepass")).hexdigest()
    return TextRef(dataset_checksum, len(article.text), digest)


def with_verdicts(
    articles: Iterable[ArticleView], predictions: Sequence[Prediction]
) -> tuple[ArticleView, ...]:
    """The articles with at least one claim judged in ``predictions`` (what the HTML report shows)."""
    judged = {(p.dataset, p.item_id) for p in predictions}
    return tuple(a for a in articles if any((a.dataset, m.claim_id) in judged for m in a.claims))


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
    """Why the run failed (:func:`claimbench.run.runner.run_failures`); empty when it did not. Every report
    shows these first, and ``claimbench run`` exits 1."""
    predictions_file: str | None = field(default=None, compare=False)
    """A streamed run's prediction rows, spooled to this CSV file instead of held in ``predictions``
    (:func:`claimbench.report.json.write_report` copies it to ``predictions.csv``). Not part of
    ``report.json``: it names a file of the run that made the report, not a result."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written to ``report.json`` (NaN and infinities become ``null``), in format
        :data:`FORMAT_VERSION`."""
        data: dict[str, Any] = _finite(asdict(self))
        del data["predictions_file"]
        data["articles"] = self._articles_json()
        failures = data.pop("failures")  # first: a reader sees a failed run at once
        return {"failures": failures, "format_version": FORMAT_VERSION, **data}

    def _articles_json(self) -> list[dict[str, Any]]:
        """The articles as ``report.json`` holds them: texts copied up to :data:`INLINE_TEXT_CHARS` in all,
        referred to beyond (see the module docstring)."""
        checksums = {d.id: d.checksum for d in self.datasets}
        out: list[dict[str, Any]] = []
        copied = 0
        for a in self.articles:
            entry: dict[str, Any] = {"dataset": a.dataset, "id": a.id, "title": a.title}
            if a.text is not None and copied + len(a.text) <= INLINE_TEXT_CHARS:
                entry["text"] = a.text
                copied += len(a.text)
            else:
                entry["text_ref"] = asdict(text_ref(a, checksums.get(a.dataset, "")))
            entry["claims"] = [asdict(m) for m in a.claims]
            out.append(entry)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Inverse of :meth:`to_dict`; a report in a newer format raises :class:`ReportVersionError`
        (:func:`check_format_version`)."""
        check_format_version(data)

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
                    text=a.get("text"),
                    claims=tuple(ClaimMark(**m) for m in a["claims"]),
                    text_ref=TextRef(**a["text_ref"]) if "text_ref" in a else None,
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
