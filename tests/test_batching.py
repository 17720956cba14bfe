"""Tests of claimbench.text.stance.batching: pair input, distinct texts, the per-text cache, row stacking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_stacked_rows_are_scipys_vstack() -> None:
    import scipy.sparse as sp

    from claimbench.text.stance.batching import cut_rows, stack_rows

    dense = np.random.default_rng(0).random((30, 40)).astype(np.float32)
    dense[dense < 0.8] = 0.0
    dense[5] = 0.0  # an empty row
    matrix = sp.csr_matrix(dense)
    spans = [(3, 4), (5, 6), (3, 4), (29, 30), (7, 12), (0, 0), (20, 30)]
    blocks = [cut_rows(matrix, [lo, hi])[0] for lo, hi in spans]
    assert [b.n_rows for b in blocks] == [hi - lo for lo, hi in spans]
    got, want = stack_rows(blocks), sp.vstack([matrix[lo:hi] for lo, hi in spans], format="csr")
    assert got.shape == want.shape
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(got, part), getattr(want, part))
    np.testing.assert_array_equal(stack_rows(cut_rows(matrix, range(31))).toarray(), dense)


def test_cut_rows_copy_and_stacking_checks_widths() -> None:
    import scipy.sparse as sp

    from claimbench.text.stance.batching import cut_rows, stack_rows

    matrix = sp.csr_matrix(np.eye(4, dtype=np.float32))
    (row,) = cut_rows(matrix, [1, 2])
    matrix.data[:] = 7.0  # a cached row must not see later changes to (or pin) its batch's matrix
    assert row.data.tolist() == [1.0]
    (other,) = cut_rows(sp.csr_matrix(np.eye(3, dtype=np.float32)), [0, 1])
    with pytest.raises(ValueError, match="different widths"):
        stack_rows([row, other])
    with pytest.raises(ValueError, match="at least one"):
        stack_rows([])


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
