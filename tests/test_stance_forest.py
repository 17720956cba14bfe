"""Tests of :mod:`claimbench.text.stance._forest`: all trees walked at once give the booster's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier

from claimbench.text.stance import _forest


def _data(n: int, classes: int, seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)) * np.array([1.0, 10.0, 0.01, 1.0, 3.0, 1.0])
    y = (x[:, 0] + x[:, 1] / 10 > 0).astype(np.int64) + (x[:, 3] > 0.5) * (classes > 2)
    if classes > 3:
        y = np.where(x[:, 4] > 3.0, 3, y)
    x[rng.random(x.shape) < 0.08] = np.nan  # missing values go where each split learnt to send them
    return x, y


@pytest.mark.parametrize("classes", [2, 3, 4])
def test_small_batches_equal_the_booster_bit_for_bit(classes: int) -> None:
    x, y = _data(600, classes)
    booster = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0).fit(x, y)
    assert _forest._forest(booster) is not None  # walked here, not handed back
    test, _ = _data(300, classes, seed=1)
    test[:3] = np.inf  # beyond every threshold
    test[3:5] = -np.inf
    for size in (1, 2, 7, 50, _forest.SMALL_BATCH, _forest.SMALL_BATCH + 1, 300):
        rows = test[:size]
        np.testing.assert_array_equal(_forest.predict_proba(booster, rows), booster.predict_proba(rows))


def test_a_booster_with_categorical_splits_is_left_to_scikit_learn() -> None:
    x, y = _data(400, 3)
    x[:, 5] = np.random.default_rng(2).integers(0, 4, size=len(x))
    y = np.where(x[:, 5] == 2, 2, y)
    booster = HistGradientBoostingClassifier(max_iter=10, categorical_features=[5], random_state=0).fit(x, y)
    assert _forest._forest(booster) is None
    np.testing.assert_array_equal(_forest.predict_proba(booster, x[:20]), booster.predict_proba(x[:20]))


def test_unexpected_input_is_left_to_scikit_learn() -> None:
    x, y = _data(200, 3)
    booster = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(x, y)
    with pytest.raises(ValueError, match="features"):  # wrong width: scikit-learn's own error
        _forest.predict_proba(booster, x[:5, :4])
    as_float32 = x[:5].astype(np.float32)
    expected = booster.predict_proba(as_float32)
    np.testing.assert_array_equal(_forest.predict_proba(booster, as_float32), expected)
    with pytest.raises(ValueError, match="0 sample"):  # no rows: scikit-learn refuses, and so does this
        _forest.predict_proba(booster, x[:0])


def test_a_refit_booster_is_flattened_again() -> None:
    x, y = _data(300, 3)
    booster = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(x, y)
    before = _forest.predict_proba(booster, x[:10])
    booster.set_params(max_iter=10, warm_start=True).fit(x, y)  # same object, more trees
    np.testing.assert_array_equal(_forest.predict_proba(booster, x[:10]), booster.predict_proba(x[:10]))
    booster.set_params(warm_start=False, learning_rate=0.5).fit(x[::-1], y[::-1])  # new trees
    np.testing.assert_array_equal(_forest.predict_proba(booster, x[:10]), booster.predict_proba(x[:10]))
    assert not np.array_equal(before, booster.predict_proba(x[:10]))
