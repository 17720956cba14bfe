"""Tests of claimbench.text.quantities: quantity extraction and conversions."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench.text.quantities import ParsedQuantity, convert, extract_quantities

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------
# extract_quantities
# ---------------------------------------------------------------------------------------------------------


def _one(text: str) -> ParsedQuantity:
    qs = extract_quantities(text)
    assert len(qs) == 1, qs
    return qs[0]


def test_the_issues_three_examples() -> None:
    a, b = extract_quantities("More than 77 square miles (200 square km) was regained")
    assert (a.value, a.unit, a.dimension, a.qualifier) == (77, "mile ** 2", "area", "at_least")
    assert (b.value, b.unit) == (200, "kilometer ** 2")
    q = _one("Mosul’s estimated 1.5million residents")
    assert (q.value, q.unit, q.qualifier, q.entity) == (1.5e6, "dimensionless", "estimate", "residents")
    f, c = extract_quantities("100 degrees Fahrenheit (38C)")
    assert (f.value, f.unit, c.value, c.unit) == (100, "degree_Fahrenheit", 38, "degree_Celsius")


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("More than 30,000 troops", 30_000, "dimensionless", "at_least"),
        ("up to 8,000 Isis fighters", 8000, "dimensionless", "at_most"),
        ("about 25,000 miles", 25_000, "mile", "approximate"),
        ("an estimated 200,000 people", 200_000, "dimensionless", "estimate"),
        ("30,000 or more troops", 30_000, "dimensionless", "at_least"),
        ("seven villages", 7, "dimensionless", "exact"),
        ("twenty-seven people", 27, "dimensionless", "exact"),
        ("the 300-metre bridge", 300, "meter", "exact"),
        ("a 39-foot-wide crater", 39, "foot", "exact"),
        ("12m-wide", 12, "meter", "exact"),
        ("20 stone", 20, "stone", "exact"),
        ("38 pounds", 38, "pound", "exact"),
        ("17.2 kilos", 17.2, "kilogram", "exact"),
        ("60,000 km/h", 60_000, "kilometer / hour", "exact"),
        ("70 mph", 70, "mile / hour", "exact"),
        ("17 kilometres per second", 17, "kilometer / second", "exact"),
        ("a 106-acre campus", 106, "acre", "exact"),
        ("43 hectares", 43, "hectare", "exact"),
        ("5,000 litres", 5000, "liter", "exact"),
        ("10 tonnes", 10, "metric_ton", "exact"),
        ("38,000-square-foot", 38_000, "foot ** 2", "exact"),
        ("50 km²", 50, "kilometer ** 2", "exact"),
        ("-40C", -40, "degree_Celsius", "exact"),
        ("34 Celsius", 34, "degree_Celsius", "exact"),
        ("45%", 45, "percent", "exact"),
        ("45 per cent", 45, "percent", "exact"),
        ("the first 24 hours", 24, "hour", "exact"),
        ("$10m", 1e7, "USD", "exact"),
        ("£6.4m", 6.4e6, "GBP", "exact"),
        ("€8,800", 8800, "EUR", "exact"),
        ("US$0.16", 0.16, "USD", "exact"),
        ("$US10 million", 1e7, "USD", "exact"),
        ("1m pesos", 1e6, "MXN", "exact"),
        ("1.5 bn dollars", 1.5e9, "USD", "exact"),
        ("RMB 70,000", 70_000, "CNY", "exact"),
        ("£1\u2009million", 1e6, "GBP", "exact"),
    ],
)
def test_extraction_hand_cases(text: str, value: float, unit: str, qualifier: str) -> None:
    q = _one(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.qualifier == qualifier
    assert text[q.start : q.end] == q.text


def test_feet_and_inches() -> None:
    assert _one("7’6 feet tall").value == pytest.approx(7.5)
    q = _one("a giant 8ft 9in long catfish")
    assert (q.value, q.unit) == (pytest.approx(8.75), "foot")


@pytest.mark.parametrize(
    "text",
    [
        "on October 17, 2016",
        "on 17 October",
        "at 11 a.m. on Sept. 7",
        "at 18:18 GMT",
        "the 4th time",
        "in the 21st century",
        "since 2014",
        "the new iPhone 5C",
        "one Airbus 330",
        "Flight MH17",
        "one of the militants",
        "COVID-19",
    ],
)
def test_not_quantities(text: str) -> None:
    assert extract_quantities(text) == []


def test_ranges_share_the_unit() -> None:
    lo, hi = extract_quantities("5-10 miles")
    assert (lo.value, lo.unit, lo.range_part, hi.range_part) == (5, "mile", "low", "high")
    lo, hi = extract_quantities("between 1 and 2 million people")
    assert (lo.value, hi.value, lo.entity) == (1e6, 2e6, "people")


def test_pounds_are_mass_or_money() -> None:
    q = _one("38 pounds")
    assert q.dimension == "mass"
    assert "GBP" in q.alt_units


_ALPHABET = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200))
def test_spans_always_match_the_text(text: str) -> None:
    qs = extract_quantities(text)
    last = -1
    for q in qs:
        assert text[q.start : q.end] == q.text
        assert q.start >= last  # ordered and not overlapping
        last = q.end
        assert math.isfinite(q.value)
        assert q.step > 0
        assert q.tight_step > 0


_SURFACES = [
    ("miles", "mile"),
    ("km", "kilometer"),
    ("kilometres", "kilometer"),
    ("square miles", "mile ** 2"),
    ("sq km", "kilometer ** 2"),
    ("feet", "foot"),
    ("metres", "meter"),
    ("kg", "kilogram"),
    ("tonnes", "metric_ton"),
    ("acres", "acre"),
    ("hectares", "hectare"),
    ("mph", "mile / hour"),
    ("km/h", "kilometer / hour"),
    ("°F", "degree_Fahrenheit"),
    ("litres", "liter"),
    ("gallons", "gallon"),
]


@FAST
@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(_SURFACES),
    st.sampled_from(["", "about ", "more than ", "up to "]),
    st.text(alphabet="abcdefghij ", max_size=20),
)
def test_quantity_inside_a_sentence_round_trips(
    n: int, surface: tuple[str, str], qual: str, tail: str
) -> None:
    written, unit = surface
    space = "" if written.startswith("°") else " "
    text = f"It was {qual}{n:,}{space}{written}. {tail}"
    q = extract_quantities(text)[0]
    assert q.value == n
    assert q.unit == unit
    assert text[q.start : q.end] == q.text


def test_offset_temperatures_come_from_pint() -> None:
    assert convert(100, "degree_Fahrenheit", "degree_Celsius") == pytest.approx(37.7778, abs=1e-4)
    assert convert(-40, "degree_Celsius", "degree_Fahrenheit") == pytest.approx(-40)
    assert convert(77, "mile ** 2", "kilometer ** 2") == pytest.approx(199.43, abs=0.01)
