"""The record model: frozen dataclasses for everything that flows through claimbench.

Records mirror the JSON Schemas in ``schemas/`` field for field, so a validated JSON object maps onto a
record without guessing. Spans are ``(start, end)`` half-open offsets in Unicode code points (Python ``str``
indices) into the article text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

Span = tuple[int, int]
"""A half-open ``[start, end)`` code-point offset range into an article's text."""

NUMERIC_CONSISTENCY = "numeric_consistency"
SOURCE_AGREEMENT = "source_agreement"

NUMERIC_LABELS: tuple[str, ...] = ("consistent", "inconsistent", "not_applicable")
"""Labels of the numeric-consistency task."""

STANCE_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
"""Labels of the source-agreement task: the FNC-1 label set, so external benchmarks share it."""


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


def cluster_of(item_id: str, article_id: str | None, other_article_id: str | None = None) -> str:
    """The cluster an item is resampled with: the article it belongs to, by one rule everywhere.

    A relation's other article when it names one, else its claim's article (for a claim, its own), else
    the item's own id (an item with no article is a cluster of one).
    """
    if other_article_id is not None:
        return other_article_id
    if article_id is not None:
        return article_id
    return item_id


ItemKind = Literal["claim", "relation"]
"""The record kinds (schema names) a task's items can be."""


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """One task claimbench scores: what its items are, where they are read from, and how they are scored.

    Every module that needs to know about a task reads it here (:data:`TASKS`) instead of testing the
    task's name, so a new task is one more row.
    """

    name: str
    kind: ItemKind
    """The record kind of its items: ``claim`` (a :class:`Claim`) or ``relation`` (a :class:`Relation`)."""
    file: str
    """The manifest ``files`` key of the file its items are read from (``claims``, ``relations``)."""
    labels: tuple[str, ...]
    """Its label set, in the order scores and confusion matrices use."""
    gold_field: tuple[str, ...]
    """Where an item's gold label is, as field names from its record (``numeric_consistency.label``);
    an item missing any of them carries none and is not scored."""
    null_label: str
    """The label that means "nothing to report": what an unfitted baseline predicts."""
    fnc1_score: bool = False
    """Whether it is also scored by FNC-1's weighted points (a stance task with the FNC-1 labels)."""
    label_mapping: bool = False
    """Whether a dataset's ``label_mapping`` (an external corpus's labels mapped onto these) narrows the
    labels its macro-F1 averages over."""

    def gold(self, record: Mapping[str, Any]) -> str | None:
        """The gold label in a JSON record of this task's kind, or ``None`` when it carries none."""
        value: Any = record
        for name in self.gold_field:
            value = value.get(name) if isinstance(value, Mapping) else None
            if value is None:
                return None
        return str(value)

    def gold_of(self, item: Item) -> str | None:
        """The gold label of a record object, or ``None`` (none given, or an item of another kind)."""
        if _KIND_OF.get(type(item)) != self.kind:
            return None
        value: Any = item
        for name in self.gold_field:
            value = getattr(value, name, None)
            if value is None:
                return None
        return str(value)

    def cluster(self, record: Mapping[str, Any], article_of_claim: Callable[[str], str | None]) -> str:
        """:func:`cluster_of` for a JSON record of this task's kind; ``article_of_claim`` gives the article
        of the claim a relation points at (``None`` when it has none or is not known)."""
        if self.kind == "claim":
            return cluster_of(record["id"], record.get("article_id"))
        other = record.get("other_article_id")
        article = article_of_claim(record["claim_id"]) if other is None else None
        return cluster_of(record["id"], article, other)

    def item(self, record: Mapping[str, Any]) -> Item:
        """The record object of a validated JSON record of this task's kind."""
        return claim_from_json(record) if self.kind == "claim" else relation_from_json(record)


_KIND_OF: Mapping[type, ItemKind] = MappingProxyType({Claim: "claim", Relation: "relation"})


def item_cluster(item: Item, claims: Mapping[str, Claim]) -> str:
    """:func:`cluster_of` for a record object: a relation's claim is looked up in ``claims``."""
    if isinstance(item, Relation):
        claim = claims.get(item.claim_id) if item.other_article_id is None else None
        return cluster_of(item.id, claim.article_id if claim is not None else None, item.other_article_id)
    return cluster_of(item.id, item.article_id)


TASKS: Mapping[str, TaskInfo] = MappingProxyType(
    {
        NUMERIC_CONSISTENCY: TaskInfo(
            name=NUMERIC_CONSISTENCY,
            kind="claim",
            file="claims",
            labels=NUMERIC_LABELS,
            gold_field=("numeric_consistency", "label"),
            null_label="consistent",
        ),
        SOURCE_AGREEMENT: TaskInfo(
            name=SOURCE_AGREEMENT,
            kind="relation",
            file="relations",
            labels=STANCE_LABELS,
            gold_field=("label",),
            null_label="unrelated",
            fnc1_score=True,
            label_mapping=True,
        ),
    }
)
"""Every task claimbench scores, by name: the one table of tasks (see :class:`TaskInfo`)."""


def task_info(task: str) -> TaskInfo:
    """The row of :data:`TASKS` for ``task``; :class:`ValueError` naming the known tasks for any other."""
    try:
        return TASKS[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}") from None


def gold_label(task: str, item: Item) -> str | None:
    """The gold label of ``item`` for ``task``, or ``None`` when the item carries none."""
    info = TASKS.get(task)
    return info.gold_of(item) if info is not None else None
