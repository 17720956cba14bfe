"""Dates and weekdays in news text, for the numeric checker's temporal checks.

``extract_dates`` finds weekday names (with the calendar date or the relative day written next to them)
and calendar dates; ``MONTH_NAME`` is the pattern of a month name, which
:func:`claimbench.text.quantities.extract_quantities` uses to skip the day of a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["MONTH_NAME", "WEEKDAYS", "DateMention", "extract_dates"]

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
MONTH_NAME: Final = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
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
    + MONTH_NAME
    + r")\.?(?:,?\s+(?P<y1>\d{4}))?",
    # Monday, October 17, 2016 / Sunday (Sept. 7) / Sunday (February 22, 2015)
    _WEEKDAY_NAME
    + r"(?:,|\s)\s*\(?\s*(?P<m2>"
    + MONTH_NAME
    + r")\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?",
    # yesterday (Sunday) / yesterday, Sunday / today Tuesday
    _REL_ALT + r"\s*[,(]?\s*\(?\s*" + _WEEKDAY_NAME + r"\b",
    # Sunday, yesterday / Sunday (yesterday)
    _WEEKDAY_NAME + r"\s*[,(]\s*" + _REL_ALT + r"\b",
    _WEEKDAY_NAME + r"\b",
    # calendar dates without a weekday: 17 October 2016, October 17, 2016, Oct. 17
    r"(?<![\d,.])(?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m3>"
    + MONTH_NAME
    + r")\b\.?(?:,?\s+(?P<y3>\d{4})\b)?",
    r"(?P<m4>" + MONTH_NAME + r")\.?\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?\b(?![,.]?\d)(?:,?\s+(?P<y4>\d{4})\b)?",
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
