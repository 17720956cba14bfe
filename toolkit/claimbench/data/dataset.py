"""Datasets: a directory of JSONL files plus ``manifest.json``, validated whole and loaded as records.

``load_dataset`` is the only way in: it runs every schema check (:mod:`claimbench.data.schema`) and every
semantic check below, and either returns a :class:`Dataset` or raises :class:`DatasetError` listing all
problems as ``file:line: $.path: message``.

Datasets too large for memory are **streamed** (the end of this module): :func:`open_stream` validates a
dataset directory in one pass that holds only the articles (and the claims checkers consult), and
returns a :class:`DatasetStream` whose items are re-read from disk chunk by chunk; :func:`iter_items`
reads the items of one task from a dataset or a single JSONL or Parquet file, validating each record.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shlex
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from claimbench import _json
from claimbench._io import sha256_file, write_text
from claimbench.data.schema import (
    Problem,
    iter_jsonl,
    read_json,
    read_jsonl,
    record_is_valid,
    schema_version_problem,
)
from claimbench.errors import ClaimbenchError
from claimbench.records import (
    NUMERIC_CONSISTENCY,
    SOURCE_AGREEMENT,
    Article,
    Claim,
    Context,
    Item,
    Relation,
    article_from_json,
    claim_from_json,
    relation_from_json,
    to_json,
)

MANIFEST = "manifest.json"
FILE_KINDS: Mapping[str, str] = {"articles": "article", "claims": "claim", "relations": "relation"}
"""Manifest file keys → record kinds (schema names)."""
DEFAULT_FILES: Mapping[str, str] = {
    "articles": "articles.jsonl",
    "claims": "claims.jsonl",
    "relations": "relations.jsonl",
}


def data_checksum(files: Mapping[str, Mapping[str, Any]]) -> str:
    """A dataset's checksum from its manifest's ``files``: one SHA-256 over the files' SHA-256s, by key.

    It changes whenever any record changes; every reader of a dataset (whole, streamed, or the runner's
    validation memo, which has only the manifest) computes it here.
    """
    joined = "\n".join(f"{k}:{files[k]['sha256']}" for k in sorted(files))
    return hashlib.sha256(joined.encode()).hexdigest()


def cluster_of(item_id: str, article_id: str | None, other_article_id: str | None = None) -> str:
    """The cluster an item is resampled with: the article it belongs to, by one rule everywhere.

    A relation's other article when it names one, else its claim's article (for a claim, its own), else
    the item's own id (an item with no article is a cluster of one).
    """
    if other_article_id is not None:
        return other_article_id
    if article_id is not None:
        return article_id
    return item_id


def _cluster_of_item(item: Item, claims: Mapping[str, Claim]) -> str:
    """:func:`cluster_of` for a record: a relation's claim is looked up in ``claims``."""
    if isinstance(item, Relation):
        claim = claims.get(item.claim_id) if item.other_article_id is None else None
        return cluster_of(item.id, claim.article_id if claim is not None else None, item.other_article_id)
    return cluster_of(item.id, item.article_id)


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


class _Identity:
    """What a dataset is known by, read from its manifest: shared by :class:`Dataset` and
    :class:`DatasetStream` (each a dataclass with a ``manifest`` field)."""

    manifest: Mapping[str, Any]

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


@dataclass(frozen=True)
class Dataset(_Identity):
    """A validated dataset: its manifest and its records, keyed by id in file order."""

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
        if task == NUMERIC_CONSISTENCY:
            return [c for c in self.claims.values() if c.numeric_consistency is not None]
        if task == SOURCE_AGREEMENT:
            return list(self.relations.values())
        raise ValueError(f"unknown task {task!r}; known: {NUMERIC_CONSISTENCY}, {SOURCE_AGREEMENT}")

    def cluster_of(self, item: Item) -> str:
        """The article an item belongs to, for resampling by article (its own id when it has none)."""
        return _cluster_of_item(item, self.claims)

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


MAX_FILE_BYTES = 16 * 1024**3
"""The largest data file a manifest may name (16 GiB), unless ``CLAIMBENCH_MAX_FILE_BYTES`` says otherwise."""
MAX_FILE_BYTES_ENV = "CLAIMBENCH_MAX_FILE_BYTES"
"""Environment variable overriding :data:`MAX_FILE_BYTES` (a whole number of bytes)."""
MAX_MANIFEST_BYTES = 16 * 1024**2
"""The largest ``manifest.json`` read (16 MiB; a manifest is a few hundred bytes)."""


def max_file_bytes() -> int:
    """:data:`MAX_FILE_BYTES`, or the value of ``CLAIMBENCH_MAX_FILE_BYTES`` when set.

    Raises :class:`ValueError` when the variable is set to anything but a positive whole number.
    """
    raw = os.environ.get(MAX_FILE_BYTES_ENV)
    if raw is None:
        return MAX_FILE_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{MAX_FILE_BYTES_ENV}={raw!r} is not a positive whole number of bytes")
    return value


def _file_problem(root: Path, relative: str, limit: int) -> str | None:
    """Why the file ``relative`` (as a manifest names it) must not be read from dataset directory ``root``.

    Refused: a path that resolves outside ``root`` (``..``, an absolute path, a symlink leaving it), a
    file that is not a regular file (a device such as ``/dev/zero``, a FIFO, a directory) and one larger
    than ``limit`` bytes. A missing file is left to the reader, which reports it as not found.
    """
    try:
        base = root.resolve(strict=True)
        real = (root / relative).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return f"cannot be resolved: {exc}"
    if not real.is_relative_to(base):
        return f"resolves outside the dataset directory (to {real})"
    try:
        info = real.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a directory, device or pipe)"
    if info.st_size > limit:
        return (
            f"is {info.st_size} bytes, more than the limit of {limit} bytes "
            f"(set {MAX_FILE_BYTES_ENV} to raise it)"
        )
    return None


def read_manifest_text(root: Path) -> str:
    """The text of ``root/manifest.json``, read only if it is a regular file inside ``root`` of at most
    :data:`MAX_MANIFEST_BYTES`; raises :class:`OSError` (or ``UnicodeDecodeError``) otherwise."""
    problem = _file_problem(root, MANIFEST, MAX_MANIFEST_BYTES)
    if problem is not None:
        raise OSError(f"{root / MANIFEST} {problem}")
    return (root / MANIFEST).read_text(encoding="utf-8")


def _read_manifest(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The validated manifest of dataset directory ``root``, or ``None`` and every problem.

    Besides its schema, every data file it names must be safe to read (:func:`_file_problem`): a
    manifest naming one that is not is refused whole, before any file is opened.
    """
    manifest_path = root / MANIFEST
    problem = _file_problem(root, MANIFEST, MAX_MANIFEST_BYTES)
    if problem is not None:
        return None, [Problem(str(manifest_path), 0, "$", problem)]
    manifest, problems = read_json(manifest_path, "manifest")
    if manifest is None:
        return None, problems
    try:
        limit = max_file_bytes()
    except ValueError as exc:
        return None, [Problem(str(manifest_path), 0, "$.files", str(exc))]
    text = manifest_path.read_text(encoding="utf-8", errors="replace")
    for key in sorted(manifest["files"]):
        relative = manifest["files"][key]["path"]
        problem = _file_problem(root, relative, limit)
        if problem is not None:
            problems.append(
                Problem(str(manifest_path), _line_of_path(text, key), f"$.files.{key}.path", problem)
            )
    return (None if problems else manifest), problems


def _line_of_path(text: str, key: str) -> int:
    """The line of ``files.<key>.path`` in a manifest's text: the first ``"path"`` after ``"files"`` and
    ``"<key>"`` (best effort, as :func:`claimbench.data.schema.read_json` locates problems; else line 1)."""
    index = 0
    for word in ("files", key, "path"):
        index = text.find(f'"{word}"', index)
        if index < 0:
            return 1
    return text.count("\n", 0, index) + 1


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


def _load(path: Path) -> tuple[Dataset | None, list[Problem]]:
    root = path.parent if path.name == MANIFEST else path
    manifest_path = root / MANIFEST
    if not root.is_dir():
        return None, [Problem(str(root), 0, "$", "not a dataset directory (does not exist)")]
    manifest, problems = _read_manifest(root)
    if manifest is None:
        return None, problems
    if (too_new := schema_version_problem(manifest, str(manifest_path))) is not None:
        return None, [too_new]

    files = manifest["files"]
    loaded: dict[str, list[tuple[int, dict[str, Any]]]] = {k: [] for k in FILE_KINDS}
    invalid: dict[str, set[str]] = {k: set() for k in FILE_KINDS}
    for key, kind in FILE_KINDS.items():
        if key not in files:
            continue
        file_path = root / files[key]["path"]
        display = str(file_path)
        records, found = read_jsonl(file_path, kind, display, invalid_ids=invalid[key])
        loaded[key] = records
        problems.extend(found)
        if file_path.is_file():
            actual = sha256_file(file_path)
            if actual != files[key]["sha256"]:
                problems.append(
                    Problem(
                        str(manifest_path),
                        0,
                        f"$.files.{key}.sha256",
                        f"checksum mismatch for {files[key]['path']}: manifest says "
                        f"{files[key]['sha256']}, file has {actual}; if the change is intended, "
                        f"bump the version and run: {_manifest_command(root)}",
                    )
                )
        count = manifest["counts"].get(key)
        if count is not None and not found and count != len(records):
            problems.append(
                Problem(
                    str(manifest_path),
                    0,
                    f"$.counts.{key}",
                    f"manifest says {count} {key}, {files[key]['path']} has {len(records)}",
                )
            )
    for key in ("relations",):
        if key not in files and manifest["counts"].get(key, 0):
            problems.append(
                Problem(
                    str(manifest_path),
                    0,
                    f"$.counts.{key}",
                    f"counts {key} but lists no {key} file",
                )
            )

    names = {k: str(root / files[k]["path"]) for k in files}
    articles = _unique(loaded["articles"], names.get("articles", ""), problems)
    claims = _unique(loaded["claims"], names.get("claims", ""), problems)
    relations = _unique(loaded["relations"], names.get("relations", ""), problems)
    problems.extend(_claim_problems(claims, articles, invalid["articles"], names.get("claims", "")))
    ids = set(claims) | invalid["claims"]
    problems.extend(_reference_problems(claims, ids.__contains__, names.get("claims", "")))
    problems.extend(_relation_problems(relations, claims, articles, invalid, names.get("relations", "")))
    if problems:
        return None, problems
    return (
        Dataset(
            path=root,
            manifest=manifest,
            articles={i: article_from_json(r) for i, (_, r) in articles.items()},
            claims={i: claim_from_json(r) for i, (_, r) in claims.items()},
            relations={i: relation_from_json(r) for i, (_, r) in relations.items()},
        ),
        [],
    )


Indexed = dict[str, tuple[int, dict[str, Any]]]


def _unique(records: Iterable[tuple[int, dict[str, Any]]], file: str, problems: list[Problem]) -> Indexed:
    seen: Indexed = {}
    for line, record in records:
        rid = record["id"]
        if rid in seen:
            problems.append(
                Problem(file, line, "$.id", f"duplicate id {rid!r} (first on line {seen[rid][0]})")
            )
        else:
            seen[rid] = (line, record)
    return seen


def _claim_problems(
    claims: Indexed, articles: Indexed, invalid_articles: set[str], file: str
) -> Iterable[Problem]:
    for line, claim in claims.values():
        article_id = claim.get("article_id")
        span = claim.get("span")
        if article_id is None:
            if span is not None:
                yield Problem(file, line, "$.span", "a span needs an article_id to point into")
            base_text, base = claim["text"], 0
        else:
            if article_id not in articles:
                if article_id not in invalid_articles:
                    yield Problem(file, line, "$.article_id", f"no article with id {article_id!r}")
                continue
            text = articles[article_id][1]["text"]
            if span is None:
                yield Problem(file, line, "$.span", "required when article_id is set")
                continue
            yield from _span_problems(file, line, "$.span", span, text, claim["text"])
            base_text, base = text, 0
        inside = (span[0], span[1]) if span is not None else (0, len(claim["text"]))
        for kind in ("quantities", "times"):
            for i, part in enumerate(claim.get(kind, ())):
                where = f"$.{kind}[{i}].span"
                s, e = part["span"]
                if not (inside[0] <= s <= e <= inside[1]):
                    yield Problem(
                        file,
                        line,
                        where,
                        f"[{s}, {e}) lies outside the claim's span [{inside[0]}, {inside[1]})",
                    )
                    continue
                yield from _span_problems(file, line, where, part["span"], base_text, part["text"], base)
        for i, quantity in enumerate(claim.get("quantities", ())):
            message = _unit_problem(quantity["unit"])
            if message:
                yield Problem(file, line, f"$.quantities[{i}].unit", message)
        for i, time in enumerate(claim.get("times", ())):
            message = _iso_problem(time["value"])
            if message:
                yield Problem(file, line, f"$.times[{i}].value", message)
        att = claim.get("attribution") or {}
        chain = claim.get("attributions", ())
        if article_id is not None:
            located = [("$.attribution", att)] + [(f"$.attributions[{i}]", a) for i, a in enumerate(chain)]
            for where, one in located:
                for key in ("speaker_span", "verb_span"):
                    if one.get(key) is not None:
                        s, e = one[key]
                        if not 0 <= s <= e <= len(base_text):
                            yield Problem(
                                file, line, f"{where}.{key}", f"[{s}, {e}) lies outside the article"
                            )
        if chain and _set_fields(chain[-1]) != _set_fields(att):
            yield Problem(
                file,
                line,
                f"$.attributions[{len(chain) - 1}]",
                "the last (innermost) attribution must equal `attribution`, the source asserting the claim",
            )


def _set_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _reference_problems(claims: Indexed, known: Callable[[str], bool], file: str) -> Iterable[Problem]:
    """``numeric_consistency.other_claim_ids`` that name no claim of the dataset, or the claim itself."""
    for line, claim in claims.values():
        others = (claim.get("numeric_consistency") or {}).get("other_claim_ids", ())
        for i, other in enumerate(others):
            where = f"$.numeric_consistency.other_claim_ids[{i}]"
            if other == claim["id"]:
                yield Problem(file, line, where, "a cross-claim check needs another claim, not this one")
            elif not known(other):
                yield Problem(file, line, where, f"no claim with id {other!r}")


def _span_problems(
    file: str, line: int, where: str, span: Sequence[int], text: str, expected: str, base: int = 0
) -> Iterable[Problem]:
    s, e = span[0] - base, span[1] - base
    if s > e:
        yield Problem(file, line, where, f"start {span[0]} is after end {span[1]}")
    elif e > len(text):
        yield Problem(file, line, where, f"end {span[1]} is past the end of the text ({len(text)})")
    elif text[s:e] != expected:
        yield Problem(
            file,
            line,
            where,
            f"text at [{span[0]}, {span[1]}) is {_clip(text[s:e])!r}, not {_clip(expected)!r}",
        )


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _relation_problems(
    relations: Indexed, claims: Indexed, articles: Indexed, invalid: Mapping[str, set[str]], file: str
) -> Iterable[Problem]:
    for line, rel in relations.values():
        if rel["claim_id"] in invalid["claims"] or rel.get("other_claim_id") in invalid["claims"]:
            continue  # the claim's own problem is reported already
        first = claims.get(rel["claim_id"])
        if first is None:
            yield Problem(file, line, "$.claim_id", f"no claim with id {rel['claim_id']!r}")
        if (
            "other_article_id" in rel
            and rel["other_article_id"] not in articles
            and rel["other_article_id"] not in invalid["articles"]
        ):
            yield Problem(file, line, "$.other_article_id", f"no article with id {rel['other_article_id']!r}")
        if "other_claim_id" not in rel:
            continue
        other = claims.get(rel["other_claim_id"])
        if other is None:
            yield Problem(file, line, "$.other_claim_id", f"no claim with id {rel['other_claim_id']!r}")
            continue
        if rel["other_claim_id"] == rel["claim_id"]:
            yield Problem(file, line, "$.other_claim_id", "a claim cannot be related to itself")
        elif first is not None:
            a = (first[1].get("attribution") or {}).get("source_id")
            b = (other[1].get("attribution") or {}).get("source_id")
            if a is None or b is None:
                yield Problem(file, line, "$", "both claims need an attribution to compare their sources")
            elif a == b:
                yield Problem(
                    file,
                    line,
                    "$.other_claim_id",
                    f"both claims come from the same source {a!r}; relations compare different sources",
                )


@lru_cache(maxsize=4096)  # a dataset states a few units thousands of times; pint parses each once
def _unit_problem(unit: str) -> str | None:
    """Why ``unit`` is not one the numeric checker can read, or ``None``: validation asks the checker's
    own registry (:func:`claimbench.text.quantities.unit_registry`, currencies included), so a dataset is
    valid exactly when its units can be checked."""
    from claimbench.text.quantities import unit_registry  # lazy: pint is imported only when units are checked

    try:
        unit_registry().parse_units(unit)
    except Exception as exc:  # noqa: BLE001 - pint raises several types for bad units
        return f"{unit!r} is not a unit pint understands ({type(exc).__name__})"
    return None


def _iso_problem(value: str) -> str | None:
    for part in value.split("/"):
        if part.startswith("P"):
            continue  # a duration (the pattern checks its form), alone or anchoring a date (P2M/2016-10-17)
        try:
            _dt.date.fromisoformat(part[:10])
        except ValueError:
            return f"{part!r} is not a valid calendar date"
    return None


def write_dataset(
    root: str | Path,
    *,
    manifest: Mapping[str, Any],
    articles: Iterable[Article] = (),
    claims: Iterable[Claim] = (),
    relations: Iterable[Relation] = (),
) -> Path:
    """Write records as a dataset directory with a fresh manifest (checksums and counts filled in).

    ``manifest`` holds everything but ``files`` and ``counts``. Each file is written atomically; the
    manifest last, so an interrupted write never leaves a manifest that vouches for missing data.
    """
    root = Path(root)
    groups: dict[str, list[Any]] = {
        "articles": list(articles),
        "claims": list(claims),
        "relations": list(relations),
    }
    for key, records in groups.items():
        if records or key == "claims":
            write_text(root / DEFAULT_FILES[key], "".join(_json_line(to_json(r)) for r in records))
    return update_manifest(root, dict(manifest))


def update_manifest(root: str | Path, manifest: dict[str, Any] | None = None) -> Path:
    """Recompute the ``files`` checksums and ``counts`` of the dataset at ``root`` and rewrite its manifest.

    The data files present under their default names are listed. Other fields are kept as they are.
    """
    root = Path(root)
    path = root / MANIFEST
    if manifest is None:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    files: dict[str, dict[str, str]] = {}
    counts: dict[str, int] = {}
    for key, name in DEFAULT_FILES.items():
        file = root / name
        if file.is_file():
            files[key] = {"path": name, "sha256": sha256_file(file)}
            with file.open("rb") as handle:
                counts[key] = sum(1 for _ in handle)
        else:
            counts[key] = 0
    manifest["files"] = files
    manifest["counts"] = {**manifest.get("counts", {}), **counts}
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
        write_text(path, text)
    return path


def refresh_manifest(root: str | Path) -> tuple[bool | None, list[Problem]]:
    """What ``claimbench manifest`` does: recompute the checksums and counts of ``root``'s own manifest.

    Returns ``(changed, problems)``: ``changed`` is whether the file was rewritten, or ``None`` when it could
    not be, and ``problems`` are then the reasons (no directory, no manifest, not JSON, a field other than
    ``files`` and ``counts`` failing the schema: those are the user's to fix, never guessed). Schema problems
    in ``files`` and ``counts`` do not block, since those two are what is recomputed.
    """
    root = Path(root)
    root = root.parent if root.name == MANIFEST else root
    path = root / MANIFEST
    if not root.is_dir():
        return None, [Problem(str(root), 0, "$", "not a dataset directory (does not exist)")]
    manifest, problems = read_json(path, "manifest")
    if manifest is None:
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON: as read_json said
            return None, problems
        blocking = [p for p in problems if not p.path.startswith(("$.files", "$.counts"))]
        if blocking or not isinstance(value, dict):
            return None, blocking or problems
        manifest = value
    before = path.read_bytes()
    update_manifest(root, manifest)
    return path.read_bytes() != before, []


def _manifest_command(root: Path) -> str:
    """The command that recomputes ``root``'s manifest, as a user would type it."""
    return f"claimbench manifest {shlex.quote(str(root))}"


def _json_line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"


# ---------------------------------------------------------------------------------------------- streaming

STREAM_CHUNK = 4096
"""Items per chunk read by :func:`iter_items` and :meth:`DatasetStream.chunks`."""

TASK_FILES: Mapping[str, str] = {NUMERIC_CONSISTENCY: "claims", SOURCE_AGREEMENT: "relations"}
"""Task → the manifest file key whose records are its items."""


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


def _gold_items(task: str, records: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[Item]:
    """The items of ``task`` that carry a gold label, built from validated records."""
    if task == NUMERIC_CONSISTENCY:
        for _, record in records:
            if record.get("numeric_consistency") is not None:
                yield claim_from_json(record)
    elif task == SOURCE_AGREEMENT:
        for _, record in records:
            yield relation_from_json(record)
    else:
        raise ValueError(f"unknown task {task!r}; known: {NUMERIC_CONSISTENCY}, {SOURCE_AGREEMENT}")


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

    ``path`` is a dataset directory (its manifest names the file: claims for ``numeric_consistency``,
    relations for ``source_agreement``) or one JSONL or Parquet file of such records. Every record is
    checked against its schema as it is read; a malformed one is skipped and reported as
    ``file:line: $.path: message``: appended to ``problems`` when given, else raised together at the end
    as :class:`DatasetError` (after the valid items were yielded). Checks across records (spans against
    article texts, dangling ids, duplicates, checksums) need the other files: :func:`open_stream` makes
    them, in one streaming pass.
    """
    path = Path(path)
    key = TASK_FILES.get(task)
    if key is None:
        raise ValueError(f"unknown task {task!r}; known: {NUMERIC_CONSISTENCY}, {SOURCE_AGREEMENT}")
    found: list[Problem] = problems if problems is not None else []
    file = path
    if path.is_dir() or path.name == MANIFEST:
        root = path.parent if path.name == MANIFEST else path
        manifest, manifest_problems = _read_manifest(root)
        if manifest is None:
            found.extend(manifest_problems)
            if problems is None:
                raise DatasetError(path, found)
            return
        if key not in manifest["files"]:
            return
        file = root / manifest["files"][key]["path"]
    records = iter_records(file, FILE_KINDS[key], str(file), problems=found)
    yield from _chunked(_gold_items(task, records), chunk_size)
    if problems is None and found:
        raise DatasetError(path, found)


def _id_hash(item_id: str) -> int:
    """A 64-bit hash of an id: duplicates are found among these (8 bytes per record, not a set of ids)."""
    return int.from_bytes(
        hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )


@dataclass
class RawChunk:
    """Consecutive items of a streamed task as the runner takes them: per item its id, gold label and
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


def _raw_records(path: Path, kind: str, digest: Any) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The JSON line and parsed record of every record of a validated file (Parquet rows as JSON)."""
    if path.suffix == ".parquet":
        for _, record in iter_records(path, kind, validate=False, digest=digest):
            yield json.dumps(record, ensure_ascii=False).encode("utf-8"), record
        return
    with path.open("rb") as handle:
        for raw in handle:
            digest.update(raw)
            yield raw, _json.loads(raw)


@dataclass(frozen=True)
class DatasetStream(_Identity):
    """A validated dataset whose items stay on disk: read chunk by chunk, never all held at once.

    What a checker may consult is held (:meth:`context`): every article, and the claims that lie in an
    article (``claims``) — or every claim when the dataset has relations, which point at claims. The
    items of a task — claims for numeric consistency, relations for source agreement — are re-read from
    their file by :meth:`chunks`, which checks the file's SHA-256 against the manifest as it goes, so
    the data scored is the data validated. Has the identity of :class:`Dataset` (``id``, ``version``,
    ``checksum``, ``path``, ``manifest``) and its ``cluster_of``.
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
        value = self.manifest["counts"].get(TASK_FILES[task])
        return int(value) if isinstance(value, int) else None

    def chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[list[Item]]:
        """The items of ``task`` with a gold label, in file order, in lists of ``size`` (the first ``limit``).

        Raises :class:`DatasetError` when the file no longer matches the manifest's SHA-256 (it was
        changed after validation); a read stopped by ``limit`` is not checked.
        """
        build = claim_from_json if TASK_FILES[task] == "claims" else relation_from_json
        for chunk in self.raw_chunks(task, size, limit):
            yield [build(record) for record in chunk.records]

    def raw_chunks(self, task: str, size: int = STREAM_CHUNK, limit: int | None = None) -> Iterator[RawChunk]:
        """As :meth:`chunks`, but each item as the runner streams it: its id, gold label and cluster, and
        its JSON line and parsed record, not yet a record object (see :class:`RawChunk`)."""
        key = TASK_FILES[task]
        files = self.manifest["files"]
        if key not in files:
            return
        file = self.path / files[key]["path"]
        kind = FILE_KINDS[key]
        digest = hashlib.sha256()
        chunk, n, stopped = RawChunk(kind), 0, False
        for raw, record in _raw_records(file, kind, digest):
            if kind == "claim":
                gold = record.get("numeric_consistency")
                if gold is None:
                    continue
                label, cluster = gold["label"], cluster_of(record["id"], record.get("article_id"))
            else:
                label, other = record["label"], record.get("other_article_id")
                claim = self.claims.get(record["claim_id"]) if other is None else None
                article = claim.article_id if claim is not None else None
                cluster = cluster_of(record["id"], article, other)
            if limit is not None and n >= limit:
                stopped = True  # a read stopped early is not checked against the manifest
                break
            n += 1
            chunk.add(record["id"], label, cluster, raw, record)
            if len(chunk.ids) == size:
                yield chunk
                chunk = RawChunk(kind)
        if chunk.ids:
            yield chunk
        if not stopped and digest.hexdigest() != files[key]["sha256"]:
            raise DatasetError(
                self.path,
                [
                    Problem(
                        str(self.path / MANIFEST),
                        0,
                        f"$.files.{key}.sha256",
                        f"{files[key]['path']} changed while the run read it; its checksum no longer "
                        "matches the manifest",
                    )
                ],
            )

    def item_ids(self, task: str) -> Iterator[str]:
        """The ids of the task's items, in file order (one streaming read)."""
        for chunk in self.chunks(task):
            yield from (item.id for item in chunk)

    def cluster_of(self, item: Item) -> str:
        """The article an item belongs to (as :meth:`Dataset.cluster_of`)."""
        return _cluster_of_item(item, self.claims)


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

    Every check of :func:`load_dataset` is made — schemas line by line, spans against article texts,
    dangling ids, duplicate ids (among 64-bit hashes of the ids, then located by a second read), counts
    and checksums — while holding only the articles and the claims the context keeps; every problem is
    raised at once as :class:`DatasetError`, ``file:line: $.path: message``, exactly those
    :func:`load_dataset` reports (a record whose id repeats an earlier one is reported as a duplicate,
    not checked further).

    ``validate=False`` trusts the records (the caller validated this checksum before) and only reads
    what the context needs, checking the files' SHA-256 against the manifest. ``context=False`` keeps
    no claims (the stream's ``claims`` is empty): for validating only.
    """
    path = Path(path)
    root = path.parent if path.name == MANIFEST else path
    manifest_path = root / MANIFEST
    if not root.is_dir():
        raise DatasetError(path, [Problem(str(root), 0, "$", "not a dataset directory (does not exist)")])
    manifest, problems = _read_manifest(root)
    if manifest is None:
        raise DatasetError(path, problems)
    if (too_new := schema_version_problem(manifest, str(manifest_path))) is not None:
        raise DatasetError(path, [too_new])
    files = manifest["files"]
    names = {k: str(root / files[k]["path"]) for k in files}
    invalid: dict[str, set[str]] = {k: set() for k in FILE_KINDS}
    keep_all = "relations" in files
    read: list[Problem]
    checked: list[Problem]

    def finish(key: str, digest: Any, n_records: int, read: list[Problem]) -> None:
        """The file's own problems, its checksum against the manifest, and its count (as ``_load``)."""
        problems.extend(read)
        if digest.hexdigest() != files[key]["sha256"] and Path(names[key]).is_file():
            problems.append(
                Problem(
                    str(manifest_path),
                    0,
                    f"$.files.{key}.sha256",
                    f"checksum mismatch for {files[key]['path']}: manifest says {files[key]['sha256']}, "
                    f"file has {digest.hexdigest()}; if the change is intended, bump the version and "
                    f"run: {_manifest_command(root)}",
                )
            )
        count = manifest["counts"].get(key)
        if validate and count is not None and not read and count != n_records:
            problems.append(
                Problem(
                    str(manifest_path),
                    0,
                    f"$.counts.{key}",
                    f"manifest says {count} {key}, {files[key]['path']} has {n_records}",
                )
            )

    articles: Indexed = {}
    if "articles" in files:
        read, digest = [], hashlib.sha256()
        rows = list(
            iter_records(
                Path(names["articles"]),
                "article",
                validate=validate,
                problems=read,
                invalid_ids=invalid["articles"],
                digest=digest,
            )
        )
        articles = (
            _unique(rows, names["articles"], problems) if validate else {r["id"]: (n, r) for n, r in rows}
        )
        finish("articles", digest, len(rows), read)

    claims: dict[str, Claim] = {}
    claim_sources: dict[str, str | None] = {}
    references: Indexed = {}
    if "claims" in files:
        read, digest, checked = [], hashlib.sha256(), []
        hashes, lines = array("q"), array("q")
        n_records = 0
        for line, record in iter_records(
            Path(names["claims"]),
            "claim",
            validate=validate,
            problems=read,
            invalid_ids=invalid["claims"],
            digest=digest,
        ):
            n_records += 1
            if validate:
                hashes.append(_id_hash(record["id"]))
                lines.append(line)
                checked.extend(
                    _claim_problems(
                        {record["id"]: (line, record)}, articles, invalid["articles"], names["claims"]
                    )
                )
            if validate and (record.get("numeric_consistency") or {}).get("other_claim_ids"):
                others = record["numeric_consistency"]["other_claim_ids"]  # only what the check reads
                references[record["id"]] = (
                    line,
                    {"id": record["id"], "numeric_consistency": {"other_claim_ids": others}},
                )
            if context and (keep_all or record.get("article_id") is not None):
                claims[record["id"]] = claim_from_json(record)
            if keep_all and record["id"] not in claim_sources:  # the first of a repeated id, as _load
                claim_sources[record["id"]] = (record.get("attribution") or {}).get("source_id")
        _add_unrepeated(problems, checked, _duplicates(Path(names["claims"]), names["claims"], hashes, lines))
        if references:  # ids compared as 64-bit hashes, like the duplicate check: no set of every id
            known = set(hashes.tolist()) | {_id_hash(i) for i in invalid["claims"]}
            problems.extend(_reference_problems(references, lambda i: _id_hash(i) in known, names["claims"]))
        finish("claims", digest, n_records, read)

    if "relations" in files:
        read, digest, checked = [], hashlib.sha256(), []
        hashes, lines = array("q"), array("q")
        n_records = 0
        for line, record in iter_records(
            Path(names["relations"]),
            "relation",
            validate=validate,
            problems=read,
            invalid_ids=invalid["relations"],
            digest=digest,
        ):
            n_records += 1
            if not validate:
                continue
            hashes.append(_id_hash(record["id"]))
            lines.append(line)
            refs: Indexed = {
                cid: (0, {"attribution": {"source_id": claim_sources[cid]}} if claim_sources[cid] else {})
                for cid in (record["claim_id"], record.get("other_claim_id"))
                if cid is not None and cid in claim_sources
            }
            checked.extend(
                _relation_problems(
                    {record["id"]: (line, record)}, refs, articles, invalid, names["relations"]
                )
            )
        _add_unrepeated(
            problems, checked, _duplicates(Path(names["relations"]), names["relations"], hashes, lines)
        )
        finish("relations", digest, n_records, read)
    elif manifest["counts"].get("relations", 0):
        problems.append(
            Problem(
                str(manifest_path), 0, "$.counts.relations", "counts relations but lists no relations file"
            )
        )
    if problems:
        raise DatasetError(path, problems)
    return DatasetStream(
        path=root,
        manifest=manifest,
        articles={i: article_from_json(r) for i, (_, r) in articles.items()},
        claims=claims,
    )


def _add_unrepeated(problems: list[Problem], checked: list[Problem], duplicates: list[Problem]) -> None:
    """Add the checks of a file's records but those of a repeated id (as :func:`_load`, which checks
    the first record of an id only), then the ``duplicate id`` problems."""
    repeated = {p.line for p in duplicates}
    problems.extend(p for p in checked if p.line not in repeated)
    problems.extend(duplicates)


def _duplicates(path: Path, display: str, hashes: array[int], lines: array[int]) -> list[Problem]:
    """``duplicate id`` problems, found among 64-bit hashes of the ids; located by a second read if any."""
    if len(hashes) < 2:
        return []
    import numpy as np

    values = np.frombuffer(hashes, dtype=np.int64)
    unique, counts = np.unique(values, return_counts=True)
    repeated = unique[counts > 1]
    if not repeated.size:
        return []
    candidates = set(np.frombuffer(lines, dtype=np.int64)[np.isin(values, repeated)].tolist())
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for line, record in _records_at(path, candidates):
        rid = record["id"]
        if rid in first:
            problems.append(
                Problem(display, line, "$.id", f"duplicate id {rid!r} (first on line {first[rid]})")
            )
        else:
            first[rid] = line
    return problems


def _records_at(path: Path, lines: set[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records on the given (valid) lines or Parquet rows of a file."""
    if path.suffix == ".parquet":
        yield from ((n, r) for n, r in iter_records(path, "", validate=False) if n in lines)
        return
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, start=1):
            if n in lines:
                yield n, json.loads(raw)
