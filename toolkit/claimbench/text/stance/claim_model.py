"""A learned claim-vs-claim stance model (two short texts), and its safe persistence.

:class:`ClaimStanceModel` is a linear classifier on :class:`~claimbench.text.stance.pairs.ClaimPairFeatures`
(dense cue families plus hashed lexical terms): a linear SVM whose margins become probabilities through
a softmax with one temperature fitted on out-of-fold margins (the default; chosen on development data),
or a multinomial logistic regression. It learns agree / disagree / discuss
from the short-text corpora (Emergent, Perspectrum, SNLI/MultiNLI) and, when given them, ``unrelated``
pairs; ``predict_proba`` always returns the four :data:`~claimbench.records.STANCE_LABELS` columns, so
it drops into the stance checkers beside the FNC-1 model. Saved with skops; :func:`load` refuses any
archive that would build a type outside :data:`TRUSTED_TYPES`.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from claimbench.errors import ClaimbenchError
from claimbench.records import STANCE_LABELS

from ._archive import PLAIN_TYPES, ArchiveLimits, ArchiveRefusedError, current_name, load_model_file
from ._labels import fit_labels
from .pairs import DEFAULT_FAMILIES, ClaimPairFeatures, pair_list

FORMAT = "claimbench.claim-stance/1"
"""Tag stored in every saved archive; :func:`load` refuses archives without it."""

TRUSTED_TYPES: frozenset[str] = PLAIN_TYPES | frozenset(
    {
        "claimbench.text.stance.claim_model.ClaimStanceModel",
        "claimbench.text.stance.pairs.ClaimPairFeatures",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.svm._classes.LinearSVC",
        "numpy.int32",
        "numpy.str_",
    }
)
"""Every type a genuine saved :class:`ClaimStanceModel` archive may instantiate, by dotted name."""


class UntrustedModelError(ClaimbenchError, ValueError):
    """Raised by :func:`load` when an archive would instantiate types outside the allow-list."""


CLASSIFIERS: tuple[str, ...] = ("svm", "logistic")
"""``svm``: linear SVM, probabilities by a temperature-scaled softmax of its margins; ``logistic``:
multinomial logistic regression."""


def _softmax(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def _margins(linear: Any, x: Any) -> NDArray[np.float64]:
    """Per-class margins, one column per class even for two classes."""
    margins = np.asarray(linear.decision_function(x), dtype=np.float64)
    return np.column_stack([-margins, margins]) / 2 if margins.ndim == 1 else margins


def _temperature(margins: NDArray[np.float64], y: NDArray[np.str_], classes: NDArray[np.str_]) -> float:
    """The softmax temperature that minimises the log-loss of ``margins`` against ``y``."""
    index = np.searchsorted(classes, y)
    grid = np.geomspace(0.02, 20.0, 61)
    losses = [
        -np.log(np.clip(_softmax(margins / t)[np.arange(len(y)), index], 1e-12, None)).mean() for t in grid
    ]
    return float(grid[int(np.argmin(losses))])


class ClaimStanceModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear classifier on claim-pair features; ``predict_proba`` columns follow STANCE_LABELS.

    Parameters: ``classifier`` (one of :data:`CLASSIFIERS`), ``c`` (inverse regularisation),
    ``class_weight`` (``"balanced"`` or ``None``), ``families``, ``hash_features``, ``cross_limit``,
    ``bigrams``, ``vector_dim``, ``vector_vocab``, ``weakest``, ``products``, ``clusters``,
    ``dense_weight`` and ``aligned`` (passed to :class:`ClaimPairFeatures`; the word-vector options
    measured in benchmarks/RESULTS.md, off by default), ``max_iter``; ``unrelated_offset``: subtracted
    from the ``unrelated`` margin (SVM) or log-probability (logistic) before the softmax, so that a model
    fitted on made-up unrelated pairs says ``unrelated`` only when it is clear (chosen on dev parts).
    The defaults are the shipped model's configuration
    (:data:`claimbench.train.claims.PARAMS`), so a run's ``fit_on`` fits the same kind of model.
    """

    def __init__(
        self,
        c: float = 0.1,
        class_weight: str | None = "balanced",
        families: Sequence[str] = DEFAULT_FAMILIES,
        hash_features: int = 2**16,
        cross_limit: int = 6,
        max_iter: int = 2000,
        classifier: str = "svm",
        bigrams: bool = True,
        unrelated_offset: float = 1.0,
        vector_dim: int = 96,
        vector_vocab: int = 25_000,
        weakest: bool = False,
        products: bool = False,
        clusters: int = 0,
        dense_weight: float = 1.0,
        aligned: bool = False,
    ) -> None:
        self.c = c
        self.class_weight = class_weight
        self.families = families
        self.hash_features = hash_features
        self.cross_limit = cross_limit
        self.max_iter = max_iter
        self.classifier = classifier
        self.bigrams = bigrams
        self.unrelated_offset = unrelated_offset
        self.vector_dim = vector_dim
        self.vector_vocab = vector_vocab
        self.weakest = weakest
        self.products = products
        self.clusters = clusters
        self.dense_weight = dense_weight
        self.aligned = aligned

    def _linear(self) -> Any:
        if self.classifier == "svm":
            from sklearn.svm import LinearSVC

            # liblinear shuffles with a seed drawn from random_state: fixed, so a refit is the same model
            return LinearSVC(C=self.c, class_weight=self.class_weight, max_iter=self.max_iter, random_state=0)
        if self.classifier == "logistic":
            return LogisticRegression(
                C=self.c, class_weight=self.class_weight, max_iter=self.max_iter, solver="lbfgs"
            )
        raise ValueError(f"unknown classifier {self.classifier!r}; known: {', '.join(CLASSIFIERS)}")

    def fit(
        self,
        first: Sequence[str],
        second: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
        corpus: Iterable[str] = (),
    ) -> Self:
        """Fit on parallel sequences of texts and stance labels (each one of STANCE_LABELS), optionally
        weighting pairs (``sample_weight``: e.g. a small corpus counted several times); ``corpus``:
        unlabelled texts the ``similarity`` family's word vectors also learn from."""
        pairs = pair_list(first, second)
        y = fit_labels(labels, len(pairs), STANCE_LABELS)
        if len(set(y.tolist())) < 2:
            raise ValueError("need at least two distinct labels to fit")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if weights is not None and weights.shape != y.shape:
            raise ValueError(f"{len(y)} labels but {len(weights)} weights")
        self.features_ = ClaimPairFeatures(
            families=tuple(self.families),
            hash_features=self.hash_features,
            cross_limit=self.cross_limit,
            bigrams=self.bigrams,
            vector_dim=self.vector_dim,
            vector_vocab=self.vector_vocab,
            weakest=self.weakest,
            products=self.products,
            clusters=self.clusters,
            dense_weight=self.dense_weight,
            aligned=self.aligned,
        ).fit(pairs, corpus=corpus)
        x = self.features_.transform(pairs)
        self.linear_ = self._linear().fit(x, y, sample_weight=weights)
        self.temperature_ = 1.0
        if self.classifier == "svm":
            self.temperature_ = self._out_of_fold_temperature(pairs, x, y, weights)
        self.classes_ = np.asarray(STANCE_LABELS)
        return self

    def _out_of_fold_temperature(
        self,
        pairs: Sequence[tuple[str, str]],
        x: Any,
        y: NDArray[np.str_],
        weights: NDArray[np.float64] | None,
    ) -> float:
        """Temperature for the SVM's margins, fitted on margins of pairs each fold did not see (three
        folds grouped by first text, so a claim's pairs stay together); 1.0 when too few groups."""
        from sklearn.model_selection import GroupKFold

        groups = np.unique([a for a, _ in pairs], return_inverse=True)[1]
        if len(set(groups.tolist())) < 3:
            return 1.0
        classes = np.asarray(self.linear_.classes_)
        margins = np.zeros((len(y), len(classes)))
        seen = np.zeros(len(y), dtype=bool)
        for train, test in GroupKFold(n_splits=3).split(x, y, groups):
            if set(y[train].tolist()) != set(classes.tolist()):
                continue  # a fold without some label cannot give margins for every column
            fold = self._linear().fit(
                x[train], y[train], sample_weight=None if weights is None else weights[train]
            )
            margins[test] = _margins(fold, x[test])
            seen[test] = True
        return _temperature(margins[seen], y[seen], classes) if seen.any() else 1.0

    def _raw_proba(self, x: Any) -> NDArray[np.float64]:
        svm = getattr(self, "classifier", "logistic") == "svm"  # archives saved before the option
        scores = _margins(self.linear_, x) if svm else np.asarray(self.linear_.predict_log_proba(x))
        offset = getattr(self, "unrelated_offset", 0.0)
        labels = [str(label) for label in self.linear_.classes_]
        if offset and "unrelated" in labels:
            scores[:, labels.index("unrelated")] -= offset
        return _softmax(scores / self.temperature_ if svm else scores)

    def predict_proba(self, first: Sequence[str], second: Sequence[str]) -> NDArray[np.float64]:
        """Probabilities, shape ``(n, 4)``, columns in STANCE_LABELS order (0 for labels never seen)."""
        pairs = pair_list(first, second)
        out = np.zeros((len(pairs), len(STANCE_LABELS)))
        if not pairs:
            return out
        raw = self._raw_proba(self.features_.transform(pairs))
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


def is_claim_archive(path: str | Path) -> bool:
    """Whether ``path`` is an archive of this model (it names this module's types, not the FNC-1 model's),
    also one written before the package layout (:func:`~claimbench.text.stance._archive.current_name`)."""
    import skops.io as sio

    file = Path(path)
    return file.is_file() and any(
        current_name(t).startswith(f"{__name__}.") for t in sio.get_untrusted_types(file=file)
    )


def load(path: str | Path, *, limits: ArchiveLimits | None = None) -> tuple[ClaimStanceModel, dict[str, Any]]:
    """Load ``(model, metadata)`` saved by :func:`save`, trusting only :data:`TRUSTED_TYPES`.

    Through the same gate as the FNC-1 model (:func:`claimbench.text.stance._archive.load_trusted`): sizes
    checked before anything is read, and the list complete, nothing trusted by default.
    """
    try:
        return load_model_file(
            path, TRUSTED_TYPES, FORMAT, ClaimStanceModel, what="claim stance", limits=limits
        )
    except ArchiveRefusedError as exc:
        raise UntrustedModelError(str(exc)) from None
