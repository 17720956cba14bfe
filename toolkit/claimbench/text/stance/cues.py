"""Headline-independent stance cues for (headline, body) pairs: features that do not memorise words.

The linear models on TF-IDF in :class:`~claimbench.text.stance.model.StanceModel` learn which
*words* go with which stance (with ``linear_view="full"`` the headline's own words too); on rumours
they have never seen (the rumour-disjoint ``dev`` split, the FNC-1 competition test set) that
vocabulary does not carry over.  :class:`PairCues` adds
features that only say *how* the body talks about whatever the headline is about:

* ``win_*``: refuting / hedging / confirming / negation cue words within ``window`` tokens of an
  occurrence of one of the headline's content words in the body (counts, log-scaled, and per
  occurrence), so a "hoax" next to the headline's terms counts, one in an unrelated paragraph does not;
* ``top_*``: the same cue counts in the ``top_sentences`` body sentences that share most content words
  with the headline, whether the headline's negation agrees with theirs, and whether they ask questions;
* ``overlap_lead``, ``overlap_rest``, ``overlap_first``, ``overlap_lead_minus_rest``: the share of the
  headline's content words found in the body's lead, in the rest, and in its first sentence;
* ``topic_cos``, ``topic_cos_lead``, ``topic_max``: similarity of headline and body in a small NMF
  topic space fitted on the training *bodies* only (a topic is a weighted set of words, so unseen
  headlines about a known kind of story still land near their bodies).

Per-text analysis is cached like :mod:`.features` does (bounded, never saved with the model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import nnls
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .analysis import CUES, N_CUES, SENTENCE_RE, STOP, Text, analyse, analysed
from .batching import PairInput, as_pairs, forget_texts, index_unique, sentence_overlap, text_cache
from .features import CompactState

_CUE_NAMES = ("refute", "hedge", "agree", "neg")


@dataclass(frozen=True, slots=True)
class _Body:
    """A body as :class:`PairCues` uses it: positions of content words and of cue words."""

    doc: Text
    positions: dict[str, NDArray[np.intp]]
    cue_positions: tuple[NDArray[np.intp], ...]
    questions: NDArray[np.float64]
    n_tokens: int
    topics: NDArray[np.float64]
    lead_topics: NDArray[np.float64]
    lead_words: frozenset[str]
    rest_words: frozenset[str]
    first_words: frozenset[str]
    cue_points: NDArray[np.intp]  # every cue word's position, cue by cue (``cue_of`` says which)
    cue_of: NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class _Head:
    doc: Text
    topics: NDArray[np.float64]


def _positions(stems: Sequence[str]) -> tuple[dict[str, list[int]], tuple[NDArray[np.intp], ...]]:
    """Token positions of each content word, and of each cue lexicon's words, in ``stems``."""
    where: dict[str, list[int]] = {}
    cues: list[list[int]] = [[] for _ in range(N_CUES)]
    for k, token in enumerate(stems):
        if token not in STOP:
            where.setdefault(token, []).append(k)
        for c, lexicon in enumerate(CUES):
            if token in lexicon:
                cues[c].append(k)
    return where, tuple(np.asarray(p, dtype=np.intp) for p in cues)


def _near_by_cue(
    anchors: NDArray[np.intp], points: NDArray[np.intp], cue_of: NDArray[np.intp], window: int
) -> NDArray[np.float64]:
    """How many cue words of each lexicon lie within ``window`` tokens of some anchor (``anchors``: sorted,
    non-empty): ``points`` are all cue positions, ``cue_of`` their lexicon; one numpy pass per pair."""
    if not len(points):
        return np.zeros(N_CUES)
    at = np.searchsorted(anchors, points)
    last = len(anchors) - 1
    before = np.abs(points - anchors[np.minimum(np.maximum(at - 1, 0), last)])
    after = np.abs(anchors[np.minimum(at, last)] - points)
    near = np.minimum(before, after) <= window
    return np.bincount(cue_of[near], minlength=N_CUES).astype(np.float64)


class PairCues(CompactState, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Dense, headline-vocabulary-free stance cues for (headline, body) pairs (see the module docstring).

    Parameters
    ----------
    window:
        Tokens either side of a headline word in which a body cue word counts.
    top_sentences:
        How many best-matching body sentences the ``top_*`` features read.
    lead_sentences:
        Opening body sentences that count as the lead.
    topics:
        NMF topics fitted on the training bodies (0 disables the topic features; they are then 0).
    random_state:
        Seed of the NMF initialisation.
    """

    def __init__(
        self,
        window: int = 8,
        top_sentences: int = 3,
        lead_sentences: int = 3,
        topics: int = 40,
        random_state: int = 0,
    ) -> None:
        self.window = window
        self.top_sentences = top_sentences
        self.lead_sentences = lead_sentences
        self.topics = topics
        self.random_state = random_state

    def fit(self, X: PairInput, y: Any = None) -> Self:  # noqa: N803
        """Fit the topic model on the distinct training bodies (headlines are not used)."""
        forget_texts(self)
        _, bodies = as_pairs(X)
        uniq_b, _ = index_unique(bodies)
        self.vectorizer_: TfidfVectorizer | None = None
        self.nmf_: NMF | None = None
        if self.topics > 0 and len(uniq_b) > self.topics:
            self.vectorizer_ = TfidfVectorizer(
                token_pattern=r"\S+",
                lowercase=False,
                max_features=5000,
                min_df=2,
                stop_words=sorted(STOP),
                sublinear_tf=True,
                dtype=np.float64,
            )
            matrix = self.vectorizer_.fit_transform([" ".join(analyse(b, 0).stems) for b in uniq_b])
            self.nmf_ = NMF(
                n_components=self.topics, init="nndsvd", max_iter=300, random_state=self.random_state
            ).fit(matrix)
        self.n_features_out_ = len(self.get_feature_names_out())
        return self

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        """Names of the output columns, in order."""
        names = [f"win_{c}" for c in _CUE_NAMES]
        names += [f"win_{c}_per_hit" for c in _CUE_NAMES]
        names += ["win_hits_log"]
        names += [f"top_{c}" for c in _CUE_NAMES]
        names += ["top_neg_parity", "top_question", "top_overlap"]
        names += ["overlap_lead", "overlap_rest", "overlap_first", "overlap_lead_minus_rest"]
        names += ["topic_cos", "topic_cos_lead", "topic_max"]
        return np.asarray(names, dtype=object)

    # -- per-text analysis ----------------------------------------------------------------------

    def _topic_rows(self, joined: list[str]) -> NDArray[np.float64]:
        if self.nmf_ is None or self.vectorizer_ is None or not joined:
            return np.zeros((len(joined), 1))
        return np.asarray(normalize(topic_weights(self.nmf_, self.vectorizer_.transform(joined))))

    def _prepare_heads(self, texts: list[str]) -> list[_Head]:
        docs = [analysed(h, 1, ngrams=False) for h in texts]
        topics = self._topic_rows([d.joined for d in docs])
        return [_Head(d, topics[i]) for i, d in enumerate(docs)]

    def _prepare_bodies(self, texts: list[str]) -> list[_Body]:
        docs = [analysed(b, self.lead_sentences, ngrams=False) for b in texts]
        lead = self.lead_sentences
        topics = self._topic_rows([d.joined for d in docs] + [d.lead_joined for d in docs])
        n = len(docs)
        out = []
        for i, (text, d) in enumerate(zip(texts, docs, strict=True)):
            where, cues = _positions(d.stems)
            questions = np.asarray([float(s.endswith("?")) for s in _sentence_texts(text)], dtype=np.float64)
            if len(questions) != len(d.sentences):
                questions = np.zeros(len(d.sentences))
            out.append(
                _Body(
                    doc=d,
                    positions={t: np.asarray(p, dtype=np.intp) for t, p in where.items()},
                    cue_positions=cues,
                    questions=questions,
                    n_tokens=len(d.stems),
                    topics=topics[i],
                    lead_topics=topics[n + i],
                    lead_words=frozenset().union(*d.sentences[:lead]) if d.sentences else frozenset(),
                    rest_words=frozenset().union(*d.sentences[lead:])
                    if len(d.sentences) > lead
                    else frozenset(),
                    first_words=d.sentences[0] if d.sentences else frozenset(),
                    cue_points=np.concatenate(cues),
                    cue_of=np.repeat(np.arange(N_CUES), [len(p) for p in cues]),
                )
            )
        return out

    # -- pairs ----------------------------------------------------------------------------------

    def transform(self, X: PairInput) -> NDArray[np.float64]:  # noqa: N803
        """Feature matrix of shape ``(n_pairs, n_features_out_)``."""
        headlines, bodies = as_pairs(X)
        if not headlines:
            return np.zeros((0, self.n_features_out_))
        uniq_h, h_idx = index_unique(headlines)
        uniq_b, b_idx = index_unique(bodies)
        cache = text_cache(self)
        heads: list[_Head] = cache.many("h", uniq_h, self._prepare_heads)
        texts: list[_Body] = cache.many("b", uniq_b, self._prepare_bodies)
        # column blocks, in get_feature_names_out's order: win_* (2 N_CUES + 1), top_* (N_CUES + 3),
        # overlap_* (4), topic_* (3)
        top = 2 * N_CUES + 1
        overlap = top + N_CUES + 3
        rows = np.empty((len(headlines), self.n_features_out_))
        for i, (hi, bi) in enumerate(zip(h_idx, b_idx, strict=True)):
            head, body = heads[hi], texts[bi]
            rows[i, :top] = self._window_row(head, body)
            rows[i, overlap : overlap + 4] = self._overlap_row(head, body)
        rows[:, top:overlap] = self._top_sentences(heads, h_idx, texts, b_idx)
        h_topics = np.asarray([h.topics for h in heads])[h_idx]
        rows[:, -3] = np.einsum("ij,ij->i", h_topics, np.asarray([b.topics for b in texts])[b_idx])
        rows[:, -2] = np.einsum("ij,ij->i", h_topics, np.asarray([b.lead_topics for b in texts])[b_idx])
        h_top = np.asarray([h.topics.argmax() if h.topics.any() else -1 for h in heads])[h_idx]
        rows[:, -1] = h_top == np.asarray([b.topics.argmax() for b in texts])[b_idx]
        return rows

    def _window_row(self, head: _Head, body: _Body) -> list[float]:
        """Cue words within ``window`` tokens of the headline's content words in the body: counts, per hit,
        and the number of hits."""
        h_set = head.doc.content_set
        hits = [body.positions[t] for t in h_set if t in body.positions]
        win = np.zeros(N_CUES)
        n_hits = 0
        if hits:
            anchors = np.sort(np.concatenate(hits))
            n_hits = len(anchors)
            win = _near_by_cue(anchors, body.cue_points, body.cue_of, self.window)
        per_hit = win / n_hits if n_hits else win
        row: list[float] = win.tolist() + per_hit.tolist()
        return [*row, math.log1p(n_hits)]

    def _top_sentences(
        self, heads: list[_Head], h_idx: NDArray[np.intp], texts: list[_Body], b_idx: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        """Over each pair's ``top_sentences`` body sentences sharing most headline content words (only those
        sharing any): their cue counts summed, negation parity with the headline, whether one is a question,
        their mean share of the headline's content words; for the whole batch at once."""
        overlap = sentence_overlap([h.doc.content_set for h in heads], h_idx, [b.doc for b in texts], b_idx)
        chosen = overlap.top(self.top_sentences)
        pair = overlap.pair[chosen]
        rows = overlap.rows[chosen]
        n = len(h_idx)
        top = np.zeros((n, N_CUES))
        np.add.at(top, pair, np.concatenate([b.doc.sentence_cues for b in texts])[rows])
        question = np.zeros(n)
        np.maximum.at(question, pair, np.concatenate([b.questions for b in texts])[rows])
        share = np.zeros(n)
        np.add.at(share, pair, overlap.shares[chosen])
        picked = np.bincount(pair, minlength=n)
        share = np.where(picked > 0, share / np.maximum(picked, 1), 0.0)
        h_neg = np.asarray([h.doc.cues[3] for h in heads])[h_idx]
        return np.column_stack([top, (h_neg + top[:, 3]) % 2, question, share])

    @staticmethod
    def _overlap_row(head: _Head, body: _Body) -> list[float]:
        """The headline's content words' shares in the body's lead, its rest and its first sentence."""
        h_set = head.doc.content_set
        n_h = max(len(h_set), 1)
        overlap_lead = len(h_set & body.lead_words) / n_h
        overlap_rest = len(h_set & body.rest_words) / n_h
        return [overlap_lead, overlap_rest, len(h_set & body.first_words) / n_h, overlap_lead - overlap_rest]


def topic_weights(nmf: NMF, matrix: sp.csr_matrix) -> NDArray[np.float64]:
    """``nmf.transform(matrix)`` for a Frobenius-loss NMF without regularisation, solved exactly and row by
    row: each row's non-negative least squares in the topics' space (``min ||x - w H||`` with ``w >= 0``,
    through the Cholesky factor of ``H Hᵀ``). scikit-learn's own transform starts every row from the batch's
    mean and stops when the whole batch has converged, so a text's topics (and the pairs' scores) moved by up
    to 2e-4 with the other texts of its batch; here a text's weights depend on the text alone."""
    components = np.asarray(nmf.components_, dtype=np.float64)
    plain = nmf.beta_loss in ("frobenius", 2) and not nmf.alpha_W  # what transform minimises then
    try:
        lower = np.linalg.cholesky(components @ components.T) if plain else None
    except np.linalg.LinAlgError:
        lower = None
    if lower is None:
        return np.asarray(nmf.transform(matrix), dtype=np.float64)
    inverse = np.linalg.inv(lower)
    upper = np.ascontiguousarray(lower.T)
    rows = sp.csr_matrix(matrix)
    out = np.empty((rows.shape[0], components.shape[0]))
    for i in range(rows.shape[0]):
        start, stop = rows.indptr[i], rows.indptr[i + 1]
        projected = components[:, rows.indices[start:stop]] @ rows.data[start:stop]  # H xᵀ
        out[i] = nnls(upper, inverse @ projected)[0]
    return out


def _sentence_texts(text: str) -> list[str]:
    """The body's sentences, split as :func:`claimbench.text.stance.analysis.analyse` splits them."""
    return [s.strip() for s in SENTENCE_RE.split(text) if s and s.strip()] or [text.strip()]
