"""Execution backends: where ``checker.check(batch, context)`` runs. The runner sees only :class:`Engine`.

An engine takes a checker, its context and a list of batches, and yields one :class:`BatchResult` per
batch *as each completes* (in any order; each carries its batch index), so the runner can cache and show
progress batch by batch. Every engine applies the same per-item error contract, :func:`check_batch`.

* ``serial`` — in this process, in order. No start-up cost; the default for one job.
* ``joblib`` — a pool of worker processes (joblib's ``loky`` backend), ``jobs`` of them.

A new backend (dask, say) is one class with ``name``, ``map_batches`` and ``close``, added to
:data:`ENGINES` (or :func:`register_engine`); neither the runner nor the spec parser changes.
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from claimbench.checkers.base import Checker
from claimbench.records import TASK_LABELS, Context, Item, Verdict


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The verdicts of one batch, aligned with its items, and the seconds the checker took on it."""

    index: int
    verdicts: list[Verdict]
    seconds: float


@runtime_checkable
class Engine(Protocol):
    """Runs a checker over batches of items."""

    name: str

    def map_batches(
        self, checker: Checker, context: Context, batches: Sequence[Sequence[Item]]
    ) -> Iterator[BatchResult]:
        """Yield one result per batch as it completes (any order)."""
        ...

    def close(self) -> None:
        """Release workers or connections; the engine is not used afterwards."""
        ...


def _error(checker: Checker, item: Item, message: str) -> Verdict:
    return Verdict.failed(item.id, str(checker.name), str(checker.version), message)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_batch(checker: Checker, items: Sequence[Item], context: Context) -> list[Verdict]:
    """``checker.check(items, context)`` under claimbench's per-item error contract.

    * An exception on the whole batch is retried item by item, so only the items that fail get an error
      verdict (an exception on a single item becomes its error verdict).
    * A result of the wrong length cannot be matched to items: every item of the batch gets an error.
    * A verdict that is not a :class:`Verdict`, names another item, or carries a label outside the
      task's label set becomes an error verdict for its item (so scoring never sees an unknown label).

    ``KeyboardInterrupt`` and other non-``Exception`` exceptions propagate: an interrupted run stops.
    """
    if not items:
        return []
    try:
        verdicts = list(checker.check(items, context))
    except Exception as exc:  # noqa: BLE001 - a checker failure is recorded, never raised
        if len(items) == 1:
            return [_error(checker, items[0], _describe(exc))]
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


def _timed(index: int, checker: Checker, context: Context, batch: Sequence[Item]) -> BatchResult:
    start = time.perf_counter()
    verdicts = check_batch(checker, batch, context)
    return BatchResult(index, verdicts, time.perf_counter() - start)


class SerialEngine:
    """Runs batches one after another in this process."""

    name = "serial"

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = 1

    def map_batches(
        self, checker: Checker, context: Context, batches: Sequence[Sequence[Item]]
    ) -> Iterator[BatchResult]:
        """Yield each batch's result in order."""
        for index, batch in enumerate(batches):
            yield _timed(index, checker, context, batch)

    def close(self) -> None:
        """Nothing to release."""


@functools.lru_cache(maxsize=2)
def _load_payload(path: str) -> tuple[Checker, Context]:
    """Read the checker and context once per worker process and run (the path is unique per run)."""
    with open(path, "rb") as handle:
        payload: tuple[Checker, Context] = pickle.load(handle)
    return payload


def _worker(path: str, index: int, batch: Sequence[Item]) -> BatchResult:
    checker, context = _load_payload(path)
    return _timed(index, checker, context, batch)


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

    def __init__(self, jobs: int = -1, backend: str = "loky") -> None:
        if jobs == 0:
            raise ValueError("jobs must be a positive number of processes, or -1 for every core")
        self.jobs = jobs
        self.backend = backend

    def workers(self) -> int:
        """How many processes ``jobs`` means on this machine."""
        return (os.cpu_count() or 1) if self.jobs < 0 else self.jobs

    def map_batches(
        self, checker: Checker, context: Context, batches: Sequence[Sequence[Item]]
    ) -> Iterator[BatchResult]:
        """Yield each batch's result as a worker finishes it."""
        if self.workers() == 1 or len(batches) <= 1:
            yield from SerialEngine().map_batches(checker, context, batches)
            return
        from joblib import Parallel, delayed

        with tempfile.TemporaryDirectory(prefix="claimbench-") as tmp:
            path = Path(tmp) / "payload.pkl"
            path.write_bytes(_cloudpickle().dumps((checker, context)))
            parallel = Parallel(
                n_jobs=min(self.workers(), len(batches)),
                backend=self.backend,
                return_as="generator_unordered",
            )
            results: Iterator[BatchResult] = parallel(
                delayed(_worker)(str(path), index, list(batch)) for index, batch in enumerate(batches)
            )
            yield from results

    def close(self) -> None:
        """Workers are joblib's reusable pool; nothing to release here."""


EngineFactory = Callable[..., Engine]
ENGINES: dict[str, EngineFactory] = {"serial": SerialEngine, "joblib": JoblibEngine}
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
