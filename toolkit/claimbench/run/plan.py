"""The plan of a run: every checker the spec's tasks need, instantiated and checked before anything runs.

**Fitting.** A checker with ``fit_on`` is fitted on that dataset's items of its task (by the runner,
only when some verdict is not cached). The plan refuses to evaluate a checker on a dataset that is its
fitting data: same checksum, or any evaluated item whose texts are those of a fitted item, whatever the
ids (:mod:`claimbench.run.leakage`). Evaluated items that share only one text with the fitting data are
counted, per checker and dataset, in the report's ``contamination``. The fitting dataset's checksum is
part of the checker's cache key (:data:`FIT_KEY`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claimbench.checkers.base import Checker, can_fit
from claimbench.checkers.registry import Registry
from claimbench.data.adapters import open_dataset
from claimbench.data.dataset import Dataset, DatasetSource
from claimbench.progress import stage
from claimbench.report.model import CheckerRun, Contamination
from claimbench.run.cache import FILES_KEY, file_digests, plain_params
from claimbench.run.leakage import FitTexts, Screening, fit_texts, screen
from claimbench.run.record import describe, fitted_on
from claimbench.run.spec import BenchmarkSpec, CheckerSpec, DatasetSpec, SpecError

log = logging.getLogger("claimbench.run.plan")

FIT_KEY = "__fit_on__"
"""Added to a fitted checker's parameters in its cache key: the fitting dataset's checksum."""

Source = DatasetSource
"""A dataset loaded whole, or one streamed from disk."""


@dataclass
class Planned:
    """One checker configuration, instantiated and checked, with what the run learns about it."""

    index: int
    spec: CheckerSpec
    checker: Checker
    origin: str
    fit_data: Dataset | None
    key_params: dict[str, Any]
    contamination: tuple[Contamination, ...] = ()
    fitted: bool = False
    seconds: float = 0.0
    computed: int = 0
    reused: int = 0
    judged: int = 0
    first_error: str | None = None

    @property
    def label(self) -> str:
        return self.spec.label


def plan(spec: BenchmarkSpec, registry: Registry, datasets: Sequence[Source]) -> list[Planned]:
    """Instantiate every checker the tasks need and check ``fit_on``; every problem at once."""
    source = str(spec.source) if spec.source is not None else "<spec>"
    problems: list[str] = []
    first: dict[str, int] = {}
    for i, dataset in enumerate(datasets):
        if dataset.id in first:
            problems.append(
                f"{source}: datasets[{i}]: dataset id {dataset.id!r} is also that of "
                f"datasets[{first[dataset.id]}]; scores are keyed by dataset id, so score one at a time"
            )
        first.setdefault(dataset.id, i)
    planned: list[Planned] = []
    fit_sets: dict[DatasetSpec, Dataset] = {}
    screened: dict[tuple[DatasetSpec, str], tuple[list[str], list[tuple[Source, Screening]]]] = {}
    for i, cs in enumerate(spec.checkers):
        key = f"checkers[{i}]"
        try:
            checker = registry.create(cs.name, **cs.params)
        except Exception as exc:  # noqa: BLE001 - any constructor failure is a spec problem
            problems.append(f"{source}: {key}.params: cannot create {cs.name!r}: {exc}")
            continue
        if checker.task not in spec.tasks:
            log.info("%s: task %s is not run; skipped", cs.label, checker.task)
            continue
        try:
            params = plain_params(checker.get_params())
            digests = file_digests(checker, params)  # files the checker reads enter the key by content
            params = {**params, FILES_KEY: digests} if digests else params
        except (TypeError, ValueError) as exc:
            problems.append(f"{source}: {key}.params: {exc}")
            continue
        fit_data = None
        if cs.fit_on is not None:
            if not can_fit(checker):
                problems.append(
                    f"{source}: {key}.fit_on: checker {cs.name!r} has no fit(items, context) method"
                )
                continue
            if cs.fit_on not in fit_sets:
                with stage(f"reading {describe(cs.fit_on)} to fit {cs.label}"):
                    fit_sets[cs.fit_on] = open_dataset(
                        cs.fit_on.path, cs.fit_on.adapter, dict(cs.fit_on.options)
                    )
            fit_data = fit_sets[cs.fit_on]
            if (cs.fit_on, str(checker.task)) not in screened:
                screened[(cs.fit_on, str(checker.task))] = screen_fit(fit_data, datasets, str(checker.task))
            messages, screenings = screened[(cs.fit_on, str(checker.task))]
            problems.extend(f"{source}: {key}.fit_on: {message}" for message in messages)
            params = {**params, FIT_KEY: fit_data.checksum}
            contamination = tuple(
                Contamination(
                    dataset=d.id,
                    task=str(checker.task),
                    checker=cs.label,
                    fitted_on=fitted_on(fit_data),
                    items=sc.items,
                    shared=sc.shared,
                    share=sc.share,
                )
                for d, sc in screenings
            )
        else:
            contamination = ()
        origin = registry.checkers[cs.name].origin if cs.name in registry.checkers else "unknown"
        planned.append(Planned(i, cs, checker, origin, fit_data, params, contamination))
    if problems:
        raise SpecError(source, problems)
    return planned


def leakage(fit_data: Dataset, evaluated: Sequence[Source], task: str) -> list[str]:
    """Why fitting on ``fit_data`` and evaluating on ``evaluated`` would score on training data, if so.

    Refused: the same dataset (checksum), or an evaluated item of ``task`` whose texts (claim and other
    text, normalised) are all those of one fitted item, whatever the ids (:mod:`claimbench.run.leakage`).
    """
    return screen_fit(fit_data, evaluated, task)[0]


def screen_fit(
    fit_data: Dataset, evaluated: Sequence[Source], task: str
) -> tuple[list[str], list[tuple[Source, Screening]]]:
    """:func:`leakage`'s messages, and each evaluated dataset's screening (for its contamination figure).

    A dataset refused for its checksum is not screened; a streamed dataset is read chunk by chunk.
    """
    problems: list[str] = []
    screenings: list[tuple[Source, Screening]] = []
    fitted: FitTexts | None = None
    for dataset in evaluated:
        if dataset.checksum == fit_data.checksum:
            problems.append(
                f"refusing to fit on {fit_data.path}: it is the dataset being evaluated "
                f"({dataset.id} {dataset.version}, same checksum); fit on a separate dev split"
            )
            continue
        if fitted is None:
            fitted = fit_texts(fit_data.items(task), fit_data.context())
        chunks = dataset.chunks(task)
        result = screen(fitted, chunks, dataset.context())
        screenings.append((dataset, result))
        if result.leaked:
            shown = ", ".join(result.leaked[:5]) + (" …" if len(result.leaked) > 5 else "")
            problems.append(
                f"refusing to fit on {fit_data.path}: {len(result.leaked)} {task} item(s) are also in the "
                f"evaluated dataset {dataset.id} (same texts, whatever the ids: {shown}); "
                "fit on a disjoint dev split"
            )
    return problems, screenings


def checker_run(p: Planned) -> CheckerRun:
    return CheckerRun(
        name=p.label,
        version=str(p.checker.version),
        task=str(p.checker.task),
        origin=p.origin if p.label == p.spec.name else f"{p.origin}: {p.spec.name}",
        params={k: v for k, v in p.key_params.items() if k != FIT_KEY},
        fitted_on=fitted_on(p.fit_data) if p.fit_data is not None else None,
        wall_seconds=p.seconds,
        items=p.judged,
        items_per_second=p.computed / p.seconds if p.computed and p.seconds > 0 else 0.0,
        reused=p.reused,
    )
