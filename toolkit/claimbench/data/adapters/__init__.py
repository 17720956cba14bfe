"""Adapters: external benchmark formats read into claimbench records, validated by the same schemas.

Each adapter is one module with a ``load(...) -> Dataset`` function that reads files from paths the user
gives (never downloads). To add one: write ``claimbench/data/adapters/<name>.py`` with ``load`` building
:class:`~claimbench.records.Article`, :class:`~claimbench.records.Claim` and
:class:`~claimbench.records.Relation` records through :func:`claimbench.data.adapters.build`, which validates
each against its schema; register its spec keys in :data:`ADAPTERS`; test it on a small real sample under
``tests/data/``. ``claimbench convert <name>`` and benchmark specs then work with it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from claimbench.data.adapters._build import build
from claimbench.data.dataset import Dataset, load_dataset

__all__ = ["ADAPTERS", "build", "open_dataset", "save"]


def _fnc1(options: Mapping[str, Any]) -> Dataset:
    from claimbench.data.adapters import fnc1

    return fnc1.load(options["bodies"], options["stances"], split=options.get("split", "all"))


def _pairs(name: str) -> Callable[[Mapping[str, Any]], Dataset]:
    """The loader of a claim-vs-claim corpus module (``emergent``, ``perspectrum``, ``nli``)."""

    def loader(options: Mapping[str, Any]) -> Dataset:
        module = importlib.import_module(f"claimbench.data.adapters.{name}")
        dataset: Dataset = module.load(options["pairs"], split=options.get("split", "all"))
        return dataset

    return loader


ADAPTERS: Mapping[str, tuple[Callable[[Mapping[str, Any]], Dataset], frozenset[str], frozenset[str]]] = {
    "fnc1": (_fnc1, frozenset({"bodies", "stances"}), frozenset({"split"})),
    **{
        name: (_pairs(name), frozenset({"pairs"}), frozenset({"split"}))
        for name in ("emergent", "perspectrum", "nli")
    },
}
"""Adapter name → (loader taking the spec's options, required path options, other options)."""


def open_dataset(
    path: Path | None, adapter: str | None = None, options: Mapping[str, Any] | None = None
) -> Dataset:
    """A dataset directory (``adapter`` None) or external files read through a named adapter."""
    if adapter is None:
        if path is None:
            raise ValueError("a dataset needs a path or an adapter")
        return load_dataset(path)
    try:
        loader = ADAPTERS[adapter][0]
    except KeyError:
        raise ValueError(f"unknown adapter {adapter!r}; known: {', '.join(sorted(ADAPTERS))}") from None
    return loader(options or {})


def save(dataset: Dataset, out: Path, *, overwrite: bool = False, inputs: Iterable[Path] = ()) -> Dataset:
    """Write ``dataset`` as a claimbench dataset directory at ``out`` and return it loaded from there.

    The directory is built beside ``out`` under a temporary name, validated whole, and only then renamed
    into place, so a failure leaves nothing half-written. An existing ``out`` is replaced only with
    ``overwrite``, and only when it is a dataset directory holding nothing but its own files, not a
    protected directory and holds none of ``inputs`` (the files the dataset was read from):
    :func:`claimbench.data.outdir.check_replaceable`, which raises
    :class:`~claimbench.data.outdir.OutputError`.
    """
    import shutil

    from claimbench.data.outdir import check_replaceable, dataset_dir_problem, new_dir_beside, replace_dir
    from claimbench.data.write import write_dataset

    out = Path(out)
    check_replaceable(out, inputs=inputs, owned=dataset_dir_problem, force=overwrite)
    tmp = new_dir_beside(out)
    try:
        manifest = {k: v for k, v in dataset.manifest.items() if k not in ("files", "counts")}
        write_dataset(
            tmp,
            manifest=manifest,
            articles=dataset.articles.values(),
            claims=dataset.claims.values(),
            relations=dataset.relations.values(),
        )
        load_dataset(tmp)
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return load_dataset(out)
