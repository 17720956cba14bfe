"""Features of two short texts (claim against claim) that carry agreement or contradiction.

Each pair ``(a, b)`` asks: what is ``b``'s stance towards ``a``? Families, each a block of columns that
:class:`ClaimPairFeatures` can leave out (``families``) so their worth can be measured on development data:

``overlap``
    Lexical overlap and alignment: how much of each text the other covers (word stems, content words,
    bigrams), lengths, and how many of ``b``'s words are not aligned to ``a``.
``negation``
    Negation cues (not, no, never, denies, …) in each text, whether only one side negates, and whether a
    negation in ``b`` stands within three words of a word the two texts share (its scope covers them).
``antonymy``
    Opposite outcomes: pairs from :data:`OPPOSITES` (repelled / regained, denies / confirms, hoax / real,
    …) with one word in each text, and refutation cues in ``b`` (hoax, debunked, fake, false, …).
``numbers``
    Numbers in each text, numbers of ``b`` that ``a`` does not have, and whether both state numbers but
    share none.
``hedging``
    Hedging and attribution cues (said, claimed, reportedly, may, could, rumour, …) and question marks.
``lexical``
    Hashed sparse terms: ``b``'s words, ``b``'s words not aligned to ``a``, and cross pairs of unaligned
    words (a word of ``a`` with a word of ``b``), as in the lexicalised NLI classifier of Bowman et al.
    (2015). Hashing keeps the fitted model small: it has no vocabulary to store.

The lexicon is hand-written (no lexical resource installs from the package registries with its data for
offline use; NLTK's WordNet data is a separate download) and listed here in full.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

FAMILIES: tuple[str, ...] = ("overlap", "negation", "antonymy", "numbers", "hedging", "lexical")
"""Every feature family, in column order."""

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _words(text: str) -> list[str]:
    """A word list written as one string."""
    return text.split()


STOPWORDS: frozenset[str] = frozenset(
    _words(
        "a an the of to in on at for by with from and or but as is are was were be been being it its "
        "this that these those there their they them he she his her him we our you your i my me has "
        "have had do does did "
        "will would shall should can about into over after before than then so such up out if also just"
    )
)

NEGATIONS: frozenset[str] = frozenset(
    _words(
        "not no never none nobody nothing nowhere neither nor without cannot can't don't doesn't "
        "didn't isn't aren't wasn't weren't won't wouldn't shouldn't couldn't hasn't haven't hadn't "
        "n't deny denies denied "
        "denying refuse refuses refused reject rejects rejected fail fails failed lack lacks"
    )
)

REFUTATIONS: frozenset[str] = frozenset(
    _words(
        "hoax hoaxes fake fakes faked false falsely debunk debunks debunked myth myths untrue lie lies lied "
        "bogus fabricated fabrication satire satirical rumour rumours rumor rumors prank scam doctored "
        "photoshopped misleading wrong dismiss dismisses dismissed retract retracts retracted"
    )
)

HEDGES: frozenset[str] = frozenset(
    _words(
        "may might could possibly perhaps reportedly allegedly apparently reported claims claimed claim "
        "says said say according suggests suggest suggested rumoured rumored purportedly supposedly "
        "believed thought unconfirmed unverified appears seems likely probably sources source report "
        "reports told announced stated insists insisted"
    )
)

OPPOSITES: tuple[tuple[str, str], ...] = (
    ("repelled", "regained"),
    ("repelled", "captured"),
    ("repelled", "advanced"),
    ("repelled", "reclaimed"),
    ("repelled", "retook"),
    ("repelled", "liberated"),
    ("repelled", "cleared"),
    ("repelled", "took"),
    ("retreat", "advance"),
    ("retreated", "advanced"),
    ("lost", "won"),
    ("lose", "win"),
    ("loss", "victory"),
    ("defeat", "victory"),
    ("defeated", "won"),
    ("fail", "succeed"),
    ("failed", "succeeded"),
    ("deny", "confirm"),
    ("denies", "confirms"),
    ("denied", "confirmed"),
    ("false", "true"),
    ("hoax", "real"),
    ("fake", "real"),
    ("fake", "genuine"),
    ("myth", "fact"),
    ("rumour", "fact"),
    ("alive", "dead"),
    ("live", "die"),
    ("lives", "dies"),
    ("survived", "died"),
    ("survive", "die"),
    ("alive", "killed"),
    ("open", "closed"),
    ("opens", "closes"),
    ("opened", "closed"),
    ("start", "end"),
    ("begin", "end"),
    ("began", "ended"),
    ("rise", "fall"),
    ("rises", "falls"),
    ("rose", "fell"),
    ("increase", "decrease"),
    ("increased", "decreased"),
    ("up", "down"),
    ("more", "less"),
    ("more", "fewer"),
    ("many", "few"),
    ("most", "least"),
    ("all", "none"),
    ("always", "never"),
    ("everyone", "nobody"),
    ("everything", "nothing"),
    ("some", "none"),
    ("accept", "reject"),
    ("accepted", "rejected"),
    ("allow", "ban"),
    ("allowed", "banned"),
    ("allow", "forbid"),
    ("legal", "illegal"),
    ("guilty", "innocent"),
    ("arrested", "released"),
    ("captured", "escaped"),
    ("captured", "freed"),
    ("join", "leave"),
    ("joined", "left"),
    ("arrive", "leave"),
    ("arrived", "left"),
    ("enter", "exit"),
    ("inside", "outside"),
    ("in", "out"),
    ("on", "off"),
    ("yes", "no"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("safe", "dangerous"),
    ("healthy", "harmful"),
    ("benefit", "harm"),
    ("benefits", "harms"),
    ("help", "hurt"),
    ("helps", "hurts"),
    ("support", "oppose"),
    ("supports", "opposes"),
    ("supported", "opposed"),
    ("pro", "anti"),
    ("for", "against"),
    ("agree", "disagree"),
    ("agrees", "disagrees"),
    ("right", "wrong"),
    ("correct", "incorrect"),
    ("possible", "impossible"),
    ("able", "unable"),
    ("likely", "unlikely"),
    ("necessary", "unnecessary"),
    ("fair", "unfair"),
    ("just", "unjust"),
    ("moral", "immoral"),
    ("ethical", "unethical"),
    ("effective", "ineffective"),
    ("efficient", "inefficient"),
    ("rich", "poor"),
    ("wealthy", "poor"),
    ("strong", "weak"),
    ("high", "low"),
    ("higher", "lower"),
    ("large", "small"),
    ("big", "small"),
    ("bigger", "smaller"),
    ("long", "short"),
    ("old", "young"),
    ("older", "younger"),
    ("new", "old"),
    ("early", "late"),
    ("before", "after"),
    ("first", "last"),
    ("man", "woman"),
    ("men", "women"),
    ("boy", "girl"),
    ("boys", "girls"),
    ("male", "female"),
    ("husband", "wife"),
    ("father", "mother"),
    ("sitting", "standing"),
    ("sits", "stands"),
    ("sleeping", "awake"),
    ("sleeping", "running"),
    ("sleeps", "runs"),
    ("asleep", "awake"),
    ("day", "night"),
    ("indoors", "outdoors"),
    ("inside", "outdoors"),
    ("empty", "full"),
    ("wet", "dry"),
    ("hot", "cold"),
    ("black", "white"),
    ("happy", "sad"),
    ("laughing", "crying"),
    ("smiling", "frowning"),
    ("fast", "slow"),
    ("quickly", "slowly"),
    ("together", "alone"),
    ("win", "lose"),
    ("wins", "loses"),
    ("winning", "losing"),
    ("buy", "sell"),
    ("bought", "sold"),
    ("give", "take"),
    ("push", "pull"),
    ("add", "remove"),
    ("create", "destroy"),
    ("build", "destroy"),
    ("built", "destroyed"),
    ("peace", "war"),
    ("ceasefire", "fighting"),
    ("safe", "killed"),
    ("rescued", "killed"),
    ("increase", "reduce"),
    ("increases", "reduces"),
    ("raise", "lower"),
    ("encourage", "discourage"),
    ("encourages", "discourages"),
    ("protect", "threaten"),
    ("protects", "threatens"),
    ("public", "private"),
    ("mandatory", "voluntary"),
    ("compulsory", "voluntary"),
    ("compulsory", "optional"),
    ("required", "optional"),
    ("should", "shouldn't"),
)
"""Hand-written opposite pairs (antonyms and opposite outcomes); matched on lower-cased words, either way."""

_OPPOSITE_OF: dict[str, frozenset[str]] = {
    word: frozenset({b for a, b in OPPOSITES if a == word} | {a for a, b in OPPOSITES if b == word})
    for pair in OPPOSITES
    for word in pair
}


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens (``n't`` split off as a negation)."""
    lowered = text.lower().replace("n't", " n't").replace("’", "'")
    return _TOKEN.findall(lowered) + ["n't"] * lowered.count(" n't")


def stem(word: str) -> str:
    """A crude stem for alignment: the first six letters (``regained``/``regain``, ``village(s)``)."""
    return word[:6]


@dataclass(frozen=True, slots=True)
class _Side:
    words: list[str]
    word_stems: list[str]
    stems: set[str]
    content: set[str]
    bigrams: set[tuple[str, str]]
    numbers: set[str]

    @classmethod
    def of(cls, text: str) -> _Side:
        words = tokens(text)
        stems = [w[:6] for w in words]  # stem(), inlined: this runs for every text
        skip = STOPWORDS | NEGATIONS
        return cls(
            words,
            stems,
            set(stems),
            {s for w, s in zip(words, stems, strict=True) if w not in skip},
            set(itertools.pairwise(stems)),
            {n.replace(",", "") for n in _NUMBER.findall(text)},
        )


def _cover(part: set[str] | set[tuple[str, str]], whole: set[str] | set[tuple[str, str]]) -> float:
    return len(part & whole) / len(part) if part else 1.0


def _overlap(a: _Side, b: _Side) -> list[float]:
    union = a.stems | b.stems
    unaligned = sum(
        1 for w, s in zip(b.words, b.word_stems, strict=True) if s not in a.stems and w not in STOPWORDS
    )
    return [
        len(a.stems & b.stems) / len(union) if union else 0.0,
        _cover(b.stems, a.stems),
        _cover(a.stems, b.stems),
        _cover(b.content, a.content),
        _cover(a.content, b.content),
        _cover(b.bigrams, a.bigrams),
        math.log1p(len(a.words)),
        math.log1p(len(b.words)),
        math.log1p(unaligned),
        float(unaligned == 0),
    ]


def _negated(side: _Side) -> list[int]:
    return [i for i, w in enumerate(side.words) if w in NEGATIONS]


def _negation(a: _Side, b: _Side) -> list[float]:
    na, nb = _negated(a), _negated(b)
    shared = a.stems & b.stems
    scoped = any(
        stem(w) in shared and w not in STOPWORDS
        for i in nb
        for w in b.words[max(0, i - 3) : i + 4]
        if w not in NEGATIONS
    )
    return [
        float(len(na)),
        float(len(nb)),
        float(bool(na) != bool(nb)),
        float(bool(nb) and not na),
        float(bool(na) and not nb),
        float(scoped and not na),
    ]


def _opposites(a: _Side, b: _Side) -> int:
    wa, wb = set(a.words), set(b.words)
    return sum(
        len({y for y in _OPPOSITE_OF[x] & wb if y not in wa}) for x in wa if x in _OPPOSITE_OF and x not in wb
    )


def _antonymy(a: _Side, b: _Side) -> list[float]:
    found = _opposites(a, b)
    refute_b = sum(1 for w in b.words if w in REFUTATIONS)
    refute_a = sum(1 for w in a.words if w in REFUTATIONS)
    return [float(found), float(found > 0), float(refute_b), float(refute_b > 0 and refute_a == 0)]


def _numbers(a: _Side, b: _Side) -> list[float]:
    new = b.numbers - a.numbers
    both = bool(a.numbers) and bool(b.numbers)
    return [
        float(bool(a.numbers)),
        float(bool(b.numbers)),
        float(len(new)),
        float(both and not (a.numbers & b.numbers)),
        float(bool(a.numbers & b.numbers)),
    ]


def _hedging(a: _Side, b: _Side, text_a: str, text_b: str) -> list[float]:
    hb = sum(1 for w in b.words if w in HEDGES)
    ha = sum(1 for w in a.words if w in HEDGES)
    return [float(hb), float(ha), float(hb > 0 and ha == 0), float("?" in text_b), float("?" in text_a)]


_DENSE = {"overlap": 10, "negation": 6, "antonymy": 4, "numbers": 5, "hedging": 5}


def _lexical_terms(a: _Side, b: _Side, cross_limit: int) -> list[str]:
    """Terms for the hashing vectoriser: b's words, b's unaligned words, unaligned cross pairs."""
    terms = [f"h:{w}" for w in b.words]
    un_b = [w for w in dict.fromkeys(b.words) if w[:6] not in a.stems and w not in STOPWORDS]
    un_a = [w for w in dict.fromkeys(a.words) if w[:6] not in b.stems and w not in STOPWORDS]
    terms += [f"u:{w}" for w in un_b]
    terms += [f"x:{x}|{y}" for x in un_a[:cross_limit] for y in un_b[:cross_limit]]
    neg_b = any(w in NEGATIONS for w in b.words)
    if neg_b:
        terms += [f"n:{w}" for w in b.words if w not in NEGATIONS and w not in STOPWORDS]
    return terms


def _identity(terms: list[str]) -> list[str]:
    return terms


class ClaimPairFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Dense cue features plus hashed lexical terms of ``(a, b)`` text pairs, as one sparse matrix.

    ``families``: which of :data:`FAMILIES` to compute (all by default). Dense columns are scaled by
    their training maxima so that one regularisation strength fits both blocks. ``hash_features``: width
    of the hashed block; ``cross_limit``: unaligned words per side in the cross pairs.
    """

    def __init__(
        self, families: Sequence[str] = FAMILIES, hash_features: int = 2**17, cross_limit: int = 6
    ) -> None:
        self.families = families
        self.hash_features = hash_features
        self.cross_limit = cross_limit

    def _hasher(self) -> HashingVectorizer:
        return HashingVectorizer(
            n_features=self.hash_features,
            analyzer=_identity,
            alternate_sign=False,
            norm="l2",
        )

    def _dense(self, pairs: Sequence[tuple[str, str]]) -> tuple[NDArray[np.float64], list[list[str]]]:
        fams = [f for f in FAMILIES if f in self.families and f != "lexical"]
        width = sum(_DENSE[f] for f in fams)
        out = np.zeros((len(pairs), width))
        terms: list[list[str]] = []
        lexical = "lexical" in self.families
        sides: dict[str, _Side] = {}  # claims repeat across pairs (one claim, many headlines): analyse once
        for i, (text_a, text_b) in enumerate(pairs):
            a = sides.get(text_a) or sides.setdefault(text_a, _Side.of(text_a))
            b = sides.get(text_b) or sides.setdefault(text_b, _Side.of(text_b))
            row: list[float] = []
            for fam in fams:
                if fam == "overlap":
                    row += _overlap(a, b)
                elif fam == "negation":
                    row += _negation(a, b)
                elif fam == "antonymy":
                    row += _antonymy(a, b)
                elif fam == "numbers":
                    row += _numbers(a, b)
                else:
                    row += _hedging(a, b, text_a, text_b)
            out[i] = row
            if lexical:
                terms.append(_lexical_terms(a, b, self.cross_limit))
        return out, terms

    def fit(self, pairs: Sequence[tuple[str, str]], y: object = None) -> Self:
        """Learn the dense columns' scale (their maxima on ``pairs``)."""
        unknown = sorted(set(self.families) - set(FAMILIES))
        if unknown:
            raise ValueError(f"unknown feature families {unknown}; known: {', '.join(FAMILIES)}")
        dense, _ = self._dense(pairs)
        peak = np.abs(dense).max(axis=0) if len(dense) else np.ones(dense.shape[1])
        self.scale_ = np.where(peak > 0, peak, 1.0)
        return self

    def transform(self, pairs: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        """One row per pair: scaled dense columns, then the hashed block (when ``lexical`` is on)."""
        dense, terms = self._dense(pairs)
        blocks = [sp.csr_matrix(dense / self.scale_)]
        if "lexical" in self.families:
            blocks.append(self._hasher().transform(terms))
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))


def pair_list(first: Iterable[str], second: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs from two parallel sequences of texts (lengths must match)."""
    return [(str(a), str(b)) for a, b in zip(first, second, strict=True)]
