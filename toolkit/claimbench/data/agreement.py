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
"""

from __future__ import annotations

import hashlib
import itertools
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import numpy as np

from claimbench._io import write_text
from claimbench.data.dataset import Dataset
from claimbench.records import Claim, Relation

_K = TypeVar("_K")

NONE = "(none)"
"""The category of a field left empty (no attribution, no reporting verb)."""

CONFIDENCE = 0.95
RESAMPLES = 1000
SEED = 20161018

ItemKey = tuple[str, int, int]
"""A claim's place: its article's text hash (or ``text:<hash>`` for a standalone claim) and its span."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One item annotated in both datasets: its values and what each annotator wrote about it."""

    item: str
    a: str | float
    b: str | float
    text: str = ""
    rationale_a: str = ""
    rationale_b: str = ""


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """Agreement on one field over the items both annotations label."""

    field: str
    level: str
    n: int
    missing: int
    observed: float | None
    kappa: float | None
    alpha_nominal: float | None
    alpha_interval: float | None
    intervals: Mapping[str, tuple[float, float] | None]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    disagreements: tuple[Pair, ...]
    positive_agreement: float | None = None


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


# ---------------------------------------------------------------------------------------------------------
# Coefficients
# ---------------------------------------------------------------------------------------------------------


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two annotators' labels (scikit-learn), or ``None`` where it is undefined.

    It is undefined when there are no items, or when both annotators used one and the same label
    throughout (expected agreement 1: kappa is 0/0).
    """
    from sklearn.metrics import cohen_kappa_score

    if len(a) != len(b):
        raise ValueError(f"kappa needs paired labels, got {len(a)} and {len(b)}")
    if not a or len(set(a) | set(b)) < 2:
        return None
    codes = _codes([*a, *b])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(cohen_kappa_score([codes[x] for x in a], [codes[x] for x in b]))
    return None if np.isnan(value) else value


def krippendorff_alpha(coders: Sequence[Sequence[Hashable | None]], level: str = "nominal") -> float | None:
    """Krippendorff's alpha of any number of coders (``None`` marks a unit a coder left out).

    ``level`` is ``nominal``, ``ordinal``, ``interval`` or ``ratio``; for the last three the values must
    be numbers. Computed by the ``krippendorff`` package; ``None`` where alpha is undefined (fewer than
    two distinct values, or no unit coded twice).
    """
    import krippendorff

    if len({len(c) for c in coders}) > 1:
        raise ValueError("every coder needs a value (or None) for every unit")
    values = [v for c in coders for v in c if v is not None]
    if len(set(values)) < 2:
        return None
    if level == "nominal":
        codes = _codes(values)
        data = np.array([[np.nan if v is None else codes[v] for v in c] for c in coders], dtype=float)
    else:
        data = np.array([[np.nan if v is None else float(v) for v in c] for c in coders], dtype=float)  # type: ignore[arg-type]
    paired = np.sum(~np.isnan(data), axis=0) >= 2
    if not paired.any():
        return None
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))  # type: ignore[arg-type]
    return None if np.isnan(value) else value


def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """The share of items with the same label from both annotators."""
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def positive_agreement(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Positive specific agreement 2·both / (A + B): agreement on the items either one chose."""
    both = sum(x and y for x, y in zip(a, b, strict=True))
    total = sum(a) + sum(b)
    return 2 * both / total if total else None


def _codes(values: Sequence[Hashable]) -> dict[Hashable, int]:
    return {v: i for i, v in enumerate(sorted(set(values), key=str))}


def _tables(a: Sequence[str], b: Sequence[str], labels: Sequence[str], draws: np.ndarray) -> np.ndarray:
    """The confusion matrix of every resample: ``draws`` (resamples × items) indexes the items."""
    k = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.array([index[x] * k + index[y] for x, y in zip(a, b, strict=True)], dtype=np.int64)
    offsets = np.arange(draws.shape[0], dtype=np.int64)[:, None] * (k * k)
    counts = np.bincount((codes[draws] + offsets).ravel(), minlength=draws.shape[0] * k * k)
    return counts.reshape(draws.shape[0], k, k).astype(float)


def nominal_statistics(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Observed agreement, Cohen's kappa and nominal Krippendorff's alpha of two coders, from confusion
    matrices (``... × k × k``, rows coder A), vectorised for the bootstrap; ``nan`` where undefined.

    The closed forms for two coders with no missing values: kappa = (p_o − p_e) / (1 − p_e) with
    p_e = Σ_c p_A(c)·p_B(c); alpha = 1 − (N − 1)·(N − Σ o_cc) / (N² − Σ n_c²) over the coincidence matrix
    o = M + Mᵀ with N = 2n values (Krippendorff 2011, section C). The tests check them against
    scikit-learn and the ``krippendorff`` package, which compute the point estimates.
    """
    n = tables.sum(axis=(-2, -1))
    diag = np.trace(tables, axis1=-2, axis2=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        po = diag / n
        pe = np.sum(tables.sum(axis=-1) * tables.sum(axis=-2), axis=-1) / n**2
        kappa = np.where(pe < 1, (po - pe) / (1 - pe), np.nan)
        big_n = 2 * n
        n_c = tables.sum(axis=-1) + tables.sum(axis=-2)
        expected = big_n**2 - np.sum(n_c**2, axis=-1)
        alpha = np.where(expected > 0, 1 - (big_n - 1) * (big_n - 2 * diag) / expected, np.nan)
    return {"observed": po, "kappa": kappa, "alpha_nominal": alpha}


def interval_alpha(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Interval Krippendorff's alpha of two coders with no missing values, over the last axis (vectorised).

    alpha = 1 − (N − 1)·Σ_u 2(x_u − y_u)² / Σ_{i≠j} (v_i − v_j)² over the N = 2n values v.
    """
    v = np.concatenate([x, y], axis=-1)
    big_n = v.shape[-1]
    observed = 2 * np.sum((x - y) ** 2, axis=-1)
    expected = 2 * big_n * np.sum(v**2, axis=-1) - 2 * np.sum(v, axis=-1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            expected > 0, 1 - (big_n - 1) * observed / np.where(expected > 0, expected, 1), np.nan
        )


def _percentile(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    """Percentile interval of the defined bootstrap values; ``None`` when under half are defined (the
    interval would describe an odd subset, e.g. the resamples that happen to hold two labels)."""
    defined = values[~np.isnan(values)]
    if defined.size < values.size / 2 or defined.size == 0:
        return None
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(defined, [tail, 1 - tail])
    return float(lo), float(hi)


def field_agreement(
    name: str,
    pairs: Sequence[Pair],
    *,
    level: str = "nominal",
    missing: int = 0,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    choice: bool = False,
    chance_corrected: bool = True,
) -> FieldAgreement:
    """Every agreement figure of one field over ``pairs`` (the items both annotators labelled).

    ``level="interval"`` adds interval alpha for numeric values (nominal figures compare them exactly).
    ``choice=True`` marks a yes/no choice of items (values ``"yes"``/``"no"``) and adds the positive
    specific agreement. ``chance_corrected=False`` leaves out kappa and alpha, for a choice measured only
    over the items someone chose (no item is "no" for both, so chance agreement is not defined by the
    data and kappa would be meaningless). The bootstrap uses its own generator seeded by ``seed`` and the
    field's name, so each field's interval is reproducible on its own.
    """
    a = [_nominal(p.a) for p in pairs]
    b = [_nominal(p.b) for p in pairs]
    labels = tuple(sorted(set(a) | set(b), key=_label_order))
    # RandomState, not default_rng: its stream is frozen across NumPy releases, so the committed report
    # of a dataset is reproduced exactly anywhere (Generator streams may change between releases).
    rng = np.random.RandomState([seed % 2**32, int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)])
    draws = rng.randint(0, len(pairs), size=(resamples, len(pairs))) if len(pairs) >= 2 else None
    intervals: dict[str, tuple[float, float] | None] = dict.fromkeys(("observed", "kappa", "alpha_nominal"))
    if draws is not None and resamples > 0:
        stats = nominal_statistics(_tables(a, b, labels, draws))
        intervals = {k: _percentile(v, confidence) for k, v in stats.items()}
    alpha_interval = None
    if level == "interval":
        xa = np.array([float(p.a) for p in pairs])
        xb = np.array([float(p.b) for p in pairs])
        alpha_interval = krippendorff_alpha([list(xa), list(xb)], "interval")
        intervals["alpha_interval"] = (
            _percentile(interval_alpha(xa[draws], xb[draws]), confidence)
            if draws is not None and resamples > 0
            else None
        )
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for x, y in zip(a, b, strict=True):
        matrix[index[x]][index[y]] += 1
    if not chance_corrected:
        intervals = {k: v for k, v in intervals.items() if k == "observed"}
    positive = positive_agreement([x == "yes" for x in a], [y == "yes" for y in b]) if choice else None
    return FieldAgreement(
        field=name,
        level=level,
        n=len(pairs),
        missing=missing,
        observed=observed_agreement(a, b),
        kappa=cohen_kappa(a, b) if chance_corrected else None,
        alpha_nominal=krippendorff_alpha([a, b]) if chance_corrected else None,
        alpha_interval=alpha_interval,
        intervals=intervals,
        labels=labels,
        confusion=tuple(tuple(row) for row in matrix),
        disagreements=tuple(p for p, x, y in zip(pairs, a, b, strict=True) if x != y),
        positive_agreement=positive,
    )


def _nominal(value: str | float) -> str:
    """A value as a category: numbers by their shortest exact repr (7.0 and 7 are one category)."""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return value


def _label_order(label: str) -> tuple[int, str]:
    return (1 if label == NONE else 0, label)


# ---------------------------------------------------------------------------------------------------------
# Matching two datasets
# ---------------------------------------------------------------------------------------------------------


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
    matching = Matching.of("relations", rels_a, rels_b, len(stance))
    return related, stance, matching


# ---------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def report_to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as a JSON object (figures rounded to 4 decimals, so it is stable across platforms)."""
    return {
        "a": dict(report.a),
        "b": dict(report.b),
        "settings": {
            "seed": report.seed,
            "resamples": report.resamples,
            "confidence": report.confidence,
            "bootstrap": "percentile, items resampled with replacement",
            "kappa": "sklearn.metrics.cohen_kappa_score",
            "alpha": "krippendorff.alpha",
        },
        "matching": [
            {
                "kind": m.kind,
                "a": m.n_a,
                "b": m.n_b,
                "matched": m.matched,
                "only_a": list(m.only_a),
                "only_b": list(m.only_b),
            }
            for m in report.matching
        ],
        "fields": [
            {
                "field": f.field,
                "level": f.level,
                "n": f.n,
                "missing": f.missing,
                "observed": _round(f.observed),
                "kappa": _round(f.kappa),
                "alpha_nominal": _round(f.alpha_nominal),
                "alpha_interval": _round(f.alpha_interval),
                "positive_agreement": _round(f.positive_agreement),
                "intervals": {
                    k: (None if v is None else [_round(v[0]), _round(v[1])]) for k, v in f.intervals.items()
                },
                "labels": list(f.labels),
                "confusion": [list(row) for row in f.confusion],
                "disagreements": [
                    {
                        "item": p.item,
                        "a": _nominal(p.a),
                        "b": _nominal(p.b),
                        "text": p.text,
                        "rationale_a": p.rationale_a,
                        "rationale_b": p.rationale_b,
                    }
                    for p in f.disagreements
                ],
            }
            for f in report.fields
        ],
    }


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _ci(f: FieldAgreement, key: str, value: float | None) -> str:
    ci = f.intervals.get(key)
    if value is None:
        return "–"
    return _fmt(value) + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci is not None else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(report: AgreementReport) -> str:
    """The report as Markdown: the summary table, the matching, confusion matrices and disagreements."""
    pct = round(report.confidence * 100)
    out = [
        "# Inter-annotator agreement",
        "",
        f"A: `{report.a['id']}` v{report.a['version']} (data checksum `{report.a['checksum'][:12]}`); "
        f"B: `{report.b['id']}` v{report.b['version']} (data checksum `{report.b['checksum'][:12]}`).",
        "",
        f"Cohen's kappa (scikit-learn), Krippendorff's alpha (the `krippendorff` package; nominal, and "
        f"interval for numeric values), observed agreement; {pct} % percentile-bootstrap intervals over the "
        f"items ({report.resamples} resamples, seed {report.seed}). Claims are matched by span, quantities "
        "and times by span within a matched claim, relations by the unordered pair of their claims' spans. "
        "`*.listed` and `relations.related` measure the choice of items: for `relations.related` over every "
        "pair of matched claims that either annotation attributes to different sources, plus every related "
        "pair; `*.listed` over the quantities (times) either annotator listed in a matched claim, so no item "
        "is unlisted by both and only observed and positive agreement are given; positive agreement is "
        "2·both / (A + B).",
        "",
        "| field | n | observed | Cohen's kappa | alpha (nominal) | alpha (interval) | positive agr. |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for f in report.fields:
        out.append(
            f"| {f.field} | {f.n} | {_ci(f, 'observed', f.observed)} | {_ci(f, 'kappa', f.kappa)} | "
            f"{_ci(f, 'alpha_nominal', f.alpha_nominal)} | {_ci(f, 'alpha_interval', f.alpha_interval)} | "
            f"{_fmt(f.positive_agreement)} |"
        )
    out += [
        "",
        "## Matching",
        "",
        "| items | A | B | matched | only in A | only in B |",
        "|---|---:|---:|---:|---|---|",
    ]
    for m in report.matching:
        out.append(
            f"| {m.kind} | {m.n_a} | {m.n_b} | {m.matched} | {_cell(', '.join(m.only_a)) or '–'} | "
            f"{_cell(', '.join(m.only_b)) or '–'} |"
        )
    out += ["", "## Confusion matrices", "", "Rows: A's label; columns: B's label.", ""]
    for f in report.fields:
        if not f.labels or f.level == "interval" or len(f.labels) > 12:
            continue
        out += [f"### {f.field}", "", "| A \\ B | " + " | ".join(f.labels) + " |"]
        out.append("|---|" + "---:|" * len(f.labels))
        for label, row in zip(f.labels, f.confusion, strict=True):
            out.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
        out.append("")
    out += ["## Disagreements", ""]
    for f in report.fields:
        if not f.disagreements:
            continue
        out += [
            f"### {f.field} ({len(f.disagreements)})",
            "",
            "| item | A | B | text | A's rationale | B's rationale |",
        ]
        out.append("|---|---|---|---|---|---|")
        for p in f.disagreements:
            out.append(
                f"| {_cell(p.item)} | {_cell(_nominal(p.a))} | {_cell(_nominal(p.b))} | {_cell(p.text)} | "
                f"{_cell(p.rationale_a)} | {_cell(p.rationale_b)} |"
            )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_json(report: AgreementReport) -> str:
    """The JSON report as text: indented, keys in a fixed order, one final newline."""
    import json

    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"


def write_agreement(report: AgreementReport, json_path: Path | None, markdown_path: Path | None) -> None:
    """Write the JSON and/or Markdown report, each atomically."""
    if json_path is not None:
        write_text(json_path, render_json(report))
    if markdown_path is not None:
        write_text(markdown_path, render_markdown(report))
