"""Hand-made :class:`~claimbench.report.model.Report` objects for the report-format tests.

Built from the model alone (never the runner), so the Markdown, HTML and compare tests do not depend on
a benchmark run. :func:`sample_report` has two datasets, both tasks, two checkers per task, comparisons,
predictions with errors, and a Mosul-style article whose text holds ``<script>``, ``&``, quotes,
non-ASCII and newlines, with nested and crossing claim spans. :func:`parse` reads a rendered HTML page
for the HTML tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from html.parser import HTMLParser

from claimbench.report.model import (
    ArticleView,
    CheckerRun,
    ClaimMark,
    Comparison,
    DatasetInfo,
    Estimate,
    LabelScore,
    Prediction,
    ReliabilityBin,
    Report,
    TaskScores,
)

NUMERIC = "numeric_consistency"
STANCE = "source_agreement"
NUMERIC_LABELS = ("consistent", "inconsistent", "not_applicable")
STANCE_LABELS = ("agree", "disagree", "discuss", "unrelated")

ARTICLE_TEXT = (
    'Mosul offensive: Iraqi forces & Peshmerga advance on "ISIS stronghold"\n'
    "\n"
    "ERBIL — About 30,000 troops joined the operation, officials said on Monday. "
    "The UN warned that up to 1 million civilians could be displaced.\n"
    "\n"
    "A militant post read <script>alert(1)</script> and 'victory is near'. "
    "Ninety percent of the city’s 1.5 million residents remain — according to the mayor — "
    "in al-Mawṣil (الموصل).\n"
)

# claim id -> the exact substring it covers (the first occurrence in ARTICLE_TEXT)
CLAIM_TEXTS: Mapping[str, str] = {
    "mosul-c00": "Iraqi forces & Peshmerga advance",
    "mosul-c01": "About 30,000 troops joined the operation",
    # contains c01 (nested)
    "mosul-c02": "About 30,000 troops joined the operation, officials said on Monday",
    # crosses the end of c02 and a sentence boundary
    "mosul-c03": "officials said on Monday. The UN warned that up to 1 million civilians",
    "mosul-c04": "<script>alert(1)</script> and 'victory is near'",
    "mosul-c05": "Ninety percent of the city’s 1.5 million residents",
    # crosses the end of c05
    "mosul-c06": "1.5 million residents remain — according to the mayor",
    # no checker has a verdict on it
    "mosul-c07": "in al-Mawṣil (الموصل)",
}

SCRIPT = "<script>alert(1)</script>"


def est(value: float, half_width: float | None = 0.05) -> Estimate:
    """An estimate with a symmetric interval (``None``: no interval)."""
    if half_width is None:
        return Estimate(value)
    return Estimate(value, value - half_width, value + half_width)


def scores_from_confusion(
    dataset: str,
    task: str,
    checker: str,
    labels: Sequence[str],
    confusion: Sequence[Sequence[int]],
    *,
    n_errors: int = 0,
    half_width: float | None = 0.05,
    extra: Mapping[str, Estimate] | None = None,
    reliability: Sequence[ReliabilityBin] = (),
    fnc1_maximum: float | None = None,
) -> TaskScores:
    """TaskScores whose accuracy, macro-F1 and per-label scores agree with ``confusion``."""
    n = sum(sum(row) for row in confusion)
    per_label: dict[str, LabelScore] = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        support = sum(confusion[i])
        predicted = sum(row[i] for row in confusion)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = LabelScore(precision, recall, f1, support)
    accuracy = sum(confusion[i][i] for i in range(len(labels))) / (n + n_errors)
    macro_f1 = sum(s.f1 for s in per_label.values()) / len(labels)
    metrics = {"accuracy": est(accuracy, half_width), "macro_f1": est(macro_f1, half_width)}
    metrics.update(extra or {})
    return TaskScores(
        dataset=dataset,
        task=task,
        checker=checker,
        labels=tuple(labels),
        n_items=n + n_errors,
        n_errors=n_errors,
        coverage=n / (n + n_errors),
        metrics=metrics,
        per_label=per_label,
        confusion=tuple(tuple(row) for row in confusion),
        reliability=tuple(reliability),
        fnc1_maximum=fnc1_maximum,
    )


def claim_marks(text: str = ARTICLE_TEXT) -> tuple[ClaimMark, ...]:
    """The claim spans of :data:`CLAIM_TEXTS` in ``text``."""
    marks = []
    for claim_id, snippet in CLAIM_TEXTS.items():
        start = text.index(snippet)
        marks.append(ClaimMark(claim_id, start, start + len(snippet)))
    return tuple(marks)


def _predictions() -> tuple[Prediction, ...]:
    gold = {
        "mosul-c00": "not_applicable",
        "mosul-c01": "consistent",
        "mosul-c02": "consistent",
        "mosul-c03": "inconsistent",
        "mosul-c04": "not_applicable",
        "mosul-c05": "inconsistent",
        "mosul-c06": "consistent",
    }
    rules = {
        "mosul-c00": "not_applicable",
        "mosul-c01": "consistent",
        "mosul-c02": "inconsistent",
        "mosul-c03": "inconsistent",
        "mosul-c04": "not_applicable",
        "mosul-c05": "consistent",
        "mosul-c06": None,
    }
    rows: list[Prediction] = []
    for claim_id, label in gold.items():
        predicted = rules[claim_id]
        rows.append(
            Prediction(
                dataset="mosul-2016",
                task=NUMERIC,
                item_id=claim_id,
                checker="numeric_rules",
                gold=label,
                predicted=predicted,
                score=None if predicted is None else 0.8,
                error="ValueError: unit 'km²' & <unknown>" if predicted is None else None,
                explanation=(
                    ""
                    if predicted is None
                    else f'30,000 vs "30 000" <b>{claim_id}</b> & 1.5 > 1\nsecond line'
                ),
                cluster="mosul-a1",
            )
        )
        rows.append(
            Prediction(
                dataset="mosul-2016",
                task=NUMERIC,
                item_id=claim_id,
                checker="majority",
                gold=label,
                predicted="consistent",
                score=None,
                error=None,
                explanation="always the most frequent training label",
                cluster="mosul-a1",
            )
        )
    rows.append(
        Prediction(
            dataset="fnc1-test",
            task=STANCE,
            item_id="fnc1-17",
            checker="stance_tfidf",
            gold="agree",
            predicted=None,
            score=None,
            error=f"RuntimeError: body too long {SCRIPT}",
            explanation="",
            cluster="body-17",
        )
    )
    return tuple(rows)


def sample_report() -> Report:
    """A small but complete report: everything the Markdown and HTML writers render."""
    numeric_rules = scores_from_confusion(
        "mosul-2016",
        NUMERIC,
        "numeric_rules",
        NUMERIC_LABELS,
        [[1, 1, 0], [1, 1, 0], [0, 0, 2]],
        n_errors=1,
        extra={"brier": est(0.21, 0.04), "ece": est(0.12, 0.03)},
        reliability=(
            ReliabilityBin(0.5, 0.6, 2, 0.55, 0.5),
            ReliabilityBin(0.7, 0.8, 3, 0.76, 0.67),
            ReliabilityBin(0.9, 1.0, 1, 0.95, 1.0),
        ),
    )
    majority = scores_from_confusion(
        "mosul-2016", NUMERIC, "majority", NUMERIC_LABELS, [[3, 0, 0], [2, 0, 0], [2, 0, 0]]
    )
    stance = [
        scores_from_confusion(
            "fnc1-test",
            STANCE,
            checker,
            STANCE_LABELS,
            confusion,
            n_errors=errors,
            extra={"fnc1_score": est(fnc1, 30.0), "fnc1_percent": est(pct, 2.5)},
            fnc1_maximum=1000.0,
        )
        for checker, confusion, errors, fnc1, pct in (
            (
                "stance_tfidf",
                [[40, 5, 10, 5], [6, 10, 4, 0], [8, 2, 60, 10], [2, 0, 8, 300]],
                1,
                780.5,
                78.05,
            ),
            ("majority", [[0, 0, 0, 60], [0, 0, 0, 20], [0, 0, 0, 80], [0, 0, 0, 310]], 0, 390.0, 39.0),
        )
    ]
    comparisons = (
        Comparison("mosul-2016", NUMERIC, "numeric_rules", "majority", 2, 1, 1.0, 1.0, False, est(0.29, 0.4)),
        Comparison(
            "fnc1-test", STANCE, "stance_tfidf", "majority", 95, 3, 1e-12, 2e-12, True, est(0.45, 0.06)
        ),
    )
    return Report(
        spec={
            "name": "default",
            "description": "Every built-in checker on the bundled datasets.",
            "source": "benchmarks/default.toml",
            "seed": 20161017,
            "tasks": [NUMERIC, STANCE],
            "limit": None,
            "output": "reports/latest",
            "bootstrap": {"resamples": 1000, "confidence": 0.95, "alpha": 0.05},
            "run": {"batch_size": 64, "jobs": 1, "engine": "serial"},
            "datasets": [{"path": "/data/datasets/mosul-2016"}, {"path": "/data/external/fnc1"}],
            "checkers": [
                {"name": "numeric_rules", "label": "numeric_rules", "params": {}, "fit_on": None},
                {"name": "majority", "label": "majority", "params": {}, "fit_on": "datasets/mosul-2016"},
                {"name": "stance_tfidf", "label": "stance_tfidf", "params": {}, "fit_on": None},
            ],
        },
        created="2024-05-01T12:00:00+00:00",
        environment={
            "python": "3.11.9",
            "implementation": "CPython",
            "platform": "Linux-6.1-x86_64",
            "machine": "x86_64",
            "cpus": 2,
            "claimbench": "0.1.0",
            "packages": {"scikit-learn": "1.4.2", "matplotlib": "3.9.0"},
            "git_commit": "0123456789abcdef0123456789abcdef01234567",
        },
        datasets=(
            DatasetInfo("mosul-2016", "1.0.0", "datasets/mosul-2016", "ab" * 32, {"claims": "cd" * 32}),
            DatasetInfo("fnc1-test", "1", "external/fnc1", "ef" * 32, {}),
        ),
        checkers=(
            CheckerRun(
                "numeric_rules", "0.2.0", NUMERIC, "builtin", {"tolerance": 0.05}, None, 0.12, 8, 66.7, 0
            ),
            CheckerRun("majority", "1.0.0", NUMERIC, "builtin", {}, "mosul-2016:train", 0.01, 8, 800.0, 0),
            CheckerRun(
                "stance_tfidf",
                "0.3.1",
                STANCE,
                "plugin: claimbench-stance 0.3.1",
                {"ngram_range": [1, 2], "C": 1.0},
                "fnc1-train sha256:1234",
                3.5,
                471,
                134.6,
                0,
            ),
        ),
        scores=(numeric_rules, majority, *stance),
        comparisons=comparisons,
        predictions=_predictions(),
        articles=(
            ArticleView(
                dataset="mosul-2016",
                id="mosul-a1",
                title='Mosul "offensive" & <b>battle</b> — day one',
                text=ARTICLE_TEXT,
                claims=claim_marks(),
            ),
        ),
        timings={"wall_seconds": 5.2, "load_seconds": 0.4, "check_seconds": 3.6, "peak_memory_mb": 212.5},
        seed=20161017,
        bootstrap_resamples=1000,
    )


def with_metric(report: Report, checker: str, metric: str, value: Estimate) -> Report:
    """A copy of ``report`` in which one checker's metric (on every task it has) is replaced."""
    scores = tuple(
        replace(s, metrics={**s.metrics, metric: value}) if s.checker == checker else s for s in report.scores
    )
    return replace(report, scores=scores)


VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)


class Page(HTMLParser):
    """Checks nesting while it parses; collects elements, attributes and the text inside each claim mark."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.claim_text: dict[str, str] = {}
        self.styles: list[str] = []
        self.body_text: list[str] = []
        self.article_text: list[str] = []  # text of the article bodies, badges left out
        self._marks: list[str | None] = []  # data-claim of each open <mark>
        self._special: list[int] = []  # stack depths of the open article bodies and badge rows

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "mark":
            self._marks.append(attributes.get("data-claim"))
        if tag not in VOID:
            self.stack.append(tag)
            if attributes.get("class") in ("text", "badges"):
                self._special.append(len(self.stack))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        if self._special and self._special[-1] == len(self.stack):
            self._special.pop()
        self.stack.pop()
        if tag == "mark":
            self._marks.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)
            return
        self.body_text.append(data)
        if len(self._special) == 1:  # inside an article body, outside any badge row
            self.article_text.append(data)
        for claim in self._marks:
            if claim is not None:
                self.claim_text[claim] = self.claim_text.get(claim, "") + data


def parse(document: str) -> Page:
    """``document`` parsed, after checking that every element is closed in order."""
    page = Page()
    page.feed(document)
    page.close()
    assert page.problems == []
    assert page.stack == [], f"unclosed elements: {page.stack}"
    return page
