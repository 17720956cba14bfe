"""Tests of the sentence-level contradiction cues (claimbench.text.stance.contrast) and the model option using
them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimbench.text.stance.batching import clear_text_caches
from claimbench.text.stance.contrast import CUE_VOCABULARY, SentenceContrast, cue_vocabulary_counts
from claimbench.text.stance.corpus import LABELS, attach_bodies, read_fnc1
from claimbench.text.stance.model import build_model, load, save

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"

HEADLINE = "Giant spider found living in Bali hotel"
REFUTES = (
    "A giant spider was not found in the Bali hotel, officials said. "
    "The photo of the spider is a hoax. Tourists kept visiting anyway."
)
REPORTS = "Guests say a giant spider was found living in a Bali hotel. The hotel may close for a week?"
FILLER = "Markets rose on Tuesday as investors welcomed the central bank's decision on interest rates."
NUMBERS = ("Rescuers saved 12 miners after 3 days", "Rescuers saved 40 miners after five days, police said.")
OPPOSITE = ("Troops regained the village", "Troops were repelled from the village.")


def _columns(contrast: SentenceContrast) -> dict[str, int]:
    return {str(n): i for i, n in enumerate(contrast.get_feature_names_out())}


def test_shapes_names_and_empty_input() -> None:
    pairs = [(HEADLINE, REFUTES), (HEADLINE, REPORTS), (HEADLINE, FILLER), NUMBERS, OPPOSITE]
    contrast = SentenceContrast().fit(pairs)
    x = contrast.transform(pairs)
    names = list(_columns(contrast))
    assert x.shape == (len(pairs), contrast.n_features_out_) == (len(pairs), len(names))
    assert len(set(names)) == len(names)
    assert np.isfinite(x).all()
    assert contrast.transform([]).shape == (0, contrast.n_features_out_)


def test_each_cue_fires_where_the_body_contradicts_the_headline() -> None:
    pairs = [(HEADLINE, REFUTES), (HEADLINE, REPORTS), (HEADLINE, FILLER), NUMBERS, OPPOSITE]
    x = SentenceContrast().fit(pairs).transform(pairs)
    col = _columns(SentenceContrast())
    assert x[0, col["sent_neg_scoped_max"]] == 1.0  # "was not found" next to the headline's words
    assert x[0, col["sent_neg_mismatch_max"]] == 1.0  # the headline itself is not negated
    assert x[0, col["sent_refute_near_max"]] > 0.0  # "hoax" within a few words of "spider"
    assert x[1, col["sent_neg_scoped_max"]] == x[1, col["sent_refute_max"]] == 0.0
    assert x[1, col["sent_hedge_max"]] > 0.0  # "say", "may"
    assert not x[2, : col["body_refute_first_pos"]].any()  # no shared word: no sentence is compared
    assert x[3, col["sent_numbers_differ_max"]] == 1.0  # 12 against 40
    assert x[4, col["sent_opposite_max"]] == 1.0  # regained / repelled
    assert x[0, col["body_refute_first_pos"]] == pytest.approx(1 / 3)  # "hoax": the second of three sentences
    assert x[1, col["body_refute_first_pos"]] == 1.0  # no refuting sentence at all


def test_deterministic_and_the_same_alone_or_in_a_batch() -> None:
    pairs = [(HEADLINE, REFUTES), (HEADLINE, REPORTS), (HEADLINE, FILLER), NUMBERS, OPPOSITE]
    contrast = SentenceContrast(top_sentences=2).fit(pairs)
    batch = contrast.transform(pairs)
    clear_text_caches()
    alone = np.vstack([SentenceContrast(top_sentences=2).fit([p]).transform([p]) for p in pairs])
    np.testing.assert_array_equal(batch, alone)
    np.testing.assert_array_equal(batch, contrast.transform(pairs))


def test_cue_vocabulary_counts_lead_and_rest_per_body() -> None:
    bodies = [REFUTES, FILLER, "One. Two. Three. It is a hoax."]
    x = cue_vocabulary_counts(bodies, lead_sentences=3)
    width = len(CUE_VOCABULARY)
    assert x.shape == (3, 2 * width)
    hoax = CUE_VOCABULARY.index("hoax")
    assert x[0, hoax] == np.log1p(1.0)  # in the lead
    assert x[0, width + hoax] == 0.0
    assert x[2, hoax] == 0.0
    assert x[2, width + hoax] == np.log1p(1.0)  # after the lead
    np.testing.assert_array_equal(x[1:2], cue_vocabulary_counts([FILLER]))


@pytest.mark.parametrize("contrast_features", [True, False])
def test_model_option_fits_predicts_and_round_trips(contrast_features: bool, tmp_path: Path) -> None:
    bodies, stances = read_fnc1(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    heads, texts = attach_bodies(bodies, stances)
    labels = stances["Stance"].tolist()
    params = {"svd_components": 5, "n_folds": 3, "max_iter": 20, "term_features": 500}
    model = build_model(contrast_features=contrast_features, **params).fit(heads, texts, labels)
    assert (model.contrast_ is not None) is contrast_features
    proba = model.predict_proba(heads, texts)
    assert proba.shape == (len(heads), len(LABELS))
    path = tmp_path / "model.skops"
    save(model, path, metadata={})
    loaded, meta = load(path)  # the trust list covers SentenceContrast
    assert meta["params"]["contrast_features"] is contrast_features
    np.testing.assert_array_equal(loaded.predict_proba(heads, texts), proba)
