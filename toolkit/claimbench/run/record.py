"""What a report records of a run's datasets: their identity, where a checker was fitted, and the
articles the HTML report highlights (paths shown relative to the working directory)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from claimbench.data.dataset import DatasetSource
from claimbench.report.model import ArticleView, ClaimMark, DatasetInfo
from claimbench.run.spec import DatasetSpec


def display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter, and portable)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def describe(dataset: DatasetSpec) -> str:
    """A dataset entry as a stage names it: the directory, or the adapter, its split and first file."""
    if dataset.adapter is None:
        return display(dataset.path)
    split = dict(dataset.options).get("split")
    return f"{dataset.adapter}{f' {split}' if split else ''} ({display(dataset.path)})"


def fitted_on(dataset: DatasetSource) -> str:
    return f"{dataset.id} {dataset.version} ({display(dataset.path)}, checksum {dataset.checksum[:12]})"


def dataset_info(dataset: DatasetSource) -> DatasetInfo:
    files = dataset.manifest["files"]
    return DatasetInfo(
        id=dataset.id,
        version=dataset.version,
        path=display(dataset.path),
        checksum=dataset.checksum,
        files={key: str(files[key]["sha256"]) for key in sorted(files)},
        label_mapping=label_mapping(dataset.manifest),
    )


def label_mapping(manifest: Mapping[str, Any]) -> str | None:
    """``nli: entailment→agree, …; macro-F1 over agree, disagree, discuss`` for a converted corpus."""
    from claimbench.data.adapters.labels import scored_labels

    declared = manifest.get("label_mapping")
    if not isinstance(declared, Mapping):
        return None
    pairs = ", ".join(f"{k}→{v}" for k, v in dict(declared.get("mapping", {})).items())
    return f"{declared.get('name')}: {pairs}; macro-F1 over {', '.join(scored_labels(manifest) or ())}"


def article_views(dataset: DatasetSource) -> list[ArticleView]:
    """Every article with at least one claim span in it, for highlighting in the HTML report."""
    marks: dict[str, list[ClaimMark]] = {}
    for claim in dataset.claims.values():
        if claim.article_id is not None and claim.span is not None:
            marks.setdefault(claim.article_id, []).append(ClaimMark(claim.id, claim.span[0], claim.span[1]))
    return [
        ArticleView(dataset.id, a.id, a.title, a.text, tuple(marks[a.id]))
        for a in dataset.articles.values()
        if a.id in marks
    ]
