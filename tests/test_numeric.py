"""Tests of the numeric-sanity checker: checks on hand-made claims, the contract, and measured figures."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import precision_recall_fscore_support

from claimbench.checkers.base import Checker
from claimbench.checkers.numeric import NumericSanityChecker
from claimbench.data.schema import schema_problems
from claimbench.records import (
    NUMERIC_CONSISTENCY,
    NUMERIC_LABELS,
    Article,
    Claim,
    Context,
    Relation,
    Verdict,
    claim_from_json,
)

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "datasets" / "fnc1-conversions" / "claims.jsonl"
MOSUL = ROOT / "datasets" / "mosul-2016"

HEADLINE = "Iraqi forces ‘only seven miles away’ from Mosul on second day of offensive"
BODY = (
    f"{HEADLINE}\n\n"
    "More than 77 square miles (200 square km) was regained from Isis on Monday as peshmerga forces cleared "
    "seven villages. In some places, US-backed forces are only seven miles (20 kilometres) away from the "
    "outskirts of the city. The prime minister announced the offensive had begun in the early hours of "
    "Monday. The troops paused on Tuesday."
)
ARTICLE = Article(id="a1", title=HEADLINE, text=BODY, published="2016-10-18")


def _claim(cid: str, text: str, section: str = "body", article: Article | None = ARTICLE) -> Claim:
    if article is None:
        return Claim(id=cid, text=text, section=section)
    start = article.text.index(text)
    return Claim(id=cid, text=text, article_id=article.id, span=(start, start + len(text)), section=section)


def _context(*claims: Claim, article: Article = ARTICLE) -> Context:
    return Context(articles={article.id: article}, claims={c.id: c for c in claims})


def _judge(text: str, published: str | None = "2016-10-18") -> Verdict:
    """One standalone claim, or one claim in a one-sentence article published on ``published``."""
    checker = NumericSanityChecker()
    if published is None:
        return checker.check([Claim(id="x", text=text)], Context())[0]
    article = Article(id="t", title="", text=text, published=published)
    claim = Claim(id="x", text=text, article_id="t", span=(0, len(text)))
    return checker.check([claim], Context(articles={"t": article}, claims={"x": claim}))[0]


# ---------------------------------------------------------------------------------------------------------
# the contract
# ---------------------------------------------------------------------------------------------------------


def test_satisfies_the_checker_protocol() -> None:
    checker = NumericSanityChecker()
    assert isinstance(checker, Checker)
    assert (checker.name, checker.version, checker.task) == ("numeric-sanity", "1.0.0", NUMERIC_CONSISTENCY)
    assert checker.labels == NUMERIC_LABELS
    assert checker.get_params() == {"rounding_slack": 0.0, "check_article": True, "check_dates": True}
    again = NumericSanityChecker(**checker.get_params())
    assert again.get_params() == checker.get_params()


def test_registered_as_builtin() -> None:
    from claimbench.checkers.registry import discover

    registry = discover()
    assert "numeric-sanity" not in registry.broken
    assert isinstance(registry.create("numeric-sanity", rounding_slack=0.5), NumericSanityChecker)


def test_picklable_deterministic_and_pure() -> None:
    claims = [
        _claim("h", "Iraqi forces ‘only seven miles away’ from Mosul", "headline"),
        _claim("c", "only seven miles (20 kilometres) away"),
        _claim("m", "was regained from Isis on Monday"),
    ]
    ctx = _context(*claims)
    before = copy.deepcopy((claims, ctx))
    checker = NumericSanityChecker()
    first = checker.check(claims, ctx)
    clone = pickle.loads(pickle.dumps(checker))
    assert clone.check(claims, ctx) == first
    assert checker.check(claims, ctx) == first
    assert [checker.check_one(c, ctx) for c in claims] == first
    assert (claims, ctx) == before


def test_relations_are_not_applicable() -> None:
    (v,) = NumericSanityChecker().check([Relation(id="r", claim_id="c", label="agree")], Context())
    assert v.label == "not_applicable"


# ---------------------------------------------------------------------------------------------------------
# checks on hand-made claims
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # conversions (C1)
        ("More than 77 square miles (200 square km) was regained", "consistent"),
        ("forces are only seven miles (20 kilometres) away", "inconsistent"),
        ("it was 100 degrees Fahrenheit (38C) at noon", "consistent"),
        ("it was 100 degrees Fahrenheit (56C) at noon", "inconsistent"),
        ("an area of 77 square miles (200 km)", "inconsistent"),
        ("The FBI has put a $10m (£6.4m) bounty on his head", "not_applicable"),
        # nothing to check
        ("Militants release video", "not_applicable"),
        ("More than 30,000 troops mobilised", "not_applicable"),
        ("", "not_applicable"),
    ],
)
def test_standalone_claims(text: str, label: str) -> None:
    v = _judge(text, published=None)
    assert v.label == label, v.explanation
    assert v.error is None
    assert v.score is not None
    assert 0.0 <= v.score <= 1.0


def test_the_mosul_pattern() -> None:
    headline = _claim("h", "Iraqi forces ‘only seven miles away’ from Mosul", "headline")
    day = _claim("d", "second day of offensive", "headline")
    conversion = _claim("c", "US-backed forces are only seven miles (20 kilometres) away from the outskirts")
    regained = _claim("r", "More than 77 square miles (200 square km) was regained from Isis on Monday")
    count = _claim("v", "peshmerga forces cleared seven villages")
    claims = [headline, day, conversion, regained, count]
    verdicts = {v.item_id: v for v in NumericSanityChecker().check(claims, _context(*claims))}
    assert verdicts["h"].label == "consistent"  # same unit as the body's "seven miles"
    assert "seven miles" in verdicts["h"].explanation
    assert verdicts["d"].label == "consistent"  # Monday start + 1 day = publication day
    assert verdicts["c"].label == "inconsistent"
    assert "11.27" in verdicts["c"].explanation or "12.43" in verdicts["c"].explanation
    assert verdicts["r"].label == "consistent"
    assert verdicts["v"].label == "not_applicable"


def test_headline_against_body_disagreement() -> None:
    article = Article(
        id="a2",
        title="Forces ‘only five miles away’ from Mosul",
        text=(
            "Forces ‘only five miles away’ from Mosul\n\n"
            "In some places forces are only nine miles away from Mosul."
        ),
        published="2016-10-18",
    )
    headline = _claim("h", "Forces ‘only five miles away’ from Mosul", "headline", article)
    body = _claim("b", "In some places forces are only nine miles away from Mosul", article=article)
    ctx = _context(headline, body, article=article)
    verdicts = NumericSanityChecker().check([headline, body], ctx)
    assert [v.label for v in verdicts] == ["inconsistent", "inconsistent"]
    off = NumericSanityChecker(check_article=False).check([headline, body], ctx)
    assert [v.label for v in off] == ["not_applicable", "not_applicable"]


def test_evidence_spans_point_into_the_article_or_the_claim() -> None:
    claim = _claim("c", "US-backed forces are only seven miles (20 kilometres) away from the outskirts")
    (v,) = NumericSanityChecker().check([claim], _context(claim))
    spans = [
        (e.span, e.value) for e in v.evidence if e.span is not None and e.description.startswith("quantity")
    ]
    assert spans
    for (start, end), _value in spans:
        assert BODY[start:end] in ("seven miles", "20 kilometres")
    computed = [e for e in v.evidence if e.span is None and e.value is not None]
    assert computed
    assert computed[0].unit in ("kilometer", "mile")
    standalone = Claim(id="s", text="only seven miles (20 kilometres) away")
    (w,) = NumericSanityChecker().check([standalone], Context())
    for e in w.evidence:
        if e.span is not None:
            assert standalone.text[e.span[0] : e.span[1]] in ("seven miles", "20 kilometres")


def test_long_unicode_text_is_judged() -> None:
    """A 100,000-character claim is judged like a short one (its speed is benchmarks/bench_numeric.py's
    business: a wall-clock bound here failed on a loaded machine)."""
    sentence = "Über 77 square miles (200 km²) — 7 miles (20 km) — ½ of 30,000 troops ✓ on Monday. "
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    article = Article(id="long", title="t", text=text, published="2016-10-18")
    claim = Claim(id="x", text=text, article_id="long", span=(0, len(text)))
    (v,) = NumericSanityChecker().check([claim], Context(articles={"long": article}, claims={"x": claim}))
    assert v.label == "inconsistent"
    assert v.error is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_never_raises_on_odd_input(text: str) -> None:
    (v,) = NumericSanityChecker().check([Claim(id="x", text=text)], Context())
    assert v.error is None
    assert v.label in NUMERIC_LABELS


# ---------------------------------------------------------------------------------------------------------
# measured figures (regression guards)
# ---------------------------------------------------------------------------------------------------------


def test_fnc1_conversions_dev_set() -> None:
    """Precision and recall of ``inconsistent`` on the committed FNC-1 development set (measured 1.00 and
    1.00 on 199 claims, 124 inconsistent); the guard leaves room for one or two changes of mind."""
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    assert 150 <= len(rows) <= 400
    for i, row in enumerate(rows, start=1):
        assert schema_problems(row, "claim", "claims.jsonl", i) == []
        assert row["provenance"]["source"] == "FNC-1 train_bodies.csv"
        assert "article_id" not in row
        assert "span" not in row
    claims = [claim_from_json(r) for r in rows]
    verdicts = NumericSanityChecker().check(claims, Context())
    gold = [c.numeric_consistency.label for c in claims if c.numeric_consistency]
    pred = [v.label for v in verdicts]
    p, r, _, _ = precision_recall_fscore_support(gold, pred, labels=["inconsistent"], zero_division=0)
    assert p[0] >= 0.97, p
    assert r[0] >= 0.97, r
    assert all(v.error is None for v in verdicts)


@pytest.mark.skipif(not (MOSUL / "claims.jsonl").is_file(), reason="the Mosul dataset is not there")
def test_mosul_dataset() -> None:
    """On mosul-2016 (45 claims): accuracy 0.91, inconsistent 1/1 found, no false alarm (measured)."""
    from claimbench.data.dataset import load_dataset

    try:
        ds = load_dataset(MOSUL)
    except Exception as exc:  # noqa: BLE001 - the dataset belongs to another workstream and may be mid-edit
        pytest.skip(f"mosul-2016 does not load: {exc}")
    items = ds.items(NUMERIC_CONSISTENCY)
    verdicts = NumericSanityChecker().check(items, ds.context())
    gold = [c.numeric_consistency.label for c in items if isinstance(c, Claim) and c.numeric_consistency]
    pred = [v.label for v in verdicts]
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    assert accuracy >= 0.85
    p, r, _, _ = precision_recall_fscore_support(gold, pred, labels=["inconsistent"], zero_division=0)
    assert p[0] == 1.0
    assert r[0] == 1.0
