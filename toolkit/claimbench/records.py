"""The record model: frozen dataclasses for everything that flows through claimbench.

Records mirror the JSON Schemas in ``schemas/`` field for field, so a validated JSON object maps onto a
record without guessing. Spans are ``(start, end)`` half-open offsets in Unicode code points (Python ``str``
indices) into the article text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

Span = tuple[int, int]
"""A half-open ``[start, end)`` code-point offset range into an article's text."""

NUMERIC_CONSISTENCY = "numeric_consistency"
SOURCE_AGREEMENT = "source_agreement"

NUMERIC_LABELS: tuple[str, ...] = ("consistent", "inconsistent", "not_applicable")
"""Labels of the numeric-consistency task."""

STANCE_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
"""Labels of the source-agreement task: the FNC-1 label set, so external benchmarks share it."""

TASK_LABELS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {NUMERIC_CONSISTENCY: NUMERIC_LABELS, SOURCE_AGREEMENT: STANCE_LABELS}
)
"""Every task claimbench scores, with its label set."""

QUALIFIERS: tuple[str, ...] = (
    "exact",
    "approximate",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "estimate",
)
"""How a writer bounds a quantity; ``more_than``/``less_than`` (strict) are new in record schema 1.1.0."""
TIME_QUALIFIERS: tuple[str, ...] = (
    "exact",
    "approximate",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "before",
    "after",
)
"""How a time expression bounds its value (record schema 1.1.0; ``exact`` when absent)."""
CLAIM_TYPES: tuple[str, ...] = (
    "numeric",
    "event",
    "reported_speech",
    "prediction",
    "evaluative",
    "state",
)
SPEAKER_TYPES: tuple[str, ...] = (
    "newspaper",
    "government",
    "military",
    "militant_media",
    "ngo_un",
    "analyst",
    "other",
)
SECTIONS: tuple[str, ...] = ("headline", "standfirst", "body")
CHECK_WORTHINESS: tuple[str, ...] = ("high", "medium", "low")
TIME_KINDS: tuple[str, ...] = ("date", "interval", "duration")


@dataclass(frozen=True, slots=True)
class Article:
    """A news article (or, for external benchmarks, a body text) that claims point into."""

    id: str
    title: str
    text: str
    publisher: str | None = None
    published: str | None = None
    language: str = "en"
    authors: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who the article says asserts a claim, and with which reporting verb."""

    source_id: str
    speaker: str
    speaker_type: str
    speaker_span: Span | None = None
    verb: str | None = None
    verb_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated in a claim, with its unit in a form ``pint`` parses."""

    span: Span
    text: str
    value: float
    unit: str
    qualifier: str = "exact"
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression resolved against the publication date (ISO 8601 date, interval or duration)."""

    span: Span
    text: str
    value: str
    kind: str = "date"
    qualifier: str = "exact"


@dataclass(frozen=True, slots=True)
class GoldLabel:
    """A gold label with the annotator's one-sentence rationale, and the other claims a cross-claim check
    rests on (``other_claim_ids``, record schema 1.1.0)."""

    label: str
    rationale: str
    other_claim_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a claim from an external corpus comes from, and how it was altered to make a test case."""

    source: str
    record: str | None = None
    perturbation: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One check-worthy assertion; ``span`` locates ``text`` in its article when it has one.

    ``attribution`` is the source that asserts the claim (what source agreement compares);
    ``attributions``, when the claim is reported through several sources, is the whole chain, outermost
    reporter first and ``attribution`` last (record schema 1.1.0). :attr:`reporting_chain` gives either.
    """

    id: str
    text: str
    article_id: str | None = None
    span: Span | None = None
    section: str = "body"
    claim_type: str = "event"
    check_worthiness: str = "high"
    attribution: Attribution | None = None
    attributions: tuple[Attribution, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    proposition: str | None = None
    numeric_consistency: GoldLabel | None = None
    provenance: Provenance | None = None

    @property
    def reporting_chain(self) -> tuple[Attribution, ...]:
        """Who reports the claim to whom, outermost first: ``attributions``, else ``attribution`` alone."""
        if self.attributions:
            return self.attributions
        return (self.attribution,) if self.attribution is not None else ()


@dataclass(frozen=True, slots=True)
class Relation:
    """The stance of a second text (a claim or a whole article body) towards a claim.

    Exactly one of ``other_claim_id`` and ``other_article_id`` is set. ``label`` is from
    :data:`STANCE_LABELS`.
    """

    id: str
    claim_id: str
    label: str
    rationale: str = ""
    other_claim_id: str | None = None
    other_article_id: str | None = None
    proposition: str | None = None


Item = Claim | Relation
"""What a checker is asked about: claims for numeric consistency, relations for source agreement."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of what a verdict rests on: a span of text, a quantity, or a computed value."""

    description: str
    span: Span | None = None
    value: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """A checker's answer for one item.

    ``label`` is ``None`` exactly when ``error`` is set: the checker failed on this item, and the run
    records that instead of stopping. ``environment`` marks an error caused by the machine rather than
    the item (a model file missing or refused: :class:`claimbench.checkers.base.CheckerEnvironmentError`);
    such a verdict is reported but never cached as the item's answer, so the next run tries again. It is
    not part of the JSON form (nothing stored holds one).
    """

    item_id: str
    checker: str
    checker_version: str
    label: str | None
    score: float | None = None
    explanation: str = ""
    evidence: tuple[Evidence, ...] = ()
    error: str | None = None
    environment: bool = False

    def __post_init__(self) -> None:
        if self.environment and self.error is None:
            raise ValueError("only an error verdict can be an environment error")
        if (self.label is None) == (self.error is None):
            raise ValueError("a Verdict has either a label or an error, not both and not neither")
        if self.score is not None and not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must lie in [0, 1], got {self.score!r}")

    @classmethod
    def failed(
        cls, item_id: str, checker: str, checker_version: str, error: str, *, environment: bool = False
    ) -> Verdict:
        """A verdict recording that the checker failed on this item (``environment``: not its fault)."""
        return cls(item_id, checker, checker_version, label=None, error=error, environment=environment)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, as ``schemas/verdict.schema.json`` describes it."""
        return {
            "item_id": self.item_id,
            "checker": self.checker,
            "checker_version": self.checker_version,
            "label": self.label,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": [
                {
                    "description": e.description,
                    "span": list(e.span) if e.span is not None else None,
                    "value": e.value,
                    "unit": e.unit,
                }
                for e in self.evidence
            ],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`."""
        evidence = tuple(
            Evidence(
                description=e["description"],
                span=_span(e.get("span")),
                value=e.get("value"),
                unit=e.get("unit"),
            )
            for e in data.get("evidence", ())
        )
        return cls(
            item_id=data["item_id"],
            checker=data["checker"],
            checker_version=data["checker_version"],
            label=data.get("label"),
            score=data.get("score"),
            explanation=data.get("explanation", ""),
            evidence=evidence,
            error=data.get("error"),
        )


@dataclass(frozen=True)
class Context:
    """What a checker may look at besides the items: the articles and every claim of the dataset."""

    articles: Mapping[str, Article] = field(default_factory=dict)
    claims: Mapping[str, Claim] = field(default_factory=dict)

    def article_of(self, claim: Claim) -> Article | None:
        """The article a claim comes from, if it has one."""
        return self.articles.get(claim.article_id) if claim.article_id is not None else None

    def claims_in(self, article_id: str) -> tuple[Claim, ...]:
        """Every claim of one article, in dataset order."""
        return self._by_article.get(article_id, ())

    @cached_property
    def _by_article(self) -> dict[str, tuple[Claim, ...]]:
        groups: dict[str, list[Claim]] = {}
        for claim in self.claims.values():
            if claim.article_id is not None:
                groups.setdefault(claim.article_id, []).append(claim)
        return {k: tuple(v) for k, v in groups.items()}


def to_json(record: Article | Claim | Relation) -> dict[str, Any]:
    """The JSON object of a record, as its schema describes it (``None`` fields left out)."""
    data: dict[str, Any] = _drop_none(asdict(record))
    if isinstance(record, Claim):  # fields new in schema 1.1.0 are left out when empty, as in 1.0.0 files
        if not data.get("attributions"):
            data.pop("attributions", None)
        gold = data.get("numeric_consistency")
        if gold is not None and not gold.get("other_claim_ids"):
            gold.pop("other_claim_ids", None)
    return data


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def _span(value: Any) -> Span | None:
    if value is None:
        return None
    start, end = value
    return (int(start), int(end))


def article_from_json(data: Mapping[str, Any]) -> Article:
    """Build an :class:`Article` from its validated JSON object."""
    return Article(
        id=data["id"],
        title=data["title"],
        text=data["text"],
        publisher=data.get("publisher"),
        published=data.get("published"),
        language=data.get("language", "en"),
        authors=tuple(data.get("authors", ())),
        url=data.get("url"),
    )


def claim_from_json(data: Mapping[str, Any]) -> Claim:
    """Build a :class:`Claim` from its validated JSON object."""
    att = data.get("attribution")
    attribution = _attribution(att) if att is not None else None
    gold = data.get("numeric_consistency")
    return Claim(
        id=data["id"],
        text=data["text"],
        article_id=data.get("article_id"),
        span=_span(data.get("span")),
        section=data.get("section", "body"),
        claim_type=data.get("claim_type", "event"),
        check_worthiness=data.get("check_worthiness", "high"),
        attribution=attribution,
        attributions=tuple(_attribution(a) for a in data.get("attributions", ())),
        quantities=tuple(
            Quantity(
                span=(q["span"][0], q["span"][1]),
                text=q["text"],
                value=float(q["value"]),
                unit=q["unit"],
                qualifier=q.get("qualifier", "exact"),
                entity=q.get("entity"),
            )
            for q in data.get("quantities", ())
        ),
        times=tuple(
            TimeExpression(
                span=(t["span"][0], t["span"][1]),
                text=t["text"],
                value=t["value"],
                kind=t.get("kind", "date"),
                qualifier=t.get("qualifier", "exact"),
            )
            for t in data.get("times", ())
        ),
        proposition=data.get("proposition"),
        numeric_consistency=(
            GoldLabel(gold["label"], gold["rationale"], tuple(gold.get("other_claim_ids", ())))
            if gold is not None
            else None
        ),
        provenance=Provenance(**prov) if (prov := data.get("provenance")) is not None else None,
    )


def _attribution(att: Mapping[str, Any]) -> Attribution:
    return Attribution(
        source_id=att["source_id"],
        speaker=att["speaker"],
        speaker_type=att["speaker_type"],
        speaker_span=_span(att.get("speaker_span")),
        verb=att.get("verb"),
        verb_span=_span(att.get("verb_span")),
    )


def relation_from_json(data: Mapping[str, Any]) -> Relation:
    """Build a :class:`Relation` from its validated JSON object."""
    return Relation(
        id=data["id"],
        claim_id=data["claim_id"],
        label=data["label"],
        rationale=data.get("rationale", ""),
        other_claim_id=data.get("other_claim_id"),
        other_article_id=data.get("other_article_id"),
        proposition=data.get("proposition"),
    )


def gold_label(task: str, item: Item) -> str | None:
    """The gold label of ``item`` for ``task``, or ``None`` when the item carries none."""
    if task == NUMERIC_CONSISTENCY and isinstance(item, Claim):
        return item.numeric_consistency.label if item.numeric_consistency else None
    if task == SOURCE_AGREEMENT and isinstance(item, Relation):
        return item.label
    return None
