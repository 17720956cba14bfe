"""The items of a dataset and task in chunks, as the judge loop of :mod:`claimbench.run.runner` takes them.

One loop judges every dataset: a dataset loaded whole is a dataset whose one chunk is all of its items,
a streamed one yields :data:`~claimbench.data.dataset.STREAM_CHUNK` items at a time, read from disk. A
chunk carries per item what scoring and the prediction rows need (id, gold label, cluster) and what the
engine gets (the item, or its JSON line); :func:`chunk_batch` cuts a batch for the engine out of it.

Runs in the runner's process only (it imports the data layer, and so pandas); what travels to workers
is in :mod:`claimbench.run.streaming`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from claimbench.data.dataset import STREAM_CHUNK, Dataset, DatasetSource, RawChunk
from claimbench.records import Item, gold_label
from claimbench.run.streaming import HeldBatch, StreamBatch, pick


@dataclass
class HeldChunk:
    """Items of a dataset loaded whole as the judge loop takes them (as a streamed
    :class:`~claimbench.data.dataset.RawChunk`): per item its id, gold label and cluster, and the item."""

    items: list[Item]
    ids: list[str]
    gold: list[str]
    clusters: list[str]


Chunk = HeldChunk | RawChunk
"""Consecutive items of one task: held in memory, or streamed as JSON lines."""


def read_chunks(dataset: DatasetSource, task: str, limit: int | None) -> Iterator[Chunk]:
    """The first ``limit`` items of ``task`` (those with a gold label) in file order, in chunks.

    A dataset loaded whole is one chunk (it is in memory already); a streamed one is read
    :data:`~claimbench.data.dataset.STREAM_CHUNK` items at a time (:meth:`DatasetStream.raw_chunks`).
    """
    if not isinstance(dataset, Dataset):
        yield from dataset.raw_chunks(task, STREAM_CHUNK, limit)
        return
    items = dataset.items(task)
    if limit is not None:
        items = items[:limit]
    if items:
        gold = [str(gold_label(task, item)) for item in items]
        yield HeldChunk(items, [item.id for item in items], gold, [dataset.cluster_of(i) for i in items])


def count_items(dataset: DatasetSource, task: str, limit: int | None) -> int | None:
    """How many items :func:`read_chunks` yields (streamed: at most; ``None`` when not known)."""
    n = dataset.count(task)
    return n if limit is None or n is None else min(n, limit)


def chunk_batch(chunk: Chunk, slots: Sequence[int]) -> HeldBatch | StreamBatch:
    """The items at ``slots`` (increasing positions) of ``chunk`` as a batch for the engine."""
    gold, clusters = pick(chunk.gold, slots), pick(chunk.clusters, slots)
    if isinstance(chunk, HeldChunk):
        return HeldBatch(pick(chunk.items, slots), gold, clusters)
    return StreamBatch(chunk.kind, pick(chunk.lines, slots), pick(chunk.records, slots), gold, clusters)
