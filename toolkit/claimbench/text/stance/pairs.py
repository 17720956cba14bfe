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
``similarity``
    Soft alignment through word vectors learned at fitting time (:mod:`.vectors`: PPMI co-occurrence
    counts and a truncated SVD over the training texts and any extra ``corpus`` texts given to
    :meth:`ClaimPairFeatures.fit`): for each content word of ``b`` its best cosine to a word of ``a``
    (mean, minimum, share below 0.3 and 0.5), the same from ``a`` to ``b``, and the cosine of the two
    texts' mean vectors. Paraphrases share few exact words; this family sees them.
``lexical``
    Hashed sparse terms: ``b``'s words (and, with ``bigrams``, its word bigrams: its own phrasing),
    ``b``'s words not aligned to ``a``, and cross pairs of unaligned words (a word of ``a`` with a word
    of ``b``), as in the lexicalised NLI classifier of Bowman et al. (2015). Hashing keeps the fitted
    model small: it has no vocabulary to store.

The lexicon is hand-written (no lexical resource installs from the package registries with antonym data
for offline use: ``wn`` and NLTK's WordNet download their data, ``wordnet-lookup`` has no relations) and
listed here in full.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from .vectors import WordVectors, best_alignment, learn_vectors, similarity_block

FAMILIES: tuple[str, ...] = (
    "overlap",
    "negation",
    "antonymy",
    "numbers",
    "hedging",
    "similarity",
    "lexical",
)
"""Every feature family, in column order."""

DEFAULT_FAMILIES: tuple[str, ...] = tuple(f for f in FAMILIES if f != "similarity")
"""The families :class:`~claimbench.text.stance.claim_model.ClaimStanceModel` uses unless told otherwise
(the shipped model's): ``similarity`` was measured (benchmarks/RESULTS.md) and did not help on the dev
parts."""

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


_SKIP = STOPWORDS | NEGATIONS
_OPPOSITE_WORDS = frozenset(_OPPOSITE_OF)


def content_words(text: str) -> list[str]:
    """Lower-cased tokens of ``text`` without stop words and negations, in order (what gets a vector)."""
    return [w for w in tokens(text) if w not in _SKIP]


class _Side:
    """What the features need of one text, computed once per distinct text (a claim meets many others)."""

    __slots__ = (
        "bigrams",
        "content",
        "hedges",
        "negated",
        "nonstop",
        "numbers",
        "opposite",
        "question",
        "refutations",
        "stems",
        "unique",
        "words",
        "wordset",
    )

    def __init__(self, text: str) -> None:
        words = tokens(text)
        stems = [w[:6] for w in words]  # stem(), inlined: this runs for every text
        self.words = words
        self.stems = set(stems)
        self.wordset = set(words)
        self.bigrams = set(itertools.pairwise(stems))
        self.numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
        # non-stop-words (with repeats) and distinct non-stop-words, each with its stem
        nonstop = [(w, s) for w, s in zip(words, stems, strict=True) if w not in STOPWORDS]
        self.nonstop = nonstop
        self.unique = list(dict.fromkeys(nonstop))
        self.content = {s for w, s in nonstop if w not in NEGATIONS}
        self.negated = [i for i, w in enumerate(words) if w in NEGATIONS]
        self.opposite = self.wordset & _OPPOSITE_WORDS
        self.refutations = len([w for w in words if w in REFUTATIONS])
        self.hedges = len([w for w in words if w in HEDGES])
        self.question = "?" in text


def _cover(common: int, part: int) -> float:
    return common / part if part else 1.0


_DENSE = {"overlap": 10, "negation": 6, "antonymy": 4, "numbers": 5, "hedging": 5}
_DENSE_FAMILIES = tuple(_DENSE)


def _dense_row(a: _Side, b: _Side) -> list[float]:
    """Every dense column of the pair, in :data:`FAMILIES` order (a subset is selected afterwards)."""
    a_stems, b_stems = a.stems, b.stems
    shared = a_stems & b_stems
    n_shared = len(shared)
    union = len(a_stems) + len(b_stems) - n_shared
    n_content = len(a.content & b.content)
    unaligned = len([s for _, s in b.nonstop if s not in a_stems])
    na, nb = a.negated, b.negated
    scoped = False
    if nb and not na:
        words = b.words
        scoped = any(w[:6] in shared and w not in _SKIP for i in nb for w in words[max(0, i - 3) : i + 4])
    found = 0
    if a.opposite and b.opposite:
        wa, wb = a.wordset, b.wordset
        found = sum(
            len([y for y in _OPPOSITE_OF[x] & b.opposite if y not in wa]) for x in a.opposite if x not in wb
        )
    an, bn = a.numbers, b.numbers
    common_numbers = bool(an & bn) if an and bn else False
    return [
        # overlap
        n_shared / union if union else 0.0,
        _cover(n_shared, len(b_stems)),
        _cover(n_shared, len(a_stems)),
        _cover(n_content, len(b.content)),
        _cover(n_content, len(a.content)),
        _cover(len(b.bigrams & a.bigrams), len(b.bigrams)),
        math.log1p(len(a.words)),
        math.log1p(len(b.words)),
        math.log1p(unaligned),
        float(unaligned == 0),
        # negation
        float(len(na)),
        float(len(nb)),
        float(bool(na) != bool(nb)),
        float(bool(nb) and not na),
        float(bool(na) and not nb),
        float(scoped),
        # antonymy
        float(found),
        float(found > 0),
        float(b.refutations),
        float(b.refutations > 0 and a.refutations == 0),
        # numbers
        float(bool(an)),
        float(bool(bn)),
        float(len(bn - an)),
        float(bool(an) and bool(bn) and not common_numbers),
        float(common_numbers),
        # hedging
        float(b.hedges),
        float(a.hedges),
        float(b.hedges > 0 and a.hedges == 0),
        float(b.question),
        float(a.question),
    ]


def _lexical_terms(
    a: _Side, b: _Side, cross_limit: int, bigrams: bool, cluster_of: dict[str, int] | None = None
) -> list[str]:
    """Terms for the hashed block: b's words (and bigrams), b's unaligned words, unaligned cross pairs,
    and b's content words marked when b negates; with ``cluster_of`` (word -> word-vector cluster),
    also the clusters of b's unaligned words and the cluster pairs of the unaligned cross pairs."""
    words = b.words
    terms = ["h:" + w for w in words]
    if bigrams:
        terms += [f"b:{x}_{y}" for x, y in itertools.pairwise(words)]
    a_stems, b_stems = a.stems, b.stems
    un_b = [w for w, s in b.unique if s not in a_stems]
    un_a = [w for w, s in a.unique if s not in b_stems]
    terms += ["u:" + w for w in un_b]
    if un_a and un_b:
        ys = un_b[:cross_limit]
        terms += [f"x:{x}|{y}" for x in un_a[:cross_limit] for y in ys]
    if cluster_of is not None:
        cb = [cluster_of[w] for w in un_b if w in cluster_of]
        terms += [f"uc:{c}" for c in cb]
        if cb:
            ca = [cluster_of[w] for w in un_a if w in cluster_of][:cross_limit]
            terms += [f"xc:{x}|{y}" for x in ca for y in cb[:cross_limit]]
    if b.negated:
        terms += ["n:" + w for w, _ in b.nonstop if w not in NEGATIONS]
    return terms


def _identity(terms: list[str]) -> list[str]:
    return terms


def _hashed(terms: Sequence[list[str]], width: int) -> sp.csr_matrix:
    """Term counts hashed into ``width`` columns, each row scaled to unit length (sklearn's Cython
    hasher: measured faster than a Python memo of term columns)."""
    hasher = HashingVectorizer(n_features=width, analyzer=_identity, alternate_sign=False, norm="l2")
    return sp.csr_matrix(hasher.transform(terms))


class ClaimPairFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Dense cue features plus hashed lexical terms of ``(a, b)`` text pairs, as one sparse matrix.

    ``families``: which of :data:`FAMILIES` to compute (all by default). Dense columns are scaled by
    their training maxima so that one regularisation strength fits both blocks. ``hash_features``: width
    of the hashed block; ``cross_limit``: unaligned words per side in the cross pairs; ``bigrams``: also
    hash ``b``'s own word bigrams (its phrasing: "denies that", "is a hoax"). ``vector_dim``,
    ``vector_vocab``, ``vector_window``: the ``similarity`` family's word vectors
    (:func:`~.vectors.learn_vectors`); ``weakest``: also give that family the vector of ``b``'s
    worst-aligned word as columns; ``products``: also the elementwise product and absolute difference
    of the two texts' mean vectors; ``clusters``: k-means clusters of the word vectors (0: none) whose
    ids join the hashed block (unaligned words' clusters, cross pairs of clusters); ``dense_weight``:
    every dense column is multiplied by it after scaling (how much they count beside the hashed block);
    ``aligned``: hash each of b's words that a lacks with a's most similar word (word vectors), the
    pair ``a-word|b-word`` of an alignment (and their clusters' pair when there are clusters).
    """

    def __init__(
        self,
        families: Sequence[str] = FAMILIES,
        hash_features: int = 2**17,
        cross_limit: int = 6,
        bigrams: bool = False,
        vector_dim: int = 96,
        vector_vocab: int = 25_000,
        vector_window: int = 4,
        weakest: bool = False,
        products: bool = False,
        clusters: int = 0,
        dense_weight: float = 1.0,
        aligned: bool = False,
    ) -> None:
        self.families = families
        self.hash_features = hash_features
        self.cross_limit = cross_limit
        self.bigrams = bigrams
        self.vector_dim = vector_dim
        self.vector_vocab = vector_vocab
        self.vector_window = vector_window
        self.weakest = weakest
        self.products = products
        self.clusters = clusters
        self.dense_weight = dense_weight
        self.aligned = aligned

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())
        state.pop("_lookup", None)  # a cache of words_/vectors_, rebuilt on first use; not stored
        return state

    def _vectors(self) -> tuple[dict[str, int], NDArray[np.float32], dict[str, int] | None]:
        """(word -> row, the vectors as float32, word -> cluster or None), built once per object."""
        cached: tuple[dict[str, int], NDArray[np.float32], dict[str, int] | None] | None
        cached = self.__dict__.get("_lookup")
        if cached is None:
            index = WordVectors(self.words_, self.vectors_).index()
            clusters = getattr(self, "clusters_", None)
            cluster_of = None if clusters is None else {w: int(clusters[i]) for w, i in index.items()}
            cached = self.__dict__["_lookup"] = (index, self.vectors_.astype(np.float32), cluster_of)
        return cached

    def _columns(self) -> list[int]:
        out: list[int] = []
        start = 0
        for fam in _DENSE_FAMILIES:
            if fam in self.families:
                out += range(start, start + _DENSE[fam])
            start += _DENSE[fam]
        return out

    def _dense(self, pairs: Sequence[tuple[str, str]]) -> tuple[NDArray[np.float64], list[list[str]]]:
        rows: list[list[float]] = []
        terms: list[list[str]] = []
        lexical = "lexical" in self.families
        similarity = "similarity" in self.families
        aligned = lexical and bool(getattr(self, "aligned", False))  # older archives lack the options
        lookup: dict[str, int] = self._vectors()[0] if similarity or aligned else {}
        cluster_of = self._vectors()[2] if lexical and bool(getattr(self, "clusters", 0)) else None
        ids: dict[str, tuple[list[int], list[str]]] = {}
        ids_a: list[list[int]] = []
        ids_b: list[list[int]] = []
        words_ab: list[tuple[list[str], list[str], _Side]] = []
        cross_limit = self.cross_limit
        bigrams = getattr(self, "bigrams", False)  # archives saved before the option existed
        sides: dict[str, _Side] = {}  # claims repeat across pairs (one claim, many headlines): analyse once
        for text_a, text_b in pairs:
            a = sides.get(text_a)
            if a is None:
                a = sides[text_a] = _Side(text_a)
            b = sides.get(text_b)
            if b is None:
                b = sides[text_b] = _Side(text_b)
            rows.append(_dense_row(a, b))
            if lexical:
                terms.append(_lexical_terms(a, b, cross_limit, bigrams, cluster_of))
            if similarity or aligned:
                found = []
                for text, side, out in ((text_a, a, ids_a), (text_b, b, ids_b)):
                    known = ids.get(text)
                    if known is None:
                        seen = [w for w in dict.fromkeys(w for w, _ in side.unique) if w in lookup]
                        known = ids[text] = ([lookup[w] for w in seen if w not in NEGATIONS], seen)
                    out.append(known[0])
                    found.append([w for w in known[1] if w not in NEGATIONS])
                if aligned:
                    words_ab.append((found[0], found[1], a))
        dense = np.asarray(rows, dtype=np.float64).reshape(len(pairs), sum(_DENSE.values()))
        columns = self._columns()
        dense = dense if len(columns) == dense.shape[1] else dense[:, columns]
        table = self._vectors()[1] if similarity or aligned else None
        if similarity and table is not None:
            block = similarity_block(ids_a, ids_b, table, weakest=self.weakest, products=self.products)
            dense = np.hstack([dense, block])
        if aligned and table is not None:
            where, value = best_alignment(ids_a, ids_b, table)
            for i, (wa, wb, side_a) in enumerate(words_ab):
                stems = side_a.stems
                for j, y in enumerate(wb[: where.shape[1]]):
                    if y[:6] not in stems and value[i, j] > 0.2:
                        x = wa[where[i, j]]
                        terms[i].append(f"al:{x}|{y}")
                        if cluster_of is not None:
                            terms[i].append(f"alc:{cluster_of[x]}|{cluster_of[y]}")
        return dense, terms

    def fit(self, pairs: Sequence[tuple[str, str]], y: object = None, corpus: Iterable[str] = ()) -> Self:
        """Learn the dense columns' scale (their maxima on ``pairs``) and, for ``similarity``, the word
        vectors (from the distinct texts of ``pairs`` and of ``corpus``, e.g. unlabelled news text)."""
        unknown = sorted(set(self.families) - set(FAMILIES))
        if unknown:
            raise ValueError(f"unknown feature families {unknown}; known: {', '.join(FAMILIES)}")
        self.__dict__.pop("_lookup", None)
        if "similarity" in self.families or self.clusters or self.aligned:
            texts = dict.fromkeys(itertools.chain(itertools.chain.from_iterable(pairs), corpus))
            learned = learn_vectors(
                (content_words(t) for t in texts),
                dim=self.vector_dim,
                vocab=self.vector_vocab,
                window=self.vector_window,
            )
            self.words_, self.vectors_ = learned.words, learned.vectors
            if self.clusters and len(learned.vectors) > 1:
                from sklearn.cluster import KMeans

                k = min(self.clusters, len(learned.vectors))
                fitted = KMeans(n_clusters=k, n_init=1, random_state=0).fit(
                    learned.vectors.astype(np.float32)
                )
                self.clusters_ = np.asarray(fitted.labels_, dtype=np.int32)
        dense, _ = self._dense(pairs)
        peak = np.abs(dense).max(axis=0) if len(dense) else np.ones(dense.shape[1])
        self.scale_ = np.where(peak > 0, peak, 1.0)
        return self

    def transform(self, pairs: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        """One row per pair: scaled dense columns, then the hashed block (when ``lexical`` is on)."""
        dense, terms = self._dense(pairs)
        weight = getattr(self, "dense_weight", 1.0)  # archives saved before the option existed
        blocks = [sp.csr_matrix(dense / self.scale_ if weight == 1.0 else dense * (weight / self.scale_))]
        if "lexical" in self.families:
            blocks.append(_hashed(terms, self.hash_features))
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))


def pair_list(first: Iterable[str], second: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs from two parallel sequences of texts (lengths must match)."""
    return [(str(a), str(b)) for a, b in zip(first, second, strict=True)]
