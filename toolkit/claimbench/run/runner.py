"""The benchmark runner: a :class:`~claimbench.run.spec.BenchmarkSpec` in, a :class:`Report` out.

For each dataset × task × checker of the spec the runner takes the task's items (the first ``limit``),
reuses every verdict the cache holds, computes the missing ones in batches on an engine
(:mod:`claimbench.run.engines`) and writes each batch to the cache the moment it completes. Then it scores
every checker (:mod:`claimbench.scoring.tables`: the metrics of :mod:`claimbench.scoring.metrics` with
intervals from
:mod:`claimbench.scoring.stats`, resampling by article), compares every two checkers on the same dataset and
task, and records timings and the environment.

**Resuming.** Because a batch is committed to the cache as soon as it is back, a run that is stopped —
Ctrl-C, an exception, ``kill -9`` — loses at most the batches in flight. Running the same spec again
looks every item up, finds the finished ones and computes only the rest; since a verdict depends only
on its cache key (dataset checksum, checker, version, parameters, item), and scoring only on the verdicts
and the seed, the resumed run's report equals an uninterrupted one's (timings aside).

**Fitting.** A checker with ``fit_on`` is fitted on that dataset's items of its task (only when some
verdict is not cached). The runner refuses — before anything runs — to evaluate a checker on a dataset
that is its fitting data: same checksum, or any evaluated item whose texts are those of a fitted item,
whatever the ids (:mod:`claimbench.run.leakage`). Evaluated items that share only one text with the fitting
data are counted, per checker and dataset, in the report's ``contamination``. The fitting dataset's
checksum is part of the checker's cache key, and the report records, per checker, where it was fitted.

**Streaming.** A dataset directory too large for memory (``run(stream=True)``, or by default one whose
manifest counts more than :data:`STREAM_MIN_RECORDS` claims and relations) is validated in one streaming
pass (:func:`claimbench.data.dataset.open_stream`; once per dataset checksum and output directory, recorded in
``cache/validated.json``) and its items are then read chunk by chunk, once per checker. The runner holds
at most the chunks whose batches are in flight. Each batch is reduced where it was checked — on the
worker — to its cache shard, label codes, scores and prediction rows (:mod:`claimbench.run.streaming`), the
shard is written to the cache as it arrives, and of each verdict only a label code and a score stay (a
few bytes per item, the gold codes and cluster ids likewise), which is all the metrics, intervals and
comparisons need. Prediction rows are written to
``cache/predictions.stream.csv`` as they come, in item order, and :func:`claimbench.report.json.write_report`
copies them to ``predictions.csv``; the report itself then carries no predictions (``report.json`` of a
million items would not be read by anyone). Cached verdicts are found through an index of the scope's
cache shards (64-bit key prefixes → shard), built with one read of the cache. Scores are the same as
when the dataset is loaded whole: both paths score the same compact arrays.
"""

from __future__ import annotations

import datetime as _dt
import gc
import hashlib
import itertools
import json
import logging
import os
import platform
import subprocess
import sys
import time
from array import array
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from claimbench._io import write_text
from claimbench.checkers.base import Checker, can_fit, fit_checker
from claimbench.checkers.registry import Registry, discover
from claimbench.data.adapters import open_dataset
from claimbench.data.dataset import (
    STREAM_CHUNK,
    Dataset,
    DatasetError,
    DatasetStream,
    data_checksum,
    open_stream,
    read_manifest_text,
)
from claimbench.progress import live_progress, stage
from claimbench.records import Item, Verdict
from claimbench.report.model import (
    ArticleView,
    CheckerRun,
    ClaimMark,
    Comparison,
    Contamination,
    DatasetInfo,
    Prediction,
    Report,
    TaskScores,
    with_verdicts,
)
from claimbench.run.cache import CACHE_DIR, FILES_KEY, CacheScope, VerdictCache, file_digests, plain_params
from claimbench.run.engines import Engine, RawItems, batched, make_engine
from claimbench.run.leakage import FitTexts, Screening, fit_texts, screen
from claimbench.run.spec import BenchmarkSpec, CheckerSpec, DatasetSpec, SpecError
from claimbench.run.streaming import Finish, Finished, Spool, StreamBatch, Window, pick
from claimbench.scoring.tables import Collect, Compact, Table, adjust

log = logging.getLogger("claimbench.run.runner")

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

STREAM_MIN_RECORDS = 100_000
"""``run(stream=None)`` streams a dataset directory whose manifest counts more claims and relations."""
PREDICTIONS_SPOOL = "predictions.stream.csv"
"""Where a streamed run writes its prediction rows, in the cache directory."""
VALIDATED = "validated.json"
"""Dataset checksums a streamed run validated, in the cache directory (with what they were checked by)."""

IntArray = NDArray[np.intp]
Source = Dataset | DatasetStream
"""A dataset loaded whole, or one streamed from disk."""


@dataclass
class _Planned:
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


@dataclass
class _Outcome:
    """One checker's verdicts on one dataset and task, compacted for scoring."""

    planned: _Planned
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
    whose manifest counts more than :data:`STREAM_MIN_RECORDS` claims and relations (``None``); a run
    that streams writes its prediction rows to the cache directory and its report carries none but
    names that file (``predictions_file``), which ``write_report`` copies to ``predictions.csv``.

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
        datasets = []
        for d in spec.datasets:
            with stage(f"reading {_describe(d)}"):
                datasets.append(_open(d, stream, cache_dir))
        planned = _plan(spec, registry, datasets)
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
            for dataset in datasets:
                context = dataset.context()
                for task in spec.tasks:
                    runners = [p for p in planned if p.checker.task == task]
                    if not runners:
                        continue
                    results: list[_Outcome] = []
                    if isinstance(dataset, DatasetStream):
                        collect = Collect(dataset, task)
                        for p in runners:
                            compact = _judge_stream(
                                p, dataset, task, context, cache, engine, spec, timer, bars, spool,
                                collect if not results else None,
                                use_cache=use_cache, retry_errors=retry_errors,
                            )  # fmt: skip
                            results.append(_Outcome(p, compact))
                            if not collect.n:
                                break
                        if not collect.n:
                            continue
                        table = collect.table(spec.bootstrap, spec.seed)
                    else:
                        items = dataset.items(task)
                        if spec.limit is not None:
                            items = items[: spec.limit]
                        if not items:
                            continue
                        table = Table.build(dataset, task, items, spec.bootstrap, spec.seed)
                        for p in runners:
                            verdicts = _judge(
                                p, dataset, task, items, context, cache, engine, spec, timer,
                                bars, use_cache=use_cache, retry_errors=retry_errors,
                            )  # fmt: skip
                            rows = table.predictions(p.label, verdicts)
                            if spool.active:
                                spool.write(rows)
                            else:
                                predictions.extend(rows)
                            results.append(_Outcome(p, table.compact(verdicts)))
                    tables[(dataset.id, task)] = table
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
        **_peak_memory(),
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
        datasets=tuple(_dataset_info(d) for d in datasets),
        checkers=tuple(_checker_run(p) for p in planned),
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


def _open(d: DatasetSpec, stream: bool | None, cache_dir: Path) -> Source:
    """A spec's dataset: loaded whole (adapters, and directories unless streamed), or streamed."""
    if d.adapter is not None or stream is False or (stream is None and not _large(d.path)):
        return open_dataset(d.path, d.adapter, dict(d.options))
    return _open_stream(d.path, cache_dir)


def _large(path: Path) -> bool:
    """Whether the manifest at ``path`` counts more than :data:`STREAM_MIN_RECORDS` claims and relations."""
    try:
        counts = json.loads(read_manifest_text(path))["counts"]
        return int(counts.get("claims", 0)) + int(counts.get("relations", 0)) > STREAM_MIN_RECORDS
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return False  # loading it whole reports what is wrong


def _validation_stamp() -> str:
    """What a dataset was validated by: the schemas and the validating code (any change validates again)."""
    from claimbench.data import dataset, schema

    digest = hashlib.sha256()
    for kind in ("manifest", "article", "claim", "relation"):
        digest.update(canonical_schema(kind).encode("utf-8"))
    for module in (dataset, schema):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def canonical_schema(kind: str) -> str:
    """A record kind's JSON Schema as canonical text (part of the validation stamp)."""
    from claimbench.data.schema import load_schema

    return json.dumps(load_schema(kind), sort_keys=True, separators=(",", ":"))


def _open_stream(path: Path, cache_dir: Path) -> DatasetStream:
    """The dataset at ``path`` as a stream, validated once per checksum for this output directory.

    Validating a million records takes longer than checking them with a fast checker, and a sweep of
    checker configurations reads the same data every run; so a dataset whose checksum (the SHA-256 of
    its files) was validated by the same schemas and code is only read for its context, its files'
    SHA-256 checked against the manifest as they are read.
    """
    memo = cache_dir / VALIDATED
    try:
        manifest = json.loads(read_manifest_text(path))
        files = manifest["files"]
        checksum = data_checksum(files)
        known = json.loads(memo.read_text(encoding="utf-8")) if memo.is_file() else {}
    except (OSError, ValueError, TypeError, KeyError):
        checksum, known = "", {}
    stamp = _validation_stamp()
    if checksum and known.get(checksum) == stamp:
        try:
            return open_stream(path, validate=False)
        except DatasetError:
            pass  # changed since: the full validation says what is wrong
    dataset = open_stream(path)
    known = {k: v for k, v in known.items() if v == stamp}
    known[dataset.checksum] = stamp
    write_text(memo, json.dumps(known, indent=1, sort_keys=True) + "\n")
    log.info("%s: validated (%s)", dataset.id, _display(path))
    return dataset


def _plan(spec: BenchmarkSpec, registry: Registry, datasets: Sequence[Source]) -> list[_Planned]:
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
                with stage(f"reading {_describe(cs.fit_on)} to fit {cs.label}"):
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
                    fitted_on=_fitted_on(fit_data),
                    items=sc.items,
                    shared=sc.shared,
                    share=sc.share,
                )
                for d, sc in screenings
            )
        else:
            contamination = ()
        origin = registry.checkers[cs.name].origin if cs.name in registry.checkers else "unknown"
        planned.append(_Planned(i, cs, checker, origin, fit_data, params, contamination))
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
        chunks = dataset.chunks(task) if isinstance(dataset, DatasetStream) else [dataset.items(task)]
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
        with timer.phase("fit_seconds"), stage(f"fitting {p.label} on {p.fit_data.id}"):
            fit_checker(p.checker, p.fit_data.items(str(p.checker.task)), p.fit_data.context())
        p.fitted = True
        log.info("%s: fitted on %s", p.label, _fitted_on(p.fit_data))
    start += time.perf_counter() - fit_start  # fitting is not checking

    if missing:
        batches = batched(missing, spec.run.batch_size)
        for result in engine.map_batches(p.checker, context, batches):
            batch = batches[result.index]
            cache.put_many(  # an environment error (a missing model file) is not the item's answer
                scope, ((i.id, v) for i, v in zip(batch, result.verdicts, strict=True) if not v.environment)
            )
            for item, verdict in zip(batch, result.verdicts, strict=True):
                found[item.id] = verdict
            bars.advance(bar, len(batch))
    seconds = time.perf_counter() - start
    errors = sum(1 for i in ids if found[i].error is not None)
    if errors and p.first_error is None:  # named in the report if the checker failed on everything
        p.first_error = next(str(found[i].error) for i in ids if found[i].error is not None)
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


def _judge_stream(
    p: _Planned,
    dataset: DatasetStream,
    task: str,
    context: Any,
    cache: VerdictCache,
    engine: Engine,
    spec: BenchmarkSpec,
    timer: _Timer,
    bars: _Bars,
    spool: Spool,
    collect: Collect | None,
    *,
    use_cache: bool,
    retry_errors: bool,
) -> Compact:
    """Every item's verdict, as :func:`_judge`, but reading the items chunk by chunk and keeping codes only.

    A generator reads a chunk, finds its cached verdicts (:meth:`VerdictCache.index`) and hands the engine the
    missing items in batches; the engine pulls it only as fast as batches complete, so at most the chunks
    with a batch in flight are held. Each batch comes back reduced by :class:`Finish` (on the worker)
    and its shard is written to the cache at once; each chunk whose batches are all back is appended, in
    item order, to the codes and scores, and its prediction rows are spooled. ``collect`` (the first
    checker of a task) gathers the gold and cluster codes.
    """
    start = time.perf_counter()
    scope = CacheScope(dataset.checksum, p.spec.name, str(p.checker.version), p.key_params)
    finish = Finish(dataset.id, task, p.label, scope)
    index = cache.index(scope, retry_errors) if use_cache else None
    bar = bars.add(f"{p.label} · {dataset.id}/{task}", total=dataset.count(task), completed=0)

    fit_start = time.perf_counter()
    # Whether any verdict is missing is known only once the items are read: fit unless the cache holds at
    # least as many verdicts as the file holds records (fitting again gives the same checker anyway).
    total = dataset.count(task)
    if p.fit_data is not None and not p.fitted and (index is None or total is None or len(index) < total):
        with timer.phase("fit_seconds"), stage(f"fitting {p.label} on {p.fit_data.id}"):
            fit_checker(p.checker, p.fit_data.items(str(p.checker.task)), p.fit_data.context())
        p.fitted = True
        log.info("%s: fitted on %s", p.label, _fitted_on(p.fit_data))
    start += time.perf_counter() - fit_start

    codes, scores = array("b"), array("d")
    windows: deque[Window] = deque()
    owners: dict[int, tuple[Window, list[int]]] = {}
    numbers = itertools.count()
    counts = {"items": 0, "reused": 0, "errors": 0}

    def flush() -> None:
        """Append the leading windows whose batches are all back, in item order; spool their rows."""
        while windows and windows[0].pending == 0:
            window = windows.popleft()
            codes.frombytes(window.codes)
            scores.extend(window.scores)
            counts["errors"] += window.errors
            spool.lines(window.rows)

    def produce() -> Iterator[RawItems]:
        for chunk in dataset.raw_chunks(task, STREAM_CHUNK, spec.limit):
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
            bars.advance(bar, len(found))
            missing = [i for i in range(len(chunk.ids)) if i not in found]
            size = spec.run.batch_size
            parts = [missing[first : first + size] for first in range(0, len(missing), size)]
            window.pending = len(parts)  # all of them before the first is out: it may come back at once
            for slots in parts:
                owners[next(numbers)] = (window, slots)
                yield StreamBatch(
                    chunk.kind,
                    pick(chunk.lines, slots),
                    pick(chunk.records, slots),
                    pick(chunk.gold, slots),
                    pick(chunk.clusters, slots),
                )
            flush()

    try:
        for result in engine.map_batches(p.checker, context, produce(), finish):
            window, slots = owners.pop(result.index)
            done = result.finished
            if not isinstance(done, Finished):  # an engine that ignores `finish`: reduce here
                done = window.reduce(finish, slots, result.verdicts)
            if done.shard is not None:
                cache.put_shard(scope, done.shard)
            window.fill(slots, done)
            window.pending -= 1
            bars.advance(bar, len(slots))
            flush()
        flush()
    finally:
        if index is not None:
            index.close()
    if windows or owners:
        raise RuntimeError(f"engine {engine.name!r} did not return every batch")  # a broken engine, not data

    n, reused = counts["items"], counts["reused"]
    seconds = time.perf_counter() - start
    p.seconds += seconds
    p.computed += n - reused
    p.reused += reused
    p.judged += n
    if n:
        rate = f", {(n - reused) / seconds:.0f} items/s" if n > reused and seconds > 0 else ""
        log.info(
            "%s on %s/%s: %d item(s): %d reused from the cache, %d computed%s; %d error(s) (streamed)",
            p.label, dataset.id, task, n, reused, n - reused, rate, counts["errors"],
        )  # fmt: skip
    return Compact(np.frombuffer(codes, dtype=np.int8), np.frombuffer(scores, dtype=np.float64))


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


# ------------------------------------------------------------------------------------------ the record


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter, and portable)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _describe(dataset: DatasetSpec) -> str:
    """A dataset entry as a stage names it: the directory, or the adapter, its split and first file."""
    if dataset.adapter is None:
        return _display(dataset.path)
    split = dict(dataset.options).get("split")
    return f"{dataset.adapter}{f' {split}' if split else ''} ({_display(dataset.path)})"


def _fitted_on(dataset: Source) -> str:
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


def _dataset_info(dataset: Source) -> DatasetInfo:
    files = dataset.manifest["files"]
    return DatasetInfo(
        id=dataset.id,
        version=dataset.version,
        path=_display(dataset.path),
        checksum=dataset.checksum,
        files={key: str(files[key]["sha256"]) for key in sorted(files)},
        label_mapping=_label_mapping(dataset.manifest),
    )


def _label_mapping(manifest: Mapping[str, Any]) -> str | None:
    """``nli: entailment→agree, …; macro-F1 over agree, disagree, discuss`` for a converted corpus."""
    from claimbench.data.adapters.labels import scored_labels

    declared = manifest.get("label_mapping")
    if not isinstance(declared, Mapping):
        return None
    pairs = ", ".join(f"{k}→{v}" for k, v in dict(declared.get("mapping", {})).items())
    return f"{declared.get('name')}: {pairs}; macro-F1 over {', '.join(scored_labels(manifest) or ())}"


def article_views(dataset: Source) -> list[ArticleView]:
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
