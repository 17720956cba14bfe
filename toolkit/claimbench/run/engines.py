"""Execution backends: where ``checker.check(batch, context)`` runs. The runner sees only :class:`Engine`.

An engine takes a checker, its context and batches of items, and yields one :class:`BatchResult` per
batch *as each completes* (in any order; each carries its batch index), so the runner can cache and show
progress batch by batch. Every engine applies the same per-item error contract, :func:`check_batch`.

``batches`` is a list, or — when the runner streams a dataset too large for memory — a lazy iterable.
Engines pull from it **in the calling thread** and only a bounded number of batches ahead of the results
they have yielded (backpressure), so a streamed run holds a bounded number of items and verdicts. The
index of a batch is its position in ``batches``.

* ``serial`` — in this process, in order. No start-up cost; the default for one job.
* ``joblib`` — a pool of worker processes (joblib's ``loky`` backend), ``jobs`` of them.
* ``local`` — ``serial`` for one job, ``joblib`` for more (what ``claimbench run --engine local`` means).
* ``dask`` — batches on a Dask cluster (:mod:`claimbench.run.engines_dask`; ``pip install
'dask[distributed]'``):
  a running scheduler (``scheduler="tcp://host:8786"``) or a ``LocalCluster`` on 127.0.0.1 for the run.

A new backend is one class with ``name``, ``map_batches`` and ``close``, added to :data:`ENGINES` (or
:func:`register_engine`); neither the runner nor the spec parser changes.

**Finishing where the batch was checked.** ``map_batches(..., finish=f)`` calls ``f(batch, verdicts)``
right after checking, in the process that checked (a worker), and sends back its result
(:attr:`BatchResult.finished`) instead of the verdicts. A streamed run uses it to have workers turn
verdicts into what the runner stores — the cache shard's JSON, label codes, prediction rows — so the
runner's process, which every worker's results pass through, does little per item.

**Models loaded once per worker.** Checkers travel to workers by pickling, once per run and worker. A
learned checker should pickle its model's *path*, not the model, and get the model in ``check`` with
:func:`claimbench.checkers.loading.load_once`, which loads a file once per process (keyed by its path and
SHA-256) and hands every
later batch the same object.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimbench.checkers.base import Checker
from claimbench.records import Context, Item
from claimbench.run.batches import (
    BatchResult,
    Finisher,
    Payload,
    RawItems,
    check_batch,
    pack_verdict,
    timed_batch,
    transportable,
    unpack_verdict,
)

__all__ = [  # the batch types are re-exported: they were defined here, and callers import them from here
    "ENGINES",
    "PARENT_POLL_SECONDS",
    "BatchResult",
    "Engine",
    "EngineFactory",
    "Finisher",
    "JoblibEngine",
    "Payload",
    "RawItems",
    "SerialEngine",
    "batched",
    "check_batch",
    "dask_engine",
    "local_engine",
    "make_engine",
    "pack_verdict",
    "register_engine",
    "transportable",
    "unpack_verdict",
]


@runtime_checkable
class Engine(Protocol):
    """Runs a checker over batches of items."""

    name: str

    def map_batches(
        self,
        checker: Checker,
        context: Context,
        batches: Iterable[Sequence[Item]],
        finish: Finisher | None = None,
    ) -> Iterator[BatchResult]:
        """Yield one result per batch as it completes (any order); pull ``batches`` lazily, in this thread.

        ``finish``: called as ``finish(batch, verdicts)`` where the batch was checked; its result is
        sent back as :attr:`BatchResult.finished`, with no verdicts.
        """
        ...

    def close(self) -> None:
        """Release workers or connections; the engine is not used afterwards."""
        ...


class SerialEngine:
    """Runs batches one after another in this process."""

    name = "serial"

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = 1

    def map_batches(
        self,
        checker: Checker,
        context: Context,
        batches: Iterable[Sequence[Item]],
        finish: Finisher | None = None,
    ) -> Iterator[BatchResult]:
        """Yield each batch's result in order (one batch pulled at a time)."""
        for index, batch in enumerate(batches):
            yield timed_batch(index, checker, context, batch, finish)

    def close(self) -> None:
        """Nothing to release."""


@functools.lru_cache(maxsize=2)
def _load_payload(path: str) -> Payload:
    """Read the run's payload once per worker process and run (the path is unique per run).

    The file is one this process wrote for the run, in a private temporary directory (not user input).
    """
    with open(path, "rb") as handle:
        payload: Payload = pickle.load(handle)
    return payload


def _worker(path: str, index: int, batch: Sequence[Item], parent: int = 0) -> BatchResult:
    _watch_parent(parent)
    checker, context, finish = _load_payload(path)
    return timed_batch(index, checker, context, batch, finish)


PARENT_POLL_SECONDS = 0.5
"""How often a worker process checks that the process that started its run is still alive."""
_watched: set[int] = set()
_watch_lock = threading.Lock()


def _watch_parent(parent: int) -> None:
    """Make this worker process exit within :data:`PARENT_POLL_SECONDS` of the death of ``parent``.

    loky's workers outlive a parent killed with SIGKILL (it can die holding the pool's management lock,
    so even their idle timeout never ends them), about 200 MB each. A daemon thread polls: once this
    process has been re-parented (``os.getppid()`` changed: the parent died and init or a subreaper
    adopted it) or ``parent`` (the runner's pid, 0 if unknown) no longer exists, it ends the process
    with ``os._exit``. Portable across POSIX, unlike Linux's ``PR_SET_PDEATHSIG``, which fires when the
    parent *thread* that spawned the worker ends and so would kill the healthy workers of a pool grown
    from a short-lived thread. Not on Windows (no re-parenting, and ``os.kill`` there terminates).
    Started once per process.
    """
    if parent == os.getpid() or sys.platform == "win32":  # in the runner's own process
        return
    with _watch_lock:
        if os.getpid() in _watched:
            return
        _watched.add(os.getpid())
    first_parent = os.getppid()

    def alive() -> bool:
        if os.getppid() != first_parent:
            return False
        try:
            if parent:
                os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except OSError:  # exists, owned by someone else
            pass
        return True

    def watch() -> None:
        while alive():
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="claimbench-parent-watch", daemon=True).start()


def _cloudpickle() -> Any:
    """cloudpickle: a dependency of joblib >= 1.5, vendored inside joblib before that."""
    try:
        return importlib.import_module("cloudpickle")
    except ImportError:
        return importlib.import_module("joblib.externals.cloudpickle")


class JoblibEngine:
    """Runs batches in ``jobs`` worker processes with joblib (``loky``; ``jobs=-1``: every core).

    The checker and the context go to each worker once, through a temporary file that the worker reads
    on its first batch, instead of with every batch: a context holds whole article bodies, and sending it
    per batch would cost more than the checking. (This is transport within one run, by cloudpickle so
    that checkers defined in scripts work; nothing pickled outlives the run.)
    """

    name = "joblib"
    in_flight = 4
    """Batches per worker submitted ahead from a lazy iterable of batches (see :meth:`map_batches`)."""

    def __init__(self, jobs: int = -1, backend: str = "loky") -> None:
        if jobs == 0:
            raise ValueError("jobs must be a positive number of processes, or -1 for every core")
        self.jobs = jobs
        self.backend = backend

    def workers(self) -> int:
        """How many processes ``jobs`` means on this machine."""
        return (os.cpu_count() or 1) if self.jobs < 0 else self.jobs

    def map_batches(
        self,
        checker: Checker,
        context: Context,
        batches: Iterable[Sequence[Item]],
        finish: Finisher | None = None,
    ) -> Iterator[BatchResult]:
        """Yield each batch's result as a worker finishes it.

        A list of batches goes to ``joblib.Parallel`` whole. A lazy iterable is fed, in this thread, to
        loky's reusable executor (the pool ``Parallel`` uses) with at most :attr:`in_flight` batches per
        worker submitted and not yet yielded: joblib would pull the iterable from its own callback
        threads, and the runner's streaming reader must run in the calling thread. (Other backends take
        the iterable in lists of that many batches per worker.)
        """
        if self.workers() == 1 or (isinstance(batches, Sequence) and len(batches) <= 1):
            yield from SerialEngine().map_batches(checker, context, batches, finish)
            return
        from joblib import Parallel, delayed

        with tempfile.TemporaryDirectory(prefix="claimbench-") as tmp:
            path = Path(tmp) / "payload.pkl"
            path.write_bytes(_cloudpickle().dumps((checker, context, finish)))
            if isinstance(batches, Sequence):
                parallel = Parallel(
                    n_jobs=min(self.workers(), len(batches)),
                    backend=self.backend,
                    return_as="generator_unordered",
                )
                results: Iterator[BatchResult] = parallel(
                    delayed(_worker)(str(path), index, transportable(batch), os.getpid())
                    for index, batch in enumerate(batches)
                )
                yield from results
            elif self.backend == "loky":
                yield from self._stream(str(path), enumerate(batches))
            else:
                numbered = enumerate(batches)
                size = self.in_flight * self.workers()
                parallel = Parallel(
                    n_jobs=self.workers(), backend=self.backend, return_as="generator_unordered"
                )
                for window in iter(lambda: list(itertools.islice(numbered, size)), []):
                    yield from parallel(
                        delayed(_worker)(str(path), index, transportable(batch), os.getpid())
                        for index, batch in window
                    )

    def _stream(self, path: str, numbered: Iterator[tuple[int, Sequence[Item]]]) -> Iterator[BatchResult]:
        """Bounded in-flight batches on loky's reusable executor; the iterable is pulled in this thread."""
        from concurrent.futures import FIRST_COMPLETED, Future, wait

        from joblib.executor import get_memmapping_executor  # the executor Parallel(backend="loky") reuses

        executor = get_memmapping_executor(self.workers())
        pending: set[Future[BatchResult]] = set()
        limit = self.in_flight * self.workers()
        try:
            while True:
                for index, batch in itertools.islice(numbered, limit - len(pending)):
                    pending.add(executor.submit(_worker, path, index, transportable(batch), os.getpid()))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Workers are joblib's reusable pool; nothing to release here."""


def local_engine(jobs: int = 1, **options: Any) -> Engine:
    """The ``local`` engine: :class:`SerialEngine` for one job, else :class:`JoblibEngine` (-1: all cores)."""
    if jobs == 1:
        return SerialEngine()
    return JoblibEngine(jobs=jobs, **options)


def dask_engine(jobs: int = 1, **options: Any) -> Engine:
    """The ``dask`` engine (:class:`claimbench.run.engines_dask.DaskEngine`), imported only when asked for.

    Options: ``scheduler`` (``"tcp://host:port"``; default: a LocalCluster of ``jobs`` workers on
    127.0.0.1), and those of ``DaskEngine``. Raises ``RuntimeError`` naming the extra to install when
    ``distributed`` is missing.
    """
    from claimbench.run.engines_dask import DaskEngine

    return DaskEngine(jobs=jobs, **options)


EngineFactory = Callable[..., Engine]
ENGINES: dict[str, EngineFactory] = {
    "serial": SerialEngine,
    "joblib": JoblibEngine,
    "local": local_engine,
    "dask": dask_engine,
}
"""Engine name → factory called as ``factory(jobs=N, **options)``."""


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make another backend available by name (to specs, ``--engine`` and :func:`make_engine`)."""
    ENGINES[name] = factory


def make_engine(name: str | None = None, jobs: int = 1, **options: Any) -> Engine:
    """The engine called ``name``; ``None`` picks ``serial`` for one job and ``joblib`` for more."""
    if name is None:
        name = "serial" if jobs == 1 else "joblib"
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(sorted(ENGINES))}") from None
    return factory(jobs=jobs, **options)


def batched(items: Sequence[Item], size: int) -> list[Sequence[Item]]:
    """Consecutive slices of at most ``size`` items."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return [items[i : i + size] for i in range(0, len(items), size)]
