"""What every pair transformer does with a batch: read the pairs, find the distinct texts, keep per-text
results between batches (a bounded LRU cache per fitted transformer, never saved with the model), and
stack per-text rows into one matrix.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from .analysis import ANALYSES

__all__ = [
    "TEXT_CACHE_SIZE",
    "PairInput",
    "TextCache",
    "as_pairs",
    "clear_text_caches",
    "forget_texts",
    "index_unique",
    "make_pairs",
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


def stack_rows(blocks: Sequence[sp.csr_matrix | None]) -> sp.csr_matrix:
    """``sp.vstack(blocks, format="csr")`` for CSR blocks of one width: the same arrays in the same order,
    without scipy's per-block checks, which cost more than the copying for a batch of short rows."""
    parts = [b for b in blocks if b is not None]
    if not parts or len(parts) != len(blocks) or len({b.shape[1] for b in parts}) != 1:
        return sp.csr_matrix(sp.vstack(blocks, format="csr"))  # scipy's own answer, or its error
    first = [int(b.indptr[0]) for b in parts]
    last = [int(b.indptr[-1]) for b in parts]
    starts = np.cumsum([0] + [hi - lo for lo, hi in zip(first, last, strict=True)])
    data = np.concatenate([b.data[lo:hi] for b, lo, hi in zip(parts, first, last, strict=True)])
    indices = np.concatenate([b.indices[lo:hi] for b, lo, hi in zip(parts, first, last, strict=True)])
    indptr = np.concatenate(
        [[0]] + [b.indptr[1:] - lo + at for b, lo, at in zip(parts, first, starts[:-1], strict=True)]
    )
    return sp.csr_matrix((data, indices, indptr), shape=(sum(b.shape[0] for b in parts), parts[0].shape[1]))


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
