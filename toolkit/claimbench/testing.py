"""The conformance kit: checks that any checker, built in or third-party, honours the contract.

Use it in your plugin's own tests, as scikit-learn's ``check_estimator`` is used::

    from claimbench.testing import check_checker, parametrize_with_checks

    def test_conforms():
        check_checker(MyChecker())          # raises AssertionError naming the first broken rule

    @parametrize_with_checks([MyChecker(), MyChecker(threshold=0.9)])
    def test_each_rule(checker, check):     # one pytest test per rule, so every failure shows
        check(checker)

Every check takes the checker and raises :class:`AssertionError` with a message that says what to fix.
"""

from __future__ import annotations

import copy
import json
import pickle
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from claimbench.checkers.base import can_fit, contract_message, contract_problems
from claimbench.records import (
    TASKS,
    Article,
    Attribution,
    Claim,
    Context,
    GoldLabel,
    Item,
    Quantity,
    Relation,
    Verdict,
)

Check = Callable[[Any], None]

_TEXT = (
    "Troops advance on the city\n"
    "More than 77 square miles (200 square km) was regained on Monday, officials said. "
    "The city's estimated 1.5million residents could be trapped, the UN said. "
    "Militant media said the troops had been repelled. "
    "It was 100 degrees Fahrenheit (38C) in the shade and the convoy drove 30 miles (48km)."
)
_UNICODE = "Über 30 000 Menschen — 🇮🇶 «مدينة الموصل» 三十公里 naïve café Zürich ﬁ e\u0301 \u200b 12\u00a0km"


def _claim(
    cid: str, text: str, source: str, article: Article | None = None, quantities: Sequence[Quantity] = ()
) -> Claim:
    span = None
    if article is not None:
        start = article.text.index(text)
        span = (start, start + len(text))
    return Claim(
        id=cid,
        text=text,
        article_id=article.id if article is not None else None,
        span=span,
        attribution=Attribution(source_id=source, speaker=source, speaker_type="other"),
        quantities=tuple(quantities),
    )


def sample_context() -> Context:
    """A small article with claims from several sources, used by every check."""
    article = Article(
        id="kit-a1",
        title="Troops advance on the city",
        text=_TEXT,
        publisher="claimbench conformance kit",
        published="2016-10-18",
    )
    claims = [
        _claim(
            "kit-c1", "More than 77 square miles (200 square km) was regained on Monday", "officials", article
        ),
        _claim("kit-c2", "The city's estimated 1.5million residents could be trapped", "un", article),
        _claim("kit-c3", "the troops had been repelled", "militant-media", article),
        _claim("kit-c4", "It was 100 degrees Fahrenheit (38C) in the shade", "newspaper", article),
        _claim("kit-c5", "the convoy drove 30 miles (48km)", "newspaper", article),
        _claim("kit-c6", "Troops advance on the city", "newspaper", article),
    ]
    return Context(articles={article.id: article}, claims={c.id: c for c in claims})


def sample_items(task: str, context: Context | None = None) -> list[Item]:
    """Items of ``task`` drawn from :func:`sample_context`."""
    context = context or sample_context()
    claims = list(context.claims.values())
    info = TASKS.get(task)
    if info is None:
        raise AssertionError(f"unknown task {task!r}; a checker's task must be one of {sorted(TASKS)}")
    if info.kind == "claim":
        return list(claims)
    return [
        Relation(id="kit-r1", claim_id="kit-c1", other_claim_id="kit-c3", label="disagree"),
        Relation(id="kit-r2", claim_id="kit-c1", other_claim_id="kit-c2", label="unrelated"),
        Relation(id="kit-r3", claim_id="kit-c6", other_article_id="kit-a1", label="discuss"),
    ]


def _judges_claims(checker: Any) -> bool:
    """Whether ``checker``'s task judges claims (else relations), from the table of tasks."""
    info = TASKS.get(checker.task)
    return info is not None and info.kind == "claim"


def _run(checker: Any, items: Sequence[Item], context: Context) -> list[Verdict]:
    try:
        verdicts = checker.check(items, context)
    except Exception as exc:
        raise AssertionError(
            f"{_name(checker)}.check raised {type(exc).__name__}: {exc}. A checker must report a failure "
            "on an item in that item's Verdict (Verdict.failed(...)), never raise."
        ) from exc
    assert isinstance(verdicts, list), f"{_name(checker)}.check must return a list, got {type(verdicts)}"
    return verdicts


def _name(checker: Any) -> str:
    return str(getattr(checker, "name", type(checker).__name__))


def check_attributes(checker: Any) -> None:
    """The contract's attributes and methods, as the registry and the engines check them.

    ``name``, ``version``, ``task`` and ``labels`` declared and consistent, ``check`` and ``get_params``
    callable, and ``fit`` and ``file_params`` well-formed where present
    (:func:`claimbench.checkers.base.contract_problems`).
    """
    problems = contract_problems(checker)
    assert not problems, f"{type(checker).__name__}: {contract_message(problems)}"
    params = checker.get_params()
    assert isinstance(params, dict), "get_params() must return a dict of constructor arguments"


def check_verdicts_well_formed(checker: Any) -> None:
    """One verdict per item, same order, ids preserved, labels declared, scores in [0, 1], JSON-able."""
    context = sample_context()
    items = sample_items(checker.task, context)
    verdicts = _run(checker, items, context)
    assert len(verdicts) == len(items), f"{len(items)} items gave {len(verdicts)} verdicts"
    for item, verdict in zip(items, verdicts, strict=True):
        assert isinstance(verdict, Verdict), f"check must return Verdict objects, got {type(verdict)}"
        assert verdict.item_id == item.id, f"verdict for {item.id!r} carries id {verdict.item_id!r}"
        assert verdict.checker == checker.name, f"verdict names checker {verdict.checker!r}"
        assert verdict.checker_version == checker.version, "verdict's checker_version differs"
        if verdict.error is None:
            assert verdict.label in checker.labels, f"label {verdict.label!r} is not declared"
        if verdict.score is not None:
            assert 0.0 <= verdict.score <= 1.0, f"score {verdict.score} outside [0, 1]"
        json.dumps(verdict.to_dict(), allow_nan=False)
    errors = [v.item_id for v in verdicts if v.error is not None]
    assert not errors, f"the checker failed on well-formed sample items {errors}: {verdicts[0].error}"


def check_deterministic(checker: Any) -> None:
    """Two calls on the same input give the same verdicts."""
    context = sample_context()
    items = sample_items(checker.task, context)
    assert _run(checker, items, context) == _run(checker, items, context), "verdicts differ between calls"


def check_inputs_not_mutated(checker: Any) -> None:
    """Items and context are left exactly as they were."""
    context = sample_context()
    items = sample_items(checker.task, context)
    before = (
        copy.deepcopy(items),
        copy.deepcopy(dict(context.claims)),
        copy.deepcopy(dict(context.articles)),
    )
    _run(checker, items, context)
    after = (items, dict(context.claims), dict(context.articles))
    assert before == after, "check() modified its items or context"


def check_empty_batch(checker: Any) -> None:
    """An empty batch gives an empty list."""
    assert _run(checker, [], sample_context()) == [], "an empty batch must give []"


def check_unicode_and_long_text(checker: Any) -> None:
    """Non-ASCII text and a 100 000-character claim are judged without error, in reasonable time."""
    long_text = ("The convoy drove 30 miles (48km) past 7 villages. " * 2000)[:100_000]
    article = Article(id="kit-long", title="Long", text=_UNICODE + "\n" + long_text, published="2016-10-18")
    claims = [
        _claim("kit-u1", _UNICODE, "a", article),
        _claim("kit-u2", long_text, "b", article),
    ]
    context = Context(articles={article.id: article}, claims={c.id: c for c in claims})
    if _judges_claims(checker):
        items: list[Item] = list(claims)
    else:
        items = [Relation(id="kit-ur1", claim_id="kit-u1", other_claim_id="kit-u2", label="unrelated")]
    start = time.perf_counter()
    verdicts = _run(checker, items, context)
    elapsed = time.perf_counter() - start
    assert [v.item_id for v in verdicts] == [i.id for i in items]
    assert all(v.error is None for v in verdicts), f"failed on unicode/long text: {verdicts}"
    assert elapsed < 30, f"a 100 000-character item took {elapsed:.1f} s; keep checkers near-linear"


def check_item_without_quantities(checker: Any) -> None:
    """A claim with no numbers (and, for relations, two such claims) is judged like any other."""
    article = Article(id="kit-plain", title="Plain", text="Officials said talks went well. Rebels denied it.")
    claims = [
        _claim("kit-p1", "talks went well", "officials", article),
        _claim("kit-p2", "Rebels denied it", "rebels", article),
    ]
    context = Context(articles={article.id: article}, claims={c.id: c for c in claims})
    if _judges_claims(checker):
        items: list[Item] = list(claims)
    else:
        items = [Relation(id="kit-pr1", claim_id="kit-p1", other_claim_id="kit-p2", label="disagree")]
    verdicts = _run(checker, items, context)
    assert all(v.error is None for v in verdicts), f"failed on items without numbers: {verdicts}"


def check_picklable(checker: Any) -> None:
    """The checker survives pickling (to run in worker processes) and then judges identically."""
    try:
        clone = pickle.loads(pickle.dumps(checker))
    except Exception as exc:
        raise AssertionError(
            f"{_name(checker)} cannot be pickled ({type(exc).__name__}: {exc}); keep open files, locks and "
            "lambdas out of its attributes so it can run in worker processes"
        ) from exc
    context = sample_context()
    items = sample_items(checker.task, context)
    assert _run(clone, items, context) == _run(checker, items, context), (
        "the unpickled checker judges differently"
    )


def check_failure_is_isolated(checker: Any) -> None:
    """A malformed item gets its own verdict (an error or a label) and does not change the others'."""
    context = sample_context()
    items = sample_items(checker.task, context)
    if _judges_claims(checker):
        bad: Item = Claim(
            id="kit-bad", text="12 km (7 miles)", article_id="kit-missing", span=(10_000, 10_015)
        )
    else:
        bad = Relation(id="kit-bad", claim_id="kit-missing", other_claim_id="kit-also-missing", label="agree")
    alone = _run(checker, items, context)
    mixed = _run(checker, [*items[:1], bad, *items[1:]], context)
    assert len(mixed) == len(items) + 1, "a malformed item must still get exactly one verdict"
    assert mixed[1].item_id == "kit-bad", "the malformed item's verdict is missing or out of order"
    assert [*mixed[:1], *mixed[2:]] == alone, "a malformed item changed the verdicts of the others"


def labelled_sample_items(task: str, context: Context | None = None) -> list[Item]:
    """:func:`sample_items` with a gold label on every item (claims cycle through the task's labels):
    what :func:`check_fit` fits on."""
    items = sample_items(task, context)
    info = TASKS[task]  # sample_items refused any other task
    if info.kind != "claim":
        return items  # relations carry their label
    labels, field = info.labels, info.gold_field[0]  # a claim's gold is a GoldLabel field

    def gold(i: int) -> dict[str, Any]:
        return {field: GoldLabel(labels[i % len(labels)], "conformance kit")}

    return [replace(c, **gold(i)) for i, c in enumerate(items) if isinstance(c, Claim)]


def check_fit(checker: Any) -> None:
    """Where a checker has the optional ``fit(items, context)``: fitting returns the checker itself
    (a run fits it in place and judges with it), leaves items and context as they were, and the fitted
    checker judges well-formed verdicts, deterministically, and identically once pickled (to run in
    worker processes). A checker without ``fit`` passes.

    The checker is fitted on a copy, on :func:`labelled_sample_items`. A checker may refuse a sample
    too small to learn from by raising (a run reports that as a failed fit); what it accepts, it must
    honour.
    """
    if not can_fit(checker):
        return
    context = sample_context()
    items = labelled_sample_items(checker.task, context)
    before = (
        copy.deepcopy(items),
        copy.deepcopy(dict(context.claims)),
        copy.deepcopy(dict(context.articles)),
    )
    fitted = copy.deepcopy(checker)
    try:
        returned = fitted.fit(items, context)
    except Exception:  # noqa: BLE001 - refusing this tiny sample is allowed; see the docstring
        return
    assert returned is fitted, (
        f"fit must return the checker itself (return self), got {type(returned).__name__}: a run fits "
        "the checker in place and judges with it"
    )
    assert before == (items, dict(context.claims), dict(context.articles)), (
        "fit() modified its items or context"
    )
    check_verdicts_well_formed(fitted)
    check_deterministic(fitted)
    check_picklable(fitted)


def check_params_round_trip(checker: Any) -> None:
    """``type(checker)(**checker.get_params())`` rebuilds an equivalent checker (scikit-learn's clone)."""
    params = checker.get_params()
    try:
        json.dumps(params, default=str)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"get_params() must be recordable in a report: {exc}") from exc
    rebuilt = type(checker)(**params)
    assert rebuilt.get_params() == params, "parameters must be stored unchanged in __init__"


CHECKS: tuple[Check, ...] = (
    check_attributes,
    check_verdicts_well_formed,
    check_deterministic,
    check_inputs_not_mutated,
    check_empty_batch,
    check_unicode_and_long_text,
    check_item_without_quantities,
    check_picklable,
    check_failure_is_isolated,
    check_params_round_trip,
    check_fit,
)
"""Every conformance check, in the order :func:`check_checker` runs them."""


def check_checker(checker: Any, checks: Iterable[Check] = CHECKS) -> None:
    """Run every conformance check on ``checker``; raises :class:`AssertionError` at the first failure."""
    for check in checks:
        try:
            check(checker)
        except AssertionError as exc:
            raise AssertionError(f"{_name(checker)} fails {check.__name__}: {exc}") from exc


def parametrize_with_checks(checkers: Sequence[Any]) -> Any:
    """A ``pytest.mark.parametrize`` over (checker, check) pairs, one test per rule per checker."""
    import pytest  # only needed by test suites

    pairs = [(checker, check) for checker in checkers for check in CHECKS]
    ids = [f"{_name(checker)}-{check.__name__}" for checker, check in pairs]
    return pytest.mark.parametrize(("checker", "check"), pairs, ids=ids)
