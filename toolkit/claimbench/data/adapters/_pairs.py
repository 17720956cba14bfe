"""Shared reader for claim-vs-claim stance corpora (Emergent, Perspectrum, NLI): one CSV of text pairs.

Every row becomes a :class:`~claimbench.records.Relation` from the first text's claim to the second
text's claim, labelled through the corpus's :class:`~claimbench.data.adapters.labels.LabelMap`. Ids come from
the content: a claim's id hashes its normalised text (Unicode NFKC, whitespace collapsed, case folded), a
relation's id hashes both normalised texts, each under the corpus's prefix, so the same pair gets the same
id from any file or split, and different pairs never share one. A pair that occurs twice with one label
is kept once; a pair given conflicting labels is left out (its gold is ambiguous). Train/dev splits are by
the group text (the first text: the claim or premise), so no claim text is on both sides.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimbench.data.adapters._build import build
from claimbench.data.adapters.labels import LabelMap
from claimbench.data.dataset import Dataset, DatasetError
from claimbench.data.schema import Problem
from claimbench.records import Attribution, Claim, Provenance, Relation
from claimbench.text.stance.corpus import sha256_file

SPLITS = ("all", "train", "dev")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form ids are computed from: NFKC, whitespace runs as one space, stripped, case folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _digest(*parts: str, length: int) -> str:
    joined = "\x1f".join(normalise(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()[:length]


def claim_id(prefix: str, text: str, role: str = "c") -> str:
    """A stable claim id: the corpus prefix, the text's role (``c`` first text, ``o`` second text) and a
    hash of the normalised text; the role keeps a text used both ways from being related to itself."""
    return f"{prefix}-{role}-{_digest(text, length=16)}"


def relation_id(prefix: str, first: str, second: str) -> str:
    """A stable relation id: the corpus prefix and a hash of both normalised texts (order matters)."""
    return f"{prefix}-r-{_digest(first, second, length=16)}"


def in_dev(group_text: str, dev_percent: int) -> bool:
    """Whether a group (a claim or premise text) falls in the dev part: a hash of its normalised text."""
    return int(_digest(group_text, length=8), 16) % 100 < dev_percent


@dataclass(frozen=True, slots=True)
class PairFormat:
    """What a corpus's CSV looks like and how to describe the dataset made from it."""

    prefix: str
    source: str
    first: str
    second: str
    label: str
    labels: LabelMap
    section: str
    roles: tuple[tuple[str, str, str], tuple[str, str, str]]
    """(source id, speaker, speaker type) of the first and of the second text: the two sides compared."""
    dev_percent: int
    title: str
    description: str
    licence: dict[str, str]
    citation: dict[str, Any]


def load_pairs(fmt: PairFormat, pairs_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read one CSV of ``fmt`` into a validated :class:`Dataset` (``split``: all, train or dev).

    Raises :class:`~claimbench.data.dataset.DatasetError` listing every problem (``file:line: $.column: …``):
    a missing column, an empty text, a label outside the corpus's label set.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    path = Path(pairs_csv)
    if not path.is_file():
        raise FileNotFoundError(f"{fmt.prefix} pairs file not found: {path}")
    problems: list[Problem] = []
    rows: list[tuple[int, str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in (fmt.first, fmt.second, fmt.label) if c not in header]
        if missing:
            raise DatasetError(
                path,
                [
                    Problem(str(path), 1, f"$.{c}", f"missing column (found: {', '.join(header)})")
                    for c in missing
                ],
            )
        for row in reader:
            line = reader.line_num
            first, second, native = (row.get(c) or "" for c in (fmt.first, fmt.second, fmt.label))
            native = native.strip()
            if native in fmt.labels.skipped:
                continue
            bad = False
            for column, text in ((fmt.first, first), (fmt.second, second)):
                if not text.strip():
                    problems.append(Problem(str(path), line, f"$.{column}", "empty text"))
                    bad = True
            if native not in fmt.labels.mapping:
                known = ", ".join(fmt.labels.native)
                problems.append(
                    Problem(str(path), line, f"$.{fmt.label}", f"label {native!r} not in {known}")
                )
                bad = True
            if not bad and (split == "all" or in_dev(first, fmt.dev_percent) == (split == "dev")):
                rows.append((line, first.strip(), second.strip(), native))
    if problems:
        raise DatasetError(path, problems)
    return _assemble(fmt, path, split, rows)


def _assemble(fmt: PairFormat, path: Path, split: str, rows: Sequence[tuple[int, str, str, str]]) -> Dataset:
    file = str(path)
    labels_of: dict[str, set[str]] = {}
    for _, first, second, native in rows:
        labels_of.setdefault(relation_id(fmt.prefix, first, second), set()).add(native)
    claims: dict[str, tuple[Claim, str, int]] = {}
    relations: dict[str, tuple[Relation, str, int]] = {}
    repeated = conflicting = 0
    for line, first, second, native in rows:
        rid = relation_id(fmt.prefix, first, second)
        if len(labels_of[rid]) > 1:
            conflicting += 1
            continue
        if rid in relations:
            repeated += 1
            continue
        ids = []
        for text, role, (source_id, speaker, kind) in zip((first, second), "co", fmt.roles, strict=True):
            cid = claim_id(fmt.prefix, text, role)
            ids.append(cid)
            if cid not in claims:
                claim = Claim(
                    id=cid,
                    text=text,
                    section=fmt.section,
                    attribution=Attribution(source_id=source_id, speaker=speaker, speaker_type=kind),
                    provenance=Provenance(source=fmt.source, record=f"{path.name} line {line}"),
                )
                claims[cid] = (claim, file, line)
        stance = fmt.labels.mapping[native]
        relations[rid] = (
            Relation(
                id=rid,
                claim_id=ids[0],
                other_claim_id=ids[1],
                label=stance,
                rationale=f"{fmt.labels.name} label {native!r}, mapped to {stance!r}",
            ),
            file,
            line,
        )
    digest = sha256_file(path)
    if split != "all":  # train and dev never share a checksum (the runner's fit/evaluate guard)
        digest = hashlib.sha256(f"{digest}:{split}:dev={fmt.dev_percent}%".encode()).hexdigest()
    part = (
        ""
        if split == "all"
        else f"; the {split} part of a {100 - fmt.dev_percent}/{fmt.dev_percent} split by "
    )
    part += "" if split == "all" else f"{fmt.first} text (hash of the normalised text)"
    notes = f"; {repeated} repeated pair(s) kept once" if repeated else ""
    notes += f"; {conflicting} row(s) of pairs with conflicting labels left out" if conflicting else ""
    stem = path.stem.lower().replace("_", "-").replace(".", "-")
    manifest: dict[str, Any] = {
        "id": f"{fmt.prefix}-{stem}" + ("" if split == "all" else f"-{split}"),
        "title": f"{fmt.title} ({path.name}, {split})",
        "version": "1.0.0",
        "description": f"{fmt.description} Read from {path.name}{part}{notes}. "
        f"Labels mapped: {fmt.labels.describe()}.",
        "files": {
            "claims": {"path": file, "sha256": hashlib.sha256(f"{digest}:claims".encode()).hexdigest()},
            "relations": {"path": file, "sha256": digest},
        },
        "counts": {"articles": 0, "claims": len(claims), "relations": len(relations)},
        "licence": dict(fmt.licence),
        "citation": dict(fmt.citation),
        "label_mapping": fmt.labels.to_json(),
    }
    return build(path.parent, manifest, [], claims.values(), relations.values())
