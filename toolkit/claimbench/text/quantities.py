"""Fast extraction of quantities from news text, and unit conversions by the one pint registry.

What it does
    ``extract_quantities`` finds every quantity in a text (span, value, unit, qualifier, dimension, counted
    entity); ``convert`` converts a value between two pint units; ``unit_registry`` is the one
    :class:`pint.UnitRegistry` of the package (dataset validation checks unit strings against it too).
    The parts it is built from live beside it: :mod:`claimbench.text.numbers` (one number as written,
    significant figures), :mod:`claimbench.text.units` (the unit lexicon and dimensions) and
    :mod:`claimbench.text.dates` (months, weekdays, dates); :mod:`claimbench.text.restatements` finds a
    quantity restated in two units and judges the conversion by the rounding rule below.

Why it is built this way
    The numeric checker runs on every claim of a benchmark, so extraction is a handful of compiled regular
    expressions anchored at each number, with no NLP model and no pint call (the unit lexicon carries each
    unit's dimension). Conversions, and only conversions, come from ``pint``: one module-level
    :class:`pint.UnitRegistry`, created on first use, whose ``Quantity(...).to(...)`` gives every factor;
    the factor and offset of a unit pair are cached (temperatures are affine: offset units are converted
    by pint, never by a hand-written formula). Currencies get their own pint dimensions in that registry,
    one per currency, so that no exchange rate can ever be applied: they are recognised and never judged.

The rounding rule (also the dataset guideline of ``datasets/fnc1-conversions``)
    A written figure stands for an interval. Its *significant figures* are its digits without leading
    zeros and, for a whole number, without trailing zeros ("200" has 1, "38" has 2, "86,800" has 3,
    "1.4 million" has 2, "100.0" has 4; scale words do not count). The converted figure B agrees with the
    source figure A, taken as exact as written, when the exact conversion of A lies within half a unit of
    B's last significant digit ("200" covers [150, 250), "38" covers [37.5, 38.5)), or, for a B of three or
    more significant figures, within 5 % of B (writers often use an approximate factor such as 1 mile ≈
    1.6 km). Either figure may be the converted one, so both directions are tried. This is rule C1 of the
    project's annotation guideline (``datasets/mosul-2016/GUIDELINES.md`` §9); :func:`conversion_agrees`
    can also allow extra ``slack`` in the last digit or treat the source as rounded itself (double
    rounding), both off by default. Thus 77 sq mi (199.4 km²) → "200 square km" (1 s.f., [150, 250))
    agrees; 7 miles (11.27 km) → "20 kilometres" ([15, 25)) does not, nor does 20 km (12.43 mi) → "seven"
    ([6.5, 7.5)); 100 °F (37.8 °C) → "38C" agrees. One extension: temperatures are on interval scales,
    where "100 degrees" cannot mean "to the nearest hundred degrees", so a written temperature's trailing
    zeros are significant down to the tens place ("100 °F" covers [95, 105), which "48C" = 118 °F misses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Final

from claimbench.text.dates import MONTH_NAME
from claimbench.text.numbers import (
    NUMBER_RE,
    SCALE_RE,
    SCALE_WORDS,
    UNDER_HUNDRED,
    WORD_SPLIT_RE,
    leading_figure,
    precision_step,
    significant_figures,
    words_value,
)
from claimbench.text.units import CURRENCIES, UNITS, Unit, match_unit

__all__ = [
    "QUALIFIERS",
    "ParsedQuantity",
    "convert",
    "extract_quantities",
    "unit_registry",
]

QUALIFIERS: Final = ("exact", "approximate", "at_least", "at_most", "estimate")
"""How a writer bounds a figure (the values of :attr:`ParsedQuantity.qualifier`)."""

_CURRENCY_PREFIX_RE: Final = re.compile(
    r"(?P<c>US\$|\$US|U\.S\.\s?\$|A\$|AU\$|C\$|CA\$|NZ\$|HK\$|S\$|R\$|\$|£|€|¥|₹|Rs\.?\s?|RMB\s?|USD\s?|GBP\s?"
    r"|EUR\s?|CNY\s?|INR\s?|JPY\s?)\Z"
)
_CURRENCY_CODES: Final = {
    "US$": "USD",
    "$US": "USD",
    "$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "RMB": "CNY",
    "USD": "USD",
    "GBP": "GBP",
    "EUR": "EUR",
    "CNY": "CNY",
    "INR": "INR",
    "JPY": "JPY",
}

_QUALIFIER_PHRASES: Final = {
    "at_least": (
        "more than",
        "over",
        "at least",
        "upwards of",
        "in excess of",
        "no fewer than",
        "no less than",
        "not less than",
        "exceeding",
        "greater than",
        "just over",
        "well over",
        "a minimum of",
        "minimum of",
        "or more than",
        ">",
        "≥",
    ),
    "at_most": (
        "up to",
        "less than",
        "fewer than",
        "under",
        "at most",
        "no more than",
        "not more than",
        "as many as",
        "as much as",
        "as high as",
        "below",
        "just under",
        "a maximum of",
        "maximum of",
        "<",
        "≤",
    ),
    "approximate": (
        "about",
        "around",
        "approximately",
        "approx.",
        "approx",
        "roughly",
        "some",
        "nearly",
        "almost",
        "close to",
        "circa",
        "c.",
        "~",
        "an approximate",
        "just about",
        "or about",
        "or around",
        "or roughly",
        "or nearly",
    ),
    "estimate": ("estimated", "an estimated", "est.", "a projected", "projected", "reported", "a reported"),
}
_QUALIFIER_OF: Final = {p: q for q, ps in _QUALIFIER_PHRASES.items() for p in ps}
QUALIFIER_ALT: Final = "|".join(
    re.escape(p).replace(r"\ ", r"\s+") for p in sorted(_QUALIFIER_OF, key=lambda x: (-len(x), x))
)
"""The qualifier phrases as one regular-expression alternation (restatement connectors use it too)."""
_QUALIFIER_BEFORE_RE: Final = re.compile(r"(?:^|(?<=[^\w]))(?P<q>(?i:" + QUALIFIER_ALT + r"))\s*\Z")
_QUALIFIER_AFTER_RE: Final = re.compile(
    r"(?i:\s*(?:(?P<more>or\s+more|or\s+over|plus\b|\+)|(?P<so>or\s+so\b)))"
)

_ORDINAL_RE: Final = re.compile(r"(?i:st|nd|rd|th)(?![A-Za-z])")
_TIME_AFTER_RE: Final = re.compile(r"(?::\d\d|\s?(?i:a\.?m\b\.?|p\.?m\b\.?|GMT|BST|UTC|[AECMP][SD]T\b))")
_MONTH_BEFORE_RE: Final = re.compile(MONTH_NAME + r"\.?,?\s{1,2}(?:the\s)?\Z")
_MONTH_AFTER_RE: Final = re.compile(r"(?:st|nd|rd|th)?,?\s{1,2}(?:of\s)?" + MONTH_NAME + r"\b")
_FEET_INCHES_RE: Final = re.compile(
    r"[ \u00a0\u2009\u202f]?(?:'|’|′|ft\.?|feet|foot)[ \u00a0\u2009\u202f]?(?P<i>\d{1,2}(?:\.\d+)?)"
    r"(?:[ \u00a0\u2009\u202f]?(?:\"|”|″|''|inches|inch|in)(?![A-Za-z]))?"
    r"(?:[ \u00a0\u2009\u202f](?:feet|foot|ft)\b)?"
)
_SIGN_WORD_RE: Final = re.compile(r"(?i:minus|negative)\s+\Z")
_ENTITY_RE: Final = re.compile(
    r"[ \t\u00a0\u2009\u202f]+([A-Za-z][A-Za-z’'\-]*(?:[ \t\u00a0\u2009\u202f]+[A-Za-z][A-Za-z’'\-]*){0,2})"
)
_STOPWORDS_TEXT: Final = """
    a an the of to in on at by for from with and or but as than that this these those who whom which
    what when where while is are was were be been being has have had do does did will would can
    could may might must shall should said says say told tell more less most least per each every
    other others all some many much few several such into onto over under about around after before
    since during between among against across through up down out off only just also still yet so
    not no nor if then there here their its his her our your my they them we he she it you i me him
    us killed died including included reported according more-than
"""
_STOPWORDS: Final = frozenset(_STOPWORDS_TEXT.split())

_TEMPERATURE_STEP: Final = 10.0
"""Widest rounding step of a written temperature (see the module docstring)."""
_YEAR_LIKE_MIN: Final = 1000
_YEAR_LIKE_MAX: Final = 2099


@dataclass(frozen=True, slots=True)
class ParsedQuantity:
    """One quantity found in a text.

    ``span`` is ``[start, end)`` in the text given to :func:`extract_quantities` and covers the figure,
    its scale, its unit and a currency sign ("$10m", "77 square miles", "1.5million"), not the qualifier
    ("more than") and not a counted noun. ``unit`` is a pint unit name ("mile ** 2", "degree_Celsius",
    "dimensionless" for counts, a currency code such as "USD" — parsable by :func:`unit_registry`);
    ``alt_units`` are other readings of an ambiguous unit word (US or imperial gallon, short, long or
    metric ton, "pounds" as money, bare "degrees" as a temperature). ``entity`` is what a count counts
    ("villages"). ``sig_figs``, ``step`` and ``tight_step`` give the precision the writer used (see
    :func:`precision_step`). ``range_part`` is "low"/"high" for the two ends of "5-10 miles".
    """

    span: tuple[int, int]
    text: str
    value: float
    unit: str
    qualifier: str = "exact"
    dimension: str = "count"
    entity: str | None = None
    number_text: str = ""
    alt_units: tuple[str, ...] = ()
    sig_figs: int = 1
    step: float = 1.0
    tight_step: float = 1.0
    range_part: str | None = None

    @property
    def start(self) -> int:
        """Where the quantity starts."""
        return self.span[0]

    @property
    def end(self) -> int:
        """Where the quantity ends."""
        return self.span[1]

    @property
    def is_count(self) -> bool:
        """Whether this is a bare count ("seven villages", "30,000 troops")."""
        return self.dimension == "count"

    @property
    def is_currency(self) -> bool:
        """Whether this is an amount of money."""
        return self.dimension == "currency"

    def units(self) -> tuple[str, ...]:
        """The unit and its alternative readings."""
        return (self.unit, *self.alt_units)


def _qualifier_before(text: str, start: int) -> str:
    window = text[max(0, start - 24) : start]
    m = _QUALIFIER_BEFORE_RE.search(window)
    if m is None:
        return "exact"
    phrase = re.sub(r"\s+", " ", m.group("q").lower())
    return _QUALIFIER_OF.get(phrase, "exact")


def _entity_after(text: str, end: int) -> str | None:
    m = _ENTITY_RE.match(text, end, min(len(text), end + 60))
    if m is None:
        return None
    head = None
    for word in WORD_SPLIT_RE.split(m.group(1)):
        w = word.lower().strip("’'")
        if not w or w in _STOPWORDS or w in UNDER_HUNDRED:
            break
        head = w
    return head


def _is_ordinal(number: str, suffix: str) -> bool:
    suffix = suffix.lower()
    if not number.isdigit():
        return False
    last2 = number[-2:]
    if last2 in ("11", "12", "13"):
        return suffix == "th"
    return suffix == {"1": "st", "2": "nd", "3": "rd"}.get(number[-1], "th")


def extract_quantities(text: str) -> list[ParsedQuantity]:
    """Every quantity in ``text``, in order of position, without overlaps.

    Understands digits with separators, decimals and scales ("30,000", "1.5million", "1.5 bn"), number
    words ("seven", "twenty-seven", "two hundred thousand"), qualifiers before or after the figure ("more
    than", "up to", "about", "estimated", "or more"), currency signs and words, feet and inches ("7ft
    6in"), ranges ("5-10 miles", "between 5 and 10 miles" give two quantities with ``range_part``) and
    hyphenated adjectives ("a 300-metre bridge"). Dates, clock times, ordinals, years and numbers inside
    words are skipped. A figure without a unit is a count, with the noun after it as ``entity``. The word
    "one" alone is not reported (too often a pronoun); "one mile" is.
    """
    out: list[ParsedQuantity] = []
    floor = 0
    n = len(text)
    for m in NUMBER_RE.finditer(text):
        start = m.start()
        if start < floor:
            continue
        digits = m.group("d")
        end = m.end()
        if digits is not None:
            number_text = digits
            value = float(re.sub(r"[,\u00a0\u202f\u2009]", "", digits))
            om = _ORDINAL_RE.match(text, end)
            if om is not None and _is_ordinal(digits, om.group(0)):
                floor = om.end()
                continue
            if _TIME_AFTER_RE.match(text, end):
                continue
            if _MONTH_AFTER_RE.match(text, end) and value <= 31 and "." not in digits:
                continue
            if _MONTH_BEFORE_RE.search(text, max(0, start - 14), start) and "," not in digits:
                continue
        else:
            tokens = [t for t in WORD_SPLIT_RE.split(m.group("w")) if t]
            got = words_value(tokens)
            if got is None:
                continue
            value, used = got
            end = start + _span_of_tokens(text[start:end], used)
            number_text = text[start:end]
        span_start = start
        scale = 1.0
        currency: str | None = None
        cm = _CURRENCY_PREFIX_RE.search(text, max(0, start - 6), start)
        if cm is not None:
            currency = _CURRENCY_CODES.get(cm.group("c").strip(), "USD")
            span_start = cm.start("c")
        # scale after digits ("1.5million", "$10m", "200k")
        if digits is not None:
            sm = SCALE_RE.match(text, end)
            if sm is not None:
                s = sm.group("s")
                sl = s.lower()
                ok = True
                if s in ("m", "b"):
                    # "12m" is metres unless money: "$10m", "1m pesos"
                    ok = currency is not None or _currency_word_follows(text, sm.end())
                elif s == "B":
                    ok = currency is not None
                if ok:
                    scale = SCALE_WORDS[sl]
                    end = sm.end()
                    number_text = text[start:end]
        value *= scale
        unit: Unit | None = None
        unit_end = end
        feet_inches = False
        if digits is not None and currency is None:
            fm = _FEET_INCHES_RE.match(text, end)
            if fm is not None and float(fm.group("i")) < 12 and scale == 1.0:
                value = value + float(fm.group("i")) / 12.0
                unit = UNITS["foot"]
                unit_end = fm.end()
                feet_inches = True
        if unit is None:
            um = match_unit(text, end)
            if um is not None and um[2] in ("C", "F") and _product_before(text, span_start):
                um = None  # "iPhone 5C" is a model name, not a temperature
            if um is not None:
                entry, uend, _ = um
                if currency is None:
                    unit, unit_end = entry, uend
                elif entry.dimension == "currency" or entry.unit == "pound":
                    unit_end = uend  # "$5 dollars", "£5 pounds": the sign already names the currency
        if unit is None and currency is not None:
            unit = UNITS[currency]
        if digits is None and unit is None and value == 1.0 and number_text.lower() == "one":
            floor = end
            continue
        if unit is None:
            if digits is not None and scale == 1.0 and _identifier_before(text, span_start):
                floor = end
                continue  # "Airbus 330", "iPhone 6", "Flight 370": a name, not a count
            if (end < n and text[end].isalpha()) or (
                digits is not None
                and "," not in digits
                and "." not in digits
                and scale == 1.0
                and _YEAR_LIKE_MIN <= value <= _YEAR_LIKE_MAX
                and len(digits) == 4
            ):
                floor = end
                continue
            unit = UNITS["dimensionless"]
        # sign: only temperatures are negative in news text ("-40C", "minus 10 degrees")
        if unit.dimension in ("temperature", "angle"):
            if (
                span_start > 0
                and text[span_start - 1] in "-−–"
                and (span_start == 1 or not text[span_start - 2].isalnum())
            ):
                value = -value
                span_start -= 1
            elif _SIGN_WORD_RE.search(text, max(0, span_start - 10), span_start):
                value = -value
        qualifier = _qualifier_before(text, span_start)
        am = _QUALIFIER_AFTER_RE.match(text, unit_end)
        if am is not None and qualifier == "exact":
            qualifier = "at_least" if am.group("more") else "approximate"
        if feet_inches:
            sig, step, tight = 2, 1.0 / 12.0, 1.0 / 12.0
        else:
            sig = significant_figures(number_text)
            step, tight = precision_step(number_text, value)
            step, tight = abs(step), abs(tight)
            if unit.dimension == "temperature" and step > _TEMPERATURE_STEP:
                # an interval scale: "100 degrees" is not "100 ± 50 degrees"; trailing zeros count down
                # to the tens
                step = max(tight, _TEMPERATURE_STEP)
        entity = _entity_after(text, unit_end) if unit.dimension == "count" else None
        alts = unit.alts
        out.append(
            ParsedQuantity(
                span=(span_start, unit_end),
                text=text[span_start:unit_end],
                value=value,
                unit=unit.unit,
                qualifier=qualifier,
                dimension=unit.dimension,
                entity=entity,
                number_text=number_text,
                alt_units=alts,
                sig_figs=sig,
                step=step,
                tight_step=tight,
            )
        )
        floor = unit_end
    return _link_ranges(text, out)


_CURRENCY_WORD_AFTER_RE: Final = re.compile(
    r"\s?(?i:pesos?|dollars?|euros?|pounds?|yuan|rupees?|yen|roubles?|rubles?|riyals?)\b"
)


_PRODUCT_BEFORE_RE: Final = re.compile(r"\b(?P<w>[a-z]*[A-Z][A-Za-z]*)[ \u00a0\u2009\u202f]\Z")
_NOT_PRODUCT_TEXT: Final = (
    "About Around Nearly Over Under Some To At Of Just Only Almost Minus Roughly Approximately Reached Hit "
    "Below Above The"
)
_NOT_PRODUCT: Final = frozenset(_NOT_PRODUCT_TEXT.split())


def _product_before(text: str, start: int) -> bool:
    m = _PRODUCT_BEFORE_RE.search(text, max(0, start - 24), start)
    return m is not None and m.group("w") not in _NOT_PRODUCT


_NAME_BEFORE_RE: Final = re.compile(
    r"(?<=[A-Za-z0-9,;:’'\"”)] )(?P<w>[a-z]*[A-Z][A-Za-z\-]*)[ \u00a0\u2009\u202f]\Z"
)


def _identifier_before(text: str, start: int) -> bool:
    """Whether the number at ``start`` follows a capitalised name inside a sentence ("one Airbus 330")."""
    m = _NAME_BEFORE_RE.search(text, max(0, start - 30), start)
    return m is not None and m.group("w") not in _NOT_PRODUCT


def _currency_word_follows(text: str, pos: int) -> bool:
    return _CURRENCY_WORD_AFTER_RE.match(text, pos) is not None


def _span_of_tokens(chunk: str, used: int) -> int:
    """Length of the prefix of ``chunk`` holding its first ``used`` number-word tokens (and any "and"
    between them that the value used)."""
    pos = 0
    for count, m in enumerate(re.finditer(r"[A-Za-z]+", chunk), start=1):
        pos = m.end()
        if count == used:
            break
    return pos


_RANGE_GAP_RE: Final = re.compile(r"\s*(?:-|–|—|to)\s*\Z|\s+and\s+\Z")
_BETWEEN_RE: Final = re.compile(r"(?i:between|from)\s+\Z")


def _link_ranges(text: str, qs: list[ParsedQuantity]) -> list[ParsedQuantity]:
    """Give the low end of a range the unit (and scale) of its high end: "5-10 miles", "1-2 million"."""
    for i in range(len(qs) - 1):
        a, b = qs[i], qs[i + 1]
        gap = text[a.end : b.start]
        if not _RANGE_GAP_RE.match(gap):
            continue
        if gap.strip() == "and" and not _BETWEEN_RE.search(text, max(0, a.start - 12), a.start):
            continue
        if not a.is_count or a.text != a.number_text:
            continue
        factor = 1.0
        shown_b = leading_figure(b.number_text)
        if shown_b is not None and float(shown_b) != 0 and abs(b.value / float(shown_b) - 1.0) > 1e-9:
            shown_a = leading_figure(a.number_text)
            if shown_a is not None and float(shown_a) == a.value:
                factor = b.value / float(shown_b)  # "1-2 million": the scale belongs to both ends
        value = a.value * factor
        step, tight = a.step * factor, a.tight_step * factor
        if b.is_count:
            # two bare counts ("10,000-13,000 people"): they share the counted noun
            qs[i] = replace(
                a, value=value, step=step, tight_step=tight, entity=a.entity or b.entity, range_part="low"
            )
            qs[i + 1] = replace(b, range_part="high")
            continue
        qs[i] = replace(
            a,
            value=value,
            unit=b.unit,
            dimension=b.dimension,
            alt_units=b.alt_units,
            entity=b.entity,
            step=step,
            tight_step=tight,
            range_part="low",
        )
        qs[i + 1] = replace(b, range_part="high")
    return qs


@cache
def unit_registry() -> Any:
    """The module's one :class:`pint.UnitRegistry` (created on first use), with one dimension per currency
    so that amounts of money parse but never convert into each other."""
    import pint  # lazy: extraction never needs pint, only conversions do

    ureg: Any = pint.UnitRegistry()
    for code in CURRENCIES:
        ureg.define(f"{code} = [currency_{code}]")
    return ureg


@lru_cache(maxsize=4096)
def _affine(from_unit: str, to_unit: str) -> tuple[float, float]:
    """(factor, offset) with ``to = factor * from + offset``, both read from pint's own conversion of 0 and
    1 (exact for every pint unit, offset temperature scales included)."""
    ureg = unit_registry()
    zero = float(ureg.Quantity(0.0, from_unit).to(to_unit).magnitude)
    one = float(ureg.Quantity(1.0, from_unit).to(to_unit).magnitude)
    return one - zero, zero


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``, by pint (cached per unit pair)."""
    if from_unit == to_unit:
        return value
    factor, offset = _affine(from_unit, to_unit)
    return factor * value + offset
