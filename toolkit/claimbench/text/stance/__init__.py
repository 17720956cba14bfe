"""Stance detection: does a text agree with, disagree with, discuss, or ignore another?

* :mod:`.corpus` -- read the FNC-1 CSV files and make the development splits (rumour-disjoint by default).
* :mod:`.features`, :mod:`.cues` -- scikit-learn transformers from (headline, body) pairs to features,
  built on :mod:`.analysis` (tokens, stems, cue lexicons, one analysis per text) and :mod:`.batching`
  (pair input, distinct texts, the per-text caches).
* :mod:`.model` -- the learned, stacked FNC-1 scorer (:func:`build_model`) and skops ``save``/``load``.
* :mod:`.rules` -- a transparent rule-based scorer for when no trained model is available.
* :mod:`.pairs`, :mod:`.claim_model` -- the claim-vs-claim model for two short texts
  (:mod:`claimbench.train.claims` builds :data:`SHIPPED_CLAIM_MODEL`).

Every scorer's ``predict_proba`` has its columns in :data:`LABELS` order. The re-exports below are
imported on first use, so importing a submodule (or this package) loads scikit-learn only when it needs it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .corpus import LABELS, FNC1DataError, read_fnc1, split_by_body, split_by_claim
    from .model import StanceModel, UntrustedModelError, build_model, load, save
    from .rules import RuleBasedScorer, build_rules

SHIPPED_CLAIM_MODEL = Path(__file__).resolve().with_name("claim_stance.skops")
"""The claim-pair stance model shipped in the package, built by ``python -m claimbench.train.claims``
(README: which data it was fitted on)."""

_LAZY: dict[str, str] = {
    **dict.fromkeys(("LABELS", "FNC1DataError", "read_fnc1", "split_by_body", "split_by_claim"), ".corpus"),
    **dict.fromkeys(("StanceModel", "UntrustedModelError", "build_model", "load", "save"), ".model"),
    **dict.fromkeys(("RuleBasedScorer", "build_rules"), ".rules"),
}
"""Re-exported name -> the submodule that defines it (imported by :func:`__getattr__` on first use)."""


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'claimbench.text.stance' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "LABELS",
    "SHIPPED_CLAIM_MODEL",
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
