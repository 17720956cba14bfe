"""Tests of claimbench.checkers.numeric_totals: percentages, shares, parts and totals."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from claimbench.checkers._findings import Finding
from claimbench.checkers.numeric_totals import total_checks
from claimbench.text.quantities import extract_quantities


def _label(findings: Sequence[Finding]) -> str:
    """The checker's rule: any failed check is inconsistent, any check at all is consistent."""
    if any(not f.ok for f in findings):
        return "inconsistent"
    return "consistent" if findings else "not_applicable"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # percentages and shares
        ("10% of respondents (401 out of 4,000) said so", "consistent"),
        ("20% of respondents (401 out of 4,000) said so", "inconsistent"),
        ("the party won 150% of the vote", "inconsistent"),
        ("the party won 45% of the vote", "consistent"),
        ("profits rose by 150% of last year's level", "not_applicable"),
        # parts and totals (C3)
        ("Of the 120 passengers, 80 were British and 50 French.", "inconsistent"),
        ("Of the 120 passengers, 80 were British and 30 French.", "consistent"),
        ("30 people, including 22 police and 15 soldiers, were arrested", "inconsistent"),
        ("35 of the 20 villages were cleared", "inconsistent"),
        ("The crash killed 31 minors, four of them girls", "consistent"),
        ("Militants release video", "not_applicable"),
    ],
)
def test_totals(text: str, label: str) -> None:
    findings = total_checks(text, extract_quantities(text), 0)
    assert _label(findings) == label, [f.line for f in findings]


def test_evidence_spans_are_shifted_by_the_offset() -> None:
    text = "Of the 120 passengers, 80 were British and 30 French."
    qs = extract_quantities(text)
    plain = total_checks(text, qs, 0)
    moved = total_checks(text, qs, 100)
    assert [f.line for f in plain] == [f.line for f in moved]
    for a, b in zip(plain, moved, strict=True):
        for ea, eb in zip(a.evidence, b.evidence, strict=True):
            if ea.span is not None:
                assert eb.span == (ea.span[0] + 100, ea.span[1] + 100)
