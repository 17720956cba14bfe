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

:func:`cue_vocabulary_counts` is the body-only input of the model's refutation score: the count of each word
of a fixed cue vocabulary (:data:`CUE_VOCABULARY`, the union of those lexicons) in the body's lead and in the
rest, log-scaled; a linear model on it learns which cue words, where, go with ``disagree`` without seeing any
rumour's own words.

Per-text analysis is cached like :mod:`.features` does (bounded, never saved with the model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin

from .analysis import SENTENCE_RE
from .batching import PairInput, as_pairs, forget_texts, index_unique, text_cache
from .pairs import HEDGES, NEGATIONS, OPPOSITES, REFUTATIONS, STOPWORDS, tokens

__all__ = ["CUE_VOCABULARY", "SentenceContrast", "cue_vocabulary_counts"]

_SCOPE = 3
"""Tokens either side of a negation that its scope covers (as :mod:`.pairs` reads it)."""

_NEAR = 6
"""Tokens either side of a shared word within which a refuting word counts as aimed at it."""

_EXTRA_REFUTING = frozenset(
    "hoax hoaxes fake fraud debunked debunk false untrue denied denies deny refuted refute dismissed baseless "
    "spoof parody satire satirical nonsense unfounded fabricated bogus myth prank".split()
)
_REFUTING = REFUTATIONS | _EXTRA_REFUTING
_REFUTING_PHRASES: frozenset[tuple[str, str]] = frozenset(
    {
        ("not", "true"),
        ("no", "evidence"),
        ("not", "real"),
        ("no", "truth"),
        ("not", "confirmed"),
        ("no", "proof"),
        ("never", "happened"),
        ("n't", "true"),
        ("n't", "real"),
        ("n't", "happen"),
        ("no", "longer"),
        ("no", "plans"),
        ("not", "dead"),
        ("still", "alive"),
    }
)
_OPPOSITE_OF: dict[str, frozenset[str]] = {
    word: frozenset({b for a, b in OPPOSITES if a == word} | {a for a, b in OPPOSITES if b == word})
    for pair in OPPOSITES
    for word in pair
}
_SKIP = STOPWORDS | NEGATIONS

CUE_VOCABULARY: tuple[str, ...] = tuple(sorted(_REFUTING | NEGATIONS | HEDGES | frozenset(_OPPOSITE_OF)))
"""The fixed words :func:`cue_vocabulary_counts` counts (lower-cased, as :func:`~.pairs.tokens` writes them)."""
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
    "question",
)
_BODY = ("body_refute_first_pos", "body_refute_share", "body_neg_share", "head_negated", "head_refute", "head_hedge")


def _digit(word: str) -> bool:
    return word[:1].isdigit()


@dataclass(frozen=True, slots=True)
class _Sentence:
    words: list[str]
    stems: list[str]
    negations: NDArray[np.intp]
    refutations: NDArray[np.intp]
    phrase: float
    hedges: float
    numbers: frozenset[str]
    opposite: frozenset[str]
    wordset: frozenset[str]
    question: float


@dataclass(frozen=True, slots=True)
class _Body:
    sentences: list[_Sentence]
    where: dict[str, NDArray[np.intp]]  # content stem -> the sentences it occurs in
    body_row: list[float]


@dataclass(frozen=True, slots=True)
class _Head:
    content: frozenset[str]
    negated: bool
    numbers: frozenset[str]
    opposite: frozenset[str]
    wordset: frozenset[str]
    row: list[float]


def _sentence(text: str) -> _Sentence:
    words = tokens(text)
    stems = [w[:6] for w in words]
    return _Sentence(
        words=words,
        stems=stems,
        negations=np.asarray([i for i, w in enumerate(words) if w in NEGATIONS], dtype=np.intp),
        refutations=np.asarray([i for i, w in enumerate(words) if w in _REFUTING], dtype=np.intp),
        phrase=float(any((x, y) in _REFUTING_PHRASES for x, y in zip(words, words[1:], strict=False))),
        hedges=float(len([w for w in words if w in HEDGES])),
        numbers=frozenset(w.replace(",", "") for w in words if _digit(w)),
        opposite=frozenset(words) & frozenset(_OPPOSITE_OF),
        wordset=frozenset(words),
        question=float(text.rstrip().endswith("?")),
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(text) if s and s.strip()] or [text.strip()]


class SentenceContrast(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Headline-against-best-sentences contradiction cues (see the module docstring); nothing is learnt.

    Parameters
    ----------
    top_sentences:
        How many body sentences (those sharing most of the headline's content words) are compared.
    """

    def __init__(self, top_sentences: int = 3) -> None:
        self.top_sentences = top_sentences

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
            words = tokens(text)
            content = frozenset(w[:6] for w in words if w not in _SKIP and not _digit(w))
            negated = any(w in NEGATIONS for w in words)
            refute = len([w for w in words if w in _REFUTING])
            hedge = len([w for w in words if w in HEDGES])
            out.append(
                _Head(
                    content=content,
                    negated=negated,
                    numbers=frozenset(w.replace(",", "") for w in words if _digit(w)),
                    opposite=frozenset(words) & frozenset(_OPPOSITE_OF),
                    wordset=frozenset(words),
                    row=[float(negated), math.log1p(refute), math.log1p(hedge)],
                )
            )
        return out

    def _prepare_bodies(self, texts: list[str]) -> list[_Body]:
        out = []
        for text in texts:
            sentences = [_sentence(s) for s in _sentences(text)]
            where: dict[str, list[int]] = {}
            for k, s in enumerate(sentences):
                for stem, word in zip(s.stems, s.words, strict=True):
                    if word not in _SKIP and not _digit(word):
                        rows = where.setdefault(stem, [])
                        if not rows or rows[-1] != k:
                            rows.append(k)
            n = len(sentences)
            refuting = [k for k, s in enumerate(sentences) if len(s.refutations) or s.phrase]
            first = refuting[0] / n if refuting else 1.0
            negating = len([s for s in sentences if len(s.negations)])
            out.append(
                _Body(
                    sentences=sentences,
                    where={t: np.asarray(r, dtype=np.intp) for t, r in where.items()},
                    body_row=[first, len(refuting) / n, negating / n],
                )
            )
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
        rows = np.empty((len(headlines), width))
        for i, (hi, bi) in enumerate(zip(h_idx, b_idx, strict=True)):
            rows[i] = self._pair_row(heads[hi], texts[bi])
        return rows

    def _pair_row(self, head: _Head, body: _Body) -> list[float]:
        n_per = len(_PER_SENTENCE)
        hits = [body.where[t] for t in head.content if t in body.where]
        tail = body.body_row + head.row
        if not hits:
            return [0.0] * (2 * n_per) + tail
        overlaps = np.bincount(np.concatenate(hits), minlength=len(body.sentences))
        n_top = min(self.top_sentences, int(np.count_nonzero(overlaps)))
        order = np.argsort(-overlaps, kind="stable")[:n_top]
        n_h = max(len(head.content), 1)
        table = np.asarray(
            [self._sentence_row(head, body.sentences[k], overlaps[k] / n_h) for k in order], dtype=np.float64
        )
        return table.max(axis=0).tolist() + table.mean(axis=0).tolist() + tail

    @staticmethod
    def _sentence_row(head: _Head, s: _Sentence, overlap: float) -> list[float]:
        shared = [i for i, stem in enumerate(s.stems) if stem in head.content and s.words[i] not in _SKIP]
        scoped = 0.0
        near = 0.0
        if shared:
            at = np.asarray(shared, dtype=np.intp)
            if len(s.negations):
                scoped = float((np.abs(s.negations[:, None] - at[None, :]) <= _SCOPE).any())
            if len(s.refutations):
                near = float((np.abs(s.refutations[:, None] - at[None, :]) <= _NEAR).sum(axis=0).astype(bool).sum())
        opposite = 0.0
        if head.opposite and s.opposite:
            opposite = float(
                sum(
                    len([y for y in _OPPOSITE_OF[x] & s.opposite if y not in head.wordset])
                    for x in head.opposite
                    if x not in s.wordset
                )
            )
        differ = float(bool(head.numbers) and bool(s.numbers) and not (head.numbers & s.numbers))
        return [
            overlap,
            scoped,
            float(bool(scoped) != head.negated),
            math.log1p(len(s.refutations)),
            math.log1p(near),
            s.phrase,
            opposite,
            differ,
            math.log1p(len(s.numbers - head.numbers)),
            math.log1p(s.hedges),
            s.question,
        ]


def cue_vocabulary_counts(bodies: Sequence[str], lead_sentences: int = 3) -> NDArray[np.float64]:
    """``log1p`` counts of each :data:`CUE_VOCABULARY` word in each body's lead (first ``lead_sentences``
    sentences), then in the rest: shape ``(len(bodies), 2 * len(CUE_VOCABULARY))``. Depends on each body
    alone (the same row whether it is read alone or in a batch)."""
    width = len(CUE_VOCABULARY)
    out = np.zeros((len(bodies), 2 * width))
    for i, text in enumerate(bodies):
        for k, sentence in enumerate(_sentences(text)):
            offset = 0 if k < lead_sentences else width
            for word in tokens(sentence):
                j = _CUE_INDEX.get(word)
                if j is not None:
                    out[i, offset + j] += 1.0
    return np.log1p(out)
