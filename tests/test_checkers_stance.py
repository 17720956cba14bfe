"""The source-agreement checkers: conformance, fallback without a model, fitting, and conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimbench import load_dataset
from claimbench.checkers.stance import SourceAgreementChecker, SourceConflictChecker
from claimbench.data.adapters import fnc1
from claimbench.records import STANCE_LABELS
from claimbench.testing import parametrize_with_checks

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"


@parametrize_with_checks([SourceAgreementChecker(), SourceConflictChecker()])
def test_conformance(checker: SourceAgreementChecker, check: object) -> None:
    check(checker)  # type: ignore[operator]


def test_without_a_model_the_rules_judge_and_say_so() -> None:
    ds = fnc1.load(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    verdicts = SourceAgreementChecker().check(ds.items("source_agreement"), ds.context())
    assert all(v.label in STANCE_LABELS for v in verdicts)
    assert all("rule-based scorer" in v.explanation for v in verdicts)
    assert len({v.label for v in verdicts}) > 1


def test_a_missing_model_file_is_an_error_per_item_not_a_crash(tmp_path: Path) -> None:
    ds = fnc1.load(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    items = ds.items("source_agreement")[:3]
    verdicts = SourceAgreementChecker(model=str(tmp_path / "none.skops")).check(items, ds.context())
    assert [v.item_id for v in verdicts] == [i.id for i in items]
    assert all(v.error is not None and "not found" in v.error for v in verdicts)


def test_fit_trains_the_learned_model_and_it_is_used() -> None:
    ds = fnc1.load(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    items = ds.items("source_agreement")
    checker = SourceAgreementChecker(model_params={"svd_components": 10, "max_iter": 100, "n_folds": 2})
    checker.fit(items, ds.context())
    verdicts = checker.check(items, ds.context())
    assert all("fitted by the run" in v.explanation for v in verdicts)
    assert all(v.label in STANCE_LABELS for v in verdicts)
    # No accuracy floor: on 40 pairs it depends on the processor's floating-point paths; the
    # measurement is benchmarks/train_stance.py. What must hold anywhere: the fitted model is
    # what answers, and refitting on the same rows gives the same answers.
    again = SourceAgreementChecker(model_params={"svd_components": 10, "max_iter": 100, "n_folds": 2})
    again.fit(items, ds.context())
    assert [v.label for v in again.check(items, ds.context())] == [v.label for v in verdicts]
    assert [v.score for v in again.check(items, ds.context())] == [v.score for v in verdicts]


def test_conflicts_are_named_on_the_mosul_article() -> None:
    ds = load_dataset(ROOT / "datasets" / "mosul-2016")
    verdicts = SourceConflictChecker().check(ds.items("source_agreement"), ds.context())
    assert len(verdicts) == len(ds.relations)
    shared = [v for v in verdicts if "so related" in v.explanation]
    assert shared, "relations between claims on one proposition are judged as related"
    assert all(v.label != "unrelated" for v in shared)
    assert all("conflicting sources on" in v.explanation for v in shared)


@pytest.mark.parametrize("checker", [SourceAgreementChecker(), SourceConflictChecker()])
def test_relations_pointing_nowhere_get_errors(checker: SourceAgreementChecker) -> None:
    from claimbench.records import Context, Relation

    bad = Relation(id="r", claim_id="x", other_claim_id="y", label="agree")
    (verdict,) = checker.check([bad], Context())
    assert verdict.error is not None
    assert "'x'" in verdict.error


def test_trained_model_file_is_loaded_by_path(tmp_path: Path) -> None:
    from claimbench.train.fnc1 import train_fnc1

    out = tmp_path / "stance.skops"
    metadata = train_fnc1(
        SAMPLE, out, split="all", params={"svd_components": 10, "max_iter": 30, "n_folds": 2}
    )
    assert metadata["split"]["pairs"] == 40
    assert len(metadata["data"]["train_stances.csv"]) == 64
    ds = fnc1.load(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    verdicts = SourceAgreementChecker(model=str(out)).check(ds.items("source_agreement"), ds.context())
    assert all(v.error is None and "stance model stance.skops" in v.explanation for v in verdicts)
    assert [p.name for p in tmp_path.iterdir()] == ["stance.skops"]  # written atomically, no leftovers


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from claimbench.train.fnc1 import train_fnc1

    out = tmp_path_factory.mktemp("model") / "stance.skops"
    train_fnc1(SAMPLE, out, split="all", params={"svd_components": 10, "max_iter": 30, "n_folds": 2})
    return out


def test_small_batches_give_the_verdicts_of_one_batch(
    model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming through the checker (batches of 1 and 7, warm per-text caches, the trees walked by
    ``stance._forest``) gives the verdicts of one batch scored by scikit-learn's own booster path."""
    from claimbench.checkers.loading import forget_loaded
    from claimbench.text.stance import _forest, batching

    ds = fnc1.load(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    items, context = ds.items("source_agreement"), ds.context()
    checker = SourceAgreementChecker(model=str(model_file))
    forget_loaded()
    batching.clear_text_caches()
    with monkeypatch.context() as patch:
        patch.setattr(_forest, "SMALL_BATCH", 0)  # every batch through scikit-learn's predict_proba
        whole = checker.check(items, context)
    for size in (1, 7):
        batching.clear_text_caches()
        parts = [v for i in range(0, len(items), size) for v in checker.check(items[i : i + size], context)]
        assert parts == whole
    assert all(v.error is None for v in whole)


def test_both_model_loaders_read_a_file_once_per_content(model_file: Path, tmp_path: Path) -> None:
    """``load_model`` and ``load_claim_model`` share one cache (checkers.loading.load_once), keyed by
    content."""
    import shutil

    from claimbench.checkers import loading
    from claimbench.checkers.claim_stance import DEFAULT_MODEL, load_claim_model
    from claimbench.checkers.stance import load_model

    loading.forget_loaded()
    copy = tmp_path / "copy.skops"
    shutil.copyfile(model_file, copy)
    first = load_model(copy)
    assert load_model(str(copy)) is first
    assert load_claim_model() is load_claim_model(DEFAULT_MODEL)
    loaded = [path for path, _ in loading.LOADS[-2:]]
    assert loaded == [str(copy.resolve()), str(DEFAULT_MODEL.resolve())]
    shutil.copyfile(DEFAULT_MODEL, copy)  # another model under the same name is read afresh
    assert type(load_claim_model(copy)) is type(load_claim_model())
    assert loading.LOADS[-1] == (str(copy.resolve()), loading.file_sha256(DEFAULT_MODEL))
    with pytest.raises(FileNotFoundError, match=r"^stance model file not found: .*claimbench train"):
        load_model(tmp_path / "absent.skops")
    with pytest.raises(FileNotFoundError, match=r"^claim stance model file not found: .*train\.claims"):
        load_claim_model(tmp_path / "absent.skops")


def test_a_verdict_says_every_probability_and_picks_the_first_of_equal_maxima() -> None:
    from claimbench.records import Evidence, Relation

    rel = Relation(id="r1", claim_id="c1", label="agree", other_claim_id="c2")
    checker = SourceAgreementChecker()
    v = checker._verdict(rel, [0.1, 0.4, 0.4, 0.1], "by a test")
    assert (v.label, v.score) == ("disagree", 0.4)
    assert (
        v.explanation
        == "P(agree)=0.10, P(disagree)=0.40, P(discuss)=0.40, P(unrelated)=0.10 → disagree; by a test"
    )
    assert v.evidence == tuple(
        Evidence(description=f"P({name})", value=p)
        for name, p in zip(STANCE_LABELS, [0.1, 0.4, 0.4, 0.1], strict=True)
    )
