"""Feature extraction for headline/body stance detection (FNC-1).

Two scikit-learn transformers turn (headline, body) pairs into model inputs:

* :class:`PairFeatures` -- a small dense matrix of hand-built relatedness and stance cues
  (TF-IDF cosines, token/bigram/character overlap, BM25, sentence-level overlap, refuting /
  hedging / confirming cue counts in the headline, the body, its lead and in the body sentences
  that talk about the headline).  These carry most of the related/unrelated signal and the
  lexical stance cues; they are cheap and transfer to unseen claims.
* :class:`PairTermVectors` -- a sparse bag-of-words view (headline TF-IDF, body TF-IDF and their
  element-wise product, i.e. *which* terms overlap) for a linear model, in the spirit of UCLMR's
  "TF of headline, TF of body, cosine" FNC-1 system.

Both accept a pandas DataFrame with ``Headline``/``articleBody`` (or ``headline``/``body``)
columns, or any sequence of ``(headline, body)`` pairs.  A body is usually paired with many
headlines, so every per-text computation runs once per *distinct* text in a batch, and each fitted
transformer keeps the per-text results of the last
:data:`~claimbench.text.stance.batching.TEXT_CACHE_SIZE` texts it saw (a bounded LRU cache, never saved
with the model): the runner scores a dataset in batches, and a body that recurs in
the next batch is not analysed again, so small batches cost little more than one big one.

The text analysis they share with the other stance transformers is :mod:`~claimbench.text.stance.analysis`,
the batch plumbing (pair input, distinct texts, the per-text caches) :mod:`~claimbench.text.stance.batching`.
The two classes stay here: saved models name them by this module's path
(``claimbench.text.stance.features.PairFeatures``), so moving them would break every model file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .analysis import N_CUES, STOP, Text, analysed, stem_words
from .batching import (
    PairInput,
    Rows,
    as_pairs,
    cut_rows,
    forget_texts,
    index_unique,
    sentence_overlap,
    stack_rows,
    text_cache,
)


def _rowwise_cosine(
    a: sp.csr_matrix, a_index: NDArray[np.intp], b: sp.csr_matrix, b_index: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Cosine of ``a[a_index[i]]`` and ``b[b_index[i]]`` for every i (rows already L2-normed)."""
    product = a[a_index].multiply(b[b_index])
    return np.asarray(product.sum(axis=1), dtype=np.float64).ravel()


def _max_sentence_cosine(
    h_vec: sp.csr_matrix,
    h_idx: NDArray[np.intp],
    s_vec: sp.csr_matrix,
    sentence_counts: list[int],
    b_idx: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Best TF-IDF cosine between each pair's headline and any single sentence of its body.

    ``s_vec`` stacks the sentence vectors of all distinct bodies, ``sentence_counts[j]`` rows for
    body ``j``; ``h_vec`` holds the distinct headlines, ``h_idx``/``b_idx`` index them per pair.
    """
    out = np.zeros(len(h_idx))
    counts = np.asarray(sentence_counts, dtype=np.intp)
    if len(h_idx) == 0 or not counts.sum():
        return out
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    # Headline x sentence cosines for the distinct headlines, a block of headlines at a time (dense
    # blocks of at most ~4M cells), reduced to the best sentence of each body with one reduceat.
    n_sent = int(counts.sum())
    block = max(1, 4_000_000 // n_sent)
    n_heads = h_vec.shape[0]
    best = np.zeros((n_heads, len(counts)))
    for lo in range(0, n_heads, block):
        sims = (h_vec[lo : lo + block] @ s_vec.T).toarray()
        best[lo : lo + block, has] = np.maximum.reduceat(sims, starts[has], axis=1)
    out[:] = best[h_idx, b_idx]
    return out


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A text as :class:`PairFeatures` uses it: its analysis, TF-IDF rows and LSA vector."""

    doc: Text
    vec: Rows
    lead: Rows | None
    sentences: Rows | None
    lsa: NDArray[np.float64] | None


def _stemmed_join(texts: Iterable[str]) -> list[str]:
    return [" ".join(stem_words(t)) for t in texts]


_VECTORIZER_KEYS = ("tfidf_", "unigram_idf_", "vectorizer_")


def _compact_state(state: dict[str, Any]) -> dict[str, Any]:
    """Replace fitted TfidfVectorizers by ``(params, terms, idf)`` for a small, fast archive.

    skops writes a Python dict node by node into its JSON schema, so a 60,000-entry vocabulary
    costs tens of megabytes; a numpy array of terms costs a few hundred kilobytes.
    """
    out = dict(state)
    for key in _VECTORIZER_KEYS:
        vectorizer = out.get(key)
        if isinstance(vectorizer, TfidfVectorizer):
            vocabulary: dict[str, int] = vectorizer.vocabulary_
            terms = np.empty(len(vocabulary), dtype=object)
            for term, j in vocabulary.items():
                terms[j] = term
            params = vectorizer.get_params()
            params["dtype"] = np.dtype(params["dtype"]).name
            out[key] = {
                "params": params,
                "terms": np.asarray(terms.tolist(), dtype=str),
                "idf": np.asarray(vectorizer.idf_),
            }
    return out


def _restore_state(state: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`_compact_state`: rebuild each TfidfVectorizer from its parts."""
    out = dict(state)
    for key in _VECTORIZER_KEYS:
        packed = out.get(key)
        if isinstance(packed, dict):
            params = dict(packed["params"])
            params["dtype"] = np.dtype(params["dtype"]).type
            vectorizer = TfidfVectorizer(**params)
            vectorizer.vocabulary_ = {str(t): j for j, t in enumerate(packed["terms"])}
            vectorizer.fixed_vocabulary_ = False
            vectorizer.idf_ = np.asarray(packed["idf"])
            out[key] = vectorizer
    return out


class CompactState:
    """Mixin: pickle/skops state with vectorizers stored as arrays (see :func:`_compact_state`)."""

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        if not isinstance(state, dict):  # BaseEstimator always returns a dict
            raise TypeError(f"unexpected state type {type(state).__name__}")
        return _compact_state(state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(_restore_state(state))  # type: ignore[misc]


class PairFeatures(CompactState, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Dense relatedness and stance-cue features for (headline, body) pairs.

    ``fit`` learns IDF weights (word 1-2 grams over stemmed tokens) and a small LSA projection
    from the headlines and bodies it is given -- pass only training text so that nothing from
    the evaluation data leaks in.  ``transform`` returns a float matrix with the columns listed
    by :meth:`get_feature_names_out`.

    Parameters
    ----------
    lead_sentences:
        How many opening body sentences count as the "lead" (news bodies state their stance early).
    svd_components:
        Size of the LSA space whose cosine complements the lexical overlaps; 0 disables it.
    min_df:
        Minimum document frequency of an n-gram in the TF-IDF vocabulary.
    random_state:
        Seed of the randomized SVD.
    """

    def __init__(
        self,
        lead_sentences: int = 3,
        svd_components: int = 100,
        min_df: int = 2,
        random_state: int = 0,
    ) -> None:
        self.lead_sentences = lead_sentences
        self.svd_components = svd_components
        self.min_df = min_df
        self.random_state = random_state

    def fit(self, X: PairInput, y: Any = None) -> Self:  # noqa: N803
        """Learn IDF weights, average body length and the LSA projection from training pairs."""
        forget_texts(self)
        headlines, bodies = as_pairs(X)
        uniq_h, _ = index_unique(headlines)
        uniq_b, _ = index_unique(bodies)
        corpus = _stemmed_join(uniq_h + uniq_b)
        self.tfidf_ = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=(1, 2),
            min_df=self.min_df,
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(corpus)
        self.unigram_idf_ = TfidfVectorizer(
            token_pattern=r"\S+", lowercase=False, min_df=1, dtype=np.float32
        ).fit(_stemmed_join(uniq_b))
        self.avg_body_len_ = float(np.mean([len(stem_words(b)) for b in uniq_b])) if uniq_b else 1.0
        if self.svd_components > 0:
            self.svd_: TruncatedSVD | None = TruncatedSVD(
                n_components=self.svd_components, random_state=self.random_state
            ).fit(self.tfidf_.transform(corpus))
            # float32 halves the archive; the cosine it feeds does not need more precision.
            self.svd_.components_ = self.svd_.components_.astype(np.float32)
        else:
            self.svd_ = None
        self.n_features_out_ = len(self.get_feature_names_out())
        return self

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        """Names of the output columns, in order."""
        cue_names = ("refute", "hedge", "agree", "neg")
        names = [
            "cos_tfidf",
            "cos_tfidf_lead",
            "cos_tfidf_maxsent",
            "cos_lsa",
            "h_len",
            "b_len_log",
            "overlap_n",
            "overlap_frac",
            "jaccard",
            "lead_overlap_frac",
            "bigram_frac",
            "char4_frac",
            "bm25",
            "bm25_norm",
            "sent_max_frac",
            "sent_hit_frac",
            "sent_first_hit_pos",
            "h_question",
        ]
        names += [f"h_{c}" for c in cue_names]
        names += [f"b_{c}_rate" for c in cue_names]
        names += [f"lead_{c}" for c in cue_names]
        names += [f"hit_{c}" for c in cue_names]
        names += [f"hit_{c}_rate" for c in cue_names]
        names += ["neg_parity", "refute_x_overlap", "hedge_x_overlap"]
        return np.asarray(names, dtype=object)

    def transform(self, X: PairInput) -> NDArray[np.float64]:  # noqa: N803
        """Feature matrix of shape ``(n_pairs, n_features_out_)``."""
        headlines, bodies = as_pairs(X)
        uniq_h, h_idx = index_unique(headlines)
        uniq_b, b_idx = index_unique(bodies)
        if not headlines:
            return np.zeros((0, self.n_features_out_))
        cache = text_cache(self)
        heads: list[_Prepared] = cache.many("h", uniq_h, self._prepare_headlines)
        texts: list[_Prepared] = cache.many("b", uniq_b, self._prepare_bodies)
        h_docs = [h.doc for h in heads]
        b_docs = [b.doc for b in texts]
        h_vec = stack_rows([h.vec for h in heads])
        b_vec = stack_rows([b.vec for b in texts])
        lead_vec = stack_rows([b.lead for b in texts if b.lead is not None])
        s_vec = stack_rows([b.sentences for b in texts if b.sentences is not None])
        sentence_counts = [b.sentences.n_rows if b.sentences is not None else 0 for b in texts]
        cos = _rowwise_cosine(h_vec, h_idx, b_vec, b_idx)
        cos_lead = _rowwise_cosine(h_vec, h_idx, lead_vec, b_idx)
        cos_sent = _max_sentence_cosine(h_vec, h_idx, s_vec, sentence_counts, b_idx)
        if self.svd_ is not None:
            h_lsa = np.vstack([h.lsa for h in heads if h.lsa is not None])
            b_lsa = np.vstack([b.lsa for b in texts if b.lsa is not None])
            cos_lsa = np.einsum("ij,ij->i", h_lsa[h_idx], b_lsa[b_idx])
        else:
            cos_lsa = np.zeros(len(headlines))

        weights = self._idf_weights(h_docs)
        rows = np.empty((len(headlines), self.n_features_out_))
        rows[:, 0] = cos
        rows[:, 1] = cos_lead
        rows[:, 2] = cos_sent
        rows[:, 3] = cos_lsa
        rows[:, 4] = np.asarray([float(len(h.stems)) for h in h_docs])[h_idx]
        rows[:, 5] = np.asarray([math.log1p(len(b.stems)) for b in b_docs])[b_idx]
        for i, (hi, bi) in enumerate(zip(h_idx, b_idx, strict=True)):
            rows[i, 6:14] = self._pair_row(h_docs[hi], b_docs[bi], *weights[hi])
        rows[:, 14:] = self._sentence_columns(h_docs, h_idx, b_docs, b_idx, overlap_frac=rows[:, 7])
        return rows

    def _prepare_headlines(self, texts: list[str]) -> list[_Prepared]:
        docs = [analysed(h, 1) for h in texts]
        vec = self.tfidf_.transform([d.joined for d in docs])
        lsa = normalize(self.svd_.transform(vec)) if self.svd_ is not None else None
        rows = cut_rows(vec, range(len(docs) + 1))
        return [
            _Prepared(d, rows[i], None, None, lsa[i] if lsa is not None else None) for i, d in enumerate(docs)
        ]

    def _prepare_bodies(self, texts: list[str]) -> list[_Prepared]:
        docs = [analysed(b, self.lead_sentences) for b in texts]
        # One vectorizer call for all texts: per-call overhead dominates otherwise.
        n = len(docs)
        matrix = self.tfidf_.transform(
            [d.joined for d in docs]
            + [d.lead_joined for d in docs]
            + [s for d in docs for s in d.sentence_joined]
        )
        vec = matrix[:n]
        lsa = normalize(self.svd_.transform(vec)) if self.svd_ is not None else None
        starts = np.concatenate([[0], np.cumsum([len(d.sentence_joined) for d in docs])]) + 2 * n
        whole = cut_rows(matrix, range(2 * n + 1))
        sentences = cut_rows(matrix, starts.tolist())
        return [
            _Prepared(d, whole[i], whole[n + i], sentences[i], lsa[i] if lsa is not None else None)
            for i, d in enumerate(docs)
        ]

    def _idf_weights(self, h_docs: list[Text]) -> list[tuple[list[tuple[str, float]], float]]:
        """Per distinct headline: its content words with their IDF (the largest IDF for a word the vocabulary
        lacks), and the IDFs' sum (``math.fsum``: a set's order follows the process's string hashes, and a
        plain sum would follow it in the last bit)."""
        vocab = self.unigram_idf_.vocabulary_
        idf = self.unigram_idf_.idf_
        words = [list(h.content_set) for h in h_docs]
        index = np.asarray([vocab.get(t, -1) for held in words for t in held], dtype=np.intp)
        weights = np.full(len(index), float(idf.max()) if len(idf) else 1.0)
        known = index >= 0
        weights[known] = idf[index[known]]
        flat = weights.tolist()
        out = []
        at = 0
        for held in words:
            mine = flat[at : at + len(held)]
            at += len(held)
            out.append((list(zip(held, mine, strict=True)), math.fsum(mine)))
        return out

    def _pair_row(self, h: Text, b: Text, terms: list[tuple[str, float]], idf_sum: float) -> list[float]:
        """The columns that need both texts' sets: overlaps, n-gram shares and BM25 (``terms``, ``idf_sum``:
        from :meth:`_idf_weights`)."""
        h_set = h.content_set
        n_h = max(len(h_set), 1)
        n_common = len(h_set & b.content_set)
        union = len(h_set) + len(b.content_set) - n_common or 1
        h_bigrams = h.bigrams
        k1, k_b = 1.2, 0.75
        norm = k1 * (1.0 - k_b + k_b * len(b.stems) / self.avg_body_len_)
        counts = b.counts
        bm25 = math.fsum(w * tf * (k1 + 1.0) / (tf + norm) for t, w in terms if (tf := counts.get(t, 0)))
        return [
            float(n_common),
            n_common / n_h,
            n_common / union,
            len(h_set & b.lead_set) / n_h,
            len(h_bigrams & b.bigrams) / len(h_bigrams) if h_bigrams else 0.0,
            len(h.chars & b.chars) / len(h.chars) if h.chars else 0.0,
            bm25,
            bm25 / idf_sum if idf_sum else 0.0,
        ]

    @staticmethod
    def _sentence_columns(
        h_docs: list[Text],
        h_idx: NDArray[np.intp],
        b_docs: list[Text],
        b_idx: NDArray[np.intp],
        *,
        overlap_frac: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        """The columns from the body's sentences (the best one's share of the headline's content words; how
        many share at least 30%, where the first of them is, and their cue counts) and the cue columns, for
        the whole batch at once; ``overlap_frac``: each pair's share of headline content words in the body."""
        overlap = sentence_overlap([h.content_set for h in h_docs], h_idx, b_docs, b_idx)
        lengths = np.diff(overlap.starts)
        frac = overlap.shares
        hit = frac >= 0.3
        n_hits = overlap.segment_sum(hit.astype(np.int64))
        best = np.zeros(len(h_idx))
        filled = np.flatnonzero(lengths)
        if len(filled):
            best[filled] = np.maximum.reduceat(frac, overlap.starts[filled])
        first = np.full(len(h_idx), -1, dtype=np.intp)
        hit_at = np.flatnonzero(hit)
        hit_pair = overlap.pair[hit_at]
        first_entry = np.flatnonzero(np.r_[True, hit_pair[1:] != hit_pair[:-1]]) if len(hit_at) else hit_at
        first[hit_pair[first_entry]] = overlap.sentence[hit_at[first_entry]]
        n_sent = lengths.astype(np.float64)
        first_hit = np.where(first >= 0, first / np.where(n_sent > 0, n_sent, 1.0), 1.0)
        sentence_cues = np.concatenate([b.sentence_cues for b in b_docs]) if b_docs else np.zeros((0, N_CUES))
        hit_cues = overlap.segment_sum(sentence_cues[overlap.rows] * hit[:, None])
        hit_rate = np.where(n_hits[:, None] > 0, hit_cues / np.maximum(n_hits, 1)[:, None], hit_cues)
        body_len = np.asarray([len(b.stems) for b in b_docs], dtype=np.float64)
        b_rate = (np.asarray([b.cues for b in b_docs]) * (100.0 / np.maximum(body_len, 1.0))[:, None])[b_idx]
        h_cues = np.asarray([h.cues for h in h_docs])[h_idx]
        lead_cues = np.asarray([b.lead_cues for b in b_docs])[b_idx]
        return np.column_stack(
            [
                best,
                n_hits / n_sent,
                first_hit,
                np.asarray([h.question for h in h_docs])[h_idx],
                h_cues,
                b_rate,
                lead_cues,
                hit_cues,
                hit_rate,
                (h_cues[:, 3] + lead_cues[:, 3]) % 2,
                b_rate[:, 0] * overlap_frac,
                b_rate[:, 1] * overlap_frac,
            ]
        )


class PairTermVectors(CompactState, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Sparse bag-of-words view of a pair for a linear model.

    Output columns: headline TF-IDF, body TF-IDF and (optionally) their element-wise product --
    non-zero exactly for the terms the two texts share, weighted by how much each text uses them.
    The vocabulary (stemmed unigrams and bigrams, at most ``max_features``) is fit on training
    headlines and bodies only.
    """

    def __init__(
        self, max_features: int = 5000, ngram_range: tuple[int, int] = (1, 1), product: bool = True
    ) -> None:
        self.max_features = max_features
        self.ngram_range = ngram_range
        self.product = product

    def fit(self, X: PairInput, y: Any = None) -> Self:  # noqa: N803
        """Fit the shared vocabulary and IDF on the distinct training headlines and bodies."""
        forget_texts(self)
        headlines, bodies = as_pairs(X)
        uniq_h, _ = index_unique(headlines)
        uniq_b, _ = index_unique(bodies)
        self.vectorizer_ = TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=self.ngram_range,
            max_features=self.max_features,
            stop_words=sorted(STOP),
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(_stemmed_join(uniq_h + uniq_b))
        return self

    def transform(self, X: PairInput, *, headline: bool = True) -> sp.csr_matrix:  # noqa: N803
        """Sparse matrix ``[headline | body | headline * body]`` of shape ``(n_pairs, 2-3 * V)``;
        ``headline=False`` leaves the headline block out (``[body | headline * body]``), which costs less
        than building it and slicing it off."""
        headlines, bodies = as_pairs(X)
        uniq_h, h_idx = index_unique(headlines)
        uniq_b, b_idx = index_unique(bodies)
        cache = text_cache(self)
        if not headlines:
            empty = self.vectorizer_.transform([])
            h_vec = b_vec = empty
        else:
            h_vec = stack_rows(cache.many("h", uniq_h, self._vectors))[h_idx]
            b_vec = stack_rows(cache.many("b", uniq_b, self._vectors))[b_idx]
        blocks = [h_vec, b_vec] if headline else [b_vec]
        if self.product:
            blocks.append(sp.csr_matrix(h_vec.multiply(b_vec)))
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))

    def _vectors(self, texts: list[str]) -> list[Rows]:
        return cut_rows(self.vectorizer_.transform(_stemmed_join(texts)), range(len(texts) + 1))
