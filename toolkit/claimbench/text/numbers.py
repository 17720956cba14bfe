"""Numbers as news text writes them: digits, scales and number words, and the precision they show.

``parse_number`` reads one number as written ("30,000", "1.5million", "1.5 bn", "twenty-seven");
``significant_figures`` and ``precision_step`` give the precision a writer used (the rounding rule of
:mod:`claimbench.text.quantities`); ``NUMBER_RE``, ``SCALE_RE`` and ``words_value`` are the pieces
:func:`claimbench.text.quantities.extract_quantities` finds figures with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = [
    "NUMBER_RE",
    "SCALE_RE",
    "SCALE_WORDS",
    "UNDER_HUNDRED",
    "WORD_SPLIT_RE",
    "leading_figure",
    "parse_number",
    "precision_step",
    "significant_figures",
    "words_value",
]

_SMALL_TEXT: Final = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_SMALL: Final = {w: i for i, w in enumerate(_SMALL_TEXT.split())}
_TENS_TEXT: Final = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS: Final = {w: 10 * (i + 2) for i, w in enumerate(_TENS_TEXT.split())}
_BIG: Final = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORDS: Final = sorted([*_SMALL, *_TENS, "hundred", *_BIG, "dozen"], key=lambda w: (-len(w), w))
UNDER_HUNDRED: Final = frozenset({*_SMALL, *_TENS})
"""The number words below a hundred ("seven", "twenty"): not a counted noun after a figure."""
_WORD_ATOM: Final = "(?:" + "|".join(_NUMBER_WORDS) + ")"

NUMBER_RE: Final = re.compile(
    r"(?:(?<![\w.,/:])|(?<=\$US)|(?<=Rs)|(?<=RMB)|(?<=USD)|(?<=GBP)|(?<=EUR))(?<![A-Za-z]-)(?P<d>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?)(?![.,]\d)"
    r"|(?<![\w\-])(?P<w>(?i:(?:an?[ \t]+(?=(?:hundred|thousand|million|billion|dozen)\b))?"
    + _WORD_ATOM
    + r"(?:(?:[ \t]+|[ \t]*-[ \t]*|[ \t]+and[ \t]+)"
    + _WORD_ATOM
    + r")*)\b)"
)
WORD_SPLIT_RE: Final = re.compile(r"[\s\-]+")

SCALE_WORDS: Final = {
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
SCALE_RE: Final = re.compile(
    r"(?:[ \t\u00a0\u2009\u202f]?|[ \t\u00a0\u2009\u202f]?-[ \t\u00a0\u2009\u202f]?)"
    r"(?P<s>(?i:million|billion|trillion|thousand|lakh|crore|mln|bln|trn|mn|bn|tn)|[kKmMbB])(?![A-Za-z0-9])"
)


def words_value(tokens: Sequence[str]) -> tuple[float, int] | None:
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
    digits = leading_figure(written)
    if digits is None:
        return 1
    if "." in digits:
        body = digits.replace(".", "").lstrip("0")
        return max(1, len(body))
    body = digits.lstrip("0").rstrip("0")
    return max(1, len(body))


def leading_figure(written: str) -> str | None:
    """The digits of a figure ("30,000" → "30000", "seven" → "7"), or ``None``."""
    m = re.search(r"\d[\d,\u00a0\u202f\u2009]*(?:\.\d+)?", written)
    if m is not None:
        return re.sub(r"[,\u00a0\u202f\u2009]", "", m.group(0))
    tokens = [t for t in WORD_SPLIT_RE.split(written.strip()) if t]
    got = words_value(tokens) if tokens else None
    if got is None:
        return None
    return str(int(got[0]))


def precision_step(written: str, value: float) -> tuple[float, float]:
    """(loose, tight) rounding steps of a figure in the units of ``value``.

    *loose* is one unit in the last significant digit (trailing zeros of whole numbers not significant):
    "200" → 100, "38" → 1, "1.4 million" → 100,000. *tight* is one unit in the last written digit: "200"
    → 1, "1.4 million" → 100,000. A figure stands for ``value ± step/2``.
    """
    digits = leading_figure(written)
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
    m = NUMBER_RE.match(s)
    if m is None:
        return None
    if m.group("d") is not None:
        value = float(re.sub(r"[,\u00a0\u202f\u2009]", "", m.group("d")))
        end = m.end()
        sm = SCALE_RE.match(s, end)
        if sm is not None and sm.group("s").lower() in SCALE_WORDS:
            value *= SCALE_WORDS[sm.group("s").lower()]
            end = sm.end()
        return sign * value if s[end:].strip() == "" else None
    tokens = [t for t in WORD_SPLIT_RE.split(m.group("w")) if t]
    got = words_value(tokens)
    if got is None or got[1] != len(tokens) or s[m.end() :].strip():
        return None
    return sign * got[0]
