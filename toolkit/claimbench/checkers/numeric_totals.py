"""The numeric checker's checks of percentages, shares, parts and totals (C3 of the guideline).

:func:`total_checks` is what :class:`~claimbench.checkers.numeric.NumericSanityChecker` runs on every claim:
a percentage against the counts it is computed from ("10% (401 out of 4,000)"), a share of a whole above
100 %, and parts against their total ("Of the 120 passengers, 80 were British and 50 French").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from claimbench.checkers._findings import Finding, fmt, interval, shift
from claimbench.records import Evidence
from claimbench.text.quantities import ParsedQuantity

__all__ = ["total_checks"]


def total_checks(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[Finding]:
    """Every percentage, share and part-of-total check on a claim's ``text`` and its quantities ``qs``;
    spans shifted by ``offset``."""
    return [
        *_percent_of_counts(text, qs, offset),
        *_shares(text, qs, offset),
        *_parts_of_total(text, qs, offset),
    ]


_OPEN_RE: Final = re.compile(
    r"(?:\s+(?:of|among)\s+[^()\d,;.]{1,40}?)?\s*(?:\(|,|—|–|-)?\s*(?:or\s+|i\.e\.\s+|that\s+is\s+)?\Z"
)
_OF_RE: Final = re.compile(r"\s+(?:out\s+of|of)\s+(?:the\s+|all\s+|all\s+the\s+|these\s+|those\s+)?\Z", re.I)


def _percent_of_counts(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[Finding]:
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
        lo, hi = interval(p)
        # the counts may themselves be rounded: allow the share their rounding too
        n_lo, n_hi = n.value - n.tight_step / 2, n.value + n.tight_step / 2
        t_lo, t_hi = total.value - total.tight_step / 2, total.value + total.tight_step / 2
        s_lo, s_hi = 100.0 * n_lo / t_hi, 100.0 * n_hi / max(t_lo, 1e-12)
        ok = s_hi >= lo and s_lo <= hi
        line = (
            f"{fmt(n.value)} / {fmt(total.value)} = {share:.3g}%; '{p.text}' covers [{lo:.4g}, {hi:.4g}] "
            + ("→ consistent" if ok else "→ inconsistent")
        )
        ev = (Evidence(f"{fmt(n.value)} / {fmt(total.value)} as a percentage", None, share, "percent"),)
        out.append(Finding(ok, 0.9, line, ev))
    return out


_SHARE_AFTER_RE: Final = re.compile(
    r"\s+of\s+(?:the\s+|all\s+|its\s+|their\s+|his\s+|her\s+|our\s+)?[a-z]", re.I
)
_CHANGE_BEFORE_RE: Final = re.compile(
    r"(?i:\b(?:increase[ds]?|rise|rose|risen|grew|grow[ns]?|growth|up|jump(?:ed|s)?|surge[ds]?|higher|more|"
    r"gain(?:ed|s)?|climb(?:ed|s)?|boost(?:ed)?|by|soar(?:ed)?|spike[ds]?|hike[ds]?|increase\s+of|return|"
    r"markup|larger|bigger|faster|over|above|exceed(?:ed|ing)?|than)\b)"
)


def _shares(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[Finding]:
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
        out.append(Finding(ok, 0.85 if not ok else 0.75, line, ()))
    return out


_INCLUDING_RE: Final = re.compile(
    r"(?i:\s*,?\s*(?:including|among\s+them|comprising|made\s+up\s+of|consisting\s+of|of\s+which|of\s+whom)"
    r"\s+(?:some\s+|about\s+|at\s+least\s+)?)\Z"
)
_OF_THE_BEFORE_RE: Final = re.compile(r"(?i:\bof\s+(?:the|these|those|its|their|all)\s+)\Z")
_OF_THEM_RE: Final = re.compile(r"(?i:\s+of\s+(?:them|whom|which|those|these)\b)")
_LIST_GAP_RE: Final = re.compile(r"[^,;.:()]{0,40}?(?:,\s*(?:and\s+)?|\s+and\s+)\Z")
_CLAUSE_GAP_RE: Final = re.compile(r"(?:[ \t]+[A-Za-z][A-Za-z\-’']*){1,6},[ \t]*\Z")


def _parts_of_total(text: str, qs: Sequence[ParsedQuantity], offset: int) -> list[Finding]:
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
                f"'{a.text}' of '{b.text}': a part cannot exceed its whole ({fmt(a.value)} ≤ {fmt(b.value)})"
            )
            out.append(
                Finding(
                    ok,
                    0.85,
                    line + (" → consistent" if ok else " → inconsistent"),
                    (Evidence("part", shift(a.span, offset), a.value, a.unit),),
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
        arithmetic = " + ".join(fmt(p.value) for p in parts)
        line = (
            f"parts {arithmetic} = {fmt(summed)} against the total '{total.text}' ({fmt(total.value)}) "
            + ("→ within the total" if ok else "→ the parts exceed the total, inconsistent")
        )
        out.append(Finding(ok, 0.8, line, (Evidence("sum of the parts", None, summed, "dimensionless"),)))
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
        line = f"'{part.text} of them' out of '{total.text}': {fmt(part.value)} ≤ {fmt(total.value)} " + (
            "→ consistent" if ok else "→ the part exceeds the whole, inconsistent"
        )
        out.append(
            Finding(ok, 0.8, line, (Evidence("part", shift(part.span, offset), part.value, part.unit),))
        )
    return out
