"""Opening a spec's datasets: loaded whole, or streamed and validated once per checksum (the memo).

A dataset directory too large for memory (``run(stream=True)``, or by default one whose manifest counts
more than :data:`STREAM_MIN_RECORDS` claims and relations) is validated in one streaming pass
(:func:`claimbench.data.dataset.open_stream`) once per dataset checksum and output directory, recorded in
``cache/validated.json`` with what it was validated by (:func:`validation_stamp`); later runs only read
its context.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from claimbench._io import write_text
from claimbench.data.adapters import open_dataset
from claimbench.data.dataset import (
    Dataset,
    DatasetError,
    DatasetStream,
    data_checksum,
    open_stream,
    read_manifest_text,
)
from claimbench.records import TASKS
from claimbench.run.record import display
from claimbench.run.spec import DatasetSpec

log = logging.getLogger("claimbench.run.validated")

STREAM_MIN_RECORDS = 100_000
"""``run(stream=None)`` streams a dataset directory whose manifest counts more claims and relations."""
VALIDATED = "validated.json"
"""Dataset checksums a streamed run validated, in the cache directory (with what they were checked by)."""


def open_source(d: DatasetSpec, stream: bool | None, cache_dir: Path) -> Dataset | DatasetStream:
    """A spec's dataset: loaded whole (adapters, and directories unless streamed), or streamed."""
    if d.adapter is not None or stream is False or (stream is None and not _large(d.path)):
        return open_dataset(d.path, d.adapter, dict(d.options))
    return open_validated(d.path, cache_dir)


def _large(path: Path) -> bool:
    """Whether the manifest at ``path`` counts more than :data:`STREAM_MIN_RECORDS` claims and relations."""
    try:
        counts = json.loads(read_manifest_text(path))["counts"]
        return sum(int(counts.get(t.file, 0)) for t in TASKS.values()) > STREAM_MIN_RECORDS
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return False  # loading it whole reports what is wrong


def validation_stamp() -> str:
    """What a dataset was validated by: the schemas and the validating code (any change validates again)."""
    from claimbench.data import dataset, layout, read, schema, validate

    digest = hashlib.sha256()
    for kind in ("manifest", "article", "claim", "relation"):
        digest.update(canonical_schema(kind).encode("utf-8"))
    for module in (dataset, layout, read, schema, validate):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def canonical_schema(kind: str) -> str:
    """A record kind's JSON Schema as canonical text (part of the validation stamp)."""
    from claimbench.data.schema import load_schema

    return json.dumps(load_schema(kind), sort_keys=True, separators=(",", ":"))


def open_validated(path: Path, cache_dir: Path) -> DatasetStream:
    """The dataset at ``path`` as a stream, validated once per checksum for this output directory.

    Validating a million records takes longer than checking them with a fast checker, and a sweep of
    checker configurations reads the same data every run; so a dataset whose checksum (the SHA-256 of
    its files) was validated by the same schemas and code is only read for its context, its files'
    SHA-256 checked against the manifest as they are read.
    """
    memo = cache_dir / VALIDATED
    try:
        manifest = json.loads(read_manifest_text(path))
        files = manifest["files"]
        checksum = data_checksum(files)
        known = json.loads(memo.read_text(encoding="utf-8")) if memo.is_file() else {}
    except (OSError, ValueError, TypeError, KeyError):
        checksum, known = "", {}
    stamp = validation_stamp()
    if checksum and known.get(checksum) == stamp:
        try:
            return open_stream(path, validate=False)
        except DatasetError:
            pass  # changed since: the full validation says what is wrong
    dataset = open_stream(path)
    known = {k: v for k, v in known.items() if v == stamp}
    known[dataset.checksum] = stamp
    write_text(memo, json.dumps(known, indent=1, sort_keys=True) + "\n")
    log.info("%s: validated (%s)", dataset.id, display(path))
    return dataset
