"""Tests of claimbench.text.stance.batching: pair input, distinct texts, the per-text cache, row stacking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_stacked_rows_are_scipys_vstack() -> None:
    import scipy.sparse as sp

    from claimbench.text.stance.batching import stack_rows

    dense = np.random.default_rng(0).random((30, 40)).astype(np.float32)
    dense[dense < 0.8] = 0.0
    dense[5] = 0.0  # an empty row
    matrix = sp.csr_matrix(dense)
    blocks = [matrix[i] for i in (3, 5, 3, 29)] + [matrix[7:12], matrix[0:0], matrix[20:30]]
    got, want = stack_rows(blocks), sp.vstack(blocks, format="csr")
    assert got.shape == want.shape
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(got, part), getattr(want, part))


def test_text_cache_is_bounded() -> None:
    from claimbench.text.stance.batching import TextCache

    cache = TextCache(3)
    calls: list[list[str]] = []

    def compute(texts: list[str]) -> list[int]:
        calls.append(texts)
        return [len(t) for t in texts]

    assert cache.many("b", ["a", "bb", "ccc"], compute) == [1, 2, 3]
    assert cache.many("b", ["a", "dddd"], compute) == [1, 4]  # "bb" is the least recently used
    assert calls == [["a", "bb", "ccc"], ["dddd"]]
    cache.many("b", ["bb"], compute)
    assert calls[-1] == ["bb"]


def test_distinct_texts_in_first_seen_order() -> None:
    from claimbench.text.stance.batching import index_unique

    uniq, index = index_unique(["b", "a", "b", "c", "a"])
    assert uniq == ["b", "a", "c"]
    assert index.tolist() == [0, 1, 0, 2, 1]


def test_pairs_from_a_frame_or_a_sequence() -> None:
    from claimbench.text.stance.batching import as_pairs, make_pairs

    frame = pd.DataFrame({"Headline": ["h1", "h2"], "articleBody": ["b1", "b2"]})
    assert as_pairs(frame) == (["h1", "h2"], ["b1", "b2"])
    assert as_pairs(make_pairs(["h1", "h2"], ["b1", "b2"])) == (["h1", "h2"], ["b1", "b2"])
    with pytest.raises(ValueError, match="headline column"):
        as_pairs(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="2 headlines but 1 bodies"):
        make_pairs(["h1", "h2"], ["b1"])
