"""report.md: headline table, per-task sections, provenance, and Markdown escaping."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from claimbench.report.markdown import (
    confidence_level,
    format_estimate,
    render_markdown,
    write_markdown,
)
from claimbench.report.model import Estimate, Report
from tests.report_fixtures import sample_report


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def text(report: Report) -> str:
    return render_markdown(report)


def _cells(line: str) -> list[str]:
    """The cells of a GFM table row, split on pipes that are not backslash-escaped."""
    assert line.startswith("| ")
    assert line.endswith(" |")
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


def _table_after(text: str, heading: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| ") and heading in line)
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def test_headline_table_has_every_row_and_the_right_columns(report: Report, text: str) -> None:
    rows = _table_after(text, "Accuracy")
    header = rows[0]
    assert header == [
        "Dataset",
        "Task",
        "Checker",
        "n",
        "Accuracy [95% CI]",
        "Macro-F1 [95% CI]",
        "FNC-1 % [95% CI]",
        "Brier [95% CI]",
        "ECE [95% CI]",
        "Coverage",
        "Errors",
    ]
    body = rows[2:]
    assert len(body) == len(report.scores)
    assert all(len(row) == len(header) for row in rows)
    rules = dict(zip(header, body[0], strict=True))
    assert rules["Checker"] == "numeric_rules"
    assert rules["Accuracy [95% CI]"] == "0.571 [0.521, 0.621]"
    assert rules["Brier [95% CI]"] == "0.210 [0.170, 0.250]"
    assert rules["FNC-1 % [95% CI]"] == "—"
    assert rules["Coverage"] == "85.7 %"
    assert rules["Errors"] == "1"
    tfidf = dict(zip(header, body[2], strict=True))
    assert tfidf["FNC-1 % [95% CI]"] == "78.0 [75.5, 80.5]"


def test_optional_columns_only_when_some_row_has_them(report: Report) -> None:
    numeric_only = replace(report, scores=report.scores[1:2])  # majority on numeric: no brier, no FNC-1
    header = _table_after(render_markdown(numeric_only), "Accuracy")[0]
    assert not any("FNC-1" in h or "Brier" in h or "ECE" in h for h in header)


def test_a_section_per_task_with_per_label_scores_confusion_and_comparisons(text: str) -> None:
    assert "## mosul-2016 · numeric\\_consistency" not in text  # intraword underscores stay readable
    assert "## mosul-2016 · numeric_consistency" in text
    assert "## fnc1-test · source_agreement" in text
    mosul = text.split("## mosul-2016 · numeric_consistency")[1].split("## fnc1-test")[0]
    assert "| numeric_rules | not_applicable | 1.000 | 1.000 | 1.000 | 2 |" in mosul
    assert "| gold \\ predicted | consistent | inconsistent | not_applicable |" in mosul
    assert "| inconsistent | 1 | 1 | 0 |" in mosul
    assert "No significant difference" in mosul
    fnc = text.split("## fnc1-test · source_agreement")[1].split("## Provenance")[0]
    assert "| stance_tfidf | majority | 95 | 3 | 1.0e-12 | 2.0e-12 | 0.450 [0.390, 0.510] |" in fnc


def test_provenance_footer(report: Report, text: str) -> None:
    footer = text.split("## Provenance")[1]
    assert "git commit 0123456789abcdef0123456789abcdef01234567" in footer
    assert "seed 20161017" in footer
    assert "1000 bootstrap resamples" in footer
    for dataset in report.datasets:
        assert dataset.checksum in footer
        assert f"| {dataset.id} | {dataset.version} |" in footer
    assert '| stance_tfidf | 0.3.1 | source_agreement | plugin: claimbench-stance 0.3.1 | {"C": 1.0' in footer
    assert "- packages.matplotlib: 3.9.0" in footer


def test_cells_escape_pipes_newlines_and_markup(report: Report) -> None:
    odd = "odd|name\nwith <script>alert(1)</script> *stars* _under_"
    scores = (replace(report.scores[0], checker=odd), *report.scores[1:])
    text = render_markdown(replace(report, scores=scores))
    rows = _table_after(text, "Accuracy")
    assert all(len(row) == len(rows[0]) for row in rows)  # the pipe did not add a column
    assert rows[2][2] == "odd\\|name with \\<script\\>alert(1)\\</script\\> \\*stars\\* \\_under\\_"
    assert "<script>" not in text
    assert "<summary>Confusion matrix: odd|name with &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert all(line == line.strip("\r") for line in text.splitlines())


def test_confidence_level_comes_from_the_spec(report: Report) -> None:
    assert confidence_level(report) == 0.95
    ninety = replace(report, spec={**report.spec, "bootstrap": {"confidence": 0.9}})
    assert confidence_level(ninety) == 0.9
    assert "Accuracy [90% CI]" in render_markdown(ninety)


def test_format_estimate() -> None:
    assert format_estimate("accuracy", Estimate(0.5, 0.4, 0.6)) == "0.500 [0.400, 0.600]"
    assert format_estimate("accuracy", Estimate(0.5)) == "0.500"
    assert format_estimate("fnc1_percent", Estimate(78.04, 70.0, 80.0)) == "78.0 [70.0, 80.0]"
    assert format_estimate("accuracy", Estimate(float("nan"))) == "—"
    assert format_estimate("accuracy", None) == "—"


def test_write_markdown(report: Report, tmp_path: Path, text: str) -> None:
    path = write_markdown(report, tmp_path / "out")
    assert path == tmp_path / "out" / "report.md"
    assert path.read_text(encoding="utf-8") == text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
