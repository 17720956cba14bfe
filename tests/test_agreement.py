"""Inter-annotator agreement (claimbench.data.agreement): matching two independently built datasets, the
Mosul report and the command. The coefficients are tested in test_agreement_stats, the report forms in
test_agreement_report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimbench.cli import main
from claimbench.data.agreement import compare_datasets
from claimbench.data.agreement_report import render_json, render_markdown
from claimbench.data.dataset import load_dataset
from tests.conftest import tiny_records, write_records


def _second(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """A second annotation of the tiny article: other ids, and some different labels and choices."""
    claims = records["claims"]
    for c in claims:
        c["id"] = "b-" + c["id"]
    claims[0]["check_worthiness"] = "medium"
    claims[0]["quantities"][1]["qualifier"] = "approximate"
    del claims[0]["times"]
    claims[1]["attribution"]["verb"] = "Said"  # A has no verb here
    del records["relations"]
    records["articles"][0]["id"] = "b-a1"
    for c in claims:
        c["article_id"] = "b-a1"
    return records


def test_compare_datasets_matches_by_span(tmp_path: Path) -> None:
    a = load_dataset(write_records(tmp_path / "a", tiny_records()))
    b = load_dataset(write_records(tmp_path / "b", _second(tiny_records())))
    report = compare_datasets(a, b, resamples=50)
    by_field = {f.field: f for f in report.fields}
    claims = report.matching[0]
    assert (claims.n_a, claims.n_b, claims.matched) == (2, 2, 2)
    worth = by_field["check_worthiness"]
    assert worth.n == 2
    assert [(p.item, p.a, p.b) for p in worth.disagreements] == [("c1 / b-c1", "high", "medium")]
    assert by_field["attribution.verb"].observed == 0.5  # c1: "said" both; c2: (none) vs "said"
    assert by_field["quantities.qualifier"].observed == 0.5
    assert by_field["quantities.value"].alpha_interval == pytest.approx(1.0)
    listed = by_field["times.listed"]
    assert (listed.n, listed.positive_agreement) == (1, 0.0)
    related = by_field["relations.related"]
    assert related.n == 1  # the one cross-source pair
    assert [(p.a, p.b, p.rationale_a) for p in related.disagreements] == [
        ("yes", "no", "Open vs still closed.")
    ]
    assert related.positive_agreement == 0.0
    assert by_field["relations.label"].n == 0
    assert report.matching[-1].only_a == ("r1",)


def test_identical_datasets_agree_fully() -> None:
    root = Path(__file__).resolve().parents[1] / "datasets" / "mosul-2016"
    ds = load_dataset(root)
    report = compare_datasets(ds, ds, resamples=20)
    for f in report.fields:
        assert not f.disagreements, f.field
        assert f.observed in (1.0, None)
        assert f.kappa in (1.0, None)
        assert f.alpha_nominal in (1.0, None)


def test_command_writes_both_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_records(tmp_path / "a", tiny_records())
    b = write_records(tmp_path / "b", _second(tiny_records()))
    out_json, out_md = tmp_path / "r" / "agreement.json", tmp_path / "r" / "agreement.md"
    code = main(["agreement", str(a), str(b), "--json", str(out_json), "--markdown", str(out_md)])
    assert code == 0
    assert json.loads(out_json.read_text(encoding="utf-8"))["fields"]
    assert out_md.read_text(encoding="utf-8").startswith("# Inter-annotator agreement")
    assert not list((tmp_path / "r").glob(".*.tmp"))
    assert main(["agreement", str(a), str(b), "--resamples", "0"]) == 0
    assert "# Inter-annotator agreement" in capsys.readouterr().out
    assert main(["agreement", str(a), str(tmp_path / "missing")]) == 2


ANNOTATIONS = Path(__file__).resolve().parents[1] / "datasets" / "mosul-2016" / "annotations"
REGENERATE = (
    "claimbench agreement datasets/mosul-2016/annotations/first datasets/mosul-2016/annotations/second "
    "--json datasets/mosul-2016/annotations/agreement.json "
    "--markdown datasets/mosul-2016/annotations/agreement.md"
)


def test_mosul_agreement_report_is_up_to_date() -> None:
    report = compare_datasets(load_dataset(ANNOTATIONS / "first"), load_dataset(ANNOTATIONS / "second"))
    for name, text in (("agreement.json", render_json(report)), ("agreement.md", render_markdown(report))):
        committed = (ANNOTATIONS / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is out of date; regenerate it with `{REGENERATE}`"


def test_mosul_gold_is_the_adjudicated_annotation() -> None:
    """The released claims and relations are what adjudicate.py makes of the two annotations and the
    decisions, and every disagreement of the agreement report has exactly one decision."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("adjudicate", ANNOTATIONS / "adjudicate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claims, relations = module.build()
    gold = ANNOTATIONS.parent
    assert (gold / "claims.jsonl").read_text(encoding="utf-8") == claims, "run adjudicate.py"
    assert (gold / "relations.jsonl").read_text(encoding="utf-8") == relations, "run adjudicate.py"
    report = json.loads((ANNOTATIONS / "agreement.json").read_text(encoding="utf-8"))
    disagreements = {(f["field"], d["item"]) for f in report["fields"] for d in f["disagreements"]}
    decisions = [
        json.loads(line)
        for line in (ANNOTATIONS / "adjudication.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    decided = [(d["field"], d["item"]) for d in decisions if (d["field"], d["item"]) in disagreements]
    assert sorted(decided) == sorted(disagreements)
    assert all(d["reason"].strip() for d in decisions)
