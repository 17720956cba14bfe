"""``claimbench compare``: what changed between two runs, and whether anything got worse beyond noise.

Every metric of every (dataset, task, checker) row present in both runs is listed with its value in
run A (the baseline), in run B, and the difference B − A. A change is **beyond the confidence interval**
when B's value lies outside A's interval ``[low, high]``: A's bootstrap interval is the range of values
the baseline's score could have taken on other samples of the same size, so a new value outside it is
more than resampling noise. (This rule is deliberately more sensitive than requiring the two intervals
not to overlap, which misses real changes of up to about 1.4 interval half-widths, too lax for a gate.)
When A has no interval, B's interval is used the same way (A's value outside it); when neither has one,
a change is never flagged, following :meth:`Estimate.overlaps`: without an interval there is no noise
level to exceed.

A flagged change is a **regression** when the metric got worse: lower for every metric except those in
:data:`~claimbench.report.markdown.LOWER_IS_BETTER` (``brier``, ``ece``), where higher is worse. Rows
and metrics present in only one run are listed as removed (only in A) or added (only in B), and the
items whose verdict changed are listed from the two runs' predictions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimbench.report.json import REPORT_FILE, ReportError, read_report
from claimbench.report.markdown import LOWER_IS_BETTER, format_interval, format_number
from claimbench.report.model import Estimate, Prediction, Report, ReportVersionError

__all__ = [
    "ComparisonTable",
    "MetricChange",
    "Unmatched",
    "VerdictChange",
    "compare_reports",
    "load_report",
    "render_compare",
]


@dataclass(frozen=True, slots=True)
class MetricChange:
    """One metric of one (dataset, task, checker) in both runs.

    ``difference`` is B − A. ``beyond_ci``: the change exceeds the confidence interval (module
    docstring); ``regressed`` / ``improved``: it does, and the metric got worse / better.
    """

    dataset: str
    task: str
    checker: str
    metric: str
    a: Estimate
    b: Estimate
    difference: float
    beyond_ci: bool
    regressed: bool
    improved: bool


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A row (``metric`` is ``None``) or one metric of a row that only one run has."""

    dataset: str
    task: str
    checker: str
    metric: str | None


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """An item whose verdict differs between the runs (same dataset, task, checker and item id).

    ``kind``: ``fixed`` (wrong in A, right in B), ``broken`` (right in A, wrong in B), or ``changed``
    (a different wrong answer, a different error, or either side without a gold label).
    """

    dataset: str
    task: str
    checker: str
    item_id: str
    gold: str | None
    predicted_a: str | None
    predicted_b: str | None
    error_a: str | None
    error_b: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    """Everything ``claimbench compare`` reports about two runs (A: baseline, B: new)."""

    label_a: str
    label_b: str
    metrics: tuple[MetricChange, ...]
    removed: tuple[Unmatched, ...]
    added: tuple[Unmatched, ...]
    verdicts: tuple[VerdictChange, ...]
    items_only_in_a: int = 0
    items_only_in_b: int = 0

    @property
    def regressions(self) -> tuple[MetricChange, ...]:
        """The metrics that got worse beyond the confidence interval."""
        return tuple(m for m in self.metrics if m.regressed)

    @property
    def improvements(self) -> tuple[MetricChange, ...]:
        """The metrics that got better beyond the confidence interval."""
        return tuple(m for m in self.metrics if m.improved)

    @property
    def regressed(self) -> bool:
        """Whether any metric regressed: what ``--fail-on-regression`` fails on."""
        return any(m.regressed for m in self.metrics)


def compare_reports(a: Report, b: Report, *, label_a: str = "A", label_b: str = "B") -> ComparisonTable:
    """Compare run ``b`` with the baseline run ``a`` (see the module docstring for the rules)."""
    rows_a = {(s.dataset, s.task, s.checker): s for s in a.scores}
    rows_b = {(s.dataset, s.task, s.checker): s for s in b.scores}
    metrics: list[MetricChange] = []
    removed = [Unmatched(*key, None) for key in rows_a if key not in rows_b]
    added = [Unmatched(*key, None) for key in rows_b if key not in rows_a]
    for key, sa in rows_a.items():
        sb = rows_b.get(key)
        if sb is None:
            continue
        removed += [Unmatched(*key, m) for m in sa.metrics if m not in sb.metrics]
        added += [Unmatched(*key, m) for m in sb.metrics if m not in sa.metrics]
        for name, ea in sa.metrics.items():
            eb = sb.metrics.get(name)
            if eb is not None:
                metrics.append(_change(*key, name, ea, eb))
    verdicts, only_a, only_b = _verdict_changes(a.predictions, b.predictions)
    return ComparisonTable(
        label_a=label_a,
        label_b=label_b,
        metrics=tuple(metrics),
        removed=tuple(removed),
        added=tuple(added),
        verdicts=tuple(verdicts),
        items_only_in_a=only_a,
        items_only_in_b=only_b,
    )


def _change(dataset: str, task: str, checker: str, metric: str, a: Estimate, b: Estimate) -> MetricChange:
    difference = b.value - a.value
    beyond = math.isfinite(difference) and difference != 0 and _beyond_ci(a, b)
    worse = difference > 0 if metric in LOWER_IS_BETTER else difference < 0
    return MetricChange(
        dataset,
        task,
        checker,
        metric,
        a,
        b,
        difference,
        beyond_ci=beyond,
        regressed=beyond and worse,
        improved=beyond and not worse,
    )


def _beyond_ci(a: Estimate, b: Estimate) -> bool:
    """B's value outside A's interval; failing an interval on A, A's value outside B's interval."""
    for reference, value in ((a, b.value), (b, a.value)):
        low, high = reference.low, reference.high
        if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
            return not low <= value <= high
    return False


def _verdict_changes(
    a: Sequence[Prediction], b: Sequence[Prediction]
) -> tuple[list[VerdictChange], int, int]:
    def key(p: Prediction) -> tuple[str, str, str, str]:
        return (p.dataset, p.task, p.checker, p.item_id)

    by_a = {key(p): p for p in a}
    by_b = {key(p): p for p in b}
    changes: list[VerdictChange] = []
    for k, pa in by_a.items():
        pb = by_b.get(k)
        if pb is None or (pa.predicted, pa.error) == (pb.predicted, pb.error):
            continue
        gold = pb.gold if pb.gold is not None else pa.gold
        right_a = gold is not None and pa.error is None and pa.predicted == gold
        right_b = gold is not None and pb.error is None and pb.predicted == gold
        kind = "fixed" if right_b and not right_a else "broken" if right_a and not right_b else "changed"
        changes.append(VerdictChange(*k, gold, pa.predicted, pb.predicted, pa.error, pb.error, kind))
    return changes, sum(k not in by_b for k in by_a), sum(k not in by_a for k in by_b)


def load_report(path: Path) -> Report:
    """The report of a run: ``path`` is a run directory holding ``report.json``, or that file.

    Raises :class:`ValueError` (with the path and the reason) when there is no readable, valid report,
    or when it is in a newer format than this claimbench reads (the message says to upgrade).
    """
    file = Path(path) / REPORT_FILE if Path(path).is_dir() else Path(path)
    try:
        return read_report(file)
    except OSError as exc:
        raise ValueError(f"{file}: cannot read the report: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file}: not valid JSON: {exc}") from exc
    except ReportVersionError as exc:
        raise ValueError(f"{file}: {exc}") from exc
    except ReportError as exc:
        raise ValueError(f"{file}: not a valid report: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{file}: not a claimbench report: {type(exc).__name__}: {exc}") from exc


# --- text rendering -------------------------------------------------------------------------------------


def render_compare(table: ComparisonTable, *, max_items: int | None = 50) -> str:
    """The comparison as a plain-text report: metric table, unmatched rows, changed verdicts, summary.

    ``max_items`` caps the listed verdict changes (``None``: list all).
    """
    lines = [f"A (baseline): {table.label_a}", f"B (new):      {table.label_b}", ""]
    header = ("dataset", "task", "checker", "metric", "A", "B", "B − A", "")
    rows = [
        (
            m.dataset,
            m.task,
            m.checker,
            m.metric,
            _estimate(m.metric, m.a),
            _estimate(m.metric, m.b),
            _signed(m.metric, m.difference),
            "REGRESSED" if m.regressed else "improved" if m.improved else "",
        )
        for m in table.metrics
    ]
    lines += _columns(header, rows) if rows else ["No metric is present in both runs."]
    for title, unmatched in (("Only in A (removed)", table.removed), ("Only in B (added)", table.added)):
        if unmatched:
            lines += ["", f"{title}:"]
            lines += [
                "  " + " / ".join(u for u in (x.dataset, x.task, x.checker, x.metric) if u is not None)
                for x in unmatched
            ]
    lines += ["", *_verdict_lines(table, max_items)]
    n_beyond = sum(m.beyond_ci for m in table.metrics)
    lines += [
        "",
        f"{len(table.metrics)} metric(s) compared; {n_beyond} changed beyond the confidence interval "
        f"(B outside A's interval): {len(table.regressions)} regression(s), "
        f"{len(table.improvements)} improvement(s); {len(table.verdicts)} verdict(s) changed.",
    ]
    return "\n".join(lines) + "\n"


def _verdict_lines(table: ComparisonTable, max_items: int | None) -> list[str]:
    if not table.verdicts:
        lines = ["No verdict changed on the items both runs judged."]
    else:
        kinds = {k: sum(v.kind == k for v in table.verdicts) for k in ("fixed", "broken", "changed")}
        lines = [
            f"Changed verdicts ({len(table.verdicts)}: {kinds['fixed']} fixed, {kinds['broken']} "
            f"broken, {kinds['changed']} changed):"
        ]
        shown = table.verdicts if max_items is None else table.verdicts[: max(0, max_items)]
        header = ("dataset", "task", "checker", "item", "gold", "A", "B", "")
        rows = [
            (
                v.dataset,
                v.task,
                v.checker,
                v.item_id,
                v.gold or "-",
                _verdict(v.predicted_a, v.error_a),
                _verdict(v.predicted_b, v.error_b),
                v.kind,
            )
            for v in shown
        ]
        lines += ["  " + line for line in _columns(header, rows)]
        if len(shown) < len(table.verdicts):
            lines.append(f"  … and {len(table.verdicts) - len(shown)} more")
    if table.items_only_in_a or table.items_only_in_b:
        lines.append(f"Items judged only in A: {table.items_only_in_a}; only in B: {table.items_only_in_b}.")
    return lines


def _verdict(predicted: str | None, error: str | None) -> str:
    if error is not None:
        first = error.splitlines()[0] if error else ""
        return f"error: {first[:40]}"
    return predicted or "-"


def _estimate(metric: str, estimate: Estimate) -> str:
    interval = format_interval(metric, estimate)
    value = format_number(metric, estimate.value)
    return f"{value} {interval}" if interval else value


def _signed(metric: str, difference: float) -> str:
    if not math.isfinite(difference):
        return "—"
    text = format_number(metric, abs(difference))
    return ("+" if difference > 0 else "−" if difference < 0 else "±") + text


def _columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned text columns; cells are flattened to one line."""
    cells = [[" ".join(str(c).split()) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
