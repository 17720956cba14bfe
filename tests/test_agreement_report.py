"""The inter-annotator agreement report as JSON and Markdown (claimbench.data.agreement_report)."""

from __future__ import annotations

import json
from pathlib import Path

from claimbench.data.agreement import compare_datasets
from claimbench.data.agreement_report import render_json, render_markdown, report_to_json
from claimbench.data.agreement_stats import NONE
from claimbench.data.dataset import load_dataset
from tests.conftest import tiny_records, write_records
from tests.test_agreement import _second


def test_report_outputs(tmp_path: Path) -> None:
    a = load_dataset(write_records(tmp_path / "a", tiny_records()))
    b = load_dataset(write_records(tmp_path / "b", _second(tiny_records())))
    report = compare_datasets(a, b, resamples=50)
    data = report_to_json(report)
    assert json.loads(render_json(report)) == data
    assert {f["field"] for f in data["fields"]} >= {
        "claim_type",
        "check_worthiness",
        "attribution.speaker_type",
        "attribution.verb",
        "quantities.value",
        "quantities.unit",
        "quantities.qualifier",
        "times.value",
        "numeric_consistency.label",
        "relations.related",
        "relations.label",
    }
    md = render_markdown(report)
    assert "| check_worthiness | 2 | 0.500" in md
    assert "Open vs still closed." in md
    assert NONE in md
