"""``report.json``: its format version, written always, and what readers do with an older or newer one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimbench.report.json import ReportError, read_report, report_problems, write_report
from claimbench.report.model import FORMAT_VERSION, Report, ReportVersionError, check_format_version
from tests.report_fixtures import sample_report


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


def _write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_written_report_says_its_format_version(report: Report, tmp_path: Path) -> None:
    write_report(report, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION == 1
    assert list(data)[:2] == ["failures", "format_version"]  # failures stay first
    assert report_problems(data) == []
    assert read_report(tmp_path) == report


def test_a_report_without_the_field_is_version_1_and_still_reads(report: Report, tmp_path: Path) -> None:
    older = report.to_dict()
    del older["format_version"]
    assert check_format_version(older) == 1
    assert report_problems(older) == []
    assert read_report(_write(older, tmp_path / "report.json")) == report
    assert Report.from_dict(older) == report
    assert Report.from_dict(older).to_dict()["format_version"] == FORMAT_VERSION  # written anew: current


def test_a_newer_format_is_refused_with_what_to_do(report: Report, tmp_path: Path) -> None:
    newer = report.to_dict()
    newer["format_version"] = FORMAT_VERSION + 1
    newer["environment"] = {**newer["environment"], "claimbench": "9.0.0"}
    newer["a_field_of_the_future"] = {"x": 1}  # a newer format need not match this schema
    path = _write(newer, tmp_path / "report.json")
    with pytest.raises(ReportVersionError) as caught:
        read_report(path)
    message = str(caught.value)
    assert f"report format version {FORMAT_VERSION + 1}" in message
    assert "written by claimbench 9.0.0" in message
    assert f"version {FORMAT_VERSION} at most" in message
    assert "upgrade claimbench" in message
    assert caught.value.found == FORMAT_VERSION + 1
    assert isinstance(caught.value, ValueError)  # callers catching ValueError go on working
    with pytest.raises(ReportVersionError):
        Report.from_dict(newer)  # the model refuses too, for scripts that load the JSON themselves


def test_a_newer_format_without_an_environment_is_still_refused_clearly() -> None:
    with pytest.raises(ReportVersionError, match=r"version 7 is newer") as caught:
        check_format_version({"format_version": 7})
    assert caught.value.written_by is None
    assert "written by" not in str(caught.value)


@pytest.mark.parametrize("value", ["1", "2", 0, -1, 1.5, True, None])
def test_a_format_version_that_is_not_a_known_integer_is_a_schema_problem(
    report: Report, tmp_path: Path, value: object
) -> None:
    data = report.to_dict()
    data["format_version"] = value
    problems = report_problems(data)
    assert problems
    assert all(p.startswith("$.format_version: ") for p in problems)
    with pytest.raises(ReportError, match=r"\$\.format_version"):
        read_report(_write(data, tmp_path / "report.json"))
