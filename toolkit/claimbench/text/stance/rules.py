"""A transparent, training-free FNC-1 stance scorer (the fallback when no model file is given).

Decision procedure, per (headline, body) pair:

1. **Related?**  ``overlap`` = share of the headline's content words (stemmed, stop words
   removed) that occur in the body.  Below ``related_threshold`` the pair is ``unrelated``.
2. **Stance** of a related pair, from cue words (lexicons in :mod:`.features`) counted in the
   headline, the body's lead and the body sentences that share words with the headline:
   refuting cues (hoax, fake, denies, debunked, ...) -> ``disagree``; hedging cues (reportedly,
   allegedly, claims, unconfirmed, ...) -> ``discuss``; confirming cues (confirmed, revealed,
   ...) -> ``agree``; no cue -> ``discuss`` (the most common related stance).

``predict_proba`` turns the same quantities into smooth scores: ``P(related)`` is a logistic
function of ``overlap - related_threshold``, and the related mass is split by a softmax over the
cue scores.  The thresholds were set by hand (and sanity-checked on a training split), nothing
is fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from .analysis import Text, analyse
from .batching import index_unique, make_pairs
from .corpus import LABELS

_REFUTE, _HEDGE, _AGREE, _NEG = range(4)


def _stance_scores(h: Text, b: Text, hit_share: float) -> tuple[float, float, float]:
    """Cue evidence for (agree, disagree, discuss) of a related pair."""
    h_set = h.content_set
    n_h = max(len(h_set), 1)
    hits = np.zeros(4)
    for k, sentence in enumerate(b.sentences):
        if len(h_set & sentence) / n_h >= hit_share:
            hits += b.sentence_cues[k]
    evidence = hits + b.lead_cues
    refute = 0.8 * evidence[_REFUTE] + 1.5 * h.cues[_REFUTE] - 0.5
    hedge = 0.7 * evidence[_HEDGE] + 1.0 * h.cues[_HEDGE]
    agree = 0.5 * evidence[_AGREE]
    return agree, refute, hedge


class RuleBasedScorer:
    """Rule-based FNC-1 scorer with the same ``predict``/``predict_proba`` shape as the model.

    Parameters
    ----------
    related_threshold:
        Share of headline content words that must appear in the body for "related".
    hit_share:
        A body sentence "talks about the headline" when it holds this share of its words.
    sharpness:
        Slope of the logistic ``P(related)``; only affects ``predict_proba``.
    lead_sentences:
        Opening body sentences whose cues always count.
    """

    def __init__(
        self,
        related_threshold: float = 0.35,
        hit_share: float = 0.3,
        sharpness: float = 15.0,
        lead_sentences: int = 3,
    ) -> None:
        self.related_threshold = related_threshold
        self.hit_share = hit_share
        self.sharpness = sharpness
        self.lead_sentences = lead_sentences

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters (scikit-learn convention)."""
        return {
            "related_threshold": self.related_threshold,
            "hit_share": self.hit_share,
            "sharpness": self.sharpness,
            "lead_sentences": self.lead_sentences,
        }

    def fit(self, *args: Any, **kwargs: Any) -> Self:
        """No-op, for API symmetry with :class:`~.model.StanceModel`: nothing is learned."""
        return self

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> NDArray[np.float64]:
        """Scores in [0, 1] summing to 1 per row; columns in :data:`LABELS` order."""
        pairs = make_pairs(headlines, bodies)
        out = np.zeros((len(pairs), len(LABELS)))
        if not pairs:
            return out
        uniq_h, h_idx = index_unique([p[0] for p in pairs])
        uniq_b, b_idx = index_unique([p[1] for p in pairs])
        h_docs = [analyse(h, 1) for h in uniq_h]
        b_docs = [analyse(b, self.lead_sentences) for b in uniq_b]
        for i, (hi, bi) in enumerate(zip(h_idx, b_idx, strict=True)):
            h, b = h_docs[hi], b_docs[bi]
            overlap = len(h.content_set & b.content_set) / max(len(h.content_set), 1)
            related = 1.0 / (1.0 + np.exp(-self.sharpness * (overlap - self.related_threshold)))
            agree, refute, hedge = _stance_scores(h, b, self.hit_share)
            # "discuss" carries a prior of 1.0: with no cue at all a related pair is discussed.
            logits = np.array([agree, refute, 1.0 + hedge])
            stance = np.exp(logits - logits.max())
            stance /= stance.sum()
            out[i, :3] = related * stance
            out[i, 3] = 1.0 - related
        return out

    def predict(self, headlines: Sequence[str], bodies: Sequence[str]) -> list[str]:
        """One label per pair: ``unrelated`` below the overlap threshold, else the cue winner."""
        proba = self.predict_proba(headlines, bodies)
        labels: list[str] = []
        for row in proba:
            if row[3] > 0.5:
                labels.append("unrelated")
            else:
                labels.append(LABELS[int(np.argmax(row[:3]))])
        return labels


def build_rules(**params: Any) -> RuleBasedScorer:
    """A :class:`RuleBasedScorer` with ``params`` overriding its defaults."""
    return RuleBasedScorer(**params)
