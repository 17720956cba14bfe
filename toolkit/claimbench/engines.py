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
* ``dask`` — batches on a Dask cluster (:mod:`claimbench.engines_dask`; ``pip install 'dask[distributed]'``):
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
:func:`load_once`, which loads a file once per process (keyed by its path and SHA-256) and hands every
later batch the same object.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import itertools
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload, runtime_checkable

from claimbench import _json
from claimbench.checkers.base import Checker, contract_problems, failed_verdict
from claimbench.records import (
    TASK_LABELS,
    Context,
    Evidence,
    Item,
    Verdict,
    claim_from_json,
    relation_from_json,
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The verdicts of one batch, aligned with its items, and the seconds the checker took on it.

    With a finisher (see the module doc) ``verdicts`` is empty and ``finished`` holds what the finisher
    returned. Pickles its verdicts as plain tuples (:func:`pack_verdict`): unpickling frozen slotted
    dataclasses field by field costs several times more, and a worker's results are unpickled by the
    runner's own process, which the workers share the machine with.
    """

    index: int
    verdicts: list[Verdict]
    seconds: float
    finished: Any = None

    def __reduce__(self) -> tuple[Any, ...]:
        packed = [pack_verdict(v) for v in self.verdicts]
        return (_unpack_result, (self.index, packed, self.seconds, self.finished))


_VERDICT_FIELDS = tuple(f.name for f in fields(Verdict))
_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))
_EVIDENCE_AT = _VERDICT_FIELDS.index("evidence")


def pack_verdict(verdict: Verdict) -> tuple[Any, ...]:
    """A verdict as a tuple of its fields (evidence as tuples too): what crosses a process boundary."""
    values = [getattr(verdict, name) for name in _VERDICT_FIELDS]
    values[_EVIDENCE_AT] = tuple(tuple(getattr(e, n) for n in _EVIDENCE_FIELDS) for e in verdict.evidence)
    return tuple(values)


def unpack_verdict(values: Sequence[Any]) -> Verdict:
    """Inverse of :func:`pack_verdict` (through the constructors, so every check of a Verdict runs)."""
    parts = list(values)
    parts[_EVIDENCE_AT] = tuple(Evidence(*e) for e in parts[_EVIDENCE_AT])
    return Verdict(*parts)


def _unpack_result(
    index: int, packed: list[tuple[Any, ...]], seconds: float, finished: Any = None
) -> BatchResult:
    return BatchResult(index, [unpack_verdict(v) for v in packed], seconds, finished)


Finisher = Callable[[Sequence[Item], list[Verdict]], Any]
"""``finish(batch, verdicts)``: what to send back for a checked batch instead of its verdicts (picklable)."""


class RawItems(Sequence[Item]):
    """A batch of items kept as the JSON lines they were read from until a checker looks at them.

    What a streamed run hands its engine. A line of bytes pickles in a fraction of the time of a record
    object, so sending a batch to a worker costs the runner's process little (with Dask, whose scheduler
    runs in that process and serialises every task again, all the more); the worker builds the records
    on first use. In the runner's own process (the serial engine) they are built from the ``records``
    already parsed, if given. ``kind``: ``claim`` or ``relation``.
    """

    __slots__ = ("_items", "_records", "kind", "lines")

    def __init__(self, kind: str, lines: list[bytes], records: list[dict[str, Any]] | None = None) -> None:
        if kind not in ("claim", "relation"):
            raise ValueError(f"kind must be claim or relation, not {kind!r}")
        self.kind = kind
        self.lines = lines
        self._records = records
        self._items: list[Item] | None = None

    def items(self) -> list[Item]:
        """The records, built once."""
        if self._items is None:
            build = claim_from_json if self.kind == "claim" else relation_from_json
            records = self._records if self._records is not None else [_json.loads(x) for x in self.lines]
            self._items = [build(r) for r in records]
            self._records = None
        return self._items

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        return self.items()[index]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items())

    def __reduce__(self) -> tuple[Any, ...]:
        return (RawItems, (self.kind, self.lines))


def transportable(batch: Sequence[Item]) -> Sequence[Item]:
    """``batch`` as sent to a worker: lists and :class:`RawItems` as they are, other sequences as lists."""
    return batch if isinstance(batch, list | RawItems) else list(batch)


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


def _error(checker: Checker, item: Item, failure: BaseException | str) -> Verdict:
    return failed_verdict(item.id, str(checker.name), str(checker.version), failure)


def check_batch(checker: Checker, items: Sequence[Item], context: Context) -> list[Verdict]:
    """``checker.check(items, context)`` under claimbench's per-item error contract.

    * An exception on the whole batch is retried item by item, so only the items that fail get an error
      verdict (an exception on a single item becomes its error verdict).
    * A result of the wrong length cannot be matched to items: every item of the batch gets an error.
    * A verdict that is not a :class:`Verdict`, names another item, or carries a label outside the
      task's label set becomes an error verdict for its item (so scoring never sees an unknown label).

    * A checker that breaks the contract (:func:`~claimbench.checkers.base.contract_problems`) is not
      called: every item gets an error saying what it lacks.

    ``KeyboardInterrupt`` and other non-``Exception`` exceptions propagate: an interrupted run stops.
    """
    if not items:
        return []
    if problems := contract_problems(checker):
        name, version = getattr(checker, "name", type(checker).__name__), getattr(checker, "version", "")
        message = f"checker breaks the Checker contract: {'; '.join(problems)}"
        return [failed_verdict(item.id, str(name), str(version), message) for item in items]
    try:
        verdicts = list(checker.check(items, context))
    except Exception as exc:  # noqa: BLE001 - a checker failure is recorded, never raised
        if len(items) == 1:
            return [_error(checker, items[0], exc)]
        return [v for item in items for v in check_batch(checker, [item], context)]
    if len(verdicts) != len(items):
        message = (
            f"checker returned {len(verdicts)} verdict(s) for a batch of {len(items)} item(s); "
            "the batch's verdicts cannot be matched to items"
        )
        return [_error(checker, item, message) for item in items]
    labels = TASK_LABELS.get(str(checker.task), tuple(checker.labels))
    out: list[Verdict] = []
    for item, verdict in zip(items, verdicts, strict=True):
        if not isinstance(verdict, Verdict):
            out.append(_error(checker, item, f"checker returned {type(verdict).__name__}, not a Verdict"))
        elif verdict.item_id != item.id:
            out.append(_error(checker, item, f"verdict is for item {verdict.item_id!r}, not {item.id!r}"))
        elif verdict.label is not None and verdict.label not in labels:
            out.append(
                _error(
                    checker,
                    item,
                    f"label {verdict.label!r} is not a {checker.task} label ({', '.join(labels)})",
                )
            )
        else:
            out.append(verdict)
    return out


def _timed(
    index: int, checker: Checker, context: Context, batch: Sequence[Item], finish: Finisher | None = None
) -> BatchResult:
    """One batch under the error contract, timed; finished where it ran when ``finish`` is given."""
    start = time.perf_counter()
    verdicts = check_batch(checker, batch, context)
    seconds = time.perf_counter() - start
    if finish is None:
        return BatchResult(index, verdicts, seconds)
    return BatchResult(index, [], seconds, finish(batch, verdicts))


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
            yield _timed(index, checker, context, batch, finish)

    def close(self) -> None:
        """Nothing to release."""


Payload = tuple[Checker, Context, Finisher | None]
"""What every worker of a run gets once: the checker, its context and the finisher (or ``None``)."""


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
    return _timed(index, checker, context, batch, finish)


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
    """The ``dask`` engine (:class:`claimbench.engines_dask.DaskEngine`), imported only when asked for.

    Options: ``scheduler`` (``"tcp://host:port"``; default: a LocalCluster of ``jobs`` workers on
    127.0.0.1), and those of ``DaskEngine``. Raises ``RuntimeError`` naming the extra to install when
    ``distributed`` is missing.
    """
    from claimbench.engines_dask import DaskEngine

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


# ------------------------------------------------------------------------- models, once per process

T = TypeVar("T")

_LOADED: dict[tuple[str, str, str], Any] = {}
_DIGESTS: dict[tuple[str, int, int], str] = {}
_LOAD_LOCK = threading.RLock()
LOADS: list[tuple[str, str]] = []
"""``(path, sha256)`` of every file :func:`load_once` actually loaded in this process (for tests and logs)."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, computed once per process for each (path, size, modification time)."""
    resolved = str(Path(path).resolve())
    stat = os.stat(resolved)
    signature = (resolved, stat.st_size, stat.st_mtime_ns)
    digest = _DIGESTS.get(signature)
    if digest is None:
        hasher = hashlib.sha256()
        with open(resolved, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
        digest = _DIGESTS[signature] = hasher.hexdigest()
    return digest


def load_once(path: str | os.PathLike[str], loader: Callable[[Path], T]) -> T:
    """``loader(path)``, called once per process for each file content; later calls return the same object.

    The per-worker model cache: a learned checker keeps its model file's *path* as a parameter (so it
    pickles small and its cache key names the model) and calls ``load_once(self.model_path, joblib.load)``
    in ``check``. Each worker process — a joblib worker, a Dask worker, or this process for the serial
    engine — then reads the model on its first batch only, however many batches and runs follow.

    The key is the resolved path, the file's SHA-256 (hashed once per size and modification time, so a
    call costs one ``stat``) and the loader's qualified name: a file replaced by a retrained model is
    loaded afresh. Thread-safe (a Dask worker may run several threads): one load per key. The loaded
    object is shared, so it must not be mutated.
    """
    resolved = str(Path(path).resolve())
    digest = file_sha256(resolved)
    key = (resolved, digest, f"{getattr(loader, '__module__', '')}.{getattr(loader, '__qualname__', loader)}")
    try:
        model: T = _LOADED[key]
        return model
    except KeyError:
        pass
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = loader(Path(resolved))
            LOADS.append((resolved, digest))
        model = _LOADED[key]
    return model


def forget_loaded() -> None:
    """Drop every model :func:`load_once` holds in this process (tests; freeing memory between runs)."""
    with _LOAD_LOCK:
        _LOADED.clear()
        _DIGESTS.clear()
        LOADS.clear()
