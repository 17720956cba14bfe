"""Tests of ``claimbench.text.stance.batching``'s batch helpers: the sentence overlaps every FNC-1 pair
transformer reads, and the guarantee that the features do not move with the process's string hashing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.text.stance.analysis import analyse
from claimbench.text.stance.batching import sentence_overlap

REPO = Path(__file__).resolve().parents[1]

_WORDS = st.sampled_from(
    ["police", "hoax", "deny", "spider", "bali", "found", "man", "photo", "fake", "said", "not"]
)
_SENTENCE = st.lists(_WORDS, max_size=6).map(" ".join)
_TEXT = st.lists(_SENTENCE, max_size=4).map(lambda s: ". ".join(s) + ("." if s else ""))


def _naive(
    heads: list[frozenset[str]], first: list[int], bodies: list[list[frozenset[str]]], second: list[int]
) -> list[list[int]]:
    return [[len(heads[h] & s) for s in bodies[b]] for h, b in zip(first, second, strict=True)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_TEXT, min_size=1, max_size=4),
    st.lists(_TEXT, min_size=1, max_size=4),
    st.data(),
)
def test_sentence_overlap_counts_like_set_intersections(
    heads: list[str], bodies: list[str], data: st.DataObject
) -> None:
    h_docs = [analyse(t, 1) for t in heads]
    b_docs = [analyse(t, 3) for t in bodies]
    n = data.draw(st.integers(0, 8))
    first = data.draw(st.lists(st.integers(0, len(heads) - 1), min_size=n, max_size=n))
    second = data.draw(st.lists(st.integers(0, len(bodies) - 1), min_size=n, max_size=n))
    terms = [h.content_set for h in h_docs]
    overlap = sentence_overlap(
        terms, np.asarray(first, dtype=np.intp), b_docs, np.asarray(second, dtype=np.intp)
    )
    expected = _naive(terms, first, [b.sentences for b in b_docs], second)
    assert [
        overlap.counts[a:b].tolist() for a, b in zip(overlap.starts[:-1], overlap.starts[1:], strict=True)
    ] == expected
    assert overlap.pair.tolist() == [p for p, row in enumerate(expected) for _ in row]
    sizes = [max(len(terms[h]), 1) for h in first]
    assert overlap.shares.tolist() == [c / n for row, n in zip(expected, sizes, strict=True) for c in row]
    assert overlap.sentence.tolist() == [k for row in expected for k in range(len(row))]
    n_sent = [len(b.sentences) for b in b_docs]
    body_start = np.concatenate([[0], np.cumsum(n_sent)])
    assert overlap.rows.tolist() == [body_start[b] + k for b in second for k in range(n_sent[b])]
    # top(k): a stable sort by count, descending, of the sentences sharing anything, k per pair at most
    for k in (1, 3):
        chosen = overlap.top(k)
        picked = [
            [int(overlap.sentence[j]) for j in chosen if overlap.pair[j] == p] for p in range(len(expected))
        ]
        want = [
            sorted((s for s, c in enumerate(row) if c), key=lambda s, row=row: -row[s])[:k]
            for row in expected
        ]
        assert picked == want
    assert overlap.segment_sum(overlap.counts).tolist() == [sum(row) for row in expected]


def test_sentence_overlap_of_no_pairs_is_empty() -> None:
    body = analyse("One sentence. Two sentences.", 3)
    overlap = sentence_overlap(
        [frozenset({"one"})], np.zeros(0, dtype=np.intp), [body], np.zeros(0, dtype=np.intp)
    )
    assert overlap.counts.tolist() == []
    assert overlap.starts.tolist() == [0]
    assert overlap.top(3).tolist() == []
    assert overlap.segment_sum(overlap.counts).tolist() == []


_FEATURES_SCRIPT = """
import hashlib, sys
import numpy as np
from claimbench.text.stance.corpus import attach_bodies, read_fnc1
from claimbench.text.stance.contrast import SentenceContrast
from claimbench.text.stance.cues import PairCues
from claimbench.text.stance.features import PairFeatures
from claimbench.text.stance.batching import make_pairs
bodies, stances = read_fnc1(sys.argv[1] + "/train_bodies.csv", sys.argv[1] + "/train_stances.csv")
pairs = make_pairs(*attach_bodies(bodies, stances))
digest = hashlib.sha256()
for t in (PairFeatures(svd_components=5), PairCues(topics=4, random_state=0), SentenceContrast()):
    digest.update(np.ascontiguousarray(t.fit(pairs).transform(pairs)).tobytes())
print(digest.hexdigest())
"""


def test_features_do_not_depend_on_the_string_hash_seed() -> None:
    """Sets iterate in an order set by the process's string hashes (``PYTHONHASHSEED``); a feature summed
    over a set in that order moved in its last bit from one process to the next (a tree split can turn on
    it)."""
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "toolkit")}
        done = subprocess.run(
            [sys.executable, "-c", _FEATURES_SCRIPT, str(REPO / "tests" / "data" / "fnc1_sample")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        digests.append(done.stdout.strip())
    assert digests[0] == digests[1]
