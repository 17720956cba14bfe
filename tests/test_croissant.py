"""Croissant 1.0 metadata: generated from the data, kept in sync on disk, and valid.

Validity is checked twice: against the Croissant 1.0 specification's required properties by
:func:`claimbench.publish.croissant.croissant_problems` (always), and by loading the file with MLCommons'
reference implementation ``mlcroissant`` and generating every record from it (when it is installed; it is a
dev extra and works offline).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from claimbench._io import sha256_file
from claimbench.cli import main
from claimbench.data.dataset import load_dataset
from claimbench.data.write import update_manifest
from claimbench.publish.croissant import (
    CONFORMS_TO,
    CONTEXT,
    build_croissant,
    croissant_problems,
    render_croissant,
    write_croissant,
)

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"
URL_MISSING = "$: missing required property 'url'"


@pytest.fixture
def published_tiny(tiny_dataset: Path) -> Path:
    """The tiny dataset with a citation URL, as a published dataset has."""
    manifest = json.loads((tiny_dataset / "manifest.json").read_text(encoding="utf-8"))
    manifest["citation"]["url"] = "https://example.org/tiny"
    update_manifest(tiny_dataset, manifest)
    return tiny_dataset


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_mosul_croissant_json_is_up_to_date() -> None:
    expected = render_croissant(load_dataset(MOSUL))
    on_disk = (MOSUL / "croissant.json").read_text(encoding="utf-8")
    assert on_disk == expected, "croissant.json is stale: run `claimbench croissant mosul-2016 --write`"


def test_mosul_croissant_meets_the_specification() -> None:
    doc = json.loads((MOSUL / "croissant.json").read_text(encoding="utf-8"))
    problems = croissant_problems(doc)
    assert [p for p in problems if p != URL_MISSING] == []
    citation = load_dataset(MOSUL).manifest["citation"]
    if URL_MISSING in problems:
        assert "url" not in citation
        assert "doi" not in citation
        pytest.skip(
            "Croissant 1.0 requires `url`, and mosul-2016's manifest has no citation.url or citation.doi "
            "yet: add one when the dataset is published (then regenerate croissant.json)"
        )


def test_tiny_croissant_meets_the_specification(published_tiny: Path) -> None:
    doc = build_croissant(load_dataset(published_tiny))
    assert croissant_problems(doc) == []
    assert doc["@context"] == dict(CONTEXT)
    assert doc["@type"] == "sc:Dataset"
    assert doc["conformsTo"] == CONFORMS_TO
    assert doc["url"] == "https://example.org/tiny"
    assert doc["license"][0] == "https://spdx.org/licenses/CC0-1.0.html"
    assert doc["citeAs"].startswith("@misc{tiny_v1_0_0,")


def test_file_objects_point_at_the_files_with_their_checksums() -> None:
    doc = json.loads((MOSUL / "croissant.json").read_text(encoding="utf-8"))
    ds = load_dataset(MOSUL)
    assert doc["version"] == ds.version
    objects = {o["@id"]: o for o in doc["distribution"]}
    assert set(objects) == {e["path"] for e in ds.manifest["files"].values()}
    for name, obj in objects.items():
        path = MOSUL / obj["contentUrl"]
        assert obj["encodingFormat"] == "application/jsonlines"
        assert obj["sha256"] == sha256_file(path)
        assert obj["contentSize"] == f"{path.stat().st_size} B", name


def test_record_sets_describe_every_key_in_the_data() -> None:
    doc = json.loads((MOSUL / "croissant.json").read_text(encoding="utf-8"))
    for record_set in doc["recordSet"]:
        key = record_set["@id"]
        records = _records(MOSUL / f"{key}.jsonl")
        names = {f["name"] for f in record_set["field"]}
        assert names == {k for r in records for k in r}, key
        assert record_set["key"] == {"@id": f"{key}/id"}
        for field in record_set["field"]:
            if "source" in field:
                assert field["source"]["fileObject"] == {"@id": f"{key}.jsonl"}
                assert field["source"]["extract"] == {"column": field["name"]}


def test_problems_are_found() -> None:
    doc = json.loads((MOSUL / "croissant.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(doc)
    for prop in ("name", "license", "conformsTo"):
        del broken[prop]
    broken["@context"]["cr"] = "http://example.org/"
    broken["distribution"][0]["sha256"] = "abc"
    broken["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "missing.jsonl"
    del broken["recordSet"][0]["field"][1]["dataType"]
    problems = "\n".join(croissant_problems(broken))
    for expected in (
        "missing required property 'name'",
        "missing required property 'license'",
        "missing required property 'conformsTo'",
        "$.@context: 'cr'",
        "$.distribution[0].sha256: not a SHA-256",
        "'missing.jsonl' is not in the distribution",
        "missing dataType",
    ):
        assert expected in problems


def test_cli_croissant(published_tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["croissant", str(published_tiny), "--check"]) == 1
    assert main(["croissant", str(published_tiny), "--write"]) == 0
    assert main(["croissant", str(published_tiny), "--check"]) == 0
    capsys.readouterr()
    assert main(["croissant", str(published_tiny)]) == 0
    assert capsys.readouterr().out == (published_tiny / "croissant.json").read_text(encoding="utf-8")
    assert main(["croissant", "mosul-2016", "--check"]) == 0


def test_missing_url_is_a_warning(tiny_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["croissant", str(tiny_dataset), "--write"]) == 0
    assert "missing required property 'url'" in capsys.readouterr().err


# --- mlcroissant, the reference implementation --------------------------------------------------------


def _mlcroissant() -> Any:
    return pytest.importorskip(
        "mlcroissant", reason="mlcroissant (a dev extra: pip install -e '.[dev]') is the reference validator"
    )


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_mlcroissant_loads_mosul_and_generates_the_same_records() -> None:
    mlc = _mlcroissant()
    dataset = mlc.Dataset(jsonld=str(MOSUL / "croissant.json"))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    assert not issues.warnings
    for key in ("claims", "relations", "articles"):
        expected = _records(MOSUL / f"{key}.jsonl")
        got = list(dataset.records(key))
        assert [_text(r[f"{key}/id"]) for r in got] == [r["id"] for r in expected]
        for record, source in zip(got, expected, strict=True):
            for name in ("text", "span", "claim_id", "other_claim_id", "label", "title"):
                if name in source:
                    assert _text(record[f"{key}/{name}"]) == source[name], (key, source["id"], name)
            if key == "claims":
                label = record["claims/numeric_consistency"]["claims/numeric_consistency/label"]
                assert _text(label) == source["numeric_consistency"]["label"]
                values = [q["claims/quantities/value"] for q in record["claims/quantities"]]
                assert values == [q["value"] for q in source["quantities"]]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_mlcroissant_accepts_the_tiny_dataset(published_tiny: Path) -> None:
    mlc = _mlcroissant()
    path = write_croissant(load_dataset(published_tiny))
    dataset = mlc.Dataset(jsonld=str(path))
    assert not dataset.metadata.ctx.issues.errors
    assert [_text(r["claims/id"]) for r in dataset.records("claims")] == ["c1", "c2"]


def test_context_is_the_reference_implementations() -> None:
    _mlcroissant()
    from mlcroissant._src.core.rdf import make_context

    assert make_context() == dict(CONTEXT)
