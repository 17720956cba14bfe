"""``report.md``: the headline table, a short section per task, and the provenance, readable on GitHub.

The number formats and the metric columns defined here (:data:`HEADLINE_METRICS`,
:func:`format_number`, :func:`format_estimate`, :func:`task_groups`) are the report's conventions and are
reused by the HTML writer and ``claimbench compare``, so every format prints the same numbers.

Everything taken from the report is escaped for GitHub-flavoured Markdown: ``|`` and newlines cannot
break a table row, and ``<``, ``*``, backticks and the like print as written instead of becoming markup.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from claimbench._display import reveal
from claimbench._io import write_text
from claimbench.report.model import Comparison, Estimate, Report, TaskScores

__all__ = [
    "HEADLINE_METRICS",
    "LOWER_IS_BETTER",
    "confidence_level",
    "flatten_mapping",
    "format_estimate",
    "format_interval",
    "format_number",
    "format_p",
    "headline_metrics",
    "recorded_commit",
    "render_markdown",
    "task_groups",
    "write_markdown",
]

HEADLINE_METRICS: tuple[tuple[str, str], ...] = (
    ("accuracy", "Accuracy"),
    ("macro_f1", "Macro-F1"),
    ("fnc1_percent", "FNC-1 %"),
    ("brier", "Brier"),
    ("ece", "ECE"),
)
"""The metrics of the headline table, in column order, with their display names. ``accuracy`` and
``macro_f1`` always get a column; the others only when some row of the report has them."""

LOWER_IS_BETTER: frozenset[str] = frozenset({"brier", "ece"})
"""Metrics for which a smaller value is better (every other metric: larger is better)."""

_ALWAYS = frozenset({"accuracy", "macro_f1"})
MISSING = "—"
"""What a table shows for a value that is missing."""


def write_markdown(report: Report, out_dir: Path) -> Path:
    """Write ``out_dir/report.md`` atomically and return its path."""
    path = Path(out_dir) / "report.md"
    write_text(path, render_markdown(report))
    return path


def render_markdown(report: Report) -> str:
    """The whole ``report.md``: headline table, one short section per (dataset, task), provenance."""
    level = confidence_level(report)
    lines = [
        "# claimbench report",
        "",
        *(f"> **FAILED RUN:** {_escape(reason)}" for reason in report.failures),
        *([""] if report.failures else []),
        _escape(_summary(report, level)),
        "",
        "## Headline",
        "",
        *_headline(report, level),
    ]
    lines += _mean_over_datasets(report.scores)
    for dataset, task, scores in task_groups(report.scores):
        lines += ["", f"## {_escape(dataset)} · {_escape(task)}", ""]
        lines += _task_section(scores, _comparisons_of(report.comparisons, dataset, task))
    lines += ["", *_provenance(report, level)]
    return "\n".join(lines).rstrip() + "\n"


# --- conventions shared with the HTML writer and compare --------------------------------------------


def headline_metrics(scores: Iterable[TaskScores]) -> list[tuple[str, str]]:
    """The :data:`HEADLINE_METRICS` that get a column for these rows."""
    present = set(_ALWAYS)
    for s in scores:
        present.update(s.metrics)
    return [(key, name) for key, name in HEADLINE_METRICS if key in present]


def task_groups(scores: Iterable[TaskScores]) -> list[tuple[str, str, list[TaskScores]]]:
    """Rows grouped by (dataset, task), groups and rows in the order the report lists them."""
    groups: dict[tuple[str, str], list[TaskScores]] = {}
    for s in scores:
        groups.setdefault((s.dataset, s.task), []).append(s)
    return [(dataset, task, rows) for (dataset, task), rows in groups.items()]


def format_number(metric: str, value: float | None) -> str:
    """A metric value as printed in reports: percentages with one decimal, the rest with three."""
    if value is None or not math.isfinite(value):
        return MISSING
    if metric in ("fnc1_percent", "fnc1_score"):
        return f"{value:.1f}"
    return f"{value:.3f}"


def format_interval(metric: str, estimate: Estimate | None) -> str:
    """``[low, high]``, or an empty string when the estimate has no interval."""
    if estimate is None or estimate.low is None or estimate.high is None:
        return ""
    return f"[{format_number(metric, estimate.low)}, {format_number(metric, estimate.high)}]"


def format_estimate(metric: str, estimate: Estimate | None) -> str:
    """``value [low, high]`` (or just the value, or ``—`` when the metric is missing)."""
    if estimate is None:
        return MISSING
    interval = format_interval(metric, estimate)
    value = format_number(metric, estimate.value)
    return f"{value} {interval}" if interval and value != MISSING else value


def format_p(p: float) -> str:
    """A p-value: four decimals, or scientific notation below 0.001."""
    if not math.isfinite(p):
        return MISSING
    return f"{p:.4f}" if p >= 0.001 else f"{p:.1e}"


def confidence_level(report: Report) -> float:
    """The confidence level of the report's intervals: from the run spec when it says, else 0.95."""
    for holder in (report.spec, report.spec.get("bootstrap")):
        if isinstance(holder, Mapping):
            for key in ("confidence", "confidence_level"):
                value = holder.get(key)
                if isinstance(value, int | float) and 0 < value < 1:
                    return float(value)
    return 0.95


# --- sections ------------------------------------------------------------------------------------------


def _summary(report: Report, level: float) -> str:
    name = report.spec.get("name")
    parts = [f"Benchmark {name!s}" if name else "Benchmark run", f"created {report.created}"]
    parts.append(f"{len(report.datasets)} dataset(s), {len(report.checkers)} checker run(s)")
    if report.bootstrap_resamples:
        parts.append(
            f"intervals: {level:.0%} bootstrap, {report.bootstrap_resamples} resamples, seed {report.seed}"
        )
    return "; ".join(parts) + "."


def _headline(report: Report, level: float) -> list[str]:
    if not report.scores:
        return ["No scores."]
    metrics = headline_metrics(report.scores)
    ci = f" [{level:.0%} CI]"
    header = ["Dataset", "Task", "Checker", "n", *(f"{name}{ci}" for _, name in metrics)]
    header += ["Coverage", "Errors"]
    rows = [
        [
            _escape(s.dataset),
            _escape(s.task),
            _escape(s.checker),
            str(s.n_items),
            *(format_estimate(key, s.metrics.get(key)) for key, _ in metrics),
            _percent(s.coverage),
            str(s.n_errors),
        ]
        for s in report.scores
    ]
    return _table(header, rows, numeric_from=3)


def mean_over_datasets(scores: Iterable[TaskScores]) -> dict[str, dict[str, dict[str, float]]]:
    """Task → checker → {dataset: macro-F1} plus ``"mean"``, the unweighted mean over the datasets the
    checker was scored on (LLM-AggreFact's leaderboard style: each dataset counts once, whatever its size);
    only for tasks scored on two or more datasets."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for s in scores:
        estimate = s.metrics.get("macro_f1")
        if estimate is not None and not math.isnan(estimate.value):
            table.setdefault(s.task, {}).setdefault(s.checker, {})[s.dataset] = estimate.value
    out = {}
    for task, checkers in table.items():
        datasets = {d for per in checkers.values() for d in per}
        if len(datasets) >= 2:
            out[task] = {c: {**per, "mean": sum(per.values()) / len(per)} for c, per in checkers.items()}
    return out


def _mean_over_datasets(scores: Sequence[TaskScores]) -> list[str]:
    lines: list[str] = []
    for task, checkers in mean_over_datasets(scores).items():
        datasets = list(dict.fromkeys(s.dataset for s in scores if s.task == task))
        lines += ["", f"## Macro-F1 by dataset · {_escape(task)}", ""]
        lines += [
            "Unweighted mean over datasets (each counts once); the intervals of each figure are in the "
            "headline table and the paired tests in each dataset's section.",
            "",
        ]
        rows = [
            [
                _escape(checker),
                *(format_number("macro_f1", per.get(d)) if d in per else MISSING for d in datasets),
                format_number("macro_f1", per["mean"]),
            ]
            for checker, per in checkers.items()
        ]
        lines += _table(["Checker", *(_escape(d) for d in datasets), "Mean"], rows, numeric_from=1)
    return lines


def _task_section(scores: Sequence[TaskScores], comparisons: Sequence[Comparison]) -> list[str]:
    n = max((s.n_items for s in scores), default=0)
    lines = [f"n = {n} items, {len(scores)} checker(s).", ""]
    rows = [
        [
            _escape(s.checker),
            _escape(label),
            f"{ls.precision:.3f}",
            f"{ls.recall:.3f}",
            f"{ls.f1:.3f}",
            str(ls.support),
        ]
        for s in scores
        for label, ls in s.per_label.items()
    ]
    lines += _table(["Checker", "Label", "Precision", "Recall", "F1", "Support"], rows, numeric_from=2)
    for s in scores:
        # inside an HTML block Markdown escapes do not apply: escape for HTML instead
        summary = html.escape(" ".join(reveal(s.checker).splitlines()), quote=True)
        lines += ["", f"<details><summary>Confusion matrix: {summary}</summary>", ""]
        lines += _confusion(s)
        lines += ["", "</details>"]
    lines += ["", *_comparisons(comparisons)]
    return lines


def _confusion(scores: TaskScores) -> list[str]:
    if not scores.confusion:
        return ["No confusion matrix."]
    header = ["gold \\ predicted", *map(_escape, scores.labels)]
    rows = [
        [_escape(label), *(str(c) for c in row)]
        for label, row in zip(scores.labels, scores.confusion, strict=False)
    ]
    return _table(header, rows, numeric_from=1)


def _comparisons(comparisons: Sequence[Comparison]) -> list[str]:
    if not comparisons:
        return []
    significant = [c for c in comparisons if c.significant]
    if not significant:
        return [
            f"No significant difference between checkers ({len(comparisons)} paired comparison(s), "
            "McNemar with Benjamini–Hochberg adjustment)."
        ]
    header = [
        "A",
        "B",
        "Only A right",
        "Only B right",
        "McNemar p",
        "Adjusted p",
        "Macro-F1 A − B [CI]",
    ]
    rows = [
        [
            _escape(c.checker_a),
            _escape(c.checker_b),
            str(c.b),
            str(c.c),
            format_p(c.p_value),
            format_p(c.p_adjusted),
            format_estimate("macro_f1", c.macro_f1_difference),
        ]
        for c in significant
    ]
    intro = (
        f"Significant differences ({len(significant)} of {len(comparisons)} paired comparisons, "
        "McNemar with Benjamini–Hochberg adjustment):"
    )
    return [intro, "", *_table(header, rows, numeric_from=2)]


def _provenance(report: Report, level: float) -> list[str]:
    lines = ["## Provenance", ""]
    facts = [f"created {report.created}", f"seed {report.seed}"]
    facts.append(f"{report.bootstrap_resamples} bootstrap resamples ({level:.0%} intervals)")
    commit = recorded_commit(report.environment)
    if commit:
        facts.insert(0, f"git commit {commit}")
    lines += [_escape("; ".join(facts)) + ".", ""]
    if report.datasets:
        rows = [
            [_escape(x) for x in (d.id, d.version, d.checksum, d.path, d.label_mapping or MISSING)]
            for d in report.datasets
        ]
        header = ["Dataset", "Version", "Checksum", "Path", "Labels"]
        lines += ["Datasets:", "", *_table(header, rows), ""]
    if report.checkers:
        rows = [
            [
                _escape(x)
                for x in (c.name, c.version, c.task, c.origin, _json(c.params), c.fitted_on or MISSING)
            ]
            for c in report.checkers
        ]
        header = ["Checker", "Version", "Task", "Origin", "Parameters", "Fitted on"]
        lines += ["Checkers:", "", *_table(header, rows), ""]
    if report.contamination:
        rows = [
            [
                _escape(x)
                for x in (c.dataset, c.task, c.checker, str(c.items), str(c.shared), f"{c.share:.1%}")
            ]
            for c in report.contamination
        ]
        header = ["Dataset", "Task", "Checker", "Items", "Sharing a text", "Share"]
        lines += [
            "Contamination: evaluated items that share a text (claim or other text) with the fitted "
            "checker's fitting data (items with all texts of one fitted item are refused):",
            "",
            *_table(header, rows),
            "",
        ]
    env = flatten_mapping(report.environment)
    if env:
        lines += ["Environment:", ""]
        lines += [f"- {_escape(key)}: {_escape(value)}" for key, value in env]
    return lines


def recorded_commit(environment: Mapping[str, Any]) -> str | None:
    """The git commit recorded in a run's environment, whichever of the usual keys holds it."""
    for key in ("git_commit", "commit", "git"):
        value = environment.get(key)
        if isinstance(value, Mapping):
            value = value.get("commit") or value.get("sha")
        if isinstance(value, str) and value:
            return value
    return None


# --- Markdown helpers -------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
_LONE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _escape(value: object) -> str:
    """Text that renders as itself in GitHub Markdown, on one line (safe in a table cell)."""
    text = " ".join(reveal(str(value)).splitlines())
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LONE_UNDERSCORE.sub(r"\\_", text)
    return _ENTITY.sub("&amp;", text)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric_from: int | None = None
) -> list[str]:
    """A GFM table. Cells are Markdown already: report text must have gone through :func:`_escape`."""

    def align(i: int) -> str:
        return "---:" if numeric_from is not None and i >= numeric_from else "---"

    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(map(align, range(len(header)))) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _percent(share: float | None) -> str:
    # coverage is null in report.json for a task without items
    return f"{100 * share:.1f} %" if share is not None and math.isfinite(share) else MISSING


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def flatten_mapping(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested mappings as ``("a.b", "value")`` pairs (non-strings as JSON), in insertion order."""
    items: list[tuple[str, str]] = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items += flatten_mapping(value, f"{name}.")
        else:
            items.append((name, value if isinstance(value, str) else _json(value)))
    return items


def _comparisons_of(comparisons: Iterable[Comparison], dataset: str, task: str) -> list[Comparison]:
    return [c for c in comparisons if c.dataset == dataset and c.task == task]
