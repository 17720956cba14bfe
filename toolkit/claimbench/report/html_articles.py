"""The Articles section of the HTML report: each article with verdicts, its claims highlighted by whether
the checkers got them right, within the size bounds of :mod:`claimbench.report.html`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from claimbench.report._html import Ids, clip, e
from claimbench.report.markdown import MISSING
from claimbench.report.model import ArticleView, ClaimMark, Prediction, Report, with_verdicts

__all__ = ["MAX_ARTICLES_BYTES", "MAX_ARTICLE_CHARS", "MAX_HIGHLIGHTED_CLAIMS", "articles_section"]

MAX_ARTICLES_BYTES = 4_000_000
"""Most bytes (UTF-8) of the Articles section; an article that would pass it gets fewer claims, or none."""
MAX_HIGHLIGHTED_CLAIMS = 2_000
"""Most claims highlighted in all the articles shown."""
MAX_ARTICLE_CHARS = 100_000
"""Most characters of one article's text shown (from its start)."""
_MAX_LISTED = 20
_UNLIMITED = 2**62


@dataclass(frozen=True, slots=True)
class _ClaimView:
    """One claim as the article view shows it: its number, correctness class and tooltip text."""

    mark: ClaimMark
    number: int
    css: str  # right | wrong | mixed | unchecked
    verdicts: tuple[tuple[str, str, str], ...]  # (column, css, tooltip) per checker column
    tooltip: str


def articles_section(report: Report, ids: Ids) -> str:
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
    note = "".join(f'<p class="note">{e(n)}</p>\n' for n in notes)
    return f"<h2>Articles</h2>\n{note}{''.join(parts)}"


def _article(
    article: ArticleView,
    by_item: Mapping[tuple[str, str], Sequence[Prediction]],
    ids: Ids,
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
        cut = f'<p class="note">The text is not in report.json{e(where)}; its claims are listed below.</p>'
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
        + (f" ({', '.join(e(c) for c in columns)})" if columns else "")
        + ": ✓ right, ✗ wrong, ! failed. Hover a claim for verdicts and explanations.</p>"
    )
    problems = ""
    if invalid:
        listed = ", ".join(f"{e(m.claim_id)} [{m.start}, {m.end})" for m in invalid[:_MAX_LISTED])
        more = f" and {len(invalid) - _MAX_LISTED} more" if len(invalid) > _MAX_LISTED else ""
        problems = f'<p class="warn">Not highlighted, span outside the text: {listed}{more}.</p>'
    text_html = f'<div class="text">{body}</div>\n' if article.text is not None else ""
    page = (
        f'<article class="doc" id="{anchor}">\n<h3>{e(article.title)}</h3>\n'
        f'<p class="note"><code>{e(article.dataset)}</code> · <code>{e(article.id)}</code> · '
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
            line = f"{symbol} {column}: failed — {clip(p.error or 'no label')}"
        else:
            score = f" (score {p.score:.2f})" if p.score is not None else ""
            why = f" — {clip(p.explanation)}" if p.explanation else ""
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
        segment = e(text[start:end])
        for depth in range(len(covering) - 1, -1, -1):  # innermost first: outermost ends up outside
            m = covering[depth]
            v = views[id(m)]
            # hovering shows the innermost title, so it names every claim covering the segment
            inner = covering if depth == len(covering) - 1 else [m]
            tooltip = "\n\n".join(views[id(c)].tooltip for c in reversed(inner))
            segment = (
                f'<mark class="claim {v.css} d{min(depth, 3)}" data-claim="{e(m.claim_id)}" '
                f'title="{e(tooltip)}">{segment}</mark>'
            )
        out.append(segment)
        ending = sorted((m for m in claims if m.end == end), key=lambda m: -m.start)
        out.extend(_badges(views[id(m)]) for m in ending)
    return "".join(out)


def _badges(view: _ClaimView) -> str:
    symbols = {"ok": "✓", "wrong": "✗", "failed": "!", "nogold": "·", "none": "–"}
    badges = "".join(
        f'<span class="vd {state}" title="{e(tip)}">{symbols[state]}</span>'
        for _, state, tip in view.verdicts
    )
    return (
        f'<span class="badges" data-for="{e(view.mark.claim_id)}" title="{e(view.tooltip)}">'
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
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
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
            f"<td><code>{e(m.claim_id)}</code></td><td>{e(gold or MISSING)}</td>{cells}</tr>"
        )
    return (
        '<details class="claims"><summary>Verdicts per claim</summary><div class="scroll">'
        f'<table class="compact"><thead><tr><th class="num">#</th><th>Claim</th><th>Gold</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _verdict_cell(p: Prediction | None, state: str) -> str:
    if p is None:
        return f'<td class="missing">{MISSING}</td>'
    if state == "failed":
        why = e(clip(p.error or ""))
        return f'<td><span class="vd failed">!</span> <span class="why">{why}</span></td>'
    symbol = {"ok": "✓", "wrong": "✗"}.get(state, "·")
    why = f'<br><span class="why">{e(clip(p.explanation))}</span>' if p.explanation else ""
    return f'<td><span class="vd {state}">{symbol}</span> {e(p.predicted or "")}{why}</td>'
