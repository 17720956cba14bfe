"""report.html: structure, self-containment, escaping, and claim highlighting (overlaps included)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from claimbench.report.html import CSP, render_html, write_html
from claimbench.report.model import Estimate, Report, TaskScores
from tests.report_fixtures import SCRIPT, Page, parse, sample_report

URL_ATTRS = frozenset({"src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset"})


def test_is_a_balanced_html5_document(document: str, page: Page) -> None:
    assert document.startswith("<!DOCTYPE html>\n")
    names = [tag for tag, _ in page.tags]
    assert names[:3] == ["html", "head", "meta"]
    assert names.count("body") == 1
    assert any(tag == "svg" for tag in names), "figures are inline SVG"
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids are unique across the page and its figures"


def test_has_a_strict_content_security_policy(page: Page) -> None:
    csp = [a.get("content") for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    assert csp == [CSP]
    assert "default-src 'none'" in CSP
    assert "script-src" not in CSP or "script-src 'none'" in CSP


def test_loads_nothing_from_outside(document: str, page: Page) -> None:
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


def test_has_the_sections_a_reader_expects(document: str, page: Page) -> None:
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
