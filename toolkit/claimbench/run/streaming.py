"""The bookkeeping of a streamed run: what travels to the engine, what comes back, what is kept.

A dataset too large for memory goes through :func:`claimbench.run.runner.run` chunk by chunk. This module
holds the pieces of that path that are not the run's control flow:

* :class:`StreamBatch` — a batch as the engine gets it: JSON lines, with the items' gold labels and
  clusters;
* :class:`Finish` — run by the engine where the batch was checked (a worker): reduces the verdicts to a
  :class:`Finished` (the cache shard's JSON, label codes, scores, prediction rows), so the runner's own
  process neither unpickles nor encodes verdicts;
* :class:`Window` — a chunk's codes and rows, filled in as its batches come back in any order;
* :class:`Spool` — the prediction rows, written to a CSV file as chunks complete.

It imports nothing heavy (no scikit-learn, no SciPy): workers unpickle :class:`Finish` and
:class:`StreamBatch`, so importing this module is part of every worker's start.
"""

from __future__ import annotations

import csv
import io
import math
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from claimbench._display import defuse_formula
from claimbench.records import TASK_LABELS, Item, Verdict
from claimbench.report.model import PREDICTION_COLUMNS, Prediction
from claimbench.run.cache import CacheScope, encode_shard
from claimbench.run.engines import RawItems

T = TypeVar("T")


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
    prediction CSV lines; ``errors``: how many verdicts record a checker error.
    """

    shard: str | None
    codes: bytes
    scores: bytes
    rows: list[str]
    errors: int


@dataclass(frozen=True)
class Finish:
    """Reduces a streamed run's checked batch to a :class:`Finished`, in the process that checked it.

    The engine calls it on the worker (it travels once per run, with the checker), so the runner's own
    process, through which every batch's results pass and which shares the machine with the workers,
    neither unpickles nor encodes verdicts: it stores the shard, copies the codes and writes the rows.
    """

    dataset: str
    task: str
    checker: str
    scope: CacheScope

    def __call__(self, batch: Sequence[Item], verdicts: list[Verdict]) -> Finished:
        if not isinstance(batch, StreamBatch):
            raise TypeError(f"expected a batch of a streamed run, got {type(batch).__name__}")
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
        labels = TASK_LABELS[self.task]
        code_of: dict[str | None, int] = {label: i for i, label in enumerate(labels)}
        code_of[None] = len(labels)
        head, checker = f"{_cell(self.dataset)},{_cell(self.task)},", f",{_cell(self.checker)},"
        rows: list[str] = []
        for item_id, g, c, v in zip(ids, gold, clusters, verdicts, strict=True):
            score = "" if v.score is None else v.score  # a float as csv writes it (its repr)
            rows.append(
                f"{head}{_cell(item_id)}{checker}{_cell(g)},{_cell(v.label or '')},{score},"
                f"{_cell(v.error or '')},{_cell(v.explanation or '')},{_cell(c)}\n"
            )
        kept = [(i, v) for i, v in zip(ids, verdicts, strict=True) if not v.environment]  # never cached
        return Finished(
            shard=None if cached else encode_shard(self.scope, kept),
            codes=bytes([code_of[v.label] for v in verdicts]),
            scores=array("d", [math.nan if v.score is None else v.score for v in verdicts]).tobytes(),
            rows=rows,
            errors=sum(v.error is not None for v in verdicts),
        )


_NEEDS_QUOTES = re.compile(r'[,"\n]')


def _cell(text: str) -> str:
    """A CSV cell as ``csv.writer(lineterminator="\\n")`` writes it: quoted (quotes doubled) when it holds
    a comma, a quote or a newline, and with the formula prefix of
    :func:`claimbench._display.defuse_formula` where a spreadsheet would run it.

    Prediction rows are formatted with this rather than by ``csv.writer``: a streamed run writes one per
    item, and the writer's generic path costs more per row than these checks. Text with a carriage
    return is left to csv itself: it quotes one only from Python 3.11.9 and 3.12.3 on (CPython
    gh-67044). The tests hold the rows to ``claimbench.report.json.predictions_csv``.
    """
    text = defuse_formula(text)
    if _NEEDS_QUOTES.search(text) is not None:
        return '"' + text.replace('"', '""') + '"'
    if "\r" in text:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow((text,))
        return buffer.getvalue()[:-1]
    return text


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
    """A chunk of a streamed dataset's items on its way through the engine: per item its label code,
    score and prediction row, filled in as its batch comes back (or from the cache)."""

    ids: list[str]
    gold: list[str]
    clusters: list[str]
    codes: bytearray
    scores: array[float]
    rows: list[str]
    pending: int = 0
    errors: int = 0

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


class Spool:
    """Prediction rows written to a CSV file as they come (a streamed run), or nothing (``path`` None).

    The columns and cell format are those of :func:`claimbench.report.json.predictions_csv`, so the file
    is the ``predictions.csv`` the report would have written.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: Any = None
        self._writer: Any = None

    @property
    def active(self) -> bool:
        return self.path is not None

    def __enter__(self) -> Spool:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle, lineterminator="\n")
            self._writer.writerow(PREDICTION_COLUMNS)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()

    def lines(self, lines: Iterable[str]) -> None:
        """CSV lines already formatted (by :class:`Finish`)."""
        if self._handle is not None:
            self._handle.writelines(lines)

    def write(self, predictions: Iterable[Prediction]) -> None:
        """Rows of a dataset loaded whole (a run that also streams another)."""
        if self._writer is not None:
            self._writer.writerows([getattr(q, column) for column in PREDICTION_COLUMNS] for q in predictions)
