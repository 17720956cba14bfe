"""The numeric checker's calendar checks (C4 of the guideline): dates and weekdays against each other and
against the article's publication date.

:func:`date_checks` is what :class:`~claimbench.checkers.numeric.NumericSanityChecker` calls with
``check_dates``: a weekday against its calendar date, "yesterday"/"today"/"tomorrow" against publication, a
past event not dated after publication, a bare weekday resolved, "the third day of the offensive" against
the event start the article names, "13 years ago, in 2003" and "the 30-year-old, born in 1990".
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from claimbench.checkers._findings import MAX_TEXT, Finding, fmt, shift
from claimbench.records import Article, Evidence
from claimbench.text.dates import WEEKDAYS, DateMention
from claimbench.text.numbers import parse_number

__all__ = ["date_checks"]


def date_checks(
    text: str, dates: Sequence[DateMention], article: Article | None, offset: int
) -> list[Finding]:
    """Every calendar check on a claim's ``text`` (its ``dates`` already extracted), against ``article``'s
    publication date when it has one; spans shifted by ``offset``."""
    published = _published(article)
    start = _event_start(article.text or "", published) if article is not None and published else None
    return [
        *_calendar_checks(text, dates, published, offset),
        *_ordinal_days(text, start, published, offset),
        *_years_ago(text, published, offset),
    ]


def _published(article: Article | None) -> _dt.date | None:
    if article is None or not article.published:
        return None
    try:
        return _dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def _resolve_year(day: int, month: int, published: _dt.date | None) -> list[_dt.date]:
    if published is None:
        return []
    out = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            out.append(_dt.date(year, month, day))
        except ValueError:
            continue
    out.sort(key=lambda d: abs((d - published).days))
    return out[:1]


_FUTURE_RE: Final = re.compile(
    r"(?i:\b(?:will|shall|would|next|coming|upcoming|expected|expects|scheduled|due|plans?|planned|to\s+be|"
    r"going\s+to|could|may|might|tomorrow)\b)"
)
_PAST_RE: Final = re.compile(r"(?i:\b(?:was|were|had|did|said|told|ago|last|yesterday|\w{3,}ed)\b)")


def _weekday_on_or_before(published: _dt.date, weekday: int) -> _dt.date:
    return published - _dt.timedelta(days=(published.weekday() - weekday) % 7)


def _weekday_after(published: _dt.date, weekday: int) -> _dt.date:
    return published + _dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)


def _calendar_checks(
    text: str, dates: Sequence[DateMention], published: _dt.date | None, offset: int
) -> list[Finding]:
    """Calendar checks (C4 of the guideline): weekday against date, relative day against publication, a
    past event's date not after publication, and the resolution of a bare weekday."""
    out = []
    future = bool(_FUTURE_RE.search(text))
    for d in dates:
        span = shift(d.span, offset)
        name = WEEKDAYS[d.weekday].capitalize() if d.weekday is not None else ""
        if d.day is not None and d.month is not None:
            if d.year is not None:
                try:
                    date: _dt.date | None = _dt.date(d.year, d.month, d.day)
                except ValueError:
                    out.append(Finding(False, 0.9, f"'{d.text}': no such calendar date → inconsistent", ()))
                    continue
            else:
                resolved = _resolve_year(d.day, d.month, published)
                date = resolved[0] if resolved else None
                if date is None and published is None and d.weekday is not None:
                    # no year and no publication date: the weekday may still fit no year nearby; skip
                    continue
            if date is None:
                if published is not None:
                    out.append(Finding(False, 0.9, f"'{d.text}': no such calendar date → inconsistent", ()))
                continue
            if d.weekday is not None:
                ok = date.weekday() == d.weekday
                actual = WEEKDAYS[date.weekday()].capitalize()
                line = f"'{d.text}': {date.isoformat()} is a {actual}" + (
                    " → consistent" if ok else f", not a {name} → inconsistent"
                )
                out.append(Finding(ok, 0.92, line, (Evidence(f"calendar date of '{d.text}'", span),)))
            elif published is not None:
                after = date > published
                before = text[max(0, d.span[0] - 50) : d.span[0]]
                bad = after and d.year is not None and not future and bool(_PAST_RE.search(before))
                line = f"'{d.text}' resolves to {date.isoformat()}, " + (
                    f"after publication on {published.isoformat()}, for a past event → inconsistent"
                    if bad
                    else f"{'after' if after else 'on or before'} publication on {published.isoformat()} "
                    "→ consistent"
                )
                out.append(Finding(not bad, 0.8 if bad else 0.6, line, (Evidence(f"date '{d.text}'", span),)))
        elif d.relative is not None and d.weekday is not None and published is not None:
            date = published + _dt.timedelta(days=d.relative)
            ok = date.weekday() == d.weekday
            actual = WEEKDAYS[date.weekday()].capitalize()
            line = (
                f"'{d.text}': published {published.isoformat()} "
                f"({WEEKDAYS[published.weekday()].capitalize()}), "
                f"so that day is {date.isoformat()}, a {actual}"
                + (" → consistent" if ok else f", not a {name} → inconsistent")
            )
            out.append(Finding(ok, 0.9, line, (Evidence(f"day named by '{d.text}'", span),)))
        elif d.weekday is not None and published is not None:
            before = text[max(0, d.span[0] - 40) : d.span[0]]
            ahead = bool(_FUTURE_RE.search(before)) or (future and not _PAST_RE.search(text))
            date = (
                _weekday_after(published, d.weekday) if ahead else _weekday_on_or_before(published, d.weekday)
            )
            line = (
                f"'{d.text}' resolves to {date.isoformat()}, the "
                + ("next" if ahead else "most recent")
                + f" {name} {'after' if ahead else 'on or before'} publication on {published.isoformat()} "
                "→ consistent"
            )
            out.append(Finding(True, 0.6, line, (Evidence(f"date of '{d.text}'", span),)))
    if published is not None:
        for m in _DAYS_AGO_RE.finditer(text):
            n = parse_number(m.group("n"))
            if n is None or n != int(n) or n > 14:
                continue
            wd = WEEKDAYS.index(m.group("wd").lower())
            date = published - _dt.timedelta(days=int(n))
            ok = date.weekday() == wd
            line = (
                f"'{m.group(0)}': {published.isoformat()} minus {int(n)} days is {date.isoformat()}, a "
                + (
                    f"{WEEKDAYS[date.weekday()].capitalize()}"
                    + (" → consistent" if ok else " → inconsistent")
                )
            )
            out.append(Finding(ok, 0.85, line, (Evidence("date counted back", shift(m.span(), offset)),)))
    return out


_ORDINALS_TEXT: Final = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_ORDINALS: Final = {w: i + 1 for i, w in enumerate(_ORDINALS_TEXT.split())}
_ORDINAL_DAY_RE: Final = re.compile(
    r"(?i:\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\d{1,3}(?:st|nd|rd|th))\s+day\b)"
)
_FIRST_N_RE: Final = re.compile(
    r"(?i:\bfirst\s+(?P<n>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?P<u>hours|days|weeks)\b)"
)
_EVENT_WORDS: Final = (
    r"(?:offensive|operation|assault|attack|attacks|campaign|war|strikes|fighting|battle|siege|invasion|"
    r"protests?|strike|uprising|offensive's|push)"
)
_START_RE: Final = re.compile(
    r"(?i:\b(?:began|begun|started|start|launched|opened|kicked\s+off|got\s+under\s+way|commenced)\b)"
    r"[^.;]{0,80}?\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


@lru_cache(maxsize=128)
def _event_start(article_text: str, published: _dt.date | None) -> tuple[_dt.date, str] | None:
    """The start of the event an article reports, when it says so with a weekday ("the offensive had begun
    … in the early hours of Monday"): the most recent such day on or before publication, and the words."""
    if published is None:
        return None
    for m in _START_RE.finditer(article_text[:MAX_TEXT]):
        sentence_start = (
            max(article_text.rfind(". ", 0, m.start()), article_text.rfind("\n", 0, m.start())) + 1
        )
        sentence = article_text[sentence_start : m.end()]
        if not re.search(_EVENT_WORDS, sentence, re.I):
            continue
        wd = WEEKDAYS.index(m.group("wd").lower())
        return _weekday_on_or_before(published, wd), m.group(0)
    return None


def _ordinal_days(
    text: str, start: tuple[_dt.date, str] | None, published: _dt.date | None, offset: int
) -> list[Finding]:
    """ "the second day of the offensive", "the first 24 hours": counted from the start the article states,
    the day must not fall after publication (unless the claim looks ahead)."""
    if start is None or published is None:
        return []
    begun, words = start
    future = bool(_FUTURE_RE.search(text))
    out = []
    for m in _ORDINAL_DAY_RE.finditer(text):
        raw = m.group("ord").lower()
        n = _ORDINALS.get(raw) or int(re.sub(r"\D", "", raw))
        day = begun + _dt.timedelta(days=n - 1)
        ok = future or day <= published
        line = (
            f"'{m.group(0)}' counted from the start ('{words}' → {begun.isoformat()}) is {day.isoformat()}, "
            + ("on or before" if day <= published else "after")
            + f" publication on {published.isoformat()} → "
            + ("consistent" if ok else "inconsistent")
        )
        out.append(
            Finding(
                ok, 0.6 if ok else 0.8, line, (Evidence(f"date of '{m.group(0)}'", shift(m.span(), offset)),)
            )
        )
    for m in _FIRST_N_RE.finditer(text):
        count = parse_number(m.group("n").replace("-", " "))
        if count is None or count <= 0:
            continue
        hours = {"hours": 1.0, "days": 24.0, "weeks": 168.0}[m.group("u").lower()] * count
        end = begun + _dt.timedelta(hours=hours)
        ok = future or end <= published + _dt.timedelta(days=1)
        line = (
            f"'{m.group(0)}' from the start {begun.isoformat()} runs to {end.isoformat()}, "
            + ("by" if ok else "after")
            + f" publication on {published.isoformat()} → "
            + ("consistent" if ok else "inconsistent")
        )
        out.append(
            Finding(
                ok, 0.6 if ok else 0.75, line, (Evidence(f"period '{m.group(0)}'", shift(m.span(), offset)),)
            )
        )
    return out


_NUM_WORD: Final = (
    r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen)"
)
_DAYS_AGO_RE: Final = re.compile(
    r"(?P<n>"
    + _NUM_WORD
    + r")\s+days?\s+ago,?\s+(?:on\s+|last\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)\b",
    re.I,
)
_YEARS_AGO_RE: Final = re.compile(
    r"(?:(?P<n1>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+years?\s+ago,?\s+in\s+(?P<y1>(?:1[89]|20)\d\d)\b"
    r"|\bin\s+(?P<y2>(?:1[89]|20)\d\d),?\s+(?:some\s+|about\s+|nearly\s+)?(?P<n2>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+years?\s+ago)",
    re.I,
)
_AGE_RE: Final = re.compile(
    r"(?P<age>\d{1,3})-year-old\b[^.;]{0,80}?\bborn\s+in\s+(?P<year>(?:1[89]|20)\d\d)\b"
    r"|\bborn\s+in\s+(?P<year2>(?:1[89]|20)\d\d)\b[^.;]{0,60}?\b(?:aged|age)\s+(?P<age2>\d{1,3})\b",
    re.I,
)


def _years_ago(text: str, published: _dt.date | None, offset: int) -> list[Finding]:
    """ "13 years ago, in 2003" and ages against birth years, from the publication year."""
    if published is None:
        return []
    out = []
    for m in _YEARS_AGO_RE.finditer(text):
        n = parse_number((m.group("n1") or m.group("n2") or "").replace("-", " "))
        year = int(m.group("y1") or m.group("y2"))
        if n is None:
            continue
        ok = abs((published.year - n) - year) <= 1
        line = f"'{m.group(0)}': {published.year} − {fmt(n)} = {fmt(published.year - n)}, stated {year} " + (
            "→ consistent" if ok else "→ inconsistent"
        )
        out.append(Finding(ok, 0.8, line, (Evidence("year counted back", shift(m.span(), offset)),)))
    for m in _AGE_RE.finditer(text):
        age = int(m.group("age") or m.group("age2"))
        year = int(m.group("year") or m.group("year2"))
        expected = published.year - year
        ok = expected - 1 <= age <= expected
        line = (
            f"'{m.group(0)}': born {year}, so aged {expected - 1} or {expected} in {published.year}, "
            f"stated {age} " + ("→ consistent" if ok else "→ inconsistent")
        )
        out.append(Finding(ok, 0.8, line, (Evidence("age from birth year", shift(m.span(), offset)),)))
    return out
