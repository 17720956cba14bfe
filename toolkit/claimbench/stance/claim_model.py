"""A learned claim-vs-claim stance model (two short texts), and its safe persistence.

:class:`ClaimStanceModel` is a multinomial logistic regression on :class:`~claimbench.stance.pairs.
ClaimPairFeatures` (dense cue families plus hashed lexical terms). It learns agree / disagree / discuss
from the short-text corpora (Emergent, Perspectrum, SNLI/MultiNLI) and, when given them, ``unrelated``
pairs; ``predict_proba`` always returns the four :data:`~claimbench.records.STANCE_LABELS` columns, so
it drops into the stance checkers beside the FNC-1 model. Saved with skops; :func:`load` refuses any
archive that would build a type outside :data:`TRUSTED_TYPES`.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from claimbench.errors import ClaimbenchError
from claimbench.records import STANCE_LABELS

from ._archive import PLAIN_TYPES, ArchiveLimits, ArchiveRefusedError, load_model_file
from .pairs import FAMILIES, ClaimPairFeatures, pair_list

FORMAT = "claimbench.claim-stance/1"
"""Tag stored in every saved archive; :func:`load` refuses archives without it."""

TRUSTED_TYPES: frozenset[str] = PLAIN_TYPES | frozenset(
    {
        "claimbench.stance.claim_model.ClaimStanceModel",
        "claimbench.stance.pairs.ClaimPairFeatures",
        "sklearn.linear_model._logistic.LogisticRegression",
        "numpy.int32",
        "numpy.str_",
    }
)
"""Every type a genuine saved :class:`ClaimStanceModel` archive may instantiate, by dotted name."""


class UntrustedModelError(ClaimbenchError, ValueError):
    """Raised by :func:`load` when an archive would instantiate types outside the allow-list."""


class ClaimStanceModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Logistic regression on claim-pair features; ``predict_proba`` columns follow STANCE_LABELS.

    Parameters: ``c`` (inverse regularisation), ``class_weight`` (``"balanced"`` or ``None``),
    ``families`` and ``hash_features`` / ``cross_limit`` (passed to :class:`ClaimPairFeatures`),
    ``max_iter``.
    """

    def __init__(
        self,
        c: float = 1.0,
        class_weight: str | None = "balanced",
        families: Sequence[str] = FAMILIES,
        hash_features: int = 2**17,
        cross_limit: int = 6,
        max_iter: int = 2000,
    ) -> None:
        self.c = c
        self.class_weight = class_weight
        self.families = families
        self.hash_features = hash_features
        self.cross_limit = cross_limit
        self.max_iter = max_iter

    def fit(self, first: Sequence[str], second: Sequence[str], labels: Sequence[str]) -> Self:
        """Fit on parallel sequences of texts and stance labels (each one of STANCE_LABELS)."""
        pairs = pair_list(first, second)
        y = np.asarray([str(label) for label in labels])
        if len(y) != len(pairs):
            raise ValueError(f"{len(pairs)} pairs but {len(y)} labels")
        unknown = sorted(set(y.tolist()) - set(STANCE_LABELS))
        if unknown:
            raise ValueError(f"labels {unknown} not in {list(STANCE_LABELS)}")
        if len(set(y.tolist())) < 2:
            raise ValueError("need at least two distinct labels to fit")
        self.features_ = ClaimPairFeatures(
            families=tuple(self.families), hash_features=self.hash_features, cross_limit=self.cross_limit
        ).fit(pairs)
        self.linear_ = LogisticRegression(
            C=self.c, class_weight=self.class_weight, max_iter=self.max_iter, solver="lbfgs"
        ).fit(self.features_.transform(pairs), y)
        self.classes_ = np.asarray(STANCE_LABELS)
        return self

    def predict_proba(self, first: Sequence[str], second: Sequence[str]) -> NDArray[np.float64]:
        """Probabilities, shape ``(n, 4)``, columns in STANCE_LABELS order (0 for labels never seen)."""
        pairs = pair_list(first, second)
        out = np.zeros((len(pairs), len(STANCE_LABELS)))
        if not pairs:
            return out
        raw = self.linear_.predict_proba(self.features_.transform(pairs))
        for j, label in enumerate(self.linear_.classes_):
            out[:, STANCE_LABELS.index(str(label))] = raw[:, j]
        return out

    def predict(self, first: Sequence[str], second: Sequence[str]) -> list[str]:
        """Most probable label per pair."""
        proba = self.predict_proba(first, second)
        return [STANCE_LABELS[i] for i in proba.argmax(axis=1)]


def save(model: ClaimStanceModel, path: str | Path, *, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write ``model`` to ``path`` as a skops archive with JSON ``metadata``; returns what was stored.

    Written to a temporary file beside ``path`` and renamed, so a failure leaves nothing half-written.
    """
    import os
    import tempfile

    import skops.io as sio

    from .model import library_versions

    if not hasattr(model, "linear_"):
        raise ValueError("refusing to save an unfitted ClaimStanceModel")
    params = model.get_params()
    params["families"] = list(params["families"])
    stored = {"format": FORMAT, "params": params, "versions": library_versions()}
    stored.update(metadata)
    text = json.dumps(stored, sort_keys=True)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        sio.dump(
            {"format": FORMAT, "metadata_json": text, "model": model},
            Path(tmp),
            compression=zipfile.ZIP_DEFLATED,
            compresslevel=9,
        )
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; a model file is meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dict(json.loads(text))


def load(path: str | Path, *, limits: ArchiveLimits | None = None) -> tuple[ClaimStanceModel, dict[str, Any]]:
    """Load ``(model, metadata)`` saved by :func:`save`, trusting only :data:`TRUSTED_TYPES`.

    Through the same gate as the FNC-1 model (:func:`claimbench.stance._archive.load_trusted`): sizes
    checked before anything is read, and the list complete, nothing trusted by default.
    """
    try:
        return load_model_file(
            path, TRUSTED_TYPES, FORMAT, ClaimStanceModel, what="claim stance", limits=limits
        )
    except ArchiveRefusedError as exc:
        raise UntrustedModelError(str(exc)) from None
