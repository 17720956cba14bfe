"""The run's headline table as the terminal shows it: one aligned plain-text row per dataset, task, checker.

``claimbench run`` prints it when a run ends; the Markdown and HTML reports have their own, richer tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimbench.report.model import Estimate, Report


def headline_rows(report: Report) -> list[dict[str, str]]:
    """The headline table: one row per dataset, task and checker, values formatted for printing."""

    def fmt(estimate: Estimate | None, scale: float = 1.0, digits: int = 3) -> str:
        if estimate is None or estimate.value != estimate.value:
            return "—"
        text = f"{estimate.value * scale:.{digits}f}"
        if estimate.low is not None and estimate.high is not None:
            text += f" [{estimate.low * scale:.{digits}f}, {estimate.high * scale:.{digits}f}]"
        return text

    rows = []
    for s in report.scores:
        rows.append(
            {
                "dataset": s.dataset,
                "task": s.task,
                "checker": s.checker,
                "n": str(s.n_items),
                "accuracy": fmt(s.metrics.get("accuracy")),
                "macro-F1": fmt(s.metrics.get("macro_f1")),
                "FNC %": fmt(s.metrics.get("fnc1_percent"), digits=1) if "fnc1_percent" in s.metrics else "",
                "coverage": f"{s.coverage:.0%}" if s.coverage == s.coverage else "—",
            }
        )
    return rows


def format_table(rows: Sequence[Mapping[str, str]]) -> str:
    """Rows of equal keys as a plain, aligned text table (columns empty in every row are dropped)."""
    if not rows:
        return "(nothing was scored)"
    columns = [c for c in rows[0] if any(r[c] for r in rows)]
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines.extend("  ".join(r[c].ljust(widths[c]) for c in columns).rstrip() for r in rows)
    return "\n".join(lines)
