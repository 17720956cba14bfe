"""Datasets: a directory of JSONL files plus ``manifest.json``, validated whole and loaded as records.

``load_dataset`` is the only way in: it runs every schema check (:mod:`claimbench.schema`) and every
semantic check below, and either returns a :class:`Dataset` or raises :class:`DatasetError` listing all
problems as ``file:line: $.path: message``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from claimbench._io import sha256_file, write_text
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
from claimbench.schema import Problem, read_json, read_jsonl

MANIFEST = "manifest.json"
FILE_KINDS: Mapping[str, str] = {"articles": "article", "claims": "claim", "relations": "relation"}
"""Manifest file keys → record kinds (schema names)."""
DEFAULT_FILES: Mapping[str, str] = {
    "articles": "articles.jsonl",
    "claims": "claims.jsonl",
    "relations": "relations.jsonl",
}


class DatasetError(ValueError):
    """A dataset failed validation; ``problems`` holds every problem found, sorted."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems))
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{path}: {len(self.problems)} problem(s)\n{lines}")


@dataclass(frozen=True)
class Dataset:
    """A validated dataset: its manifest and its records, keyed by id in file order."""

    path: Path
    manifest: Mapping[str, Any]
    articles: Mapping[str, Article]
    claims: Mapping[str, Claim]
    relations: Mapping[str, Relation] = field(default_factory=dict)

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
        files = self.manifest["files"]
        joined = "\n".join(f"{k}:{files[k]['sha256']}" for k in sorted(files))
        return hashlib.sha256(joined.encode()).hexdigest()

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
        claim = self.claims.get(item.claim_id) if isinstance(item, Relation) else item
        if isinstance(item, Relation) and item.other_article_id is not None:
            return item.other_article_id
        if claim is not None and claim.article_id is not None:
            return claim.article_id
        return item.id

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
    manifest, problems = read_json(manifest_path, "manifest")
    if manifest is None:
        return None, problems

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
                        "bump the version and update the manifest (claimbench manifest --update)",
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
        if article_id is not None:
            for key in ("speaker_span", "verb_span"):
                if att.get(key) is not None:
                    s, e = att[key]
                    if not 0 <= s <= e <= len(base_text):
                        yield Problem(
                            file,
                            line,
                            f"$.attribution.{key}",
                            f"[{s}, {e}) lies outside the article",
                        )


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


@cache
def _unit_registry() -> Any:
    import pint  # imported lazily: only validation of units and the numeric checker need it

    return pint.UnitRegistry()


def _unit_problem(unit: str) -> str | None:
    try:
        _unit_registry().parse_units(unit)
    except Exception as exc:  # noqa: BLE001 - pint raises several types for bad units
        return f"{unit!r} is not a unit pint understands ({type(exc).__name__})"
    return None


def _iso_problem(value: str) -> str | None:
    if value.startswith("P"):
        return None
    for part in value.split("/"):
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
    write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return path


def _json_line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"
