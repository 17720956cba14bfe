"""Batches of items and their results: what the runner hands an engine and what comes back.

Every engine (:mod:`claimbench.run.engines`, :mod:`claimbench.run.engines_dask`) runs a checker over a batch
with
:func:`timed_batch`, under one per-item error contract (:func:`check_batch`), and sends back a
:class:`BatchResult`. This module holds exactly that shared part, so the engines import it and not each
other. It imports only the checker contract and the records.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any, overload

from claimbench import _fastjson
from claimbench.checkers.base import Checker, contract_message, contract_problems, failed_verdict
from claimbench.records import (
    TASKS,
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
            records = self._records if self._records is not None else [_fastjson.loads(x) for x in self.lines]
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
        message = contract_message(problems)
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
    info = TASKS.get(str(checker.task))
    labels = info.labels if info is not None else tuple(checker.labels)
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


def timed_batch(
    index: int, checker: Checker, context: Context, batch: Sequence[Item], finish: Finisher | None = None
) -> BatchResult:
    """One batch under the error contract, timed; finished where it ran when ``finish`` is given."""
    start = time.perf_counter()
    verdicts = check_batch(checker, batch, context)
    seconds = time.perf_counter() - start
    if finish is None:
        return BatchResult(index, verdicts, seconds)
    return BatchResult(index, [], seconds, finish(batch, verdicts))


Payload = tuple[Checker, Context, Finisher | None]
"""What every worker of a run gets once: the checker, its context and the finisher (or ``None``)."""
