"""Assembling an adapter's records into a validated :class:`~claimbench.data.dataset.Dataset`.

Its own module so that the adapters (``fnc1``, ``emergent``, …) import it without importing the package
that lists them (:mod:`claimbench.data.adapters`, which re-exports :func:`build`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claimbench.data.dataset import Dataset, DatasetError
from claimbench.data.schema import Problem, schema_problems
from claimbench.records import Article, Claim, Relation, to_json


def build(
    root: Path,
    manifest: Mapping[str, Any],
    articles: Iterable[tuple[Article, str, int]],
    claims: Iterable[tuple[Claim, str, int]],
    relations: Iterable[tuple[Relation, str, int]],
) -> Dataset:
    """Validate records made by an adapter against their schemas and assemble a :class:`Dataset`.

    Each record comes with the source file and line it was made from, so problems point at the user's
    file. Raises :class:`DatasetError` listing every problem.
    """
    problems: list[Problem] = []
    out: dict[str, dict[str, Any]] = {"article": {}, "claim": {}, "relation": {}}
    for kind, rows in (("article", articles), ("claim", claims), ("relation", relations)):
        for record, file, line in rows:
            problems.extend(schema_problems(to_json(record), kind, file, line))
            if record.id in out[kind]:
                problems.append(Problem(file, line, "$.id", f"duplicate {kind} id {record.id!r}"))
            out[kind][record.id] = record
    for rel in out["relation"].values():
        if rel.claim_id not in out["claim"] or (
            rel.other_article_id is not None and rel.other_article_id not in out["article"]
        ):
            problems.append(Problem(str(root), 0, "$", f"relation {rel.id!r} points at a missing record"))
    if problems:
        raise DatasetError(root, problems)
    return Dataset(
        path=root,
        manifest=dict(manifest),
        articles=out["article"],
        claims=out["claim"],
        relations=out["relation"],
    )
