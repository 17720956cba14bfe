"""``report.html``: the whole run in one self-contained page that a reader can open offline.

One file, no network: CSS and SVG figures are inline, there is no script and no web font, and a
Content-Security-Policy meta tag forbids loading anything, so the page renders identically from a CI
artifact, an e-mail attachment or an archive years later.

Sections: the headline table (values with confidence intervals, the best of each task in bold); per
dataset and task the per-label F1 bars, each checker's confusion matrix and per-label scores, a
reliability diagram when verdicts carry scores, and the paired comparisons; each article of the report
with its claims highlighted by whether the checkers got them right; the items a checker failed on; and
the provenance (datasets, checkers, environment, spec).

Every string from the report is escaped with :func:`html.escape` (``quote=True``), article text
included, so a claim or explanation containing markup prints as text; bidirectional control characters
are shown as visible markers (:func:`claimbench._display.reveal`), so text cannot display reordered.

Size: the page stays proportionate to what it can usefully show, whatever the dataset's size. It shows
only the articles with verdicts in the report (a streamed run keeps its verdicts in ``predictions.csv``
and shows none), at most :data:`MAX_ARTICLE_CHARS` characters of each and at most
:data:`MAX_HIGHLIGHTED_CLAIMS` highlighted claims in all, and the whole Articles section stays under
:data:`MAX_ARTICLES_BYTES` (an article that would pass it is shown with fewer claims, or left out); a
note says how much was left out and where the full data is. Tooltips and explanations are clipped to
:data:`MAX_NOTE_CHARS` characters and the errors table shows at most 500 rows. So a page is at most
about 5 MB (4 MB of articles; 500 error rows of at most 500 characters each) plus a few tens of kB
per checker and task.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimbench._display import reveal
from claimbench._io import write_text
from claimbench.report import plots
from claimbench.report.markdown import (
    LOWER_IS_BETTER,
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
    ArticleView,
    ClaimMark,
    Comparison,
    Estimate,
    Prediction,
    Report,
    TaskScores,
    with_verdicts,
)

__all__ = ["CSP", "render_html", "write_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""The page's Content-Security-Policy: inline styles and data: images only; nothing is fetched and no
script runs (``script-src`` falls back to ``default-src 'none'``)."""

_MAX_ERROR_ROWS = 500
MAX_ARTICLES_BYTES = 4_000_000
"""Most bytes (UTF-8) of the Articles section; an article that would pass it gets fewer claims, or none."""
MAX_HIGHLIGHTED_CLAIMS = 2_000
"""Most claims highlighted in all the articles shown."""
MAX_ARTICLE_CHARS = 100_000
"""Most characters of one article's text shown (from its start)."""
MAX_NOTE_CHARS = 500
"""Longest explanation or error shown in a tooltip or table cell (the full text is in predictions.csv)."""
_MAX_LISTED = 20
_UNLIMITED = 2**62
_SIG = ' class="sig"'
_MISSING = "—"


def write_html(report: Report, out_dir: Path) -> Path:
    """Write ``out_dir/report.html`` atomically and return its path."""
    path = Path(out_dir) / "report.html"
    write_text(path, render_html(report))
    return path


def render_html(report: Report) -> str:
    """The whole ``report.html`` as a string (UTF-8 HTML5)."""
    ids = _Ids()
    groups = task_groups(report.scores)
    sections: list[tuple[str, str, str]] = []  # (id, nav title, html)
    sections.append(("headline", "Headline", _headline(report)))
    for dataset, task, scores in groups:
        anchor = ids.new("task", dataset, task)
        comparisons = [c for c in report.comparisons if c.dataset == dataset and c.task == task]
        title = f"{dataset} · {task}"
        sections.append((anchor, title, _task_section(anchor, dataset, task, scores, comparisons)))
    if report.articles:
        sections.append(("articles", "Articles", _articles(report, ids)))
    sections.append(("errors", "Checker errors", _errors(report.predictions, report.scores)))
    sections.append(("provenance", "Provenance", _provenance(report)))

    nav = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t, _ in sections)
    body = "\n".join(f'<section id="{a}">\n{h}\n</section>' for a, _, h in sections)
    name = report.spec.get("name")
    title = f"claimbench report — {name}" if name else "claimbench report"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="claimbench">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<h1>{_e(title)}</h1>\n{_failures(report)}<p class="lede">{_summary(report)}</p>\n'
        f'<nav aria-label="Contents"><ol>{nav}</ol></nav>\n</header>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>Generated by claimbench from report.json created {_e(report.created)}.</footer>\n"
        "</body>\n</html>\n"
    )


# --- run summary and headline ------------------------------------------------------------------------


def _failures(report: Report) -> str:
    """The banner of a failed run: every reason, before anything else."""
    if not report.failures:
        return ""
    items = "".join(f"<li>{_e(reason)}</li>" for reason in report.failures)
    return f'<div class="run-failed" role="alert"><strong>Failed run.</strong><ul>{items}</ul></div>\n'


def _summary(report: Report) -> str:
    level = confidence_level(report)
    n_items = sum(s.n_items for s in report.scores)
    parts = [
        f"Created {_e(report.created)}",
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
        parts.append(f"commit <code>{_e(commit[:12])}</code>")
    return " · ".join(parts) + "."


def _headline(report: Report) -> str:
    if not report.scores:
        return "<h2>Headline</h2>\n<p>No scores.</p>"
    level = confidence_level(report)
    metrics = headline_metrics(report.scores)
    head = "".join(f'<th class="num">{_e(name)}</th>' for _, name in metrics)
    width = len(metrics) + 3
    rows: list[str] = []
    for dataset, task, scores in task_groups(report.scores):
        best = _best(scores, [key for key, _ in metrics])
        rows.append(
            f'<tr class="group"><th colspan="{width}" scope="rowgroup">{_e(dataset)} '
            f'<span class="sep">·</span> {_e(task)}</th></tr>'
        )
        for s in scores:
            cells = "".join(
                f'<td class="num">{_estimate(key, s.metrics.get(key), bold=(s.checker, key) in best)}</td>'
                for key, _ in metrics
            )
            rows.append(
                f'<tr><th scope="row">{_e(s.checker)}</th><td class="num">{s.n_items}</td>{cells}'
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
        return f'<span class="missing">{_MISSING}</span>'
    value = _e(format_number(metric, estimate.value))
    if bold:
        value = f"<strong>{value}</strong>"
    interval = format_interval(metric, estimate)
    return value + (f' <span class="ci">{_e(interval)}</span>' if interval else "")


def _coverage(s: TaskScores) -> str:
    # coverage is null in report.json for a task without items
    share = f"{100 * s.coverage:.1f} %" if _finite(s.coverage) else _MISSING
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
        f'<h2>{_e(dataset)} <span class="sep">·</span> {_e(task)}</h2>',
        f'<p class="note">{n} items · {len(scores)} checker(s) · labels: '
        f"{', '.join(f'<code>{_e(label)}</code>' for label in labels)}</p>",
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
            f'<div class="card"><h4>{_e(s.checker)}</h4>'
            f"{_figure(matrix, 'Confusion matrix: rows gold, columns predicted; shade = share of row.')}"
            f"{_per_label(s)}</div>"
        )
    out.append("</div>")
    out.append(_comparisons(comparisons))
    return "\n".join(out)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _per_label(s: TaskScores) -> str:
    rows = "".join(
        f'<tr><th scope="row">{_e(label)}</th><td class="num">{ls.precision:.3f}</td>'
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
        f"<tr{_SIG if c.significant else ''}><td>{_e(c.checker_a)}</td>"
        f"<td>{_e(c.checker_b)}</td>"
        f'<td class="num">{c.b}</td><td class="num">{c.c}</td>'
        f'<td class="num">{_e(format_p(c.p_value))}</td>'
        f'<td class="num">{_e(format_p(c.p_adjusted))}</td>'
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


# --- articles with highlighted claims ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ClaimView:
    """One claim as the article view shows it: its number, correctness class and tooltip text."""

    mark: ClaimMark
    number: int
    css: str  # right | wrong | mixed | unchecked
    verdicts: tuple[tuple[str, str, str], ...]  # (column, css, tooltip) per checker column
    tooltip: str


def _articles(report: Report, ids: _Ids) -> str:
    """The Articles section: the articles with verdicts, within the size bounds of the module docstring."""
    judged = with_verdicts(report.articles, report.predictions)
    by_item: dict[tuple[str, str], list[Prediction]] = {}
    for p in report.predictions:
        by_item.setdefault((p.dataset, p.item_id), []).append(p)
    parts: list[str] = []
    used, claims_left, shown_claims, total_claims = 0, MAX_HIGHLIGHTED_CLAIMS, 0, 0
    left_out = 0
    for article in judged:
        total_claims += len(article.claims)
        budget = claims_left
        while True:
            page, n = _article(article, by_item, ids, budget)
            size = len(page.encode("utf-8"))
            if used + size <= MAX_ARTICLES_BYTES or budget == 0:
                break
            budget //= 2
        if used + size > MAX_ARTICLES_BYTES:
            left_out += 1
            continue
        parts.append(page)
        used += size
        claims_left -= n
        shown_claims += n
    notes: list[str] = []
    unjudged = len(report.articles) - len(judged)
    if unjudged:
        notes.append(
            f"{unjudged} article(s) of the report are not shown: it holds no verdict for any of their claims."
        )
    if left_out or shown_claims < total_claims:
        notes.append(
            f"{shown_claims} of the {total_claims} claims of the articles with verdicts are highlighted"
            + (f" and {left_out} article(s) are left out" if left_out else "")
            + f" to keep this page under {MAX_ARTICLES_BYTES // 1_000_000} MB of articles "
            f"({MAX_HIGHLIGHTED_CLAIMS} claims, {MAX_ARTICLE_CHARS} characters of each article at most); "
            "predictions.csv has every verdict, the dataset (see Provenance) every text."
        )
    note = "".join(f'<p class="note">{_e(n)}</p>\n' for n in notes)
    return f"<h2>Articles</h2>\n{note}{''.join(parts)}"


def _article(
    article: ArticleView,
    by_item: Mapping[tuple[str, str], Sequence[Prediction]],
    ids: _Ids,
    budget: int = MAX_HIGHLIGHTED_CLAIMS,
) -> tuple[str, int]:
    """One article with at most ``budget`` claims highlighted (and its text cut after the last of them,
    or at :data:`MAX_ARTICLE_CHARS`), and how many it highlights."""
    anchor = ids.new("article", article.dataset, article.id)
    text = article.text if article.text is not None else ""
    if article.text is None:  # a report read back that refers to the text: the claims, not highlighted
        valid, invalid = list(article.claims), []
    else:
        valid = [m for m in article.claims if 0 <= m.start < m.end <= len(text)]
        valid_set = set(valid)
        invalid = [m for m in article.claims if m not in valid_set]
    rows = [p for m in valid for p in by_item.get((article.dataset, m.claim_id), ())]
    multi_task = len({p.task for p in rows}) > 1
    by_key = {(p.item_id, _column(p, multi_task)): p for p in rows}
    columns = list(dict.fromkeys(column for _, column in by_key))
    ordered = sorted(valid, key=lambda m: (m.start, -m.end, m.claim_id))
    limit = min(len(text), MAX_ARTICLE_CHARS) if article.text is not None else _UNLIMITED
    shown = [m for m in ordered if m.end <= limit][: max(budget, 0)]
    if len(shown) < len(ordered):
        limit = max((m.end for m in shown), default=0)
    views = {
        id(m): _claim_view(m, n, [by_key.get((m.claim_id, c)) for c in columns], columns)
        for n, m in enumerate(shown, start=1)
    }
    body = _marked_text(text[:limit], shown, views) if article.text is not None else ""
    cut = ""
    if article.text is None:
        ref = article.text_ref
        where = (
            f" ({ref.length} characters, SHA-256 {ref.sha256}, in the dataset with checksum "
            f"{ref.dataset_checksum})"
            if ref is not None
            else ""
        )
        cut = f'<p class="note">The text is not in report.json{_e(where)}; its claims are listed below.</p>'
    elif limit < len(text) or len(shown) < len(ordered):
        cut = (
            f'<p class="note">Showing characters 0–{limit} of {len(text)} and {len(shown)} of '
            f"{len(ordered)} claims; predictions.csv has every verdict, the dataset the whole text.</p>"
        )
    legend = (
        '<p class="legend"><mark class="claim right">every checker right</mark> '
        '<mark class="claim mixed">some right</mark> <mark class="claim wrong">all wrong or failed'
        '</mark> <mark class="claim unchecked">no verdict</mark> · badges after each claim: its '
        "number, then one per checker"
        + (f" ({', '.join(_e(c) for c in columns)})" if columns else "")
        + ": ✓ right, ✗ wrong, ! failed. Hover a claim for verdicts and explanations.</p>"
    )
    problems = ""
    if invalid:
        listed = ", ".join(f"{_e(m.claim_id)} [{m.start}, {m.end})" for m in invalid[:_MAX_LISTED])
        more = f" and {len(invalid) - _MAX_LISTED} more" if len(invalid) > _MAX_LISTED else ""
        problems = f'<p class="warn">Not highlighted, span outside the text: {listed}{more}.</p>'
    text_html = f'<div class="text">{body}</div>\n' if article.text is not None else ""
    page = (
        f'<article class="doc" id="{anchor}">\n<h3>{_e(article.title)}</h3>\n'
        f'<p class="note"><code>{_e(article.dataset)}</code> · <code>{_e(article.id)}</code> · '
        f"{len(article.claims)} claim(s)</p>\n{legend}\n{problems}{cut}"
        f"{text_html}"
        f"{_claims_table(shown, views, columns, by_key)}\n</article>\n"
    )
    return page, len(shown)


def _column(p: Prediction, multi_task: bool) -> str:
    """One column per checker (per checker and task when the claims are scored on several tasks)."""
    return f"{p.checker} ({p.task})" if multi_task else p.checker


def _correctness(p: Prediction | None) -> str:
    if p is None:
        return "none"
    if p.error is not None or p.predicted is None:
        return "failed"
    if p.gold is None:
        return "nogold"
    return "ok" if p.predicted == p.gold else "wrong"


def _claim_view(
    mark: ClaimMark, number: int, preds: Sequence[Prediction | None], columns: Sequence[str]
) -> _ClaimView:
    states = [_correctness(p) for p in preds]
    judged = [s for s in states if s in ("ok", "wrong", "failed")]
    if not judged:
        css = "unchecked"
    elif all(s == "ok" for s in judged):
        css = "right"
    elif any(s == "ok" for s in judged):
        css = "mixed"
    else:
        css = "wrong"
    gold = next((p.gold for p in preds if p is not None and p.gold is not None), None)
    lines = [f"#{number} {mark.claim_id} — gold: {gold or 'none'}"]
    verdicts: list[tuple[str, str, str]] = []
    for column, p, state in zip(columns, preds, states, strict=True):
        symbol = {"ok": "✓", "wrong": "✗", "failed": "!", "nogold": "·", "none": "–"}[state]
        if p is None:
            line = f"{symbol} {column}: no verdict"
        elif state == "failed":
            line = f"{symbol} {column}: failed — {_clip(p.error or 'no label')}"
        else:
            score = f" (score {p.score:.2f})" if p.score is not None else ""
            why = f" — {_clip(p.explanation)}" if p.explanation else ""
            line = f"{symbol} {column}: {p.predicted}{score}{why}"
        lines.append(line)
        verdicts.append((column, state, line))
    return _ClaimView(mark, number, css, tuple(verdicts), "\n".join(lines))


def _marked_text(text: str, claims: Sequence[ClaimMark], views: Mapping[int, _ClaimView]) -> str:
    """The article text with every claim wrapped in ``<mark>``, overlaps handled by segments.

    The text is cut at every claim boundary; each segment is wrapped in one ``<mark>`` per claim that
    covers it, outermost first, so nested and crossing claims give properly nested markup. After the
    last segment of a claim comes its badge row.
    """
    bounds = sorted({0, len(text), *(m.start for m in claims), *(m.end for m in claims)})
    out: list[str] = []
    for start, end in itertools.pairwise(bounds):
        covering = [m for m in claims if m.start <= start and end <= m.end]
        segment = _e(text[start:end])
        for depth in range(len(covering) - 1, -1, -1):  # innermost first: outermost ends up outside
            m = covering[depth]
            v = views[id(m)]
            # hovering shows the innermost title, so it names every claim covering the segment
            inner = covering if depth == len(covering) - 1 else [m]
            tooltip = "\n\n".join(views[id(c)].tooltip for c in reversed(inner))
            segment = (
                f'<mark class="claim {v.css} d{min(depth, 3)}" data-claim="{_e(m.claim_id)}" '
                f'title="{_e(tooltip)}">{segment}</mark>'
            )
        out.append(segment)
        ending = sorted((m for m in claims if m.end == end), key=lambda m: -m.start)
        out.extend(_badges(views[id(m)]) for m in ending)
    return "".join(out)


def _badges(view: _ClaimView) -> str:
    symbols = {"ok": "✓", "wrong": "✗", "failed": "!", "nogold": "·", "none": "–"}
    badges = "".join(
        f'<span class="vd {state}" title="{_e(tip)}">{symbols[state]}</span>'
        for _, state, tip in view.verdicts
    )
    return (
        f'<span class="badges" data-for="{_e(view.mark.claim_id)}" title="{_e(view.tooltip)}">'
        f'<span class="cn">{view.number}</span>{badges}</span>'
    )


def _claims_table(
    claims: Sequence[ClaimMark],
    views: Mapping[int, _ClaimView],
    columns: Sequence[str],
    by_key: Mapping[tuple[str, str], Prediction],
) -> str:
    if not claims:
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    rows: list[str] = []
    for m in claims:
        v = views[id(m)]
        gold = next(
            (p.gold for c in columns if (p := by_key.get((m.claim_id, c))) and p.gold),
            None,
        )
        cells = "".join(_verdict_cell(by_key.get((m.claim_id, c)), state) for c, state, _ in v.verdicts)
        rows.append(
            f'<tr><td class="num"><span class="cn {v.css}">{v.number}</span></td>'
            f"<td><code>{_e(m.claim_id)}</code></td><td>{_e(gold or _MISSING)}</td>{cells}</tr>"
        )
    return (
        '<details class="claims"><summary>Verdicts per claim</summary><div class="scroll">'
        f'<table class="compact"><thead><tr><th class="num">#</th><th>Claim</th><th>Gold</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _verdict_cell(p: Prediction | None, state: str) -> str:
    if p is None:
        return f'<td class="missing">{_MISSING}</td>'
    if state == "failed":
        why = _e(_clip(p.error or ""))
        return f'<td><span class="vd failed">!</span> <span class="why">{why}</span></td>'
    symbol = {"ok": "✓", "wrong": "✗"}.get(state, "·")
    why = f'<br><span class="why">{_e(_clip(p.explanation))}</span>' if p.explanation else ""
    return f'<td><span class="vd {state}">{symbol}</span> {_e(p.predicted or "")}{why}</td>'


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
        f"<tr><td>{_e(p.dataset)}</td><td>{_e(p.task)}</td><td>{_e(p.checker)}</td>"
        f"<td><code>{_e(p.item_id)}</code></td><td>{_e(p.gold or _MISSING)}</td>"
        f'<td class="err">{_e(_clip(p.error or ""))}</td></tr>'
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
        f'<tr><th scope="row">{_e(d.id)}</th><td>{_e(d.version)}</td>'
        f'<td class="hash">{_e(d.checksum)}</td><td><code>{_e(d.path)}</code></td>'
        f'<td class="num">{len(d.files)}</td></tr>'
        for d in report.datasets
    )
    checkers = "".join(
        f'<tr><th scope="row">{_e(c.name)}</th><td>{_e(c.version)}</td><td>{_e(c.task)}</td>'
        f"<td>{_e(c.origin)}</td><td><code>{_e(_json(c.params))}</code></td>"
        f"<td>{_e(c.fitted_on or _MISSING)}</td>"
        f'<td class="num">{c.wall_seconds:.2f}</td><td class="num">{c.items}</td>'
        f'<td class="num">{c.items_per_second:.1f}</td><td class="num">{c.reused}</td></tr>'
        for c in report.checkers
    )
    contamination = "".join(
        f'<tr><th scope="row">{_e(c.dataset)}</th><td>{_e(c.task)}</td><td>{_e(c.checker)}</td>'
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
    facts = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in run)
    spec = _e(json.dumps(report.spec, indent=2, sort_keys=True, ensure_ascii=False, default=str))
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


# --- helpers -------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escape any value for HTML text and attribute values, bidirectional controls made visible."""
    return html.escape(reveal(str(value)), quote=True)


def _clip(text: str, limit: int = MAX_NOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


class _Ids:
    """Unique, valid element ids built from report names (which may hold any character)."""

    _UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def new(self, *parts: str) -> str:
        base = "-".join(self._UNSAFE.sub("_", p).strip("_") or "x" for p in parts)
        candidate, n = base, 1
        while candidate in self._seen:
            n += 1
            candidate = f"{base}-{n}"
        self._seen.add(candidate)
        return candidate


_CSS = """
:root {
  --fg: #1d1f23; --muted: #5f6670; --line: #dfe2e6; --bg: #ffffff; --panel: #f6f7f9;
  --accent: #0b5cad;
  --right-bg: #d7f0e4; --right: #00845f; --wrong-bg: #fbe1d5; --wrong: #c4510a;
  --mixed-bg: #fdefc3; --mixed: #b57a00; --none-bg: #e9ebee; --none: #7c838d;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 28px; border-bottom: 1px solid var(--line); padding-bottom: 14px; }
h1 { font-size: 1.75rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.35rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 26px 0 8px; }
h4 { font-size: 0.98rem; margin: 0 0 6px; }
.sep { color: var(--muted); font-weight: 400; }
.lede { color: var(--muted); margin: 0 0 10px; }
.note { color: var(--muted); font-size: 0.9rem; margin: 4px 0 12px; max-width: 80ch; }
.warn { color: var(--wrong); font-size: 0.9rem; }
.run-failed { border: 2px solid var(--wrong); color: var(--wrong); padding: 8px 14px; margin: 0 0 12px; }
nav ol { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
nav a { color: var(--accent); text-decoration: none; font-size: 0.92rem; }
nav a:hover { text-decoration: underline; }
code, .hash {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.86em;
}
.hash { word-break: break-all; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 0.9rem; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th {
  border-bottom: 2px solid #c9ced4; font-weight: 600; white-space: nowrap; background: var(--panel);
}
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: 0.82em; }
.ci.bad, .err { color: var(--wrong); }
.missing { color: #a4a9b0; }
table.headline { font-size: 0.92rem; }
table.headline th, table.headline td { padding: 5px 8px; }
table.headline tr.group th { padding-top: 14px; font-size: 0.86rem; color: var(--muted); font-weight: 600;
  border-bottom: 1px solid #c9ced4; }
table.headline tbody th[scope="row"] { padding-left: 18px; white-space: nowrap; }
table.compact { font-size: 0.84rem; }
table.compact th, table.compact td { padding: 3px 8px; }
tr.sig td { background: #f3f8ff; }
table.checkers tbody th { white-space: nowrap; }
table.checkers td:nth-child(4) { max-width: 26ch; }
table.checkers td:nth-child(5) { max-width: 32ch; overflow-wrap: anywhere; }
.figrow { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 0 0 10px; }
figcaption { color: var(--muted); font-size: 0.8rem; max-width: 46ch; }
svg.plot { display: block; max-width: 100%; height: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff;
  overflow-x: auto; }
.card table { width: 100%; margin-bottom: 4px; }
.card table.compact th, .card table.compact td { padding: 3px 6px; }
.card svg.plot { width: 100%; max-width: 360px; }
article.doc { border: 1px solid var(--line); border-radius: 10px; padding: 4px 22px 14px; margin: 18px 0; }
.legend { font-size: 0.85rem; color: var(--muted); }
.text {
  white-space: pre-wrap; font-family: Georgia, "Times New Roman", "DejaVu Serif", serif;
  font-size: 1.05rem; line-height: 1.8; max-width: 78ch; margin: 10px 0 16px; overflow-wrap: break-word;
}
mark.claim {
  color: inherit; background: var(--none-bg); border-bottom: 2px solid var(--none);
  padding: 0.12em 0; border-radius: 2px; cursor: help;
}
mark.claim.right { background: var(--right-bg); border-bottom-color: var(--right); }
mark.claim.wrong { background: var(--wrong-bg); border-bottom-color: var(--wrong); }
mark.claim.mixed { background: var(--mixed-bg); border-bottom-color: var(--mixed); }
mark.claim mark.claim { padding: 0; border-bottom-style: double; border-bottom-width: 4px;
  box-shadow: inset 0 0 0 100vmax rgba(0, 0, 0, 0.045); }
mark.claim:hover { outline: 1px solid rgba(0, 0, 0, 0.35); }
.badges {
  font: 600 0.7rem/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  vertical-align: super; margin: 0 2px 0 1px; white-space: nowrap; cursor: help; unicode-bidi: isolate;
}
.cn { display: inline-block; min-width: 1.5em; padding: 2px 3px; border-radius: 7px; text-align: center;
  background: #454b54; color: #fff; }
.cn.right { background: var(--right); } .cn.wrong { background: var(--wrong); }
.cn.mixed { background: var(--mixed); } .cn.unchecked { background: var(--none); }
.vd { display: inline-block; min-width: 1.25em; padding: 2px 2px; margin-left: 1px; border-radius: 3px;
  text-align: center; color: #fff; background: var(--none); }
.vd.ok { background: var(--right); } .vd.wrong { background: var(--wrong); }
.vd.failed { background: #6d3fa0; } .vd.nogold, .vd.none { background: var(--none); }
td .vd { font-size: 0.75rem; font-weight: 700; }
.why { color: var(--muted); font-size: 0.8rem; white-space: pre-wrap; }
details.claims summary, details summary { cursor: pointer; color: var(--accent); font-size: 0.92rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.88rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
pre {
  background: var(--panel); padding: 10px 12px; border-radius: 6px; overflow-x: auto; font-size: 0.82rem;
}
footer { color: var(--muted); font-size: 0.8rem; padding-top: 30px; padding-bottom: 30px; }
@media print { nav { display: none; } .card, article.doc { break-inside: avoid; } }
"""
