"""``report.html``: the whole run in one self-contained page that a reader can open offline.

One file, no network: CSS and SVG figures are inline, there is no script and no web font, and a
Content-Security-Policy meta tag forbids loading anything, so the page renders identically from a CI
artifact, an e-mail attachment or an archive years later.

Sections: the headline table (values with confidence intervals, the best of each task in bold); per
dataset and task the per-label F1 bars, each checker's confusion matrix and per-label scores, a
reliability diagram when verdicts carry scores, and the paired comparisons; each article of the report
with its claims highlighted by whether the checkers got them right; the items a checker failed on; and
the provenance (datasets, checkers, environment, spec). The Articles section is
:mod:`~claimbench.report.html_articles`; the escaping, ids and stylesheet both use are
:mod:`~claimbench.report._html`.

Every string from the report is escaped with :func:`html.escape` (``quote=True``), article text
included, so a claim or explanation containing markup prints as text; bidirectional control characters
are shown as visible markers (:func:`claimbench._display.reveal`), so text cannot display reordered.

Size: the page stays proportionate to what it can usefully show, whatever the dataset's size. It shows
only the articles with verdicts in the report (a streamed run keeps its verdicts in ``predictions.csv``
and shows none), at most ``MAX_ARTICLE_CHARS`` characters of each and at most
``MAX_HIGHLIGHTED_CLAIMS`` highlighted claims in all, and the whole Articles section stays under
``MAX_ARTICLES_BYTES`` (an article that would pass it is shown with fewer claims, or left out; the three
are in :mod:`~claimbench.report.html_articles`); a note says how much was left out and where the full
data is. Tooltips and explanations are clipped to ``MAX_NOTE_CHARS`` (:mod:`~claimbench.report._html`)
characters and the errors table shows at most 500 rows. So a page is at most about 5 MB (4 MB of
articles; 500 error rows of at most 500 characters each) plus a few tens of kB per checker and task.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench._io import write_text
from claimbench.report import plots
from claimbench.report._html import CSS, Ids, clip, e
from claimbench.report.html_articles import articles_section
from claimbench.report.markdown import (
    LOWER_IS_BETTER,
    MISSING,
    confidence_level,
    flatten_mapping,
    format_interval,
    format_number,
    format_p,
    headline_metrics,
    recorded_commit,
    task_groups,
)
from claimbench.report.model import (
    Comparison,
    Estimate,
    Prediction,
    Report,
    TaskScores,
)

__all__ = ["CSP", "render_html", "write_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""The page's Content-Security-Policy: inline styles and data: images only; nothing is fetched and no
script runs (``script-src`` falls back to ``default-src 'none'``)."""

_MAX_ERROR_ROWS = 500
_SIG = ' class="sig"'


def write_html(report: Report, out_dir: Path) -> Path:
    """Write ``out_dir/report.html`` atomically and return its path."""
    path = Path(out_dir) / "report.html"
    write_text(path, render_html(report))
    return path


def render_html(report: Report) -> str:
    """The whole ``report.html`` as a string (UTF-8 HTML5)."""
    ids = Ids()
    groups = task_groups(report.scores)
    sections: list[tuple[str, str, str]] = []  # (id, nav title, html)
    sections.append(("headline", "Headline", _headline(report)))
    for dataset, task, scores in groups:
        anchor = ids.new("task", dataset, task)
        comparisons = [c for c in report.comparisons if c.dataset == dataset and c.task == task]
        title = f"{dataset} · {task}"
        sections.append((anchor, title, _task_section(anchor, dataset, task, scores, comparisons)))
    if report.articles:
        sections.append(("articles", "Articles", articles_section(report, ids)))
    sections.append(("errors", "Checker errors", _errors(report.predictions, report.scores)))
    sections.append(("provenance", "Provenance", _provenance(report)))

    nav = "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t, _ in sections)
    body = "\n".join(f'<section id="{a}">\n{h}\n</section>' for a, _, h in sections)
    name = report.spec.get("name")
    title = f"claimbench report — {name}" if name else "claimbench report"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="claimbench">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1>{e(title)}</h1>\n{_failures(report)}<p class="lede">{_summary(report)}</p>\n'
        f'<nav aria-label="Contents"><ol>{nav}</ol></nav>\n</header>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>Generated by claimbench from report.json created {e(report.created)}.</footer>\n"
        "</body>\n</html>\n"
    )


# --- run summary and headline ------------------------------------------------------------------------


def _failures(report: Report) -> str:
    """The banner of a failed run: every reason, before anything else."""
    if not report.failures:
        return ""
    items = "".join(f"<li>{e(reason)}</li>" for reason in report.failures)
    return f'<div class="run-failed" role="alert"><strong>Failed run.</strong><ul>{items}</ul></div>\n'


def _summary(report: Report) -> str:
    level = confidence_level(report)
    n_items = sum(s.n_items for s in report.scores)
    parts = [
        f"Created {e(report.created)}",
        f"{len(report.datasets)} dataset(s), {len(report.checkers)} checker run(s), "
        f"{len(report.scores)} scored task(s), {n_items} verdicts",
    ]
    if report.bootstrap_resamples:
        parts.append(
            f"intervals: {level:.0%} bootstrap over {report.bootstrap_resamples} resamples "
            f"(seed {report.seed})"
        )
    commit = recorded_commit(report.environment)
    if commit:
        parts.append(f"commit <code>{e(commit[:12])}</code>")
    return " · ".join(parts) + "."


def _headline(report: Report) -> str:
    if not report.scores:
        return "<h2>Headline</h2>\n<p>No scores.</p>"
    level = confidence_level(report)
    metrics = headline_metrics(report.scores)
    head = "".join(f'<th class="num">{e(name)}</th>' for _, name in metrics)
    width = len(metrics) + 3
    rows: list[str] = []
    for dataset, task, scores in task_groups(report.scores):
        best = _best(scores, [key for key, _ in metrics])
        rows.append(
            f'<tr class="group"><th colspan="{width}" scope="rowgroup">{e(dataset)} '
            f'<span class="sep">·</span> {e(task)}</th></tr>'
        )
        for s in scores:
            cells = "".join(
                f'<td class="num">{_estimate(key, s.metrics.get(key), bold=(s.checker, key) in best)}</td>'
                for key, _ in metrics
            )
            rows.append(
                f'<tr><th scope="row">{e(s.checker)}</th><td class="num">{s.n_items}</td>{cells}'
                f'<td class="num">{_coverage(s)}</td></tr>'
            )
    return (
        "<h2>Headline</h2>\n"
        f'<p class="note">Values with their {level:.0%} bootstrap confidence interval; the best value '
        "of each task in bold (for Brier and ECE lower is better). Coverage: share of items the "
        "checker returned a verdict for; failures count as wrong.</p>\n"
        '<div class="scroll"><table class="headline"><thead><tr>'
        f'<th>Dataset · task / checker</th><th class="num">n</th>{head}<th class="num">Coverage</th></tr>'
        f"</thead>\n<tbody>\n{''.join(rows)}\n</tbody></table></div>"
    )


def _best(scores: Sequence[TaskScores], metrics: Sequence[str]) -> set[tuple[str, str]]:
    """(checker, metric) pairs holding the best value of their column within one task."""
    best: set[tuple[str, str]] = set()
    if len(scores) < 2:
        return best
    for key in metrics:
        values = [
            (s.checker, s.metrics[key].value)
            for s in scores
            if key in s.metrics and math.isfinite(s.metrics[key].value)
        ]
        if len(values) < 2:
            continue
        pick = min if key in LOWER_IS_BETTER else max
        target = pick(v for _, v in values)
        best.update((checker, key) for checker, v in values if v == target)
    return best


def _estimate(metric: str, estimate: Estimate | None, *, bold: bool = False) -> str:
    if estimate is None:
        return f'<span class="missing">{MISSING}</span>'
    value = e(format_number(metric, estimate.value))
    if bold:
        value = f"<strong>{value}</strong>"
    interval = format_interval(metric, estimate)
    return value + (f' <span class="ci">{e(interval)}</span>' if interval else "")


def _coverage(s: TaskScores) -> str:
    # coverage is null in report.json for a task without items
    share = f"{100 * s.coverage:.1f} %" if _finite(s.coverage) else MISSING
    if s.n_errors:
        return f'{share}<br><span class="ci bad">{s.n_errors} failed</span>'
    return share


# --- per task ------------------------------------------------------------------------------------------


def _task_section(
    anchor: str,
    dataset: str,
    task: str,
    scores: Sequence[TaskScores],
    comparisons: Sequence[Comparison],
) -> str:
    n = max((s.n_items for s in scores), default=0)
    labels = list(dict.fromkeys(label for s in scores for label in s.labels))
    out = [
        f'<h2>{e(dataset)} <span class="sep">·</span> {e(task)}</h2>',
        f'<p class="note">{n} items · {len(scores)} checker(s) · labels: '
        f"{', '.join(f'<code>{e(label)}</code>' for label in labels)}</p>",
        '<div class="figrow">',
        _figure(
            plots.f1_bars_svg(scores, key=plots.svg_key(anchor, "f1")),
            "Per-label F1, one bar per checker.",
        ),
    ]
    if any(s.reliability for s in scores):
        out.append(
            _figure(
                plots.reliability_svg(scores, key=plots.svg_key(anchor, "reliability")),
                "Reliability: accuracy against mean confidence per bin (marker area: items).",
            )
        )
    out.append("</div>")
    out.append("<h3>Checkers</h3>")
    out.append('<div class="cards">')
    for i, s in enumerate(scores):
        matrix = plots.confusion_svg(s, key=plots.svg_key(anchor, "cm", str(i)), title=False)
        out.append(
            f'<div class="card"><h4>{e(s.checker)}</h4>'
            f"{_figure(matrix, 'Confusion matrix: rows gold, columns predicted; shade = share of row.')}"
            f"{_per_label(s)}</div>"
        )
    out.append("</div>")
    out.append(_comparisons(comparisons))
    return "\n".join(out)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{e(caption)}</figcaption></figure>"


def _per_label(s: TaskScores) -> str:
    rows = "".join(
        f'<tr><th scope="row">{e(label)}</th><td class="num">{ls.precision:.3f}</td>'
        f'<td class="num">{ls.recall:.3f}</td><td class="num">{ls.f1:.3f}</td>'
        f'<td class="num">{ls.support}</td></tr>'
        for label, ls in s.per_label.items()
    )
    return (
        '<table class="compact"><thead><tr><th>Label</th><th class="num">P</th>'
        '<th class="num">R</th><th class="num">F1</th>'
        '<th class="num" title="gold items with this label">n</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _comparisons(comparisons: Sequence[Comparison]) -> str:
    if not comparisons:
        return ""
    rows = "".join(
        f"<tr{_SIG if c.significant else ''}><td>{e(c.checker_a)}</td>"
        f"<td>{e(c.checker_b)}</td>"
        f'<td class="num">{c.b}</td><td class="num">{c.c}</td>'
        f'<td class="num">{e(format_p(c.p_value))}</td>'
        f'<td class="num">{e(format_p(c.p_adjusted))}</td>'
        f'<td class="num">{_estimate("macro_f1", c.macro_f1_difference)}</td>'
        f"<td>{'significant' if c.significant else 'n.s.'}</td></tr>"
        for c in comparisons
    )
    return (
        "<h3>Paired comparisons</h3>\n"
        '<p class="note">McNemar\'s test on per-item correctness (b: only A right, c: only B '
        "right), p adjusted by Benjamini–Hochberg across the run; paired bootstrap interval of the "
        "macro-F1 difference A − B.</p>\n"
        '<div class="scroll"><table><thead><tr><th>A</th><th>B</th><th class="num">b</th>'
        '<th class="num">c</th><th class="num">McNemar p</th><th class="num">Adjusted p</th>'
        '<th class="num">Macro-F1 A − B</th><th></th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


# --- errors and provenance -----------------------------------------------------------------------------


def _errors(predictions: Sequence[Prediction], scores: Sequence[TaskScores] = ()) -> str:
    failed = [p for p in predictions if p.error is not None]
    counted = sum(s.n_errors for s in scores)
    if not failed and counted:  # a streamed run: its verdicts, errors included, are in predictions.csv
        return (
            f"<h2>Checker errors</h2>\n<p>{counted} verdict(s) failed; each counts as a wrong answer. "
            "This report holds no predictions: the error column of predictions.csv has them.</p>"
        )
    if not failed:
        return "<h2>Checker errors</h2>\n<p>No checker failed on any item.</p>"
    shown = failed[:_MAX_ERROR_ROWS]
    rows = "".join(
        f"<tr><td>{e(p.dataset)}</td><td>{e(p.task)}</td><td>{e(p.checker)}</td>"
        f"<td><code>{e(p.item_id)}</code></td><td>{e(p.gold or MISSING)}</td>"
        f'<td class="err">{e(clip(p.error or ""))}</td></tr>'
        for p in shown
    )
    more = (
        f'<p class="note">Showing the first {len(shown)} of {len(failed)}; predictions.csv has all.</p>'
        if len(failed) > len(shown)
        else ""
    )
    return (
        "<h2>Checker errors</h2>\n"
        f'<p class="note">{len(failed)} verdict(s) failed; each counts as a wrong answer.</p>\n'
        '<div class="scroll"><table><thead><tr><th>Dataset</th><th>Task</th><th>Checker</th>'
        "<th>Item</th><th>Gold</th><th>Error</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>{more}"
    )


def _provenance(report: Report) -> str:
    datasets = "".join(
        f'<tr><th scope="row">{e(d.id)}</th><td>{e(d.version)}</td>'
        f'<td class="hash">{e(d.checksum)}</td><td><code>{e(d.path)}</code></td>'
        f'<td class="num">{len(d.files)}</td></tr>'
        for d in report.datasets
    )
    checkers = "".join(
        f'<tr><th scope="row">{e(c.name)}</th><td>{e(c.version)}</td><td>{e(c.task)}</td>'
        f"<td>{e(c.origin)}</td><td><code>{e(_json(c.params))}</code></td>"
        f"<td>{e(c.fitted_on or MISSING)}</td>"
        f'<td class="num">{c.wall_seconds:.2f}</td><td class="num">{c.items}</td>'
        f'<td class="num">{c.items_per_second:.1f}</td><td class="num">{c.reused}</td></tr>'
        for c in report.checkers
    )
    contamination = "".join(
        f'<tr><th scope="row">{e(c.dataset)}</th><td>{e(c.task)}</td><td>{e(c.checker)}</td>'
        f'<td class="num">{c.items}</td><td class="num">{c.shared}</td>'
        f'<td class="num">{c.share:.1%}</td></tr>'
        for c in report.contamination
    )
    contaminated = (
        "<h3>Contamination</h3>\n<p>Evaluated items that share a text (claim or other text) with a fitted "
        "checker&#x27;s fitting data; items with all the texts of one fitted item are refused.</p>\n"
        '<div class="scroll"><table><thead><tr><th>Dataset</th><th>Task</th><th>Checker</th>'
        '<th class="num">Items</th><th class="num">Sharing a text</th><th class="num">Share</th></tr>'
        f"</thead><tbody>{contamination}</tbody></table></div>\n"
        if report.contamination
        else ""
    )
    run = [
        ("created", report.created),
        ("seed", str(report.seed)),
        ("bootstrap resamples", str(report.bootstrap_resamples)),
        ("confidence level", f"{confidence_level(report):.0%}"),
        *((k, _quantity(k, v)) for k, v in report.timings.items()),
        *flatten_mapping(report.environment),
    ]
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in run)
    spec = e(json.dumps(report.spec, indent=2, sort_keys=True, ensure_ascii=False, default=str))
    return (
        "<h2>Provenance</h2>\n<h3>Datasets</h3>\n"
        '<div class="scroll"><table><thead><tr><th>Dataset</th><th>Version</th><th>Checksum</th>'
        f'<th>Path</th><th class="num">Files</th></tr></thead><tbody>{datasets}</tbody></table></div>\n'
        "<h3>Checkers</h3>\n"
        '<div class="scroll"><table class="compact checkers"><thead><tr>'
        "<th>Checker</th><th>Version</th><th>Task</th>"
        '<th>Origin</th><th>Parameters</th><th>Fitted on</th><th class="num">Seconds</th>'
        '<th class="num">Items</th><th class="num">Items/s</th><th class="num">Reused</th></tr>'
        f"</thead><tbody>{checkers}</tbody></table></div>\n"
        f"{contaminated}"
        f'<h3>Run and environment</h3>\n<dl class="facts">{facts}</dl>\n'
        f"<details><summary>Benchmark spec</summary><pre>{spec}</pre></details>"
    )


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _quantity(key: str, value: float) -> str:
    """A timing entry with its unit, read off its name (``*_seconds``, ``*_mb``)."""
    if key.endswith("_seconds"):
        return f"{value:.2f} s"
    if key.endswith("_mb"):
        return f"{value:.1f} MiB"
    return str(value)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
