"""Fast extraction of numbers and quantities from news text, and checks of unit restatements.

What it does
    ``parse_number`` reads one number as written ("30,000", "1.5million", "1.5 bn", "twenty-seven");
    ``extract_quantities`` finds every quantity in a text (span, value, unit, qualifier, dimension, counted
    entity); ``find_restatements`` finds one quantity restated in two units ("77 square miles (200 square
    km)", "500,000 square kilometers, or 193,000 square miles"); ``conversion_agrees`` says whether the two
    figures of a restatement agree at the precision the writer used; ``extract_dates`` finds weekday names
    and calendar dates for the temporal checks.

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

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, Final

__all__ = [
    "DIMENSIONS",
    "QUALIFIERS",
    "WEEKDAYS",
    "Agreement",
    "DateMention",
    "ParsedQuantity",
    "Restatement",
    "conversion_agrees",
    "convert",
    "extract_dates",
    "extract_quantities",
    "find_restatements",
    "parse_number",
    "precision_step",
    "significant_figures",
    "unit_dimension",
    "unit_registry",
]

QUALIFIERS: Final = ("exact", "approximate", "at_least", "at_most", "estimate")
"""How a writer bounds a figure (the values of :attr:`ParsedQuantity.qualifier`)."""

# ---------------------------------------------------------------------------------------------------------
# Unit lexicon: surface forms → pint unit names. Dimensions are stated here so that extraction needs no
# pint call; a test checks each against pint's own dimensionality.
# ---------------------------------------------------------------------------------------------------------

_CURRENCIES: Final = (
    "USD",
    "GBP",
    "EUR",
    "CNY",
    "JPY",
    "INR",
    "MXN",
    "RUB",
    "AUD",
    "CAD",
    "NZD",
    "HKD",
    "SGD",
    "BRL",
    "CHF",
    "ZAR",
    "SAR",
    "KRW",
    "TRY",
    "PKR",
    "NGN",
    "EGP",
    "ILS",
    "AED",
)

_SPACE: Final = 1  # the unit may follow the number after a space
_ATTACHED: Final = 2  # the unit must touch the number ("38C", "13in", "20st"); a hyphen is allowed
_CASE: Final = 4  # match the surface case-sensitively ("m" is not "M", "C" is not "c")


@dataclass(frozen=True, slots=True)
class _Unit:
    unit: str
    dimension: str
    alts: tuple[str, ...] = ()


def _plural(*words: str) -> tuple[str, ...]:
    out: list[str] = []
    for w in words:
        out.append(w)
        if w.endswith(("ch", "sh", "s", "x")):
            out.append(w + "es")
        elif w.endswith("foot"):
            out.append(w[:-4] + "feet")
        elif w.endswith("y") and not w.endswith(("ay", "ey")):
            out.append(w[:-1] + "ies")
        else:
            out.append(w + "s")
    return tuple(out)


def _metric(stem: str) -> tuple[str, ...]:
    """Both spellings, singular and plural: kilometre(s), kilometer(s)."""
    return _plural(stem + "metre", stem + "meter")


_SQ: Final = ("square ", "sq ", "sq. ")
_CU: Final = ("cubic ", "cu ", "cu. ")

# (unit, dimension, alternatives, words matched case-insensitively, symbols matched as written, flags of
# the symbols)
_LEXICON: Final[tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], int], ...]] = (
    # length
    ("kilometer", "length", (), (*_metric("kilo"), "kilo-metres", "kms"), ("km", "Km", "KM"), _SPACE),
    ("meter", "length", (), _metric(""), ("m", "mtr", "mtrs"), _SPACE | _CASE),
    ("centimeter", "length", (), _metric("centi"), ("cm",), _SPACE | _CASE),
    ("millimeter", "length", (), _metric("milli"), ("mm",), _SPACE | _CASE),
    ("mile", "length", (), _plural("mile", "statute mile"), ("mi",), _SPACE | _CASE),
    ("nautical_mile", "length", (), _plural("nautical mile"), ("nmi",), _SPACE | _CASE),
    ("foot", "length", (), ("foot", "feet"), ("ft", "ft."), _SPACE | _CASE),
    ("inch", "length", (), _plural("inch"), ("in",), _ATTACHED | _CASE),
    ("yard", "length", (), _plural("yard"), ("yd", "yds"), _SPACE | _CASE),
    ("light_year", "length", (), _plural("light year", "light-year"), (), 0),
    # area
    (
        "mile ** 2",
        "area",
        (),
        (*(p + w for p in _SQ for w in ("mile", "miles", "mi", "mi.")), "square-mile"),
        ("mi²", "mi2", "sqmi"),
        _SPACE | _CASE,
    ),
    (
        "kilometer ** 2",
        "area",
        (),
        tuple(p + w for p in _SQ for w in (*_metric("kilo"), "km", "kms", "km.")),
        ("km²", "km2", "sqkm", "sq.km"),
        _SPACE | _CASE,
    ),
    (
        "meter ** 2",
        "area",
        (),
        tuple(p + w for p in _SQ for w in (*_metric(""), "m", "m.")),
        ("m²", "sqm"),
        _SPACE | _CASE,
    ),
    (
        "foot ** 2",
        "area",
        (),
        tuple(p + w for p in _SQ for w in ("foot", "feet", "ft", "ft.")),
        ("ft²", "sqft", "sq.ft", "sq.ft."),
        _SPACE | _CASE,
    ),
    ("yard ** 2", "area", (), tuple(p + w for p in _SQ for w in (*_plural("yard"), "yd")), (), 0),
    ("inch ** 2", "area", (), tuple(p + w for p in _SQ for w in (*_plural("inch"), "in")), (), 0),
    ("acre", "area", (), _plural("acre"), (), 0),
    ("hectare", "area", (), _plural("hectare"), ("ha",), _SPACE | _CASE),
    # volume
    ("liter", "volume", (), _plural("litre", "liter"), ("L", "ltr", "ltrs"), _ATTACHED | _CASE),
    ("milliliter", "volume", (), _plural("millilitre", "milliliter"), ("ml", "mL"), _SPACE | _CASE),
    ("gallon", "volume", ("imperial_gallon",), _plural("gallon"), ("gal",), _SPACE | _CASE),
    ("imperial_gallon", "volume", (), _plural("imperial gallon"), (), 0),
    ("pint", "volume", ("imperial_pint",), _plural("pint"), (), 0),
    ("fluid_ounce", "volume", (), _plural("fluid ounce"), ("fl oz", "fl. oz."), _SPACE | _CASE),
    ("oil_barrel", "volume", (), _plural("barrel"), ("bbl",), _SPACE | _CASE),
    (
        "meter ** 3",
        "volume",
        (),
        tuple(p + w for p in _CU for w in (*_metric(""), "m")),
        ("m³", "m3"),
        _SPACE | _CASE,
    ),
    (
        "kilometer ** 3",
        "volume",
        (),
        tuple(p + w for p in _CU for w in (*_metric("kilo"), "km")),
        ("km³", "km3"),
        _SPACE | _CASE,
    ),
    ("foot ** 3", "volume", (), tuple(p + w for p in _CU for w in ("foot", "feet", "ft")), ("ft³",), _SPACE),
    # mass
    (
        "kilogram",
        "mass",
        (),
        (*_plural("kilogram", "kilogramme", "kilo"), "kgs"),
        ("kg", "Kg", "KG"),
        _SPACE | _CASE,
    ),
    ("gram", "mass", (), _plural("gram", "gramme"), ("g", "gr"), _ATTACHED | _CASE),
    ("milligram", "mass", (), _plural("milligram", "milligramme"), ("mg",), _SPACE | _CASE),
    ("metric_ton", "mass", (), (*_plural("tonne", "metric ton"),), (), 0),
    ("short_ton", "mass", ("long_ton", "metric_ton"), _plural("ton"), (), 0),
    ("pound", "mass", ("GBP",), _plural("pound"), ("lb", "lbs", "lb.", "lbs."), _SPACE | _CASE),
    ("ounce", "mass", ("troy_ounce",), _plural("ounce"), ("oz", "oz."), _SPACE | _CASE),
    ("stone", "mass", (), ("stone", "stones"), ("st",), _ATTACHED | _CASE),
    ("carat", "mass", (), _plural("carat"), ("ct",), _ATTACHED | _CASE),
    # speed
    (
        "mile / hour",
        "speed",
        (),
        ("miles per hour", "mile per hour", "miles an hour", "mile an hour", "miles a hour", "m.p.h."),
        ("mph", "MPH", "mi/h"),
        _SPACE | _CASE,
    ),
    (
        "kilometer / hour",
        "speed",
        (),
        tuple(f"{w} {p} hour" for w in (*_metric("kilo"), "km", "kms") for p in ("per", "an", "a", "each")),
        ("km/h", "km/hr", "kph", "kmph", "kmh", "km/h.", "Km/h", "KPH", "kmh."),
        _SPACE | _CASE,
    ),
    (
        "meter / second",
        "speed",
        (),
        tuple(f"{w} {p} second" for w in (*_metric(""), "m") for p in ("per", "a", "each")),
        ("m/s", "m/sec"),
        _SPACE | _CASE,
    ),
    (
        "kilometer / second",
        "speed",
        (),
        tuple(f"{w} {p} second" for w in (*_metric("kilo"), "km") for p in ("per", "a", "each")),
        ("km/s", "km/sec"),
        _SPACE | _CASE,
    ),
    (
        "mile / second",
        "speed",
        (),
        ("miles per second", "mile per second", "miles a second"),
        ("mi/s",),
        _SPACE | _CASE,
    ),
    ("foot / second", "speed", (), ("feet per second", "feet a second"), ("ft/s", "fps"), _SPACE | _CASE),
    ("knot", "speed", (), _plural("knot"), ("kt", "kts"), _SPACE | _CASE),
    # temperature
    (
        "degree_Fahrenheit",
        "temperature",
        (),
        ("degrees fahrenheit", "degree fahrenheit", "fahrenheit", "deg f", "degrees f", "deg. f"),
        ("°F", "ºF", "° F", "º F", "℉", "F"),
        _ATTACHED | _CASE,
    ),
    (
        "degree_Celsius",
        "temperature",
        (),
        (
            "degrees celsius",
            "degree celsius",
            "celsius",
            "degrees centigrade",
            "centigrade",
            "deg c",
            "degrees c",
            "deg. c",
        ),
        ("°C", "ºC", "° C", "º C", "℃", "C"),
        _ATTACHED | _CASE,
    ),
    ("kelvin", "temperature", (), _plural("kelvin"), (), 0),
    ("degree", "angle", ("degree_Fahrenheit", "degree_Celsius"), _plural("degree"), ("°", "º"), _ATTACHED),
    # time (durations)
    ("second", "time", (), _plural("second"), ("sec", "secs"), _SPACE | _CASE),
    ("minute", "time", (), _plural("minute"), ("min", "mins"), _SPACE | _CASE),
    ("hour", "time", (), _plural("hour"), ("hr", "hrs", "h"), _ATTACHED | _CASE),
    ("day", "time", (), _plural("day"), (), 0),
    ("week", "time", (), _plural("week"), (), 0),
    ("month", "time", (), _plural("month"), (), 0),
    ("year", "time", (), _plural("year"), ("yr", "yrs"), _SPACE | _CASE),
    ("century", "time", (), ("century", "centuries"), (), 0),
    # shares
    (
        "percent",
        "percent",
        (),
        ("percent", "per cent", "percentage points", "percentage point"),
        ("%",),
        _SPACE,
    ),
    # power, energy, information
    ("kilowatt", "power", (), _plural("kilowatt"), ("kW",), _SPACE | _CASE),
    ("megawatt", "power", (), _plural("megawatt"), ("MW",), _SPACE | _CASE),
    ("gigawatt", "power", (), _plural("gigawatt"), ("GW",), _SPACE | _CASE),
    ("horsepower", "power", (), ("horsepower",), ("hp", "bhp"), _SPACE | _CASE),
    ("kilowatt_hour", "energy", (), _plural("kilowatt hour", "kilowatt-hour"), ("kWh",), _SPACE | _CASE),
    ("megawatt_hour", "energy", (), _plural("megawatt hour", "megawatt-hour"), ("MWh",), _SPACE | _CASE),
    ("kilocalorie", "energy", (), _plural("kilocalorie", "calorie"), ("kcal",), _SPACE | _CASE),
    ("megabyte", "information", (), _plural("megabyte"), ("MB",), _SPACE | _CASE),
    ("gigabyte", "information", (), _plural("gigabyte"), ("GB",), _SPACE | _CASE),
    ("terabyte", "information", (), _plural("terabyte"), ("TB",), _SPACE | _CASE),
    # currencies written after the number ("1m pesos", "5 dollars"); "pounds" is listed under mass with
    # GBP as its alternative reading
    ("USD", "currency", (), ("dollar", "dollars", "us dollars", "u.s. dollars"), ("USD",), _SPACE | _CASE),
    ("GBP", "currency", (), ("pounds sterling", "pound sterling", "sterling"), ("GBP",), _SPACE | _CASE),
    ("EUR", "currency", (), ("euro", "euros"), ("EUR",), _SPACE | _CASE),
    ("CNY", "currency", (), ("yuan", "renminbi"), ("CNY", "RMB"), _SPACE | _CASE),
    ("JPY", "currency", (), ("yen",), ("JPY",), _SPACE | _CASE),
    ("INR", "currency", (), ("rupee", "rupees"), ("INR",), _SPACE | _CASE),
    ("MXN", "currency", (), ("peso", "pesos"), ("MXN",), _SPACE | _CASE),
    ("RUB", "currency", (), ("rouble", "roubles", "ruble", "rubles"), ("RUB",), _SPACE | _CASE),
    ("SAR", "currency", (), ("riyal", "riyals"), ("SAR",), _SPACE | _CASE),
)

_UNITS: Final[dict[str, _Unit]] = {}
_WORD_KEYS: Final[dict[str, _Unit]] = {}
_SYMBOL_KEYS: Final[dict[str, _Unit]] = {}
_ATTACHED_SYMBOLS: Final[set[str]] = set()
for _unit, _dim, _alts, _words, _symbols, _flags in _LEXICON:
    _entry = _Unit(_unit, _dim, _alts)
    _UNITS[_unit] = _entry
    for _w in _words:
        _WORD_KEYS[re.sub(r"[\s\-]+", " ", _w.lower())] = _entry
    for _s in _symbols:
        _SYMBOL_KEYS[_s] = _entry
        if _flags & _ATTACHED:
            _ATTACHED_SYMBOLS.add(_s)
for _code in _CURRENCIES:
    _UNITS.setdefault(_code, _Unit(_code, "currency"))
for _extra, _edim in (
    ("imperial_pint", "volume"),
    ("troy_ounce", "mass"),
    ("long_ton", "mass"),
    ("dimensionless", "count"),
):
    _UNITS.setdefault(_extra, _Unit(_extra, _edim))

DIMENSIONS: Final = tuple(sorted({u.dimension for u in _UNITS.values()}))
"""Every value of :attr:`ParsedQuantity.dimension`."""


def unit_dimension(unit: str) -> str | None:
    """The dimension name ("length", "area", "currency", "count" …) of a unit this module produces."""
    entry = _UNITS.get(unit)
    return entry.dimension if entry is not None else None


def _alternation(surfaces: Iterable[str], spaced: bool) -> str:
    parts = []
    for s in sorted(set(surfaces), key=lambda x: (-len(x), x)):
        if spaced:
            parts.append(r"[\s\-]+".join(re.escape(w) for w in s.split(" ")))
        else:
            parts.append(re.escape(s))
    return "|".join(parts)


# A unit follows the number after nothing, one or two spaces, or a hyphen ("300-metre", "39-foot-wide").
_UNIT_WORD_RE: Final = re.compile(
    r"(?:[ \t\u00a0\u2009\u202f]{0,2}|[ \u00a0\u2009\u202f]?-[ \u00a0\u2009\u202f]?)(?P<u>(?i:"
    + _alternation(_WORD_KEYS, True)
    + r"))(?![A-Za-z])"
)
_UNIT_SYMBOL_RE: Final = re.compile(
    r"(?:[ \t\u00a0\u2009\u202f]?|-)(?P<u>"
    + _alternation((s for s in _SYMBOL_KEYS if s not in _ATTACHED_SYMBOLS), False)
    + r")(?![A-Za-z0-9])"
)
_UNIT_ATTACHED_RE: Final = re.compile(
    r"-?(?P<u>" + _alternation(_ATTACHED_SYMBOLS, False) + r")(?![A-Za-z0-9])"
)
_TEMPERATURE_SPACED_RE: Final = re.compile(r"[ \u00a0\u2009\u202f](?P<u>°F|ºF|°C|ºC|° F|° C)(?![A-Za-z])")

# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------

_SMALL_TEXT: Final = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_SMALL: Final = {w: i for i, w in enumerate(_SMALL_TEXT.split())}
_TENS_TEXT: Final = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS: Final = {w: 10 * (i + 2) for i, w in enumerate(_TENS_TEXT.split())}
_BIG: Final = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORDS: Final = sorted([*_SMALL, *_TENS, "hundred", *_BIG, "dozen"], key=lambda w: (-len(w), w))
_WORD_ATOM: Final = "(?:" + "|".join(_NUMBER_WORDS) + ")"

_NUMBER_RE: Final = re.compile(
    r"(?:(?<![\w.,/:])|(?<=\$US)|(?<=Rs)|(?<=RMB)|(?<=USD)|(?<=GBP)|(?<=EUR))(?<![A-Za-z]-)(?P<d>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?)(?![.,]\d)"
    r"|(?<![\w\-])(?P<w>(?i:(?:an?[ \t]+(?=(?:hundred|thousand|million|billion|dozen)\b))?"
    + _WORD_ATOM
    + r"(?:(?:[ \t]+|[ \t]*-[ \t]*|[ \t]+and[ \t]+)"
    + _WORD_ATOM
    + r")*)\b)"
)
_WORD_SPLIT_RE: Final = re.compile(r"[\s\-]+")

_SCALE_WORDS: Final = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "mn": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "bln": 1e9,
    "tn": 1e12,
    "trn": 1e12,
    "k": 1e3,
    "m": 1e6,
    "b": 1e9,
    "lakh": 1e5,
    "crore": 1e7,
}
_SCALE_RE: Final = re.compile(
    r"(?:[ \t\u00a0\u2009\u202f]?|[ \t\u00a0\u2009\u202f]?-[ \t\u00a0\u2009\u202f]?)"
    r"(?P<s>(?i:million|billion|trillion|thousand|lakh|crore|mln|bln|trn|mn|bn|tn)|[kKmMbB])(?![A-Za-z0-9])"
)

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
_QUALIFIER_ALT: Final = "|".join(
    re.escape(p).replace(r"\ ", r"\s+") for p in sorted(_QUALIFIER_OF, key=lambda x: (-len(x), x))
)
_QUALIFIER_BEFORE_RE: Final = re.compile(r"(?:^|(?<=[^\w]))(?P<q>(?i:" + _QUALIFIER_ALT + r"))\s*\Z")
_QUALIFIER_AFTER_RE: Final = re.compile(
    r"(?i:\s*(?:(?P<more>or\s+more|or\s+over|plus\b|\+)|(?P<so>or\s+so\b)))"
)

_ORDINAL_RE: Final = re.compile(r"(?i:st|nd|rd|th)(?![A-Za-z])")
_TIME_AFTER_RE: Final = re.compile(r"(?::\d\d|\s?(?i:a\.?m\b\.?|p\.?m\b\.?|GMT|BST|UTC|[AECMP][SD]T\b))")
_MONTHS: Final = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAME: Final = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_MONTH_BEFORE_RE: Final = re.compile(_MONTH_NAME + r"\.?,?\s{1,2}(?:the\s)?\Z")
_MONTH_AFTER_RE: Final = re.compile(r"(?:st|nd|rd|th)?,?\s{1,2}(?:of\s)?" + _MONTH_NAME + r"\b")
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


def _words_value(tokens: Sequence[str]) -> tuple[float, int] | None:
    """Value of a run of number words and how many tokens it uses; ``None`` when no valid prefix."""
    total = 0.0
    group = 0.0
    prev = ""
    used = 0
    for i, raw in enumerate(tokens):
        t = raw.lower()
        if t in ("a", "an"):
            if i != 0:
                break
            prev = "a"
            continue
        if t == "and":
            if prev not in ("hundred", "big"):
                break
            prev = "and"
            continue
        if t in _SMALL:
            v = _SMALL[t]
            if prev in ("", "hundred", "big", "and") or (prev == "tens" and 0 < v < 10):
                group += v
                prev = "small"
            else:
                break
        elif t in _TENS:
            if prev in ("", "hundred", "big", "and"):
                group += _TENS[t]
                prev = "tens"
            else:
                break
        elif t == "hundred":
            if (prev in ("small", "tens", "a") and group % 100 != 0) or prev == "a":
                group = (group or 1.0) * 100
                prev = "hundred"
            else:
                break
        elif t == "dozen":
            if prev in ("a", "small", "") and group < 13:
                group = (group or 1.0) * 12
                prev = "hundred"
            else:
                break
        elif t in _BIG:
            if prev in ("small", "tens", "hundred", "a"):
                total += (group or 1.0) * _BIG[t]
                group = 0.0
                prev = "big"
            else:
                break
        else:
            break
        used = i + 1
    if used == 0:
        return None
    return total + group, used


def significant_figures(written: str) -> int:
    """Significant figures of a figure as written: "200" → 1, "38" → 2, "86,800" → 3, "1.4 million" → 2,
    "0.16" → 2, "100.0" → 4, "twenty-seven" → 2.

    Leading zeros never count; trailing zeros of a whole number do not count (they may be rounding); scale
    words and separators are ignored. Returns 1 for a zero or for text without digits or number words.
    """
    digits = _leading_figure(written)
    if digits is None:
        return 1
    if "." in digits:
        body = digits.replace(".", "").lstrip("0")
        return max(1, len(body))
    body = digits.lstrip("0").rstrip("0")
    return max(1, len(body))


def _leading_figure(written: str) -> str | None:
    """The digits of a figure ("30,000" → "30000", "seven" → "7"), or ``None``."""
    m = re.search(r"\d[\d,\u00a0\u202f\u2009]*(?:\.\d+)?", written)
    if m is not None:
        return re.sub(r"[,\u00a0\u202f\u2009]", "", m.group(0))
    tokens = [t for t in _WORD_SPLIT_RE.split(written.strip()) if t]
    got = _words_value(tokens) if tokens else None
    if got is None:
        return None
    return str(int(got[0]))


def precision_step(written: str, value: float) -> tuple[float, float]:
    """(loose, tight) rounding steps of a figure in the units of ``value``.

    *loose* is one unit in the last significant digit (trailing zeros of whole numbers not significant):
    "200" → 100, "38" → 1, "1.4 million" → 100,000. *tight* is one unit in the last written digit: "200"
    → 1, "1.4 million" → 100,000. A figure stands for ``value ± step/2``.
    """
    digits = _leading_figure(written)
    if digits is None or (value == 0 and "." not in (digits or "")):
        return 1.0, 1.0
    try:
        shown = float(digits)
    except ValueError:
        return 1.0, 1.0
    scale = abs(value) / shown if shown else 1.0
    if "." in digits:
        step = 10.0 ** -len(digits.split(".", 1)[1]) * scale
        return step, step
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == len(digits):
        return scale, scale
    return 10.0**zeros * scale, scale


def parse_number(text: str) -> float | None:
    """The value of one number as written, or ``None`` when ``text`` is not exactly one number.

    Digits with thousands separators and decimals ("30,000", "1.5"), a scale written after them with or
    without a space ("1.5million", "1.5 bn", "200k"), number words ("seven", "twenty-seven", "two hundred
    thousand", "a dozen"), a leading sign, and a currency sign ("$2.5m") are understood.
    """
    s = text.strip().replace("\u2212", "-")
    if not s:
        return None
    sign = 1.0
    if s[0] in "-+":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].lstrip()
    cm = re.match(r"(?:US\$|\$US|A\$|C\$|\$|£|€|¥|₹)\s?", s)
    if cm:
        s = s[cm.end() :]
    m = _NUMBER_RE.match(s)
    if m is None:
        return None
    if m.group("d") is not None:
        value = float(re.sub(r"[,\u00a0\u202f\u2009]", "", m.group("d")))
        end = m.end()
        sm = _SCALE_RE.match(s, end)
        if sm is not None and sm.group("s").lower() in _SCALE_WORDS:
            value *= _SCALE_WORDS[sm.group("s").lower()]
            end = sm.end()
        return sign * value if s[end:].strip() == "" else None
    tokens = [t for t in _WORD_SPLIT_RE.split(m.group("w")) if t]
    got = _words_value(tokens)
    if got is None or got[1] != len(tokens) or s[m.end() :].strip():
        return None
    return sign * got[0]


# ---------------------------------------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------------------------------------


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


def _match_unit(text: str, pos: int) -> tuple[_Unit, int, str] | None:
    """The longest unit starting at ``pos`` (after an optional space or hyphen)."""
    best: tuple[_Unit, int, str] | None = None
    m = _UNIT_WORD_RE.match(text, pos)
    if m is not None:
        key = re.sub(r"[\s\-]+", " ", m.group("u").lower())
        entry = _WORD_KEYS.get(key)
        if entry is not None:
            best = (entry, m.end(), m.group("u"))
    for rx in (_UNIT_SYMBOL_RE, _UNIT_ATTACHED_RE, _TEMPERATURE_SPACED_RE):
        m = rx.match(text, pos)
        if m is None:
            continue
        surface = m.group("u")
        entry = _SYMBOL_KEYS.get(surface) or _SYMBOL_KEYS.get(surface.replace(" ", ""))
        if entry is None and surface in ("° F", "º F", "° C", "º C"):
            entry = _SYMBOL_KEYS[surface.replace(" ", "")]
        if entry is not None and (best is None or m.end() > best[1]):
            best = (entry, m.end(), surface)
    return best


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
    for word in _WORD_SPLIT_RE.split(m.group(1)):
        w = word.lower().strip("’'")
        if not w or w in _STOPWORDS or w in _SMALL or w in _TENS:
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
    for m in _NUMBER_RE.finditer(text):
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
            tokens = [t for t in _WORD_SPLIT_RE.split(m.group("w")) if t]
            got = _words_value(tokens)
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
            sm = _SCALE_RE.match(text, end)
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
                    scale = _SCALE_WORDS[sl]
                    end = sm.end()
                    number_text = text[start:end]
        value *= scale
        unit: _Unit | None = None
        unit_end = end
        feet_inches = False
        if digits is not None and currency is None:
            fm = _FEET_INCHES_RE.match(text, end)
            if fm is not None and float(fm.group("i")) < 12 and scale == 1.0:
                value = value + float(fm.group("i")) / 12.0
                unit = _UNITS["foot"]
                unit_end = fm.end()
                feet_inches = True
        if unit is None:
            um = _match_unit(text, end)
            if um is not None and um[2] in ("C", "F") and _product_before(text, span_start):
                um = None  # "iPhone 5C" is a model name, not a temperature
            if um is not None:
                entry, uend, _ = um
                if currency is None:
                    unit, unit_end = entry, uend
                elif entry.dimension == "currency" or entry.unit == "pound":
                    unit_end = uend  # "$5 dollars", "£5 pounds": the sign already names the currency
        if unit is None and currency is not None:
            unit = _UNITS[currency]
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
            unit = _UNITS["dimensionless"]
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
        shown_b = _leading_figure(b.number_text)
        if shown_b is not None and float(shown_b) != 0 and abs(b.value / float(shown_b) - 1.0) > 1e-9:
            shown_a = _leading_figure(a.number_text)
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


# ---------------------------------------------------------------------------------------------------------
# Restatements and conversions
# ---------------------------------------------------------------------------------------------------------


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
    r"\s*(?:(?:" + _QUALIFIER_ALT + r")\s*)?)\Z"
)
_CLOSE_AFTER_RE: Final = re.compile(r"[^()\[\]\n]{0,40}[)\]]")
_PHYSICAL: Final = frozenset({"length", "area", "volume", "mass", "speed", "temperature", "power", "energy"})
_MISMATCH_GROUP: Final = frozenset({"length", "area", "volume"})


def _dimension_of(unit: str) -> str:
    entry = _UNITS.get(unit)
    return entry.dimension if entry is not None else "unknown"


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


@cache
def unit_registry() -> Any:
    """The module's one :class:`pint.UnitRegistry` (created on first use), with one dimension per currency
    so that amounts of money parse but never convert into each other."""
    import pint  # lazy: extraction never needs pint, only conversions do

    ureg: Any = pint.UnitRegistry()
    for code in _CURRENCIES:
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


# ---------------------------------------------------------------------------------------------------------
# Dates and weekdays
# ---------------------------------------------------------------------------------------------------------

WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A weekday name or a calendar date, or both, or a weekday tied to a day relative to publication.

    ``weekday`` is 0 (Monday) … 6 (Sunday) or ``None``; ``day``/``month``/``year`` are the calendar date
    when one is written next to it ("Monday 17 October 2016", "Sunday (Sept. 7)"); ``relative`` is the
    offset in days from publication for "yesterday" (-1), "today"/"tonight" (0), "tomorrow" (+1) when it
    names the same day as the weekday ("yesterday, Sunday").
    """

    span: tuple[int, int]
    text: str
    weekday: int | None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    relative: int | None = None


_WEEKDAY_NAME: Final = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_REL_WORDS: Final = {
    "yesterday": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": 1,
}
_REL_ALT: Final = (
    r"(?P<rel>(?i:yesterday|today|tonight|tomorrow|this\s+morning|this\s+afternoon|this\s+evening))"
)
_DATE_FORMS: Final = (
    # Monday 17 October 2016 / Monday, 17th of October
    _WEEKDAY_NAME
    + r"(?:,|\s)\s*(?:the\s+)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>"
    + _MONTH_NAME
    + r")\.?(?:,?\s+(?P<y1>\d{4}))?",
    # Monday, October 17, 2016 / Sunday (Sept. 7) / Sunday (February 22, 2015)
    _WEEKDAY_NAME
    + r"(?:,|\s)\s*\(?\s*(?P<m2>"
    + _MONTH_NAME
    + r")\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?",
    # yesterday (Sunday) / yesterday, Sunday / today Tuesday
    _REL_ALT + r"\s*[,(]?\s*\(?\s*" + _WEEKDAY_NAME + r"\b",
    # Sunday, yesterday / Sunday (yesterday)
    _WEEKDAY_NAME + r"\s*[,(]\s*" + _REL_ALT + r"\b",
    _WEEKDAY_NAME + r"\b",
    # calendar dates without a weekday: 17 October 2016, October 17, 2016, Oct. 17
    r"(?<![\d,.])(?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m3>"
    + _MONTH_NAME
    + r")\b\.?(?:,?\s+(?P<y3>\d{4})\b)?",
    r"(?P<m4>"
    + _MONTH_NAME
    + r")\.?\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?\b(?![,.]?\d)(?:,?\s+(?P<y4>\d{4})\b)?",
)
_DATE_RE: Final = re.compile(
    "|".join(f"(?:{f})" for f in _DATE_FORMS).replace("(?P<wd>", "(?:").replace("(?P<rel>", "(?:")
)
_DATE_FORM_RES: Final = tuple(re.compile(f) for f in _DATE_FORMS)


def extract_dates(text: str) -> list[DateMention]:
    """Weekday names in ``text`` (with the calendar date or relative day written next to them) and calendar
    dates ("17 October 2016", "Oct. 17"); a month or a year alone is not a date."""
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        for rx in _DATE_FORM_RES:
            fm = rx.match(m.group(0))
            if fm is None or fm.end() != len(m.group(0)):
                continue
            g = fm.groupdict()
            wd = WEEKDAYS.index(g["wd"].lower()) if g.get("wd") else None
            day = g.get("d1") or g.get("d2") or g.get("d3") or g.get("d4")
            month = g.get("m1") or g.get("m2") or g.get("m3") or g.get("m4")
            year = g.get("y1") or g.get("y2") or g.get("y3") or g.get("y4")
            if day is not None and not 1 <= int(day) <= 31:
                break
            rel = g.get("rel")
            out.append(
                DateMention(
                    span=m.span(),
                    text=m.group(0),
                    weekday=wd,
                    day=int(day) if day else None,
                    month=_MONTHS[month[:3].lower()] if month else None,
                    year=int(year) if year else None,
                    relative=_REL_WORDS[re.sub(r"\s+", " ", rel.lower())] if rel else None,
                )
            )
            break
    return out
