"""What every pair transformer does with a batch: read the pairs, find the distinct texts, keep per-text
results between batches (a bounded LRU cache per fitted transformer, never saved with the model), and
stack per-text rows into one matrix.
"""

from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from .analysis import ANALYSES, Text

__all__ = [
    "TEXT_CACHE_SIZE",
    "PairInput",
    "Rows",
    "SentenceOverlap",
    "TextCache",
    "as_pairs",
    "clear_text_caches",
    "cut_rows",
    "forget_texts",
    "index_unique",
    "make_pairs",
    "sentence_overlap",
    "stack_rows",
    "text_cache",
]

PairInput = pd.DataFrame | Sequence[tuple[str, str]]
"""What the transformers accept: a DataFrame with headline/body columns or ``(headline, body)`` pairs."""

_HEADLINE_COLUMNS = ("Headline", "headline")
_BODY_COLUMNS = ("articleBody", "body", "Body")


def as_pairs(X: PairInput) -> tuple[list[str], list[str]]:  # noqa: N803 (sklearn's name)
    """Normalise transformer input to ``(headlines, bodies)`` lists of equal length."""
    if isinstance(X, pd.DataFrame):
        head = next((c for c in _HEADLINE_COLUMNS if c in X.columns), None)
        body = next((c for c in _BODY_COLUMNS if c in X.columns), None)
        if head is None or body is None:
            raise ValueError(
                f"DataFrame needs a headline column {_HEADLINE_COLUMNS} and a body column "
                f"{_BODY_COLUMNS}; has {list(X.columns)}"
            )
        return [str(h) for h in X[head]], [str(b) for b in X[body]]
    headlines: list[str] = []
    bodies: list[str] = []
    for pair in X:
        headline, body = pair
        headlines.append(str(headline))
        bodies.append(str(body))
    return headlines, bodies


def make_pairs(headlines: Sequence[str], bodies: Sequence[str]) -> list[tuple[str, str]]:
    """Zip headlines and bodies into pairs, checking that the lengths agree."""
    if len(headlines) != len(bodies):
        raise ValueError(f"{len(headlines)} headlines but {len(bodies)} bodies")
    return list(zip(headlines, bodies, strict=True))


def index_unique(texts: Sequence[str]) -> tuple[list[str], NDArray[np.intp]]:
    """Distinct texts in first-seen order and, for each input, the index of its distinct text."""
    position: dict[str, int] = {}
    index = np.empty(len(texts), dtype=np.intp)
    for i, text in enumerate(texts):
        index[i] = position.setdefault(text, len(position))
    return list(position), index


@dataclass(frozen=True, slots=True)
class Rows:
    """Consecutive rows of a CSR matrix held as plain arrays (``indptr`` starts at 0): a text's TF-IDF row,
    or its sentences' rows. Cutting these out of a batch's matrix and stacking them again costs a few numpy
    copies, where a scipy matrix per text costs its constructor's checks each time (the bulk of a small
    batch's feature time)."""

    data: NDArray[Any]
    indices: NDArray[Any]
    indptr: NDArray[Any]
    width: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


def cut_rows(matrix: sp.csr_matrix, bounds: Sequence[int]) -> list[Rows]:
    """Rows ``bounds[k]`` to ``bounds[k + 1]`` of ``matrix`` as one :class:`Rows` each (copies: a cached
    text must not keep its whole batch's matrix alive)."""
    matrix = sp.csr_matrix(matrix)
    indptr = matrix.indptr
    width = int(matrix.shape[1])
    out = []
    for lo, hi in itertools.pairwise(bounds):
        start, stop = int(indptr[lo]), int(indptr[hi])
        out.append(
            Rows(
                matrix.data[start:stop].copy(),
                matrix.indices[start:stop].copy(),
                indptr[lo : hi + 1] - start,
                width,
            )
        )
    return out


def stack_rows(blocks: Sequence[Rows]) -> sp.csr_matrix:
    """One CSR matrix of ``blocks`` stacked top to bottom (the arrays ``sp.vstack`` would build)."""
    if not blocks:
        raise ValueError("stack_rows needs at least one block")
    width = blocks[0].width
    if any(b.width != width for b in blocks):
        raise ValueError(f"blocks of different widths: {sorted({b.width for b in blocks})}")
    sizes = [len(b.data) for b in blocks]
    starts = np.cumsum([0, *sizes[:-1]])
    data = np.concatenate([b.data for b in blocks])
    indices = np.concatenate([b.indices for b in blocks])
    indptr = np.concatenate(
        [np.zeros(1, dtype=blocks[0].indptr.dtype)]
        + [b.indptr[1:] + at for b, at in zip(blocks, starts, strict=True)]
    )
    return sp.csr_matrix((data, indices, indptr), shape=(sum(b.n_rows for b in blocks), width))


@dataclass(frozen=True, slots=True)
class SentenceOverlap:
    """For every pair of a batch, how many of its first text's terms each sentence of its second text holds.

    Entries run pair after pair, each pair's sentences in order: pair ``p`` owns ``starts[p]`` to
    ``starts[p + 1]``; entry ``j`` is sentence ``sentence[j]`` of its body, row ``rows[j]`` of the distinct
    bodies' sentences stacked (to gather per-sentence arrays), and it holds ``counts[j]`` of the terms,
    ``shares[j]`` of them (``counts[j]`` over the number of terms, or over 1 when there are none)."""

    counts: NDArray[np.int64]
    shares: NDArray[np.float64]
    starts: NDArray[np.intp]
    sentence: NDArray[np.intp]
    rows: NDArray[np.intp]

    @property
    def pair(self) -> NDArray[np.intp]:
        """The pair of each entry."""
        return np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))

    def top(self, k: int) -> NDArray[np.intp]:
        """Entries of each pair's (at most) ``k`` sentences holding the most terms, none of those holding no
        term, ties to the earlier sentence; ordered by pair, then rank (a stable sort by count, per pair)."""
        held = np.flatnonzero(self.counts)
        pair = self.pair[held]
        order = np.lexsort((held, -self.counts[held], pair))
        pair = pair[order]
        rank = np.arange(len(order)) - np.searchsorted(pair, pair, side="left")
        return held[order][rank < k]

    def segment_sum(self, values: NDArray[Any]) -> NDArray[Any]:
        """``values`` (one row per entry) summed over each pair's entries; 0 for a pair without sentences.
        ``np.add.reduceat`` does not add a 2-D segment's rows strictly in order, so a float sum may differ
        from a loop's in the last bit: the callers sum counts."""
        out = np.zeros((len(self.starts) - 1, *values.shape[1:]), dtype=values.dtype)
        filled = np.flatnonzero(np.diff(self.starts))
        if len(filled):
            out[filled] = np.add.reduceat(values, self.starts[filled], axis=0)
        return out


def sentence_overlap(
    terms: Sequence[Set[str]],
    first: NDArray[np.intp],
    bodies: Sequence[Text],
    second: NDArray[np.intp],
) -> SentenceOverlap:
    """``len(terms[first[p]] & s)`` for each sentence ``s`` of ``bodies[second[p]]``, for every pair ``p``.

    Only the words the pair's two texts share are visited (each body's ``sentences_with`` says which of its
    sentences hold a word), and one ``bincount`` turns them into counts: a pair costs a set intersection,
    not a pass over every sentence of its body."""
    n_sent = np.fromiter((len(body.sentences) for body in bodies), dtype=np.intp, count=len(bodies))
    lengths = n_sent[second]
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
    hits: list[int] = []
    for at, hi, bi in zip(starts[:-1].tolist(), first.tolist(), second.tolist(), strict=True):
        body = bodies[bi]
        where = body.sentences_with
        for word in terms[hi] & body.content_set:
            bits = where[word]
            while bits:  # the set bits, lowest first: the sentences holding the word
                low = bits & -bits
                hits.append(at + low.bit_length() - 1)
                bits ^= low
    total = int(starts[-1])
    counts = np.bincount(np.asarray(hits, dtype=np.intp), minlength=total).astype(np.int64)
    within = np.arange(total, dtype=np.intp) - np.repeat(starts[:-1], lengths)
    body_start = np.concatenate([[0], np.cumsum(n_sent)]).astype(np.intp)
    sizes = np.asarray([max(len(held), 1) for held in terms], dtype=np.int64)
    shares = counts / np.repeat(sizes[first], lengths)
    return SentenceOverlap(counts, shares, starts, within, np.repeat(body_start[second], lengths) + within)


TEXT_CACHE_SIZE = 8192
"""Texts whose per-text results each fitted transformer keeps (headlines and bodies counted apart)."""


class TextCache:
    """A bounded LRU map from ``(kind, text)`` to a per-text result."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def many(self, kind: str, texts: Sequence[str], compute: Callable[[list[str]], list[Any]]) -> list[Any]:
        """The results for ``texts`` (distinct), computing those not held in one ``compute`` call."""
        missing = [t for t in texts if (kind, t) not in self._data]
        fresh = dict(zip(missing, compute(missing), strict=True)) if missing else {}
        out = []
        for text in texts:
            key = (kind, text)
            if text in fresh:
                value = self._data[key] = fresh[text]
            else:
                value = self._data[key]
                self._data.move_to_end(key)
            out.append(value)
        while len(self._data) > self.size:
            self._data.popitem(last=False)
        return out


_CACHES: weakref.WeakKeyDictionary[object, TextCache] = weakref.WeakKeyDictionary()


def text_cache(owner: object) -> TextCache:
    """``owner``'s text cache (made on first use; dropped by :func:`forget_texts` when it is refitted)."""
    cache = _CACHES.get(owner)
    if cache is None:
        cache = _CACHES[owner] = TextCache(TEXT_CACHE_SIZE)
    return cache


def clear_text_caches() -> None:
    """Drop every per-text result this process keeps (each transformer's cache and the analysis memo):
    a benchmark's timed run starts cold."""
    _CACHES.clear()
    ANALYSES.clear()


def forget_texts(owner: object) -> None:
    _CACHES.pop(owner, None)
