"""report.html: structure, self-containment, escaping, and claim highlighting (overlaps included)."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.report.html import CSP, render_html, write_html
from claimbench.report.model import ArticleView, ClaimMark, Estimate, Prediction, Report, TaskScores
from tests.report_fixtures import ARTICLE_TEXT, CLAIM_TEXTS, SCRIPT, sample_report

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)
URL_ATTRS = frozenset({"src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset"})


class _Page(HTMLParser):
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


def parse(document: str) -> _Page:
    page = _Page()
    page.feed(document)
    page.close()
    assert page.problems == []
    assert page.stack == [], f"unclosed elements: {page.stack}"
    return page


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def document(report: Report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def page(document: str) -> _Page:
    return parse(document)


def test_is_a_balanced_html5_document(document: str, page: _Page) -> None:
    assert document.startswith("<!DOCTYPE html>\n")
    names = [tag for tag, _ in page.tags]
    assert names[:3] == ["html", "head", "meta"]
    assert names.count("body") == 1
    assert any(tag == "svg" for tag in names), "figures are inline SVG"
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids are unique across the page and its figures"


def test_has_a_strict_content_security_policy(page: _Page) -> None:
    csp = [a.get("content") for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    assert csp == [CSP]
    assert "default-src 'none'" in CSP
    assert "script-src" not in CSP or "script-src 'none'" in CSP


def test_loads_nothing_from_outside(document: str, page: _Page) -> None:
    assert "http://" not in document
    assert "https://" not in document
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base")
        for name, value in attrs.items():
            if name in URL_ATTRS and value is not None:
                assert value.startswith(("#", "data:")), f"<{tag} {name}={value!r}>"
            if name == "style" and value:
                assert "url(" not in value.replace("url(#", "")
            assert not name.startswith("on"), f"event handler attribute on <{tag}>"
    for css in page.styles:
        assert "@import" not in css
        assert "@font-face" not in css
        assert re.search(r"url\((?!#)", css) is None
    assert re.search(r"""url\(\s*['"]?(?!#)""", document) is None


def test_article_text_is_escaped(document: str, page: _Page) -> None:
    assert SCRIPT not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "".join(page.article_text) == ARTICLE_TEXT  # shown as text, to the letter
    text = "".join(page.body_text)
    assert "Iraqi forces & Peshmerga" in text
    assert "Mawṣil (الموصل)" in text
    assert 'Mosul "offensive" & <b>battle</b>' in text  # the title is escaped too
    assert "<b>" not in document


def test_every_claim_is_highlighted_exactly(report: Report, page: _Page) -> None:
    article = report.articles[0]
    assert len(article.claims) == len(CLAIM_TEXTS)
    for mark in article.claims:
        assert page.claim_text.get(mark.claim_id) == ARTICLE_TEXT[mark.start : mark.end]


def test_marks_are_coloured_by_correctness(page: _Page) -> None:
    classes: dict[str, set[str]] = {}
    for tag, attrs in page.tags:
        if tag == "mark" and attrs.get("data-claim"):
            classes.setdefault(str(attrs["data-claim"]), set()).update(str(attrs["class"]).split())
    assert "right" in classes["mosul-c01"]  # both checkers right
    assert "mixed" in classes["mosul-c00"]  # one right, one wrong
    assert "wrong" in classes["mosul-c05"]  # both wrong
    assert "unchecked" in classes["mosul-c07"]
    assert "mixed" in classes["mosul-c06"]  # one checker failed, the other was right


def test_hover_shows_each_checkers_verdict_gold_and_explanation(page: _Page) -> None:
    titles = [str(a["title"]) for tag, a in page.tags if tag == "mark" and a.get("data-claim") == "mosul-c05"]
    assert titles
    tip = titles[0]
    assert "gold: inconsistent" in tip
    assert "numeric_rules: consistent" in tip
    assert "majority: consistent" in tip
    assert '30,000 vs "30 000" <b>mosul-c05</b> & 1.5 > 1' in tip  # explanation, unescaped by the parser
    failed = [str(a["title"]) for tag, a in page.tags if tag == "mark" and a.get("data-claim") == "mosul-c06"]
    assert any("failed — ValueError: unit 'km²' & <unknown>" in t for t in failed)


def test_has_the_sections_a_reader_expects(document: str, page: _Page) -> None:
    section_ids = {a.get("id") for tag, a in page.tags if tag == "section"}
    assert {"headline", "articles", "errors", "provenance"} <= section_ids
    assert sum(1 for tag, a in page.tags if tag == "svg" and "plot" in str(a.get("class"))) == 7
    text = "".join(page.body_text)
    assert "0.571 [0.521, 0.621]" in text  # accuracy with its CI
    assert "RuntimeError: body too long " + SCRIPT in text  # the errors table
    assert "1.0e-12" in text  # comparisons
    assert "0123456789abcdef0123456789abcdef01234567" in text  # provenance


def test_output_is_deterministic(report: Report, document: str) -> None:
    assert render_html(report) == document


def test_write_html_writes_report_html(report: Report, tmp_path: Path) -> None:
    path = write_html(report, tmp_path / "run")
    assert path == tmp_path / "run" / "report.html"
    assert path.read_text(encoding="utf-8") == render_html(report)


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


def test_a_task_without_items_still_renders() -> None:
    nan = Estimate(float("nan"))
    empty = TaskScores(
        dataset="d",
        task="numeric_consistency",
        checker="c",
        labels=(),
        n_items=0,
        n_errors=0,
        coverage=None,  # type: ignore[arg-type]  # what report.json holds for a task without items
        metrics={"accuracy": nan, "macro_f1": nan},
        per_label={},
        confusion=(),
    )
    page = parse(render_html(replace(sample_report(), scores=(empty,), articles=())))
    assert "no labels, no confusion matrix" in "".join(page.body_text)


def test_a_report_without_predictions_still_counts_its_errors() -> None:
    report = replace(sample_report(), predictions=())  # as a streamed run's report
    failed = sum(s.n_errors for s in report.scores)
    assert failed
    text = "".join(parse(render_html(report)).body_text)
    assert f"{failed} verdict(s) failed" in text
    assert "No checker failed" not in text


def test_the_articles_section_keeps_to_its_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    import claimbench.report.html as html_module

    monkeypatch.setattr(html_module, "MAX_ARTICLES_BYTES", 30_000)
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
