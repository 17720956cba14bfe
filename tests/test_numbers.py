"""Tests of claimbench.text.numbers: one number as written, significant figures, precision steps."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench.text.numbers import parse_number, precision_step, significant_figures

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------------------
# parse_number
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30,000", 30_000),
        ("200,000", 200_000),
        ("1.5million", 1.5e6),
        ("1.5 million", 1.5e6),
        ("1.5 bn", 1.5e9),
        ("1.5bn", 1.5e9),
        ("200k", 200_000),
        ("3 trillion", 3e12),
        ("seven", 7),
        ("two", 2),
        ("Twenty-seven", 27),
        ("twenty seven", 27),
        ("a hundred", 100),
        ("a dozen", 12),
        ("two hundred thousand", 200_000),
        ("three hundred and fifty", 350),
        ("one million two hundred thousand", 1_200_000),
        ("$2.5m", 2.5e6),
        ("-40", -40),
        ("0.16", 0.16),
        ("1,234.5", 1234.5),
    ],
)
def test_parse_number_hand_cases(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "7 7", "seven seven", "seven miles", "1.2.3", "twenty-"])
def test_parse_number_rejects_what_is_not_one_number(text: str) -> None:
    assert parse_number(text) is None


@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_any_int_with_thousands_separators_parses_back(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


_UNITS_W = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS_W = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen")
_TEENS_W = (*_TEENS_W, "nineteen")
_TENS_W = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _words(n: int, sep: str) -> str:
    """English words for 0–99, written independently of the parser."""
    if n < 10:
        return _UNITS_W[n]
    if n < 20:
        return _TEENS_W[n - 10]
    tens, unit = divmod(n, 10)
    return _TENS_W[tens - 2] + (sep + _UNITS_W[unit] if unit else "")


@FAST
@given(st.integers(min_value=0, max_value=99), st.sampled_from(["-", " "]), st.booleans())
def test_number_words_up_to_99_parse_back(n: int, sep: str, title: bool) -> None:
    words = _words(n, sep)
    assert parse_number(words.title() if title else words) == n


@FAST
@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(
        [("", 1), (" thousand", 1e3), ("million", 1e6), (" million", 1e6), (" bn", 1e9), ("bn", 1e9)]
    ),
    st.sampled_from(["", ".5", ".25"]),
)
def test_scales_multiply(n: int, scale: tuple[str, float], decimals: str) -> None:
    word, factor = scale
    value = parse_number(f"{n}{decimals}{word}")
    assert value == pytest.approx(float(f"{n}{decimals}") * factor)


# ---------------------------------------------------------------------------------------------------------
# significant figures
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sf"),
    [
        ("200", 1),
        ("20", 1),
        ("38", 2),
        ("984", 3),
        ("86,800", 3),
        ("1,200", 2),
        ("22,000", 2),
        ("1.4 million", 2),
        ("1.5million", 2),
        ("0.16", 2),
        ("3.0", 2),
        ("49.7", 3),
        ("100.0", 4),
        ("seven", 1),
        ("twenty-seven", 2),
        ("0", 1),
    ],
)
def test_significant_figures(written: str, sf: int) -> None:
    assert significant_figures(written) == sf


def test_precision_steps() -> None:
    assert precision_step("200", 200) == (100, 1)
    assert precision_step("38", 38) == (1, 1)
    assert precision_step("1.4 million", 1.4e6) == pytest.approx((1e5, 1e5))
    assert precision_step("17.2", 17.2) == pytest.approx((0.1, 0.1))
