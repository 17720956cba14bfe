"""The on-disk verdict cache: a finished verdict is never computed twice, and a killed run loses little.

**Keys.** A verdict's key is the SHA-256 of the canonical JSON of ``[dataset checksum, checker name,
checker version, parameters, item id]``: changing the data, the checker's version or any parameter
misses the cache, while execution settings (batch size, jobs, engine) do not enter the key because they
do not change verdicts. The first four parts make a :class:`CacheScope`.

**Storage.** One SQLite database, ``<output>/cache/verdicts.sqlite``, in WAL mode, holding append-only
*shards*: one row per completed batch, ``(scope hash, {key: verdict, …} as JSON)``, indexed by scope.
Why this, and not one row per verdict or JSONL files renamed into place:

* **kill -9 safety for free.** Each batch is one transaction. In WAL mode a transaction is entirely in
  the log or not at all, and a crashed writer's partial tail is discarded on the next open;
  ``synchronous=NORMAL`` keeps that for process crashes (only an OS crash or power loss can drop the
  last committed batches — never corrupt the file, and never leave half a batch).
* **Fast.** A batch costs one JSON encoding, one appended row and one commit. A row per verdict under a
  random 256-bit key scatters every batch across the whole key index and measured several times the cost
  per item, more than a fast checker's own work (``benchmarks/bench_runner.py``); a scope's shards are
  read back with one indexed query.
* **No file-system juggling.** Thousands of batch files would need listing, compaction and care on
  Windows renames; concurrent runs sharing an output directory simply serialise on SQLite's lock.
* It is in the standard library, portable, and inspectable with ``sqlite3 verdicts.sqlite``.

Verdicts are stored as JSON, never pickled: a cache is read back by later versions of claimbench and must
not execute code. A shard maps each key to a compact array, ``[checker, version, label, score,
explanation, [[description, start, end, value, unit], …], error]`` (:func:`encode_verdict`) — the fields of
``schemas/verdict.schema.json`` without their names, which halves the bytes and the encoding time. A
recomputed verdict (``--no-cache``, ``--retry-errors``) is appended and the newest shard wins. WAL needs a
local file system (not NFS).
"""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import json
import math
import re
import sqlite3
import time
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from claimbench import _fastjson
from claimbench._io import sha256_file
from claimbench.errors import ClaimbenchError
from claimbench.records import Evidence, Verdict

CACHE_DIR = "cache"
CACHE_FILE = "verdicts.sqlite"
SCHEMA_VERSION = 1
"""Bumped when the table layout changes; a cache written by a newer layout is refused, not misread."""


_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]*")
"""Ids whose JSON string is just the id in quotes (every id the record schemas allow)."""


class CacheError(ClaimbenchError, RuntimeError):
    """The cache file cannot be used (corrupt, or written by a newer claimbench)."""


def _canonical(value: Any) -> Any:
    """``json.dumps`` fallback for parameter values that have one obvious JSON form."""
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, set | frozenset):
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True, default=_canonical))
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(
        f"parameter value {value!r} of type {type(value).__name__} has no canonical JSON form; "
        "checker parameters must be JSON-like (str, number, bool, None, lists, tables, paths)"
    )


def canonical_json(value: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, no NaN; the same value gives the same text.

    Tuples become lists, paths POSIX strings, sets sorted lists, enums their values, numpy scalars
    Python numbers. Raises :class:`TypeError` for anything else (an unstable ``repr`` in a key would make
    every run a miss) and :class:`ValueError` for NaN or infinities.
    """
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_canonical,
    )


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as plain JSON data (the form recorded in reports and hashed into keys)."""
    data: dict[str, Any] = json.loads(canonical_json(dict(params)))
    return data


class CacheScope:
    """One (dataset, checker, version, parameters) combination: its shards' hash and its items' keys.

    The constant part of the canonical JSON is built once, so a key costs one hash per item. Pickles by
    its parts (a worker process encodes shards with it: :func:`encode_shard`).
    """

    def __init__(self, dataset_checksum: str, checker: str, version: str, params: Mapping[str, Any]) -> None:
        self.dataset_checksum = dataset_checksum
        self.checker = checker
        self.version = version
        self.params = dict(params)
        self.params_json = canonical_json(self.params)
        head = canonical_json([dataset_checksum, checker, version])[:-1] + "," + self.params_json
        self.hash = hashlib.sha256((head + "]").encode("utf-8")).hexdigest()
        self._base = hashlib.sha256((head + ",").encode("utf-8"))

    def key(self, item_id: str) -> str:
        """The cache key of one item (see :func:`cache_key`); hashing resumes after the constant part."""
        digest = self._base.copy()
        text = (
            f'"{item_id}"]' if _PLAIN_ID.fullmatch(item_id) else json.dumps(item_id, ensure_ascii=False) + "]"
        )
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    def __reduce__(self) -> tuple[Any, ...]:
        return (CacheScope, (self.dataset_checksum, self.checker, self.version, self.params))


FILES_KEY = "__files__"
"""Added to a checker's parameters in its cache key and report: the SHA-256 of each file its
``file_params`` name (see :func:`file_digests`)."""


def file_digests(checker: object, params: Mapping[str, Any]) -> dict[str, Any]:
    """SHA-256 (hex) of the file each of the checker's ``file_params`` names, by parameter name.

    A checker declares the parameters that name files it reads as a class attribute,
    ``file_params = ("model",)`` (see :class:`claimbench.checkers.base.Checker`): a parameter holds a path
    (or a list of paths, giving a list of digests), relative to the working directory as the checker
    opens it. Entering the key by content, a replaced file misses the cache though its path is the same.
    An unset parameter is left out; a file that cannot be read gets ``None`` (the checker then reports
    why, and such environment errors are not cached). Raises :class:`TypeError` for a value that is not
    a path.
    """
    names = getattr(checker, "file_params", ())
    digests: dict[str, Any] = {}
    for name in (names,) if isinstance(names, str) else tuple(names):
        value = params.get(name)
        if value is None:
            continue
        if isinstance(value, str | PurePath):
            digests[name] = _file_sha256(Path(value))
        elif isinstance(value, list | tuple) and all(isinstance(v, str | PurePath) for v in value):
            digests[name] = [_file_sha256(Path(v)) for v in value]
        else:
            raise TypeError(f"parameter {name!r} is one of file_params but holds {value!r}, not a path")
    return digests


def _file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes, or ``None`` when there is none to read."""
    try:
        return sha256_file(path) if path.is_file() else None
    except OSError:
        return None


def cache_key(
    dataset_checksum: str, checker: str, version: str, params: Mapping[str, Any], item_id: str
) -> str:
    """SHA-256 (hex) of the canonical JSON of ``[dataset checksum, checker, version, params, item id]``."""
    text = canonical_json([dataset_checksum, checker, version, dict(params), item_id])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_verdict(verdict: Verdict) -> list[Any]:
    """A verdict as the compact JSON array stored in shards (its item id is implied by the key).

    An evidence value that is not a finite number (NaN, infinity: no JSON form) is stored as ``null``.
    """
    evidence = [
        [
            e.description,
            *(e.span if e.span is not None else (None, None)),
            e.value if e.value is None or math.isfinite(e.value) else None,
            e.unit,
        ]
        for e in verdict.evidence
    ]
    return [
        verdict.checker,
        verdict.checker_version,
        verdict.label,
        verdict.score,
        verdict.explanation,
        evidence,
        verdict.error,
    ]


def encode_shard(scope: CacheScope, entries: Iterable[tuple[str, Verdict]]) -> str:
    """``(item id, verdict)`` pairs of ``scope`` as the JSON text of one shard (``{key: verdict, …}``).

    Encoded with :func:`claimbench._fastjson.dumps` (orjson where installed: this is the runner's largest
    cost per item after the checker's own).
    """
    shard = {scope.key(item_id): encode_verdict(verdict) for item_id, verdict in entries}
    return _fastjson.dumps(shard)


def decode_verdict(item_id: str, data: Sequence[Any]) -> Verdict:
    """Inverse of :func:`encode_verdict`; raises ``ValueError``/``TypeError`` on a malformed entry."""
    checker, version, label, score, explanation, evidence, error = data
    return Verdict(
        item_id=item_id,
        checker=checker,
        checker_version=version,
        label=label,
        score=score,
        explanation=explanation,
        evidence=tuple(
            Evidence(d, (int(s), int(e)) if s is not None and e is not None else None, v, u)
            for d, s, e, v, u in evidence
        ),
        error=error,
    )


class VerdictCache:
    """Verdicts by scope and key, in ``<directory>/verdicts.sqlite``. Use one instance per process.

    Open it with the output directory's ``cache/`` folder; use as a context manager or :meth:`close`.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / CACHE_FILE
        self._scopes: set[str] = set()
        try:
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise CacheError(
                    f"{self.path} was written by a newer claimbench (cache layout {version}, this one "
                    f"reads {SCHEMA_VERSION}); use another --output directory or delete the cache"
                )
            with _transaction(self._conn):
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS scopes ("
                    " scope TEXT PRIMARY KEY, dataset TEXT NOT NULL, checker TEXT NOT NULL,"
                    " version TEXT NOT NULL, params TEXT NOT NULL, created REAL NOT NULL)"
                )
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS shards ("
                    " id INTEGER PRIMARY KEY, scope TEXT NOT NULL, created REAL NOT NULL,"
                    " verdicts TEXT NOT NULL)"
                )
                self._conn.execute("CREATE INDEX IF NOT EXISTS shards_scope ON shards (scope)")
                self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise CacheError(
                f"cannot use the cache at {self.path}: {exc}; delete it (it only saves time) "
                "or choose another --output directory"
            ) from exc

    def get_many(self, scope: CacheScope, item_ids: Iterable[str]) -> dict[str, Verdict]:
        """The cached verdicts of those ``item_ids`` of ``scope`` that are present, by item id."""
        wanted = {scope.key(item_id): item_id for item_id in item_ids}
        raw: dict[str, Any] = {}
        rows = self._conn.execute("SELECT verdicts FROM shards WHERE scope = ? ORDER BY id", (scope.hash,))
        for (text,) in rows:
            shard = _fastjson.loads(text)
            raw.update((k, v) for k, v in shard.items() if k in wanted)  # newer shards win
        found: dict[str, Verdict] = {}
        for key, data in raw.items():
            try:
                found[wanted[key]] = decode_verdict(wanted[key], data)
            except (ValueError, KeyError, TypeError):
                continue  # unreadable entry: recompute rather than fail
        return found

    def put_many(self, scope: CacheScope, entries: Iterable[tuple[str, Verdict]]) -> int:
        """Store ``(item id, verdict)`` pairs of ``scope`` as one shard, in one transaction.

        Returns how many were stored. The transaction commits before this returns, so a verdict once
        put survives a kill -9.
        """
        entries = list(entries)
        if entries:
            self.put_shard(scope, encode_shard(scope, entries))
        return len(entries)

    def put_shard(self, scope: CacheScope, text: str) -> None:
        """Store one shard of ``scope`` already encoded by :func:`encode_shard` (e.g. in a worker), in one
        transaction that commits before this returns."""
        now = time.time()
        with _transaction(self._conn):
            if scope.hash not in self._scopes:
                self._conn.execute(
                    "INSERT OR IGNORE INTO scopes VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        scope.hash,
                        scope.dataset_checksum,
                        scope.checker,
                        scope.version,
                        scope.params_json,
                        now,
                    ),
                )
            self._conn.execute(
                "INSERT INTO shards (scope, created, verdicts) VALUES (?, ?, ?)", (scope.hash, now, text)
            )
        self._scopes.add(scope.hash)

    def index(self, scope: CacheScope, retry_errors: bool = False) -> ShardIndex:
        """A :class:`ShardIndex` of ``scope``'s cached verdicts, for looking them up chunk by chunk
        (``retry_errors``: leave out verdicts that recorded a checker error, so they are recomputed)."""
        return ShardIndex(self.path, scope, retry_errors)

    def __len__(self) -> int:
        """How many distinct verdicts are stored (reads every shard; for tests and inspection)."""
        keys: set[str] = set()
        for (text,) in self._conn.execute("SELECT verdicts FROM shards"):
            keys.update(_fastjson.loads(text))
        return len(keys)

    def close(self) -> None:
        """Close the database (its WAL is checkpointed into the main file)."""
        self._conn.close()

    def __enter__(self) -> VerdictCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


HELD_VERDICTS = 20_000
"""A :class:`ShardIndex` of a scope with at most this many cached verdicts keeps them as read (a few MB),
so a dataset loaded whole, or a small streamed one, is looked up without reading its shards twice."""


class ShardIndex:
    """Which cache shard holds the newest verdict of each key of one scope, to fetch cached verdicts by chunk.

    Built with one read of the scope's shards (``SELECT … WHERE scope = ?``, through a read-only
    connection of its own: WAL lets it read beside the writer) into two sorted arrays — the first 64 bits
    of each key and the shard's row id — 16 bytes per cached verdict instead of the verdicts themselves.
    A lookup fetches just the shards that hold a chunk's keys and decodes just those verdicts (a scope of
    at most :data:`HELD_VERDICTS` keeps its entries from that one read instead). Made by
    :meth:`VerdictCache.index`. Two keys sharing 64
    bits would only make one of them be recomputed: every hit is confirmed by its full key.
    """

    def __init__(self, path: Path, scope: CacheScope, retry_errors: bool) -> None:
        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
        prefixes, rows = array("Q"), array("q")
        held: dict[str, Any] | None = {}
        query = "SELECT id, verdicts FROM shards WHERE scope = ? ORDER BY id"
        for rowid, text in self._conn.execute(query, (scope.hash,)):
            shard = _fastjson.loads(text)
            for key, data in shard.items():
                prefixes.append(int(key[:16], 16))
                rows.append(-1 if retry_errors and data[6] is not None else rowid)  # an error: recompute
            if held is not None:
                held.update(shard)  # newer shards win
                if len(held) > HELD_VERDICTS:
                    held = None
        self._held = held
        self._retry_errors = retry_errors
        keys = np.frombuffer(prefixes, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")  # shards in id order: the last of equal keys is the newest
        keys, shards = keys[order], np.frombuffer(rows, dtype=np.int64)[order]
        newest = np.ones(len(keys), dtype=bool)
        newest[:-1] = keys[1:] != keys[:-1]
        keep = newest & (shards >= 0)
        self.keys: NDArray[np.uint64] = keys[keep]
        self.shards: NDArray[np.int64] = shards[keep]

    def __len__(self) -> int:
        return len(self.keys)

    def lookup(self, scope: CacheScope, ids: Sequence[str]) -> dict[int, Verdict]:
        """The cached verdicts of the items ``ids`` that the index knows, by position in ``ids``."""
        if not len(self.keys):
            return {}
        if self._held is not None:
            return self._lookup_held(self._held, ids, scope)
        full = [scope.key(item_id) for item_id in ids]
        wanted = np.array([int(k[:16], 16) for k in full], dtype=np.uint64)
        where = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        hit = np.flatnonzero(self.keys[where] == wanted)
        if not hit.size:
            return {}
        shard_of = self.shards[where[hit]]
        texts: dict[int, str] = {}
        rowids = sorted(set(shard_of.tolist()))
        for first in range(0, len(rowids), 500):  # SQLite's limit on bound parameters
            part = rowids[first : first + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT id, verdicts FROM shards WHERE id IN ({marks})"
            texts.update(self._conn.execute(query, part).fetchall())
        shards = {rowid: _fastjson.loads(text) for rowid, text in texts.items()}
        found: dict[int, Verdict] = {}
        for position, rowid in zip(hit.tolist(), shard_of.tolist(), strict=True):
            data = shards[rowid].get(full[position])
            if data is None:
                continue
            try:
                found[position] = decode_verdict(ids[position], data)
            except (ValueError, KeyError, TypeError):
                continue  # unreadable entry: recompute rather than fail
        return found

    def _lookup_held(
        self, held: Mapping[str, Any], ids: Sequence[str], scope: CacheScope
    ) -> dict[int, Verdict]:
        """:meth:`lookup` in the entries read while building the index (a small scope): no second read."""
        found: dict[int, Verdict] = {}
        for position, item_id in enumerate(ids):
            data = held.get(scope.key(item_id))
            if data is None or (self._retry_errors and data[6] is not None):
                continue
            try:
                found[position] = decode_verdict(item_id, data)
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # unreadable entry: recompute rather than fail
        return found

    def close(self) -> None:
        self._conn.close()


class _transaction:  # noqa: N801 - used like a function: `with _transaction(conn):`
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (autocommit connections)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
