"""The JSON Schemas themselves, and file-level validation (schema.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from claimbench.data.schema import (
    Problem,
    _fast_check,
    _messages,
    json_path,
    load_schema,
    parse_line,
    read_json,
    read_jsonl,
    schema_dir,
    schema_problems,
    validator,
)

SCHEMAS = sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json"))


def test_core_schemas_exist() -> None:
    assert {"article", "claim", "relation", "manifest"} <= set(SCHEMAS)


@pytest.mark.parametrize("kind", SCHEMAS)
def test_schema_is_valid_against_the_metaschema(kind: str) -> None:
    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"{kind}.schema.json")


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_example_validates(kind: str) -> None:
    schema = load_schema(kind)
    assert schema.get("examples"), f"{kind} has no examples"
    validator = Draft202012Validator(schema)
    for example in schema["examples"]:
        assert list(validator.iter_errors(example)) == []


def _properties(node: object) -> list[tuple[str, dict[str, object]]]:
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((name, sub))
        for value in node.values():
            found.extend(_properties(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_properties(value))
    return found


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_property_is_described(kind: str) -> None:
    missing = [name for name, sub in _properties(load_schema(kind)) if "description" not in sub]
    assert missing == []


def test_json_path_rendering() -> None:
    assert json_path([]) == "$"
    assert json_path(["quantities", 2, "span", 0]) == "$.quantities[2].span[0]"
    assert json_path(["a b"]) == '$["a b"]'


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_bytes(data)
    return path


def test_read_jsonl_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    good = {"id": "c1", "text": "A claim."}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"id": "c2"}),
        "",
        "[1, 2]",
        json.dumps({"id": "c3", "text": "x", "colour": "red"}),
    ]
    path = _write(tmp_path, ("\n".join(lines) + "\n").encode() + b'{"id": "c4", "text": "\xff"}\n')
    records, problems = read_jsonl(path, "claim", "claims.jsonl")
    assert [line for line, _ in records] == [1]
    assert [(p.line, p.path) for p in problems] == [
        (2, "$"),
        (3, "$.text"),
        (4, "$"),
        (5, "$"),
        (6, "$.colour"),
        (7, "$"),
    ]
    assert "invalid JSON" in problems[0].message
    assert problems[1].message == "required property is missing"
    assert "unknown property" in problems[4].message
    assert "UTF-8" in problems[5].message
    assert str(problems[1]) == "claims.jsonl:3: $.text: required property is missing"


def test_read_jsonl_missing_and_empty_files(tmp_path: Path) -> None:
    assert read_jsonl(tmp_path / "nope.jsonl", "claim")[1] == [
        Problem(str(tmp_path / "nope.jsonl"), 0, "$", "file not found")
    ]
    _, problems = read_jsonl(_write(tmp_path, b""), "claim", "claims.jsonl")
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [(0, "file is empty")]


def test_read_jsonl_does_not_load_an_overlong_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimbench.data.schema as schema_module

    monkeypatch.setattr(schema_module, "MAX_LINE_BYTES", 64)
    long_line = json.dumps({"id": "c1", "text": "x" * 500})
    path = _write(tmp_path, (long_line + "\n" + json.dumps({"id": "c2", "text": "ok"}) + "\n").encode())
    records, problems = read_jsonl(path, "claim", "f")
    assert [line for line, _ in records] == [2]
    assert [(p.line, p.message.startswith("line longer than")) for p in problems] == [(1, True)]


def test_read_json_locates_problems_by_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    example = load_schema("manifest")["examples"][0]
    example["version"] = "one"
    path.write_text(json.dumps(example, indent=2))
    value, problems = read_json(path, "manifest", "manifest.json")
    assert value is None
    assert [p.path for p in problems] == ["$.version"]
    expected_line = path.read_text().splitlines().index('  "version": "one",') + 1
    assert problems[0].line == expected_line


# -- the fast path: orjson and jsonschema_rs decide nothing jsonschema and json would decide otherwise --

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18, max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "c1", "c1\n", "x" * 3, "2016-13-45", "\ud800", "exact", "body", "P2W"])
    | st.text(max_size=8)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a record (the record itself is ``()``)."""
    found = [path]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _slots(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            found += _slots(sub, (*path, i))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> tuple[str, Any]:
    """A schema example with one value replaced, dropped or added: mostly invalid, in every way."""
    kind = draw(st.sampled_from(SCHEMAS))
    record = copy.deepcopy(draw(st.sampled_from(load_schema(kind)["examples"])))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        path = draw(st.sampled_from(_slots(record)))
        if not path:
            continue
        parent = record
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and isinstance(parent, dict):
            parent.pop(path[-1])
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=6))] = draw(JSON_VALUES)
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return kind, record


@settings(max_examples=400, deadline=None)
@given(mutated_records())
def test_the_compiled_check_accepts_only_what_jsonschema_accepts(case: tuple[str, Any]) -> None:
    kind, record = case
    reference = [
        Problem("f", 1, path, message)
        for error in validator(kind).iter_errors(record)
        for path, message in _messages(error)
    ]
    fast = _fast_check(kind)
    assert fast is not None, "jsonschema_rs is a dependency: the fast path must be there"
    try:
        accepted = fast(record)
    except Exception:  # noqa: BLE001 - a value it cannot take: the slow way decides
        accepted = False
    if accepted:
        assert reference == []
    assert schema_problems(record, kind, "f", 1) == reference


def _reference_parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return "refused"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        JSON_VALUES.map(lambda v: json.dumps({"v": v}).encode()),
        JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
        st.binary(max_size=20),
        st.sampled_from(
            [b"", b" \n", b"\xef\xbb\xbf{}", b'{"a": 1, "a": 2}', b'{"a": -12345678901234567890}']
        ),
    )
)
def test_a_line_reads_as_json_reads_it(raw: bytes) -> None:
    problem, record = parse_line(raw, "f", 2)
    expected = _reference_parse(raw)
    if isinstance(expected, dict) and not (raw.startswith(b"\xef\xbb\xbf")):
        assert problem is None
        assert repr(record) == repr(expected)  # repr: NaN equals NaN, 1 is not 1.0
    else:
        assert problem is not None
        assert record == {}
