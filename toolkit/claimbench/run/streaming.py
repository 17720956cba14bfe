"""The bookkeeping of the judge loop: what travels to the engine, what comes back, what is kept.

Every dataset of a run goes through :func:`claimbench.run.runner.run` chunk by chunk
(:func:`claimbench.run.chunks.read_chunks`: a dataset loaded whole is one chunk, a streamed one is read
:data:`~claimbench.data.dataset.STREAM_CHUNK` items at a time). This module holds the pieces of that
one path that are not its control flow:

* :class:`HeldBatch` and :class:`StreamBatch` — a batch as the engine gets it: the items (held in memory,
  or the JSON lines they were read from), with their gold labels and clusters;
* :class:`Finish` — run by the engine where the batch was checked (a worker): reduces the verdicts to a
  :class:`Finished` (the cache shard's JSON, label codes, scores, prediction rows), so the runner's own
  process neither unpickles nor encodes verdicts. It builds every prediction row of a run
  (:meth:`Finish.rows`): :class:`~claimbench.report.model.Prediction` records for a dataset loaded whole
  (its report carries them), CSV lines for a streamed one;
* :class:`Window` — a chunk's codes and rows, filled in as its batches come back in any order;
* :class:`Spool` — the prediction rows of a run that streams, written to a CSV file as chunks complete.

It imports nothing heavy (no scikit-learn, no SciPy): workers unpickle :class:`Finish` and the batches,
so importing this module is part of every worker's start.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from claimbench.records import TASKS, Item, Verdict
from claimbench.report.model import PREDICTIONS_HEADER, Prediction, prediction_line, prediction_lines
from claimbench.run.batches import RawItems
from claimbench.run.cache import CacheScope, encode_shard

T = TypeVar("T")


class HeldBatch(list[Item]):
    """A batch of a dataset loaded whole as the engine gets it: the items, and their gold labels and
    clusters, which :class:`Finish` writes into the prediction rows."""

    __slots__ = ("clusters", "gold")

    def __init__(self, items: list[Item], gold: list[str], clusters: list[str]) -> None:
        super().__init__(items)
        self.gold = gold
        self.clusters = clusters

    def __reduce__(self) -> tuple[Any, ...]:
        return (HeldBatch, (list(self), self.gold, self.clusters))


class StreamBatch(RawItems):
    """A batch of a streamed chunk as the engine gets it: the items' JSON lines (:class:`RawItems`), and
    their gold labels and clusters, which :class:`Finish` writes into the prediction rows."""

    __slots__ = ("clusters", "gold")

    def __init__(
        self,
        kind: str,
        lines: list[bytes],
        records: list[dict[str, Any]] | None,
        gold: list[str],
        clusters: list[str],
    ) -> None:
        super().__init__(kind, lines, records)
        self.gold = gold
        self.clusters = clusters

    def __reduce__(self) -> tuple[Any, ...]:
        return (StreamBatch, (self.kind, self.lines, None, self.gold, self.clusters))


@dataclass(frozen=True, slots=True)
class Finished:
    """What a streamed run keeps of one batch's verdicts, aligned with its items.

    ``shard``: the cache shard's JSON text (``None`` for verdicts that came from the cache); ``codes``:
    label codes (int8, ``len(labels)`` for none); ``scores``: float64, NaN for none; ``rows``: the
    prediction rows (:meth:`Finish.rows`); ``errors``: how many verdicts record a checker error, and
    ``first_error`` the first of them (with ``error_at``, its position in the batch; -1 for none).
    """

    shard: str | None
    codes: bytes
    scores: bytes
    rows: list[Any]
    errors: int
    first_error: str | None = None
    error_at: int = -1


@dataclass(frozen=True)
class Finish:
    """Reduces a checked batch to a :class:`Finished`, in the process that checked it.

    The engine calls it on the worker (it travels once per run, with the checker), so the runner's own
    process, through which every batch's results pass and which shares the machine with the workers,
    neither unpickles nor encodes verdicts: it stores the shard, copies the codes and keeps the rows.
    ``held``: the dataset is loaded whole and its report carries its predictions (rows are
    :class:`~claimbench.report.model.Prediction` records); else rows are CSV lines for the spool.
    """

    dataset: str
    task: str
    checker: str
    scope: CacheScope
    held: bool = False

    def __call__(self, batch: Sequence[Item], verdicts: list[Verdict]) -> Finished:
        if not isinstance(batch, HeldBatch | StreamBatch):
            raise TypeError(f"expected a batch of the judge loop, got {type(batch).__name__}")
        return self.reduce([item.id for item in batch], batch.gold, batch.clusters, verdicts)

    def reduce(
        self,
        ids: Sequence[str],
        gold: Sequence[str],
        clusters: Sequence[str],
        verdicts: Sequence[Verdict],
        *,
        cached: bool = False,
    ) -> Finished:
        """The verdicts of the items ``ids`` reduced (``cached``: they came from the cache; no shard)."""
        labels = TASKS[self.task].labels
        code_of: dict[str | None, int] = {label: i for i, label in enumerate(labels)}
        code_of[None] = len(labels)
        kept = [(i, v) for i, v in zip(ids, verdicts, strict=True) if not v.environment]  # never cached
        error_at = next((n for n, v in enumerate(verdicts) if v.error is not None), -1)
        return Finished(
            shard=None if cached else encode_shard(self.scope, kept),
            codes=bytes([code_of[v.label] for v in verdicts]),
            scores=array("d", [math.nan if v.score is None else v.score for v in verdicts]).tobytes(),
            rows=self.rows(ids, gold, clusters, verdicts),
            errors=sum(v.error is not None for v in verdicts),
            first_error=verdicts[error_at].error if error_at >= 0 else None,
            error_at=error_at,
        )

    def rows(
        self, ids: Sequence[str], gold: Sequence[str], clusters: Sequence[str], verdicts: Sequence[Verdict]
    ) -> list[Any]:
        """The prediction rows of the items ``ids``: the one place a run builds them.

        ``held``: :class:`~claimbench.report.model.Prediction` records. Else the same fields as CSV lines,
        by the one formatter of prediction rows (:func:`claimbench.report.model.prediction_line`).
        """
        if self.held:
            d, t, name = self.dataset, self.task, self.checker
            return [
                Prediction(d, t, item_id, name, g, v.label, v.score, v.error, v.explanation, c)
                for item_id, g, c, v in zip(ids, gold, clusters, verdicts, strict=True)
            ]
        d, t, name = self.dataset, self.task, self.checker
        return [
            prediction_line(d, t, item_id, name, g, v.label, v.score, v.error, v.explanation, c)
            for item_id, g, c, v in zip(ids, gold, clusters, verdicts, strict=True)
        ]


def _consecutive(slots: Sequence[int]) -> bool:
    """Whether increasing positions ``slots`` form one run (then a slice stands for them)."""
    return bool(slots) and slots[-1] - slots[0] + 1 == len(slots)


def pick(values: list[T], slots: Sequence[int]) -> list[T]:
    """``values`` at the positions ``slots`` (increasing): a slice when they are consecutive."""
    if _consecutive(slots):
        return values[slots[0] : slots[-1] + 1]
    return [values[i] for i in slots]


@dataclass
class Window:
    """A chunk of items on its way through the engine: per item its label code, score and prediction
    row, filled in as its batch comes back (or from the cache); and its first error, in item order."""

    ids: list[str]
    gold: list[str]
    clusters: list[str]
    codes: bytearray
    scores: array[float]
    rows: list[Any]
    pending: int = 0
    errors: int = 0
    first_error: str | None = None
    error_slot: int = -1

    @classmethod
    def of(cls, ids: list[str], gold: list[str], clusters: list[str]) -> Window:
        n = len(ids)
        return cls(ids, gold, clusters, bytearray(n), array("d", bytes(8 * n)), [""] * n)

    def reduce(
        self, finish: Finish, slots: Sequence[int], verdicts: Sequence[Verdict], *, cached: bool = False
    ) -> Finished:
        """The verdicts of the items at ``slots`` reduced here, in the runner's process: verdicts found in
        the cache (``cached``), or a batch from an engine that ignored ``finish``."""
        ids, gold, clusters = (pick(values, slots) for values in (self.ids, self.gold, self.clusters))
        return finish.reduce(ids, gold, clusters, verdicts, cached=cached)

    def fill(self, slots: Sequence[int], done: Finished) -> None:
        """Place a reduced batch of the items at ``slots`` (increasing positions in the chunk)."""
        scores = array("d")
        scores.frombytes(done.scores)
        if _consecutive(slots):
            first, last = slots[0], slots[-1] + 1
            self.codes[first:last] = done.codes
            self.scores[first:last] = scores
            self.rows[first:last] = done.rows
        else:
            for slot, code, score, row in zip(slots, done.codes, scores, done.rows, strict=True):
                self.codes[slot], self.scores[slot], self.rows[slot] = code, score, row
        self.errors += done.errors
        if done.error_at >= 0 and (self.error_slot < 0 or slots[done.error_at] < self.error_slot):
            self.first_error, self.error_slot = done.first_error, slots[done.error_at]


class Spool:
    """Prediction rows written to a CSV file as they come (a run that streams a dataset), or nothing
    (``path`` None).

    The columns and cell format are those of :func:`claimbench.report.json.predictions_csv`, so the file
    is the ``predictions.csv`` the report would have written: every dataset's rows, in run order (those of
    a dataset loaded whole are also kept in the report, for ``report.json`` and the HTML article views).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: Any = None

    @property
    def active(self) -> bool:
        return self.path is not None

    def __enter__(self) -> Spool:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._handle.write(PREDICTIONS_HEADER)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()

    def lines(self, lines: Iterable[str]) -> None:
        """CSV lines already formatted (by :meth:`Finish.rows`)."""
        if self._handle is not None:
            self._handle.writelines(lines)

    def write(self, predictions: Iterable[Prediction]) -> None:
        """Prediction records of a dataset loaded whole (a run that also streams another)."""
        self.lines(prediction_lines(predictions))
