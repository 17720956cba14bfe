"""Record schema 1.1.0: its new fields load and are checked, 1.0.0 data still loads and migrates, and a
dataset made for a newer schema is refused with a clear message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench.cli import main
from claimbench.data.dataset import DatasetError, load_dataset, open_stream
from claimbench.data.migrate import migrate_claim, migrate_dataset, time_qualifier
from claimbench.data.schema import SCHEMA_VERSION
from claimbench.data.write import update_manifest
from claimbench.records import TIME_QUALIFIERS, claim_from_json, to_json
from tests.conftest import tiny_records, write_records

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"


def _with(records: dict[str, list[dict[str, Any]]], tmp_path: Path, name: str = "d") -> Path:
    return write_records(tmp_path / name, records)


def _chain(records: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    claim = records["claims"][0]
    newspaper = {"source_id": "gazette", "speaker": "Example Gazette", "speaker_type": "newspaper"}
    claim["attributions"] = [newspaper, dict(claim["attribution"])]
    claim["numeric_consistency"]["other_claim_ids"] = ["c2"]
    claim["times"][0]["qualifier"] = "before"
    claim["quantities"][0]["qualifier"] = "more_than"
    return claim


def test_new_fields_load_and_round_trip(tmp_path: Path) -> None:
    records = tiny_records()
    _chain(records)
    ds = load_dataset(_with(records, tmp_path))
    claim = ds.claims["c1"]
    assert [a.source_id for a in claim.reporting_chain] == ["gazette", "council"]
    assert claim.attribution == claim.attributions[-1]
    assert claim.numeric_consistency is not None
    assert claim.numeric_consistency.other_claim_ids == ("c2",)
    assert claim.times[0].qualifier == "before"
    assert claim.quantities[0].qualifier == "more_than"
    assert claim_from_json(to_json(claim)) == claim
    assert ds.claims["c2"].reporting_chain == (ds.claims["c2"].attribution,)
    assert "attributions" not in to_json(ds.claims["c2"])  # empty new fields stay out, as in 1.0.0 files
    assert "other_claim_ids" not in to_json(ds.claims["c2"])["numeric_consistency"]
    open_stream(ds.path)  # the streaming validator accepts it too


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda c: c["attributions"][-1].update(source_id="someone-else"),
            "$.attributions[1]",
            "must equal `attribution`",
        ),
        (lambda c: c["numeric_consistency"].update(other_claim_ids=["c9"]), "other_claim_ids[0]", "no claim"),
        (lambda c: c["numeric_consistency"].update(other_claim_ids=["c1"]), "other_claim_ids[0]", "another"),
        (
            lambda c: c["attributions"][0].update(speaker_span=[0, 10_000]),
            "$.attributions[0].speaker_span",
            "outside",
        ),
        (lambda c: c["times"][0].update(qualifier="sometime"), "$.times[0].qualifier", "is not one of"),
    ],
)
def test_new_fields_are_checked(tmp_path: Path, change: Any, path: str, message: str) -> None:
    records = tiny_records()
    change(_chain(records))
    root = _with(records, tmp_path)
    for load in (load_dataset, open_stream):
        with pytest.raises(DatasetError) as info:
            load(root)
        assert any(path in p.path and message in p.message for p in info.value.problems), info.value


def test_anchored_durations_are_time_values(tmp_path: Path) -> None:
    records = tiny_records()
    records["claims"][0]["times"][0].update(value="P2M/2020-03-02", kind="duration")
    load_dataset(_with(records, tmp_path, "a"))
    records["claims"][0]["times"][0].update(value="2020-02-31/P2W")
    with pytest.raises(DatasetError, match="not a valid calendar date"):
        load_dataset(_with(records, tmp_path, "b"))


def test_a_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    root = _with(tiny_records(), tmp_path)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = "2.0.0"
    update_manifest(root, manifest)
    for load in (load_dataset, open_stream):
        with pytest.raises(DatasetError, match=r"schema 2\.0\.0, which this claimbench cannot read"):
            load(root)


def test_1_0_0_data_loads_as_it_is(tmp_path: Path) -> None:
    records = tiny_records()
    assert "qualifier" not in records["claims"][0]["times"][0]  # the fixture is 1.0.0 data
    ds = load_dataset(_with(records, tmp_path))
    assert "schema_version" not in ds.manifest
    assert ds.claims["c1"].times[0].qualifier == "exact"
    assert ds.claims["c1"].attributions == ()


def test_migrate_claim_by_trigger_words() -> None:
    text = "More than 77 square miles (200 square km) and up to 8,000 fighters, fewer than 40 tanks"
    span = lambda part: [text.index(part), text.index(part) + len(part)]  # noqa: E731
    record = {
        "id": "x",
        "text": text,
        "quantities": [
            {
                "span": span("77 square miles"),
                "text": "77 square miles",
                "value": 77,
                "unit": "mile ** 2",
                "qualifier": "at_least",
            },
            {
                "span": span("200 square km"),
                "text": "200 square km",
                "value": 200,
                "unit": "kilometer ** 2",
                "qualifier": "at_least",
            },
            {
                "span": span("8,000"),
                "text": "8,000",
                "value": 8000,
                "unit": "dimensionless",
                "qualifier": "at_most",
            },
            {"span": span("40"), "text": "40", "value": 40, "unit": "dimensionless", "qualifier": "at_most"},
        ],
        "times": [{"span": [0, 4], "text": "More", "value": "P2Y", "kind": "duration"}],
    }
    new, changes = migrate_claim(record, text)
    assert [q["qualifier"] for q in new["quantities"]] == ["more_than", "more_than", "at_most", "less_than"]
    assert record["quantities"][0]["qualifier"] == "at_least"  # the input is not modified
    assert new["times"][0]["qualifier"] == "exact"
    assert len(changes) == 4
    alone, _ = migrate_claim(record)  # without the article text nothing is guessed about quantities
    assert [q["qualifier"] for q in alone["quantities"]] == ["at_least", "at_least", "at_most", "at_most"]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("more than two years", "more_than"),
        ("within the next two weeks", "at_most"),
        ("before dawn", "before"),
        ("after Monday", "after"),
        ("about a week", "approximate"),
        ("the first 24 hours", "exact"),
        ("Monday", "exact"),
        ("overnight", "exact"),  # "over" must be a word of its own
    ],
)
def test_time_qualifier(text: str, qualifier: str) -> None:
    assert time_qualifier(text) == qualifier


@given(st.text(max_size=30))
def test_time_qualifier_is_always_a_schema_value(text: str) -> None:
    assert time_qualifier(text) in TIME_QUALIFIERS


def test_migrate_dataset_upgrades_mosul_1_0_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = MOSUL / "annotations" / "first" if (MOSUL / "annotations" / "first").is_dir() else MOSUL
    root = tmp_path / "m"
    shutil.copytree(source, root)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("schema_version") == SCHEMA_VERSION:  # make it 1.0.0 again: drop what 1.1.0 added
        lines = []
        for raw in (root / "claims.jsonl").read_text(encoding="utf-8").splitlines():
            claim = json.loads(raw)
            claim.pop("attributions", None)
            (claim.get("numeric_consistency") or {}).pop("other_claim_ids", None)
            for t in claim.get("times", []):
                t.pop("qualifier", None)
            for q in claim.get("quantities", []):
                q["qualifier"] = {"more_than": "at_least", "less_than": "at_most"}.get(
                    q["qualifier"], q["qualifier"]
                )
            lines.append(json.dumps(claim, ensure_ascii=False) + "\n")
        (root / "claims.jsonl").write_text("".join(lines), encoding="utf-8")
        del manifest["schema_version"]
        update_manifest(root, manifest)
    old = load_dataset(root)
    assert main(["migrate", str(root)]) == 0
    out = capsys.readouterr().out
    assert "mosul-c28: $.quantities[0].qualifier: 'at_least' -> 'more_than'" in out
    new = load_dataset(root)
    assert new.manifest["schema_version"] == SCHEMA_VERSION
    assert new.claims["mosul-c41"].times[0].qualifier == "at_most"
    assert new.claims["mosul-c26"].times[0].qualifier == "before"
    assert new.claims["mosul-c09"].quantities[1].qualifier == "more_than"  # the bracketed conversion
    for cid, claim in old.claims.items():  # nothing else changed
        assert claim.text == new.claims[cid].text
        assert claim.attribution == new.claims[cid].attribution
        assert claim.numeric_consistency == new.claims[cid].numeric_consistency
    assert migrate_dataset(root) == []  # idempotent
    assert main(["migrate", str(tmp_path / "missing")]) == 2  # a path that is no dataset: the command line
