"""Uncertainty and significance for benchmark scores.

Pure functions (no I/O, no other claimbench imports) built on numpy/scipy.
Everything random takes a ``seed`` and uses ``np.random.default_rng(seed)``,
so results are reproducible.

The bootstrap functions are metric-agnostic: a statistic is a callable that
receives an array of item indices (a resample, possibly with repeats) and
returns the metric computed on those items.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats as _scipy_stats

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class BootstrapSpec:
    """How intervals and significance are computed: resamples, confidence level, FDR level (BH).

    The ``[bootstrap]`` table of a benchmark spec (:mod:`claimbench.run.spec` re-exports it); here, beside
    the statistics it parameterises, so that scoring need not import the spec.
    """

    resamples: int = DEFAULT_RESAMPLES
    confidence: float = DEFAULT_CONFIDENCE
    alpha: float = DEFAULT_ALPHA


__all__ = [
    "Interval",
    "McNemarResult",
    "PairedDifference",
    "Statistic",
    "benjamini_hochberg",
    "bootstrap_ci",
    "mcnemar",
    "paired_bootstrap_diff",
]

Statistic = Callable[[NDArray[np.intp]], float]
"""A metric on a subset of items, given their (possibly repeated) indices."""

_MCNEMAR_EXACT_BELOW = 25


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with a bootstrap confidence interval [low, high]."""

    estimate: float
    low: float
    high: float
    n_resamples: int
    confidence: float
    method: str


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """Difference a - b with a paired bootstrap interval and two-sided p-value."""

    estimate: float
    low: float
    high: float
    n_resamples: int
    confidence: float
    method: str
    p_value: float


@dataclass(frozen=True, slots=True)
class McNemarResult:
    """McNemar's test on paired correctness.

    ``b`` = items only A got right, ``c`` = items only B got right.
    """

    b: int
    c: int
    statistic: float
    p_value: float
    method: str


def _check_bootstrap_args(
    n_items: int,
    clusters: Sequence[Hashable] | None,
    n_resamples: int,
    confidence: float,
) -> None:
    if n_items < 0:
        raise ValueError(f"n_items must be >= 0, got {n_items}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if clusters is not None and len(clusters) != n_items:
        raise ValueError(f"clusters has {len(clusters)} entries but there are {n_items} items")


def _resamples(
    n_items: int,
    clusters: Sequence[Hashable] | None,
    n_resamples: int,
    seed: int,
) -> Iterator[NDArray[np.intp]]:
    """Yield bootstrap index arrays: items, or whole clusters, with replacement."""
    rng = np.random.default_rng(seed)
    if clusters is None:
        for _ in range(n_resamples):
            yield rng.integers(0, n_items, size=n_items, dtype=np.intp)  # int64: the stream of the default
        return
    # Group item indices by cluster in order of first appearance (clusters
    # need only be hashable, not sortable, and the order must be stable).
    groups: dict[Hashable, list[int]] = {}
    for i, cluster in enumerate(clusters):
        groups.setdefault(cluster, []).append(i)
    members = [np.asarray(g, dtype=np.intp) for g in groups.values()]
    for _ in range(n_resamples):
        drawn = rng.integers(0, len(members), size=len(members))
        yield np.concatenate([members[k] for k in drawn])


def _percentile_bounds(values: NDArray[np.float64], confidence: float) -> tuple[float, float]:
    """Percentile-interval bounds, ignoring NaN resamples (NaN if all are NaN)."""
    if np.all(np.isnan(values)):
        return math.nan, math.nan
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.nanpercentile(values, [tail, 100.0 - tail])
    return float(low), float(high)


def _method(clusters: Sequence[Hashable] | None, paired: bool) -> str:
    kind = "cluster percentile bootstrap" if clusters is not None else "percentile bootstrap"
    return f"paired {kind}" if paired else kind


def _estimate_and_resamples(
    statistic: Statistic, n_items: int, clusters: Sequence[Hashable] | None, n_resamples: int, seed: int
) -> tuple[float, np.ndarray]:
    """``statistic`` on all ``n_items`` items, and on each of the ``n_resamples`` seeded resamples."""
    estimate = float(statistic(np.arange(n_items, dtype=np.intp)))
    values = np.fromiter(
        (statistic(idx) for idx in _resamples(n_items, clusters, n_resamples, seed)),
        dtype=float,
        count=n_resamples,
    )
    return estimate, values


def bootstrap_ci(
    statistic: Statistic,
    n_items: int,
    *,
    clusters: Sequence[Hashable] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap confidence interval of a metric.

    Efron & Tibshirani (1993), *An Introduction to the Bootstrap*, ch. 13
    (percentile interval). The estimate is ``statistic`` on all items. With
    ``clusters`` (one key per item, e.g. the article id) whole clusters are
    resampled with replacement and their items concatenated — the cluster
    bootstrap (Davison & Hinkley 1997, §3.8; Field & Welsh 2007) — because
    claims from one article are not independent and an item-level bootstrap
    would give intervals that are too narrow.

    Resamples on which the statistic is NaN (undefined, e.g. no gold item of
    some label) are ignored. With ``n_items == 0`` every field is NaN.
    """
    _check_bootstrap_args(n_items, clusters, n_resamples, confidence)
    method = _method(clusters, paired=False)
    if n_items == 0:
        return Interval(math.nan, math.nan, math.nan, n_resamples, confidence, method)
    estimate, values = _estimate_and_resamples(statistic, n_items, clusters, n_resamples, seed)
    low, high = _percentile_bounds(values, confidence)
    return Interval(estimate, low, high, n_resamples, confidence, method)


def paired_bootstrap_diff(
    statistic_a: Statistic,
    statistic_b: Statistic,
    n_items: int,
    *,
    clusters: Sequence[Hashable] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDifference:
    """Paired bootstrap of the difference a - b between two systems' metrics.

    Both statistics are computed on the SAME resampled indices each time
    (paired bootstrap, Koehn 2004; Berg-Kirkpatrick et al. 2012), so the
    per-item correlation between the systems cancels out. Percentile interval
    as in :func:`bootstrap_ci`, with the same cluster option.

    ``p_value`` is the two-sided bootstrap p-value: twice the fraction of
    resampled differences on the other side of zero from the estimate (ties
    at zero count as the other side, which is conservative), capped at 1. It
    is the smallest 1 - confidence at which the percentile interval would
    exclude zero; its resolution is 1/n_resamples, so 0.0 means
    "below 2/n_resamples". It is 1.0 when the estimate is 0, NaN when the
    estimate or all resamples are NaN. With ``n_items == 0`` all fields are NaN.
    """
    _check_bootstrap_args(n_items, clusters, n_resamples, confidence)
    method = _method(clusters, paired=True)
    nan = math.nan
    if n_items == 0:
        return PairedDifference(nan, nan, nan, n_resamples, confidence, method, nan)

    def difference(idx: NDArray[np.intp]) -> float:
        return float(statistic_a(idx)) - float(statistic_b(idx))

    estimate, diffs = _estimate_and_resamples(difference, n_items, clusters, n_resamples, seed)
    low, high = _percentile_bounds(diffs, confidence)
    valid = diffs[~np.isnan(diffs)]
    if math.isnan(estimate) or valid.size == 0:
        p_value = nan
    elif estimate == 0.0:
        p_value = 1.0
    else:
        other_side = valid <= 0.0 if estimate > 0.0 else valid >= 0.0
        p_value = min(1.0, 2.0 * float(np.mean(other_side)))
    return PairedDifference(estimate, low, high, n_resamples, confidence, method, p_value)


def mcnemar(correct_a: Sequence[bool], correct_b: Sequence[bool]) -> McNemarResult:
    """McNemar's test: do two systems have the same accuracy on the same items?

    McNemar (1947); as recommended for comparing classifiers by Dietterich
    (1998). Only discordant items matter: b = A right & B wrong,
    c = A wrong & B right. If b + c < 25 the exact two-sided binomial test of
    b ~ Bin(b + c, 0.5) is used (``scipy.stats.binomtest``) and ``statistic``
    is min(b, c), as in statsmodels; otherwise the chi-square statistic with
    Edwards' continuity correction (|b - c| - 1)² / (b + c), 1 degree of
    freedom. b + c == 0 gives p = 1.
    """
    if len(correct_a) != len(correct_b):
        raise ValueError(f"correct_a and correct_b differ in length: {len(correct_a)} != {len(correct_b)}")
    a = np.asarray(correct_a, dtype=bool)
    b_ok = np.asarray(correct_b, dtype=bool)
    b = int(np.count_nonzero(a & ~b_ok))
    c = int(np.count_nonzero(~a & b_ok))
    n_discordant = b + c
    if n_discordant < _MCNEMAR_EXACT_BELOW:
        method = "exact binomial"
        if n_discordant == 0:
            return McNemarResult(b, c, 0.0, 1.0, method)
        result = _scipy_stats.binomtest(b, n_discordant, 0.5, alternative="two-sided")
        return McNemarResult(b, c, float(min(b, c)), float(result.pvalue), method)
    statistic = (abs(b - c) - 1) ** 2 / n_discordant
    p_value = float(_scipy_stats.chi2.sf(statistic, df=1))
    return McNemarResult(b, c, statistic, p_value, "chi-square with continuity correction")


def benjamini_hochberg(
    p_values: Sequence[float], alpha: float = 0.05
) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    """Benjamini-Hochberg false-discovery-rate control.

    Benjamini & Hochberg (1995), "Controlling the False Discovery Rate".
    Returns the BH-adjusted p-values (p_(i) · m / i made monotone from the
    largest down, capped at 1) in the input order, and which hypotheses are
    rejected at FDR level ``alpha`` by the step-up rule: reject the k smallest
    p-values, k the largest i with p_(i) ≤ i · alpha / m. This is the same as
    adjusted p ≤ alpha except where floating-point rounding of an exact tie
    differs; the rejections follow the paper's rule. Empty input gives two
    empty tuples.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError("p_values must be one-dimensional")
    if p.size == 0:
        return (), ()
    if np.any(np.isnan(p)) or np.any((p < 0.0) | (p > 1.0)):
        raise ValueError("p_values must lie in [0, 1] and not be NaN")
    m = p.size
    rank = np.arange(1, m + 1)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    scaled = ranked * (m / rank)  # factor >= 1, so never below the raw p
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m, dtype=float)
    adjusted[order] = np.minimum(monotone, 1.0)
    below = np.flatnonzero(ranked <= rank * alpha / m)
    reject = np.zeros(m, dtype=bool)
    if below.size:
        reject[order[: below[-1] + 1]] = True
    return tuple(float(x) for x in adjusted), tuple(bool(x) for x in reject)
