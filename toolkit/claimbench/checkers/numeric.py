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

This module holds the checker, the conversions and the claim-against-article checks; the percentage,
share and part-of-total checks on a claim's own text are :mod:`~claimbench.checkers.numeric_totals`, the
calendar checks :mod:`~claimbench.checkers.numeric_dates`, and what they share (a finding, a figure's
interval) :mod:`~claimbench.checkers._findings`.

The checker keeps no state besides its parameters (module-level caches hold parsed article texts and
pint's conversion factors), so it is picklable and deterministic and never mutates its inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from claimbench.checkers._findings import MAX_TEXT, Finding, as_unit, fmt, shift, unit_words
from claimbench.checkers.base import BaseChecker, failed_verdict
from claimbench.checkers.numeric_dates import date_checks
from claimbench.checkers.numeric_totals import total_checks
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
from claimbench.text.dates import DateMention, extract_dates
from claimbench.text.quantities import ParsedQuantity, extract_quantities
from claimbench.text.restatements import Restatement, conversion_agrees, find_restatements

__all__ = ["NumericSanityChecker"]

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
    return _mentions(text[:MAX_TEXT])


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


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
        text = (item.text or "")[:MAX_TEXT]
        offset = item.span[0] if item.span is not None else 0
        article = context.article_of(item) if self.check_article or self.check_dates else None
        qs = extract_quantities(text)
        dates = extract_dates(text) if self.check_dates else []
        findings: list[Finding] = []
        restatements = find_restatements(text, qs)
        findings.extend(self._restatements(restatements, offset))
        findings.extend(total_checks(text, qs, offset))
        if self.check_dates:
            findings.extend(date_checks(text, dates, article, offset))
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
        findings: Sequence[Finding],
        offset: int,
    ) -> Verdict:
        quantities = tuple(
            Evidence(
                f"quantity '{q.text}' ({q.qualifier}, {q.dimension})", shift(q.span, offset), q.value, q.unit
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

    def _restatements(self, restatements: Sequence[Restatement], offset: int) -> list[Finding]:
        out = []
        for r in restatements:
            a, b = r.first, r.second
            ev_a = Evidence(f"stated '{a.text}'", shift(a.span, offset), a.value, a.unit)
            ev_b = Evidence(f"restated '{b.text}'", shift(b.span, offset), b.value, b.unit)
            if r.kind == "currency":
                continue  # two currencies: exchange rates are never judged, so no check applies
            if r.kind == "dimension_mismatch":
                out.append(
                    Finding(
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
                    f"{fmt(ag.source.value)} {unit_words(ag.source_unit)} in {unit_words(ag.target_unit)} "
                    f"(allowed [{ag.low:.6g}, {ag.high:.6g}))",
                    None,
                    ag.expected,
                    ag.target_unit,
                )
                conf = 0.95 if ag.consistent else min(0.99, 0.8 + 0.05 * min(ag.distance, 3.8))
                out.append(Finding(ag.consistent, conf, ag.explanation, (ev_a, ev_b, computed)))
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
    ) -> list[Finding]:
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
        out: list[Finding] = []
        if claim.section in ("headline", "standfirst"):
            others = outside
        else:
            others = []
            title = article.title or ""
            if title and title.strip() != claim.text.strip():
                others.extend(_article_mentions(title))
            for other in leads:
                if other.id != claim.id and other.text != title:
                    others.extend(_article_mentions(other.text[:MAX_TEXT]))
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
    ) -> list[Finding]:
        by_dim: dict[str, list[_Mention]] = {}
        for m in mentions:
            if not m.converted and m.q.dimension in _COMPARABLE_DIMENSIONS and m.q.range_part is None:
                by_dim.setdefault(m.q.dimension, []).append(m)
        out: list[Finding] = []
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


def _same_quantity(q: ParsedQuantity, m: _Mention, shared: frozenset[str], offset: int) -> Finding | None:
    mq = m.q
    a = as_unit(q, q.unit)
    b = as_unit(mq, q.unit)
    if a is None or b is None:
        return None
    ok = a[0] <= b[1] and b[0] <= a[1]
    words = ", ".join(sorted(shared)[:4])
    line = (
        f"'{q.text}' and '{mq.text}' elsewhere in the article state the same quantity "
        f"(shared words: {words}); "
        f"'{q.text}' covers [{fmt(a[0])}, {fmt(a[1])}], '{mq.text}' covers [{fmt(b[0])}, {fmt(b[1])}] "
        f"{unit_words(q.unit) if not q.is_count else ''}".rstrip()
        + (" → they agree" if ok else " → they disagree, inconsistent")
    )
    ev = (Evidence(f"same quantity elsewhere in the article: '{mq.text}'", mq.span, mq.value, mq.unit),)
    return Finding(ok, 0.8 if ok else 0.7, line, ev)


def _parts_against_article_total(
    text: str, qs: Sequence[ParsedQuantity], mentions: Sequence[_Mention], offset: int
) -> list[Finding]:
    """A breakdown in the claim (two or more counts of one noun) against "a total of N <noun>" stated
    elsewhere in the article."""
    out: list[Finding] = []
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
            f"the claim's {' + '.join(fmt(p.value) for p in parts)} = {fmt(summed)} {noun}s exceed the "
            f"article's total '{t.q.text}' → inconsistent"
        )
        out.append(
            Finding(
                False,
                0.7,
                line,
                (Evidence("total stated in the article", t.q.span, t.q.value, "dimensionless"),),
            )
        )
    return out
