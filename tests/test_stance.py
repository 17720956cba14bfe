"""Tests of the FNC-1 stance package: data split, features, model, skops persistence, rules.

Everything runs on hand-made pairs or on the committed 40-pair sample in
``tests/data/fnc1_sample``; the tests that need the full FNC-1 files skip when ``../shared`` is
not beside the checkout.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from claimbench.text.content import normalise_text
from claimbench.text.stance.batching import as_pairs, make_pairs
from claimbench.text.stance.corpus import (
    LABELS,
    FNC1DataError,
    attach_bodies,
    claim_components,
    read_fnc1,
    split_body_ids,
    split_by_body,
    split_by_claim,
    split_stances,
    split_statistics,
)
from claimbench.text.stance.features import PairFeatures, PairTermVectors
from claimbench.text.stance.model import (
    FORMAT,
    StanceModel,
    UntrustedModelError,
    build_model,
    load,
    save,
)
from claimbench.text.stance.rules import RuleBasedScorer, build_rules
from tests.conftest import FNC1_DIR, requires_fnc1

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"

BODY = (
    "Police said on Monday that the viral story about a giant spider in Bali is a hoax. "
    "The photo was fake, officials said. The man denies ever travelling there."
)
HEADLINE = "Giant spider found living under man's skin in Bali"
OTHER = "Apple unveils new smartwatch with longer battery life"


class Evil:
    """A type no stance archive may contain (used to check that load refuses it)."""


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    return read_fnc1(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")


@pytest.fixture(scope="module")
def fitted(sample: tuple[pd.DataFrame, pd.DataFrame]) -> StanceModel:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    model = build_model(svd_components=5, n_folds=3, max_iter=20, term_features=500)
    return model.fit(heads, texts, stances["Stance"].tolist(), groups=stances["Body ID"].tolist())


# -- data -----------------------------------------------------------------------------------------


def test_sample_reads_with_all_labels(sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    bodies, stances = sample
    assert len(stances) == 40
    assert set(stances["Stance"]) == set(LABELS)
    assert set(stances["Body ID"]) <= set(bodies["Body ID"])


def test_split_is_body_disjoint_and_deterministic(
    sample: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    bodies, stances = sample
    train, dev = split_by_body(bodies, stances)
    again_train, again_dev = split_by_body(bodies, stances)
    assert not set(train["Body ID"]) & set(dev["Body ID"])
    assert len(train) + len(dev) == len(stances)
    pd.testing.assert_frame_equal(train, again_train)
    pd.testing.assert_frame_equal(dev, again_dev)
    other_train, _ = split_by_body(bodies, stances, seed=7)
    assert set(other_train["Body ID"]) != set(train["Body ID"])


def test_claim_split_is_disjoint_in_headlines_bodies_and_rumours(
    sample: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    bodies, stances = sample
    train, dev = split_by_claim(bodies, stances)
    assert len(train)
    assert len(dev)
    assert not set(train["Body ID"]) & set(dev["Body ID"])
    assert not set(train["Headline"]) & set(dev["Headline"])
    head_comp, body_comp = claim_components(bodies, stances)
    for frame in (train, dev):
        assert (frame.loc[frame["redrawn"], "Stance"] == "unrelated").all()
        for headline, body, stance in zip(frame["Headline"], frame["Body ID"], frame["Stance"], strict=True):
            # related pairs lie within one rumour; re-drawn unrelated bodies come from another one
            same = head_comp[normalise_text(headline)] == body_comp[int(body)]
            assert same or stance == "unrelated"
        for headline, body in zip(
            frame.loc[frame["redrawn"], "Headline"], frame.loc[frame["redrawn"], "Body ID"], strict=True
        ):
            assert head_comp[normalise_text(headline)] != body_comp[int(body)]
        assert not (frame["redrawn"] & frame["Stance"].ne("unrelated")).any()
    stats = split_statistics(bodies, train, dev)
    assert stats["dev_headlines_in_train"] == 0.0
    assert stats["dev_bodies_in_train"] == 0.0
    pd.testing.assert_frame_equal(split_by_claim(bodies, stances)[1], dev)


def test_claim_components_join_a_rumours_headlines_and_bodies() -> None:
    bodies = pd.DataFrame({"Body ID": [1, 2, 3, 4], "articleBody": ["a", "b", "c", "A"]})
    stances = pd.DataFrame(
        {
            "Headline": ["h1", "h2", "H1 ", "h3", "h3"],
            "Body ID": [1, 2, 2, 3, 1],
            "Stance": ["agree", "discuss", "disagree", "agree", "unrelated"],
        }
    )
    heads, comps = claim_components(bodies, stances)
    # h1 -1, H1 (same text) -2, h2 -2, body 4 has body 1's text: one rumour; h3 -3 another
    assert heads["h1"] == heads["h2"] == comps[1] == comps[2] == comps[4]
    assert heads["h3"] == comps[3] != comps[1]  # the unrelated pair joins nothing


def test_split_stances_names() -> None:
    bodies, stances = read_fnc1(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    assert len(split_stances(bodies, stances, "all")) == len(stances)
    body_train, body_dev = split_by_body(bodies, stances)
    assert (
        split_stances(bodies, stances, "train-body")["Headline"].tolist() == body_train["Headline"].tolist()
    )
    assert len(split_stances(bodies, stances, "dev-body")) == len(body_dev)
    with pytest.raises(ValueError, match="split"):
        split_stances(bodies, stances, "test")


def test_split_body_ids_matches_official_recipe() -> None:
    import random

    ids = list(range(100))
    shuffled = list(ids)
    random.Random(1489).shuffle(shuffled)
    train, dev = split_body_ids(ids)
    assert train == shuffled[:80]
    assert dev == shuffled[80:]


@pytest.mark.parametrize(
    ("bodies_text", "stances_text", "message"),
    [
        ("Body ID,text\n1,a\n", "Headline,Body ID,Stance\nh,1,agree\n", "lacks column"),
        ("Body ID,articleBody\n1,a\n", "Headline,Body ID,Stance\nh,1,maybe\n", "not in"),
        ("Body ID,articleBody\n1,a\n", "Headline,Body ID,Stance\nh,2,agree\n", "absent from"),
        ("Body ID,articleBody\n1,a\n1,b\n", "Headline,Body ID,Stance\nh,1,agree\n", "repeats"),
    ],
)
def test_read_fnc1_reports_bad_files(
    tmp_path: Path, bodies_text: str, stances_text: str, message: str
) -> None:
    (tmp_path / "b.csv").write_text(bodies_text)
    (tmp_path / "s.csv").write_text(stances_text)
    with pytest.raises(FNC1DataError, match=message):
        read_fnc1(tmp_path / "b.csv", tmp_path / "s.csv")


def test_read_fnc1_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FNC1DataError, match="not found"):
        read_fnc1(tmp_path / "nope.csv", tmp_path / "nope2.csv")


# -- features -------------------------------------------------------------------------------------


def _features(pairs: list[tuple[str, str]]) -> tuple[PairFeatures, np.ndarray]:
    corpus = [(HEADLINE, BODY), (OTHER, "Apple said the watch battery lasts two days."), *pairs]
    featurizer = PairFeatures(svd_components=2, min_df=1).fit(corpus)
    return featurizer, featurizer.transform(pairs)


def test_identical_text_has_cosine_one_and_full_overlap() -> None:
    featurizer, x = _features([(BODY, BODY)])
    names = list(featurizer.get_feature_names_out())
    assert x.shape == (1, len(names))
    for name in ("cos_tfidf", "overlap_frac", "jaccard", "char4_frac", "bigram_frac"):
        assert x[0, names.index(name)] == pytest.approx(1.0, abs=1e-6), name


def test_related_pair_scores_higher_than_unrelated() -> None:
    featurizer, x = _features([(HEADLINE, BODY), (OTHER, BODY)])
    names = list(featurizer.get_feature_names_out())
    for name in ("cos_tfidf", "overlap_frac", "bm25", "sent_max_frac"):
        assert x[0, names.index(name)] > x[1, names.index(name)], name


def test_refuting_and_hedging_cues_are_counted() -> None:
    featurizer, x = _features(
        [
            ("Report of alien landing is a hoax, police say", "Nothing here."),
            ("Aliens reportedly landed in Ohio", "Nothing here."),
        ]
    )
    names = list(featurizer.get_feature_names_out())
    assert x[0, names.index("h_refute")] == 1.0
    assert x[1, names.index("h_refute")] == 0.0
    assert x[1, names.index("h_hedge")] == 1.0
    # the body of BODY carries "hoax", "fake" and "denies" in sentences about the headline
    _, y = _features([(HEADLINE, BODY)])
    assert y[0, names.index("b_refute_rate")] > 0
    assert y[0, names.index("lead_refute")] >= 3


def test_inputs_as_dataframe_or_pairs_agree() -> None:
    frame = pd.DataFrame({"Headline": [HEADLINE, OTHER], "articleBody": [BODY, BODY]})
    pairs = [(HEADLINE, BODY), (OTHER, BODY)]
    assert as_pairs(frame) == as_pairs(pairs)
    featurizer = PairFeatures(svd_components=2, min_df=1).fit(pairs)
    np.testing.assert_array_equal(featurizer.transform(frame), featurizer.transform(pairs))
    with pytest.raises(ValueError, match="headline column"):
        as_pairs(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="2 headlines but 1 bodies"):
        make_pairs([HEADLINE, OTHER], [BODY])


def test_term_vectors_product_marks_shared_terms() -> None:
    pairs = [(HEADLINE, BODY), (OTHER, BODY)]
    terms = PairTermVectors(max_features=100).fit(pairs)
    x = terms.transform(pairs)
    width = len(terms.vectorizer_.vocabulary_)
    assert x.shape == (2, 3 * width)
    product = x[:, 2 * width :]
    assert product[0].nnz > 0  # "spider", "bali", ... shared
    assert product[1].nnz == 0  # nothing about Apple in the body


# -- model and persistence ------------------------------------------------------------------------


def test_model_fit_predict_shapes(fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    proba = fitted.predict_proba(heads, texts)
    assert proba.shape == (len(heads), 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    predicted = fitted.predict(heads, texts)
    assert set(predicted) <= set(LABELS)
    assert predicted == [LABELS[i] for i in proba.argmax(axis=1)]
    # No quality floor: on 40 pairs the fitted model's accuracy depends on the processor's
    # floating-point paths (seen: 0.275-0.6). Quality is measured in benchmarks/, on thousands of pairs.
    assert fitted.predict_proba([], []).shape == (0, 4)


def test_model_fit_is_deterministic_on_one_machine(sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)

    def fit_proba() -> np.ndarray:
        model = build_model(svd_components=5, n_folds=3, max_iter=20, term_features=500)
        model.fit(heads, texts, stances["Stance"].tolist(), groups=stances["Body ID"].tolist())
        return model.predict_proba(heads, texts)

    np.testing.assert_array_equal(fit_proba(), fit_proba())


def test_model_params_are_sklearn_style() -> None:
    model = build_model(max_iter=7)
    assert model.get_params()["max_iter"] == 7
    assert not hasattr(model, "booster_")
    with pytest.raises(ValueError, match="not in"):
        model.fit(["h"], ["b"], ["maybe"])


def test_skops_round_trip_gives_identical_probabilities(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    path = tmp_path / "model.skops"
    stored = save(fitted, path, metadata={"data_sha256": "abc", "split": {"seed": 1489}})
    assert zipfile.is_zipfile(path)
    model, metadata = load(path)
    assert metadata == stored
    assert metadata["data_sha256"] == "abc"
    assert metadata["format"] == FORMAT
    assert metadata["params"] == fitted.get_params()
    assert "scikit-learn" in metadata["versions"]
    np.testing.assert_array_equal(model.predict_proba(heads, texts), fitted.predict_proba(heads, texts))


def _shifted(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame], **params: object
) -> tuple[np.ndarray, np.ndarray, StanceModel]:
    """(probabilities without a shift, with ``params``, the shifted copy of ``fitted``)."""
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    model = copy.deepcopy(fitted).set_params(disagree_scale=1.0, disagree_shift="all")
    base = model.predict_proba(heads, texts)
    model.set_params(**params)
    return base, model.predict_proba(heads, texts), model


@pytest.mark.parametrize("scale", [1.5, 3.0, 50.0])
def test_related_disagree_shift_leaves_unrelated_alone(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame], scale: float
) -> None:
    base, shifted, _ = _shifted(fitted, sample, disagree_scale=scale, disagree_shift="related")
    a, d, s, u = (LABELS.index(label) for label in ("agree", "disagree", "discuss", "unrelated"))
    np.testing.assert_allclose(shifted.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(shifted[:, u], base[:, u], rtol=0, atol=1e-15)
    # within the related pairs: P(disagree) against each other stance scaled by ``scale``, the rest kept
    np.testing.assert_allclose(shifted[:, d] / shifted[:, a], scale * base[:, d] / base[:, a], rtol=1e-10)
    np.testing.assert_allclose(shifted[:, s] / shifted[:, a], base[:, s] / base[:, a], rtol=1e-10)
    assert (shifted[:, d] >= base[:, d]).all()
    assert (shifted.argmax(axis=1) == d).sum() >= (base.argmax(axis=1) == d).sum()
    # a pair more likely unrelated than not stays unrelated; the global shift does take from unrelated
    sure = base[:, u] > 0.5
    np.testing.assert_array_equal(shifted[sure].argmax(axis=1), base[sure].argmax(axis=1))
    _, everywhere, _ = _shifted(fitted, sample, disagree_scale=scale)
    assert (everywhere[:, u] < base[:, u]).all()


@pytest.mark.parametrize("shift", ["all", "related"])
def test_disagree_scale_one_is_the_identity(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame], shift: str
) -> None:
    base, shifted, _ = _shifted(fitted, sample, disagree_scale=1.0, disagree_shift=shift)
    np.testing.assert_array_equal(shifted, base)


def test_the_default_shifts_disagree_within_related_pairs(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    assert (fitted.disagree_scale, fitted.disagree_shift) == (3.0, "related")
    _, shifted, _ = _shifted(fitted, sample, disagree_scale=3.0, disagree_shift="related")
    np.testing.assert_array_equal(fitted.predict_proba(heads, texts), shifted)


def test_disagree_shift_round_trips_and_old_archives_shift_every_row(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    _, related, model = _shifted(fitted, sample, disagree_scale=2.0, disagree_shift="related")
    save(model, tmp_path / "model.skops", metadata={})
    loaded, metadata = load(tmp_path / "model.skops")
    assert metadata["params"]["disagree_shift"] == "related"
    np.testing.assert_array_equal(loaded.predict_proba(heads, texts), related)
    # an archive from before the option has no ``disagree_shift``: it shifts the whole row, as it did
    _, everywhere, _ = _shifted(fitted, sample, disagree_scale=2.0, disagree_shift="all")
    del loaded.disagree_shift
    np.testing.assert_array_equal(loaded.predict_proba(heads, texts), everywhere)
    assert not np.allclose(everywhere, related)


def test_unknown_disagree_shift_is_refused(
    fitted: StanceModel, sample: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    model = copy.deepcopy(fitted).set_params(disagree_shift="stance")
    with pytest.raises(ValueError, match="disagree_shift"):
        model.predict_proba(heads, texts)
    with pytest.raises(ValueError, match="disagree_shift"):
        build_model(disagree_shift="stance").fit(heads, texts, stances["Stance"].tolist())


def test_load_refuses_untrusted_types(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({"format": FORMAT, "metadata_json": "{}", "model": Evil()}, path)
    with pytest.raises(UntrustedModelError, match="Evil"):
        load(path)


def test_load_refuses_foreign_archive(tmp_path: Path) -> None:
    path = tmp_path / "other.skops"
    sio.dump({"something": [1, 2]}, path)
    with pytest.raises(UntrustedModelError, match="not a"):
        load(path)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.skops")


# -- rules ----------------------------------------------------------------------------------------


def test_rules_shape_and_labels(sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    rules = build_rules()
    assert isinstance(rules, RuleBasedScorer)
    proba = rules.predict_proba(heads, texts)
    assert proba.shape == (len(heads), 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert set(rules.predict(heads, texts)) <= set(LABELS)


def test_rules_on_hand_made_pairs() -> None:
    rules = RuleBasedScorer()
    assert rules.predict([OTHER], [BODY]) == ["unrelated"]
    assert rules.predict(["Giant spider in Bali photo is a hoax, police say"], [BODY]) == ["disagree"]
    assert rules.predict(
        [HEADLINE],
        [
            "A giant spider was reportedly found living under a man's "
            "skin in Bali, according to unconfirmed reports."
        ],
    ) == ["discuss"]


# -- full data (skipped without ../shared) -------------------------------------------------------


@requires_fnc1()
def test_full_split_sizes_and_disjointness() -> None:
    bodies, stances = read_fnc1(FNC1_DIR / "train_bodies.csv", FNC1_DIR / "train_stances.csv")
    train, dev = split_by_body(bodies, stances)
    assert (len(train), len(dev)) == (39667, 10305)
    assert (train["Body ID"].nunique(), dev["Body ID"].nunique()) == (1346, 337)
    assert not set(train["Body ID"]) & set(dev["Body ID"])


@requires_fnc1()
def test_full_claim_split_shares_no_text_and_keeps_the_label_mix() -> None:
    bodies, stances = read_fnc1(FNC1_DIR / "train_bodies.csv", FNC1_DIR / "train_stances.csv")
    train, dev = split_by_claim(bodies, stances)
    stats = split_statistics(bodies, train, dev)
    assert stats["dev_headlines_in_train"] == 0.0
    assert stats["dev_pairs_sharing_a_text"] == 0.0
    assert 0.15 < stats["dev"]["bodies"] / len(bodies) < 0.3
    for label in ("agree", "disagree", "discuss"):
        held = stats["dev"]["labels"][label]
        assert 0.12 < held / (held + stats["train"]["labels"][label]) < 0.3, label


def test_batches_score_like_one_batch_and_reuse_analysed_texts(
    sample: tuple[pd.DataFrame, pd.DataFrame], fitted: StanceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-text cache changes no number, and a text seen in an earlier batch is not analysed again."""
    from claimbench.text.stance import analysis, batching

    bodies, stances = sample
    heads, texts = attach_bodies(bodies, stances)
    batching.clear_text_caches()
    whole = fitted.predict_proba(heads, texts)
    batching.clear_text_caches()
    parts = np.vstack(
        [fitted.predict_proba(heads[i : i + 7], texts[i : i + 7]) for i in range(0, len(heads), 7)]
    )
    np.testing.assert_array_equal(parts, whole)
    analysed: list[str] = []
    real = analysis.analyse
    monkeypatch.setattr(
        analysis, "analyse", lambda text, lead, **kw: analysed.append(text) or real(text, lead, **kw)
    )
    again = fitted.predict_proba(heads[:5], texts[:5])
    np.testing.assert_array_equal(again, whole[:5])
    assert analysed == []  # every text was in the cache
    analysis.ANALYSES.clear()  # the analysis memo depends on no fitted state: a refit keeps it
    fitted.features_.fit(make_pairs(heads, texts))  # refitting forgets what was cached
    fitted.features_.transform(make_pairs(heads[:1], texts[:1]))
    assert len(analysed) == 2


def test_rumour_groups_follow_the_related_pairs() -> None:
    from claimbench.text.stance.corpus import rumour_groups

    heads = ["h1", "h2", "H1", "h3", "h3"]
    texts = ["a", "b", "b", "c", "a"]
    groups = rumour_groups(heads, texts, ["agree", "discuss", "disagree", "agree", "unrelated"])
    assert groups[0] == groups[1] == groups[2]  # h1-a, H1-b, h2-b: one rumour
    assert groups[3] == groups[4] != groups[0]  # h3's unrelated pair joins nothing


def test_rumour_groups_by_body_put_an_unrelated_pair_with_its_body() -> None:
    from claimbench.text.stance.corpus import rumour_groups

    heads = ["h1", "h2", "H1", "h3", "h3"]
    texts = ["a", "b", "b", "c", "a"]
    labels = ["agree", "discuss", "disagree", "agree", "unrelated"]
    groups = rumour_groups(heads, texts, labels, by="body")
    assert groups[0] == groups[1] == groups[2] == groups[4]  # h3's unrelated pair has body "a"
    assert groups[3] != groups[0]
    with pytest.raises(ValueError, match="by must be"):
        rumour_groups(heads, texts, labels, by="claim")
