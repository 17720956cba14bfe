"""Tests of claimbench.text.stance.analysis: one analysis per text, with or without n-grams."""

from __future__ import annotations

import numpy as np

from claimbench.text.stance.analysis import ANALYSES, analysed


def test_analysis_without_ngrams_differs_only_in_the_ngram_fields() -> None:
    from dataclasses import fields

    from claimbench.text.stance.analysis import analyse

    text = "Officials deny the report. It was not a hoax, they said? Others claim it is true."
    full, light = analyse(text, 2), analyse(text, 2, ngrams=False)
    skipped = {"counts", "bigrams", "chars"}
    for f in fields(full):
        a, b = getattr(full, f.name), getattr(light, f.name)
        if f.name in skipped:
            assert not b
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, f.name


def test_the_memo_returns_the_same_analysis_and_keeps_only_full_ones() -> None:
    text = "Officials deny the report."
    ANALYSES.clear()
    first = analysed(text, 2)
    assert analysed(text, 2) is first
    assert (text, 2) in ANALYSES
    light = analysed("Another text entirely.", 2, ngrams=False)
    assert not light.counts
    assert ("Another text entirely.", 2) not in ANALYSES
