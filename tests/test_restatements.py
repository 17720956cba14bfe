"""Tests of claimbench.text.restatements: restatements in two units and the rounding rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claimbench.text.quantities import convert, extract_quantities
from claimbench.text.restatements import conversion_agrees, find_restatements

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------
# restatements and conversions
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("More than 77 square miles (200 square km)", "conversion"),
        ("500,000 square kilometers, or 193,000 square miles", "conversion"),
        ("a 39-foot-wide (12 meters) crater", "conversion"),
        ("a 106-acre (43-hectare) campus", "conversion"),
        ("17 kilometres per second or over 60,000 km/h", "conversion"),
        ("7’6 feet or 2.28 meters", "conversion"),
        ("the 300-metre [984ft] bridge", "conversion"),
        ("$10m (£6.4m)", "currency"),
        ("1m peso (£47,000)", "currency"),
        ("250 pounds (roughly $390)", "currency"),
        ("77 square miles (200 km)", "dimension_mismatch"),
    ],
)
def test_restatement_forms(text: str, kind: str) -> None:
    (r,) = find_restatements(text)
    assert r.kind == kind
    assert r.judged == (kind != "currency")


@pytest.mark.parametrize(
    "text",
    [
        "5 or 6 miles",
        "10 miles or 10 miles",
        "a 10-mile (30-minute) drive",
        "1366 x 768 (11-inch)",
        "seven miles",
    ],
)
def test_no_restatement(text: str) -> None:
    assert [r for r in find_restatements(text) if r.kind != "currency"] == []


def test_range_restatement_pairs_the_ends() -> None:
    low, high = find_restatements("5-10 miles (8-16 km)")
    assert (low.first.value, low.second.value, high.first.value, high.second.value) == (5, 8, 10, 16)
    assert conversion_agrees(low.first, low.second).consistent
    assert conversion_agrees(high.first, high.second).consistent


def _agree(text: str) -> bool:
    (r,) = find_restatements(text)
    return conversion_agrees(r.first, r.second).consistent


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        # the issue
        ("More than 77 square miles (200 square km)", True),
        ("only seven miles (20 kilometres) away", False),
        ("100 degrees Fahrenheit (38C)", True),
        ("100 degrees Fahrenheit (48C)", False),
        ("100 degrees Fahrenheit (56C)", False),  # converted without the offset
        ("-40C (-40F)", True),
        # the worked examples of the guideline (datasets/mosul-2016/GUIDELINES.md §9)
        ("The 300-metre (984ft) bridge", True),
        ("50 miles (80km)", True),
        ("a 40-mile (80km) pipeline", False),
        ("12 miles (20km)", True),
        ("215 miles (344km)", True),
        ("215 miles (375km)", False),
        ("215 miles (380km)", False),
        # the guideline's table calls "100 feet (33m)" inconsistent, but its own rule 4 (either direction
        # passes) makes it consistent: 33 m = 108.3 ft, inside [50, 150) for "100"; the rule is followed
        ("100 feet (33m)", True),
        ("100 feet (66m)", False),
        ("10 tonnes (22,000lb)", True),
        ("50 miles (100km)", True),
        # real FNC-1 text
        ("19 feet (5 meters) deep", False),
        ("22,000 miles (36,000 kilometers)", True),
        ("70 km (45 miles)", True),
        ("7’6 feet or 2.28 meters", True),
        ("934,200 square feet (86,800 square meters)", True),
        ("a fever of 106° (41C)", True),
        ("a fever of 106° (105C)", False),
    ],
)
def test_conversion_rule(text: str, consistent: bool) -> None:
    assert _agree(text) is consistent


def test_agreement_explains_the_arithmetic() -> None:
    (r,) = find_restatements("only seven miles (20 kilometres) away")
    ag = conversion_agrees(r.first, r.second)
    assert ag.verdict == "inconsistent"
    assert ag.expected == pytest.approx(11.265, abs=1e-3) or ag.expected == pytest.approx(12.427, abs=1e-3)
    assert "covers [" in ag.explanation
    assert "inconsistent" in ag.explanation


def test_currencies_are_never_converted() -> None:
    a, b = extract_quantities("$10m (£6.4m)")
    with pytest.raises(ValueError, match="no common physical dimension"):
        conversion_agrees(a, b)


_PAIRS = [
    ("miles", "mile", "km", "kilometer"),
    ("km", "kilometer", "miles", "mile"),
    ("feet", "foot", "metres", "meter"),
    ("metres", "meter", "feet", "foot"),
    ("square miles", "mile ** 2", "sq km", "kilometer ** 2"),
    ("acres", "acre", "hectares", "hectare"),
    ("pounds", "pound", "kg", "kilogram"),
    ("kg", "kilogram", "pounds", "pound"),
    ("stone", "stone", "kg", "kilogram"),
    ("mph", "mile / hour", "km/h", "kilometer / hour"),
    ("gallons", "gallon", "litres", "liter"),
]


def _written(value: float, sig: int) -> str:
    """``value`` rounded to ``sig`` significant figures, written plainly."""
    mag = math.floor(math.log10(abs(value)))
    decimals = max(0, sig - 1 - mag)
    rounded = round(value, decimals) if decimals else round(value, -(mag - sig + 1))
    return f"{rounded:.{decimals}f}" if decimals else f"{round(rounded)}"


@FAST
@given(
    st.integers(min_value=1, max_value=200_000),
    st.sampled_from(_PAIRS),
    st.integers(min_value=1, max_value=4),
)
def test_exact_conversion_always_agrees(n: int, pair: tuple[str, str, str, str], sig: int) -> None:
    w1, u1, w2, u2 = pair
    exact = convert(n, u1, u2)
    text = f"{n} {w1} ({_written(exact, sig)} {w2})"
    (r,) = find_restatements(text)
    assert conversion_agrees(r.first, r.second).consistent, text


@FAST
@given(
    st.integers(min_value=1, max_value=200_000),
    st.sampled_from(_PAIRS),
    st.integers(min_value=1, max_value=4),
    st.one_of(st.floats(min_value=2.2, max_value=50), st.floats(min_value=0.02, max_value=0.45)),
)
def test_a_figure_off_by_more_than_twice_never_agrees(
    n: int, pair: tuple[str, str, str, str], sig: int, factor: float
) -> None:
    w1, u1, w2, u2 = pair
    exact = convert(n, u1, u2)
    wrong = _written(exact * factor, sig)
    assume(float(wrong) > 0)
    ratio = float(wrong) / exact
    assume(ratio > 2 or ratio < 0.5)
    text = f"{n} {w1} ({wrong} {w2})"
    (r,) = find_restatements(text)
    assert not conversion_agrees(r.first, r.second).consistent, text


def test_slack_and_double_rounding_widen() -> None:
    (r,) = find_restatements("19 feet (5 meters)")
    assert not conversion_agrees(r.first, r.second).consistent
    assert not conversion_agrees(r.first, r.second, slack=0.5).consistent
    assert not conversion_agrees(r.first, r.second, double_rounding=True).consistent
    # 5 m may stand for 5.5 m = 18.04 ft, and "19" with slack 0.5 covers [18, 20)
    assert conversion_agrees(r.first, r.second, slack=0.5, double_rounding=True).consistent
    (r,) = find_restatements("215 miles (344km)")
    assert not conversion_agrees(r.first, r.second, relative_tolerance=0.0).consistent
