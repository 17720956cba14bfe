"""The generated part of a dataset's ``DATASHEET.md``: counts computed from the data, never typed by hand.

A datasheet (Gebru et al., *Datasheets for Datasets*, 2021) is prose written by people, but its numbers
must match the files exactly or reviewers cannot trust the rest. So the counts live in a block between
``<!-- counts:begin -->`` and ``<!-- counts:end -->`` that :func:`counts_block` generates from a loaded
:class:`~claimbench.data.dataset.Dataset`; ``claimbench datasheet DATASET --update`` rewrites it, and a test
fails when the block on disk differs from what the data gives (:func:`datasheet_drift`). The block names
the dataset version and checksum, so any change to the data, even one that keeps every count, asks for
the datasheet to be looked at again.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from claimbench._io import write_text
from claimbench.data.dataset import Dataset
from claimbench.errors import ClaimbenchError
from claimbench.records import (
    CHECK_WORTHINESS,
    CLAIM_TYPES,
    NUMERIC_LABELS,
    QUALIFIERS,
    SECTIONS,
    SPEAKER_TYPES,
    STANCE_LABELS,
    TIME_KINDS,
)

DATASHEET = "DATASHEET.md"
BEGIN = "<!-- counts:begin -->"
END = "<!-- counts:end -->"


class DatasheetError(ClaimbenchError, ValueError):
    """A datasheet lacks the counts markers (or has them out of order)."""


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "–"


def _table(title: str, header: str, counts: Counter[str], known: Sequence[str], total: int) -> str:
    """A Markdown table of ``counts`` in the order of ``known`` (zeros included), then any others."""
    keys = [*known, *sorted(k for k in counts if k not in known)]
    rows = "".join(f"| {k} | {counts.get(k, 0)} | {_pct(counts.get(k, 0), total)} |\n" for k in keys)
    return f"**{title}**\n\n| {header} | count | share |\n| --- | ---: | ---: |\n{rows}"


def _count(values: Iterable[str | None], missing: str) -> Counter[str]:
    return Counter(v if v is not None else missing for v in values)


def counts_block(ds: Dataset) -> str:
    """The Markdown counts block for ``ds``, markers included, ending with a newline."""
    claims = list(ds.claims.values())
    relations = list(ds.relations.values())
    quantities = [q for c in claims for q in c.quantities]
    times = [t for c in claims for t in c.times]
    n = len(claims)
    sources = {c.attribution.source_id for c in claims if c.attribution is not None}
    propositions = {c.proposition for c in claims if c.proposition}
    labelled = sum(1 for c in claims if c.numeric_consistency is not None)
    totals = [
        ("articles", len(ds.articles)),
        ("claims", n),
        ("claims with a numeric-consistency label", labelled),
        ("source-agreement relations", len(relations)),
        ("distinct sources (attribution `source_id`)", len(sources)),
        ("distinct propositions", len(propositions)),
        ("quantities", len(quantities)),
        ("claims with at least one quantity", sum(1 for c in claims if c.quantities)),
        ("time expressions", len(times)),
        ("claims with at least one time expression", sum(1 for c in claims if c.times)),
    ]
    kinds = Counter(
        "claim–claim" if r.other_claim_id is not None else "claim–article body" for r in relations
    )
    blocks = [
        f"Counts for **{ds.id} v{ds.version}** (data checksum `{ds.checksum}`).",
        "| | count |\n| --- | ---: |\n" + "".join(f"| {k} | {v} |\n" for k, v in totals),
        _table(
            "Claims by claim type", "claim type", _count((c.claim_type for c in claims), ""), CLAIM_TYPES, n
        ),
        _table(
            "Claims by numeric-consistency label",
            "label",
            _count(
                (c.numeric_consistency.label if c.numeric_consistency else None for c in claims),
                "(unlabelled)",
            ),
            NUMERIC_LABELS,
            n,
        ),
        _table("Claims by section", "section", _count((c.section for c in claims), ""), SECTIONS, n),
        _table(
            "Claims by source type (attribution `speaker_type`)",
            "source type",
            _count(
                (c.attribution.speaker_type if c.attribution else None for c in claims), "(no attribution)"
            ),
            SPEAKER_TYPES,
            n,
        ),
        _table(
            "Claims by check-worthiness",
            "check-worthiness",
            _count((c.check_worthiness for c in claims), ""),
            CHECK_WORTHINESS,
            n,
        ),
        _table(
            "Source-agreement relations by label",
            "label",
            _count((r.label for r in relations), ""),
            STANCE_LABELS,
            len(relations),
        ),
        _table(
            "Source-agreement relations by kind",
            "kind",
            kinds,
            ("claim–claim", "claim–article body"),
            len(relations),
        ),
        _table(
            "Quantities by qualifier",
            "qualifier",
            _count((q.qualifier for q in quantities), ""),
            QUALIFIERS,
            len(quantities),
        ),
        _table(
            "Time expressions by kind", "kind", _count((t.kind for t in times), ""), TIME_KINDS, len(times)
        ),
    ]
    head = (
        f"{BEGIN}\n<!-- Generated from the data by `claimbench datasheet {ds.id} --update`; do not edit. -->"
    )
    body = "\n\n".join(b.rstrip("\n") for b in blocks)
    return f"{head}\n\n{body}\n\n{END}\n"


def _split(text: str, path: Path) -> tuple[str, str, str]:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0 or end < start:
        raise DatasheetError(f"{path}: no {BEGIN} … {END} block to hold the generated counts")
    return text[:start], text[start : end + len(END)], text[end + len(END) :]


def datasheet_path(ds: Dataset) -> Path:
    """Where a dataset's datasheet lives: ``DATASHEET.md`` in its directory."""
    return ds.path / DATASHEET


def render_datasheet(ds: Dataset, text: str, path: Path | None = None) -> str:
    """``text`` (a datasheet) with its counts block replaced by the one the data gives."""
    before, _, after = _split(text, path or datasheet_path(ds))
    return before + counts_block(ds).rstrip("\n") + after


def datasheet_drift(ds: Dataset, path: Path | None = None) -> str | None:
    """A unified diff from the counts block on disk to the one the data gives, or ``None`` when equal."""
    path = path or datasheet_path(ds)
    text = path.read_text(encoding="utf-8")
    _, current, _ = _split(text, path)
    expected = counts_block(ds).rstrip("\n")
    if current == expected:
        return None
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{path} (on disk)",
            tofile=f"{path} (from the data)",
        )
    )


def update_datasheet(ds: Dataset, path: Path | None = None) -> bool:
    """Rewrite the counts block of the datasheet (atomically); returns whether anything changed."""
    path = path or datasheet_path(ds)
    text = path.read_text(encoding="utf-8")
    new = render_datasheet(ds, text, path)
    if new == text:
        return False
    write_text(path, new)
    return True
