"""Class probabilities of a fitted ``HistGradientBoostingClassifier``, all trees walked at once with numpy.

scikit-learn's ``predict_proba`` calls each tree's compiled predictor in turn: 400 iterations x 4 classes
is 1,600 calls a batch, about 30 microseconds each whatever the batch size, so a batch of 50 pairs spends
more time in that per-call cost than in the trees (the streaming cliff of issue 13). Here the nodes of all
trees are flattened into a few arrays once per booster, and a block of rows descends every tree together,
one level per step. The answer is bit-identical to the booster's own: the same ``x <= threshold`` and
missing-value rules in float64, leaf values added to the baseline tree by tree in the booster's order,
and the booster's own loss turning the sums into probabilities. A booster this module cannot reproduce
(categorical splits, or a scikit-learn whose private layout differs) is left to its own ``predict_proba``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

SMALL_BATCH = 200
"""Up to this many rows the trees are walked here; above it scikit-learn's per-tree calls cost less."""


@dataclass(frozen=True, slots=True)
class _Forest:
    """Every node of every tree, flattened; child indices are global."""

    roots: NDArray[np.int32]  # root node of each tree, iteration-major then class
    feature: NDArray[np.int32]
    threshold: NDArray[np.float64]
    missing_left: NDArray[np.bool_]
    child: NDArray[np.int32]  # child[n + j] the left child of node j (of n), child[j] the right one
    value: NDArray[np.float64]
    is_leaf: NDArray[np.bool_]
    n_iterations: int
    n_classes: int
    n_features: int
    source: list[Any]  # the booster's list of trees when flattened: a refit replaces or extends it


_INT32 = 2**31
"""Node and value indices are int32 (half the memory traffic of intp): larger forests or batches fall back."""

_FORESTS: weakref.WeakKeyDictionary[object, _Forest | None] = weakref.WeakKeyDictionary()


def _compile(booster: Any) -> _Forest | None:
    """The flattened trees of ``booster``, or ``None`` where it cannot be reproduced exactly here."""
    try:
        predictors = booster._predictors
        baseline = np.asarray(booster._baseline_prediction)
        n_features = int(booster.n_features_in_)
        if getattr(booster, "_preprocessor", None) is not None or baseline.dtype != np.float64:
            return None
        trees = [p for per_iteration in predictors for p in per_iteration]
        n_classes = len(predictors[0]) if predictors else 0
        if not trees or any(len(it) != n_classes for it in predictors) or baseline.shape[-1] != n_classes:
            return None
        nodes = [t.nodes for t in trees]
        if any(bool(n["is_categorical"].any()) for n in nodes) or 2 * sum(map(len, nodes)) >= _INT32:
            return None
        sizes = np.array([len(n) for n in nodes], dtype=np.intp)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        flat = np.concatenate(nodes)
        shift = np.repeat(offsets, sizes)
        leaf = flat["is_leaf"].astype(bool)
        own = np.arange(len(flat), dtype=np.intp)
        left = np.where(leaf, own, flat["left"].astype(np.intp) + shift)
        right = np.where(leaf, own, flat["right"].astype(np.intp) + shift)
        return _Forest(
            roots=offsets.astype(np.int32),
            feature=np.where(leaf, 0, flat["feature_idx"]).astype(np.int32),
            threshold=np.ascontiguousarray(flat["num_threshold"], dtype=np.float64),
            missing_left=flat["missing_go_to_left"].astype(bool),
            child=np.concatenate([right, left]).astype(np.int32),
            value=np.ascontiguousarray(flat["value"], dtype=np.float64),
            is_leaf=leaf,
            n_iterations=len(predictors),
            n_classes=n_classes,
            n_features=n_features,
            source=predictors,
        )
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return None


def _forest(booster: Any) -> _Forest | None:
    """``booster``'s flattened trees, built once per booster and fit (a refit booster is flattened again)."""
    forest = _FORESTS.get(booster)
    trees = getattr(booster, "_predictors", None)
    if booster not in _FORESTS or (
        forest is not None and (forest.source is not trees or forest.n_iterations != len(forest.source))
    ):
        forest = _FORESTS[booster] = _compile(booster)
    return forest


def _leaves(forest: _Forest, X: NDArray[np.float64]) -> NDArray[np.int32]:  # noqa: N803
    """The leaf each row reaches in each tree, shape ``(rows, trees)``: all (row, tree) pairs descend
    together, one level a step. A leaf is its own child, so a pair that reached one stays there; pairs
    that are done are dropped only every :data:`_COMPACT_EVERY` levels from :data:`_COMPACT_FROM` on,
    since dropping them costs more than a step while few are done (most leaves sit 4-6 levels deep)."""
    m, n_features = X.shape
    n_trees = len(forest.roots)
    n_nodes = len(forest.value)
    values = np.ascontiguousarray(X).ravel()
    feature, threshold, child, is_leaf = forest.feature, forest.threshold, forest.child, forest.is_leaf
    node = np.tile(forest.roots, m)
    base = np.repeat(np.arange(m, dtype=np.int32) * n_features, n_trees)  # each pair's row in ``values``
    pair = np.arange(m * n_trees, dtype=np.int32)
    leaf = np.empty(m * n_trees, dtype=np.int32)
    missing = bool(np.isnan(values).any())
    level = 0
    while pair.size:
        x = values[base + feature[node]]
        go_left = x <= threshold[node]
        if missing:  # NaN <= t is False: a missing value goes where the split learnt to send it
            go_left |= np.isnan(x) & forest.missing_left[node]
        node = child[go_left * n_nodes + node]
        level += 1
        if level >= _COMPACT_FROM and (level - _COMPACT_FROM) % _COMPACT_EVERY == 0:
            done = is_leaf[node]
            leaf[pair[done]] = node[done]
            keep = ~done
            pair, node, base = pair[keep], node[keep], base[keep]
    return leaf.reshape(m, n_trees)


_COMPACT_FROM = 4
_COMPACT_EVERY = 2


def _raw(forest: _Forest, baseline: NDArray[np.float64], X: NDArray[np.float64]) -> NDArray[np.float64]:  # noqa: N803
    """Baseline plus every tree's leaf value, added tree by tree in the booster's order (as it does)."""
    n = X.shape[0]
    k = forest.n_classes
    terms = np.empty((n, forest.n_iterations + 1, k), dtype=np.float64)
    terms[:, 0, :] = 0.0
    terms[:, 0, :] += baseline  # as the booster starts: zeros, plus the baseline
    terms[:, 1:, :] = forest.value[_leaves(forest, X)].reshape(n, forest.n_iterations, k)
    # accumulate adds strictly left to right (no pairwise summation), tree after tree as the booster does
    return np.asfortranarray(np.add.accumulate(terms, axis=1)[:, -1, :])


def predict_proba(booster: Any, X: NDArray[np.float64]) -> NDArray[np.float64]:  # noqa: N803
    """``booster.predict_proba(X)``, bit for bit, without a Python-level call per tree."""
    forest = _forest(booster)
    matrix = np.asarray(X)
    if (
        forest is None
        or matrix.ndim != 2
        or matrix.dtype != np.float64
        or matrix.shape[1] != forest.n_features
        or not 0 < matrix.shape[0] <= SMALL_BATCH
        or matrix.size >= _INT32
    ):
        return np.asarray(booster.predict_proba(X), dtype=np.float64)
    raw = _raw(forest, np.asarray(booster._baseline_prediction, dtype=np.float64), matrix)
    return np.asarray(booster._loss.predict_proba(raw), dtype=np.float64)
