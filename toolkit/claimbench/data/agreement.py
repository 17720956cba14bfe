"""Inter-annotator agreement between two annotations of the same articles.

Two datasets annotated independently (different ids, different choices of which relations to label) are
compared item by item: claims are matched by their span in the article (articles by their text, so the
article ids may differ too), quantities and time expressions by their span within a matched claim, and
relations by the unordered pair of their claims' spans. For every annotated field this gives Cohen's
kappa (scikit-learn's ``cohen_kappa_score``), Krippendorff's alpha (the ``krippendorff`` package:
nominal, and interval for numeric values), the observed agreement, the confusion matrix, seeded
percentile-bootstrap intervals over the items and the list of disagreements with both rationales.

Which relations to label is itself part of the annotation. The relate-or-not choice is measured over
every unordered pair of matched claims that at least one annotation attributes to different sources
(the pairs the guideline allows relating), together with every pair either annotator related: a pair
one annotator related and the other did not is a disagreement. Because most allowed pairs are related
by neither, the positive specific agreement (2·both / (related by A + related by B)) is given as well.

The figures of one field are :mod:`~claimbench.data.agreement_stats`; the JSON and Markdown reports
:mod:`~claimbench.data.agreement_report`.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

from claimbench.data.agreement_stats import (
    CONFIDENCE,
    NONE,
    RESAMPLES,
    SEED,
    FieldAgreement,
    Pair,
    field_agreement,
)
from claimbench.data.dataset import Dataset
from claimbench.records import Claim, Relation

__all__ = ["AgreementReport", "ItemKey", "Matching", "compare_datasets"]

_K = TypeVar("_K")

ItemKey = tuple[str, int, int]
"""A claim's place: its article's text hash (or ``text:<hash>`` for a standalone claim) and its span."""


@dataclass(frozen=True, slots=True)
class Matching:
    """How many items of one kind each annotation has, and which could not be matched."""

    kind: str
    n_a: int
    n_b: int
    matched: int
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]

    @classmethod
    def of(
        cls, kind: str, a: Mapping[_K, Claim | Relation], b: Mapping[_K, Claim | Relation], matched: int
    ) -> Matching:
        """The matching of two annotations' records of ``kind``, keyed alike: the ids found in one only."""
        return cls(
            kind,
            len(a),
            len(b),
            matched,
            tuple(r.id for k, r in a.items() if k not in b),
            tuple(r.id for k, r in b.items() if k not in a),
        )


@dataclass(frozen=True)
class AgreementReport:
    """Everything :func:`compare_datasets` measured."""

    a: Mapping[str, str]
    b: Mapping[str, str]
    seed: int
    resamples: int
    confidence: float
    matching: tuple[Matching, ...]
    fields: tuple[FieldAgreement, ...] = field(default_factory=tuple)


def _article_keys(ds: Dataset) -> dict[str, str]:
    return {i: hashlib.sha256(a.text.encode("utf-8")).hexdigest()[:16] for i, a in ds.articles.items()}


def _claim_key(claim: Claim, articles: Mapping[str, str]) -> ItemKey:
    if claim.article_id is not None and claim.span is not None:
        return (articles[claim.article_id], claim.span[0], claim.span[1])
    digest = hashlib.sha256(claim.text.encode("utf-8")).hexdigest()[:16]
    return (f"text:{digest}", 0, len(claim.text))


def _claims_by_key(ds: Dataset) -> dict[ItemKey, Claim]:
    articles = _article_keys(ds)
    out: dict[ItemKey, Claim] = {}
    for claim in ds.claims.values():
        out.setdefault(_claim_key(claim, articles), claim)
    return out


def _source(claim: Claim) -> str:
    return claim.attribution.source_id if claim.attribution is not None else NONE


def _verb(claim: Claim) -> str:
    verb = claim.attribution.verb if claim.attribution is not None else None
    return " ".join(verb.lower().split()) if verb else NONE


def _ids(a: Claim, b: Claim) -> str:
    return a.id if a.id == b.id else f"{a.id} / {b.id}"


def compare_datasets(
    a: Dataset,
    b: Dataset,
    *,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
) -> AgreementReport:
    """Agreement of annotation ``b`` with annotation ``a`` of the same articles, field by field."""
    claims_a, claims_b = _claims_by_key(a), _claims_by_key(b)
    keys = [k for k in claims_a if k in claims_b]
    matching = [Matching.of("claims", claims_a, claims_b, len(keys))]
    settings: _Settings = {"seed": seed, "resamples": resamples, "confidence": confidence}
    fields: list[FieldAgreement] = []

    def claim_field(name: str, value: Callable[[Claim], str | None], *, rationale: bool = False) -> None:
        pairs, missing = [], 0
        for k in keys:
            ca, cb = claims_a[k], claims_b[k]
            va, vb = value(ca), value(cb)
            if va is None or vb is None:
                missing += va is not None or vb is not None
                continue
            pairs.append(
                Pair(
                    _ids(ca, cb),
                    va,
                    vb,
                    ca.text,
                    _gold_rationale(ca) if rationale else "",
                    _gold_rationale(cb) if rationale else "",
                )
            )
        fields.append(field_agreement(name, pairs, missing=missing, **settings))

    claim_field("claim_type", lambda c: c.claim_type)
    claim_field("check_worthiness", lambda c: c.check_worthiness)
    claim_field("attribution.speaker_type", lambda c: c.attribution.speaker_type if c.attribution else NONE)
    claim_field("attribution.verb", _verb)
    claim_field(
        "numeric_consistency.label",
        lambda c: c.numeric_consistency.label if c.numeric_consistency else None,
        rationale=True,
    )

    for kind in ("quantities", "times"):
        parts: list[tuple[Claim, Claim, Any, Any]] = []
        listed: list[Pair] = []
        only_a: list[str] = []
        only_b: list[str] = []
        n_a = n_b = 0
        for k in keys:
            ca, cb = claims_a[k], claims_b[k]
            pa = {p.span: p for p in getattr(ca, kind)}
            pb = {p.span: p for p in getattr(cb, kind)}
            n_a, n_b = n_a + len(pa), n_b + len(pb)
            for span in sorted(set(pa) | set(pb)):
                where = f"{_ids(ca, cb)} {kind[0]}[{span[0]},{span[1]})"
                text = (pa.get(span) or pb[span]).text
                listed.append(Pair(where, "yes" if span in pa else "no", "yes" if span in pb else "no", text))
                if span in pa and span in pb:
                    parts.append((ca, cb, pa[span], pb[span]))
                elif span in pa:
                    only_a.append(where)
                else:
                    only_b.append(where)
        matching.append(Matching(kind, n_a, n_b, len(parts), tuple(only_a), tuple(only_b)))
        fields.append(
            field_agreement(f"{kind}.listed", listed, choice=True, chance_corrected=False, **settings)
        )

        def part_field(
            name: str,
            value: Callable[[Any], str | float],
            level: str = "nominal",
            kind: str = kind,
            parts: list[tuple[Claim, Claim, Any, Any]] = parts,
        ) -> None:
            pairs = [
                Pair(f"{_ids(ca, cb)} {kind[0]}[{qa.span[0]},{qa.span[1]})", value(qa), value(qb), qa.text)
                for ca, cb, qa, qb in parts
            ]
            fields.append(field_agreement(name, pairs, level=level, **settings))

        if kind == "quantities":
            part_field("quantities.value", lambda q: float(q.value), "interval")
            part_field("quantities.unit", lambda q: q.unit)
            part_field("quantities.qualifier", lambda q: q.qualifier)
        else:
            part_field("times.value", lambda t: t.value)
            part_field("times.kind", lambda t: t.kind)
            part_field("times.qualifier", lambda t: getattr(t, "qualifier", "exact"))

    related, stance, rel_matching = _relations(a, b, claims_a, claims_b, keys)
    matching.append(rel_matching)
    fields.append(field_agreement("relations.related", related, choice=True, **settings))
    fields.append(field_agreement("relations.label", stance, **settings))
    return AgreementReport(
        a=_identity(a),
        b=_identity(b),
        seed=seed,
        resamples=resamples,
        confidence=confidence,
        matching=tuple(matching),
        fields=tuple(fields),
    )


def _gold_rationale(claim: Claim) -> str:
    return claim.numeric_consistency.rationale if claim.numeric_consistency else ""


def _identity(ds: Dataset) -> dict[str, str]:
    return {"id": ds.id, "version": ds.version, "checksum": ds.checksum}


PairKey = frozenset[ItemKey]


class _Settings(TypedDict):
    seed: int
    resamples: int
    confidence: float


def _relation_keys(ds: Dataset, by_key: Mapping[ItemKey, Claim]) -> dict[PairKey, Relation]:
    """The claim-to-claim relations of ``ds`` keyed by the unordered pair of their claims' places."""
    place = {c.id: k for k, c in by_key.items()}
    out: dict[PairKey, Relation] = {}
    for rel in ds.relations.values():
        if rel.other_claim_id is None or rel.claim_id not in place or rel.other_claim_id not in place:
            continue  # relations to whole articles are not compared (no second annotation of those yet)
        out.setdefault(frozenset((place[rel.claim_id], place[rel.other_claim_id])), rel)
    return out


def _relations(
    a: Dataset,
    b: Dataset,
    claims_a: Mapping[ItemKey, Claim],
    claims_b: Mapping[ItemKey, Claim],
    keys: Sequence[ItemKey],
) -> tuple[list[Pair], list[Pair], Matching]:
    rels_a, rels_b = _relation_keys(a, claims_a), _relation_keys(b, claims_b)
    candidates: set[PairKey] = set(rels_a) | set(rels_b)
    for k1, k2 in itertools.combinations(keys, 2):
        if _source(claims_a[k1]) != _source(claims_a[k2]) or _source(claims_b[k1]) != _source(claims_b[k2]):
            candidates.add(frozenset((k1, k2)))

    def name(pair: PairKey) -> str:
        ends = sorted(pair)
        ids = [
            _ids(claims_a[k], claims_b[k])
            if k in claims_a and k in claims_b
            else (claims_a.get(k) or claims_b[k]).id
            for k in ends
        ]
        return " ~ ".join(ids)

    def text(rel: Relation, claims: Mapping[str, Claim]) -> str:
        return f"{claims[rel.claim_id].text} ← {claims[rel.other_claim_id or ''].text}"

    related, stance = [], []
    for pair in sorted(candidates, key=lambda p: sorted(p)):
        ra, rb = rels_a.get(pair), rels_b.get(pair)
        rel = ra or rb
        related.append(
            Pair(
                name(pair),
                "yes" if ra else "no",
                "yes" if rb else "no",
                text(rel, a.claims if ra else b.claims) if rel else "",
                ra.rationale if ra else "",
                rb.rationale if rb else "",
            )
        )
        if ra and rb:
            same = a.claims[ra.claim_id].span == b.claims[rb.claim_id].span
            stance.append(
                Pair(
                    f"{ra.id} / {rb.id}" + ("" if same else " (directions differ)"),
                    ra.label,
                    rb.label,
                    text(ra, a.claims),
                    ra.rationale,
                    rb.rationale,
                )
            )
    return related, stance, Matching.of("relations", rels_a, rels_b, len(stance))
