"""Claim-pair stance: features, model, trusted load, the shipped archive, the `claim-stance` checker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimbench import load_dataset
from claimbench.checkers.claim_stance import DEFAULT_MODEL, ClaimStanceChecker
from claimbench.checkers.stance import SourceConflictChecker
from claimbench.data.adapters import emergent, perspectrum
from claimbench.records import STANCE_LABELS
from claimbench.testing import parametrize_with_checks
from claimbench.text.stance.claim_model import ClaimStanceModel, UntrustedModelError, load, save
from claimbench.text.stance.pairs import FAMILIES, ClaimPairFeatures
from claimbench.train.claims import TRAIN_PARTS, pairs_of, unrelated_pairs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "pairs_sample"
SMALL = {"hash_features": 2**10, "max_iter": 300}


def _sample() -> tuple[list[str], list[str], list[str]]:
    return pairs_of(emergent.load(SAMPLE / "emergent.csv"))


@parametrize_with_checks([ClaimStanceChecker()])
def test_conformance(checker: ClaimStanceChecker, check: object) -> None:
    check(checker)  # type: ignore[operator]


def test_feature_families_are_separate_column_blocks() -> None:
    pairs = [("Iraqi forces had been repelled", "77 square miles was regained from Isis on Monday")]
    full = ClaimPairFeatures(hash_features=2**8).fit(pairs).transform(pairs)
    dense_only = ClaimPairFeatures(families=FAMILIES[:-1]).fit(pairs).transform(pairs)
    no_overlap = ClaimPairFeatures(families=FAMILIES[1:-1]).fit(pairs).transform(pairs)
    assert full.shape == (1, dense_only.shape[1] + 2**8)
    assert no_overlap.shape[1] < dense_only.shape[1]
    with pytest.raises(ValueError, match="unknown feature families"):
        ClaimPairFeatures(families=("vibes",)).fit(pairs)


def _dense(a: str, b: str, family: str) -> list[float]:
    row = ClaimPairFeatures(families=(family,)).fit([("x", "y")]).transform([(a, b)])
    return [float(v) for v in row.toarray()[0]]


def test_cues_fire_where_they_should() -> None:
    assert _dense("Iraqi forces had been repelled", "Villages were regained", "antonymy")[1] == 1.0
    assert _dense("The claim is true", "The claim is true", "antonymy")[1] == 0.0
    assert _dense("The bridge reopened", "The bridge has not reopened", "negation")[5] == 1.0  # scoped
    assert _dense("The bridge reopened", "The bridge reopened", "negation")[2] == 0.0
    assert _dense("12 people died", "15 people died", "numbers")[3] == 1.0
    assert _dense("12 people died", "12 people died", "numbers")[3] == 0.0
    assert _dense("A dog ran", "Police said a dog reportedly ran", "hedging")[2] == 1.0


def test_model_predicts_four_columns_deterministically() -> None:
    first, second, labels = _sample()
    a = ClaimStanceModel(**SMALL).fit(first, second, labels)
    b = ClaimStanceModel(**SMALL).fit(first, second, labels)
    proba = a.predict_proba(first, second)
    assert proba.shape == (len(first), len(STANCE_LABELS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba[:, STANCE_LABELS.index("unrelated")] == 0).all()  # never seen in training
    np.testing.assert_array_equal(proba, b.predict_proba(first, second))
    assert a.predict_proba([], []).shape == (0, 4)
    with pytest.raises(ValueError, match="not in"):
        ClaimStanceModel().fit(["a", "b"], ["c", "d"], ["agree", "maybe"])


def test_save_and_trusted_load_round_trip(tmp_path: Path) -> None:
    first, second, labels = _sample()
    model = ClaimStanceModel(**SMALL).fit(first, second, labels)
    out = tmp_path / "m.skops"
    stored = save(model, out, metadata={"trained_on": [{"file": "emergent.csv"}]})
    loaded, metadata = load(out)
    assert metadata == stored
    assert metadata["format"] == "claimbench.claim-stance/1"
    np.testing.assert_array_equal(loaded.predict_proba(first, second), model.predict_proba(first, second))
    assert [p.name for p in tmp_path.iterdir()] == ["m.skops"]  # no temporary file left
    with pytest.raises(ValueError, match="unfitted"):
        save(ClaimStanceModel(), tmp_path / "x.skops", metadata={})


def test_load_refuses_untrusted_types_and_foreign_archives(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    evil = tmp_path / "evil.skops"
    sio.dump({"format": "claimbench.claim-stance/1", "model": Pipeline([("s", StandardScaler())])}, evil)
    with pytest.raises(UntrustedModelError, match="untrusted"):
        load(evil)
    foreign = tmp_path / "foreign.skops"
    sio.dump({"format": "something-else", "model": 1}, foreign)
    with pytest.raises(UntrustedModelError, match="archive"):
        load(foreign)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "none.skops")


def test_shipped_model_is_small_loads_trusted_and_says_what_it_was_fitted_on() -> None:
    assert DEFAULT_MODEL.is_file(), "build it with python -m claimbench.train.claims"
    assert DEFAULT_MODEL.stat().st_size < 5_000_000
    model, metadata = load(DEFAULT_MODEL)
    assert isinstance(model, ClaimStanceModel)
    files = [part["file"] for part in metadata["trained_on"]]
    assert files == [name for _, name, _, _ in TRAIN_PARTS]
    assert all(len(part["sha256"]) == 64 for part in metadata["trained_on"])
    assert not any("mosul" in f for f in files)


def test_checker_fits_on_relations_and_uses_that_model() -> None:
    ds = perspectrum.load(SAMPLE / "perspectrum.csv")
    items = ds.items("source_agreement")
    checker = ClaimStanceChecker(model_params=SMALL).fit(items, ds.context())
    verdicts = checker.check(items, ds.context())
    assert [v.item_id for v in verdicts] == [i.id for i in items]
    assert all(v.error is None and "fitted by the run" in v.explanation for v in verdicts)


def test_a_missing_model_file_is_an_error_per_item(tmp_path: Path) -> None:
    ds = perspectrum.load(SAMPLE / "perspectrum.csv")
    items = ds.items("source_agreement")[:2]
    verdicts = ClaimStanceChecker(model=str(tmp_path / "none.skops")).check(items, ds.context())
    assert all(v.error is not None and "not found" in v.error for v in verdicts)


def test_source_conflicts_uses_the_shipped_claim_model_by_default() -> None:
    ds = load_dataset(ROOT / "datasets" / "mosul-2016")
    verdicts = SourceConflictChecker().check(ds.items("source_agreement")[:3], ds.context())
    assert all(v.error is None for v in verdicts)
    assert all("claim stance model claim_stance.skops (shipped)" in v.explanation for v in verdicts)
    given = SourceConflictChecker(model=str(DEFAULT_MODEL)).check(
        ds.items("source_agreement")[:1], ds.context()
    )
    assert "claim stance model claim_stance.skops" in given[0].explanation


def test_svm_probabilities_follow_its_margins_and_the_unrelated_offset() -> None:
    first, second, labels = _sample()
    ua, ub = unrelated_pairs(first, second, rate=0.5, seed=1)
    first, second = first + ua, second + ub
    labels = labels + ["unrelated"] * len(ua)
    params = {**SMALL, "classifier": "svm", "c": 0.1, "bigrams": True, "unrelated_offset": 0.0}
    model = ClaimStanceModel(**params).fit(first, second, labels, sample_weight=[2.0] * len(labels))
    proba = model.predict_proba(first, second)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.temperature_ > 0
    svm_labels = model.linear_.predict(model.features_.transform(list(zip(first, second, strict=True))))
    assert model.predict(first, second) == [str(label) for label in svm_labels]
    shifted = ClaimStanceModel(**{**params, "unrelated_offset": 2.0}).fit(first, second, labels)
    u = STANCE_LABELS.index("unrelated")
    assert (shifted.predict_proba(first, second)[:, u] <= proba[:, u] + 1e-12).all()
    with pytest.raises(ValueError, match="weights"):
        ClaimStanceModel(**params).fit(first, second, labels, sample_weight=[1.0])
    with pytest.raises(ValueError, match="unknown classifier"):
        ClaimStanceModel(classifier="forest").fit(first, second, labels)


def test_unrelated_pairs_join_texts_of_different_claims_deterministically() -> None:
    first, second, _ = _sample()
    a, b = unrelated_pairs(first, second, rate=1.0, seed=7)
    assert 0 < len(a) <= len(first)
    assert (a, b) == unrelated_pairs(first, second, rate=1.0, seed=7)
    real = set(zip(first, second, strict=True))
    owners = {text: {f for f, s in real if s == text} for text in second}
    assert all((x, y) not in real and x not in owners[y] for x, y in zip(a, b, strict=True))
    assert unrelated_pairs(first, second, rate=0.0, seed=7) == ([], [])
    assert unrelated_pairs(["one claim"] * 3, ["x", "y", "z"], rate=1.0, seed=7) == ([], [])


def test_the_models_defaults_are_the_shipped_configuration() -> None:
    """A run's ``fit_on`` (the checker fits ``ClaimStanceModel()``) fits the kind of model that ships."""
    from claimbench.train.claims import PARAMS

    defaults = ClaimStanceModel().get_params()
    assert {k: defaults[k] for k in PARAMS} == PARAMS


def test_word_vectors_are_deterministic_unit_length_and_capped() -> None:
    from claimbench.text.stance.pairs import content_words
    from claimbench.text.stance.vectors import learn_vectors

    first, second, _ = _sample()
    docs = [content_words(t) for t in dict.fromkeys(first + second)]
    one = learn_vectors(docs, dim=8, vocab=50, min_count=1)
    two = learn_vectors(docs, dim=8, vocab=50, min_count=1)
    assert one.words == two.words
    np.testing.assert_array_equal(one.vectors, two.vectors)
    assert one.vectors.dtype == np.float16
    assert one.vectors.shape == (50, 8)
    norms = np.linalg.norm(one.vectors.astype(np.float32), axis=1)
    np.testing.assert_allclose(norms[norms > 0], 1.0, atol=1e-2)
    assert len(one.index()) == 50
    assert "the" not in one.index()
    empty = learn_vectors([["lonely"]], dim=8)
    assert empty.words == ""
    assert empty.vectors.shape == (0, 8)


def test_similarity_columns_are_the_same_for_a_pair_in_any_batch() -> None:
    first, second, _ = _sample()
    pairs = list(zip(first, second, strict=True))
    features = ClaimPairFeatures(families=("similarity",), vector_dim=8).fit(pairs, corpus=second)
    whole = features.transform(pairs).toarray()
    assert whole.shape == (len(pairs), 11)
    alone = np.vstack([features.transform([p]).toarray() for p in pairs[:5]])
    np.testing.assert_allclose(alone, whole[:5], rtol=1e-6, atol=1e-9)
    same = features.transform([(first[0], first[0])]).toarray()[0]
    assert same[9] == 0  # the sample's first claim has words with vectors, so it aligns with itself perfectly
    assert same[0] == pytest.approx(1.0, abs=1e-2)
    assert same[2] == 0.0
    wide = ClaimPairFeatures(families=("similarity",), vector_dim=8, weakest=True, products=True)
    assert wide.fit(pairs).transform(pairs[:3]).shape == (3, 11 + 3 * 8)


def test_word_vectors_and_clusters_survive_the_trusted_archive(tmp_path: Path) -> None:
    first, second, labels = _sample()
    params = {**SMALL, "families": FAMILIES, "vector_dim": 8, "clusters": 4}
    model = ClaimStanceModel(**params).fit(first, second, labels, corpus=second)
    assert model.features_.vectors_.dtype == np.float16
    assert "_lookup" in model.features_.__dict__  # the cache of the fit's transform
    assert "_lookup" not in model.features_.__getstate__()  # is not stored
    save(model, tmp_path / "m.skops", metadata={})
    loaded, _ = load(tmp_path / "m.skops")
    np.testing.assert_array_equal(loaded.predict_proba(first, second), model.predict_proba(first, second))
