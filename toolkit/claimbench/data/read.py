"""Reading one data file's records, one at a time: JSON Lines (through the one line reader,
:func:`claimbench.data.schema.iter_jsonl`) or Parquet.

:func:`iter_records` is what every reader of a dataset's files uses (validation, whole loads, streams,
:func:`~claimbench.data.dataset.iter_items`); :func:`raw_records` re-reads a validated file for a streamed
run, and :func:`records_at` fetches the records on given lines (to locate duplicate ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimbench import _fastjson
from claimbench.data.schema import Problem, iter_jsonl, record_is_valid


def iter_records(
    path: Path,
    kind: str,
    display: str | None = None,
    *,
    validate: bool = True,
    problems: list[Problem] | None = None,
    invalid_ids: set[str] | None = None,
    digest: Any = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of one file of ``kind`` as ``(line, record)`` pairs, read one at a time.

    JSON Lines, or Parquet (``*.parquet``, read by row group; needs pyarrow) whose rows are whole records
    (as ``claimbench export --format hf`` writes them; ``line`` is then the 1-based row). With
    ``validate`` each record is checked against its schema exactly as
    :func:`~claimbench.data.schema.read_jsonl`
    does and only valid ones are yielded; every problem is appended to ``problems`` (undecodable lines,
    invalid JSON and over-long lines always are). ``invalid_ids`` collects the ids of schema-invalid
    records. ``digest`` (a ``hashlib`` object) is fed the file's bytes, for checking the manifest's
    SHA-256 without a second read.
    """
    name = display or str(path)
    found = problems if problems is not None else []
    if path.suffix == ".parquet":
        yield from _iter_parquet(path, kind, name, validate, found, invalid_ids, digest)
        return
    yield from iter_jsonl(
        path, kind, name, validate=validate, problems=found, invalid_ids=invalid_ids, digest=digest
    )


def _iter_parquet(
    path: Path,
    kind: str,
    name: str,
    validate: bool,
    problems: list[Problem],
    invalid_ids: set[str] | None,
    digest: Any,
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        problems.append(Problem(name, 0, "$", "reading Parquet needs pyarrow: pip install pyarrow"))
        return
    if not path.is_file():
        problems.append(Problem(name, 0, "$", "file not found"))
        return
    if digest is not None:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    row = 0
    for batch in pq.ParquetFile(path).iter_batches():
        for values in batch.to_pylist():
            row += 1
            record = _without_nulls(values)
            if not validate or record_is_valid(record, kind, name, row, problems, invalid_ids):
                yield row, record
    if row == 0:
        problems.append(Problem(name, 0, "$", "file has no rows"))


def _without_nulls(value: Any) -> Any:
    """A Parquet row as its JSON record: absent optional fields are nulls in a table, missing in JSON."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def raw_records(path: Path, kind: str, digest: Any) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The JSON line and parsed record of every record of a validated file (Parquet rows as JSON)."""
    if path.suffix == ".parquet":
        for _, record in iter_records(path, kind, validate=False, digest=digest):
            yield json.dumps(record, ensure_ascii=False).encode("utf-8"), record
        return
    with path.open("rb") as handle:
        for raw in handle:
            digest.update(raw)
            yield raw, _fastjson.loads(raw)


def records_at(path: Path, lines: set[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records on the given (valid) lines or Parquet rows of a file."""
    if path.suffix == ".parquet":
        yield from ((n, r) for n, r in iter_records(path, "", validate=False) if n in lines)
        return
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, start=1):
            if n in lines:
                yield n, json.loads(raw)
