"""FNC-1 stance detection: does a news body agree with, disagree with, discuss, or ignore a headline?

* :mod:`.data` -- read the FNC-1 CSV files and make the development splits (rumour-disjoint by default).
* :mod:`.features` -- scikit-learn transformers from (headline, body) pairs to features.
* :mod:`.model` -- the learned, stacked scorer (:func:`build_model`) and skops ``save``/``load``.
* :mod:`.rules` -- a transparent rule-based scorer for when no trained model is available.

Every scorer's ``predict_proba`` has its columns in :data:`LABELS` order.
"""

from __future__ import annotations

from .data import LABELS, FNC1DataError, read_fnc1, split_by_body, split_by_claim
from .model import StanceModel, UntrustedModelError, build_model, load, save
from .rules import RuleBasedScorer, build_rules

__all__ = [
    "LABELS",
    "FNC1DataError",
    "RuleBasedScorer",
    "StanceModel",
    "UntrustedModelError",
    "build_model",
    "build_rules",
    "load",
    "read_fnc1",
    "save",
    "split_by_body",
    "split_by_claim",
]
