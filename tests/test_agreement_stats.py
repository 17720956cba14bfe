"""The agreement coefficients (claimbench.data.agreement_stats) against hand computation and published
figures, their properties, and the seeded bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.data.agreement_stats import (
    Pair,
    cohen_kappa,
    field_agreement,
    interval_alpha,
    krippendorff_alpha,
    nominal_statistics,
    observed_agreement,
    positive_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
# University of Pennsylvania, section C onwards: 4 observers, 12 units, missing values as None. The paper
# gives alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011(level: str, published: float) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert alpha is not None
    assert round(alpha, 3) == published


def test_hand_computed_two_coder_case() -> None:
    # A: a a b b; B: a b b b. p_o = 3/4; p_e = (2/4)(1/4) + (2/4)(3/4) = 1/2; kappa = (3/4 - 1/2)/(1/2) = 1/2.
    # Coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4; N = 8, n_a = 3, n_b = 5;
    # alpha = 1 - (N - 1)(o_ab + o_ba) / (N² - n_a² - n_b²) = 1 - 7·2 / (64 - 9 - 25) = 1 - 14/30 = 8/15.
    a, b = ["a", "a", "b", "b"], ["a", "b", "b", "b"]
    assert observed_agreement(a, b) == 0.75
    assert cohen_kappa(a, b) == pytest.approx(0.5)
    assert krippendorff_alpha([a, b]) == pytest.approx(8 / 15)
    f = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(zip(a, b, strict=True))])
    assert f.confusion == ((1, 1), (0, 2))
    assert [(p.a, p.b) for p in f.disagreements] == [("a", "b")]
    stats = nominal_statistics(np.array(f.confusion, dtype=float))
    assert stats["kappa"] == pytest.approx(0.5)
    assert stats["alpha_nominal"] == pytest.approx(8 / 15)


def test_interval_alpha_hand_case() -> None:
    # x = (1, 2, 3), y = (1, 2, 4): D_o sum = 2·1 = 2; values 1,2,3,1,2,4 (N = 6, Σv = 13, Σv² = 35):
    # Σ_{i≠j}(v_i - v_j)² = 2·6·35 - 2·13² = 82; alpha = 1 - 5·2/82 = 1 - 10/82.
    x, y = [1.0, 2.0, 3.0], [1.0, 2.0, 4.0]
    assert krippendorff_alpha([x, y], "interval") == pytest.approx(1 - 10 / 82)
    assert float(interval_alpha(np.array(x), np.array(y))) == pytest.approx(1 - 10 / 82)


def test_undefined_coefficients_are_none() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert krippendorff_alpha([["a", None], [None, "b"]]) is None  # no unit coded twice
    assert positive_agreement([False], [False]) is None
    with pytest.raises(ValueError, match="paired"):
        cohen_kappa(["a"], ["a", "b"])


labels = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(labels)
def test_closed_forms_equal_the_libraries(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    f = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(pairs)], resamples=0)
    stats = nominal_statistics(np.array(f.confusion, dtype=float))
    for name, value in (("kappa", cohen_kappa(a, b)), ("alpha_nominal", krippendorff_alpha([a, b]))):
        if value is None:
            assert math.isnan(float(stats[name]))
        else:
            assert float(stats[name]) == pytest.approx(value, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=2, max_size=30))
def test_interval_closed_form_equals_the_library(pairs: list[tuple[int, int]]) -> None:
    x = [float(p) for p, _ in pairs]
    y = [float(q) for _, q in pairs]
    value = krippendorff_alpha([x, y], "interval")
    mine = float(interval_alpha(np.array(x), np.array(y)))
    if value is None:
        assert math.isnan(mine)
    else:
        assert mine == pytest.approx(value, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(labels)
def test_properties(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    kappa = cohen_kappa(a, b)
    assert kappa == pytest.approx(cohen_kappa(b, a), abs=1e-12)  # symmetric (up to rounding)
    assert krippendorff_alpha([a, b]) == pytest.approx(krippendorff_alpha([b, a]), abs=1e-12)
    observed = observed_agreement(a, b)
    assert observed is not None
    assert 0 <= observed <= 1
    if kappa is not None:
        assert kappa <= 1 + 1e-12
    if len(set(a)) >= 2:  # identical annotations agree perfectly
        assert krippendorff_alpha([a, a]) == pytest.approx(1.0)
        assert cohen_kappa(a, a) == pytest.approx(1.0)
    f_ab = field_agreement("x", [Pair(str(i), x, y) for i, (x, y) in enumerate(pairs)], resamples=0)
    f_ba = field_agreement("x", [Pair(str(i), y, x) for i, (x, y) in enumerate(pairs)], resamples=0)
    assert f_ab.labels == f_ba.labels
    assert f_ab.confusion == tuple(zip(*f_ba.confusion, strict=True))  # swapping transposes the matrix
    assert len(f_ab.disagreements) == round((1 - observed) * len(pairs))


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(3)
    a = [str(x) for x in rng.integers(0, 3, 60)]
    b = [x if rng.random() < 0.7 else str(rng.integers(0, 3)) for x in a]
    pairs = [Pair(str(i), x, y) for i, (x, y) in enumerate(zip(a, b, strict=True))]
    one = field_agreement("x", pairs, seed=1, resamples=500)
    assert one.intervals == field_agreement("x", pairs, seed=1, resamples=500).intervals
    assert one.intervals != field_agreement("x", pairs, seed=2, resamples=500).intervals
    for key in ("observed", "kappa", "alpha_nominal"):
        lo, hi = one.intervals[key] or (math.nan, math.nan)
        assert lo < getattr(one, key) < hi
