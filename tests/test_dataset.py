"""Dataset loading and the semantic checks (dataset.py), including property-based breakage tests."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench import Claim, DatasetError, load_dataset, validate_dataset
from claimbench.data.dataset import data_checksum, open_stream, read_manifest_text
from claimbench.data.layout import MAX_FILE_BYTES_ENV
from claimbench.data.write import update_manifest, write_dataset
from claimbench.records import NUMERIC_CONSISTENCY, SOURCE_AGREEMENT, cluster_of
from claimbench.text.quantities import unit_registry
from tests.conftest import tiny_records, write_records

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p.parent for p in (ROOT / "datasets").glob("*/manifest.json"))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_tiny_dataset_loads_as_frozen_records(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    assert (ds.id, ds.version) == ("tiny", "1.0.0")
    claim = ds.claims["c1"]
    assert isinstance(claim, Claim)
    assert claim.quantities[1].unit == "foot"
    with pytest.raises(AttributeError):
        claim.text = "changed"  # type: ignore[misc]
    assert [c.id for c in ds.items(NUMERIC_CONSISTENCY)] == ["c1", "c2"]
    assert [r.id for r in ds.items(SOURCE_AGREEMENT)] == ["r1"]
    assert ds.cluster_of(ds.relations["r1"]) == "a1"
    assert ds.context().claims_in("a1") == (ds.claims["c1"], ds.claims["c2"])


def test_to_frame_tables(tiny_dataset: Path) -> None:
    ds = load_dataset(tiny_dataset)
    claims = ds.to_frame()
    assert list(claims["id"]) == ["c1", "c2"]
    assert list(claims["source_id"]) == ["council", "residents"]
    assert list(claims["numeric_consistency"]) == ["consistent", "not_applicable"]
    quantities = ds.to_frame("quantities")
    assert list(quantities["unit"]) == ["meter", "foot"]
    assert len(ds.to_frame("relations")) == 1
    assert ds.to_frame("articles").loc[0, "publisher"] == "Example Gazette"


def test_checksum_changes_with_the_data(tiny_dataset: Path) -> None:
    before = load_dataset(tiny_dataset).checksum
    records = tiny_records()
    records["claims"][1]["numeric_consistency"]["rationale"] = "Nothing to compute."
    write_records(tiny_dataset, records)
    assert load_dataset(tiny_dataset).checksum != before


def test_write_dataset_round_trips(tiny_dataset: Path, tmp_path: Path) -> None:
    ds = load_dataset(tiny_dataset)
    manifest = {k: v for k, v in ds.manifest.items() if k not in ("files", "counts")}
    out = tmp_path / "copy"
    write_dataset(
        out,
        manifest=manifest,
        articles=ds.articles.values(),
        claims=ds.claims.values(),
        relations=ds.relations.values(),
    )
    again = load_dataset(out)
    assert again.claims == ds.claims
    assert again.relations == ds.relations
    assert again.articles == ds.articles


def _problems(root: Path) -> list[tuple[str, int, str]]:
    dataset, problems = validate_dataset(root)
    assert dataset is None
    return [(Path(p.file).name, p.line, p.path) for p in problems]


def _break(tmp_path: Path, mutate: Any) -> Path:
    records = tiny_records()
    mutate(records)
    return write_records(tmp_path / "broken", records)


CLAIM_REQUIRED = ["id", "text"]
QUANTITY_REQUIRED = ["span", "text", "value", "unit", "qualifier"]


@FUZZ
@given(index=st.integers(0, 1), field=st.sampled_from(CLAIM_REQUIRED))
def test_dropping_a_required_claim_field_names_line_and_path(tmp_path: Path, index: int, field: str) -> None:
    def mutate(r: dict[str, Any]) -> None:
        del r["claims"][index][field]

    assert ("claims.jsonl", index + 1, f"$.{field}") in _problems(_break(tmp_path, mutate))


@FUZZ
@given(q=st.integers(0, 1), field=st.sampled_from(QUANTITY_REQUIRED))
def test_dropping_a_quantity_field_names_its_path(tmp_path: Path, q: int, field: str) -> None:
    def mutate(r: dict[str, Any]) -> None:
        del r["claims"][0]["quantities"][q][field]

    assert _problems(_break(tmp_path, mutate)) == [("claims.jsonl", 1, f"$.quantities[{q}].{field}")]


@FUZZ
@given(index=st.integers(0, 1), shift=st.integers(-5, 5).filter(lambda s: s != 0))
def test_shifted_claim_span_is_reported(tmp_path: Path, index: int, shift: int) -> None:
    def mutate(r: dict[str, Any]) -> None:
        span = r["claims"][index]["span"]
        r["claims"][index]["span"] = [max(0, span[0] + shift), max(0, span[1] + shift)]

    problems = _problems(_break(tmp_path, mutate))
    assert ("claims.jsonl", index + 1, "$.span") in problems


@FUZZ
@given(
    field=st.sampled_from(["text", "section", "check_worthiness", "span"]),
    value=st.one_of(st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=1)),
)
def test_wrong_type_is_reported_at_its_path(tmp_path: Path, field: str, value: object) -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["claims"][1][field] = value

    assert ("claims.jsonl", 2, f"$.{field}") in _problems(_break(tmp_path, mutate))


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["claims"][1]["id"] = "c1"

    root = _break(tmp_path, mutate)
    _, problems = validate_dataset(root)
    assert [str(p).split(": ", 1)[1] for p in problems if p.path == "$.id"] == [
        "$.id: duplicate id 'c1' (first on line 1)"
    ]


@FUZZ
@given(field=st.sampled_from(["claim_id", "other_claim_id"]), target=st.text(min_size=1, max_size=8))
def test_dangling_relation_is_reported(tmp_path: Path, field: str, target: str) -> None:
    if target in ("c1", "c2"):
        target = target + "x"

    def mutate(r: dict[str, Any]) -> None:
        r["relations"][0][field] = target

    assert ("relations.jsonl", 1, f"$.{field}") in _problems(_break(tmp_path, mutate))


def test_relation_between_same_source_is_reported(tmp_path: Path) -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["claims"][1]["attribution"]["source_id"] = "council"

    assert _problems(_break(tmp_path, mutate)) == [("relations.jsonl", 1, "$.other_claim_id")]


@FUZZ
@given(line=st.integers(0, 1), position=st.integers(0, 30), byte=st.sampled_from([b"\xff", b"\xc3", b"\x80"]))
def test_bad_utf8_names_its_line(tmp_path: Path, line: int, position: int, byte: bytes) -> None:
    root = write_records(tmp_path / "utf8", tiny_records())
    path = root / "claims.jsonl"
    lines = path.read_bytes().split(b"\n")
    lines[line] = lines[line][:position] + byte + lines[line][position:]
    path.write_bytes(b"\n".join(lines))
    update_manifest(root)
    problems = validate_dataset(root)[1]
    assert any(p.line == line + 1 and "UTF-8" in p.message for p in problems)


def test_quantity_outside_claim_and_bad_unit(tmp_path: Path) -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["claims"][0]["quantities"][0]["span"] = [0, 6]
        r["claims"][0]["quantities"][0]["text"] = "Bridge"
        r["claims"][0]["quantities"][1]["unit"] = "furlongz"

    assert _problems(_break(tmp_path, mutate)) == [
        ("claims.jsonl", 1, "$.quantities[0].span"),
        ("claims.jsonl", 1, "$.quantities[1].unit"),
    ]


def test_checksum_and_count_mismatch(tiny_dataset: Path) -> None:
    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    manifest["counts"]["claims"] = 3
    (tiny_dataset / "manifest.json").write_text(json.dumps(manifest, indent=2))
    with (tiny_dataset / "relations.jsonl").open("a") as handle:
        handle.write("")
    (tiny_dataset / "articles.jsonl").write_text((tiny_dataset / "articles.jsonl").read_text() + "\n")
    problems = _problems(tiny_dataset)
    assert ("manifest.json", 0, "$.counts.claims") in problems
    assert ("manifest.json", 0, "$.files.articles.sha256") in problems
    assert ("articles.jsonl", 2, "$") in problems


def test_missing_files_and_directories(tmp_path: Path, tiny_dataset: Path) -> None:
    assert _problems(tmp_path / "nowhere") == [("nowhere", 0, "$")]
    (tiny_dataset / "claims.jsonl").unlink()
    problems = _problems(tiny_dataset)
    assert ("claims.jsonl", 0, "$") in problems


def test_load_dataset_raises_one_exception_listing_everything(tmp_path: Path) -> None:
    def mutate(r: dict[str, Any]) -> None:
        del r["claims"][0]["text"]
        r["relations"][0]["label"] = "maybe"

    root = _break(tmp_path, mutate)
    with pytest.raises(DatasetError) as info:
        load_dataset(root)
    message = str(info.value)
    assert "claims.jsonl:1: $.text: required property is missing" in message
    assert "relations.jsonl:1: $.label:" in message
    assert len(info.value.problems) >= 2


def test_problems_are_sorted(tmp_path: Path) -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["claims"][1]["section"] = "footer"
        r["claims"][0]["section"] = "sidebar"

    _, problems = validate_dataset(_break(tmp_path, mutate))
    assert problems == sorted(problems)
    assert [p.line for p in problems] == [1, 2]


@pytest.mark.parametrize("root", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_datasets_validate(root: Path) -> None:
    dataset, problems = validate_dataset(root)
    assert [str(p) for p in problems] == []
    assert dataset is not None


def test_deepcopy_of_records_is_unaffected() -> None:
    records = tiny_records()
    clone = copy.deepcopy(records)
    assert records == clone


# -- data paths stay inside the dataset directory (issue 15, item 9) --------------------------------


def _point(root: Path, key: str, path: str) -> None:
    """Make the manifest of ``root`` name ``path`` as the ``key`` file (checksum unchanged)."""
    manifest_path = root / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][key]["path"] = path
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _path_problems(root: Path) -> list[str]:
    """Every problem, ``file:line: $.path: message`` with the file's name only; also raised by open_stream."""
    dataset, problems = validate_dataset(root)
    assert dataset is None
    with pytest.raises(DatasetError) as raised:
        open_stream(root)
    assert [str(p) for p in raised.value.problems] == [str(p) for p in problems]
    return [f"{Path(p.file).name}:{p.line}: {p.path}: {p.message}" for p in problems]


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "sub/../../outside.jsonl"])  # "/x": schema
def test_a_data_path_outside_the_dataset_directory_is_refused_unread(tiny_dataset: Path, path: str) -> None:
    _point(tiny_dataset, "claims", path)
    (problem,) = _path_problems(tiny_dataset)  # only this: nothing was read from it
    line = next(
        i + 1
        for i, text in enumerate((tiny_dataset / "manifest.json").read_text().splitlines())
        if path in text
    )
    assert problem.startswith(
        f"manifest.json:{line}: $.files.claims.path: resolves outside the dataset directory"
    )


def test_a_symlink_leaving_the_dataset_directory_is_refused(tiny_dataset: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jsonl"
    (tiny_dataset / "claims.jsonl").rename(outside)
    (tiny_dataset / "claims.jsonl").symlink_to(outside)
    (problem,) = _path_problems(tiny_dataset)
    assert ": $.files.claims.path: resolves outside the dataset directory" in problem


def test_a_symlink_to_dev_zero_is_refused_at_once(tiny_dataset: Path) -> None:
    """This made `claimbench validate` read forever; it is checked in a subprocess with a time limit."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (tiny_dataset / "claims.jsonl").unlink()
    (tiny_dataset / "claims.jsonl").symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "validate", str(tiny_dataset)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert (
        "$.files.claims.path: resolves outside the dataset directory (to /dev/zero)"
        in done.stdout + done.stderr
    )


def test_a_symlink_inside_the_dataset_directory_is_followed(tiny_dataset: Path) -> None:
    (tiny_dataset / "data").mkdir()
    (tiny_dataset / "claims.jsonl").rename(tiny_dataset / "data" / "claims.jsonl")
    (tiny_dataset / "claims.jsonl").symlink_to(Path("data") / "claims.jsonl")
    assert len(load_dataset(tiny_dataset).claims) == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_data_file_that_is_not_a_regular_file_is_refused(tiny_dataset: Path) -> None:
    (tiny_dataset / "claims.jsonl").unlink()
    os.mkfifo(tiny_dataset / "claims.jsonl")  # reading it would block for ever
    (problem,) = _path_problems(tiny_dataset)
    assert problem.endswith("$.files.claims.path: is not a regular file (a directory, device or pipe)")


def test_a_manifest_that_is_not_a_regular_file_is_refused(tiny_dataset: Path) -> None:
    (tiny_dataset / "manifest.json").unlink()
    (tiny_dataset / "manifest.json").mkdir()
    (problem,) = _path_problems(tiny_dataset)
    assert problem == "manifest.json:0: $: is not a regular file (a directory, device or pipe)"
    with pytest.raises(OSError, match="not a regular file"):
        read_manifest_text(tiny_dataset)


def test_data_files_over_the_size_limit_are_refused(
    tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = (tiny_dataset / "articles.jsonl").stat().st_size
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, str(size - 1))
    problems = _path_problems(tiny_dataset)
    assert any(
        p.endswith(
            f"$.files.articles.path: is {size} bytes, more than the limit of {size - 1} bytes "
            f"(set {MAX_FILE_BYTES_ENV} to raise it)"
        )
        for p in problems
    )
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, str(10 * size))
    assert len(load_dataset(tiny_dataset).claims) == 2
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "lots")
    assert _path_problems(tiny_dataset) == [
        f"manifest.json:0: $.files: {MAX_FILE_BYTES_ENV}='lots' is not a positive whole number of bytes"
    ]


@pytest.mark.parametrize("unit", ["USD", "EUR", "USD / day"])
def test_a_unit_the_numeric_checker_reads_is_valid(tmp_path: Path, unit: str) -> None:
    """Validation asks the numeric checker's own unit registry, currencies included (once refused)."""
    records = tiny_records()
    records["claims"][0]["quantities"][1]["unit"] = unit
    dataset, problems = validate_dataset(write_records(tmp_path / "money", records))
    assert problems == []
    assert dataset is not None
    assert unit_registry().parse_units(unit) is not None


def test_validation_and_the_numeric_checker_share_one_unit_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit the checker's registry refuses is refused by validation: there is no second registry."""
    from claimbench.data import validate as validate_module

    class Refusing:
        def parse_units(self, unit: str) -> None:
            raise ValueError(unit)

    validate_module._unit_problem.cache_clear()
    monkeypatch.setattr("claimbench.text.quantities.unit_registry", lambda: Refusing())
    try:
        assert "not a unit pint understands" in (validate_module._unit_problem("meter") or "")
    finally:
        validate_module._unit_problem.cache_clear()


def test_one_checksum_and_one_cluster_rule(tiny_dataset: Path) -> None:
    whole = load_dataset(tiny_dataset)
    streamed = open_stream(tiny_dataset)
    assert whole.checksum == streamed.checksum == data_checksum(whole.manifest["files"])
    assert cluster_of("r1", "a1", "a2") == "a2"
    assert cluster_of("c1", "a1") == "a1"
    assert cluster_of("c1", None) == "c1"
    for task in (NUMERIC_CONSISTENCY, SOURCE_AGREEMENT):
        items = whole.items(task)
        assert [whole.cluster_of(i) for i in items] == [streamed.cluster_of(i) for i in items]
        chunks = list(streamed.raw_chunks(task))
        raw = [c for chunk in chunks for c in chunk.clusters]
        assert raw == [whole.cluster_of(i) for i in items]
