"""The built-in numeric-consistency checker: arithmetic on the figures and dates a claim states.

``NumericSanityChecker`` parses the claim's own text (never the gold annotation) with
:mod:`claimbench.text.quantities` and applies the checks of the project's annotation guideline
(``datasets/mosul-2016/GUIDELINES.md`` §9, C1–C4) and of the issue:

* **conversions (C1)**: one quantity restated in two units ("7 miles (20 kilometres)") must agree at the
  precision the writer used (the rounding rule of :mod:`claimbench.text.quantities`); a length restated as an
  area is wrong; two amounts of money are never judged (exchange rates vary);
* **restatements (C2)**, with ``check_article``: a figure in the headline or standfirst and the same
  quantity in the body (matched by dimension, counted noun and at least two shared content words around
  the figures) must agree; figures within the body are not compared with each other (two prices with
  similar words around them are usually two prices);
* **parts and totals (C3)**: "35 of the 20 villages", "30 people, including 22 police and 15 soldiers",
  "Of the 120 passengers, 80 … and 50 …", "31 minors …, four of them …", and a breakdown in the claim
  against "a total of N …" stated in the article; a percentage next to its counts ("10% (401 out of
  4,000)"); a share ("45% of the vote") within 0–100 %;
* **calendar (C4)**, with ``check_dates``: a weekday written with a date must match the calendar ("Monday
  17 October 2016"); "yesterday, Sunday" must match the publication date; a bare weekday resolves to the
  most recent such day on or before publication (the next one in forward-looking text); "N days ago, on
  Sunday", "N years ago, in 2003" and an age against a birth year are counted from publication; an
  explicit past date must not fall after publication; an ordinal day ("the second day of the offensive",
  "the first 24 hours") is counted from the start the article states ("had begun … on Monday") and must
  not fall after publication.

Labels (the guideline's): ``inconsistent`` when any applicable check fails, ``consistent`` when at least one
check applies and all pass, ``not_applicable`` when none applies (no figure or date, or only figures with
nothing to check against, such as a single count). The score is the checker's confidence in its label.
Evidence lists the quantities found and the computed values; **evidence spans are offsets into the
article text when the claim has a span (the claim's start added), otherwise into the claim text.** The
explanation shows the arithmetic.

The checker keeps no state besides its parameters (module-level caches hold parsed article texts and
pint's conversion factors), so it is picklable and deterministic and never mutates its inputs.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from claimbench.checkers.base import BaseChecker, failed_verdict
from claimbench.records import (
    NUMERIC_CONSISTENCY,
    NUMERIC_LABELS,
    Article,
    Claim,
    Context,
    Evidence,
    Item,
    Verdict,
)
from claimbench.text.dates import WEEKDAYS, DateMention, extract_dates
from claimbench.text.numbers import parse_number
from claimbench.text.quantities import ParsedQuantity, convert, extract_quantities
from claimbench.text.restatements import Restatement, conversion_agrees, find_restatements
from claimbench.text.units import unit_dimension

__all__ = ["NumericSanityChecker"]

_MAX_TEXT: Final = 2_000_000
"""Texts longer than this (in characters) are cut before parsing: a guard against pathological input."""
_MAX_COMPARISONS: Final = 20_000
"""At most this many quantity pairs are compared between a claim and its article."""

_COMPARABLE_DIMENSIONS: Final = frozenset(
    {
        "length",
        "area",
        "volume",
        "mass",
        "speed",
        "temperature",
        "count",
        "currency",
        "percent",
        "power",
        "energy",
    }
)


@dataclass(frozen=True, slots=True)
class _Finding:
    """The outcome of one check: ``ok``, the confidence of that outcome, a line of arithmetic, evidence."""

    ok: bool
    confidence: float
    line: str
    evidence: tuple[Evidence, ...]


# ---------------------------------------------------------------------------------------------------------
# Words around a quantity (to decide whether two mentions state the same quantity)
# ---------------------------------------------------------------------------------------------------------

_WORD_RE: Final = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
_CONTEXT_STOP_TEXT: Final = """
    a an the of to in on at by for from with and or but as than that this these those who whom which
    what when where while is are was were be been being has have had do does did will would can
    could may might must shall should said says say told tell more less most least per each every
    other others all some many much few several such into onto over under about around after before
    since during between among against across through up down out off only also still yet so not no
    nor if then there here their its his her our your my they them we he she it you i me him us
    almost nearly roughly some approximately estimated least up just over than another new now
    according reported including one two three four five six seven eight nine ten eleven twelve
    twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion dozen
    mile miles kilometre kilometres kilometer kilometers km metre metres meter meters feet foot
    square sq percent cent per pound pounds dollar dollars
"""
_CONTEXT_STOP: Final = frozenset(_CONTEXT_STOP_TEXT.split())


def _norm(word: str) -> str:
    w = word.lower().strip("'’-")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _context(text: str, q: ParsedQuantity, width: int = 60) -> frozenset[str]:
    """Content words near ``q`` in its own sentence."""
    lo = max(0, q.start - width)
    hi = min(len(text), q.end + width)
    left = text[lo : q.start]
    cut = max(left.rfind(". "), left.rfind("\n"), left.rfind("? "), left.rfind("! "))
    if cut >= 0:
        left = left[cut + 1 :]
    right = text[q.end : hi]
    m = re.search(r"[.!?](?:\s|$)|\n", right)
    if m is not None:
        right = right[: m.start()]
    words = {_norm(w) for w in _WORD_RE.findall(left + " " + right)}
    return frozenset(w for w in words if w not in _CONTEXT_STOP and len(w) > 2)


@dataclass(frozen=True, slots=True)
class _Mention:
    q: ParsedQuantity
    context: frozenset[str]
    converted: bool
    total: bool


_TOTAL_BEFORE_RE: Final = re.compile(r"(?i:\b(?:a|the)\s+total\s+of\s+(?:some\s+|about\s+)?)\Z")
_TOTAL_AFTER_RE: Final = re.compile(
    r"(?i:[ \t]+[a-z][a-z\-]*(?:[ \t]+[a-z][a-z\-]*)?[ \t]+(?:in\s+total|altogether|in\s+all)\b)"
)


def _is_total(text: str, q: ParsedQuantity) -> bool:
    """ "a total of 27 villages", "27 villages in total"."""
    return bool(
        _TOTAL_BEFORE_RE.search(text, max(0, q.start - 30), q.start) or _TOTAL_AFTER_RE.match(text, q.end)
    )


def _mentions(text: str) -> tuple[_Mention, ...]:
    qs = extract_quantities(text)
    converted = {r.second.span for r in find_restatements(text, qs)}
    out = []
    for q in qs:
        out.append(_Mention(q, _context(text, q), q.span in converted, q.is_count and _is_total(text, q)))
    return tuple(out)


@lru_cache(maxsize=128)
def _article_mentions(text: str) -> tuple[_Mention, ...]:
    """Quantities of a whole article text, parsed once per article (cached by text)."""
    return _mentions(text[:_MAX_TEXT])


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else ("−∞" if x < 0 else "nan")
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4g}" if abs(x) < 1e5 else f"{x:,.0f}"


def _unit(u: str) -> str:
    return u.replace("_", " ").replace(" ** 2", "²").replace(" ** 3", "³")


def _interval(q: ParsedQuantity) -> tuple[float, float]:
    """The values ``q`` stands for: its rounding interval, opened up by its qualifier."""
    lo, hi = q.value - q.step / 2, q.value + q.step / 2
    if q.qualifier == "at_least":
        hi = float("inf")
    elif q.qualifier == "at_most":
        lo = float("-inf")
    elif q.qualifier in ("approximate", "estimate"):
        lo, hi = min(lo, q.value * 0.9), max(hi, q.value * 1.1)
    return lo, hi


def _as_unit(q: ParsedQuantity, unit: str) -> tuple[float, float] | None:
    """``q``'s interval expressed in ``unit`` (``None`` when it cannot be)."""
    lo, hi = _interval(q)
    if q.unit == unit:
        return lo, hi
    for u in q.units():
        if unit_dimension(u) == unit_dimension(unit) and unit_dimension(u) not in (
            "currency",
            "count",
            "percent",
        ):
            a = convert(lo, u, unit) if lo != float("-inf") else lo
            b = convert(hi, u, unit) if hi != float("inf") else hi
            return min(a, b), max(a, b)
    return None


class NumericSanityChecker(BaseChecker):
    """Arithmetic checks of the figures in a claim (see the module docstring for the list).

    Parameters
    ----------
    rounding_slack:
        Extra tolerance of a converted figure, in units of its last significant digit, for figures with two
        or more significant figures (0, the default, is the guideline's rule exactly, which already allows
        5 % for figures of three or more significant figures).
    check_article:
        Compare the claim's figures with the same quantities in the headline or standfirst (or, for a
        headline claim, in the body), and a breakdown in the claim with a total stated in the article.
    check_dates:
        The calendar checks (weekdays, dates, ordinal days, "N days ago") against the publication date.
    """

    name = "numeric-sanity"
    version = "1.0.0"
    task = NUMERIC_CONSISTENCY
    labels = NUMERIC_LABELS

    def __init__(
        self, rounding_slack: float = 0.0, check_article: bool = True, check_dates: bool = True
    ) -> None:
        self.rounding_slack = rounding_slack
        self.check_article = check_article
        self.check_dates = check_dates

    # -----------------------------------------------------------------------------------------------------

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """Judge a batch; the headlines and standfirsts of each article are looked up once for the batch.

        Only the batch's own articles are indexed (through :meth:`Context.claims_in`), so a batch costs
        the same however many claims the dataset holds.
        """
        index: dict[str, tuple[Claim, ...]] = {}
        if self.check_article:
            for item in items:
                article_id = getattr(item, "article_id", None)
                if article_id is not None and article_id not in index:
                    index[article_id] = _leads(context.claims_in(article_id))
        verdicts = []
        for item in items:
            try:
                verdict = self._check(item, context, index)
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop the batch
                verdict = failed_verdict(item.id, self.name, self.version, exc)
            verdicts.append(verdict)
        return verdicts

    def check_one(self, item: Item, context: Context) -> Verdict:
        """Judge one claim."""
        index = None
        if self.check_article and isinstance(item, Claim) and item.article_id is not None:
            index = {item.article_id: _leads(context.claims_in(item.article_id))}
        return self._check(item, context, index or {})

    def _check(self, item: Item, context: Context, index: dict[str, tuple[Claim, ...]]) -> Verdict:
        if not isinstance(item, Claim):
            return Verdict(
                item.id,
                self.name,
                self.version,
                "not_applicable",
                score=1.0,
                explanation="not a claim: the numeric task judges claims only",
            )
        text = (item.text or "")[:_MAX_TEXT]
        offset = item.span[0] if item.span is not None else 0
        article = context.article_of(item) if self.check_article or self.check_dates else None
        qs = extract_quantities(text)
        dates = extract_dates(text) if self.check_dates else []
        findings: list[_Finding] = []
        restatements = find_restatements(text, qs)
        findings.extend(self._restatements(restatements, offset))
        findings.extend(_percent_of_counts(text, qs, offset))
        findings.extend(_shares(text, qs, offset))
        findings.extend(_parts_of_total(text, qs, offset))
        published = _published(article)
        if self.check_dates:
            start = _event_start(article.text or "", published) if article is not None and published else None
            findings.extend(_date_checks(text, dates, published, offset))
            findings.extend(_ordinal_days(text, start, published, offset))
            findings.extend(_years_ago(text, published, offset))
        if self.check_article and article is not None:
            converted = {r.second.span for r in restatements}
            leads = index.get(item.article_id, ()) if item.article_id is not None else ()
            findings.extend(self._against_article(item, text, qs, converted, article, leads, offset))
        return self._verdict(item, qs, dates, findings, offset)

    # -----------------------------------------------------------------------------------------------------

    def _verdict(
        self,
        claim: Claim,
        qs: Sequence[ParsedQuantity],
        dates: Sequence[DateMention],
        findings: Sequence[_Finding],
        offset: int,
    ) -> Verdict:
        quantities = tuple(
            Evidence(
                f"quantity '{q.text}' ({q.qualifier}, {q.dimension})", _shift(q.span, offset), q.value, q.unit
            )
            for q in qs
        )
        failed = [f for f in findings if not f.ok]
        if failed:
            lines = [f.line for f in failed] + [f.line for f in findings if f.ok]
            evidence = quantities + tuple(e for f in failed for e in f.evidence)
            score = max(f.confidence for f in failed)
            return Verdict(
                claim.id, self.name, self.version, "inconsistent", round(score, 4), "; ".join(lines), evidence
            )
        if not findings:
            if qs or dates:
                stated = ", ".join(f"'{q.text}'" for q in qs[:8]) or ", ".join(
                    f"'{d.text}'" for d in dates[:4]
                )
                why = (
                    f"{stated}: no check applies (no conversion, restatement, total, share or calendar date)"
                )
                return Verdict(claim.id, self.name, self.version, "not_applicable", 0.75, why, quantities)
            return Verdict(
                claim.id,
                self.name,
                self.version,
                "not_applicable",
                0.95,
                "no quantity, date or weekday to check",
            )
        score = min(0.95, max(f.confidence for f in findings))
        lines = [f.line for f in findings]
        evidence = quantities + tuple(e for f in findings for e in f.evidence)
        return Verdict(claim.id, self.name, self.version, "consistent", score, "; ".join(lines), evidence)

    # -----------------------------------------------------------------------------------------------------

    def _restatements(self, restatements: Sequence[Restatement], offset: int) -> list[_Finding]:
        out = []
        for r in restatements:
            a, b = r.first, r.second
            ev_a = Evidence(f"stated '{a.text}'", _shift(a.span, offset), a.value, a.unit)
            ev_b = Evidence(f"restated '{b.text}'", _shift(b.span, offset), b.value, b.unit)
            if r.kind == "currency":
                continue  # two currencies: exchange rates are never judged, so no check applies
            if r.kind == "dimension_mismatch":
                out.append(
                    _Finding(
                        False,
                        0.9,
                        f"'{a.text}' is {a.dimension} but '{b.text}' is {b.dimension}: "
                        "a restatement cannot change the dimension → inconsistent",
                        (ev_a, ev_b),
                    )
                )
            else:
                ag = conversion_agrees(a, b, slack=self.rounding_slack)
                computed = Evidence(
                    f"{_fmt(ag.source.value)} {_unit(ag.source_unit)} in {_unit(ag.target_unit)} "
                    f"(allowed [{ag.low:.6g}, {ag.high:.6g}))",
                    None,
                    ag.expected,
                    ag.target_unit,
                )
                conf = 0.95 if ag.consistent else min(0.99, 0.8 + 0.05 * min(ag.distance, 3.8))
                out.append(_Finding(ag.consistent, conf, ag.explanation, (ev_a, ev_b, computed)))
        return out

    # -----------------------------------------------------------------------------------------------------

    def _against_article(
        self,
        claim: Claim,
        text: str,
        qs: Sequence[ParsedQuantity],
        converted: set[tuple[int, int]],
        article: Article,
        leads: Sequence[Claim],
        offset: int,
    ) -> list[_Finding]:
        """The claim's quantities against the same quantities stated in another part of the article
        (headline or standfirst against body), and its parts against a total stated in the article.

        Only figures across that divide are compared: within a body, two figures with similar words around
        them are usually different quantities (the prices of two models), while a headline restates the body.
        """
        body = article.text or ""
        all_mentions = list(_article_mentions(body))
        own: tuple[int, int] | None = None
        if claim.span is not None and body[claim.span[0] : claim.span[1]] == claim.text:
            own = claim.span
        elif claim.text and (i := body.find(claim.text)) >= 0:
            own = (i, i + len(claim.text))
        outside = [m for m in all_mentions if own is None or m.q.end <= own[0] or m.q.start >= own[1]]
        out: list[_Finding] = []
        if claim.section in ("headline", "standfirst"):
            others = outside
        else:
            others = []
            title = article.title or ""
            if title and title.strip() != claim.text.strip():
                others.extend(_article_mentions(title))
            for other in leads:
                if other.id != claim.id and other.text != title:
                    others.extend(_article_mentions(other.text[:_MAX_TEXT]))
        if others:
            out.extend(self._same_quantities(text, qs, converted, others, offset))
        out.extend(_parts_against_article_total(text, qs, outside, offset))
        return out

    def _same_quantities(
        self,
        text: str,
        qs: Sequence[ParsedQuantity],
        converted: set[tuple[int, int]],
        mentions: Sequence[_Mention],
        offset: int,
    ) -> list[_Finding]:
        by_dim: dict[str, list[_Mention]] = {}
        for m in mentions:
            if not m.converted and m.q.dimension in _COMPARABLE_DIMENSIONS and m.q.range_part is None:
                by_dim.setdefault(m.q.dimension, []).append(m)
        out: list[_Finding] = []
        budget = _MAX_COMPARISONS
        for q in qs:
            if q.span in converted or q.range_part is not None or q.dimension not in by_dim:
                continue
            ctx = _context(text, q)
            best: tuple[int, _Mention, frozenset[str]] | None = None
            for m in by_dim[q.dimension]:
                budget -= 1
                if budget < 0:
                    return out
                if q.is_count and (
                    q.entity is None or m.q.entity is None or _norm(q.entity) != _norm(m.q.entity)
                ):
                    continue
                if q.is_currency and q.unit != m.q.unit:
                    continue
                shared = ctx & m.context
                if q.is_count and q.entity:
                    shared = shared - {_norm(q.entity)}
                small = min(len(ctx), len(m.context)) or 1
                if len(shared) < 2 or len(shared) / small < 0.5 or m.total:
                    continue
                if best is None or len(shared) > best[0]:
                    best = (len(shared), m, shared)
            if best is not None:
                found = _same_quantity(q, best[1], best[2], offset)
                if found is not None:
                    out.append(found)
        return out


def _leads(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    return tuple(c for c in claims if c.section in ("headline", "standfirst"))


def _shift(span: tuple[int, int], offset: int) -> tuple[int, int]:
    return (span[0] + offset, span[1] + offset)


def _same_quantity(q: ParsedQuantity, m: _Mention, shared: frozenset[str], offset: int) -> _Finding | None:
    mq = m.q
    a = _as_unit(q, q.unit)
    b = _as_unit(mq, q.unit)
    if a is None or b is None:
        return None
    ok = a[0] <= b[1] and b[0] <= a[1]
    words = ", ".join(sorted(shared)[:4])
    line = (
        f"'{q.text}' and '{mq.text}' elsewhere in the article state the same quantity "
        f"(shared words: {words}); "
        f"'{q.text}' covers [{_fmt(a[0])}, {_fmt(a[1])}], '{mq.text}' covers [{_fmt(b[0])}, {_fmt(b[1])}] "
        f"{_unit(q.unit) if not q.is_count else ''}".rstrip()
        + (" → they agree" if ok else " → they disagree, inconsistent")
    )
    ev = (Evidence(f"same quantity elsewhere in the article: '{mq.text}'", mq.span, mq.value, mq.unit),)
    return _Finding(ok, 0.8 if ok else 0.7, line, ev)


# ---------------------------------------------------------------------------------------------------------
# Percentages, shares, parts and totals
# ---------------------------------------------------------------------------------------------------------

_OPEN_RE: Final = re.compile(
    r"(?:\s+(?:of|among)\s+[^()\d,;.]{1,40}?)?\s*(?:\(|,|—|–|-)?\s*(?:or\s+|i\.e\.\s+|that\s+is\s+)?\Z"
)
_OF_RE: Final = re.compile(r"\s+(?:out\s+of|of)\s+(?:the\s+|all\s+|all\s+the\s+|these\s+|those\s+)?\Z", re.I)


def _percent_of_counts(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[_Finding]:
    """ "10% (401 out of 4,000)" and "401 out of 4,000 (10%)": the percentage matches the counts."""
    out = []
    for i in range(len(qs) - 2):
        a, b, c = qs[i], qs[i + 1], qs[i + 2]
        if a.unit == "percent" and b.is_count and c.is_count:
            p, n, total = a, b, c
            if not (_OPEN_RE.match(text[a.end : b.start]) and _OF_RE.match(text[b.end : c.start])):
                continue
        elif a.is_count and b.is_count and c.unit == "percent":
            n, total, p = a, b, c
            if not (_OF_RE.match(text[a.end : b.start]) and _OPEN_RE.match(text[b.end : c.start])):
                continue
        else:
            continue
        if total.value <= 0:
            continue
        share = 100.0 * n.value / total.value
        lo, hi = _interval(p)
        # the counts may themselves be rounded: allow the share their rounding too
        n_lo, n_hi = n.value - n.tight_step / 2, n.value + n.tight_step / 2
        t_lo, t_hi = total.value - total.tight_step / 2, total.value + total.tight_step / 2
        s_lo, s_hi = 100.0 * n_lo / t_hi, 100.0 * n_hi / max(t_lo, 1e-12)
        ok = s_hi >= lo and s_lo <= hi
        line = (
            f"{_fmt(n.value)} / {_fmt(total.value)} = {share:.3g}%; '{p.text}' covers [{lo:.4g}, {hi:.4g}] "
            + ("→ consistent" if ok else "→ inconsistent")
        )
        ev = (Evidence(f"{_fmt(n.value)} / {_fmt(total.value)} as a percentage", None, share, "percent"),)
        out.append(_Finding(ok, 0.9, line, ev))
    return out


_SHARE_AFTER_RE: Final = re.compile(
    r"\s+of\s+(?:the\s+|all\s+|its\s+|their\s+|his\s+|her\s+|our\s+)?[a-z]", re.I
)
_CHANGE_BEFORE_RE: Final = re.compile(
    r"(?i:\b(?:increase[ds]?|rise|rose|risen|grew|grow[ns]?|growth|up|jump(?:ed|s)?|surge[ds]?|higher|more|"
    r"gain(?:ed|s)?|climb(?:ed|s)?|boost(?:ed)?|by|soar(?:ed)?|spike[ds]?|hike[ds]?|increase\s+of|return|"
    r"markup|larger|bigger|faster|over|above|exceed(?:ed|ing)?|than)\b)"
)


def _shares(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[_Finding]:
    """A percentage "of" something is a share and must lie within 0–100 %."""
    out = []
    for q in qs:
        if q.unit != "percent" or not _SHARE_AFTER_RE.match(text, q.end):
            continue
        before = text[max(0, q.start - 40) : q.start]
        if _CHANGE_BEFORE_RE.search(before):
            continue
        ok = 0.0 <= q.value <= 100.0
        line = f"'{q.text}' is a share (…of…): it must lie within 0–100% → " + (
            "consistent" if ok else "inconsistent"
        )
        out.append(_Finding(ok, 0.85 if not ok else 0.75, line, ()))
    return out


_INCLUDING_RE: Final = re.compile(
    r"(?i:\s*,?\s*(?:including|among\s+them|comprising|made\s+up\s+of|consisting\s+of|of\s+which|of\s+whom)"
    r"\s+(?:some\s+|about\s+|at\s+least\s+)?)\Z"
)
_OF_THE_BEFORE_RE: Final = re.compile(r"(?i:\bof\s+(?:the|these|those|its|their|all)\s+)\Z")
_OF_THEM_RE: Final = re.compile(r"(?i:\s+of\s+(?:them|whom|which|those|these)\b)")
_LIST_GAP_RE: Final = re.compile(r"[^,;.:()]{0,40}?(?:,\s*(?:and\s+)?|\s+and\s+)\Z")
_CLAUSE_GAP_RE: Final = re.compile(r"(?:[ \t]+[A-Za-z][A-Za-z\-’']*){1,6},[ \t]*\Z")


def _parts_of_total(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[_Finding]:
    """Parts stated with their total in the claim.

    Four forms, kept narrow on purpose (a count after "including" is often not a part of the count before
    it): "25 of the 20 villages" (a part cannot exceed its whole); "30 people, including 22 police and 12
    soldiers" and "Of the 120 passengers, 80 were British and 50 French" (a list of counts right after the
    total's noun, separated only by commas and "and"); "31 minors …, four of them …" (each part "of them"
    against the count before it). Counts are taken as written (a count of people is exact: "30" means 30,
    not 25 to 35); totals qualified "about", "more than" or "estimated" are not used.
    """
    out = []
    counts = [q for q in qs if q.is_count and q.range_part is None]
    for i in range(len(counts) - 1):
        a, b = counts[i], counts[i + 1]
        if (
            _OF_RE.match(text[a.end : b.start])
            and a.qualifier in ("exact", "at_least")
            and b.qualifier
            in (
                "exact",
                "at_most",
            )
        ):
            ok = a.value - a.tight_step / 2 <= b.value + b.tight_step / 2
            line = (
                f"'{a.text}' of '{b.text}': a part cannot exceed its whole "
                f"({_fmt(a.value)} ≤ {_fmt(b.value)})"
            )
            out.append(
                _Finding(
                    ok,
                    0.85,
                    line + (" → consistent" if ok else " → inconsistent"),
                    (Evidence("part", _shift(a.span, offset), a.value, a.unit),),
                )
            )
    for i, total in enumerate(counts[:-1]):
        if total.entity is None or total.qualifier not in ("exact", "at_most"):
            continue
        first = counts[i + 1]
        gap = text[total.end : first.start]
        # the total's noun phrase, then the marker, then the first part
        head = re.match(r"[ \t]+[A-Za-z][A-Za-z\-’']*(?:[ \t]+[A-Za-z][A-Za-z\-’']*){0,2}", gap)
        if head is None:
            continue
        listed = bool(_INCLUDING_RE.match(gap[head.end() :]))
        # "Of the 120 passengers, 80 were British and 50 French"
        of_the = bool(_OF_THE_BEFORE_RE.search(text, max(0, total.start - 16), total.start)) and bool(
            re.match(r"\s*,\s*\Z", gap[head.end() :])
        )
        if not (listed or of_the):
            continue
        parts = [first]
        for nxt in counts[i + 2 :]:
            if not _LIST_GAP_RE.match(text[parts[-1].end : nxt.start]):
                break
            parts.append(nxt)
        parts = [p for p in parts if p.qualifier in ("exact", "at_least")]
        if not parts:
            continue
        summed = sum(p.value for p in parts)
        ok = summed <= total.value + total.tight_step / 2
        arithmetic = " + ".join(_fmt(p.value) for p in parts)
        line = (
            f"parts {arithmetic} = {_fmt(summed)} against the total '{total.text}' ({_fmt(total.value)}) "
            + ("→ within the total" if ok else "→ the parts exceed the total, inconsistent")
        )
        out.append(_Finding(ok, 0.8, line, (Evidence("sum of the parts", None, summed, "dimensionless"),)))
    for i in range(1, len(counts)):
        part = counts[i]
        if not _OF_THEM_RE.match(text, part.end):
            continue
        total = counts[i - 1]
        if total.qualifier not in ("exact", "at_most") or part.qualifier not in ("exact", "at_least"):
            continue
        if total.entity is None or not _CLAUSE_GAP_RE.match(text[total.end : part.start]):
            continue  # "them" must plainly be the total: "31 minors gave birth, four of them ..."
        ok = part.value <= total.value + total.tight_step / 2
        line = f"'{part.text} of them' out of '{total.text}': {_fmt(part.value)} ≤ {_fmt(total.value)} " + (
            "→ consistent" if ok else "→ the part exceeds the whole, inconsistent"
        )
        out.append(
            _Finding(ok, 0.8, line, (Evidence("part", _shift(part.span, offset), part.value, part.unit),))
        )
    return out


def _parts_against_article_total(
    text: str, qs: Sequence[ParsedQuantity], mentions: Sequence[_Mention], offset: int
) -> list[_Finding]:
    """A breakdown in the claim (two or more counts of one noun) against "a total of N <noun>" stated
    elsewhere in the article."""
    out: list[_Finding] = []
    totals = [m for m in mentions if m.total and m.q.is_count and m.q.entity and m.q.qualifier == "exact"]
    if not totals:
        return out
    for t in totals:
        noun = _norm(t.q.entity or "")
        parts = [
            q
            for q in qs
            if q.is_count and q.entity and _norm(q.entity) == noun and q.qualifier in ("exact", "at_least")
        ]
        if len(parts) < 2:
            continue  # one count of the same noun is not a breakdown of the total (it may be anything)
        summed = sum(p.value for p in parts)
        ok = summed <= t.q.value + t.q.tight_step / 2
        if ok:
            continue  # only a contradiction is worth reporting; agreement with a total says little
        line = (
            f"the claim's {' + '.join(_fmt(p.value) for p in parts)} = {_fmt(summed)} {noun}s exceed the "
            f"article's total '{t.q.text}' → inconsistent"
        )
        out.append(
            _Finding(
                False,
                0.7,
                line,
                (Evidence("total stated in the article", t.q.span, t.q.value, "dimensionless"),),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------


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


def _date_checks(
    text: str, dates: Sequence[DateMention], published: _dt.date | None, offset: int
) -> list[_Finding]:
    """Calendar checks (C4 of the guideline): weekday against date, relative day against publication, a
    past event's date not after publication, and the resolution of a bare weekday."""
    out = []
    future = bool(_FUTURE_RE.search(text))
    for d in dates:
        span = _shift(d.span, offset)
        name = WEEKDAYS[d.weekday].capitalize() if d.weekday is not None else ""
        if d.day is not None and d.month is not None:
            if d.year is not None:
                try:
                    date: _dt.date | None = _dt.date(d.year, d.month, d.day)
                except ValueError:
                    out.append(_Finding(False, 0.9, f"'{d.text}': no such calendar date → inconsistent", ()))
                    continue
            else:
                resolved = _resolve_year(d.day, d.month, published)
                date = resolved[0] if resolved else None
                if date is None and published is None and d.weekday is not None:
                    # no year and no publication date: the weekday may still fit no year nearby; skip
                    continue
            if date is None:
                if published is not None:
                    out.append(_Finding(False, 0.9, f"'{d.text}': no such calendar date → inconsistent", ()))
                continue
            if d.weekday is not None:
                ok = date.weekday() == d.weekday
                actual = WEEKDAYS[date.weekday()].capitalize()
                line = f"'{d.text}': {date.isoformat()} is a {actual}" + (
                    " → consistent" if ok else f", not a {name} → inconsistent"
                )
                out.append(_Finding(ok, 0.92, line, (Evidence(f"calendar date of '{d.text}'", span),)))
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
                out.append(
                    _Finding(not bad, 0.8 if bad else 0.6, line, (Evidence(f"date '{d.text}'", span),))
                )
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
            out.append(_Finding(ok, 0.9, line, (Evidence(f"day named by '{d.text}'", span),)))
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
            out.append(_Finding(True, 0.6, line, (Evidence(f"date of '{d.text}'", span),)))
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
            out.append(_Finding(ok, 0.85, line, (Evidence("date counted back", _shift(m.span(), offset)),)))
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
    for m in _START_RE.finditer(article_text[:_MAX_TEXT]):
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
) -> list[_Finding]:
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
            _Finding(
                ok, 0.6 if ok else 0.8, line, (Evidence(f"date of '{m.group(0)}'", _shift(m.span(), offset)),)
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
            _Finding(
                ok, 0.6 if ok else 0.75, line, (Evidence(f"period '{m.group(0)}'", _shift(m.span(), offset)),)
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


def _years_ago(text: str, published: _dt.date | None, offset: int) -> list[_Finding]:
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
        line = (
            f"'{m.group(0)}': {published.year} − {_fmt(n)} = {_fmt(published.year - n)}, stated {year} "
            + ("→ consistent" if ok else "→ inconsistent")
        )
        out.append(_Finding(ok, 0.8, line, (Evidence("year counted back", _shift(m.span(), offset)),)))
    for m in _AGE_RE.finditer(text):
        age = int(m.group("age") or m.group("age2"))
        year = int(m.group("year") or m.group("year2"))
        expected = published.year - year
        ok = expected - 1 <= age <= expected
        line = (
            f"'{m.group(0)}': born {year}, so aged {expected - 1} or {expected} in {published.year}, "
            f"stated {age} " + ("→ consistent" if ok else "→ inconsistent")
        )
        out.append(_Finding(ok, 0.8, line, (Evidence("age from birth year", _shift(m.span(), offset)),)))
    return out
