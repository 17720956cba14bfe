"""Inter-annotator agreement: the coefficients against hand computation and published figures, their
properties, matching two independently built datasets, the report and the command."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.cli import main
from claimbench.data.agreement import (
    NONE,
    Pair,
    cohen_kappa,
    compare_datasets,
    field_agreement,
    interval_alpha,
    krippendorff_alpha,
    nominal_statistics,
    observed_agreement,
    positive_agreement,
    render_json,
    render_markdown,
    report_to_json,
)
from claimbench.data.dataset import load_dataset
from tests.conftest import tiny_records, write_records

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
# University of Pennsylvania, section C onwards: 4 observers, 12 units, missing values as None. The paper
# gives alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011(level: str, published: float) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert alpha is not None
    assert round(alpha, 3) == published


def test_hand_computed_two_coder_case() -> None:
    # A: a a b b; B: a b b b. p_o = 3/4; p_e = (2/4)(1/4) + (2/4)(3/4) = 1/2; kappa = (3/4 - 1/2)/(1/2) = 1/2.
    # Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; N = 8, n_a = 3, n_b = 5;
    # alpha = 1 - (N - 1)(o_ab + o_ba) / (N² - n_a² - n_b²) = 1 - 7·2 / (64 - 9 - 25) = 1 - 14/30 = 8/15.
    a, b = ["a", "a", "b", "b"], ["a", "b", "b", "b"]
    assert observed_agreement(a, b) == 0.75
    assert cohen_kappa(a, b) == pytest.approx(0.5)
    assert krippendorff_alpha([a, b]) == pytest.approx(8 / 15)
    f = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(zip(a, b, strict=True))])
    assert f.confusion == ((1, 1), (0, 2))
    assert [(p.a, p.b) for p in f.disagreements] == [("a", "b")]
    stats = nominal_statistics(np.array(f.confusion, dtype=float))
    assert stats["kappa"] == pytest.approx(0.5)
    assert stats["alpha_nominal"] == pytest.approx(8 / 15)


def test_interval_alpha_hand_case() -> None:
    # x = (1, 2, 3), y = (1, 2, 4): D_o sum = 2·1 = 2; values 1,2,3,1,2,4 (N = 6, Σv = 13, Σv² = 35):
    # Σ_{i≠j}(v_i - v_j)² = 2·6·35 - 2·13² = 82; alpha = 1 - 5·2/82 = 1 - 10/82.
    x, y = [1.0, 2.0, 3.0], [1.0, 2.0, 4.0]
    assert krippendorff_alpha([x, y], "interval") == pytest.approx(1 - 10 / 82)
    assert float(interval_alpha(np.array(x), np.array(y))) == pytest.approx(1 - 10 / 82)


def test_undefined_coefficients_are_none() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert krippendorff_alpha([["a", None], [None, "b"]]) is None  # no unit coded twice
    assert positive_agreement([False], [False]) is None
    with pytest.raises(ValueError, match="paired"):
        cohen_kappa(["a"], ["a", "b"])


labels = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(labels)
def test_closed_forms_equal_the_libraries(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    f = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(pairs)], resamples=0)
    stats = nominal_statistics(np.array(f.confusion, dtype=float))
    for name, value in (("kappa", cohen_kappa(a, b)), ("alpha_nominal", krippendorff_alpha([a, b]))):
        if value is None:
            assert math.isnan(float(stats[name]))
        else:
            assert float(stats[name]) == pytest.approx(value, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=2, max_size=30))
def test_interval_closed_form_equals_the_library(pairs: list[tuple[int, int]]) -> None:
    x = [float(p) for p, _ in pairs]
    y = [float(q) for _, q in pairs]
    value = krippendorff_alpha([x, y], "interval")
    mine = float(interval_alpha(np.array(x), np.array(y)))
    if value is None:
        assert math.isnan(mine)
    else:
        assert mine == pytest.approx(value, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(labels)
def test_properties(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    kappa = cohen_kappa(a, b)
    assert kappa == pytest.approx(cohen_kappa(b, a), abs=1e-12)  # symmetric (up to rounding)
    assert krippendorff_alpha([a, b]) == pytest.approx(krippendorff_alpha([b, a]), abs=1e-12)
    observed = observed_agreement(a, b)
    assert observed is not None
    assert 0 <= observed <= 1
    if kappa is not None:
        assert kappa <= 1 + 1e-12
    if len(set(a)) >= 2:  # identical annotations agree perfectly
        assert krippendorff_alpha([a, a]) == pytest.approx(1.0)
        assert cohen_kappa(a, a) == pytest.approx(1.0)
    f_ab = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(pairs)], resamples=0)
    f_ba = field_agreement("x", [Pair(str(i), y, x) for i, (x, y) in enumerate(pairs)], resamples=0)
    assert f_ab.labels == f_ba.labels
    assert f_ab.confusion == tuple(zip(*f_ba.confusion, strict=True))  # swapping transposes the matrix
    assert len(f_ab.disagreements) == round((1 - observed) * len(pairs))


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(3)
    a = [str(x) for x in rng.integers(0, 3, 60)]
    b = [x if rng.random() < 0.7 else str(rng.integers(0, 3)) for x in a]
    pairs = [Pair(str(i), x, y) for i, (x, y) in enumerate(zip(a, b, strict=True))]
    one = field_agreement("x", pairs, seed=1, resamples=500)
    assert one.intervals == field_agreement("x", pairs, seed=1, resamples=500).intervals
    assert one.intervals != field_agreement("x", pairs, seed=2, resamples=500).intervals
    for key in ("observed", "kappa", "alpha_nominal"):
        lo, hi = one.intervals[key] or (math.nan, math.nan)
        assert lo < getattr(one, key) < hi


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
