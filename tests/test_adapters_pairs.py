"""The claim-vs-claim adapters (Emergent, Perspectrum, NLI) on committed samples, and the label mapping."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench import load_dataset
from claimbench.data.adapters import ADAPTERS, emergent, nli, open_dataset, perspectrum
from claimbench.data.adapters._pairs import claim_id, in_dev, normalise, relation_id
from claimbench.data.adapters.labels import LABEL_MAPS, scored_labels
from claimbench.data.dataset import DatasetError
from claimbench.records import STANCE_LABELS

SAMPLE = Path(__file__).parent / "data" / "pairs_sample"
CASES = [
    (
        emergent,
        SAMPLE / "emergent.csv",
        "claimHeadline",
        "articleHeadline",
        "articleHeadlineStance",
        "emergent",
    ),
    (perspectrum, SAMPLE / "perspectrum.csv", "claim", "perspective", "stance", "perspectrum"),
    (nli, SAMPLE / "snli.csv", "sentence1", "sentence2", "label", "nli"),
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("module", "path", "first", "second", "label", "corpus"), CASES)
def test_every_row_becomes_a_claim_vs_claim_relation_with_the_mapped_label(
    module: object, path: Path, first: str, second: str, label: str, corpus: str
) -> None:
    ds = module.load(path)  # type: ignore[attr-defined]
    mapping = LABEL_MAPS[corpus].mapping
    rows = [r for r in _rows(path) if r[label] in mapping]
    assert len(ds.relations) == len({relation_id(corpus, r[first], r[second]) for r in rows})  # repeats once
    for row in rows:
        rel = ds.relations[relation_id(corpus, row[first], row[second])]
        assert rel.other_article_id is None
        assert normalise(ds.claims[rel.claim_id].text) == normalise(row[first])
        assert normalise(ds.claims[str(rel.other_claim_id)].text) == normalise(row[second])
        assert rel.label == mapping[row[label]]
        assert row[label] in str(rel.rationale)
    assert ds.manifest["label_mapping"]["mapping"] == dict(mapping)


def test_label_maps_are_the_documented_ones() -> None:
    assert dict(LABEL_MAPS["emergent"].mapping) == {
        "for": "agree",
        "against": "disagree",
        "observing": "discuss",
    }
    assert dict(LABEL_MAPS["perspectrum"].mapping) == {"SUPPORT": "agree", "UNDERMINE": "disagree"}
    assert dict(LABEL_MAPS["nli"].mapping) == {
        "entailment": "agree",
        "contradiction": "disagree",
        "neutral": "discuss",
    }
    assert LABEL_MAPS["perspectrum"].stance_labels == ("agree", "disagree")
    for labels in LABEL_MAPS.values():
        assert set(labels.mapping.values()) <= set(STANCE_LABELS)


def test_scored_labels_come_from_the_manifest() -> None:
    assert scored_labels(perspectrum.load(SAMPLE / "perspectrum.csv").manifest) == ("agree", "disagree")
    assert scored_labels(nli.load(SAMPLE / "snli.csv").manifest) == ("agree", "disagree", "discuss")
    assert scored_labels({"id": "mosul-2016"}) is None


def test_nli_rows_without_a_majority_label_are_left_out() -> None:
    rows = _rows(SAMPLE / "snli.csv")
    assert sum(r["label"] == "-" for r in rows) == 2
    assert len(nli.load(SAMPLE / "snli.csv").relations) == len(rows) - 2


@pytest.mark.parametrize(("module", "path", "first", "second", "label", "corpus"), CASES)
def test_splits_are_disjoint_by_claim_text_and_have_their_own_checksums(
    module: object, path: Path, first: str, second: str, label: str, corpus: str
) -> None:
    train, dev, whole = (module.load(path, split=s) for s in ("train", "dev", "all"))  # type: ignore[attr-defined]
    first_claims = {
        split: {r.claim_id for r in d.relations.values()} for split, d in (("t", train), ("d", dev))
    }
    assert not first_claims["t"] & first_claims["d"]
    assert len(train.relations) + len(dev.relations) == len(whole.relations)
    assert len({train.checksum, dev.checksum, whole.checksum}) == 3


def test_ids_are_stable_content_hashes_that_differ_across_corpora() -> None:
    assert claim_id("emergent", "A  claim ") == claim_id("emergent", "a claim")
    assert claim_id("emergent", "a claim") != claim_id("nli", "a claim") != claim_id("nli", "a claim", "o")
    assert relation_id("nli", "a", "b") != relation_id("nli", "b", "a")
    assert (
        emergent.load(SAMPLE / "emergent.csv").relations == emergent.load(SAMPLE / "emergent.csv").relations
    )


@given(st.text(max_size=40), st.text(max_size=40))
def test_normalisation_ignores_case_and_spacing_only(a: str, b: str) -> None:
    assert normalise(f"  {a}  ") == normalise(a)
    if normalise(a) != normalise(b):
        assert claim_id("x", a) != claim_id("x", b)
    assert in_dev(a, 0) is False
    assert in_dev(a, 100) is True


def test_repeated_pairs_are_kept_once_and_conflicting_ones_left_out(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        "claim_id,claim,perspective_id,perspective,stance\n"
        "1,Cats are good,1,They purr,SUPPORT\n"
        "1,Cats  are good,2,they purr,SUPPORT\n"
        "1,Cats are good,3,They scratch,SUPPORT\n"
        "1,Cats are good,4,They scratch,UNDERMINE\n",
        encoding="utf-8",
    )
    ds = perspectrum.load(path)
    assert [r.label for r in ds.relations.values()] == ["agree"]
    assert "1 repeated pair(s)" in ds.manifest["description"]
    assert "2 row(s) of pairs with conflicting labels" in ds.manifest["description"]


def test_every_bad_row_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "pairID,sentence1,sentence2,label\n1,A man sleeps.,,entailment\n2,A dog runs.,A cat runs.,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as info:
        nli.load(path)
    shown = [str(p) for p in info.value.problems]
    assert shown == [
        f"{path}:2: $.sentence2: empty text",
        f"{path}:3: $.label: label 'maybe' not in entailment, contradiction, neutral",
    ]
    missing = tmp_path / "missing.csv"
    missing.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="missing column"):
        emergent.load(missing)
    with pytest.raises(FileNotFoundError):
        emergent.load(tmp_path / "none.csv")
    with pytest.raises(ValueError, match="split"):
        emergent.load(SAMPLE / "emergent.csv", split="test")


def test_adapters_are_registered_for_specs() -> None:
    for name in ("emergent", "perspectrum", "nli"):
        _, required, optional = ADAPTERS[name]
        assert required == {"pairs"}
        assert optional == {"split"}
    ds = open_dataset(None, "emergent", {"pairs": str(SAMPLE / "emergent.csv"), "split": "dev"})
    assert ds.id == "emergent-emergent-dev"


@pytest.mark.parametrize("fmt", ["emergent", "perspectrum", "nli"])
def test_convert_writes_a_dataset_that_validates(tmp_path: Path, fmt: str) -> None:
    path = {"emergent": "emergent.csv", "perspectrum": "perspectrum.csv", "nli": "snli.csv"}[fmt]
    out = tmp_path / fmt
    result = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "convert", fmt, "--pairs", str(SAMPLE / path),
         "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    again = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "validate", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stdout
    assert load_dataset(out).relations == open_dataset(None, fmt, {"pairs": str(SAMPLE / path)}).relations


def test_convert_without_pairs_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "convert", "nli", "--out", str(tmp_path / "x")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--pairs" in result.stderr


def test_macro_f1_is_over_the_labels_the_dataset_has() -> None:
    """Perspectrum has agree and disagree only: macro-F1 is their mean, not diluted by discuss/unrelated."""
    import numpy as np

    from claimbench.records import Verdict
    from claimbench.run.cache import CacheScope
    from claimbench.run.spec import BootstrapSpec
    from claimbench.run.streaming import Finish
    from claimbench.scoring.tables import Collect, Compact

    ds = perspectrum.load(SAMPLE / "perspectrum.csv")
    items = ds.items("source_agreement")
    ids, gold = [i.id for i in items], [str(i.label) for i in items]
    clusters = [ds.cluster_of(i) for i in items]
    collect = Collect(ds.id, "source_agreement", ds.manifest)
    collect.add(gold, clusters)
    table = collect.table(BootstrapSpec(resamples=20), 0)
    assert table.scored == (0, 1)
    finish = Finish(ds.id, "source_agreement", "c", CacheScope(ds.checksum, "c", "1", {}), held=True)

    def compact(verdicts: list[Verdict]) -> Compact:
        done = finish.reduce(ids, gold, clusters, verdicts, cached=True)
        return Compact(np.frombuffer(done.codes, dtype=np.int8), np.frombuffer(done.scores, dtype=np.float64))

    perfect = [
        Verdict(item_id=i.id, checker="c", checker_version="1", label=i.label, score=1.0) for i in items
    ]
    scores = table.score("c", compact(perfect))
    assert scores.metrics["macro_f1"].value == 1.0  # over all four labels it would be 0.5
    assert scores.per_label["discuss"].f1 == 0.0
    flipped = [
        Verdict(item_id=i.id, checker="c", checker_version="1", label="discuss", score=1.0) for i in items
    ]
    assert table.score("c", compact(flipped)).metrics["macro_f1"].value == 0.0


def test_mean_over_datasets_weights_each_dataset_once() -> None:
    from claimbench.report.markdown import mean_over_datasets, render_markdown
    from tests.report_fixtures import sample_report, scores_from_confusion

    labels = ("agree", "disagree")
    rows = [
        scores_from_confusion("big", "source_agreement", "m", labels, [[90, 0], [0, 10]]),
        scores_from_confusion("small", "source_agreement", "m", labels, [[1, 1], [1, 1]]),
    ]
    table = mean_over_datasets(rows)
    assert table["source_agreement"]["m"]["mean"] == pytest.approx((1.0 + 0.5) / 2)
    assert mean_over_datasets(rows[:1]) == {}
    from dataclasses import replace

    text = render_markdown(replace(sample_report(), scores=tuple(rows)))
    assert "## Macro-F1 by dataset · source_agreement" in text


def test_a_spec_with_the_adapters_runs_fits_and_writes_a_valid_report(tmp_path: Path) -> None:
    """Adapters in ``[[datasets]]`` and ``fit_on``; the report (schema-checked) names the mapping."""
    from claimbench.report.json import write_report
    from claimbench.run.runner import run
    from claimbench.run.spec import load_spec

    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        f"""
name = "pairs"
output = "{tmp_path / "out"}"
[bootstrap]
resamples = 20
[[datasets]]
adapter = "emergent"
pairs = "{SAMPLE / "emergent.csv"}"
split = "dev"
[[datasets]]
adapter = "perspectrum"
pairs = "{SAMPLE / "perspectrum.csv"}"
[[checkers]]
name = "claim-stance"
label = "fitted"
params = {{ model_params = {{ hash_features = 1024 }} }}
fit_on = {{ adapter = "emergent", pairs = "{SAMPLE / "emergent.csv"}", split = "train" }}
[[checkers]]
name = "majority-baseline"
params = {{ task = "source_agreement" }}
""",
        encoding="utf-8",
    )
    report = run(load_spec(spec_file), progress=False, use_cache=False)
    write_report(report, tmp_path / "out")
    mappings = {d.id: d.label_mapping for d in report.datasets}
    assert "SUPPORT→agree" in str(mappings["perspectrum-perspectrum"])
    assert "macro-F1 over agree, disagree" in str(mappings["perspectrum-perspectrum"])
    assert {s.checker for s in report.scores} == {"fitted", "majority-baseline"}
    assert (tmp_path / "out" / "report.json").is_file()
