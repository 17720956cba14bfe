"""``claim-stance``: the stance of one short claim towards another, by the learned claim-pair model.

Built for relations between two claims (Mosul's sources against each other, Emergent, Perspectrum,
SNLI-style pairs), where the FNC-1 model, made for a headline against a whole article, calls nearly
everything ``unrelated``. Without ``model`` it uses the model shipped in the package
(:data:`DEFAULT_MODEL`, built by ``python -m claimbench.train.claims``); ``model`` names
another archive saved by that command; ``fit`` (the runner's ``fit_on``) trains a fresh one on the
relations given. Archives load only through the trusted-types path
(:func:`claimbench.text.stance.claim_model.load`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench.checkers.stance import SourceAgreementChecker, _texts, load_claim_model
from claimbench.records import Context, Item, Relation
from claimbench.text.stance import SHIPPED_CLAIM_MODEL

DEFAULT_MODEL = SHIPPED_CLAIM_MODEL
"""The claim-pair stance model shipped in the package (see README: which data it was fitted on)."""

__all__ = ["DEFAULT_MODEL", "ClaimStanceChecker", "load_claim_model"]


class ClaimStanceChecker(SourceAgreementChecker):
    """Claim-vs-claim stance of each relation by the learned claim-pair model.

    ``model``: a claim-stance archive (default: :data:`DEFAULT_MODEL`). ``model_params``: parameters of
    the :class:`~claimbench.text.stance.claim_model.ClaimStanceModel` that ``fit`` trains.
    """

    name = "claim-stance"
    version = "1.0.0"

    def fit(self, items: Sequence[Item], context: Context) -> ClaimStanceChecker:
        """Train a claim-pair stance model on labelled relations (e.g. an Emergent train split)."""
        from claimbench.text.stance.claim_model import ClaimStanceModel

        relations = [i for i in items if isinstance(i, Relation)]
        pairs = [_texts(r, context) for r in relations]
        self.model_ = ClaimStanceModel(**(self.model_params or {})).fit(
            [a for a, _ in pairs], [b for _, b in pairs], [r.label for r in relations]
        )
        return self

    def _scorer(self) -> tuple[Any, str]:
        fitted = getattr(self, "model_", None)
        if fitted is not None:
            return fitted, "the claim stance model fitted by the run"
        file = Path(self.model) if self.model is not None else DEFAULT_MODEL
        return load_claim_model(file), f"the claim stance model {file.name}"
