"""Datasets: a directory of JSONL files plus ``manifest.json``, read whole or streamed, one protocol for both.

:class:`DatasetSource` is what the runner, the leakage guard and scoring use of a dataset, whatever its
storage; it has two implementations. :func:`load_dataset` reads one whole into a :class:`Dataset`, its
records held in memory; :func:`open_stream` opens one as a :class:`DatasetStream`, which holds the articles
(and the claims checkers consult) and re-reads its items from disk chunk by chunk. Both validate through
the one validator (:func:`claimbench.data.validate.scan`) and raise :class:`DatasetError` listing every
problem as ``file:line: $.path: message``; :func:`iter_items` reads the items of one task from a dataset or
a single JSONL or Parquet file, checking each record's schema. Which file a task's items come from, their
gold label and their cluster are read from the table of tasks (:data:`claimbench.records.TASKS`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pandas as pd

from claimbench import _fastjson
from claimbench.data.layout import (
    FILE_KINDS,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    dataset_root,
    file_problem,
    read_manifest,
)
from claimbench.data.read import iter_records, raw_records
from claimbench.data.schema import Problem, schema_version_problem
from claimbench.data.validate import scan
from claimbench.errors import ClaimbenchError
from claimbench.records import (
    Article,
    Claim,
    Context,
    Item,
    Relation,
    TaskInfo,
    article_from_json,
    claim_from_json,
    item_cluster,
    relation_from_json,
    task_info,
    to_json,
)

STREAM_CHUNK = 4096
"""Items per chunk read by :func:`iter_items` and :meth:`DatasetSource.chunks`."""


def data_checksum(files: Mapping[str, Mapping[str, Any]]) -> str:
    """A dataset's checksum from its manifest's ``files``: one SHA-256 over the files' SHA-256s, by key.

    It changes whenever any record changes; every reader of a dataset (whole, streamed, or the runner's
    validation memo, which has only the manifest) computes it here.
    """
    joined = "\n".join(f"{k}:{files[k]['sha256']}" for k in sorted(files))
    return hashlib.sha256(joined.encode()).hexdigest()


class DatasetError(ClaimbenchError, ValueError):
    """A dataset failed validation; ``problems`` holds every problem found, sorted."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{path}: {len(self.problems)} problem(s)\n{lines}")

    def summary(self) -> str:
        """``PATH: invalid dataset, N problem(s)``."""
        return f"{self.path}: invalid dataset, {len(self.problems)} problem(s)"


@dataclass
class RawChunk:
    """Consecutive items of a task as the runner takes them: per item its id, gold label and
    cluster (what scoring needs), and its JSON line and parsed record (what the engine gets, as
    :class:`~claimbench.run.engines.RawItems`: the line for a worker process, the record for this one)."""

    kind: str
    ids: list[str] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def add(self, item_id: str, gold: str, cluster: str, line: bytes, record: dict[str, Any]) -> None:
        self.ids.append(item_id)
        self.gold.append(gold)
        self.clusters.append(cluster)
        self.lines.append(line)
        self.records.append(record)


class DatasetSource(Protocol):
    """What the runner, the leakage guard and scoring use of a validated dataset, whatever its storage.

    Implemented by :class:`Dataset` (records held in memory) and :class:`DatasetStream` (items re-read
    from disk). A task's items are those of its file that carry a gold label
    (:data:`claimbench.records.TASKS`), in file order; ``limit`` takes the first ones only.
    """

    @property
    def articles(self) -> Mapping[str, Article]:
        """The articles (a stream holds them too: they are the checkers' context)."""

    @property
    def claims(self) -> Mapping[str, Claim]:
        """The claims a stream holds for context (those in an article); a whole dataset's every claim."""

    @property
    def path(self) -> Path:
        """The dataset directory."""

    @property
    def manifest(self) -> Mapping[str, Any]:
        """The validated manifest."""

    @property
    def id(self) -> str:
        """The dataset's identifier from its manifest."""

    @property
    def version(self) -> str:
        """The dataset's semantic version from its manifest."""

    @property
    def checksum(self) -> str:
        """One SHA-256 over the data files' checksums (:func:`data_checksum`)."""

    def context(self) -> Context:
        """What checkers may consult besides their items: the articles and the claims."""

    def count(self, task: str) -> int | None:
        """How many items ``task`` has (or at most has: a stream counts its file's records), if known."""

    def chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[list[Item]]:
        """The items of ``task`` as record objects, in lists of ``size``."""

    def raw_chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[RawChunk]:
        """The items of ``task`` as the runner streams them (:class:`RawChunk`), ``size`` at a time."""

    def item_ids(self, task: str) -> Iterator[str]:
        """The ids of ``task``'s items, in file order."""

    def cluster_of(self, item: Item) -> str:
        """The article an item belongs to, for resampling by article (its own id when it has none)."""


class _Source:
    """What both implementations of :class:`DatasetSource` share: identity from the manifest, clusters
    from the held claims, and the ids and record objects of a task's items from :meth:`raw_chunks`."""

    manifest: Mapping[str, Any]
    claims: Mapping[str, Claim]

    @property
    def id(self) -> str:
        """The dataset's identifier from its manifest."""
        return str(self.manifest["id"])

    @property
    def version(self) -> str:
        """The dataset's semantic version from its manifest."""
        return str(self.manifest["version"])

    @property
    def checksum(self) -> str:
        """One SHA-256 over the data files' checksums: changes whenever any record changes."""
        return data_checksum(self.manifest["files"])

    def cluster_of(self, item: Item) -> str:
        """The article an item belongs to, for resampling by article (its own id when it has none)."""
        return item_cluster(item, self.claims)

    def item_ids(self, task: str) -> Iterator[str]:
        """The ids of the task's items, in file order."""
        for chunk in self.raw_chunks(task):
            yield from chunk.ids

    def raw_chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[RawChunk]:
        raise NotImplementedError  # pragma: no cover - each storage implements it

    def _article_of_claim(self, claim_id: str) -> str | None:
        claim = self.claims.get(claim_id)
        return claim.article_id if claim is not None else None


@dataclass(frozen=True)
class Dataset(_Source):
    """A validated dataset held in memory: its manifest and its records, keyed by id in file order."""

    path: Path
    manifest: Mapping[str, Any]
    articles: Mapping[str, Article]
    claims: Mapping[str, Claim]
    relations: Mapping[str, Relation] = field(default_factory=dict)

    def context(self) -> Context:
        """What checkers may consult besides their items."""
        return Context(articles=self.articles, claims=self.claims)

    def items(self, task: str) -> list[Item]:
        """The items of ``task`` that carry a gold label, in file order."""
        info = task_info(task)
        return [item for item in self._records(info) if info.gold_of(item) is not None]

    def _records(self, info: TaskInfo) -> Iterable[Item]:
        held: Mapping[str, Mapping[str, Item]] = {"claims": self.claims, "relations": self.relations}
        return held[info.file].values()

    def count(self, task: str) -> int:
        """How many items ``task`` has."""
        return len(self.items(task))

    def chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[list[Item]]:
        """The items of ``task`` in lists of ``size`` (the first ``limit``), as :meth:`items`."""
        return _chunked(self.items(task), size, limit)

    def raw_chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[RawChunk]:
        """As :meth:`chunks`, each item as :meth:`DatasetStream.raw_chunks` gives it (its JSON line the
        compact JSON of its record)."""
        info = task_info(task)
        for items in self.chunks(task, size, limit):
            chunk = RawChunk(info.kind)
            for item in items:
                record = to_json(item)
                line = _fastjson.dumps(record).encode("utf-8")
                chunk.add(item.id, str(info.gold_of(item)), self.cluster_of(item), line, record)
            yield chunk

    def to_frame(
        self, kind: Literal["claims", "relations", "articles", "quantities"] = "claims"
    ) -> pd.DataFrame:
        """One table of the dataset: claims (flattened attribution and gold label), relations, articles
        or quantities (one row per quantity, with its claim id)."""
        if kind == "claims":
            rows = [_claim_row(c) for c in self.claims.values()]
            columns = list(_claim_row(Claim(id="", text="")).keys())
        elif kind == "relations":
            rows = [to_json(r) for r in self.relations.values()]
            columns = [f for f in Relation.__dataclass_fields__]
        elif kind == "articles":
            rows = [to_json(a) for a in self.articles.values()]
            columns = [f for f in Article.__dataclass_fields__]
        elif kind == "quantities":
            rows = [
                {"claim_id": c.id, **to_json_quantity(q)} for c in self.claims.values() for q in c.quantities
            ]
            columns = ["claim_id", "span", "text", "value", "unit", "qualifier", "entity"]
        else:
            raise ValueError(f"unknown table {kind!r}; choose claims, relations, articles or quantities")
        return pd.DataFrame(rows, columns=columns)


def to_json_quantity(q: Any) -> dict[str, Any]:
    """A quantity record as a flat dict (for tables)."""
    return {
        "span": tuple(q.span),
        "text": q.text,
        "value": q.value,
        "unit": q.unit,
        "qualifier": q.qualifier,
        "entity": q.entity,
    }


def _claim_row(c: Claim) -> dict[str, Any]:
    att = c.attribution
    gold = c.numeric_consistency
    return {
        "id": c.id,
        "article_id": c.article_id,
        "start": c.span[0] if c.span else None,
        "end": c.span[1] if c.span else None,
        "text": c.text,
        "section": c.section,
        "claim_type": c.claim_type,
        "check_worthiness": c.check_worthiness,
        "source_id": att.source_id if att else None,
        "speaker": att.speaker if att else None,
        "speaker_type": att.speaker_type if att else None,
        "verb": att.verb if att else None,
        "n_quantities": len(c.quantities),
        "n_times": len(c.times),
        "proposition": c.proposition,
        "numeric_consistency": gold.label if gold else None,
        "rationale": gold.rationale if gold else None,
    }


def read_manifest_text(root: Path) -> str:
    """The text of ``root/manifest.json``, read only if it is a regular file inside ``root`` of at most
    :data:`~claimbench.data.layout.MAX_MANIFEST_BYTES`; raises :class:`OSError` (or
    ``UnicodeDecodeError``) otherwise."""
    problem = file_problem(root, MANIFEST, MAX_MANIFEST_BYTES)
    if problem is not None:
        raise OSError(f"{root / MANIFEST} {problem}")
    return (root / MANIFEST).read_text(encoding="utf-8")


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate the dataset directory at ``path`` (or the directory of a ``manifest.json``).

    Raises :class:`DatasetError` listing every problem when anything is wrong.
    """
    dataset, problems = _load(Path(path))
    if problems or dataset is None:
        raise DatasetError(Path(path), problems)
    return dataset


def validate_dataset(path: str | Path) -> tuple[Dataset | None, list[Problem]]:
    """Validate without raising: the dataset when valid, and every problem found (sorted)."""
    dataset, problems = _load(Path(path))
    return (dataset if not problems else None), sorted(problems)


def _open(path: Path) -> tuple[Path, dict[str, Any] | None, list[Problem]]:
    """The dataset directory of ``path`` and its validated manifest of a readable schema version, or
    ``None`` and the problems (what every reading of a dataset checks first)."""
    root = dataset_root(path)
    if not root.is_dir():
        return root, None, [Problem(str(root), 0, "$", "not a dataset directory (does not exist)")]
    manifest, problems = read_manifest(root)
    if manifest is None:
        return root, None, problems
    if (too_new := schema_version_problem(manifest, str(root / MANIFEST))) is not None:
        return root, None, [too_new]
    return root, manifest, []


def _load(path: Path) -> tuple[Dataset | None, list[Problem]]:
    root, manifest, problems = _open(path)
    if manifest is None:
        return None, problems
    held: dict[str, dict[str, Any]] = {"claims": {}, "relations": {}}

    def keep(key: str, record: dict[str, Any]) -> None:
        records = held[key]
        if record["id"] not in records:
            records[record["id"]] = claim_from_json(record) if key == "claims" else relation_from_json(record)

    articles, problems = scan(root, manifest, keep=keep)
    if problems:
        return None, problems
    return (
        Dataset(
            path=root,
            manifest=manifest,
            articles={i: article_from_json(r) for i, (_, r) in articles.items()},
            claims=held["claims"],
            relations=held["relations"],
        ),
        [],
    )


@dataclass(frozen=True)
class DatasetStream(_Source):
    """A validated dataset whose items stay on disk: read chunk by chunk, never all held at once.

    What a checker may consult is held (:meth:`context`): every article, and the claims that lie in an
    article (``claims``) — or every claim when the dataset has relations, which point at claims. The
    items of a task are re-read from their file by :meth:`chunks`, which checks the file's SHA-256
    against the manifest as it goes, so the data scored is the data validated.
    """

    path: Path
    manifest: Mapping[str, Any]
    articles: Mapping[str, Article]
    claims: Mapping[str, Claim]

    def context(self) -> Context:
        """The articles and the claims checkers consult (not the streamed standalone claims)."""
        return Context(articles=self.articles, claims=self.claims)

    def count(self, task: str) -> int | None:
        """How many records the task's file holds, from the manifest (an upper bound on its items)."""
        value = self.manifest["counts"].get(task_info(task).file)
        return int(value) if isinstance(value, int) else None

    def chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[list[Item]]:
        """The items of ``task`` with a gold label, in file order, in lists of ``size`` (the first ``limit``).

        Raises :class:`DatasetError` when the file no longer matches the manifest's SHA-256 (it was
        changed after validation); a read stopped by ``limit`` is not checked.
        """
        info = task_info(task)
        for chunk in self.raw_chunks(task, size, limit):
            yield [info.item(record) for record in chunk.records]

    def raw_chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[RawChunk]:
        """As :meth:`chunks`, but each item as the runner streams it: its id, gold label and cluster, and
        its JSON line and parsed record, not yet a record object (see :class:`RawChunk`)."""
        if size < 1:
            raise ValueError(f"chunk size must be at least 1, got {size}")
        info = task_info(task)
        files = self.manifest["files"]
        if info.file not in files:
            return
        digest = hashlib.sha256()
        chunk, n, stopped = RawChunk(info.kind), 0, False
        for raw, record in raw_records(self.path / files[info.file]["path"], info.kind, digest):
            label = info.gold(record)
            if label is None:
                continue
            if limit is not None and n >= limit:
                stopped = True  # a read stopped early is not checked against the manifest
                break
            n += 1
            chunk.add(record["id"], label, info.cluster(record, self._article_of_claim), raw, record)
            if len(chunk.ids) == size:
                yield chunk
                chunk = RawChunk(info.kind)
        if chunk.ids:
            yield chunk
        if not stopped and digest.hexdigest() != files[info.file]["sha256"]:
            raise DatasetError(
                self.path,
                [
                    Problem(
                        str(self.path / MANIFEST),
                        0,
                        f"$.files.{info.file}.sha256",
                        f"{files[info.file]['path']} changed while the run read it; its checksum no longer "
                        "matches the manifest",
                    )
                ],
            )


def validate_stream(path: str | Path) -> tuple[DatasetStream | None, list[Problem]]:
    """As :func:`validate_dataset` — the same problems, sorted — in one streaming pass that holds the
    articles and 16 bytes per record, not the records (what ``claimbench validate`` runs): the stream,
    without a context's claims, when valid."""
    try:
        return open_stream(path, context=False), []
    except DatasetError as exc:
        return None, list(exc.problems)


def open_stream(path: str | Path, *, validate: bool = True, context: bool = True) -> DatasetStream:
    """Validate the dataset directory at ``path`` in one streaming pass, and return it as a stream.

    The checks are those of :func:`load_dataset`, made by the same validator
    (:func:`claimbench.data.validate.scan`) while holding only the articles and the claims the context
    keeps; every problem is raised at once as :class:`DatasetError`, exactly those :func:`load_dataset`
    reports.

    ``validate=False`` trusts the records (the caller validated this checksum before) and only reads
    what the context needs, checking the files' SHA-256 against the manifest. ``context=False`` keeps
    no claims (the stream's ``claims`` is empty): for validating only.
    """
    path = Path(path)
    root, manifest, problems = _open(path)
    if manifest is None:
        raise DatasetError(path, problems)
    keep_all = "relations" in manifest["files"]
    claims: dict[str, Claim] = {}

    def keep(key: str, record: dict[str, Any]) -> None:
        if key == "claims" and (keep_all or record.get("article_id") is not None):
            claims[record["id"]] = claim_from_json(record)

    articles, problems = scan(root, manifest, validate=validate, keep=keep if context else None)
    if problems:
        raise DatasetError(path, problems)
    return DatasetStream(
        path=root,
        manifest=manifest,
        articles={i: article_from_json(r) for i, (_, r) in articles.items()},
        claims=claims,
    )


def _chunked(items: Iterable[Item], size: int, limit: int | None = None) -> Iterator[list[Item]]:
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    chunk: list[Item] = []
    for n, item in enumerate(items):
        if limit is not None and n >= limit:
            break
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_items(
    path: str | Path,
    task: str,
    chunk_size: int = STREAM_CHUNK,
    *,
    problems: list[Problem] | None = None,
) -> Iterator[list[Item]]:
    """The items of ``task`` (those with a gold label) in lists of ``chunk_size``, read line by line.

    ``path`` is a dataset directory (its manifest names the task's file, :data:`claimbench.records.TASKS`)
    or one JSONL or Parquet file of such records. Every record is checked against its schema as it is
    read; a malformed one is skipped and reported as ``file:line: $.path: message``: appended to
    ``problems`` when given, else raised together at the end as :class:`DatasetError` (after the valid
    items were yielded). Checks across records (spans against article texts, dangling ids, duplicates,
    checksums) need the other files: :func:`open_stream` makes them, in one streaming pass.
    """
    path = Path(path)
    info = task_info(task)
    found: list[Problem] = problems if problems is not None else []
    file = path
    if path.is_dir() or path.name == MANIFEST:
        root = dataset_root(path)
        manifest, manifest_problems = read_manifest(root)
        if manifest is None:
            found.extend(manifest_problems)
            if problems is None:
                raise DatasetError(path, found)
            return
        if info.file not in manifest["files"]:
            return
        file = root / manifest["files"][info.file]["path"]
    records = iter_records(file, FILE_KINDS[info.file], str(file), problems=found)
    yield from _chunked((info.item(r) for _, r in records if info.gold(r) is not None), chunk_size)
    if problems is None and found:
        raise DatasetError(path, found)


if TYPE_CHECKING:  # both storages implement the protocol (checked by mypy)

    def _implements(whole: Dataset, stream: DatasetStream) -> tuple[DatasetSource, DatasetSource]:
        return whole, stream
