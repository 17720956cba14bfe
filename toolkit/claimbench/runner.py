"""The benchmark runner: a :class:`~claimbench.spec.BenchmarkSpec` in, a :class:`Report` out.

For each dataset × task × checker of the spec the runner takes the task's items (the first ``limit``),
reuses every verdict the cache holds, computes the missing ones in batches on an engine
(:mod:`claimbench.engines`) and writes each batch to the cache the moment it completes. Then it scores
every checker (:mod:`claimbench.metrics`, intervals from :mod:`claimbench.stats`, resampling by article),
compares every two checkers on the same dataset and task, and records timings and the environment.

**Resuming.** Because a batch is committed to the cache as soon as it is back, a run that is stopped —
Ctrl-C, an exception, ``kill -9`` — loses at most the batches in flight. Running the same spec again
looks every item up, finds the finished ones and computes only the rest; since a verdict depends only
on its cache key (dataset checksum, checker, version, parameters, item), and scoring only on the verdicts
and the seed, the resumed run's report equals an uninterrupted one's (timings aside).

**Fitting.** A checker with ``fit_on`` is fitted on that dataset's items of its task (only when some
verdict is not cached). The runner refuses — before anything runs — to evaluate a checker on a dataset
that is its fitting data: same checksum, or any item id in common. The fitting dataset's checksum is part
of the checker's cache key, and the report records, per checker, where it was fitted.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from claimbench.cache import CACHE_DIR, CacheScope, VerdictCache, plain_params
from claimbench.checkers.base import Checker
from claimbench.checkers.registry import Registry, discover
from claimbench.dataset import Dataset, load_dataset
from claimbench.engines import Engine, batched, make_engine
from claimbench.metrics import brier_score, calibration, classification_report, fnc1_score
from claimbench.records import SOURCE_AGREEMENT, TASK_LABELS, Item, Verdict, gold_label
from claimbench.report.model import (
    ArticleView,
    CheckerRun,
    ClaimMark,
    Comparison,
    DatasetInfo,
    Estimate,
    LabelScore,
    Prediction,
    ReliabilityBin,
    Report,
    TaskScores,
)
from claimbench.spec import BenchmarkSpec, BootstrapSpec, CheckerSpec, SpecError
from claimbench.stats import benjamini_hochberg, bootstrap_ci, mcnemar, paired_bootstrap_diff

log = logging.getLogger("claimbench.runner")

PACKAGES: tuple[str, ...] = (
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "jsonschema",
    "pint",
    "joblib",
    "rich",
    "pyarrow",
)
"""Packages whose versions a report records (those installed)."""

FIT_KEY = "__fit_on__"
"""Added to a fitted checker's parameters in its cache key: the fitting dataset's checksum."""

IntArray = NDArray[np.intp]


@dataclass
class _Planned:
    """One checker configuration, instantiated and checked, with what the run learns about it."""

    index: int
    spec: CheckerSpec
    checker: Checker
    origin: str
    fit_data: Dataset | None
    key_params: dict[str, Any]
    fitted: bool = False
    seconds: float = 0.0
    computed: int = 0
    reused: int = 0
    judged: int = 0

    @property
    def label(self) -> str:
        return self.spec.label


@dataclass
class _Outcome:
    """The verdicts of one checker on one dataset and task, aligned with the items."""

    planned: _Planned
    verdicts: list[Verdict]


@dataclass
class _Timer:
    """Seconds spent per phase of the run."""

    phases: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start


def run(
    spec: BenchmarkSpec,
    *,
    registry: Registry | None = None,
    use_cache: bool = True,
    retry_errors: bool = False,
    progress: bool | None = None,
    engine: Engine | None = None,
) -> Report:
    """Run ``spec`` and return its :class:`Report` (nothing is written but the cache).

    ``use_cache=False`` recomputes every verdict (and refreshes the cache with the new ones);
    ``retry_errors`` recomputes cached verdicts that recorded a checker error. ``progress``: show rich
    progress bars (default: when stderr is a terminal). ``engine`` overrides the spec's engine.

    Raises :class:`~claimbench.spec.SpecError` for checker parameters that do not construct, a ``fit_on``
    that is also evaluated, or a checker that cannot be fitted; :class:`~claimbench.dataset.DatasetError`
    for an invalid dataset.
    """
    registry = registry if registry is not None else discover()
    timer = _Timer()
    started = time.perf_counter()
    created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")

    with timer.phase("load_seconds"):
        datasets = [load_dataset(d.path) for d in spec.datasets]
        planned = _plan(spec, registry, datasets)
    owns_engine = engine is None
    if engine is None:
        engine = make_engine(spec.run.engine, jobs=spec.run.jobs)
    show = sys.stderr.isatty() if progress is None else progress
    cache_dir = spec.output / CACHE_DIR

    outcomes: dict[tuple[str, str], list[_Outcome]] = {}
    items_of: dict[tuple[str, str], list[Item]] = {}
    try:
        with VerdictCache(cache_dir) as cache, _progress(show) as bars:
            for dataset in datasets:
                context = dataset.context()
                for task in spec.tasks:
                    runners = [p for p in planned if p.checker.task == task]
                    items = dataset.items(task)
                    if spec.limit is not None:
                        items = items[: spec.limit]
                    if not runners or not items:
                        continue
                    items_of[(dataset.id, task)] = items
                    for p in runners:
                        verdicts = _judge(
                            p, dataset, task, items, context, cache, engine, spec, timer,
                            bars, use_cache=use_cache, retry_errors=retry_errors,
                        )  # fmt: skip
                        outcomes.setdefault((dataset.id, task), []).append(_Outcome(p, verdicts))
    finally:
        if owns_engine:
            engine.close()

    with timer.phase("score_seconds"):
        scores: list[TaskScores] = []
        predictions: list[Prediction] = []
        pending: list[Comparison] = []
        by_id = {d.id: d for d in datasets}
        for (dataset_id, task), results in outcomes.items():
            dataset, items = by_id[dataset_id], items_of[(dataset_id, task)]
            table = _Table.build(dataset, task, items, spec.bootstrap, spec.seed)
            for outcome in results:
                scores.append(table.score(outcome.planned.label, outcome.verdicts))
                predictions.extend(table.predictions(outcome.planned.label, outcome.verdicts))
            for i, a in enumerate(results):
                for b in results[i + 1 :]:
                    pending.append(table.compare(a.planned.label, a.verdicts, b.planned.label, b.verdicts))
        comparisons = _adjust(pending, spec.bootstrap.alpha)

    wall = time.perf_counter() - started
    reused = sum(p.reused for p in planned)
    computed = sum(p.computed for p in planned)
    log.info("cache: %d verdict(s) reused, %d computed (%s)", reused, computed, cache_dir)
    timings = {
        "wall_seconds": wall,
        "load_seconds": timer.phases.get("load_seconds", 0.0),
        "fit_seconds": timer.phases.get("fit_seconds", 0.0),
        "check_seconds": sum(p.seconds for p in planned),
        "score_seconds": timer.phases.get("score_seconds", 0.0),
        **_peak_memory(),
    }
    effective = spec.to_dict()
    effective["run"]["engine"] = engine.name
    effective["bootstrap"]["resampling"] = {
        f"{dataset_id}/{task}": resampling_unit([by_id[dataset_id].cluster_of(i) for i in items])
        for (dataset_id, task), items in items_of.items()
    }
    return Report(
        spec=effective,
        created=created,
        environment=environment(spec.source.parent if spec.source is not None else Path.cwd()),
        datasets=tuple(_dataset_info(d) for d in datasets),
        checkers=tuple(_checker_run(p) for p in planned),
        scores=tuple(scores),
        comparisons=comparisons,
        predictions=tuple(predictions),
        articles=tuple(v for d in datasets for v in article_views(d)),
        timings=timings,
        seed=spec.seed,
        bootstrap_resamples=spec.bootstrap.resamples,
    )


def _plan(spec: BenchmarkSpec, registry: Registry, datasets: Sequence[Dataset]) -> list[_Planned]:
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
    planned: list[_Planned] = []
    fit_sets: dict[Path, Dataset] = {}
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
        except (TypeError, ValueError) as exc:
            problems.append(f"{source}: {key}.params: {exc}")
            continue
        fit_data = None
        if cs.fit_on is not None:
            if not callable(getattr(checker, "fit", None)):
                problems.append(
                    f"{source}: {key}.fit_on: checker {cs.name!r} has no fit(items, context) method"
                )
                continue
            if cs.fit_on not in fit_sets:
                fit_sets[cs.fit_on] = load_dataset(cs.fit_on)
            fit_data = fit_sets[cs.fit_on]
            problems.extend(
                f"{source}: {key}.fit_on: {message}"
                for message in leakage(fit_data, datasets, str(checker.task))
            )
            params = {**params, FIT_KEY: fit_data.checksum}
        origin = registry.checkers[cs.name].origin if cs.name in registry.checkers else "unknown"
        planned.append(_Planned(i, cs, checker, origin, fit_data, params))
    if problems:
        raise SpecError(source, problems)
    return planned


def leakage(fit_data: Dataset, evaluated: Sequence[Dataset], task: str) -> list[str]:
    """Why fitting on ``fit_data`` and evaluating on ``evaluated`` would score on training data, if so.

    Refused: the same dataset (checksum), or any item of ``task`` in common (by id).
    """
    problems: list[str] = []
    fit_ids = {item.id for item in fit_data.items(task)}
    for dataset in evaluated:
        if dataset.checksum == fit_data.checksum:
            problems.append(
                f"refusing to fit on {fit_data.path}: it is the dataset being evaluated "
                f"({dataset.id} {dataset.version}, same checksum); fit on a separate dev split"
            )
            continue
        shared = sorted(fit_ids & {item.id for item in dataset.items(task)})
        if shared:
            shown = ", ".join(shared[:5]) + (" …" if len(shared) > 5 else "")
            problems.append(
                f"refusing to fit on {fit_data.path}: {len(shared)} {task} item(s) are also in the "
                f"evaluated dataset {dataset.id} ({shown}); fit on a disjoint dev split"
            )
    return problems


def _judge(
    p: _Planned,
    dataset: Dataset,
    task: str,
    items: Sequence[Item],
    context: Any,
    cache: VerdictCache,
    engine: Engine,
    spec: BenchmarkSpec,
    timer: _Timer,
    bars: _Bars,
    *,
    use_cache: bool,
    retry_errors: bool,
) -> list[Verdict]:
    """Every item's verdict: from the cache where possible, computed (and cached batch by batch) else.

    The checker's time covers all of it (keys, lookups, checking, cache writes) except fitting.
    """
    start = time.perf_counter()
    scope = CacheScope(dataset.checksum, p.spec.name, str(p.checker.version), p.key_params)
    ids = [item.id for item in items]
    found: dict[str, Verdict] = {}
    if use_cache:
        cached = cache.get_many(scope, ids)
        found = {i: v for i, v in cached.items() if not (retry_errors and v.error is not None)}
    missing = [item for item in items if item.id not in found]
    reused = len(items) - len(missing)
    bar = bars.add(f"{p.label} · {dataset.id}/{task}", total=len(items), completed=reused)

    fit_start = time.perf_counter()
    if missing and p.fit_data is not None and not p.fitted:
        with timer.phase("fit_seconds"):
            fit = getattr(p.checker, "fit")  # noqa: B009 - fit is optional in the protocol
            fit(p.fit_data.items(str(p.checker.task)), p.fit_data.context())
        p.fitted = True
        log.info("%s: fitted on %s", p.label, _fitted_on(p.fit_data))
    start += time.perf_counter() - fit_start  # fitting is not checking

    if missing:
        batches = batched(missing, spec.run.batch_size)
        for result in engine.map_batches(p.checker, context, batches):
            batch = batches[result.index]
            cache.put_many(scope, zip((item.id for item in batch), result.verdicts, strict=True))
            for item, verdict in zip(batch, result.verdicts, strict=True):
                found[item.id] = verdict
            bars.advance(bar, len(batch))
    seconds = time.perf_counter() - start
    errors = sum(1 for i in ids if found[i].error is not None)
    p.seconds += seconds
    p.computed += len(missing)
    p.reused += reused
    p.judged += len(items)
    rate = f", {len(missing) / seconds:.0f} items/s" if missing and seconds > 0 else ""
    log.info(
        "%s on %s/%s: %d item(s): %d reused from the cache, %d computed%s; %d error(s)",
        p.label, dataset.id, task, len(items), reused, len(missing), rate, errors,
    )  # fmt: skip
    return [found[i] for i in ids]


class _Bars:
    """One progress bar per checker run, or nothing (not a terminal, or ``progress=False``)."""

    def __init__(self, progress: Any | None) -> None:
        self._progress = progress

    def add(self, description: str, total: int, completed: int) -> int:
        if self._progress is None:
            return -1
        task_id: int = self._progress.add_task(description, total=total, completed=completed)
        return task_id

    def advance(self, bar: int, amount: int) -> None:
        if self._progress is not None:
            self._progress.advance(bar, amount)


@contextmanager
def _progress(show: bool) -> Iterator[_Bars]:
    if not show:
        yield _Bars(None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    with progress:
        yield _Bars(progress)


# ---------------------------------------------------------------------------------------------- scoring


MIN_CLUSTERS = 5
"""Fewest articles for resampling by article; with fewer the bootstrap resamples items instead."""


def resampling_unit(clusters: Sequence[str]) -> str:
    """``article`` when items cluster in enough articles to resample those, else ``item``.

    Claims of one article are not independent, so resampling articles gives honest intervals; but with
    a handful of articles (the Mosul dataset is one) every resample is nearly the whole dataset and the
    interval collapses to a point, which would look like certainty. Then items are resampled (intervals
    too narrow for clustered data, and the report says which unit was used).
    """
    distinct = len(set(clusters))
    return "article" if MIN_CLUSTERS <= distinct < len(clusters) else "item"


def _macro_f1(gold: IntArray, pred: IntArray, n_labels: int) -> float:
    """Macro-F1 from label codes (``pred == n_labels``: no prediction), as ``classification_report``.

    F1 per label is 2·TP / (2·TP + FP + FN), 0 when undefined (scikit-learn's ``zero_division=0``); a
    missing prediction is a false negative of its gold label only. The bootstrap calls this thousands of
    times, where scikit-learn's input validation would dominate the run; ``tests/test_runner.py`` checks
    it against :func:`claimbench.metrics.classification_report`.
    """
    width = n_labels + 1
    matrix = np.bincount(gold * width + pred, minlength=n_labels * width).reshape(n_labels, width)
    tp = np.diagonal(matrix[:, :n_labels])
    denominator = matrix[:, :n_labels].sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2.0 * tp, denominator, out=np.zeros(n_labels), where=denominator > 0)
    return float(f1.mean())


@dataclass
class _Table:
    """The items of one dataset and task, with what every checker's scoring shares."""

    dataset: str
    task: str
    labels: tuple[str, ...]
    items: Sequence[Item]
    gold: list[str]
    gold_codes: IntArray
    clusters: list[str] | None
    cluster_ids: list[str]
    boot: BootstrapSpec
    seed: int

    @classmethod
    def build(
        cls, dataset: Dataset, task: str, items: Sequence[Item], boot: BootstrapSpec, seed: int
    ) -> _Table:
        labels = TASK_LABELS[task]
        gold = [str(gold_label(task, item)) for item in items]
        codes = np.array([labels.index(g) for g in gold], dtype=np.intp)
        cluster_ids = [dataset.cluster_of(item) for item in items]
        clustered = resampling_unit(cluster_ids) == "article"
        distinct = len(set(cluster_ids))
        if not clustered and distinct < len(cluster_ids):
            log.warning(
                "%s/%s: the %d item(s) lie in only %d article(s); the bootstrap resamples items, so "
                "intervals ignore the correlation of items within an article",
                dataset.id, task, len(cluster_ids), distinct,
            )  # fmt: skip
        return cls(
            dataset.id, task, labels, items, gold, codes,
            cluster_ids if clustered else None, cluster_ids, boot, seed,
        )  # fmt: skip

    def _codes(self, verdicts: Sequence[Verdict]) -> IntArray:
        missing = len(self.labels)
        index = {label: i for i, label in enumerate(self.labels)}
        return np.array([index[v.label] if v.label is not None else missing for v in verdicts], dtype=np.intp)

    def _interval(self, value: float, statistic: Callable[[IntArray], float]) -> Estimate:
        ci = bootstrap_ci(
            statistic,
            len(self.items),
            clusters=self.clusters,
            n_resamples=self.boot.resamples,
            confidence=self.boot.confidence,
            seed=self.seed,
        )
        return Estimate(value, ci.low, ci.high)

    def score(self, checker: str, verdicts: Sequence[Verdict]) -> TaskScores:
        """Headline metrics with intervals, per-label scores, confusion and calibration of one checker."""
        pred = [v.label for v in verdicts]
        report = classification_report(self.gold, pred, self.labels)
        codes = self._codes(verdicts)
        gold, n_labels = self.gold_codes, len(self.labels)
        correct = codes == gold
        metrics: dict[str, Estimate] = {
            "accuracy": self._interval(report.accuracy, lambda idx: float(correct[idx].mean())),
            "macro_f1": self._interval(
                report.macro_f1, lambda idx: _macro_f1(gold[idx], codes[idx], n_labels)
            ),
        }
        maximum = None
        if self.task == SOURCE_AGREEMENT:
            fnc = fnc1_score(self.gold, pred)
            maximum = fnc.maximum
            points = np.array([fnc1_score([g], [p]).raw for g, p in zip(self.gold, pred, strict=True)])
            best = np.array([fnc1_score([g], [g]).raw for g in self.gold])
            metrics["fnc1_score"] = self._interval(fnc.raw, lambda idx: float(points[idx].sum()))
            metrics["fnc1_percent"] = self._interval(
                fnc.percent, lambda idx: float(100.0 * points[idx].sum() / best[idx].sum())
            )
        reliability: tuple[ReliabilityBin, ...] = ()
        scored = np.array([v.label is not None and v.score is not None for v in verdicts])
        if scored.any():
            confidence = np.array([v.score if v.score is not None else np.nan for v in verdicts])
            hits, conf = list(correct[scored]), list(confidence[scored])

            def brier(idx: IntArray) -> float:
                chosen = idx[scored[idx]]
                if not chosen.size:
                    return math.nan
                return float(((confidence[chosen] - correct[chosen]) ** 2).mean())

            def ece(idx: IntArray) -> float:
                chosen = idx[scored[idx]]
                if not chosen.size:
                    return math.nan
                return calibration(list(correct[chosen]), list(confidence[chosen])).ece

            cal = calibration(hits, conf)
            metrics["brier"] = self._interval(brier_score(hits, conf), brier)
            metrics["ece"] = self._interval(cal.ece, ece)
            reliability = tuple(
                ReliabilityBin(b.lower, b.upper, b.count, b.mean_confidence, b.accuracy) for b in cal.bins
            )
        return TaskScores(
            dataset=self.dataset,
            task=self.task,
            checker=checker,
            labels=self.labels,
            n_items=report.n_items,
            n_errors=report.n_errors,
            coverage=report.coverage,
            metrics=metrics,
            per_label={s.label: LabelScore(s.precision, s.recall, s.f1, s.support) for s in report.per_label},
            confusion=report.confusion,
            reliability=reliability,
            fnc1_maximum=maximum,
        )

    def predictions(self, checker: str, verdicts: Sequence[Verdict]) -> Iterator[Prediction]:
        """One row per item."""
        for item, gold, cluster, v in zip(self.items, self.gold, self.cluster_ids, verdicts, strict=True):
            yield Prediction(
                dataset=self.dataset,
                task=self.task,
                item_id=item.id,
                checker=checker,
                gold=gold,
                predicted=v.label,
                score=v.score,
                error=v.error,
                explanation=v.explanation,
                cluster=cluster,
            )

    def compare(
        self, name_a: str, verdicts_a: Sequence[Verdict], name_b: str, verdicts_b: Sequence[Verdict]
    ) -> Comparison:
        """McNemar on correctness and a paired bootstrap of macro-F1 (A − B); BH is applied later."""
        a, b, gold = self._codes(verdicts_a), self._codes(verdicts_b), self.gold_codes
        n_labels = len(self.labels)
        test = mcnemar(list(a == gold), list(b == gold))
        diff = paired_bootstrap_diff(
            lambda idx: _macro_f1(gold[idx], a[idx], n_labels),
            lambda idx: _macro_f1(gold[idx], b[idx], n_labels),
            len(self.items),
            clusters=self.clusters,
            n_resamples=self.boot.resamples,
            confidence=self.boot.confidence,
            seed=self.seed,
        )
        return Comparison(
            dataset=self.dataset,
            task=self.task,
            checker_a=name_a,
            checker_b=name_b,
            b=test.b,
            c=test.c,
            p_value=test.p_value,
            p_adjusted=test.p_value,
            significant=False,
            macro_f1_difference=Estimate(diff.estimate, diff.low, diff.high),
        )


def _adjust(comparisons: Sequence[Comparison], alpha: float) -> tuple[Comparison, ...]:
    """Benjamini–Hochberg across every comparison of the run."""
    if not comparisons:
        return ()
    adjusted, reject = benjamini_hochberg([c.p_value for c in comparisons], alpha=alpha)
    return tuple(
        Comparison(
            dataset=c.dataset,
            task=c.task,
            checker_a=c.checker_a,
            checker_b=c.checker_b,
            b=c.b,
            c=c.c,
            p_value=c.p_value,
            p_adjusted=p,
            significant=r,
            macro_f1_difference=c.macro_f1_difference,
        )
        for c, p, r in zip(comparisons, adjusted, reject, strict=True)
    )


# ------------------------------------------------------------------------------------------ the record


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter, and portable)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _fitted_on(dataset: Dataset) -> str:
    return f"{dataset.id} {dataset.version} ({_display(dataset.path)}, checksum {dataset.checksum[:12]})"


def _checker_run(p: _Planned) -> CheckerRun:
    return CheckerRun(
        name=p.label,
        version=str(p.checker.version),
        task=str(p.checker.task),
        origin=p.origin if p.label == p.spec.name else f"{p.origin}: {p.spec.name}",
        params={k: v for k, v in p.key_params.items() if k != FIT_KEY},
        fitted_on=_fitted_on(p.fit_data) if p.fit_data is not None else None,
        wall_seconds=p.seconds,
        items=p.judged,
        items_per_second=p.computed / p.seconds if p.computed and p.seconds > 0 else 0.0,
        reused=p.reused,
    )


def _dataset_info(dataset: Dataset) -> DatasetInfo:
    files = dataset.manifest["files"]
    return DatasetInfo(
        id=dataset.id,
        version=dataset.version,
        path=_display(dataset.path),
        checksum=dataset.checksum,
        files={key: str(files[key]["sha256"]) for key in sorted(files)},
    )


def article_views(dataset: Dataset) -> list[ArticleView]:
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


def _peak_memory() -> dict[str, float]:
    """Peak resident memory of this process and of its (finished) worker processes, in MiB."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return {}
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024  # bytes on macOS, KiB else
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return {"peak_memory_mb": own, "peak_memory_workers_mb": children}


def git_commit(directory: Path) -> str | None:
    """``git rev-parse HEAD`` in ``directory``, or ``None`` (no git, not a repository, no commit)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def environment(directory: Path) -> dict[str, Any]:
    """Python, platform, claimbench and key package versions, and the git commit of ``directory``."""
    from claimbench import __version__

    packages: dict[str, str] = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count() or 1,
        "claimbench": __version__,
        "packages": packages,
        "git_commit": git_commit(directory),
    }


def headline_rows(report: Report) -> list[dict[str, str]]:
    """The headline table: one row per dataset, task and checker, values formatted for printing."""

    def fmt(estimate: Estimate | None, scale: float = 1.0, digits: int = 3) -> str:
        if estimate is None or estimate.value != estimate.value:
            return "—"
        text = f"{estimate.value * scale:.{digits}f}"
        if estimate.low is not None and estimate.high is not None:
            text += f" [{estimate.low * scale:.{digits}f}, {estimate.high * scale:.{digits}f}]"
        return text

    rows = []
    for s in report.scores:
        rows.append(
            {
                "dataset": s.dataset,
                "task": s.task,
                "checker": s.checker,
                "n": str(s.n_items),
                "accuracy": fmt(s.metrics.get("accuracy")),
                "macro-F1": fmt(s.metrics.get("macro_f1")),
                "FNC %": fmt(s.metrics.get("fnc1_percent"), digits=1) if "fnc1_percent" in s.metrics else "",
                "coverage": f"{s.coverage:.0%}" if s.coverage == s.coverage else "—",
            }
        )
    return rows


def format_table(rows: Sequence[Mapping[str, str]]) -> str:
    """Rows of equal keys as a plain, aligned text table (columns empty in every row are dropped)."""
    if not rows:
        return "(nothing was scored)"
    columns = [c for c in rows[0] if any(r[c] for r in rows)]
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines.extend("  ".join(r[c].ljust(widths[c]) for c in columns).rstrip() for r in rows)
    return "\n".join(lines)
