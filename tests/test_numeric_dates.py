"""Tests of claimbench.checkers.numeric_dates: the numeric checker's calendar checks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from claimbench.checkers._findings import Finding
from claimbench.checkers.numeric_dates import date_checks
from claimbench.records import Article
from claimbench.text.dates import extract_dates


def _label(findings: Sequence[Finding]) -> str:
    """The checker's rule: any failed check is inconsistent, any check at all is consistent."""
    if any(not f.ok for f in findings):
        return "inconsistent"
    return "consistent" if findings else "not_applicable"


@pytest.mark.parametrize(
    ("text", "published", "label"),
    [
        ("The offensive began on Monday 17 October 2016", "2016-10-18", "consistent"),
        ("The offensive began on Monday 18 October 2016", "2016-10-18", "inconsistent"),
        ("It began on Monday, October 17", "2016-10-18", "consistent"),
        ("It began on Sunday (Oct. 17)", "2016-10-18", "inconsistent"),
        ("The attack happened yesterday, Sunday", "2016-10-18", "inconsistent"),
        ("The attack happened yesterday (Monday)", "2016-10-18", "consistent"),
        ("The troops paused today, Tuesday", "2016-10-18", "consistent"),
        ("The troops paused on Tuesday", "2016-10-18", "consistent"),
        ("Three days ago, on Saturday, the convoy left", "2016-10-18", "consistent"),
        ("Two days ago, on Saturday, the convoy left", "2016-10-18", "inconsistent"),
        ("The war began 13 years ago, in 2003", "2016-10-18", "consistent"),
        ("The war began 10 years ago, in 2003", "2016-10-18", "inconsistent"),
        ("The 30-year-old, who was born in 1990, said", "2016-10-18", "inconsistent"),
        ("The 26-year-old, who was born in 1990, said", "2016-10-18", "consistent"),
        ("The bridge was opened on 20 October 2016", "2016-10-18", "inconsistent"),
        ("The bridge will open on 20 October 2016", "2016-10-18", "consistent"),
        ("The bridge opened on 30 February 2016", "2016-10-18", "inconsistent"),
        ("The troops paused on Tuesday", None, "not_applicable"),
    ],
)
def test_calendar(text: str, published: str | None, label: str) -> None:
    article = Article(id="t", title="", text=text, published=published)
    findings = date_checks(text, extract_dates(text), article, 0)
    assert _label(findings) == label, [f.line for f in findings]


@pytest.mark.parametrize(("ordinal", "label"), [("third", "consistent"), ("fifth", "inconsistent")])
def test_the_event_start_is_read_from_the_article(ordinal: str, label: str) -> None:
    text = f"On the {ordinal} day of the offensive, troops paused."
    body = "The offensive had begun in the early hours of Monday. " + text
    article = Article(id="t", title="", text=body, published="2016-10-19")
    start = body.index(text)
    findings = date_checks(text, extract_dates(text), article, start)
    assert _label(findings) == label, [f.line for f in findings]
    spans = [e.span for f in findings for e in f.evidence if e.span is not None]
    assert spans
    assert all(body[s:e].startswith(f"{ordinal} day") or ordinal in body[s:e] for s, e in spans)


def test_no_publication_date_no_relative_checks() -> None:
    text = "The attack happened yesterday, Sunday"
    assert date_checks(text, extract_dates(text), None, 0) == []
