"""JSON Schema loading and file-level validation with ``file:line: $.path: message`` problems.

This module checks files one record at a time (encoding, JSON syntax, the record's schema). Checks that
need several records at once (spans against the article text, dangling ids, checksums) live in
:mod:`claimbench.data.validate`, which reports through the same :class:`Problem` type.

Speed: a record is first parsed with orjson and checked with ``jsonschema_rs`` (a compiled validator,
about 4 µs a claim against jsonschema's 1 ms); only a line either of them refuses goes the slow way
(:func:`json.loads`, jsonschema's ``iter_errors``), which decides and words every problem. So the
messages are jsonschema's, and a record is accepted only when both validators accept it (the fast one
is never the last word on a refusal). Without ``jsonschema_rs`` or orjson everything takes the slow
way (``benchmarks/bench_validate.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - PyPy or a platform without a wheel: the slow way
    _orjson = None  # type: ignore[assignment]

KINDS: tuple[str, ...] = ("article", "claim", "relation", "manifest", "verdict", "report")
"""Record kinds with a schema in ``schemas/``; ``verdict`` and ``report`` may not exist yet."""

SCHEMA_VERSION = "1.1.0"
"""The record-schema version these schemas describe (``schema_version`` in a manifest; absent means 1.0.0)."""
READABLE_SCHEMA_VERSIONS: tuple[str, ...] = ("1.0.0", "1.1.0")
"""Record-schema versions this claimbench reads: 1.1.0 only added optional fields and values to 1.0.0."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""Longest JSONL line read; longer lines are reported, not loaded (no record is anywhere near this)."""


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a dataset, located as precisely as the data allows.

    ``line`` is 1-based; 0 means the problem concerns the whole file. ``path`` is a JSONPath into the
    record (``$`` for the record itself).
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


def schema_dir() -> Path:
    """Where the JSON Schemas are: inside an installed wheel, or ``schemas/`` of a source checkout."""
    packaged = resources.files("claimbench") / "_schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "schemas"


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one record kind."""
    path = schema_dir() / f"{kind}.schema.json"
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"schema {kind!r} not found at {path}; is claimbench installed from a complete checkout?"
        ) from None
    return schema


@cache
def validator(kind: str) -> Draft202012Validator:
    """A compiled validator for one record kind (with format checking)."""
    return Draft202012Validator(load_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast_check(kind: str) -> Callable[[Any], bool] | None:
    """A compiled ``is_valid`` of ``kind``'s schema (``jsonschema_rs``), or None where there is none.

    None too for a schema using ``format`` (jsonschema_rs checks formats its own way) or one it cannot
    compile: only the slow validator is trusted there.
    """
    schema = load_schema(kind)
    if '"format"' in json.dumps(schema):
        return None
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel: jsonschema alone
        return None
    try:
        check: Callable[[Any], bool] = jsonschema_rs.validator_for(schema).is_valid
    except Exception:  # noqa: BLE001 - any refusal to compile means: do without it
        return None
    return check


def json_path(parts: Any) -> str:
    """Render a sequence of keys and indices as a JSONPath (``$.claims[3].span``)."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def _messages(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(path, message) pairs for one jsonschema error, pointing at the offending key where possible."""
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in cast(list[str], error.validator_value):
            if name not in error.instance:
                yield json_path([*base, name]), "required property is missing"
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                yield (
                    json_path([*base, name]),
                    f"unknown property (allowed: {', '.join(allowed)})",
                )
        return
    message = error.message
    if len(message) > 300:
        message = message[:297] + "..."
    yield json_path(base), message


def schema_problems(record: Any, kind: str, file: str, line: int) -> list[Problem]:
    """Every schema violation of one record, as problems.

    A record the compiled validator accepts has none; any other is checked by jsonschema, whose errors
    are the problems (it may find none: then the record is valid).
    """
    fast = _fast_check(kind)
    if fast is not None:
        try:
            if fast(record):
                return []
        except Exception:  # noqa: BLE001 - a value it cannot take (a lone surrogate): the slow way
            pass
    return [
        Problem(file, line, path, message)
        for error in validator(kind).iter_errors(record)
        for path, message in _messages(error)
    ]


def record_is_valid(
    record: dict[str, Any],
    kind: str,
    name: str,
    line: int,
    problems: list[Problem],
    invalid_ids: set[str] | None = None,
) -> bool:
    """Whether ``record`` passes ``kind``'s schema; if not, its problems go to ``problems`` and its id (if
    it has one) to ``invalid_ids``. What every reader (JSON Lines, Parquet) does with a parsed record."""
    wrong = schema_problems(record, kind, name, line)
    if not wrong:
        return True
    problems.extend(wrong)
    if invalid_ids is not None and isinstance(record.get("id"), str):
        invalid_ids.add(record["id"])
    return False


def read_jsonl(
    path: Path, kind: str, display: str | None = None, *, invalid_ids: set[str] | None = None
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Read a JSONL file of ``kind`` records, validating each against its schema.

    Returns the ``(line, record)`` pairs that are valid JSON objects passing the schema, and every problem
    found. Never raises for bad data: a missing file, an undecodable line, a blank line, invalid JSON or an
    over-long line each become a problem and reading goes on with the next line. When ``invalid_ids`` is
    given, the ids of records that failed their schema are added to it, so that later checks do not
    report references to them as dangling (one mistake, one message). All of :func:`iter_jsonl`, held.
    """
    problems: list[Problem] = []
    records = list(iter_jsonl(path, kind, display or str(path), problems=problems, invalid_ids=invalid_ids))
    return records, problems


def iter_jsonl(
    path: Path,
    kind: str,
    name: str,
    *,
    validate: bool = True,
    problems: list[Problem],
    invalid_ids: set[str] | None = None,
    digest: Any = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The one JSON Lines reader: a file's ``(line, record)`` pairs, one line at a time.

    With ``validate`` each line is parsed by :func:`parse_line` and checked against ``kind``'s schema,
    and only valid records are yielded; without, every line is just parsed. Every problem (a missing
    file, an undecodable line, invalid JSON, an over-long line, a schema violation) is appended to
    ``problems`` under ``name`` and its line, and reading goes on. ``invalid_ids`` collects the ids of
    schema-invalid records; ``digest`` (a ``hashlib`` object) is fed the file's bytes, so the manifest's
    SHA-256 is checked without a second read. Whole reads (:func:`read_jsonl`) and streamed ones
    (:func:`claimbench.data.read.iter_records`) both use it: one set of messages.
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        problems.append(Problem(name, 0, "$", "file not found"))
        return
    except OSError as exc:
        problems.append(Problem(name, 0, "$", f"cannot read file: {exc.strerror or exc}"))
        return
    with handle:
        line_no = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            line_no += 1
            if digest is not None:
                digest.update(raw)
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (chunk := handle.readline(MAX_LINE_BYTES)) and not chunk.endswith(b"\n"):
                    if digest is not None:
                        digest.update(chunk)
                if digest is not None:
                    digest.update(chunk)
                problems.append(
                    Problem(name, line_no, "$", f"line longer than {MAX_LINE_BYTES} bytes; not read")
                )
                continue
            if not validate:
                yield line_no, json.loads(raw)
                continue
            problem, record = parse_line(raw, name, line_no)
            if problem is not None:
                problems.append(problem)
                continue
            if record_is_valid(record, kind, name, line_no, problems, invalid_ids):
                yield line_no, record
        if line_no == 0:
            problems.append(Problem(name, 0, "$", "file is empty; expected one JSON object per line"))


_DIGITS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
"""``bytes.translate`` table: every ASCII digit to ``0``, every other byte to a space."""
_LONG_NUMBER = b"0" * 19
"""19 digits in a row (after :data:`_DIGITS`): a number orjson may read as a float where json reads an int."""


def parse_line(raw: bytes, name: str, line_no: int) -> tuple[Problem | None, dict[str, Any]]:
    """A line's record, or the problem with the line. orjson reads it when it can and gives what
    :func:`json.loads` gives (integers of 19 digits or more are left to json, which keeps them exact);
    any line orjson refuses is read again by json, whose refusal is the message."""
    if _orjson is not None and _LONG_NUMBER not in raw.translate(_DIGITS):
        try:
            value = _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass
        else:
            if isinstance(value, dict):
                return None, value
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(
            name, line_no, "$", f"not valid UTF-8 (byte {exc.start + 1} of the line): {exc.reason}"
        ), {}
    if text.startswith("\ufeff") and line_no == 1:
        return Problem(name, line_no, "$", "starts with a byte-order mark; save as UTF-8 without BOM"), {}
    if not text.strip():
        return Problem(name, line_no, "$", "blank line; expected one JSON object per line"), {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(name, line_no, "$", f"invalid JSON at column {exc.colno}: {exc.msg}"), {}
    except RecursionError:
        return Problem(name, line_no, "$", "invalid JSON: nested too deeply"), {}
    if not isinstance(value, dict):
        return Problem(name, line_no, "$", f"expected a JSON object, found {type(value).__name__}"), {}
    return None, value


def read_json(
    path: Path, kind: str, display: str | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read a single JSON document (such as a manifest) and validate it against ``kind``'s schema.

    Problems in a multi-line document are located at the line where the offending value starts when that
    can be found, else at line 1.
    """
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, 0, "$", "file not found")]
    except OSError as exc:
        return None, [Problem(name, 0, "$", f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "$", f"not valid UTF-8: {exc.reason}")]
    if not text.strip():
        return None, [Problem(name, 0, "$", "file is empty; expected a JSON object")]
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, "$", f"invalid JSON at column {exc.colno}: {exc.msg}")]
    if not isinstance(value, dict):
        return None, [Problem(name, 1, "$", f"expected a JSON object, found {type(value).__name__}")]
    problems = [
        Problem(name, _line_of(text, p.path), p.path, p.message)
        for p in schema_problems(value, kind, name, 1)
    ]
    return (value if not problems else None), problems


def _line_of(text: str, path: str) -> int:
    """Best-effort line of the last key named in ``path`` within a pretty-printed document."""
    key = path.rsplit(".", 1)[-1].split("[", 1)[0] if "." in path else ""
    if key:
        index = text.find(f'"{key}"')
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return 1


def schema_version_problem(manifest: dict[str, Any], file: str) -> Problem | None:
    """Why a dataset's records cannot be read by this claimbench (a newer record schema), or ``None``."""
    version = manifest.get("schema_version", "1.0.0")
    if version in READABLE_SCHEMA_VERSIONS:
        return None
    return Problem(
        file,
        _line_of(json.dumps(manifest, indent=2), "$.schema_version"),
        "$.schema_version",
        f"the records follow schema {version}, which this claimbench cannot read (it reads "
        f"{', '.join(READABLE_SCHEMA_VERSIONS)}); upgrade claimbench, or use a release of the dataset made "
        f"for schema {SCHEMA_VERSION}",
    )
