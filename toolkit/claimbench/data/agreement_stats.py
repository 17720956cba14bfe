"""The agreement figures of one annotated field: Cohen's kappa, Krippendorff's alpha (nominal and
interval), observed and positive specific agreement, the confusion matrix, and seeded percentile-bootstrap
intervals over the items (vectorised over the resamples).

:func:`field_agreement` turns the :class:`Pair` list of one field into its :class:`FieldAgreement`;
:mod:`claimbench.data.agreement` builds those lists from two datasets.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CONFIDENCE",
    "NONE",
    "RESAMPLES",
    "SEED",
    "FieldAgreement",
    "Pair",
    "as_category",
    "cohen_kappa",
    "field_agreement",
    "interval_alpha",
    "krippendorff_alpha",
    "nominal_statistics",
    "observed_agreement",
    "positive_agreement",
]

NONE = "(none)"
"""The category of a field left empty (no attribution, no reporting verb)."""

CONFIDENCE = 0.95
RESAMPLES = 1000
SEED = 20161018


@dataclass(frozen=True, slots=True)
class Pair:
    """One item annotated in both datasets: its values and what each annotator wrote about it."""

    item: str
    a: str | float
    b: str | float
    text: str = ""
    rationale_a: str = ""
    rationale_b: str = ""


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """Agreement on one field over the items both annotations label."""

    field: str
    level: str
    n: int
    missing: int
    observed: float | None
    kappa: float | None
    alpha_nominal: float | None
    alpha_interval: float | None
    intervals: Mapping[str, tuple[float, float] | None]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    disagreements: tuple[Pair, ...]
    positive_agreement: float | None = None


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two annotators' labels (scikit-learn), or ``None`` where it is undefined.

    It is undefined when there are no items, or when both annotators used one and the same label
    throughout (expected agreement 1: kappa is 0/0).
    """
    from sklearn.metrics import cohen_kappa_score

    if len(a) != len(b):
        raise ValueError(f"kappa needs paired labels, got {len(a)} and {len(b)}")
    if not a or len(set(a) | set(b)) < 2:
        return None
    codes = _codes([*a, *b])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(cohen_kappa_score([codes[x] for x in a], [codes[x] for x in b]))
    return None if np.isnan(value) else value


def krippendorff_alpha(coders: Sequence[Sequence[Hashable | None]], level: str = "nominal") -> float | None:
    """Krippendorff's alpha of any number of coders (``None`` marks a unit a coder left out).

    ``level`` is ``nominal``, ``ordinal``, ``interval`` or ``ratio``; for the last three the values must
    be numbers. Computed by the ``krippendorff`` package; ``None`` where alpha is undefined (fewer than
    two distinct values, or no unit coded twice).
    """
    import krippendorff

    if len({len(c) for c in coders}) > 1:
        raise ValueError("every coder needs a value (or None) for every unit")
    values = [v for c in coders for v in c if v is not None]
    if len(set(values)) < 2:
        return None
    if level == "nominal":
        codes = _codes(values)
        data = np.array([[np.nan if v is None else codes[v] for v in c] for c in coders], dtype=float)
    else:
        data = np.array([[np.nan if v is None else float(v) for v in c] for c in coders], dtype=float)  # type: ignore[arg-type]
    paired = np.sum(~np.isnan(data), axis=0) >= 2
    if not paired.any():
        return None
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))  # type: ignore[arg-type]
    return None if np.isnan(value) else value


def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """The share of items with the same label from both annotators."""
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def positive_agreement(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Positive specific agreement 2·both / (A + B): agreement on the items either one chose."""
    both = sum(x and y for x, y in zip(a, b, strict=True))
    total = sum(a) + sum(b)
    return 2 * both / total if total else None


def _codes(values: Sequence[Hashable]) -> dict[Hashable, int]:
    return {v: i for i, v in enumerate(sorted(set(values), key=str))}


def _tables(a: Sequence[str], b: Sequence[str], labels: Sequence[str], draws: np.ndarray) -> np.ndarray:
    """The confusion matrix of every resample: ``draws`` (resamples × items) indexes the items."""
    k = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.array([index[x] * k + index[y] for x, y in zip(a, b, strict=True)], dtype=np.int64)
    offsets = np.arange(draws.shape[0], dtype=np.int64)[:, None] * (k * k)
    counts = np.bincount((codes[draws] + offsets).ravel(), minlength=draws.shape[0] * k * k)
    return counts.reshape(draws.shape[0], k, k).astype(float)


def nominal_statistics(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Observed agreement, Cohen's kappa and nominal Krippendorff's alpha of two coders, from confusion
    matrices (``... × k × k``, rows coder A), vectorised for the bootstrap; ``nan`` where undefined.

    The closed forms for two coders with no missing values: kappa = (p_o − p_e) / (1 − p_e) with
    p_e = Σ_c p_A(c)·p_B(c); alpha = 1 − (N − 1)·(N − Σ o_cc) / (N² − Σ n_c²) over the coincidence matrix
    o = M + Mᵀ with N = 2n values (Krippendorff 2011, section C). The tests check them against
    scikit-learn and the ``krippendorff`` package, which compute the point estimates.
    """
    n = tables.sum(axis=(-2, -1))
    diag = np.trace(tables, axis1=-2, axis2=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        po = diag / n
        pe = np.sum(tables.sum(axis=-1) * tables.sum(axis=-2), axis=-1) / n**2
        kappa = np.where(pe < 1, (po - pe) / (1 - pe), np.nan)
        big_n = 2 * n
        n_c = tables.sum(axis=-1) + tables.sum(axis=-2)
        expected = big_n**2 - np.sum(n_c**2, axis=-1)
        alpha = np.where(expected > 0, 1 - (big_n - 1) * (big_n - 2 * diag) / expected, np.nan)
    return {"observed": po, "kappa": kappa, "alpha_nominal": alpha}


def interval_alpha(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Interval Krippendorff's alpha of two coders with no missing values, over the last axis (vectorised).

    alpha = 1 − (N − 1)·Σ_u 2(x_u − y_u)² / Σ_{i≠j} (v_i − v_j)² over the N = 2n values v.
    """
    v = np.concatenate([x, y], axis=-1)
    big_n = v.shape[-1]
    observed = 2 * np.sum((x - y) ** 2, axis=-1)
    expected = 2 * big_n * np.sum(v**2, axis=-1) - 2 * np.sum(v, axis=-1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            expected > 0, 1 - (big_n - 1) * observed / np.where(expected > 0, expected, 1), np.nan
        )


def _percentile(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """Percentile interval of the defined bootstrap values; ``None`` when under half are defined (the
    interval would describe an odd subset, e.g. the resamples that happen to hold two labels)."""
    defined = values[~np.isnan(values)]
    if defined.size < values.size / 2 or defined.size == 0:
        return None
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(defined, [tail, 1 - tail])
    return float(lo), float(hi)


def field_agreement(
    name: str,
    pairs: Sequence[Pair],
    *,
    level: str = "nominal",
    missing: int = 0,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    choice: bool = False,
    chance_corrected: bool = True,
) -> FieldAgreement:
    """Every agreement figure of one field over ``pairs`` (the items both annotators labelled).

    ``level="interval"`` adds interval alpha for numeric values (nominal figures compare them exactly).
    ``choice=True`` marks a yes/no choice of items (values ``"yes"``/``"no"``) and adds the positive
    specific agreement. ``chance_corrected=False`` leaves out kappa and alpha, for a choice measured only
    over the items someone chose (no item is "no" for both, so chance agreement is not defined by the
    data and kappa would be meaningless). The bootstrap uses its own generator seeded by ``seed`` and the
    field's name, so each field's interval is reproducible on its own.
    """
    a = [as_category(p.a) for p in pairs]
    b = [as_category(p.b) for p in pairs]
    labels = tuple(sorted(set(a) | set(b), key=_label_order))
    # RandomState, not default_rng: its stream is frozen across NumPy releases, so the committed report
    # of a dataset is reproduced exactly anywhere (Generator streams may change between releases).
    rng = np.random.RandomState([seed % 2**32, int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)])
    draws = rng.randint(0, len(pairs), size=(resamples, len(pairs))) if len(pairs) >= 2 else None
    intervals: dict[str, tuple[float, float] | None] = dict.fromkeys(("observed", "kappa", "alpha_nominal"))
    if draws is not None and resamples > 0:
        stats = nominal_statistics(_tables(a, b, labels, draws))
        intervals = {k: _percentile(v, confidence) for k, v in stats.items()}
    alpha_interval = None
    if level == "interval":
        xa = np.array([float(p.a) for p in pairs])
        xb = np.array([float(p.b) for p in pairs])
        alpha_interval = krippendorff_alpha([list(xa), list(xb)], "interval")
        intervals["alpha_interval"] = (
            _percentile(interval_alpha(xa[draws], xb[draws]), confidence)
            if draws is not None and resamples > 0
            else None
        )
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for x, y in zip(a, b, strict=True):
        matrix[index[x]][index[y]] += 1
    if not chance_corrected:
        intervals = {k: v for k, v in intervals.items() if k == "observed"}
    positive = positive_agreement([x == "yes" for x in a], [y == "yes" for y in b]) if choice else None
    return FieldAgreement(
        field=name,
        level=level,
        n=len(pairs),
        missing=missing,
        observed=observed_agreement(a, b),
        kappa=cohen_kappa(a, b) if chance_corrected else None,
        alpha_nominal=krippendorff_alpha([a, b]) if chance_corrected else None,
        alpha_interval=alpha_interval,
        intervals=intervals,
        labels=labels,
        confusion=tuple(tuple(row) for row in matrix),
        disagreements=tuple(p for p, x, y in zip(pairs, a, b, strict=True) if x != y),
        positive_agreement=positive,
    )


def as_category(value: str | float) -> str:
    """A value as a category: numbers by their shortest exact repr (7.0 and 7 are one category)."""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return value


def _label_order(label: str) -> tuple[int, str]:
    return (1 if label == NONE else 0, label)
