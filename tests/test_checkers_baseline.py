"""Baselines: the conformance contract, and that what they predict follows from what they were fitted on."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from claimbench.checkers.baseline import STRATEGIES, PriorBaseline
from claimbench.checkers.registry import discover
from claimbench.records import NUMERIC_CONSISTENCY, SOURCE_AGREEMENT, TASKS, Context, Relation
from claimbench.testing import check_checker, parametrize_with_checks, sample_context, sample_items

FITTED_STANCE = PriorBaseline(SOURCE_AGREEMENT, "stratified", priors={"agree": 1, "discuss": 3})


@parametrize_with_checks(
    [
        PriorBaseline(NUMERIC_CONSISTENCY, "uniform"),
        PriorBaseline(SOURCE_AGREEMENT, "uniform", seed=7),
        PriorBaseline(NUMERIC_CONSISTENCY, "prior", priors={"consistent": 2, "inconsistent": 1}),
        PriorBaseline(SOURCE_AGREEMENT, "most_frequent", priors={"unrelated": 0.7, "discuss": 0.3}),
        FITTED_STANCE,
    ]
)
def test_conforms(checker: Any, check: Any) -> None:
    check(checker)


def _relations(labels: list[str]) -> list[Relation]:
    return [
        Relation(id=f"r{i}", claim_id="c1", other_claim_id="c2", label=lab) for i, lab in enumerate(labels)
    ]


def test_a_fitted_baseline_conforms_too() -> None:
    fitted = PriorBaseline(SOURCE_AGREEMENT, "prior").fit(
        _relations(["agree", "agree", "discuss"]), Context()
    )
    check_checker(fitted)


@pytest.mark.parametrize(
    ("strategy", "label", "score"),
    [("most_frequent", "discuss", 1.0), ("prior", "discuss", 0.6)],
)
def test_the_prediction_follows_the_fitting_labels(strategy: str, label: str, score: float) -> None:
    train = _relations(["discuss"] * 3 + ["agree"] * 2)
    scored = _relations(["unrelated"] * 4)  # the evaluated gold labels play no part
    verdicts = PriorBaseline(SOURCE_AGREEMENT, strategy).fit(train, Context()).check(scored, Context())
    assert {v.label for v in verdicts} == {label}
    assert [v.score for v in verdicts] == pytest.approx([score] * 4)
    assert "5 fitting items" in verdicts[0].explanation
    refit = PriorBaseline(SOURCE_AGREEMENT, strategy).fit(_relations(["agree"] * 4 + ["discuss"]), Context())
    assert {v.label for v in refit.check(scored, Context())} == {"agree"}


def test_stratified_draws_follow_the_priors_and_never_an_unseen_label() -> None:
    train = _relations(["agree"] * 1 + ["disagree"] * 3)
    baseline = PriorBaseline(SOURCE_AGREEMENT, "stratified").fit(train, Context())
    verdicts = baseline.check(_relations(["unrelated"] * 4000), Context())
    counts = Counter(v.label for v in verdicts)
    assert set(counts) == {"agree", "disagree"}
    assert 0.70 < counts["disagree"] / 4000 < 0.80  # 0.75 ± 5 sd of a binomial(4000, 0.75)
    assert {v.score for v in verdicts if v.label == "agree"} == {0.25}


def test_uniform_uses_no_data_and_covers_every_label() -> None:
    baseline = PriorBaseline(NUMERIC_CONSISTENCY, "uniform")
    context = sample_context()
    items = sample_items(NUMERIC_CONSISTENCY, context)
    verdicts = PriorBaseline(SOURCE_AGREEMENT, "uniform").check(_relations(["agree"] * 3000), Context())
    counts = Counter(v.label for v in verdicts)
    assert set(counts) == set(TASKS[SOURCE_AGREEMENT].labels)
    assert all(600 < n < 900 for n in counts.values())  # 750 ± 5 sd
    assert {v.score for v in verdicts} == {0.25}
    assert all(v.explanation.startswith("uniform draw (chance") for v in baseline.check(items, context))


def test_draws_depend_on_item_and_seed_not_on_the_batch() -> None:
    items = _relations(["agree"] * 50)
    baseline = PriorBaseline(SOURCE_AGREEMENT, "uniform", seed=3)
    whole = baseline.check(items, Context())
    assert baseline.check(items[::-1], Context())[::-1] == whole
    assert baseline.check(items[10:20], Context()) == whole[10:20]
    other = PriorBaseline(SOURCE_AGREEMENT, "uniform", seed=4).check(items, Context())
    assert [v.label for v in other] != [v.label for v in whole]


@pytest.mark.parametrize("strategy", sorted(set(STRATEGIES) - {"uniform"}))
def test_without_priors_it_reports_errors_instead_of_guessing(strategy: str) -> None:
    verdicts = PriorBaseline(SOURCE_AGREEMENT, strategy).check(_relations(["agree"]), Context())
    assert verdicts[0].label is None
    assert "needs class priors" in (verdicts[0].error or "")


def test_fitting_on_no_gold_labels_is_refused() -> None:
    no_numeric_gold = _relations(["agree"])  # relations carry stance labels, not numeric ones
    with pytest.raises(ValueError, match="nothing to fit on"):
        PriorBaseline(NUMERIC_CONSISTENCY, "prior").fit(no_numeric_gold, Context())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "constant"}, "unknown strategy"),
        ({"priors": {"agree": 1}}, "not numeric_consistency labels"),
        ({"priors": {"consistent": -1}}, "non-negative"),
        ({"priors": {"consistent": 0}}, "not all be zero"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PriorBaseline(NUMERIC_CONSISTENCY, **kwargs)


def test_registered() -> None:
    assert discover().checkers["prior-baseline"].task == NUMERIC_CONSISTENCY
