"""The one validator: whole loads and streamed reads report the same problems for the same broken data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench._io import sha256_file
from claimbench.data.dataset import DatasetError, load_dataset, open_stream, validate_dataset, validate_stream
from claimbench.data.layout import MANIFEST
from claimbench.data.validate import claim_problems, relation_problems, scan
from tests.conftest import tiny_records, write_records

ROOT = Path(__file__).resolve().parents[1]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BAD_VALUES: list[Any] = [
    None,
    "",
    "c1",
    "c2",
    "a1",
    "nowhere",
    -1,
    10_000,
    [5, 1],
    [0, 3],
    "furlongz",
    {"x": 1},
]
"""Values a field is set to: wrong types, ids that repeat or dangle, spans that point wrong, a bad unit."""

FIELDS: dict[str, list[tuple[str, ...]]] = {
    "articles": [("id",), ("title",), ("text",), ("published",)],
    "claims": [
        ("id",),
        ("text",),
        ("article_id",),
        ("span",),
        ("section",),
        ("attribution", "source_id"),
        ("attribution", "speaker_span"),
        ("quantities", "0", "unit"),
        ("quantities", "0", "span"),
        ("times", "0", "value"),
        ("numeric_consistency", "label"),
    ],
    "relations": [("id",), ("claim_id",), ("other_claim_id",), ("label",), ("other_article_id",)],
}


def _set(record: dict[str, Any], path: tuple[str, ...], value: Any, delete: bool) -> None:
    """Set (or delete) the field at ``path`` of a record, when the record has its parents."""
    target: Any = record
    for part in path[:-1]:
        key: Any = int(part) if part.isdigit() else part
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return
    if not isinstance(target, dict):
        return
    if delete:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value


edit = st.tuples(
    st.sampled_from(sorted(FIELDS)),
    st.integers(0, 1),
    st.integers(0, 20),
    st.sampled_from(BAD_VALUES),
    st.booleans(),
)
"""One edit: which file, which record of it, which field (an index into :data:`FIELDS`), the new value,
and whether the field is deleted instead."""

line_edit = st.sampled_from(["none", "garbage line", "blank line", "repeat first", "drop last"])


def _broken(edits: list[tuple[str, int, int, Any, bool]]) -> dict[str, list[dict[str, Any]]]:
    records = tiny_records()
    for key, index, field, value, delete in edits:
        rows = records[key]
        if rows:
            _set(rows[index % len(rows)], FIELDS[key][field % len(FIELDS[key])], value, delete)
    return records


def _whole(root: Path) -> list[str]:
    return [str(p) for p in validate_dataset(root)[1]]


def _streamed(root: Path) -> list[str]:
    try:
        open_stream(root)
    except DatasetError as exc:
        return [str(p) for p in exc.problems]
    return []


@FUZZ
@given(
    edits=st.lists(edit, min_size=1, max_size=4),
    lines=st.sampled_from(["claims", "relations"]),
    how=line_edit,
)
def test_whole_and_streamed_reading_report_the_same_problems(
    tmp_path: Path, edits: list[tuple[str, int, int, Any, bool]], lines: str, how: str
) -> None:
    """Any broken dataset: ``validate_dataset``, ``open_stream`` and ``validate_stream`` list exactly the
    same ``file:line: $.path: message`` problems, in the same order."""
    root = tmp_path / "broken"
    shutil.rmtree(root, ignore_errors=True)
    write_records(root, _broken(edits))
    path = root / f"{lines}.jsonl"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if how == "garbage line":
        text.insert(1, "{not json\n")
    elif how == "blank line":
        text.insert(0, "\n")
    elif how == "repeat first":
        text.append(text[0])
    elif how == "drop last":
        text = text[:-1]
    path.write_text("".join(text), encoding="utf-8")  # the manifest's checksum and count now disagree
    whole = _whole(root)
    assert _streamed(root) == whole
    assert [str(p) for p in validate_stream(root)[1]] == whole
    assert all(p.count(": ") >= 2 for p in whole)  # file:line: $.path: message


def test_a_valid_dataset_reads_the_same_both_ways(tiny_dataset: Path) -> None:
    whole, stream = load_dataset(tiny_dataset), open_stream(tiny_dataset)
    assert stream.articles == whole.articles
    assert stream.claims == whole.claims  # a dataset with relations keeps every claim for the context


def test_the_scan_hands_every_valid_record_to_keep_in_file_order(tiny_dataset: Path) -> None:
    manifest = json.loads((tiny_dataset / MANIFEST).read_text(encoding="utf-8"))
    kept: list[tuple[str, str]] = []
    articles, problems = scan(
        tiny_dataset, manifest, keep=lambda key, record: kept.append((key, record["id"]))
    )
    assert problems == []
    assert list(articles) == ["a1"]
    records = tiny_records()
    assert kept == [("claims", r["id"]) for r in records["claims"]] + [
        ("relations", r["id"]) for r in records["relations"]
    ]


def test_the_per_record_checks_locate_what_is_wrong() -> None:
    records = tiny_records()
    article = records["articles"][0]
    articles = {"a1": (1, article)}
    claim = dict(records["claims"][0], span=[1, 10])
    assert next(str(p) for p in claim_problems(3, claim, articles, set(), "claims.jsonl")).startswith(
        "claims.jsonl:3: $.span: text at [1, 10) is "
    )
    assert list(claim_problems(3, dict(claim, article_id="gone"), articles, {"gone"}, "c")) == []
    assert [str(p) for p in claim_problems(3, dict(claim, article_id="gone"), {}, set(), "c")] == [
        "c:3: $.article_id: no article with id 'gone'"
    ]
    invalid: dict[str, set[str]] = {"articles": set(), "claims": set(), "relations": set()}
    relation = {"id": "r1", "claim_id": "c1", "other_claim_id": "c2", "label": "agree"}
    same = {"c1": "council", "c2": "council"}
    assert [str(p) for p in relation_problems(2, relation, same, articles, invalid, "r")] == [
        "r:2: $.other_claim_id: both claims come from the same source 'council'; relations compare "
        "different sources"
    ]
    assert [str(p) for p in relation_problems(2, relation, {"c2": "x"}, articles, invalid, "r")] == [
        "r:2: $.claim_id: no claim with id 'c1'"
    ]
    invalid["claims"].add("c1")  # the claim's own problem is reported; not again through the relation
    assert list(relation_problems(2, relation, {}, articles, invalid, "r")) == []


def test_a_dataset_of_parquet_files_loads_whole_as_it_streams(tmp_path: Path) -> None:
    """Whole loads read the files through the same reader as streams: Parquet too."""
    pytest.importorskip("pyarrow")
    from claimbench.publish.export import export_dataset

    source = ROOT / "datasets" / "mosul-2016"
    original = load_dataset(source)
    out = export_dataset(original, "hf", tmp_path / "hf")
    root = tmp_path / "parquet"
    root.mkdir()
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    for key in manifest["files"]:
        shutil.copy(out / "data" / f"{key}.parquet", root / f"{key}.parquet")
        manifest["files"][key] = {"path": f"{key}.parquet", "sha256": sha256_file(root / f"{key}.parquet")}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    whole, stream = load_dataset(root), open_stream(root)
    assert whole.claims == original.claims
    assert whole.relations == original.relations
    assert stream.articles == whole.articles == original.articles
