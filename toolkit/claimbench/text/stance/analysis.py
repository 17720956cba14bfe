"""Text analysis for the stance features: tokens, stems, stop words, the stance-cue lexicons, and one
analysis per text (stems, content words, n-grams, sentences, cue counts) kept in a small process-wide memo.

Shared by the FNC-1 transformers (:mod:`~claimbench.text.stance.features`,
:mod:`~claimbench.text.stance.cues`) and the rule-based scorer (:mod:`~claimbench.text.stance.rules`);
nothing here is fitted or saved with a model.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "ANALYSES",
    "ANALYSIS_MEMO_SIZE",
    "CUES",
    "N_CUES",
    "SENTENCE_RE",
    "STOP",
    "Text",
    "analyse",
    "analysed",
    "stem_words",
]

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
SENTENCE_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")

# Words kept although they are in sklearn's stop list: they carry stance (negation, modality).
_KEEP = frozenset(
    {"not", "no", "never", "nothing", "none", "nor", "cannot", "could", "might", "may", "should"}
)
STOP = frozenset(ENGLISH_STOP_WORDS) - _KEEP

# Cue lexicons, stored stemmed (see _stem).  Refuting words follow the official FNC-1 baseline's
# list, extended; hedging words mark reporting without endorsement (the "discuss" class).
_REFUTE_WORDS = (
    "fake fraud hoax hoaxes false deny denies denied denying debunk debunks debunked bogus "
    "pranks prank retract retracts retracted nope doubt doubts doubted despite refute refutes "
    "refuted dismiss dismissed dismisses fabricated untrue baseless myth misleading incorrect "
    "wrong satire satirical spoof parody falsely rejects rejected contrary lie lies lied "
    "insists shot down disputes disputed dispel dispels"
)
_HEDGE_WORDS = (
    "reportedly allegedly alleged alleges claim claims claimed according unconfirmed rumor "
    "rumors rumour rumours rumored rumoured report reports reported apparently purportedly "
    "purported supposedly possibly possible perhaps unverified suggests suggested suggest "
    "appears appear appeared seems seem seemed believed believe speculation speculate "
    "speculated sources source unclear if whether might may could expected likely "
    "uncertain questions question"
)
_AGREE_WORDS = (
    "confirm confirms confirmed confirmation officially official announced announces "
    "revealed reveals shows showed proves proved proof indeed true verified statement "
    "has have finally now actually"
)
_NEGATION_WORDS = "not no never nothing none nor cannot n't without neither"


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Strip a few common English suffixes: a crude, dependency-free stand-in for a stemmer."""
    if word.endswith("n't"):
        return "not"
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                stem += "y"
            return stem
    return word


def stem_words(text: str) -> list[str]:
    return [_stem(t) for t in _TOKEN_RE.findall(text.lower())]


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words.split())


_REFUTE = _lexicon(_REFUTE_WORDS)
_HEDGE = _lexicon(_HEDGE_WORDS)
_AGREE = _lexicon(_AGREE_WORDS)
_NEGATION = _lexicon(_NEGATION_WORDS) | {"not"}
CUES: tuple[frozenset[str], ...] = (_REFUTE, _HEDGE, _AGREE, _NEGATION)
N_CUES = len(CUES)


def _cue_counts(tokens: Iterable[str]) -> NDArray[np.float64]:
    counts = np.zeros(N_CUES)
    for token in tokens:
        for i, lexicon in enumerate(CUES):
            if token in lexicon:
                counts[i] += 1.0
    return counts


def _char_ngrams(text: str, n: int = 4) -> frozenset[str]:
    squeezed = " ".join(_TOKEN_RE.findall(text.lower()))
    # a set comprehension, then frozen: a third faster than frozenset() over a generator
    return frozenset({squeezed[i : i + n] for i in range(max(len(squeezed) - n + 1, 0))})


def _bigrams(content: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairwise(content))


@dataclass(frozen=True, slots=True)
class Text:
    """Per-text precomputation shared by every pair the text takes part in."""

    stems: list[str]
    content: list[str]
    content_set: frozenset[str]
    counts: Counter[str]
    bigrams: frozenset[tuple[str, str]]
    chars: frozenset[str]
    cues: NDArray[np.float64]
    lead_set: frozenset[str]
    lead_cues: NDArray[np.float64]
    sentences: list[frozenset[str]]
    # content word -> the sentences holding it, as bits (bit k: sentence k); an int, not a list per word,
    # so that a cached text adds no container for the garbage collector to walk
    sentences_with: dict[str, int]
    sentence_cues: NDArray[np.float64]
    question: float
    joined: str
    lead_joined: str
    sentence_joined: list[str]


def analyse(text: str, lead_sentences: int, *, ngrams: bool = True) -> Text:
    """The per-text analysis; ``ngrams=False`` leaves ``counts``, ``bigrams`` and ``chars`` empty (a third of
    the cost) for callers that read none of them (:class:`~claimbench.text.stance.cues.PairCues`)."""
    sentences_raw = [s for s in SENTENCE_RE.split(text) if s and s.strip()] or [text]
    sentence_stems = [stem_words(s) for s in sentences_raw]
    stems = [t for s in sentence_stems for t in s]
    content = [t for t in stems if t not in STOP]
    lead = [t for s in sentence_stems[:lead_sentences] for t in s]
    sentence_cues = np.array([_cue_counts(s) for s in sentence_stems]).reshape(-1, N_CUES)
    sentences = [frozenset(t for t in s if t not in STOP) for s in sentence_stems]
    sentences_with: dict[str, int] = {}
    for k, sentence in enumerate(sentences):
        bit = 1 << k
        for t in sentence:
            sentences_with[t] = sentences_with.get(t, 0) | bit
    return Text(
        stems=stems,
        content=content,
        content_set=frozenset(content),
        counts=Counter(content) if ngrams else Counter(),
        bigrams=_bigrams(content) if ngrams else frozenset(),
        chars=_char_ngrams(text) if ngrams else frozenset(),
        cues=sentence_cues.sum(axis=0),
        lead_set=frozenset(t for t in lead if t not in STOP),
        lead_cues=sentence_cues[:lead_sentences].sum(axis=0),
        sentences=sentences,
        sentences_with=sentences_with,
        sentence_cues=sentence_cues,
        question=float("?" in text),
        joined=" ".join(stems),
        lead_joined=" ".join(lead),
        sentence_joined=[" ".join(s) for s in sentence_stems],
    )


ANALYSIS_MEMO_SIZE = 1024
"""Full text analyses the process keeps for :func:`analysed` (references to what the transformers' own
caches hold, so it costs little memory)."""

ANALYSES: OrderedDict[tuple[str, int], Text] = OrderedDict()


def analysed(text: str, lead_sentences: int, *, ngrams: bool = True) -> Text:
    """:func:`analyse` through a small process-wide memo of full analyses, so that the transformers of one
    model reading the same texts in one batch (:class:`~claimbench.text.stance.features.PairFeatures`, then
    :class:`~claimbench.text.stance.cues.PairCues`) analyse each text once. ``ngrams=False``: the caller reads
    no n-gram field, so a full analysis serves it and a fresh one is made light and not kept."""
    key = (text, lead_sentences)
    doc = ANALYSES.get(key)
    if doc is not None:
        with contextlib.suppress(KeyError):  # dropped by another thread meanwhile
            ANALYSES.move_to_end(key)
        return doc
    doc = analyse(text, lead_sentences, ngrams=ngrams)
    if ngrams:
        ANALYSES[key] = doc
        while len(ANALYSES) > ANALYSIS_MEMO_SIZE:
            ANALYSES.popitem(last=False)
    return doc
