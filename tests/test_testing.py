"""The conformance kit: it passes a good checker and catches each kind of broken one."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence

import pytest

from claimbench.checkers import BaseChecker
from claimbench.records import NUMERIC_CONSISTENCY, NUMERIC_LABELS, Context, Item, Verdict, gold_label
from claimbench.testing import (
    CHECKS,
    check_attributes,
    check_checker,
    check_deterministic,
    check_empty_batch,
    check_failure_is_isolated,
    check_fit,
    check_inputs_not_mutated,
    check_params_round_trip,
    check_picklable,
    check_verdicts_well_formed,
    labelled_sample_items,
    parametrize_with_checks,
)


class Good(BaseChecker):
    name = "good"
    version = "1"
    task = "numeric_consistency"
    labels = NUMERIC_LABELS

    def __init__(self, score: float = 0.7) -> None:
        self.score = score

    def check_one(self, item: Item, context: Context) -> Verdict:
        if item.id == "kit-bad":
            raise ValueError("no article")
        return Verdict(item.id, self.name, self.version, "consistent", score=self.score)


class WrongCount(Good):
    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        return super().check(items, context)[:-1]


class Raises(Good):
    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        if any(i.id == "kit-bad" for i in items):
            raise ValueError("boom")
        return super().check(items, context)


class BadLabel(Good):
    def check_one(self, item: Item, context: Context) -> Verdict:
        return Verdict(item.id, self.name, self.version, "agree")


class Random(Good):
    def check_one(self, item: Item, context: Context) -> Verdict:
        return Verdict(item.id, self.name, self.version, "consistent", score=random.random())


class Mutates(Good):
    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        context.claims.pop(next(iter(context.claims)), None)  # type: ignore[attr-defined]
        return super().check(items, context)


class Unpicklable(Good):
    def __init__(self, score: float = 0.7) -> None:
        super().__init__(score)
        self._lock = threading.Lock()


class RenamedParam(Good):
    def __init__(self, score: float = 0.7) -> None:
        self.confidence = score


class Batchy(Good):
    """Its verdicts depend on the batch: the isolation check must catch that."""

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        label = "inconsistent" if len(items) % 2 else "consistent"
        return [Verdict(i.id, self.name, self.version, label) for i in items]


class Fits(Good):
    """Learns the most frequent gold label: a good fittable checker."""

    def __init__(self, score: float = 0.7) -> None:
        super().__init__(score)
        self.label_: str | None = None

    def fit(self, items: Sequence[Item], context: Context) -> Fits:
        golds = [g for i in items if (g := gold_label(self.task, i)) is not None]
        self.label_ = max(sorted(set(golds)), key=golds.count)
        return self

    def check_one(self, item: Item, context: Context) -> Verdict:
        verdict = super().check_one(item, context)
        return Verdict(item.id, self.name, self.version, self.label_ or verdict.label, score=self.score)


class FitsACopy(Fits):
    def fit(self, items: Sequence[Item], context: Context) -> Fits:
        return Fits(self.score).fit(items, context)  # the run's checker stays unfitted


class FitsAndMutates(Fits):
    def fit(self, items: Sequence[Item], context: Context) -> Fits:
        context.claims.pop(next(iter(context.claims)), None)  # type: ignore[attr-defined]
        return super().fit(items, context)


class FitsToAnUnknownLabel(Fits):
    def fit(self, items: Sequence[Item], context: Context) -> Fits:
        self.label_ = "agree"
        return self


class RefusesTinyData(Fits):
    def fit(self, items: Sequence[Item], context: Context) -> Fits:
        raise ValueError(f"need at least 1000 items, got {len(items)}")


def test_a_good_checker_passes() -> None:
    check_checker(Good())


@parametrize_with_checks([Good(), Good(score=0.1)])
def test_parametrized_kit(checker: Good, check: object) -> None:
    check(checker)  # type: ignore[operator]


def test_parametrize_makes_one_case_per_check() -> None:
    mark = parametrize_with_checks([Good()])
    assert len(mark.args[1]) == len(CHECKS)


@pytest.mark.parametrize(
    ("checker", "check", "message"),
    [
        (WrongCount(), check_verdicts_well_formed, "verdicts"),
        (Raises(), check_failure_is_isolated, "never raise"),
        (BadLabel(), check_verdicts_well_formed, "not declared"),
        (Random(), check_deterministic, "differ"),
        (Mutates(), check_inputs_not_mutated, "modified"),
        (Unpicklable(), check_picklable, "cannot be pickled"),
        (RenamedParam(), check_attributes, "score"),
        (Batchy(), check_failure_is_isolated, "changed the verdicts"),
        (FitsACopy(), check_fit, "fit must return the checker itself"),
        (FitsAndMutates(), check_fit, "fit() modified"),
        (FitsToAnUnknownLabel(), check_fit, "not declared"),
    ],
)
def test_the_kit_catches_broken_checkers(checker: Good, check: object, message: str) -> None:
    with pytest.raises((AssertionError, AttributeError)) as info:
        check(checker)  # type: ignore[operator]
    assert message in str(info.value)


def test_params_round_trip_catches_unstored_params() -> None:
    with pytest.raises((AssertionError, AttributeError)):
        check_params_round_trip(RenamedParam())


def test_empty_batch_and_check_checker_names_the_rule() -> None:
    check_empty_batch(Good())
    with pytest.raises(AssertionError, match="fails check_deterministic"):
        check_checker(Random())


def test_a_fittable_checker_passes_and_is_fitted_on_a_copy() -> None:
    checker = Fits()
    check_checker(checker)
    assert checker.label_ is None  # the kit fitted a copy: the checker handed in is as it was
    items = labelled_sample_items(NUMERIC_CONSISTENCY)
    assert all(gold_label(NUMERIC_CONSISTENCY, i) in NUMERIC_LABELS for i in items)
    assert len({gold_label(NUMERIC_CONSISTENCY, i) for i in items}) == len(NUMERIC_LABELS)


def test_fit_may_refuse_a_sample_too_small_and_no_fit_is_fine() -> None:
    check_fit(RefusesTinyData())
    check_fit(Good())
