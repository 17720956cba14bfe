"""Dataset validation: one routine that whole loads and streamed reads share.

:func:`scan` reads a dataset's files once, in the order articles, claims, relations, and checks every
record as it is read: its schema (:mod:`claimbench.data.schema`), then what can be checked against the
records before it (:func:`claim_problems`: spans against the article text, units, dates, attribution
chains; :func:`relation_problems`: the claims and articles it names, their sources). What needs the
whole file is checked at its end: duplicate ids (among 64-bit hashes of the ids, located by a second
read only when there are any), ``other_claim_ids`` naming no claim, the file's SHA-256 and record count
against the manifest. It holds the articles and, per claim, 16 bytes and its source id — not the
records: what a caller keeps of them it takes from ``keep``. :func:`~claimbench.data.dataset.load_dataset`
(keeping every record) and :func:`~claimbench.data.dataset.open_stream` (keeping a context) both call it,
so both report exactly the same ``file:line: $.path: message`` problems for the same input.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimbench.data.layout import FILE_KINDS, MANIFEST, manifest_command
from claimbench.data.read import iter_records, records_at
from claimbench.data.schema import Problem

Indexed = dict[str, tuple[int, dict[str, Any]]]
"""Records by id, each with its line."""

Check = Callable[[int, dict[str, Any]], Iterable[Problem]]
"""A per-record check: the problems of one schema-valid record (given with its line)."""

Keep = Callable[[str, dict[str, Any]], None]
"""What a caller of :func:`scan` does with each schema-valid record: called with the file key
(``claims``, ``relations``) and the record, in file order."""


def scan(
    root: Path, manifest: Mapping[str, Any], *, validate: bool = True, keep: Keep | None = None
) -> tuple[Indexed, list[Problem]]:
    """Read and check the files of dataset directory ``root`` (whose ``manifest`` is valid) in one pass.

    Returns the articles (records by id, with their line) and every problem found, unsorted. Each
    claim and relation that passes its schema is handed to ``keep`` as it is read (also when problems
    are found later: the caller discards what it kept then). ``validate=False`` trusts the records (the
    caller validated this checksum before): they are only parsed, and only the files' SHA-256 is
    checked against the manifest.
    """
    manifest_path = root / MANIFEST
    files = manifest["files"]
    names = {k: str(root / files[k]["path"]) for k in files}
    invalid: dict[str, set[str]] = {k: set() for k in FILE_KINDS}
    problems: list[Problem] = []
    sources_needed = "relations" in files

    def finish(key: str, digest: Any, n_records: int, read: list[Problem]) -> None:
        """The file's own problems, its checksum against the manifest, and its record count."""
        problems.extend(read)
        if digest.hexdigest() != files[key]["sha256"] and Path(names[key]).is_file():
            problems.append(
                Problem(
                    str(manifest_path),
                    0,
                    f"$.files.{key}.sha256",
                    f"checksum mismatch for {files[key]['path']}: manifest says {files[key]['sha256']}, "
                    f"file has {digest.hexdigest()}; if the change is intended, bump the version and "
                    f"run: {manifest_command(root)}",
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

    def records(key: str, read: list[Problem], digest: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        return iter_records(
            Path(names[key]),
            FILE_KINDS[key],
            validate=validate,
            problems=read,
            invalid_ids=invalid[key],
            digest=digest,
        )

    articles: Indexed = {}
    if "articles" in files:
        read: list[Problem] = []
        digest = hashlib.sha256()
        rows = list(records("articles", read, digest))
        articles = (
            _unique(rows, names["articles"], problems) if validate else {r["id"]: (n, r) for n, r in rows}
        )
        finish("articles", digest, len(rows), read)

    def check_file(key: str, check: Check, also: Callable[[int, dict[str, Any]], None]) -> array[int]:
        """Read and check one file of claims or relations record by record; the 64-bit hashes of its ids."""
        read: list[Problem] = []
        checked: list[Problem] = []
        digest = hashlib.sha256()
        hashes, lines = array("q"), array("q")
        n_records = 0
        for line, record in records(key, read, digest):
            n_records += 1
            if validate:
                hashes.append(_id_hash(record["id"]))
                lines.append(line)
                checked.extend(check(line, record))
            also(line, record)
            if keep is not None:
                keep(key, record)
        _add_unrepeated(problems, checked, _duplicates(Path(names[key]), names[key], hashes, lines))
        finish(key, digest, n_records, read)
        return hashes

    sources: dict[str, str | None] = {}
    references: Indexed = {}

    def note_claim(line: int, record: dict[str, Any]) -> None:
        """What later checks need of a claim: its cross-claim ids, and its source for the relations."""
        others = (record.get("numeric_consistency") or {}).get("other_claim_ids")
        if validate and others:  # only what the check reads, not the record
            references[record["id"]] = (
                line,
                {"id": record["id"], "numeric_consistency": {"other_claim_ids": others}},
            )
        if sources_needed and record["id"] not in sources:  # the first of a repeated id
            sources[record["id"]] = (record.get("attribution") or {}).get("source_id")

    if "claims" in files:
        hashes = check_file(
            "claims",
            lambda line, record: claim_problems(line, record, articles, invalid["articles"], names["claims"]),
            note_claim,
        )
        if references:  # ids compared as 64-bit hashes, like the duplicate check: no set of every id
            known = set(hashes.tolist()) | {_id_hash(i) for i in invalid["claims"]}
            problems.extend(_reference_problems(references, lambda i: _id_hash(i) in known, names["claims"]))
    if "relations" in files:
        check_file(
            "relations",
            lambda line, record: relation_problems(
                line, record, sources, articles, invalid, names["relations"]
            ),
            lambda line, record: None,
        )
    elif manifest["counts"].get("relations", 0):
        problems.append(
            Problem(
                str(manifest_path), 0, "$.counts.relations", "counts relations but lists no relations file"
            )
        )
    return articles, problems


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


def claim_problems(
    line: int, claim: Mapping[str, Any], articles: Indexed, invalid_articles: set[str], file: str
) -> Iterator[Problem]:
    """What is wrong with one schema-valid claim against the articles: its span and those of its
    quantities, times and attributions, its units and dates, and its attribution chain."""
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
            return
        text = articles[article_id][1]["text"]
        if span is None:
            yield Problem(file, line, "$.span", "required when article_id is set")
            return
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
                        yield Problem(file, line, f"{where}.{key}", f"[{s}, {e}) lies outside the article")
    if chain and _set_fields(chain[-1]) != _set_fields(att):
        yield Problem(
            file,
            line,
            f"$.attributions[{len(chain) - 1}]",
            "the last (innermost) attribution must equal `attribution`, the source asserting the claim",
        )


def _set_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _reference_problems(references: Indexed, known: Callable[[str], bool], file: str) -> Iterator[Problem]:
    """``numeric_consistency.other_claim_ids`` that name no claim of the dataset, or the claim itself."""
    for line, claim in references.values():
        others = (claim.get("numeric_consistency") or {}).get("other_claim_ids", ())
        for i, other in enumerate(others):
            where = f"$.numeric_consistency.other_claim_ids[{i}]"
            if other == claim["id"]:
                yield Problem(file, line, where, "a cross-claim check needs another claim, not this one")
            elif not known(other):
                yield Problem(file, line, where, f"no claim with id {other!r}")


def _span_problems(
    file: str, line: int, where: str, span: Sequence[int], text: str, expected: str, base: int = 0
) -> Iterator[Problem]:
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


def relation_problems(
    line: int,
    rel: Mapping[str, Any],
    sources: Mapping[str, str | None],
    articles: Indexed,
    invalid: Mapping[str, set[str]],
    file: str,
) -> Iterator[Problem]:
    """What is wrong with one schema-valid relation against the claims and articles: the records it
    names must exist, and two claims must come from different sources. ``sources`` holds the source id
    (or ``None``) of every valid claim, by id."""
    if rel["claim_id"] in invalid["claims"] or rel.get("other_claim_id") in invalid["claims"]:
        return  # the claim's own problem is reported already
    known = rel["claim_id"] in sources
    if not known:
        yield Problem(file, line, "$.claim_id", f"no claim with id {rel['claim_id']!r}")
    if (
        "other_article_id" in rel
        and rel["other_article_id"] not in articles
        and rel["other_article_id"] not in invalid["articles"]
    ):
        yield Problem(file, line, "$.other_article_id", f"no article with id {rel['other_article_id']!r}")
    if "other_claim_id" not in rel:
        return
    if rel["other_claim_id"] not in sources:
        yield Problem(file, line, "$.other_claim_id", f"no claim with id {rel['other_claim_id']!r}")
        return
    if rel["other_claim_id"] == rel["claim_id"]:
        yield Problem(file, line, "$.other_claim_id", "a claim cannot be related to itself")
    elif known:
        a, b = sources[rel["claim_id"]], sources[rel["other_claim_id"]]
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


def _add_unrepeated(problems: list[Problem], checked: list[Problem], duplicates: list[Problem]) -> None:
    """Add the checks of a file's records but those of a repeated id (a record whose id repeats an
    earlier one is not checked further), then the ``duplicate id`` problems."""
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
    for line, record in records_at(path, candidates):
        rid = record["id"]
        if rid in first:
            problems.append(
                Problem(display, line, "$.id", f"duplicate id {rid!r} (first on line {first[rid]})")
            )
        else:
            first[rid] = line
    return problems


def _id_hash(item_id: str) -> int:
    """A 64-bit hash of an id: duplicates are found among these (8 bytes per record, not a set of ids)."""
    return int.from_bytes(
        hashlib.blake2b(item_id.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )
