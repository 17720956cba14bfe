"""Build ``datasets/fnc1-conversions/claims.jsonl``: real unit restatements from FNC-1, plus slips.

What it makes
    A development set for the numeric-consistency task made of sentences that nobody here wrote: every
    sentence of the FNC-1 training bodies that states one quantity in two units ("39 feet (12 meters)",
    "500,000 square kilometers, or 193,000 square miles"), labelled by computing the conversion, plus
    inconsistent variants made by realistic editing slips (see ``ERROR_TYPES``), a few consistent
    re-roundings, temperature conversions added to real sentences, and real sentences with two currency
    amounts or other bracketed figures as controls (consistent: exchange rates are never judged).

How the gold labels are made (independently of the checker)
    The candidate sentences were found with the broad pattern of ``--candidates`` and read by eye. The
    figures of each kept sentence are written out by hand in ``SOURCES`` (text as printed, value, pint
    unit); the label comes from pint's conversion and the rounding rule of the README, and the script
    fails when the arithmetic disagrees with the label recorded at review (``expected``). Variants are
    made by editing the written figures and are kept only when they are *clearly* inconsistent: outside
    the rounding interval even when it is widened by one more unit in the last digit. Nothing here
    imports claimbench's checker or quantity parser.

Usage::

    python benchmarks/make_conversions_dev.py [--bodies ../shared/data/fnc1/train_bodies.csv]
        [--out datasets/fnc1-conversions] [--seed 20161018] [--candidates]

Prints a message and exits 0 when the FNC-1 file is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pint

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BODIES = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
DEFAULT_OUT = ROOT / "datasets" / "fnc1-conversions"
SOURCE_NAME = "FNC-1 train_bodies.csv"
VARIANTS_PER_SENTENCE = 3

UREG = pint.UnitRegistry()

# ---------------------------------------------------------------------------------------------------------
# The reviewed table
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fig:
    """One written figure: ``text`` exactly as printed, ``number`` the figure inside it as printed, its value
    (read by hand) and its pint unit. ``step`` overrides the precision (feet and inches: one inch)."""

    text: str
    number: str
    value: float
    unit: str
    step: float | None = None

    @property
    def unit_text(self) -> str:
        """What follows the number in ``text`` (" feet", "-acre", "km")."""
        return self.text[self.text.index(self.number) + len(self.number) :]


@dataclass(frozen=True)
class Source:
    """One reviewed sentence. ``pairs`` are the restatements it contains; ``expected`` is the label given at
    review; ``kind`` is "conversion" or "control" (currencies and other bracketed figures)."""

    body_id: int
    locator: str
    pairs: tuple[tuple[Fig, Fig], ...] = ()
    kind: str = "conversion"
    expected: str = "consistent"
    note: str = ""
    label: str = "not_applicable"  # controls only: the reviewed label


def f(text: str, value: float, unit: str, number: str | None = None, step: float | None = None) -> Fig:
    """A figure; ``number`` defaults to the leading number of ``text``."""
    if number is None:
        m = re.match(r"[\d,.]+(?:\s?(?:million|billion))?|[a-z]+", text)
        assert m is not None, text
        number = m.group(0)
    return Fig(text, number, value, unit, step)


MI, KM, M, FT = "mile", "kilometer", "meter", "foot"

SOURCES: tuple[Source, ...] = (
    Source(9, "crater 39 feet (12 meters) across", ((f("39 feet", 39, FT), f("12 meters", 12, M)),)),
    Source(
        9,
        "about 25,000 miles (40,000 kilometers)",
        ((f("25,000 miles", 25_000, MI), f("40,000 kilometers", 40_000, KM)),),
    ),
    Source(9, "60 feet (18 meters) long", ((f("60 feet", 60, FT), f("18 meters", 18, M)),)),
    Source(9, "about 1,000 feet (300 meters)", ((f("1,000 feet", 1000, FT), f("300 meters", 300, M)),)),
    Source(77, "about 110 kilometers (70 miles)", ((f("110 kilometers", 110, KM), f("70 miles", 70, MI)),)),
    Source(217, "a 12m-wide (40ft) crater", ((f("12m", 12, M), f("40ft", 40, FT)),)),
    Source(537, "200 kilometers (125 miles)", ((f("200 kilometers", 200, KM), f("125 miles", 125, MI)),)),
    Source(
        601,
        "hole 40 feet (12 meters) wide and 19 feet",
        ((f("40 feet", 40, FT), f("12 meters", 12, M)), (f("19 feet", 19, FT), f("5 meters", 5, M))),
        expected="inconsistent",
        note="real slip: 19 ft is 5.8 m and 5 m is 16.4 ft (other reports of this crater say 5 m / 16 ft)",
    ),
    Source(
        601,
        "22,000 miles (36,000 kilometers)",
        ((f("22,000 miles", 22_000, MI), f("36,000 kilometers", 36_000, KM)),),
    ),
    Source(
        601,
        "870,000 miles (1.4 million kilometers)",
        ((f("870,000 miles", 870_000, MI), f("1.4 million kilometers", 1.4e6, KM)),),
    ),
    Source(
        601, "about 40 feet (12 meters) across and rotates", ((f("40 feet", 40, FT), f("12 meters", 12, M)),)
    ),
    Source(702, "some 200km (125 miles)", ((f("200km", 200, KM), f("125 miles", 125, MI)),)),
    Source(
        715,
        "radius of 12 meters (39 feet)",
        ((f("12 meters", 12, M), f("39 feet", 39, FT)), (f("5 meters", 5, M), f("16 feet", 16, FT))),
    ),
    Source(
        966,
        "crater 12 metres (40ft) wide",
        ((f("12 metres", 12, M), f("40ft", 40, FT)), (f("five metres", 5, M), f("16ft", 16, FT))),
    ),
    Source(981, "300 kilometers (186 miles)", ((f("300 kilometers", 300, KM), f("186 miles", 186, MI)),)),
    Source(1006, "about 11 miles (18 kilometers)", ((f("11 miles", 11, MI), f("18 kilometers", 18, KM)),)),
    Source(
        1006,
        "934,200 square feet (86,800 square meters)",
        ((f("934,200 square feet", 934_200, "foot ** 2"), f("86,800 square meters", 86_800, "meter ** 2")),),
    ),
    Source(1006, "106-acre (43-hectare)", ((f("106-acre", 106, "acre"), f("43-hectare", 43, "hectare")),)),
    Source(1073, "crater 12m (40ft) wide and 5m deep", ((f("12m", 12, M), f("40ft", 40, FT)),)),
    Source(
        1073,
        "about 40,000km (25,000 miles)",
        ((f("40,000km", 40_000, KM), f("25,000 miles", 25_000, MI)),),
    ),
    Source(
        1123,
        "4 billion kilometers (2.5 billion miles)",
        ((f("4 billion kilometers", 4e9, KM), f("2.5 billion miles", 2.5e9, MI)),),
    ),
    Source(
        1166,
        "500,000 square kilometers, or 193,000 square miles",
        (
            (
                f("500,000 square kilometers", 500_000, "kilometer ** 2"),
                f("193,000 square miles", 193_000, "mile ** 2"),
            ),
        ),
    ),
    Source(1213, "39-foot-wide (12 meters) crater", ((f("39-foot", 39, FT), f("12 meters", 12, M)),)),
    Source(1213, "about 3 feet (1 m) wide", ((f("3 feet", 3, FT), f("1 m", 1, M)),)),
    Source(1341, "which is 70 km (45 miles) south", ((f("70 km", 70, KM), f("45 miles", 45, MI)),)),
    Source(
        1594,
        "over 12 metres (39 feet) wide and about 1.5 metres (5 feet) deep",
        ((f("12 metres", 12, M), f("39 feet", 39, FT)), (f("1.5 metres", 1.5, M), f("5 feet", 5, FT))),
    ),
    Source(
        1594,
        "17 kilometres per second or over 60,000 km/h",
        (
            (
                f("17 kilometres per second", 17, "kilometer / second"),
                f("60,000 km/h", 60_000, "kilometer / hour"),
            ),
        ),
    ),
    Source(1613, "about 120 miles (193 km)", ((f("120 miles", 120, MI), f("193 km", 193, KM)),)),
    Source(1722, "12 meters (40 feet) across", ((f("12 meters", 12, M), f("40 feet", 40, FT)),)),
    Source(1790, "crater 12 meters (40 feet) wide", ((f("12 meters", 12, M), f("40 feet", 40, FT)),)),
    Source(1795, "132 miles (212 kilometers)", ((f("132 miles", 132, MI), f("212 kilometers", 212, KM)),)),
    Source(1895, "35 miles (56 kilometers)", ((f("35 miles", 35, MI), f("56 kilometers", 56, KM)),)),
    Source(
        1912, "about 120 miles (200 kilometres)", ((f("120 miles", 120, MI), f("200 kilometres", 200, KM)),)
    ),
    Source(1979, "40-pound (18 kilos)", ((f("40-pound", 40, "pound"), f("18 kilos", 18, "kilogram")),)),
    Source(
        1979, "38 pounds (17.2 kilos)", ((f("38 pounds", 38, "pound"), f("17.2 kilos", 17.2, "kilogram")),)
    ),
    Source(
        1979,
        "7’6 feet or 2.28 meters",
        ((f("7’6 feet", 7.5, FT, number="7’6", step=1 / 12), f("2.28 meters", 2.28, M)),),
        note="7 ft 6 in = 2.286 m",
    ),
    Source(1982, "105 miles (170 kilometers)", ((f("105 miles", 105, MI), f("170 kilometers", 170, KM)),)),
    Source(1982, "about 70 miles (110 kilometers)", ((f("70 miles", 70, MI), f("110 kilometers", 110, KM)),)),
    Source(2196, "20 stone (127kg)", ((f("20 stone", 20, "stone"), f("127kg", 127, "kilogram")),)),
    Source(2406, "about 90 miles (145 kilometers)", ((f("90 miles", 90, MI), f("145 kilometers", 145, KM)),)),
    # controls: two currencies (never judged), alternatives, bracketed figures that are not conversions
    Source(
        105,
        "$350 (roughly Rs. 21,700)",
        kind="control",
        note="$350 / 100 = $3.50 and Rs. 21,700 / 100 = Rs. 217, as stated per device",
        label="consistent",
    ),
    Source(168, "many suggesting $4,000 or $5,000", kind="control", note="alternative prices"),
    Source(168, "Certainly not $2,000 or $3,000", kind="control", note="alternative prices"),
    Source(418, "even at $4,000 or $5,000", kind="control", note="alternative prices"),
    Source(461, "1m peso (£47,000)", kind="control", note="a currency restatement"),
    Source(562, "closer to $550, or $575 to $600", kind="control", note="alternative prices"),
    Source(615, "250 pounds (roughly $390", kind="control", note="a currency restatement (pounds sterling)"),
    Source(645, "upwards of $10,000 (£6,500/€8,800)", kind="control", note="a currency restatement"),
    Source(707, "1 yuan (US$0.16)", kind="control", note="a currency restatement"),
    Source(850, "million ($1.78m) home", kind="control", note="a currency restatement"),
    Source(931, "$10m (£6.4m) bounty", kind="control", note="a currency restatement"),
    Source(983, "1 million pesos ($74,000)", kind="control", note="a currency restatement"),
    Source(1256, "up to $7m (£4.2m)", kind="control", note="a currency restatement"),
    Source(1364, "£300 ($460)", kind="control", note="a currency restatement"),
    Source(1384, "RMB 70,000 (US$11,200)", kind="control", note="currency restatements"),
    Source(1707, "$200 (£105)", kind="control", note="a currency restatement"),
    Source(
        1791,
        "$500m last year alone ($250m each",
        kind="control",
        note="parts and total (C3): 2 × $250m = $500m",
        label="consistent",
    ),
    Source(1795, "1 million peso ($75,000)", kind="control", note="a currency restatement"),
    Source(1909, "$40 (£26) million", kind="control", note="a currency restatement"),
    Source(
        2283,
        "$US10 million ($11.84 million)",
        kind="control",
        note="US and Australian dollars: two currencies",
    ),
    Source(2421, "around $500 or $600", kind="control", note="alternative prices"),
    Source(524, "1366 x 768 (11-inch)", kind="control", note="screen resolutions and sizes, not conversions"),
)

# Real sentences with one temperature: a conversion is added after it (consistent), or added with an error.
TEMPERATURES: tuple[tuple[int, str, Fig, str], ...] = (
    (483, "temperature reached 34 Celsius", f("34 Celsius", 34, "degree_Celsius"), "degree_Fahrenheit"),
    (965, "up to 26C in the summer", f("26C", 26, "degree_Celsius"), "degree_Fahrenheit"),
    (
        1991,
        "up to 79 degrees Fahrenheit",
        f("79 degrees Fahrenheit", 79, "degree_Fahrenheit"),
        "degree_Celsius",
    ),
    (1335, "a fever of 106°", f("106°", 106, "degree_Fahrenheit"), "degree_Celsius"),
)
_TEMP_SUFFIX = {"degree_Fahrenheit": "F", "degree_Celsius": "C"}

# ---------------------------------------------------------------------------------------------------------
# The rounding rule (the guideline in README.md), written here independently of the checker
# ---------------------------------------------------------------------------------------------------------


def digits_of(number: str) -> str:
    """The digits of a written figure ("1,000" → "1000", "1.4 million" → "1.4", "five" → "5")."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", number)
    if m:
        return m.group(0).replace(",", "")
    words = {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
    }
    return str(words[number.lower()])


def sig_figs(number: str) -> int:
    """Significant figures; trailing zeros of a whole number are not significant."""
    d = digits_of(number)
    if "." in d:
        return max(1, len(d.replace(".", "").lstrip("0")))
    return max(1, len(d.strip("0")))


def steps(fig: Fig) -> tuple[float, float]:
    """(one unit in the last significant digit, one unit in the last written digit), in ``fig.unit``."""
    if fig.step is not None:
        return fig.step, fig.step
    d = digits_of(fig.number)
    scale = fig.value / float(d) if float(d) else 1.0
    if "." in d:
        s = 10.0 ** -len(d.split(".")[1]) * scale
        return s, s
    zeros = len(d) - len(d.rstrip("0"))
    return 10.0**zeros * scale, scale


def conv(value: float, src: str, dst: str) -> float:
    """pint's conversion."""
    return float(UREG.Quantity(value, src).to(dst).magnitude)


def dimension(unit: str) -> str:
    return str(UREG.Quantity(1.0, unit).dimensionality)


def fmt(x: float) -> str:
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if mag >= 5:
        return f"{x:,.0f}"
    s = f"{x:,.{max(0, 3 - mag)}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def uname(unit: str) -> str:
    return unit.replace("_", " ").replace(" ** 2", "²").replace(" ** 3", "³")


def judge(a: Fig, b: Fig, margin: bool = False) -> tuple[bool, str]:
    """Whether ``a`` and ``b`` agree by rule C1 of ``datasets/mosul-2016/GUIDELINES.md`` §9: the exact
    conversion of one figure (taken as exact as written) lies in the other's rounding interval
    [y − u/2, y + u/2), or within 5 % of it when it has three or more significant figures; either direction.
    With ``margin`` the test is deliberately lenient (interval widened by one more unit u on each side, 10 %
    for every figure): a variant is kept only when it fails even that, so no variant is borderline. Also
    returns the arithmetic as one sentence."""
    if dimension(a.unit) != dimension(b.unit):
        return False, (
            f"'{a.text}' is {uname(a.unit)} but '{b.text}' is {uname(b.unit)}: "
            "a restatement cannot change the dimension"
        )
    lines = []
    for src, tgt in ((a, b), (b, a)):
        unit, _ = steps(tgt)
        sf = 3 if tgt.step is not None else sig_figs(tgt.number)
        lo, hi = tgt.value - unit / 2, tgt.value + unit / 2
        rel = 0.10 if margin else (0.05 if sf >= 3 else 0.0)
        if margin:
            lo, hi = lo - unit, hi + unit
        lo, hi = min(lo, tgt.value * (1 - rel)), max(hi, tgt.value * (1 + rel))
        exact = conv(src.value, src.unit, tgt.unit)
        ok = lo <= exact < hi
        shown = "3+" if tgt.step is not None else str(sf)
        extra = " or within 5%" if sf >= 3 and not margin else ""
        lines.append(
            f"{fmt(src.value)} {uname(src.unit)} = {fmt(exact)} {uname(tgt.unit)}, "
            f"{'inside' if ok else 'outside'} '{tgt.text}' ({shown} s.f.{extra}: [{fmt(lo)}, {fmt(hi)}))"
        )
        if ok:
            return True, lines[-1]
    return False, "; ".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Error types: the slips an editor makes when converting
# ---------------------------------------------------------------------------------------------------------

ERROR_TYPES: dict[str, str] = {
    "inverted_factor": "the conversion factor applied the wrong way round (divided instead of multiplied: "
    "miles to km with 0.62)",
    "unconverted": "the source figure copied into the brackets unconverted ('39 feet (39 meters)')",
    "linear_factor_for_area": "an area converted with the linear factor (square miles × 1.609)",
    "dropped_square": "'square' dropped from the converted unit, so an area is restated as a length",
    "order_of_magnitude": "a zero added or dropped (×10 or ÷10) in the converted figure",
    "digit_dropped": "one digit of the converted figure lost ('186' → '18')",
    "transposed_digits": "two adjacent digits of the converted figure swapped ('56' → '65')",
    "misplaced_decimal": "the decimal point of the converted figure moved by one place ('17.2' → '1.72')",
    "stale_conversion": "the first figure updated (or mistyped) but its conversion left as it was",
    "swapped_units": "the two unit names exchanged ('39 meters (12 feet)')",
    "confused_unit": "converted as if from a neighbouring unit (nautical for statute miles, yards for feet)",
    "no_offset": "a temperature converted with the scale factor only, without the 32-degree offset",
    "offset_sign": "a temperature converted with the 32-degree offset of the wrong sign",
}
CONSISTENT_PERTURBATIONS: dict[str, str] = {
    "rerounded": "the converted figure recomputed exactly and written with one more (or one fewer) "
    "significant figure: still consistent",
    "added_conversion": "a correct temperature conversion added after the figure in a real sentence",
}
_CONFUSABLE = {MI: "nautical_mile", FT: "yard", M: "yard", KM: "nautical_mile"}


def write_like(value: float, like: str, sig: int) -> str:
    """``value`` (in the figure's unit) written with ``sig`` significant figures in the style of ``like``:
    its thousands separators, its scale word ("1.4 million"), no decimals when it had none (unless < 1)."""
    scale_word = ""
    m = re.search(r"\s?(million|billion)", like)
    if m and abs(value) >= (1e6 if m.group(1) == "million" else 1e9):
        scale_word = m.group(0)
        value /= 1e6 if m.group(1) == "million" else 1e9
    if value == 0:
        return "0" + scale_word
    mag = math.floor(math.log10(abs(value)))
    decimals = max(0, sig - 1 - mag)
    if "." not in digits_of(like) and abs(value) >= 1:
        decimals = 0
    rounded = round(value, decimals if decimals else -max(0, mag - sig + 1))
    text = f"{rounded:.{decimals}f}" if decimals else f"{round(rounded):,}"
    return text + scale_word


def _with_number(fig: Fig, number: str, value: float) -> Fig:
    return Fig(fig.text.replace(fig.number, number, 1), number, value, fig.unit)


Variant = tuple[Fig, Fig, str]  # new first figure, new second figure, what was done


def v_inverted(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    if "degree" in a.unit:
        return None
    factor = conv(1.0, a.unit, b.unit)
    if not 0.1 <= factor <= 10:
        return None  # km/s to km/h (× 3600) is not a factor anyone inverts by mistake
    wrong = a.value / factor
    n = write_like(wrong, b.number, max(sig_figs(b.number), 2))
    return a, _with_number(b, n, float(digits_of(n)) * _scale(b)), f"{fmt(a.value)} ÷ {fmt(factor)}"


def _scale(fig: Fig) -> float:
    return fig.value / float(digits_of(fig.number)) if float(digits_of(fig.number)) else 1.0


def v_unconverted(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    number = a.number if a.number[0].isdigit() else digits_of(a.number)
    return a, _with_number(b, number, a.value), "figure copied"


def v_linear_area(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    dim = dimension(a.unit)
    if dim not in ("[length] ** 2", "[length] ** 3"):
        return None
    power = 2 if dim.endswith("2") else 3
    factor = conv(1.0, a.unit, b.unit) ** (1 / power)
    wrong = a.value * factor
    n = write_like(wrong, b.number, max(sig_figs(b.number), 2))
    return a, _with_number(b, n, float(digits_of(n)) * _scale(b)), f"{fmt(a.value)} × {fmt(factor)} (linear)"


def v_dropped_square(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    if not b.unit.endswith("** 2"):
        return None
    text = re.sub(r"(?i)square[ -]|sq\.? ", "", b.text, count=1).replace("²", "")
    if text == b.text:
        return None
    return a, Fig(text, b.number, b.value, b.unit.replace(" ** 2", "")), "'square' dropped"


def v_order(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    k = rng.choice((10.0, 0.1))
    if k == 0.1 and b.value / _scale(b) < 10 and "." not in b.number:
        k = 10.0
    n = write_like(b.value * k, b.number, sig_figs(b.number))
    return a, _with_number(b, n, float(digits_of(n)) * _scale(b)), f"× {k:g}"


def _digits_edit(b: Fig, edit: Callable[[str], str | None]) -> Fig | None:
    d = digits_of(b.number)
    new = edit(d)
    if new is None or new == d or not new or (new.startswith("0") and not new.startswith("0.")):
        return None
    if new.startswith(".") or new.endswith("."):
        return None
    n = new
    if "," in b.number and "." not in new and len(new) > 3:
        n = f"{int(new):,}"
    value = float(new) * _scale(b)
    return _with_number(
        b, b.number.replace(digits_of(b.number) if "," not in b.number else b.number, n, 1), value
    )


def v_digit_dropped(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    d = digits_of(b.number)
    positions = [i for i, c in enumerate(d) if c.isdigit()]
    if len(positions) < 2:
        return None
    i = rng.choice(positions)
    nb = _digits_edit(b, lambda s: s[:i] + s[i + 1 :])
    return (a, nb, f"digit {d[i]} dropped") if nb is not None else None


def v_transposed(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    d = digits_of(b.number)
    pairs = [i for i in range(len(d) - 1) if d[i].isdigit() and d[i + 1].isdigit() and d[i] != d[i + 1]]
    if not pairs:
        return None
    i = rng.choice(pairs)
    nb = _digits_edit(b, lambda s: s[:i] + s[i + 1] + s[i] + s[i + 2 :])
    return (a, nb, "digits swapped") if nb is not None else None


def v_decimal(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    d = digits_of(b.number)
    if "." not in d:
        return None
    i = d.index(".")
    plain = d.replace(".", "")
    j = i + rng.choice((-1, 1))
    if j <= 0 or j >= len(plain):
        j = i - 1 if j >= len(plain) else i + 1
    if j <= 0 or j >= len(plain):
        return None
    nb = _digits_edit(b, lambda s: plain[:j] + "." + plain[j:])
    return (a, nb, "decimal point moved") if nb is not None else None


def v_stale(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    r = rng.choice((0.5, 0.6, 0.75, 1.3, 1.5, 2.0))
    if a.step is not None:
        return None
    n = write_like(a.value * r, a.number, max(sig_figs(a.number), 1))
    if a.number == "five":
        return None
    return _with_number(a, n, float(digits_of(n)) * _scale(a)), b, f"first figure × {r:g}"


def v_swapped(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    ua, ub = a.unit_text, b.unit_text
    if not ua.strip("- ") or not ub.strip("- "):
        return None
    # keep each figure's own joint (space or hyphen), exchange the unit names
    ja = re.match(r"[\s-]*", ua)
    jb = re.match(r"[\s-]*", ub)
    assert ja is not None
    assert jb is not None

    def joint(j: str, unit: str) -> str:
        return " " if not j and len(unit) > 3 else j  # "40,000km" becomes "40,000 miles", not "40,000miles"

    na = a.text[: len(a.text) - len(ua)] + joint(ja.group(0), ub[jb.end() :]) + ub[jb.end() :]
    nb = b.text[: len(b.text) - len(ub)] + joint(jb.group(0), ua[ja.end() :]) + ua[ja.end() :]
    return Fig(na, a.number, a.value, b.unit, a.step), Fig(nb, b.number, b.value, a.unit), "units exchanged"


def v_confused(a: Fig, b: Fig, rng: random.Random) -> Variant | None:
    wrong_unit = _CONFUSABLE.get(a.unit)
    if wrong_unit is None or dimension(b.unit) != "[length]" or wrong_unit == b.unit:
        return None
    wrong = conv(a.value, wrong_unit, b.unit)
    n = write_like(wrong, b.number, max(sig_figs(b.number), 2))
    return a, _with_number(b, n, float(digits_of(n)) * _scale(b)), f"{a.unit} read as {wrong_unit}"


GENERATORS: dict[str, Callable[[Fig, Fig, random.Random], Variant | None]] = {
    "inverted_factor": v_inverted,
    "unconverted": v_unconverted,
    "linear_factor_for_area": v_linear_area,
    "dropped_square": v_dropped_square,
    "order_of_magnitude": v_order,
    "digit_dropped": v_digit_dropped,
    "transposed_digits": v_transposed,
    "misplaced_decimal": v_decimal,
    "stale_conversion": v_stale,
    "swapped_units": v_swapped,
    "confused_unit": v_confused,
}
_SPECIFIC = ("linear_factor_for_area", "dropped_square", "misplaced_decimal")

# ---------------------------------------------------------------------------------------------------------
# Building the claims
# ---------------------------------------------------------------------------------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“‘(])|\n+")


def sentences(body: str) -> Iterator[str]:
    for s in _SENTENCE_SPLIT.split(body):
        s = s.strip()
        if s:
            yield s


def find_sentence(bodies: dict[int, str], body_id: int, locator: str) -> str:
    hits = [s for s in sentences(bodies[body_id]) if locator in s]
    if len(set(hits)) != 1:
        raise SystemExit(f"Body ID {body_id}: locator {locator!r} matches {len(set(hits))} sentences")
    return hits[0]


def replace_fig(sentence: str, old: Fig, new: Fig, after: int = 0) -> tuple[str, int]:
    i = sentence.index(old.text, after)
    return sentence[:i] + new.text + sentence[i + len(old.text) :], i + len(new.text)


@dataclass
class Record:
    text: str
    label: str
    rationale: str
    body_id: int
    perturbation: str | None


def label_pairs(pairs: list[tuple[Fig, Fig]]) -> tuple[str, str]:
    verdicts = [judge(a, b) for a, b in pairs]
    label = "consistent" if all(ok for ok, _ in verdicts) else "inconsistent"
    return label, "; ".join(text for _, text in verdicts) + f" → {label}."


def build(bodies: dict[int, str], seed: int) -> list[Record]:
    records: list[Record] = []
    seen_texts: set[str] = set()
    counts: Counter[str] = Counter()
    for src in SOURCES:
        sentence = find_sentence(bodies, src.body_id, src.locator)
        key = re.sub(r"[“”\"’']", "", sentence)
        if key in seen_texts:
            continue
        seen_texts.add(key)
        if src.kind == "control":
            why = (
                f"Consistent: {src.note}; no conversion to judge (amounts of money in two currencies are not "
                "judged)."
                if src.label == "consistent"
                else f"Not applicable: {src.note}, so no check applies (exchange rates are not judged)."
            )
            records.append(Record(sentence, src.label, why, src.body_id, None))
            continue
        for a, b in src.pairs:
            if a.text not in sentence or b.text not in sentence:
                raise SystemExit(f"Body ID {src.body_id}: {a.text!r} or {b.text!r} not in {sentence!r}")
            assert dimension(a.unit) == dimension(b.unit)
        label, rationale = label_pairs(list(src.pairs))
        if label != src.expected:
            raise SystemExit(
                f"Body ID {src.body_id}: arithmetic says {label}, review said {src.expected}: {rationale}"
            )
        if src.note:
            rationale = rationale[:-1] + f" ({src.note})."
        records.append(Record(sentence, label, rationale, src.body_id, None))
        if src.expected != "consistent":
            continue
        rng = random.Random(f"{seed}:{src.body_id}:{src.locator}")
        which = rng.randrange(len(src.pairs))
        a, b = src.pairs[which]
        others = [p for i, p in enumerate(src.pairs) if i != which]
        order = list(GENERATORS)
        rng.shuffle(order)
        specific = [t for t in order if t in _SPECIFIC]
        order = specific + [t for t in order if t not in specific]
        made = 0
        made_texts: set[str] = set()
        for kind in order:
            if made == VARIANTS_PER_SENTENCE:
                break
            got = GENERATORS[kind](a, b, rng)
            if got is None:
                continue
            na, nb, how = got
            if (na.text, nb.text) == (a.text, b.text):
                continue
            clear, _ = judge(na, nb, margin=True)
            if clear:
                continue  # not clearly wrong: an honest set has no borderline variants
            text = sentence
            pos = sentence.index(a.text)
            text, end = replace_fig(text, a, na, pos)
            text, _ = replace_fig(text, b, nb, end)
            if text == sentence or text in made_texts:
                continue
            made_texts.add(text)
            lab, why = label_pairs([(na, nb), *others])
            assert lab == "inconsistent"
            records.append(Record(text, lab, f"Error '{kind}' ({how}): {why}", src.body_id, kind))
            counts[kind] += 1
            made += 1
        if rng.random() < 0.35 and "degree" not in a.unit:
            exact = conv(a.value, a.unit, b.unit)
            sig = sig_figs(b.number) + 1 if sig_figs(b.number) <= 2 else sig_figs(b.number) - 1
            n = write_like(exact, b.number, sig)
            nb = _with_number(b, n, float(digits_of(n)) * _scale(b))
            ok, _ = judge(a, nb)
            if ok and nb.text != b.text:
                text, _ = replace_fig(sentence, b, nb, sentence.index(a.text) + len(a.text))
                lab, why = label_pairs([(a, nb), *others])
                records.append(Record(text, lab, f"Re-rounded ({sig} s.f.): {why}", src.body_id, "rerounded"))
    for body_id, locator, fig, to_unit in TEMPERATURES:
        sentence = find_sentence(bodies, body_id, locator)
        exact = conv(fig.value, fig.unit, to_unit)
        factor = conv(1.0, fig.unit, to_unit) - conv(0.0, fig.unit, to_unit)
        variants = [
            ("added_conversion", exact),
            ("no_offset", fig.value * factor),
            (
                "offset_sign",
                conv(fig.value, fig.unit, to_unit) + (64.0 if to_unit.endswith("Celsius") else -64.0),
            ),
        ]
        for kind, value in variants:
            n = str(round(value))
            added = Fig(f"{n}{_TEMP_SUFFIX[to_unit]}", n, float(n), to_unit)
            text = sentence.replace(fig.text, f"{fig.text} ({added.text})", 1)
            if kind != "added_conversion":
                clear, _ = judge(fig, added, margin=True)
                if clear:
                    continue
            lab, why = label_pairs([(fig, added)])
            assert (lab == "consistent") == (kind == "added_conversion"), (kind, why)
            prefix = (
                "Conversion added" if kind == "added_conversion" else f"Conversion added with error '{kind}'"
            )
            records.append(Record(text, lab, f"{prefix}: {why}", body_id, kind))
    return records


def to_claims(records: list[Record]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(records, start=1):
        out.append(
            {
                "id": f"fnc1conv-{i:04d}",
                "text": r.text,
                "section": "body",
                "claim_type": "numeric",
                "check_worthiness": "medium",
                "numeric_consistency": {"label": r.label, "rationale": r.rationale},
                "provenance": {
                    "source": SOURCE_NAME,
                    "record": f"Body ID {r.body_id}",
                    "perturbation": r.perturbation,
                },
            }
        )
    return out


# ---------------------------------------------------------------------------------------------------------
# Candidate listing (for review)
# ---------------------------------------------------------------------------------------------------------

_U = (
    r"(?:square |sq\.? |cubic )?(?:miles?|mi|kilomet(?:er|re)s?|km|kms|met(?:er|re)s?|m|feet|foot|ft"
    r"|inch(?:es)?|yards?|acres?|hectares?|pounds?|lbs?|kilos?|kilograms?|kg|stones?|st|tonnes?|tons?|mph|km/h|kph|gallons?"
    r"|lit(?:er|re)s?|degrees?(?: fahrenheit| celsius| f| c)?|fahrenheit|celsius|°[fc]|[fc]|knots?|ounces?|oz"
    r"|grams?|g)"
)
_NUM = r"(?:\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred)"
_FIG = _NUM + r"(?:\s?(?:million|billion|thousand))?(?:[\s-]?|’\d+\s)" + _U + r"\b"
_CUR = (
    r"(?:US\$|\$US|\$|£|€|¥|Rs\.?\s?|RMB\s?)\s?\d[\d,.]*(?:\s?(?:m|bn|million|billion|k)\b)?"
    r"|\d[\d,.]*(?:\s?(?:m|million|billion))?\s(?:dollars|euros|pounds|yuan|pesos?|rupees)\b"
)
CANDIDATE_PATTERNS = (
    re.compile(r"(" + _FIG + r")([^.;]{0,30}?(?:\(|\bor\b|/|—)[^.;]{0,12}?)(" + _FIG + r")", re.I),
    re.compile(r"(" + _CUR + r")(\s*(?:\(|\bor\b|/)\s*(?:about |roughly |around )?)(" + _CUR + r")", re.I),
)


def list_candidates(bodies: dict[int, str]) -> None:
    known = {(s.body_id, s.locator) for s in SOURCES}
    seen: set[str] = set()
    for body_id, body in bodies.items():
        for sentence in sentences(body):
            for pattern in CANDIDATE_PATTERNS:
                m = pattern.search(sentence)
                if m is None or sentence in seen:
                    continue
                seen.add(sentence)
                mark = "*" if any(b == body_id and loc in sentence for b, loc in known) else " "
                print(f"{mark} {body_id:5d} | {m.group(1)} | {m.group(3)} | {sentence[:200]}")


def read_bodies(path: Path) -> dict[int, str]:
    csv.field_size_limit(1 << 24)
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=Path, default=DEFAULT_BODIES, help="FNC-1 train_bodies.csv")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="dataset directory to write claims.jsonl to"
    )
    parser.add_argument("--seed", type=int, default=20161018)
    parser.add_argument(
        "--candidates", action="store_true", help="list candidate sentences for review and stop"
    )
    args = parser.parse_args(argv)
    if not args.bodies.is_file():
        print(f"FNC-1 bodies not found at {args.bodies}; nothing to do (see ../shared/data/fnc1/README.md).")
        return 0
    bodies = read_bodies(args.bodies)
    if args.candidates:
        list_candidates(bodies)
        return 0
    records = build(bodies, args.seed)
    claims = to_claims(records)
    try:  # validate against the claim schema when claimbench is importable
        sys.path.insert(0, str(ROOT / "toolkit"))
        from claimbench.data.schema import schema_problems

        problems = [
            p for i, c in enumerate(claims, 1) for p in schema_problems(c, "claim", "claims.jsonl", i)
        ]
        if problems:
            raise SystemExit("\n".join(str(p) for p in problems))
    except ImportError:
        print("claimbench not importable: schema not checked", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "claims.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for c in claims:
            handle.write(json.dumps(c, ensure_ascii=False) + "\n")
    labels = Counter(r.label for r in records)
    kinds = Counter(r.perturbation or "(real text)" for r in records)
    print(f"wrote {len(claims)} claims to {path}")
    print("labels:", dict(sorted(labels.items())))
    print("by perturbation:", dict(sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
