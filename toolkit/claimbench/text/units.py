"""The unit lexicon: the surface forms of units in news text, their pint unit names and dimensions.

Each entry maps words ("square miles", "kilometres") and symbols ("km", "°C", "38C") to a pint unit name and
states its dimension, so that :mod:`claimbench.text.quantities` can read a unit after a figure with no
pint call (a test checks every stated dimension against pint's own). Currencies are units of dimension
"currency", one per code (:data:`CURRENCIES`); the pint registry that gives each its own dimension is
:func:`claimbench.text.quantities.unit_registry`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["CURRENCIES", "DIMENSIONS", "UNITS", "Unit", "match_unit", "unit_dimension"]

CURRENCIES: Final = (
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
class Unit:
    """One unit of the lexicon: its pint name, its dimension and the other readings of its surface."""

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

UNITS: Final[dict[str, Unit]] = {}
_WORD_KEYS: Final[dict[str, Unit]] = {}
_SYMBOL_KEYS: Final[dict[str, Unit]] = {}
_ATTACHED_SYMBOLS: Final[set[str]] = set()
for _unit, _dim, _alts, _words, _symbols, _flags in _LEXICON:
    _entry = Unit(_unit, _dim, _alts)
    UNITS[_unit] = _entry
    for _w in _words:
        _WORD_KEYS[re.sub(r"[\s\-]+", " ", _w.lower())] = _entry
    for _s in _symbols:
        _SYMBOL_KEYS[_s] = _entry
        if _flags & _ATTACHED:
            _ATTACHED_SYMBOLS.add(_s)
for _code in CURRENCIES:
    UNITS.setdefault(_code, Unit(_code, "currency"))
for _extra, _edim in (
    ("imperial_pint", "volume"),
    ("troy_ounce", "mass"),
    ("long_ton", "mass"),
    ("dimensionless", "count"),
):
    UNITS.setdefault(_extra, Unit(_extra, _edim))

DIMENSIONS: Final = tuple(sorted({u.dimension for u in UNITS.values()}))
"""Every value of :attr:`ParsedQuantity.dimension`."""


def unit_dimension(unit: str) -> str | None:
    """The dimension name ("length", "area", "currency", "count" …) of a unit this module produces."""
    entry = UNITS.get(unit)
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


def match_unit(text: str, pos: int) -> tuple[Unit, int, str] | None:
    """The longest unit starting at ``pos`` (after an optional space or hyphen)."""
    best: tuple[Unit, int, str] | None = None
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
