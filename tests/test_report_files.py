"""A run's set of report files: ``report.json`` deleted first and written last, optional writers skipped."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from claimbench.report import files, markdown
from claimbench.report.files import write_reports
from claimbench.report.json import ReportError, read_report
from claimbench.report.model import Report
from tests.report_fixtures import sample_report


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


def test_every_report_is_written_report_json_first_in_the_list(report: Report, tmp_path: Path) -> None:
    written = write_reports(report, tmp_path)
    names = [p.name for p in written]
    assert names[:2] == ["report.json", "predictions.csv"]
    assert names[-2:] == ["report.md", "report.html"]
    assert all(p.is_file() and p.parent == tmp_path for p in written)
    assert read_report(tmp_path) == report


def test_no_report_json_while_the_others_are_rewritten(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory that holds report.json holds a finished set: the old one is gone before any other
    file is rewritten, and the new one appears after all of them."""
    write_reports(report, tmp_path)
    seen: list[bool] = []
    real = markdown.write_markdown

    def spy(r: Report, out: Path) -> Path:
        seen.append((out / "report.json").exists())
        return real(r, out)

    monkeypatch.setattr(markdown, "write_markdown", spy)
    write_reports(report, tmp_path)
    assert seen == [False]
    assert (tmp_path / "report.json").is_file()


def test_a_writer_that_cannot_be_imported_is_skipped_with_a_warning(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(files, "HUMAN_REPORTS", (("no_such_format", "write_it"), *files.HUMAN_REPORTS))
    with caplog.at_level(logging.WARNING, logger="claimbench.report.files"):
        written = write_reports(report, tmp_path)
    assert "no no_such_format report" in caplog.text
    assert {"report.json", "report.md", "report.html"} <= {p.name for p in written}


def test_an_invalid_report_writes_nothing(report: Report, tmp_path: Path) -> None:
    broken = replace(report, seed="not a number")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match=r"\$\.seed"):
        write_reports(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()
