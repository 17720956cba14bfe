"""One quantity restated in two units in a text, and whether the two figures agree.

``find_restatements`` finds one quantity restated in two units ("77 square miles (200 square km)",
"500,000 square kilometers, or 193,000 square miles"); ``conversion_agrees`` says whether the two figures
agree at the precision the writer used, by the rounding rule of :mod:`claimbench.text.quantities`
(conversions by its one pint registry).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from claimbench.text.quantities import QUALIFIER_ALT, ParsedQuantity, convert, extract_quantities
from claimbench.text.units import unit_dimension

__all__ = ["Agreement", "Restatement", "conversion_agrees", "find_restatements"]


@dataclass(frozen=True, slots=True)
class Restatement:
    """Two adjacent figures that state one quantity in two units.

    ``kind`` is "conversion" (same dimension, different units: judged by :func:`conversion_agrees`),
    "currency" (two amounts of money: never judged, exchange rates vary) or "dimension_mismatch" (a length
    restated as an area or a volume: inconsistent). ``connector`` is the text between the two figures.
    """

    first: ParsedQuantity
    second: ParsedQuantity
    connector: str
    kind: str

    @property
    def judged(self) -> bool:
        """Whether the pair is checked at all (currencies are not)."""
        return self.kind != "currency"


_ADJ_TAIL: Final = (
    r"(?:[\-\s](?:wide|long|high|deep|tall|thick|across|away|in\s+diameter|in\s+length|in\s+size))?"
)
_CONNECTOR_RE: Final = re.compile(
    r"(?i:" + _ADJ_TAIL + r"\s*(?P<c>\(|\[|,?\s*\bor\b|/|\s[—–]\s?"
    r"|,\s*(?:i\.e\.|that\s+is|equivalent\s+to|equal\s+to)|\s+equivalent\s+to)"
    r"\s*(?:(?:" + QUALIFIER_ALT + r")\s*)?)\Z"
)
_CLOSE_AFTER_RE: Final = re.compile(r"[^()\[\]\n]{0,40}[)\]]")
_PHYSICAL: Final = frozenset({"length", "area", "volume", "mass", "speed", "temperature", "power", "energy"})
_MISMATCH_GROUP: Final = frozenset({"length", "area", "volume"})


def _dimension_of(unit: str) -> str:
    return unit_dimension(unit) or "unknown"


def _pair_kind(a: ParsedQuantity, b: ParsedQuantity, strong: bool) -> str | None:
    dims_a = {_dimension_of(u) for u in a.units()}
    dims_b = {_dimension_of(u) for u in b.units()}
    if "currency" in dims_a and "currency" in dims_b:
        return "currency"
    common = dims_a & dims_b & _PHYSICAL
    if common:
        if {u for u in a.units()} == {u for u in b.units()}:
            return None  # the same unit twice is an alternative, not a conversion
        return "conversion"
    if strong and a.dimension in _MISMATCH_GROUP and b.dimension in _MISMATCH_GROUP:
        return "dimension_mismatch"
    return None


def find_restatements(text: str, quantities: Sequence[ParsedQuantity] | None = None) -> list[Restatement]:
    """Every place where ``text`` states one quantity in two units.

    Forms: "X unit (Y unit)", "X unit [Y unit]", "X unit, or Y unit", "X unit or about Y unit", "X unit /
    Y unit", "X unit — Y unit", "X unit, i.e. Y unit", also with an adjective between ("a 39-foot-wide
    (12 meters) crater") and for ranges ("5-10 miles (8-16 km)" pairs the low and the high ends). Pass
    ``quantities`` when :func:`extract_quantities` was already run on ``text``.
    """
    qs = list(extract_quantities(text) if quantities is None else quantities)
    out: list[Restatement] = []
    i = 0
    while i < len(qs) - 1:
        a, b = qs[i], qs[i + 1]
        gap = text[a.end : b.start]
        cm = _CONNECTOR_RE.match(gap) if len(gap) <= 40 else None
        if cm is None or a.is_count or b.is_count:
            i += 1
            continue
        paren = cm.group("c") in ("(", "[")
        strong = paren or cm.group("c").lstrip().startswith(",")  # "(…)" or ", or …": surely a restatement
        if paren and not _CLOSE_AFTER_RE.match(text, b.end):
            i += 1
            continue
        if a.range_part == "high" and b.range_part == "low" and i >= 1 and i + 2 < len(qs):
            lo_a, hi_b = qs[i - 1], qs[i + 2]
            kind = _pair_kind(lo_a, b, strong)
            if kind is not None:
                out.append(Restatement(lo_a, b, gap, kind))
                out.append(Restatement(a, hi_b, gap, kind))
                i += 3
                continue
        if a.range_part is not None or b.range_part is not None:
            i += 1
            continue
        kind = _pair_kind(a, b, strong)
        if kind is not None:
            out.append(Restatement(a, b, gap, kind))
            i += 2
            continue
        i += 1
    return out


@dataclass(frozen=True, slots=True)
class Agreement:
    """The verdict on one conversion: the source converted exactly, and the interval the written figure
    covers at its precision.

    ``expected`` is ``source.value`` in ``target_unit``; ``expected_low``/``expected_high`` allow the source
    to have been rounded to its last written digit; ``low``/``high`` is the interval the target figure
    covers (its rounding interval widened by the slack). ``consistent`` when the two intervals meet.
    ``distance`` is how far outside the target interval the expected value lies, in units of the target's
    step (0 when consistent).
    """

    consistent: bool
    source: ParsedQuantity
    target: ParsedQuantity
    source_unit: str
    target_unit: str
    expected: float
    expected_low: float
    expected_high: float
    low: float
    high: float
    distance: float
    explanation: str

    @property
    def verdict(self) -> str:
        """ "consistent" or "inconsistent"."""
        return "consistent" if self.consistent else "inconsistent"


def _fmt(x: float) -> str:
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    mag = math.floor(math.log10(abs(x)))
    if mag >= 5:
        return f"{x:,.0f}"
    decimals = max(0, 3 - mag)
    s = f"{x:,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _unit_words(unit: str) -> str:
    return unit.replace("_", " ").replace(" ** 2", "²").replace(" ** 3", "³")


def _judge(
    src: ParsedQuantity,
    tgt: ParsedQuantity,
    su: str,
    tu: str,
    slack: float,
    relative_tolerance: float,
    double_rounding: bool,
) -> Agreement:
    expected = convert(src.value, su, tu)
    if double_rounding:
        e1 = convert(src.value - src.tight_step / 2, su, tu)
        e2 = convert(src.value + src.tight_step / 2, su, tu)
        e_lo, e_hi = min(e1, e2), max(e1, e2)
    else:
        e_lo = e_hi = expected
    extra = slack if tgt.sig_figs >= 2 else 0.0
    half = tgt.step * (0.5 + extra)
    lo, hi = tgt.value - half, tgt.value + half
    relative = relative_tolerance if tgt.sig_figs >= 3 else 0.0
    if relative:
        lo = min(lo, tgt.value - relative * abs(tgt.value))
        hi = max(hi, tgt.value + relative * abs(tgt.value))
    ok = e_hi >= lo and e_lo < hi
    if ok:
        distance = 0.0
    else:
        gap = lo - e_hi if e_hi < lo else e_lo - hi
        distance = gap / tgt.step if tgt.step else math.inf
    widened = []
    if extra:
        widened.append(f"±{_fmt(extra)} in the last digit")
    if relative:
        widened.append(f"or within {relative:.0%}")
    text = (
        f"{_fmt(src.value)} {_unit_words(su)} = {_fmt(expected)} {_unit_words(tu)}; "
        f"'{tgt.text}' ({tgt.sig_figs} s.f.{', ' + ', '.join(widened) if widened else ''}) "
        f"covers [{_fmt(lo)}, {_fmt(hi)}) → {'consistent' if ok else 'inconsistent'}"
    )
    return Agreement(ok, src, tgt, su, tu, expected, e_lo, e_hi, lo, hi, distance, text)


def conversion_agrees(
    q_from: ParsedQuantity,
    q_to: ParsedQuantity,
    *,
    slack: float = 0.0,
    relative_tolerance: float = 0.05,
    double_rounding: bool = False,
) -> Agreement:
    """Whether two figures stating one quantity in two units agree, by the rounding rule of the module
    docstring.

    ``relative_tolerance`` applies to converted figures of three or more significant figures (a writer who
    gives three digits has often used an approximate factor such as 1 mile ≈ 1.6 km); ``slack`` widens the
    rounding interval of figures of two or more significant figures by that many units of their last digit;
    ``double_rounding`` lets the source figure itself stand for its rounding interval (to its last written
    digit) instead of its exact value. Both directions are tried (either figure may be the converted one),
    and every reading of an ambiguous unit; the first agreeing reading is returned, else the closest
    disagreeing one. Raises ``ValueError`` when the two quantities have no physical dimension in common.
    """
    pairs = [
        (ua, ub)
        for ua in q_from.units()
        for ub in q_to.units()
        if ua != ub and _dimension_of(ua) == _dimension_of(ub) and _dimension_of(ua) in _PHYSICAL
    ]
    if not pairs:
        raise ValueError(f"cannot compare {q_from.text!r} with {q_to.text!r}: no common physical dimension")
    best: Agreement | None = None
    for ua, ub in pairs:
        for agreement in (
            _judge(q_from, q_to, ua, ub, slack, relative_tolerance, double_rounding),
            _judge(q_to, q_from, ub, ua, slack, relative_tolerance, double_rounding),
        ):
            if agreement.consistent:
                return agreement
            if best is None or agreement.distance < best.distance:
                best = agreement
    assert best is not None
    return best
