"""Sentence-level contradiction cues of a body against its headline, and a body-only cue vocabulary.

The ``disagree`` stance of FNC-1 is rare (about 7% of the related pairs) and, on rumours a model has never
seen, the words that go with it in training do not carry over. What does carry over is *how* a body
contradicts a claim: it negates the claim's words, calls it a hoax or fake, states the opposite outcome, gives
other numbers. :class:`SentenceContrast` reads the ``top_sentences`` body sentences that share most content
words with the headline and, on each, compares the sentence with the headline using the hand-written lexicon
of :mod:`claimbench.text.stance.pairs` (negations, refutations, hedges, opposite pairs); the columns are the
maximum and the mean of each comparison over those sentences, plus a few body-wide ones (where the first
refuting word falls, the share of sentences that refute). Nothing is fitted: no vocabulary to memorise, so the
features mean the same on rumours seen and unseen.

:func:`cue_vocabulary_counts` is the body-only input of the refutation score that
``benchmarks/stance_selection.py`` measures (``prep-contrast``): the count of each word of a fixed cue
vocabulary (:data:`CUE_VOCABULARY`, the union of those lexicons) in the body's lead and in the rest,
log-scaled, for a linear model that learns which cue words, where, go with ``disagree`` without seeing any
rumour's own words. It did not help on the development split, so
:class:`~claimbench.text.stance.model.StanceModel` does not use it (benchmarks/RESULTS.md).

Texts are read through :func:`~claimbench.text.stance.analysis.analysed` (the analysis the model's other
transformers already made of the same text in the same batch), so the lexicon is matched on its stems; a
sentence is compared in detail only when it is among some headline's best sentences, and that detail is kept
with the body's entry in the per-text cache (bounded, never saved with the model).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin

from .analysis import SENTENCE_RE, Text, analysed, stem_words
from .batching import PairInput, as_pairs, forget_texts, index_unique, sentence_overlap, text_cache
from .pairs import HEDGES, NEGATIONS, OPPOSITES, REFUTATIONS, tokens

__all__ = ["CUE_VOCABULARY", "SentenceContrast", "cue_vocabulary_counts"]

_SCOPE = 3
"""Tokens either side of a negation that its scope covers (as :mod:`.pairs` reads it)."""

_NEAR = 6
"""Tokens either side of a shared word within which a refuting word counts as aimed at it."""

_EXTRA_REFUTING = (
    "hoax hoaxes fake fraud debunked debunk false untrue denied denies deny refuted refute dismissed "
    "baseless spoof parody satire satirical nonsense unfounded fabricated bogus myth prank"
)
_PHRASES = (
    "not true", "no evidence", "not real", "no truth", "not confirmed", "no proof", "never happened",
    "not happen", "no longer", "no plans", "not dead", "still alive",
)  # fmt: skip


def _stems(words: Sequence[str] | str) -> frozenset[str]:
    return frozenset(stem_words(" ".join(words) if not isinstance(words, str) else words))


_NEG = _stems(sorted(NEGATIONS)) | {"not"}
_REFUTING = _stems(sorted(REFUTATIONS)) | _stems(_EXTRA_REFUTING)
_HEDGING = _stems(sorted(HEDGES))
_PHRASE_PAIRS: frozenset[tuple[str, ...]] = frozenset(tuple(stem_words(p)) for p in _PHRASES)
_OPPOSITE_PAIRS = [tuple(stem_words(a) + stem_words(b)) for a, b in OPPOSITES]
_OPPOSITE_OF: dict[str, frozenset[str]] = {}
for _pair in _OPPOSITE_PAIRS:
    if len(_pair) == 2 and _pair[0] != _pair[1]:
        for _x, _y in (_pair, _pair[::-1]):
            _OPPOSITE_OF[_x] = _OPPOSITE_OF.get(_x, frozenset()) | {_y}
_OPPOSITE_WORDS = frozenset(_OPPOSITE_OF)
_NOT_CONTENT = _NEG | _HEDGING

_REFUTING_WORDS = REFUTATIONS | frozenset(_EXTRA_REFUTING.split())
CUE_VOCABULARY: tuple[str, ...] = tuple(
    sorted(_REFUTING_WORDS | NEGATIONS | HEDGES | frozenset(w for pair in OPPOSITES for w in pair))
)
"""The fixed words :func:`cue_vocabulary_counts` counts (lower-cased, as :func:`~.pairs.tokens` writes
them)."""
_CUE_INDEX = {w: j for j, w in enumerate(CUE_VOCABULARY)}

_PER_SENTENCE = (
    "overlap",
    "neg_scoped",
    "neg_mismatch",
    "refute",
    "refute_near",
    "refute_phrase",
    "opposite",
    "numbers_differ",
    "numbers_new",
    "hedge",
)
_BODY = (
    "body_refute_first_pos",
    "body_refute_share",
    "body_neg_share",
    "head_negated",
    "head_refute",
    "head_hedge",
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One body sentence as the comparison reads it (made only for sentences that some headline reads)."""

    stems: list[str]
    negations: list[int]
    refutations: list[int]
    phrase: float
    hedges: int
    numbers: frozenset[str]
    opposite: frozenset[str]
    stem_set: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Body:
    doc: Text
    details: list[_Sentence | None]  # filled on first use
    row: list[float]


@dataclass(frozen=True, slots=True)
class _Head:
    content: frozenset[str]
    negated: bool
    numbers: frozenset[str]
    opposite: frozenset[str]
    stem_set: frozenset[str]
    row: list[float]


def _sentence(joined: str) -> _Sentence:
    stems = joined.split()
    pairs = set(itertools.pairwise(stems))
    return _Sentence(
        stems=stems,
        negations=[i for i, t in enumerate(stems) if t in _NEG],
        refutations=[i for i, t in enumerate(stems) if t in _REFUTING],
        phrase=float(bool(pairs & _PHRASE_PAIRS)),
        hedges=len([t for t in stems if t in _HEDGING]),
        numbers=frozenset(t for t in stems if t.isdigit()),
        opposite=frozenset(stems) & _OPPOSITE_WORDS,
        stem_set=frozenset(stems),
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(text) if s and s.strip()] or [text.strip()]


def _within(first: list[int], second: list[int], reach: int) -> int:
    """How many positions of ``second`` lie within ``reach`` of some position of ``first``."""
    return len([j for j in second if any(abs(i - j) <= reach for i in first)])


class SentenceContrast(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Headline-against-best-sentences contradiction cues (see the module docstring); nothing is learnt.

    Parameters
    ----------
    top_sentences:
        How many body sentences (those sharing most of the headline's content words) are compared.
    lead_sentences:
        The lead length of the text analysis read (the model's other transformers' value, so that one
        analysis of a text serves them all); it does not change the features.
    """

    def __init__(self, top_sentences: int = 3, lead_sentences: int = 3) -> None:
        self.top_sentences = top_sentences
        self.lead_sentences = lead_sentences

    def fit(self, X: PairInput, y: Any = None) -> Self:  # noqa: N803
        """Nothing to learn; records the output width."""
        forget_texts(self)
        self.n_features_out_ = len(self.get_feature_names_out())
        return self

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        """Names of the output columns, in order."""
        names = [f"sent_{n}_max" for n in _PER_SENTENCE] + [f"sent_{n}_mean" for n in _PER_SENTENCE]
        names += list(_BODY)
        return np.asarray(names, dtype=object)

    def _prepare_heads(self, texts: list[str]) -> list[_Head]:
        out = []
        for text in texts:
            doc = analysed(text, 1, ngrams=False)
            stems = doc.stems
            negated = any(t in _NEG for t in stems)
            out.append(
                _Head(
                    content=frozenset(
                        t for t in doc.content_set if t not in _NOT_CONTENT and not t.isdigit()
                    ),
                    negated=negated,
                    numbers=frozenset(t for t in stems if t.isdigit()),
                    opposite=frozenset(stems) & _OPPOSITE_WORDS,
                    stem_set=frozenset(stems),
                    row=[
                        float(negated),
                        math.log1p(len([t for t in stems if t in _REFUTING])),
                        math.log1p(len([t for t in stems if t in _HEDGING])),
                    ],
                )
            )
        return out

    def _prepare_bodies(self, texts: list[str]) -> list[_Body]:
        out = []
        for text in texts:
            doc = analysed(text, self.lead_sentences, ngrams=False)
            n = len(doc.sentences)
            refuting = np.flatnonzero(doc.sentence_cues[:, 0] > 0)
            row = [
                float(refuting[0]) / n if len(refuting) else 1.0,
                len(refuting) / max(n, 1),
                float(np.count_nonzero(doc.sentence_cues[:, 3])) / max(n, 1),
            ]
            out.append(_Body(doc=doc, details=[None] * n, row=row))
        return out

    def transform(self, X: PairInput) -> NDArray[np.float64]:  # noqa: N803
        """Feature matrix of shape ``(n_pairs, n_features_out_)``."""
        headlines, bodies = as_pairs(X)
        width = len(self.get_feature_names_out())
        if not headlines:
            return np.zeros((0, width))
        uniq_h, h_idx = index_unique(headlines)
        uniq_b, b_idx = index_unique(bodies)
        cache = text_cache(self)
        heads: list[_Head] = cache.many("h", uniq_h, self._prepare_heads)
        texts: list[_Body] = cache.many("b", uniq_b, self._prepare_bodies)
        n_per = len(_PER_SENTENCE)
        rows = np.zeros((len(headlines), width))
        # each pair's top sentences (those sharing most headline content words, any at all), pair by pair
        overlap = sentence_overlap([h.content for h in heads], h_idx, [b.doc for b in texts], b_idx)
        chosen = overlap.top(self.top_sentences)
        pair = overlap.pair[chosen]
        table = np.empty((len(chosen), n_per))
        where = zip(
            pair.tolist(), overlap.sentence[chosen].tolist(), overlap.shares[chosen].tolist(), strict=True
        )
        for j, (p, k, share) in enumerate(where):
            head, body = heads[h_idx[p]], texts[b_idx[p]]
            detail = body.details[k]
            if detail is None:
                detail = body.details[k] = _sentence(body.doc.sentence_joined[k])
            table[j] = self._sentence_row(head, detail, share)
        if len(chosen):
            first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
            rank = np.arange(len(chosen)) - np.repeat(first, np.diff(np.r_[first, len(chosen)]))
            rows[pair[first], :n_per] = np.maximum.reduceat(table, first)
            for r in range(int(rank.max()) + 1):  # rank by rank: the sum's order, to the last bit
                at = rank == r
                rows[pair[at], n_per : 2 * n_per] += table[at]
            rows[pair[first], n_per : 2 * n_per] /= np.diff(np.r_[first, len(chosen)])[:, None]
        rows[:, 2 * n_per :] = np.hstack(
            [np.asarray([b.row for b in texts])[b_idx], np.asarray([h.row for h in heads])[h_idx]]
        )
        return rows

    @staticmethod
    def _sentence_row(head: _Head, s: _Sentence, overlap: float) -> list[float]:
        content = head.content
        shared = [i for i, t in enumerate(s.stems) if t in content]
        scoped = float(bool(s.negations) and _within(s.negations, shared, _SCOPE) > 0)
        near = _within(s.refutations, shared, _NEAR) if s.refutations else 0
        opposite = 0
        if head.opposite and s.opposite:
            opposite = sum(
                len([y for y in _OPPOSITE_OF[x] & s.opposite if y not in head.stem_set])
                for x in head.opposite
                if x not in s.stem_set
            )
        differ = float(bool(head.numbers) and bool(s.numbers) and not (head.numbers & s.numbers))
        return [
            overlap,
            scoped,
            float(bool(scoped) != head.negated),
            math.log1p(len(s.refutations)),
            math.log1p(near),
            s.phrase,
            float(opposite),
            differ,
            math.log1p(len(s.numbers - head.numbers)),
            math.log1p(s.hedges),
        ]


def cue_vocabulary_counts(bodies: Sequence[str], lead_sentences: int = 3) -> NDArray[np.float64]:
    """``log1p`` counts of each :data:`CUE_VOCABULARY` word in each body's lead (first ``lead_sentences``
    sentences), then in the rest: shape ``(len(bodies), 2 * len(CUE_VOCABULARY))``. Depends on each body
    alone (the same row whether it is read alone or in a batch)."""
    width = len(CUE_VOCABULARY)
    uniq, index = index_unique(bodies)
    out = np.zeros((len(uniq), 2 * width))
    for i, text in enumerate(uniq):
        for k, sentence in enumerate(_sentences(text)):
            offset = 0 if k < lead_sentences else width
            for word in tokens(sentence):
                j = _CUE_INDEX.get(word)
                if j is not None:
                    out[i, offset + j] += 1.0
    return np.log1p(out)[index]
