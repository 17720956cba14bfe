"""The checker contract: one validation, one way to fit, one form of a per-item failure."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from claimbench.checkers.base import (
    BaseChecker,
    CheckerEnvironmentError,
    can_fit,
    contract_message,
    contract_problems,
    failed_verdict,
    failure_message,
    fit_checker,
)
from claimbench.checkers.registry import _describe
from claimbench.records import NUMERIC_LABELS, Claim, Context, Item, Verdict
from claimbench.run.engines import check_batch
from claimbench.testing import check_attributes


class Plain(BaseChecker):
    name = "plain"
    version = "1"
    task = "numeric_consistency"
    labels = NUMERIC_LABELS

    def check_one(self, item: Item, context: Context) -> Verdict:
        if item.id == "boom":
            raise ValueError("no number here")
        if item.id == "silent":
            raise KeyError()
        if item.id == "env":
            raise CheckerEnvironmentError("model file missing")
        return Verdict(item.id, self.name, self.version, "consistent")


class Fittable(Plain):
    def __init__(self) -> None:
        self.seen = 0

    def fit(self, items: Sequence[Item], context: Context) -> Fittable:
        self.seen = len(items)
        return self


class NotCallableFit(Plain):
    fit = "yes"


class BadLabels(Plain):
    labels = ("consistent", "agree")


class BadFileParams(Plain):
    file_params = "model"  # type: ignore[assignment]


def _claims(*ids: str) -> list[Item]:
    return [Claim(id=i, text="12 km") for i in ids]


def test_a_good_checker_has_no_problems() -> None:
    assert contract_problems(Plain()) == []
    assert contract_problems(Fittable()) == []


@pytest.mark.parametrize(
    ("checker", "fragment"),
    [
        (object(), "does not provide name, version, task, labels, check(), get_params()"),
        (NotCallableFit(), "fit must be a method"),
        (BadLabels(), "['agree'] are not in the numeric_consistency label set"),
        (BadFileParams(), "file_params must be a tuple"),
    ],
)
def test_contract_problems_name_what_is_wrong(checker: object, fragment: str) -> None:
    problems = contract_problems(checker)
    assert any(fragment in p for p in problems), problems


def test_fit_is_optional_and_fit_checker_is_the_one_way_to_call_it() -> None:
    assert not can_fit(Plain())
    assert not can_fit(NotCallableFit())
    with pytest.raises(TypeError, match="has no fit"):
        fit_checker(Plain(), _claims("a"), Context())
    fittable = Fittable()
    assert can_fit(fittable)
    fit_checker(fittable, _claims("a", "b"), Context())
    assert fittable.seen == 2


def test_failure_message_is_type_then_message() -> None:
    assert failure_message(ValueError("bad")) == "ValueError: bad"
    assert failure_message(KeyError()) == "KeyError"


def test_failed_verdict_marks_environment_errors() -> None:
    env = failed_verdict("c1", "plain", "1", CheckerEnvironmentError("gone"))
    assert env.error == "CheckerEnvironmentError: gone"
    assert env.environment
    plain = failed_verdict("c1", "plain", "1", "a message")
    assert (plain.error, plain.environment, plain.label) == ("a message", False, None)
    unloaded = failed_verdict("c1", "plain", "1", OSError("cannot read model.skops"), environment=True)
    assert (unloaded.error, unloaded.environment) == ("OSError: cannot read model.skops", True)
    assert not failed_verdict("c1", "plain", "1", ValueError("item")).environment


def test_the_checker_and_the_engine_report_a_failure_alike() -> None:
    """The same item failure gives the same verdict whether BaseChecker or check_batch caught it."""
    checker = Plain()
    items = _claims("ok", "boom", "silent", "env")
    by_checker = checker.check(items, Context())

    class Raising(Plain):
        def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
            return [self.check_one(item, context) for item in items]  # raises for the whole batch

    by_engine = check_batch(Raising(), items, Context())
    assert by_checker == by_engine
    assert [v.error for v in by_engine] == [
        None,
        "ValueError: no number here",
        "KeyError",
        "CheckerEnvironmentError: model file missing",
    ]
    assert by_engine[3].environment


def test_the_engine_does_not_run_a_checker_that_breaks_the_contract() -> None:
    verdicts = check_batch(BadLabels(), _claims("a", "b"), Context())  # type: ignore[arg-type]
    assert [v.item_id for v in verdicts] == ["a", "b"]
    assert all(v.error is not None and "breaks the Checker contract" in v.error for v in verdicts)


def test_the_registry_the_engine_and_the_kit_word_a_broken_contract_alike() -> None:
    """One validation and one wording: what each of the three says contains the same sentence."""
    wording = contract_message(contract_problems(BadLabels()))
    assert wording == (
        "checker breaks the Checker contract: labels ['agree'] are not in the numeric_consistency label set"
    )
    with pytest.raises(TypeError) as refused:
        _describe("bad", BadLabels, "test")
    assert str(refused.value) == wording
    (verdict,) = check_batch(BadLabels(), _claims("a"), Context())
    assert verdict.error == wording
    with pytest.raises(AssertionError) as failed:
        check_attributes(BadLabels())
    assert wording in str(failed.value)
