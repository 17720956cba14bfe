"""What one numeric check finds, and the arithmetic the numeric checks share: a figure's interval, its
value in another unit, figures and units written for the explanations.

Used by :mod:`~claimbench.checkers.numeric` and its parts :mod:`~claimbench.checkers.numeric_totals` and
:mod:`~claimbench.checkers.numeric_dates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from claimbench.records import Evidence
from claimbench.text.quantities import ParsedQuantity, convert
from claimbench.text.units import unit_dimension

__all__ = ["MAX_TEXT", "Finding", "as_unit", "fmt", "interval", "shift", "unit_words"]

MAX_TEXT: Final = 2_000_000
"""Texts longer than this (in characters) are cut before parsing: a guard against pathological input."""


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one check: ``ok``, the confidence of that outcome, a line of arithmetic, evidence."""

    ok: bool
    confidence: float
    line: str
    evidence: tuple[Evidence, ...]


def fmt(x: float) -> str:
    """``x`` as the explanations write it: thousands separated, four significant figures."""
    if x != x or x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else ("−∞" if x < 0 else "nan")
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1e5 else f"{x:,.0f}"


def unit_words(u: str) -> str:
    """A pint unit name as text: "mile ** 2" → "mile²"."""
    return u.replace("_", " ").replace(" ** 2", "²").replace(" ** 3", "³")


def interval(q: ParsedQuantity) -> tuple[float, float]:
    """The values ``q`` stands for: its rounding interval, opened up by its qualifier."""
    lo, hi = q.value - q.step / 2, q.value + q.step / 2
    if q.qualifier == "at_least":
        hi = float("inf")
    elif q.qualifier == "at_most":
        lo = float("-inf")
    elif q.qualifier in ("approximate", "estimate"):
        lo, hi = min(lo, q.value * 0.9), max(hi, q.value * 1.1)
    return lo, hi


def as_unit(q: ParsedQuantity, unit: str) -> tuple[float, float] | None:
    """``q``'s interval expressed in ``unit`` (``None`` when it cannot be)."""
    lo, hi = interval(q)
    if q.unit == unit:
        return lo, hi
    for u in q.units():
        if unit_dimension(u) == unit_dimension(unit) and unit_dimension(u) not in (
            "currency",
            "count",
            "percent",
        ):
            a = convert(lo, u, unit) if lo != float("-inf") else lo
            b = convert(hi, u, unit) if hi != float("inf") else hi
            return min(a, b), max(a, b)
    return None


def shift(span: tuple[int, int], offset: int) -> tuple[int, int]:
    """``span`` moved by ``offset`` (claim offsets into article offsets)."""
    return (span[0] + offset, span[1] + offset)
