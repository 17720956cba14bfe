"""The Articles section of report.html (claimbench.report.html_articles): article text escaped to the letter,
every claim highlighted exactly (overlaps and nesting included), marks coloured by correctness, tooltips."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.report.html import render_html
from claimbench.report.model import ArticleView, ClaimMark, Prediction, Report
from tests.report_fixtures import (
    ARTICLE_TEXT,
    CLAIM_TEXTS,
    SCRIPT,
    Page,
    parse,
    sample_report,
)


def test_article_text_is_escaped(document: str, page: Page) -> None:
    assert SCRIPT not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "".join(page.article_text) == ARTICLE_TEXT  # shown as text, to the letter
    text = "".join(page.body_text)
    assert "Iraqi forces & Peshmerga" in text
    assert "Mawṣil (الموصل)" in text
    assert 'Mosul "offensive" & <b>battle</b>' in text  # the title is escaped too
    assert "<b>" not in document


def test_every_claim_is_highlighted_exactly(report: Report, page: Page) -> None:
    article = report.articles[0]
    assert len(article.claims) == len(CLAIM_TEXTS)
    for mark in article.claims:
        assert page.claim_text.get(mark.claim_id) == ARTICLE_TEXT[mark.start : mark.end]


def test_marks_are_coloured_by_correctness(page: Page) -> None:
    classes: dict[str, set[str]] = {}
    for tag, attrs in page.tags:
        if tag == "mark" and attrs.get("data-claim"):
            classes.setdefault(str(attrs["data-claim"]), set()).update(str(attrs["class"]).split())
    assert "right" in classes["mosul-c01"]  # both checkers right
    assert "mixed" in classes["mosul-c00"]  # one right, one wrong
    assert "wrong" in classes["mosul-c05"]  # both wrong
    assert "unchecked" in classes["mosul-c07"]
    assert "mixed" in classes["mosul-c06"]  # one checker failed, the other was right


def test_hover_shows_each_checkers_verdict_gold_and_explanation(page: Page) -> None:
    titles = [str(a["title"]) for tag, a in page.tags if tag == "mark" and a.get("data-claim") == "mosul-c05"]
    assert titles
    tip = titles[0]
    assert "gold: inconsistent" in tip
    assert "numeric_rules: consistent" in tip
    assert "majority: consistent" in tip
    assert '30,000 vs "30 000" <b>mosul-c05</b> & 1.5 > 1' in tip  # explanation, unescaped by the parser
    failed = [str(a["title"]) for tag, a in page.tags if tag == "mark" and a.get("data-claim") == "mosul-c06"]
    assert any("failed — ValueError: unit 'km²' & <unknown>" in t for t in failed)


def _articles_only(text: str, spans: list[tuple[int, int]]) -> Report:
    """A report of one article and a verdict on each of its claims (the HTML shows only articles
    with verdicts)."""
    marks = tuple(ClaimMark(f"c{i}", start, end) for i, (start, end) in enumerate(spans))
    base = sample_report()
    verdicts = tuple(
        Prediction(
            "d", "numeric_consistency", m.claim_id, "k", "consistent", "consistent", None, None, "", "a"
        )
        for m in marks
    )
    return replace(
        base,
        scores=(),
        comparisons=(),
        predictions=verdicts,
        articles=(ArticleView("d", "a", "t", text, marks),),
    )


def test_invalid_spans_are_reported_not_rendered() -> None:
    page = parse(render_html(_articles_only("abc <def>", [(0, 3), (5, 99), (2, 2)])))
    assert page.claim_text == {"c0": "abc"}
    assert "Not highlighted" in "".join(page.body_text)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="ab <>&\"'\n€é", min_size=1, max_size=40),
    raw=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6),
)
def test_overlapping_and_nested_spans_give_valid_markup(text: str, raw: list[tuple[int, int]]) -> None:
    spans = [(min(a, b), max(a, b)) for a, b in raw]
    spans = [(a, b) for a, b in spans if a < b <= len(text)]
    page = parse(render_html(_articles_only(text, spans)))
    for i, (start, end) in enumerate(spans):
        assert page.claim_text.get(f"c{i}") == text[start:end]
    assert "".join(page.article_text) == (text if spans else "")  # no claim, no verdict: not shown


def test_the_articles_section_keeps_to_its_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    import claimbench.report.html_articles as articles_module

    monkeypatch.setattr(articles_module, "MAX_ARTICLES_BYTES", 30_000)
    text = " ".join(f"Claim number {i} is here." for i in range(400))
    spans, offset = [], 0
    for part in text.split(" is here. "):
        spans.append((offset, offset + len(part)))
        offset += len(part) + len(" is here. ")
    page = render_html(_articles_only(text, spans[:-1]))
    section = page.split('<section id="articles">')[1].split("</section>")[0]
    assert len(section.encode()) <= 30_000 + 1_000  # the notes around the articles
    shown = len(parse(page).claim_text)
    assert 0 < shown < len(spans) - 1
    assert f"{shown} of the {len(spans) - 1} claims" in section
