"""Tests of the headline-independent stance cues (claimbench.text.stance.cues) and the model options using
them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench.text.stance.corpus import LABELS, attach_bodies, read_fnc1
from claimbench.text.stance.cues import PairCues
from claimbench.text.stance.model import build_model, load, save

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"

HEADLINE = "Giant spider found living in Bali hotel"
NEAR = "Officials said the giant spider photo from the Bali hotel is a hoax. Tourists kept visiting anyway."
FAR = (
    "The giant spider photo from a Bali hotel spread quickly on social media this week. "
    "Tourists, travel agents and many local shop owners talked about little else for days. "
    "In other news, a tax hoax about pensions was exposed by the ministry."
)
FILLER = "Markets rose on Tuesday as investors welcomed the central bank's decision on interest rates."


def _names(cues: PairCues) -> list[str]:
    return [str(n) for n in cues.get_feature_names_out()]


def test_shapes_names_and_empty_input() -> None:
    pairs = [(HEADLINE, NEAR), (HEADLINE, FAR), (HEADLINE, FILLER)]
    cues = PairCues(topics=0).fit(pairs)
    x = cues.transform(pairs)
    assert x.shape == (3, cues.n_features_out_) == (3, len(_names(cues)))
    assert len(set(_names(cues))) == len(_names(cues))
    assert np.isfinite(x).all()
    assert cues.transform([]).shape == (0, cues.n_features_out_)


def test_a_refuting_cue_counts_only_near_the_headlines_words() -> None:
    pairs = [(HEADLINE, NEAR), (HEADLINE, FAR), (HEADLINE, FILLER)]
    cues = PairCues(window=8, topics=0).fit(pairs)
    x = cues.transform(pairs)
    col = {n: i for i, n in enumerate(_names(cues))}
    assert x[0, col["win_refute"]] == 1.0  # "hoax" a few words after "giant spider ... Bali hotel"
    assert x[1, col["win_refute"]] == 0.0  # "hoax" far from every headline word
    assert x[2, col["win_hits_log"]] == 0.0  # nothing of the headline in the filler body
    assert x[2, col["top_refute"]] == 0.0  # no sentence matches, so no best sentence is read
    # the whole headline topic is in NEAR's lead; in FAR's lead too, but not in FILLER at all
    assert x[0, col["overlap_lead"]] > 0.5
    assert x[2, col["overlap_lead"]] == 0.0
    wide = PairCues(window=40, topics=0).fit(pairs).transform(pairs)
    assert wide[1, col["win_refute"]] == 1.0  # a wider window reaches it


def test_topics_are_fitted_on_bodies_and_deterministic() -> None:
    bodies = [NEAR, FAR, FILLER, FILLER + " Bonds fell.", NEAR + " Police confirmed it.", FAR + " Really."]
    pairs = [(HEADLINE, b) for b in bodies]
    first = PairCues(topics=2).fit(pairs)
    second = PairCues(topics=2).fit(pairs)
    x = first.transform(pairs)
    np.testing.assert_array_equal(x, second.transform(pairs))
    col = {n: i for i, n in enumerate(_names(first))}
    assert first.nmf_ is not None
    assert np.all((x[:, col["topic_cos"]] >= -1e-9) & (x[:, col["topic_cos"]] <= 1 + 1e-9))
    # too few bodies for the topics asked for: no topic model, the topic columns are 0
    few = PairCues(topics=50).fit(pairs)
    assert few.nmf_ is None
    assert not few.transform(pairs)[:, col["topic_cos"]].any()


def test_topic_weights_solve_what_nmf_transform_approximates_text_by_text(
    sample: tuple[list[str], list[str], list[str]],
) -> None:
    from claimbench.text.stance.cues import topic_weights

    _, texts, _ = sample
    cues = PairCues(topics=4).fit([("h", b) for b in texts])
    assert cues.nmf_ is not None
    assert cues.vectorizer_ is not None
    matrix = cues.vectorizer_.transform(sorted(set(texts)))
    exact = topic_weights(cues.nmf_, matrix)
    approx = cues.nmf_.transform(matrix)
    assert exact.shape == approx.shape
    assert (exact >= 0).all()
    dense, components = matrix.toarray(), cues.nmf_.components_

    def loss(w: np.ndarray) -> float:
        return float(((dense - w @ components) ** 2).sum())

    assert loss(exact) <= loss(approx) + 1e-9  # the exact minimiser is never worse than the iterative one
    np.testing.assert_allclose(exact, approx, atol=1e-2)
    assert not np.array_equal(exact, approx)  # solved here, not handed back to scikit-learn's transform
    for i in (0, matrix.shape[0] - 1):  # a text alone gets exactly the weights it gets in a batch
        np.testing.assert_array_equal(topic_weights(cues.nmf_, matrix[i : i + 1])[0], exact[i])


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str], list[str]]:
    bodies, stances = read_fnc1(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    heads, texts = attach_bodies(bodies, stances)
    return heads, texts, stances["Stance"].tolist()


@pytest.mark.parametrize(
    "params",
    [
        {"cue_features": True, "cue_topics": 3, "linear_view": "nohead", "two_stage": True},
        {"cue_features": True, "cue_topics": 0, "linear_view": "none", "fold_groups": "rumour"},
        {"linear_view": "full", "two_stage": True, "disagree_scale": 2.0, "fold_groups": "body"},
    ],
)
def test_model_options_fit_predict_and_round_trip(
    params: dict[str, object], sample: tuple[list[str], list[str], list[str]], tmp_path: Path
) -> None:
    heads, texts, labels = sample
    model = build_model(svd_components=5, n_folds=3, max_iter=20, term_features=500, **params)
    model.fit(heads, texts, labels)
    proba = model.predict_proba(heads, texts)
    assert proba.shape == (len(heads), len(LABELS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert model.predict(heads, texts) == [LABELS[i] for i in proba.argmax(axis=1)]
    again = build_model(svd_components=5, n_folds=3, max_iter=20, term_features=500, **params)
    np.testing.assert_array_equal(again.fit(heads, texts, labels).predict_proba(heads, texts), proba)
    path = tmp_path / "model.skops"
    save(model, path, metadata={})
    loaded, _ = load(path)  # the trust list covers PairCues and NMF
    np.testing.assert_array_equal(loaded.predict_proba(heads, texts), proba)


def test_disagree_scale_shifts_only_the_disagree_prior(
    sample: tuple[list[str], list[str], list[str]],
) -> None:
    heads, texts, labels = sample
    base = build_model(svd_components=5, n_folds=3, max_iter=20, term_features=500, disagree_scale=1.0)
    p = base.fit(heads, texts, labels).predict_proba(heads, texts)
    base.set_params(disagree_scale=3.0, disagree_shift="all")
    q = base.predict_proba(heads, texts)
    expected = p.copy()
    expected[:, 1] *= 3.0
    np.testing.assert_allclose(q, expected / expected.sum(axis=1, keepdims=True))


def test_unknown_options_are_refused(sample: tuple[list[str], list[str], list[str]]) -> None:
    heads, texts, labels = sample
    with pytest.raises(ValueError, match="linear_view"):
        build_model(linear_view="headline").fit(heads, texts, labels)
    with pytest.raises(ValueError, match="fold_groups"):
        build_model(fold_groups="claim").fit(heads, texts, labels)


def test_dataframe_input_matches_pairs() -> None:
    pairs = [(HEADLINE, NEAR), (HEADLINE, FAR)]
    frame = pd.DataFrame({"Headline": [HEADLINE, HEADLINE], "articleBody": [NEAR, FAR]})
    cues = PairCues(topics=0).fit(pairs)
    np.testing.assert_array_equal(cues.transform(frame), cues.transform(pairs))


@given(
    anchors=st.lists(st.integers(0, 60), min_size=1, max_size=12),
    points=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3)), max_size=20),
    window=st.integers(0, 10),
)
def test_near_by_cue_counts_what_a_plain_loop_counts(
    anchors: list[int], points: list[tuple[int, int]], window: int
) -> None:
    from claimbench.text.stance.cues import _near_by_cue

    expected = np.zeros(4)
    for position, cue in points:
        if any(abs(position - a) <= window for a in anchors):
            expected[cue] += 1
    got = _near_by_cue(
        np.sort(np.asarray(anchors, dtype=np.intp)),
        np.asarray([p for p, _ in points], dtype=np.intp),
        np.asarray([c for _, c in points], dtype=np.intp),
        window,
    )
    np.testing.assert_array_equal(got, expected)


def test_the_cues_reuse_the_analyses_pair_features_just_made(
    sample: tuple[list[str], list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One model's two transformers analyse a text once, and the cues come out the same either way."""
    from claimbench.text.stance import analysis, batching
    from claimbench.text.stance.batching import make_pairs
    from claimbench.text.stance.features import PairFeatures

    heads, texts, _ = sample
    pairs = make_pairs(heads, texts)
    dense, cues = PairFeatures(svd_components=5).fit(pairs), PairCues(topics=0).fit(pairs)
    batching.clear_text_caches()
    alone = cues.transform(pairs)  # light analyses, not kept
    batching.clear_text_caches()
    dense.transform(pairs)
    analysed: list[str] = []
    real = analysis.analyse
    monkeypatch.setattr(
        analysis, "analyse", lambda text, lead, **kw: analysed.append(text) or real(text, lead, **kw)
    )
    np.testing.assert_array_equal(cues.transform(pairs), alone)
    assert analysed == []
