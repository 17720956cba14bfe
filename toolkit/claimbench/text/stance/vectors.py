"""Word vectors learned locally: PPMI co-occurrence counts reduced by a truncated SVD.

No pretrained embeddings (nothing is downloaded): :func:`learn_vectors` counts, over the documents it is
given (each a text's content words, :func:`claimbench.text.stance.pairs.content_words`; the training
command passes the train parts' texts and FNC-1's training bodies), how often two content words stand
within ``window`` words of each other (stop words removed first), weights the counts by positive
pointwise mutual information with the context distribution smoothed (exponent 0.75; Levy, Goldberg &
Dagan, 2015), and keeps the first ``dim`` singular directions (``randomized_svd`` with a fixed
seed, so the same texts give the same vectors). Each word's vector is ``U * sqrt(S)``, scaled to unit
length, so a dot product is a cosine. The vocabulary is the ``vocab`` most frequent content words seen at
least ``min_count`` times.

The result is a :class:`WordVectors`: the vocabulary as one newline-joined string and the vectors as a
float16 array (plain types a skops archive stores without trusting anything new).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


@dataclass(frozen=True)
class WordVectors:
    """A learned vocabulary (``words``, newline-joined) and its unit-length vectors (rows, float16)."""

    words: str
    vectors: NDArray[np.float16]

    def index(self) -> dict[str, int]:
        """Word -> row."""
        return {w: i for i, w in enumerate(self.words.split("\n"))} if self.words else {}


def learn_vectors(
    docs: Iterable[Sequence[str]],
    *,
    dim: int = 96,
    vocab: int = 25_000,
    window: int = 4,
    min_count: int = 2,
    seed: int = 0,
) -> WordVectors:
    """PPMI + truncated SVD word vectors of ``docs`` (each a text's content words, in order;
    deterministic for the same documents and settings)."""
    from sklearn.utils.extmath import randomized_svd

    docs = list(docs)
    counts = Counter(w for doc in docs for w in doc)
    ranked = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    words = ranked[:vocab]
    size = len(words)
    k = min(dim, size - 1)
    if k < 1:
        return WordVectors("", np.zeros((0, dim), dtype=np.float16))
    index = {w: i for i, w in enumerate(words)}
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    for doc in docs:
        ids = np.asarray([index[w] for w in doc if w in index], dtype=np.int64)
        for d in range(1, window + 1):
            if len(ids) > d:
                rows += [ids[:-d], ids[d:]]
                cols += [ids[d:], ids[:-d]]
    if not rows:
        return WordVectors("", np.zeros((0, dim), dtype=np.float16))
    r, c = np.concatenate(rows), np.concatenate(cols)
    cooc = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(size, size)).tocsr()
    cooc.sum_duplicates()
    word_totals = np.asarray(cooc.sum(axis=1)).ravel()
    context = np.asarray(cooc.sum(axis=0)).ravel() ** 0.75
    context /= context.sum()
    coo = cooc.tocoo()
    pmi = np.log(coo.data) - np.log(word_totals[coo.row]) - np.log(context[coo.col])
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(size, size))
    u, s, _ = randomized_svd(ppmi, n_components=k, n_iter=5, random_state=seed)
    vectors = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.where(norms > 0, vectors / np.where(norms > 0, norms, 1.0), 0.0)
    if k < dim:
        vectors = np.hstack([vectors, np.zeros((size, dim - k))])
    return WordVectors("\n".join(words), vectors.astype(np.float16))


SIMILARITY_COLUMNS = 11
"""Columns of :func:`similarity_block` (without the weakest word's vector)."""


def similarity_block(
    ids_a: Sequence[Sequence[int]],
    ids_b: Sequence[Sequence[int]],
    table: NDArray[np.float32],
    *,
    weakest: bool = False,
    products: bool = False,
    max_words: int = 32,
) -> NDArray[np.float64]:
    """Soft-alignment columns of each pair (rows of word ids into ``table``, unit vectors; ids past its
    last row are padding).

    For each of b's words the highest cosine to a word of a: their mean, minimum and share below 0.3 and
    0.5; the same from a to b; the cosine of the two texts' mean vectors; whether a and whether b has no
    word with a vector. With ``weakest``, also the vector of b's worst-aligned word (``table``'s width more
    columns); with ``products``, also the elementwise product and absolute difference of the two texts'
    unit mean vectors (twice the width more). Vectorised over the batch: texts padded to the longest (at
    most ``max_words`` words).
    """
    n = len(ids_a)
    dim = table.shape[1]
    width = SIMILARITY_COLUMNS + (dim if weakest else 0) + (2 * dim if products else 0)
    out = np.zeros((n, width))
    if n == 0:
        return out
    pad = table.shape[0]
    padded = np.vstack([table, np.zeros((1, dim), dtype=table.dtype)])
    longest = max(1, min(max_words, max(max(map(len, ids_a)), max(map(len, ids_b)))))

    def matrix(rows: Sequence[Sequence[int]]) -> NDArray[np.int64]:
        m = np.full((n, longest), pad, dtype=np.int64)
        for i, ids in enumerate(rows):
            m[i, : len(ids)] = ids[:longest]
        return m

    ia, ib = matrix(ids_a), matrix(ids_b)
    ma, mb = ia != pad, ib != pad
    va, vb = padded[ia], padded[ib]  # (n, L, d)
    sims = np.matmul(va, vb.transpose(0, 2, 1)).astype(np.float64)  # (n, La, Lb)
    low = -2.0
    both = ma[:, :, None] & mb[:, None, :]
    sims = np.where(both, sims, low)
    has_a, has_b = ma.any(axis=1), mb.any(axis=1)
    ok = has_a & has_b
    for col, (best, mask) in enumerate(((sims.max(axis=1), mb), (sims.max(axis=2), ma))):
        count = np.maximum(mask.sum(axis=1), 1)
        valid = mask & ok[:, None]
        out[:, 4 * col] = np.where(valid, best, 0.0).sum(axis=1) / count
        out[:, 4 * col + 1] = np.where(valid, best, 2.0).min(axis=1)
        out[:, 4 * col + 2] = (valid & (best < 0.3)).sum(axis=1) / count
        out[:, 4 * col + 3] = (valid & (best < 0.5)).sum(axis=1) / count
    out[~ok, 1] = 0.0
    out[~ok, 5] = 0.0
    mean_a = (va * ma[:, :, None]).sum(axis=1)
    mean_b = (vb * mb[:, :, None]).sum(axis=1)
    norm = np.linalg.norm(mean_a, axis=1) * np.linalg.norm(mean_b, axis=1)
    out[:, 8] = np.where(norm > 0, (mean_a * mean_b).sum(axis=1) / np.where(norm > 0, norm, 1.0), 0.0)
    at = SIMILARITY_COLUMNS
    out[:, 9] = ~has_a
    out[:, 10] = ~has_b
    if weakest:
        best_b = np.where(mb, sims.max(axis=1), 3.0)
        worst = best_b.argmin(axis=1)
        word = ib[np.arange(n), worst]
        out[:, at : at + dim] = np.where(ok[:, None], padded[word], 0.0)
        at += dim
    if products:
        unit_a = mean_a / np.maximum(np.linalg.norm(mean_a, axis=1, keepdims=True), 1e-9)
        unit_b = mean_b / np.maximum(np.linalg.norm(mean_b, axis=1, keepdims=True), 1e-9)
        out[:, at : at + dim] = unit_a * unit_b
        out[:, at + dim : at + 2 * dim] = np.abs(unit_a - unit_b)
    return out


def best_alignment(
    ids_a: Sequence[Sequence[int]],
    ids_b: Sequence[Sequence[int]],
    table: NDArray[np.float32],
    *,
    max_words: int = 32,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """For each pair and each of b's first ``max_words`` words: the position in a of its most similar
    word and that cosine (``-2`` where either side has no word there), shapes ``(n, longest)``."""
    n = len(ids_a)
    if n == 0:
        return np.zeros((0, 1), dtype=np.int64), np.zeros((0, 1))
    dim = table.shape[1]
    pad = table.shape[0]
    padded = np.vstack([table, np.zeros((1, dim), dtype=table.dtype)])
    longest = max(1, min(max_words, max(max(map(len, ids_a)), max(map(len, ids_b)))))
    ia = np.full((n, longest), pad, dtype=np.int64)
    ib = np.full((n, longest), pad, dtype=np.int64)
    for i, (x, y) in enumerate(zip(ids_a, ids_b, strict=True)):
        ia[i, : len(x)] = x[:longest]
        ib[i, : len(y)] = y[:longest]
    sims = np.matmul(padded[ia], padded[ib].transpose(0, 2, 1)).astype(np.float64)
    both = (ia != pad)[:, :, None] & (ib != pad)[:, None, :]
    sims = np.where(both, sims, -2.0)
    return sims.argmax(axis=1), sims.max(axis=1)
