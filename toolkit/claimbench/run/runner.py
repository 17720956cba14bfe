"""The benchmark runner: a :class:`~claimbench.run.spec.BenchmarkSpec` in, a :class:`Report` out.

For each dataset × task × checker of the spec (:mod:`claimbench.run.plan`) the runner takes the task's
items (the first ``limit``) in chunks (:mod:`claimbench.run.chunks`), reuses every verdict the cache
holds, computes the missing ones in batches on an engine (:mod:`claimbench.run.engines`) and writes each
batch to the cache the moment it completes. Then it scores every checker
(:mod:`claimbench.scoring.tables`: the metrics of :mod:`claimbench.scoring.metrics` with intervals from
:mod:`claimbench.scoring.stats`, resampling by article), compares every two checkers on the same dataset
and task, and records timings and the environment (:mod:`claimbench.run.environment`).

**One judge loop.** Every dataset goes through :func:`_judge`: a dataset loaded whole is one chunk of
all its items, a streamed one (:mod:`claimbench.run.validated`: a directory too large for memory, or
``run(stream=True)``) is read chunk by chunk, once per checker, holding at most the chunks whose batches
are in flight. Each batch is reduced where it was checked — on the worker — to its cache shard, label
codes, scores and prediction rows (:class:`claimbench.run.streaming.Finish`), the shard is written to
the cache as it arrives, and of each verdict only a label code and a score stay (a few bytes per item,
the gold codes and cluster ids likewise, :class:`claimbench.scoring.tables.Collect`), which is all the
metrics, intervals and comparisons need: both kinds of dataset are scored by the same code from the same
compact arrays. Cached verdicts are found through an index of the scope's cache shards
(:meth:`VerdictCache.index`).

**Predictions.** A dataset loaded whole keeps its prediction records in the report (``report.json``,
and the HTML report's article views, need them). A streamed dataset's rows are written, as they come and
in item order, to ``cache/predictions.stream.csv``, and its report carries none of them (``report.json``
of a million items would not be read by anyone). A run that streams any dataset spools every dataset's
rows, so that file is the run's whole ``predictions.csv`` (which
:func:`claimbench.report.json.write_report` copies from it); the datasets loaded whole still keep theirs
in the report too.

**Fitting.** A checker with ``fit_on`` is fitted on that dataset's items of its task when the first
verdict is found missing — before any batch goes to the engine, for any kind of dataset; a run whose
verdicts are all cached fits nothing. What is refused and counted is the plan's
(:mod:`claimbench.run.plan`); the report records, per checker, where it was fitted.

**Resuming.** Because a batch is committed to the cache as soon as it is back, a run that is stopped —
Ctrl-C, an exception, ``kill -9`` — loses at most the batches in flight. Running the same spec again
looks every item up, finds the finished ones and computes only the rest; since a verdict depends only
on its cache key (dataset checksum, checker, version, parameters, item), and scoring only on the verdicts
and the seed, the resumed run's report equals an uninterrupted one's (timings aside).

**A broken engine** — one that does not return every batch it was given, or returns one twice — stops
the run with a :class:`RuntimeError` (it is not the data's fault), whatever the dataset.
"""

from __future__ import annotations

import datetime as _dt
import gc
import itertools
import logging
import sys
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from claimbench.checkers.base import fit_checker
from claimbench.checkers.registry import Registry, discover
from claimbench.data.dataset import DatasetStream
from claimbench.progress import live_progress, stage
from claimbench.records import Context
from claimbench.report.model import Comparison, Prediction, Report, TaskScores, with_verdicts
from claimbench.run.cache import CACHE_DIR, CacheScope, VerdictCache
from claimbench.run.chunks import chunk_batch, count_items, read_chunks
from claimbench.run.engines import Engine, make_engine
from claimbench.run.environment import environment, peak_memory
from claimbench.run.plan import Planned, Source, checker_run, plan
from claimbench.run.record import article_views, dataset_info, describe, fitted_on
from claimbench.run.spec import BenchmarkSpec
from claimbench.run.streaming import Finish, Finished, HeldBatch, Spool, StreamBatch, Window
from claimbench.run.validated import open_source
from claimbench.scoring.tables import Collect, Compact, Table, adjust

log = logging.getLogger("claimbench.run.runner")

PREDICTIONS_SPOOL = "predictions.stream.csv"
"""Where a run that streams writes its prediction rows, in the cache directory."""


@dataclass
class _Outcome:
    """One checker's verdicts on one dataset and task, compacted for scoring."""

    planned: Planned
    compact: Compact


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
    stream: bool | None = None,
) -> Report:
    """Run ``spec`` and return its :class:`Report` (nothing is written but the cache).

    ``use_cache=False`` recomputes every verdict (and refreshes the cache with the new ones);
    ``retry_errors`` recomputes cached verdicts that recorded a checker error. ``progress``: show rich
    progress bars (default: when stderr is a terminal). ``engine`` overrides the spec's engine.
    ``stream``: read dataset directories chunk by chunk (``True``), never (``False``), or only those
    whose manifest counts more than :data:`~claimbench.run.validated.STREAM_MIN_RECORDS` claims and
    relations (``None``); a run that streams writes its prediction rows to the cache directory and its
    report names that file (``predictions_file``), which ``write_report`` copies to
    ``predictions.csv``; the report carries the rows of the datasets loaded whole only.

    Raises :class:`~claimbench.run.spec.SpecError` for checker parameters that do not construct, a ``fit_on``
    that is also evaluated, or a checker that cannot be fitted; :class:`~claimbench.data.dataset.DatasetError`
    for an invalid dataset.
    """
    registry = registry if registry is not None else discover()
    timer = _Timer()
    started = time.perf_counter()
    created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    cache_dir = spec.output / CACHE_DIR

    with timer.phase("load_seconds"):
        datasets: list[Source] = []
        for d in spec.datasets:
            with stage(f"reading {describe(d)}"):
                datasets.append(open_source(d, stream, cache_dir))
        planned = plan(spec, registry, datasets)
    owns_engine = engine is None
    if engine is None:
        engine = make_engine(spec.run.engine, jobs=spec.run.jobs)
    show = sys.stderr.isatty() if progress is None else progress
    streamed = any(isinstance(d, DatasetStream) for d in datasets)

    outcomes: dict[tuple[str, str], list[_Outcome]] = {}
    tables: dict[tuple[str, str], Table] = {}
    predictions: list[Prediction] = []
    try:
        with (
            _long_lived_frozen(),
            VerdictCache(cache_dir) as cache,
            _progress(show) as bars,
            Spool(cache_dir / PREDICTIONS_SPOOL if streamed else None) as spool,
        ):
            judge = _Judge(cache, engine, spec, timer, bars, use_cache=use_cache, retry_errors=retry_errors)
            for dataset in datasets:
                held = not isinstance(dataset, DatasetStream)
                keep = _keeper(held, predictions, spool)
                context = dataset.context()
                for task in spec.tasks:
                    runners = [p for p in planned if p.checker.task == task]
                    if not runners:
                        continue
                    shared = None if held else dataset.articles  # held: remember every cluster id
                    collect = Collect(dataset.id, task, dataset.manifest, shared)
                    results: list[_Outcome] = []
                    for p in runners:
                        compact = judge(p, dataset, task, context, keep, collect if not results else None)
                        results.append(_Outcome(p, compact))
                        if not collect.n:
                            break
                    if collect.n:
                        tables[(dataset.id, task)] = collect.table(spec.bootstrap, spec.seed)
                        outcomes[(dataset.id, task)] = results
    finally:
        if owns_engine:
            engine.close()

    with timer.phase("score_seconds"), stage("scoring: metrics, bootstrap intervals, comparisons"):
        scores: list[TaskScores] = []
        pending: list[Comparison] = []
        for key, results in outcomes.items():
            table = tables[key]
            for outcome in results:
                scores.append(table.score(outcome.planned.label, outcome.compact))
            for i, a in enumerate(results):
                for b in results[i + 1 :]:
                    pending.append(table.compare(a.planned.label, a.compact, b.planned.label, b.compact))
        comparisons = adjust(pending, spec.bootstrap.alpha)

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
        **peak_memory(),
    }
    effective = spec.to_dict()
    effective["run"]["engine"] = engine.name
    effective["bootstrap"]["resampling"] = {
        f"{dataset_id}/{task}": table.unit for (dataset_id, task), table in tables.items()
    }
    return Report(
        spec=effective,
        created=created,
        environment=environment(spec.source.parent if spec.source is not None else Path.cwd()),
        datasets=tuple(dataset_info(d) for d in datasets),
        checkers=tuple(checker_run(p) for p in planned),
        scores=tuple(scores),
        comparisons=comparisons,
        predictions=tuple(predictions),
        articles=with_verdicts((v for d in datasets for v in article_views(d)), predictions),
        timings=timings,
        seed=spec.seed,
        bootstrap_resamples=spec.bootstrap.resamples,
        predictions_file=str(spool.path) if spool.path is not None else None,
        contamination=tuple(c for p in planned for c in p.contamination),
        failures=run_failures(scores, {p.label: p.first_error for p in planned}),
    )


def run_failures(scores: Sequence[TaskScores], examples: Mapping[str, str | None]) -> tuple[str, ...]:
    """Why a run failed: each checker that failed on every item of a dataset and task (a model that
    cannot be loaded does that), with an example error from ``examples`` (by checker label) when known.

    A run with such a checker is a failed run: its scores mean nothing, every report says so first and
    ``claimbench run`` exits 1.
    """
    reasons = []
    for s in scores:
        if s.n_items and s.n_errors == s.n_items:
            example = examples.get(s.checker)
            reasons.append(
                f"checker {s.checker} failed on every item of {s.dataset}/{s.task} ({s.n_items} item(s))"
                + (f": {example}" if example else "; see the error column of predictions.csv")
            )
    return tuple(reasons)


def _keeper(held: bool, predictions: list[Prediction], spool: Spool) -> Callable[[list[Any]], None]:
    """Where a dataset's prediction rows go, in item order: a dataset loaded whole keeps its records in
    the report (and writes them to the spool too, when the run streams another dataset, so the spool is
    the run's whole ``predictions.csv``); a streamed dataset's CSV lines go to the spool only."""
    if not held:
        return spool.lines

    def keep(rows: list[Any]) -> None:
        predictions.extend(rows)
        spool.write(rows)

    return keep


class _Judge:
    """The one judge loop, with what every dataset, task and checker of a run shares."""

    def __init__(
        self,
        cache: VerdictCache,
        engine: Engine,
        spec: BenchmarkSpec,
        timer: _Timer,
        bars: _Bars,
        *,
        use_cache: bool,
        retry_errors: bool,
    ) -> None:
        self.cache, self.engine, self.spec, self.timer, self.bars = cache, engine, spec, timer, bars
        self.use_cache, self.retry_errors = use_cache, retry_errors

    def __call__(
        self,
        p: Planned,
        dataset: Source,
        task: str,
        context: Context,
        keep: Callable[[list[Any]], None],
        collect: Collect | None,
    ) -> Compact:
        """Every item's verdict, from the cache where possible, computed (and cached batch by batch) else,
        kept as label codes and scores; ``keep`` takes the prediction rows in item order, ``collect`` (the
        first checker of a task) the gold and cluster codes.

        A generator reads a chunk, finds its cached verdicts and cuts the missing items into batches; the
        engine pulls it only as fast as batches complete (a streamed dataset; one loaded whole is handed
        over as a list), so at most the chunks with a batch in flight are held. Each batch comes back
        reduced by :class:`Finish` (on the worker) and its shard is written to the cache at once; each
        chunk whose batches are all back is appended, in item order, to the codes and scores. The
        checker's time covers all of it (keys, lookups, checking, cache writes) except fitting.
        """
        start = time.perf_counter()
        held = not isinstance(dataset, DatasetStream)
        scope = CacheScope(dataset.checksum, p.spec.name, str(p.checker.version), p.key_params)
        finish = Finish(dataset.id, task, p.label, scope, held)
        index = self.cache.index(scope, self.retry_errors) if self.use_cache else None
        total = count_items(dataset, task, self.spec.limit)
        bar = self.bars.add(f"{p.label} · {dataset.id}/{task}", total=total, completed=0)
        codes, scores = array("b"), array("d")
        windows: deque[Window] = deque()
        owners: dict[int, tuple[Window, list[int]]] = {}
        numbers = itertools.count()
        counts = {"items": 0, "reused": 0, "errors": 0}

        def flush() -> None:
            """Append the leading windows whose batches are all back, in item order; keep their rows."""
            while windows and windows[0].pending == 0:
                window = windows.popleft()
                codes.frombytes(window.codes)
                scores.extend(window.scores)
                counts["errors"] += window.errors
                if window.first_error is not None and p.first_error is None:
                    p.first_error = window.first_error  # named in the report if it failed on everything
                keep(window.rows)

        def produce() -> Iterator[HeldBatch | StreamBatch]:
            size = self.spec.run.batch_size
            for chunk in read_chunks(dataset, task, self.spec.limit):
                if collect is not None:
                    collect.add(chunk.gold, chunk.clusters)
                window = Window.of(chunk.ids, chunk.gold, chunk.clusters)
                windows.append(window)
                found = index.lookup(scope, chunk.ids) if index is not None else {}
                if found:
                    slots = sorted(found)
                    window.fill(slots, window.reduce(finish, slots, [found[i] for i in slots], cached=True))
                counts["items"] += len(chunk.ids)
                counts["reused"] += len(found)
                self.bars.advance(bar, len(found))
                missing = [i for i in range(len(chunk.ids)) if i not in found]
                parts = [missing[first : first + size] for first in range(0, len(missing), size)]
                window.pending = len(parts)  # all of them before the first is out: it may come back at once
                for slots in parts:
                    owners[next(numbers)] = (window, slots)
                    yield chunk_batch(chunk, slots)
                flush()

        try:
            # The first missing verdict is found before any batch goes out: fit then (not at all if none).
            batches: Iterable[HeldBatch | StreamBatch]
            if held:
                batches = list(produce())  # in memory anyway: engines split a list best (one batch: here)
                first = batches[0] if batches else None
            else:
                stream = produce()
                first = next(stream, None)
                batches = itertools.chain([first], stream) if first is not None else ()
            if first is not None:
                start += self._fit(p)  # fitting is not checking
                self._check(p, context, batches, finish, owners, scope, bar, flush)
            flush()
        finally:
            if index is not None:
                index.close()
        if windows or owners:
            raise RuntimeError(f"engine {self.engine.name!r} did not return every batch")  # not the data

        n, reused = counts["items"], counts["reused"]
        seconds = time.perf_counter() - start
        p.seconds += seconds
        p.computed += n - reused
        p.reused += reused
        p.judged += n
        if n:
            rate = f", {(n - reused) / seconds:.0f} items/s" if n > reused and seconds > 0 else ""
            log.info(
                "%s on %s/%s: %d item(s): %d reused from the cache, %d computed%s; %d error(s)%s",
                p.label, dataset.id, task, n, reused, n - reused, rate, counts["errors"],
                "" if held else " (streamed)",
            )  # fmt: skip
        return Compact(np.frombuffer(codes, dtype=np.int8), np.frombuffer(scores, dtype=np.float64))

    def _fit(self, p: Planned) -> float:
        """Fit ``p``'s checker on its ``fit_on`` data, once per run; the seconds it took."""
        if p.fit_data is None or p.fitted:
            return 0.0
        started = time.perf_counter()
        with self.timer.phase("fit_seconds"), stage(f"fitting {p.label} on {p.fit_data.id}"):
            fit_checker(p.checker, p.fit_data.items(str(p.checker.task)), p.fit_data.context())
        p.fitted = True
        log.info("%s: fitted on %s", p.label, fitted_on(p.fit_data))
        return time.perf_counter() - started

    def _check(
        self,
        p: Planned,
        context: Context,
        batches: Iterable[HeldBatch | StreamBatch],
        finish: Finish,
        owners: dict[int, tuple[Window, list[int]]],
        scope: CacheScope,
        bar: int,
        flush: Callable[[], None],
    ) -> None:
        """Run the batches on the engine; store each shard and place each reduced batch as it is back."""
        for result in self.engine.map_batches(p.checker, context, batches, finish):
            owner = owners.pop(result.index, None)
            if owner is None:
                raise RuntimeError(
                    f"engine {self.engine.name!r} returned batch {result.index} twice or one it was not given"
                )
            window, slots = owner
            done = result.finished
            if not isinstance(done, Finished):  # an engine that ignores `finish`: reduce here
                done = window.reduce(finish, slots, result.verdicts)
            if done.shard is not None:
                self.cache.put_shard(scope, done.shard)
            window.fill(slots, done)
            window.pending -= 1
            self.bars.advance(bar, len(slots))
            flush()


class _Bars:
    """One progress bar per checker run, or nothing (not a terminal, or ``progress=False``)."""

    def __init__(self, progress: Any | None) -> None:
        self._progress = progress

    def add(self, description: str, total: int | None, completed: int) -> int:
        if self._progress is None:
            return -1
        task_id: int = self._progress.add_task(description, total=total, completed=completed)
        return task_id

    def advance(self, bar: int, amount: int) -> None:
        if self._progress is not None:
            self._progress.advance(bar, amount)


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """Keep what exists now (modules, the loaded data, the checkers) out of the cyclic GC while checking.

    Checking allocates per item; every so often that triggers a full collection, which walks every
    tracked object — hundreds of thousands once numpy, scikit-learn and pint are imported — though none
    of them can become garbage during the run. ``gc.freeze`` moves them to the permanent generation,
    so collections see only what the run allocates; ``gc.unfreeze`` hands them back afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _progress(show: bool) -> Iterator[_Bars]:
    """The bars, on the job's one live display (:func:`claimbench.progress.live_progress`) when shown."""
    if not show:
        yield _Bars(None)
        return
    with live_progress() as progress:
        yield _Bars(progress)
