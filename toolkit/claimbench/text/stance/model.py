"""A learned FNC-1 stance scorer built from scikit-learn parts, and its safe persistence.

Architecture (chosen by measurement on a body-disjoint inner split of the training part):

1. :class:`~claimbench.text.stance.features.PairFeatures` -- dense relatedness/stance-cue features,
   and :class:`~claimbench.text.stance.cues.PairCues` -- cues that do not depend on the headline's
   vocabulary (cue words near the headline's terms, best-sentence polarity, lead/rest overlap,
   NMF topics fitted on training bodies); chosen on the rumour-disjoint ``dev`` split, where they
   raise macro-F1 from 0.552 to 0.584 at the same FNC score (``benchmarks/RESULTS.md``).
   :class:`~claimbench.text.stance.contrast.SentenceContrast` adds sentence-level contradiction cues of the
   headline against its best-matching body sentences (nothing fitted); on the same split they raise FNC
   and macro-F1 (``benchmarks/RESULTS.md``, "FNC-1 disagree on unseen rumours").
2. Two logistic regressions on :class:`~claimbench.text.stance.features.PairTermVectors` (body TF-IDF
   and its product with the headline's; ``linear_view="full"`` adds the headline TF-IDF, which memorises
   the training rumours' headlines): one over all four classes, one over the related pairs
   only (agree/disagree/discuss).  On their own they are weak, but their probabilities tell the
   booster which words go with which stance.  For training rows they are computed out-of-fold,
   with folds grouped by body, so the booster never sees probabilities from a model that was fit
   on the same body.
3. A :class:`~sklearn.ensemble.HistGradientBoostingClassifier` on dense features + linear
   probabilities, with class weights ``(n / (4 n_class)) ** class_weight_power`` to help the
   rare ``disagree`` class.
4. A prior shift at prediction: ``P(disagree | related)`` is multiplied by ``disagree_scale`` (3 by
   default) among the three stances, ``P(unrelated)`` kept (``disagree_shift="related"``); chosen by
   rumour-grouped CV inside ``train``, it raised ``dev`` macro-F1 and ``disagree`` F1 in each of three fits.

Models are saved with skops (never plain pickle); :func:`load` computes the types an archive
would instantiate and refuses anything outside :data:`TRUSTED_TYPES`.
"""

from __future__ import annotations

import json
import platform
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claimbench.errors import ClaimbenchError
from claimbench.progress import stage

from ._archive import PLAIN_TYPES, ArchiveLimits, ArchiveRefusedError, load_model_file
from ._forest import predict_proba as booster_proba
from ._labels import fit_labels
from .batching import index_unique, make_pairs
from .contrast import SentenceContrast
from .corpus import LABELS, rumour_groups
from .cues import PairCues
from .features import PairFeatures, PairTermVectors

FORMAT = "claimbench.text.stance/1"
"""Tag stored in every saved archive; :func:`load` refuses archives without it."""

TRUSTED_TYPES: frozenset[str] = PLAIN_TYPES | frozenset(
    {
        "claimbench.text.stance.model.StanceModel",
        "claimbench.text.stance.features.PairFeatures",
        "claimbench.text.stance.features.PairTermVectors",
        "claimbench.text.stance.cues.PairCues",
        "claimbench.text.stance.contrast.SentenceContrast",
        "sklearn.decomposition._nmf.NMF",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.decomposition._truncated_svd.TruncatedSVD",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.link.MultinomialLogit",
        "sklearn._loss.link.Interval",
        "sklearn._loss._loss.CyHalfMultinomialLoss",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss._loss.CyHalfBinomialLoss",
        "sklearn.preprocessing._label.LabelEncoder",
        "builtins.slice",
        "numpy.uint64",
        "numpy.intp",
        "numpy.random._generator.Generator",
        "numpy.random._pcg64.PCG64",
        "numpy.random.mtrand.RandomState",
        "scipy.sparse._csr.csr_matrix",
    }
)
"""Every type a genuine saved :class:`StanceModel` archive may instantiate, by dotted name."""


class UntrustedModelError(ClaimbenchError, ValueError):
    """Raised by :func:`load` when an archive would instantiate types outside the allow-list."""


def _class_weights(labels: NDArray[np.str_], power: float) -> NDArray[np.float64]:
    """Per-row weights ``(n / (k * n_class)) ** power``: 0 = unweighted, 1 = fully balanced."""
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    per_class = (len(labels) / (len(classes) * counts)) ** power
    return np.asarray(per_class[inverse], dtype=np.float64)


def _default_groups(bodies: Sequence[str]) -> NDArray[np.intp]:
    """Group id per row = index of its distinct body text (for body-disjoint folds)."""
    return index_unique(list(bodies))[1]


class StanceModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Stacked FNC-1 stance classifier: dense features + out-of-fold linear probabilities -> GBDT.

    Parameters are only stored here (scikit-learn convention); see the module docstring for the
    architecture.  ``predict_proba`` columns follow :data:`LABELS`.

    Parameters
    ----------
    lead_sentences, svd_components:
        Passed to :class:`PairFeatures`.
    term_features:
        Vocabulary size of the :class:`PairTermVectors` used by the linear models.
    linear_c:
        Inverse regularisation strength of both logistic regressions.
    n_folds:
        Body-grouped folds for the out-of-fold linear probabilities.
    max_iter, learning_rate, max_leaf_nodes, l2_regularization:
        Passed to the final :class:`HistGradientBoostingClassifier` (no early stopping, so
        training is deterministic).
    class_weight_power:
        0 trains unweighted, 1 fully class-balanced; 0.5 lifts ``disagree`` without flooding it.
    balance_linear:
        Fit the two logistic regressions with balanced class weights.
    random_state:
        Seed for the SVD and the booster.
    cue_features:
        Add the headline-independent cues of :class:`~claimbench.text.stance.cues.PairCues` to the dense
        features (window cues near the headline's words, best-sentence polarity, lead/rest overlap,
        NMF topic similarity fitted on the training bodies).
    cue_topics:
        NMF topics of those cues (0: none).
    contrast_features:
        Add the sentence-level contradiction cues of
        :class:`~claimbench.text.stance.contrast.SentenceContrast` (the headline against its best-matching
        body sentences: scoped negation, refuting words near shared terms, opposite outcomes, differing
        numbers, hedging); nothing in them is fitted. Default since 2026-12-02 (``benchmarks/RESULTS.md``,
        "FNC-1 disagree on unseen rumours"); ``False`` gives the model before.
    linear_view:
        What the linear models read: ``"full"`` (headline TF-IDF | body TF-IDF | product), ``"nohead"``
        (body TF-IDF | product: no headline vocabulary to memorise) or ``"none"`` (no linear models).
        ``"nohead"`` is the default since 2026-12-02: with the contrast cues it gave the better ``dev``
        macro-F1 and ``disagree`` F1 on unseen rumours (``benchmarks/RESULTS.md``); ``"full"`` (with
        ``contrast_features=False``) gives the model before.
    two_stage:
        Fit a related/unrelated booster and, on the related pairs only, an agree/disagree/discuss
        booster (class weights ``** stance_weight_power``); ``P(stance) = P(related) P(stance | related)``.
    stance_weight_power:
        Class-weight power of the second stage (1: fully balanced among the three stances).
    disagree_scale:
        Prior shift: ``P(disagree)`` is multiplied by this and renormalised (see ``disagree_shift``), so
        ``predict`` (the argmax) calls ``disagree`` more often when it is above 1; 1 changes nothing.
        3.0 (with ``disagree_shift="related"``) is the default since 2026-12-02, picked by rumour-grouped CV
        inside ``train`` and checked on ``dev`` over three fits (``benchmarks/RESULTS.md``, "FNC-1: a
        ``disagree`` prior shift within related pairs"); ``disagree_scale=1.0`` gives the model before.
    disagree_shift:
        Where ``disagree_scale`` acts: ``"all"`` scales ``P(disagree)`` and renormalises the whole row, so
        it also takes probability from ``unrelated`` and turns unrelated pairs into ``disagree``;
        ``"related"`` keeps ``P(unrelated)`` as it is and shifts only ``P(disagree | related)`` among
        agree/disagree/discuss (``P(s) = P(related) P(s | related)``, the ``disagree`` term of the
        conditional scaled and the three renormalised): it takes only from agree and discuss, and a pair
        with ``P(unrelated) > 1/2`` stays ``unrelated`` at any scale. ``"related"`` is the default since
        2026-12-02; archives saved before this option act as ``"all"`` (and as saved: their own
        ``disagree_scale``, 1.0 for every default model saved before that date).
    fold_groups:
        Groups of the out-of-fold folds when ``fit`` is given none: ``"rumour"``
        (:func:`~claimbench.text.stance.corpus.rumour_groups`: a rumour's headlines and bodies in one fold, an
        unrelated pair with its headline's rumour), ``"bodyrumour"`` (the same, an unrelated pair with its
        body's rumour) or ``"body"`` (pairs sharing a body text).
    """

    def __init__(
        self,
        lead_sentences: int = 3,
        svd_components: int = 100,
        term_features: int = 10000,
        linear_c: float = 1.0,
        n_folds: int = 5,
        max_iter: int = 400,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        l2_regularization: float = 1.0,
        class_weight_power: float = 0.5,
        balance_linear: bool = False,
        random_state: int = 0,
        cue_features: bool = True,
        cue_topics: int = 40,
        linear_view: str = "nohead",
        two_stage: bool = False,
        stance_weight_power: float = 0.5,
        disagree_scale: float = 3.0,
        fold_groups: str = "body",
        contrast_features: bool = True,
        disagree_shift: str = "related",
    ) -> None:
        self.lead_sentences = lead_sentences
        self.svd_components = svd_components
        self.term_features = term_features
        self.linear_c = linear_c
        self.n_folds = n_folds
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.class_weight_power = class_weight_power
        self.balance_linear = balance_linear
        self.random_state = random_state
        self.cue_features = cue_features
        self.cue_topics = cue_topics
        self.linear_view = linear_view
        self.two_stage = two_stage
        self.stance_weight_power = stance_weight_power
        self.disagree_scale = disagree_scale
        self.fold_groups = fold_groups
        self.contrast_features = contrast_features
        self.disagree_shift = disagree_shift

    # -- training -------------------------------------------------------------------------------

    def fit(
        self,
        headlines: Sequence[str],
        bodies: Sequence[str],
        labels: Sequence[str],
        groups: Sequence[int] | None = None,
    ) -> Self:
        """Fit on parallel sequences of headlines, bodies and FNC-1 labels.

        ``groups`` (e.g. body ids) defines the out-of-fold partition; by default pairs sharing a
        body text share a group.  Every label must be one of :data:`LABELS`.
        """
        pairs = make_pairs(headlines, bodies)
        y = fit_labels(labels, len(pairs), LABELS)
        if self.linear_view not in _VIEWS:
            raise ValueError(f"linear_view must be one of {list(_VIEWS)}, not {self.linear_view!r}")
        _shift_of(self)
        if self.fold_groups not in ("rumour", "bodyrumour", "body"):
            raise ValueError(
                f"fold_groups must be 'rumour', 'bodyrumour' or 'body', not {self.fold_groups!r}"
            )
        if groups is not None:
            group_ids = np.asarray(groups)
        elif self.fold_groups != "body":
            by = "body" if self.fold_groups == "bodyrumour" else "headline"
            group_ids = np.asarray(rumour_groups(headlines, bodies, y.tolist(), by=by))
        else:
            group_ids = _default_groups(bodies)
        self.classes_ = np.asarray(LABELS)

        with stage(f"featurising {len(pairs)} pairs (dense features, SVD of {self.svd_components})"):
            self.features_ = PairFeatures(
                lead_sentences=self.lead_sentences,
                svd_components=self.svd_components,
                random_state=self.random_state,
            ).fit(pairs)
            dense = self.features_.transform(pairs)
            self.cues_: PairCues | None = None
            if self.cue_features:
                self.cues_ = PairCues(
                    lead_sentences=self.lead_sentences, topics=self.cue_topics, random_state=self.random_state
                ).fit(pairs)
                dense = np.hstack([dense, self.cues_.transform(pairs)])
            self.contrast_: SentenceContrast | None = None
            if self.contrast_features:
                self.contrast_ = SentenceContrast().fit(pairs)
                dense = np.hstack([dense, self.contrast_.transform(pairs)])

        if self.linear_view == "none":
            self.terms_ = self.linear_all_ = self.linear_related_ = None
            with stage(f"fitting the gradient-boosted trees ({self.max_iter} iterations)"):
                self._fit_booster(dense, np.zeros((len(pairs), 0)), y)
            return self
        n_groups = len(np.unique(group_ids))
        folds = min(self.n_folds, n_groups)
        oof = np.zeros((len(pairs), 2 * len(LABELS) - 1))
        if folds >= 2:
            splits = GroupKFold(n_splits=folds).split(pairs, y, group_ids)
            for k, (train_idx, test_idx) in enumerate(splits, 1):
                with stage(f"fitting the linear models, fold {k}/{folds} (out-of-fold probabilities)"):
                    parts = self._fit_linear([pairs[i] for i in train_idx], y[train_idx])
                    oof[test_idx] = self._linear_proba(parts, [pairs[i] for i in test_idx], self.linear_view)
        with stage("fitting the linear models on every pair"):
            self.terms_, self.linear_all_, self.linear_related_ = self._fit_linear(pairs, y)
            if folds < 2:  # too little data for folds: fall back to in-sample probabilities
                oof = self._linear_proba(
                    (self.terms_, self.linear_all_, self.linear_related_), pairs, self.linear_view
                )

        booster_stage = stage(f"fitting the gradient-boosted trees ({self.max_iter} iterations)")
        with booster_stage:
            self._fit_booster(dense, oof, y)
        return self

    def _fit_booster(self, dense: NDArray[np.float64], oof: NDArray[np.float64], y: NDArray[np.str_]) -> None:
        """The final classifier on the dense features and the out-of-fold linear probabilities."""
        if self.two_stage:
            self._fit_two_stage(np.hstack([dense, oof]), y)
            return
        self.stance_booster_: HistGradientBoostingClassifier | None = None
        self.booster_ = self._new_booster().fit(
            np.hstack([dense, oof]), y, sample_weight=_class_weights(y, self.class_weight_power)
        )

    def _new_booster(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )

    def _fit_two_stage(self, x: NDArray[np.float64], y: NDArray[np.str_]) -> None:
        """Related/unrelated on every pair, then agree/disagree/discuss on the related pairs only."""
        related = y != "unrelated"
        self.booster_ = self._new_booster().fit(x, np.where(related, "related", "unrelated"))
        self.stance_booster_ = None
        if len(np.unique(y[related])) >= 2:
            self.stance_booster_ = self._new_booster().fit(
                x[related], y[related], sample_weight=_class_weights(y[related], self.stance_weight_power)
            )

    def _fit_linear(
        self, pairs: list[tuple[str, str]], y: NDArray[np.str_]
    ) -> tuple[PairTermVectors, LogisticRegression, LogisticRegression | None]:
        terms = PairTermVectors(max_features=self.term_features).fit(pairs)
        matrix = _view(terms, pairs, self.linear_view)
        weight = "balanced" if self.balance_linear else None
        linear_all = LogisticRegression(C=self.linear_c, max_iter=1000, class_weight=weight).fit(matrix, y)
        related = np.flatnonzero(y != "unrelated")
        linear_related: LogisticRegression | None = None
        if len(np.unique(y[related])) >= 2:
            linear_related = LogisticRegression(C=self.linear_c, max_iter=1000, class_weight=weight).fit(
                matrix[related], y[related]
            )
        return terms, linear_all, linear_related

    @staticmethod
    def _linear_proba(
        parts: tuple[PairTermVectors, LogisticRegression, LogisticRegression | None],
        pairs: list[tuple[str, str]],
        view: str = "full",
    ) -> NDArray[np.float64]:
        """Columns: P(label) for all four labels, then P(label | related) for the three stances."""
        terms, linear_all, linear_related = parts
        matrix: sp.csr_matrix = _view(terms, pairs, view)
        out = np.zeros((len(pairs), 2 * len(LABELS) - 1))
        if not pairs:
            return out
        _place(out, 0, LABELS, linear_all.classes_, linear_all.predict_proba(matrix))
        if linear_related is not None:
            _place(
                out,
                len(LABELS),
                LABELS[:3],
                linear_related.classes_,
                linear_related.predict_proba(matrix),
            )
        return out

    # -- prediction -----------------------------------------------------------------------------

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> NDArray[np.float64]:
        """Class probabilities, shape ``(n_pairs, 4)``, columns in :data:`LABELS` order."""
        pairs = make_pairs(headlines, bodies)
        if not pairs:
            return np.zeros((0, len(LABELS)))
        dense = self.features_.transform(pairs)
        cues: PairCues | None = getattr(self, "cues_", None)
        if cues is not None:
            dense = np.hstack([dense, cues.transform(pairs)])
        contrast: SentenceContrast | None = getattr(self, "contrast_", None)
        if contrast is not None:
            dense = np.hstack([dense, contrast.transform(pairs)])
        if self.terms_ is None:
            linear = np.zeros((len(pairs), 0))
        else:
            view = getattr(self, "linear_view", "full")
            linear = self._linear_proba((self.terms_, self.linear_all_, self.linear_related_), pairs, view)
        x = np.hstack([dense, linear])
        raw = booster_proba(self.booster_, x)  # small batches: all trees at once
        out = np.zeros((len(pairs), len(LABELS)))
        stance: HistGradientBoostingClassifier | None = getattr(self, "stance_booster_", None)
        if stance is not None:
            p_related = raw[:, list(self.booster_.classes_).index("related")]
            _place(out, 0, LABELS[:3], stance.classes_, booster_proba(stance, x))
            out[:, :3] *= p_related[:, None]
            out[:, 3] = 1.0 - p_related
        else:
            _place(out, 0, LABELS, self.booster_.classes_, raw)
        return shift_disagree(out, float(getattr(self, "disagree_scale", 1.0)), _shift_of(self))

    def predict(self, headlines: Sequence[str], bodies: Sequence[str]) -> list[str]:
        """Most probable label per pair."""
        proba = self.predict_proba(headlines, bodies)
        return [LABELS[i] for i in proba.argmax(axis=1)]


_VIEWS = ("full", "nohead", "none")
"""The values of ``StanceModel.linear_view``."""

_SHIFTS = ("all", "related")
"""The values of ``StanceModel.disagree_shift``."""


def _shift_of(model: StanceModel) -> str:
    """``model.disagree_shift``, checked; ``"all"`` for archives saved before the option existed."""
    shift = str(getattr(model, "disagree_shift", "all"))
    if shift not in _SHIFTS:
        raise ValueError(f"disagree_shift must be one of {list(_SHIFTS)}, not {shift!r}")
    return shift


def shift_disagree(proba: NDArray[np.float64], scale: float, shift: str) -> NDArray[np.float64]:
    """``StanceModel``'s ``disagree`` prior shift of ``proba`` (rows in :data:`LABELS` order; in place).

    ``shift`` is ``"all"`` (scale ``P(disagree)``, renormalise the row) or ``"related"`` (keep
    ``P(unrelated)``, scale ``P(disagree)`` among the three stances and renormalise them to
    ``P(related)``); see :class:`StanceModel`'s ``disagree_shift``. Returns ``proba``.
    """
    if scale == 1.0:
        return proba
    d = LABELS.index("disagree")
    if shift == "all":
        proba[:, d] *= scale
        proba /= proba.sum(axis=1, keepdims=True)
        return proba
    stances = [LABELS.index(label) for label in LABELS if label != "unrelated"]
    related = proba[:, stances].sum(axis=1)
    proba[:, d] *= scale
    shifted = proba[:, stances].sum(axis=1)
    # P(related) / sum of the shifted stance terms; rows with no related mass stay as they are
    factor = np.divide(related, shifted, out=np.ones_like(related), where=shifted > 0)
    proba[:, stances] *= factor[:, None]
    return proba


def _view(terms: PairTermVectors, pairs: list[tuple[str, str]], view: str) -> sp.csr_matrix:
    """The term matrix the linear models read: ``[headline | body | product]``, or without the headline block
    when ``view`` is ``nohead``."""
    return terms.transform(pairs, headline=view != "nohead")


def _place(
    out: NDArray[np.float64],
    offset: int,
    order: Sequence[str],
    classes: NDArray[Any],
    proba: NDArray[np.float64],
) -> None:
    """Copy ``proba`` columns (in ``classes`` order) into ``out`` at ``offset`` in ``order``."""
    position = {str(c): j for j, c in enumerate(classes)}
    for k, label in enumerate(order):
        j = position.get(label)
        if j is not None:
            out[:, offset + k] = proba[:, j]


def build_model(**params: Any) -> StanceModel:
    """A fresh, unfitted :class:`StanceModel`; ``params`` override its defaults."""
    return StanceModel(**params)


# -- persistence --------------------------------------------------------------------------------


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on (recorded in its metadata)."""
    import pandas
    import scipy
    import sklearn
    import skops

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
    }


def save(model: StanceModel, path: str | Path, *, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write ``model`` to ``path`` as a skops archive with JSON ``metadata`` inside.

    The stored metadata is ``metadata`` plus ``format``, ``params`` (``model.get_params()``) and
    ``versions`` (:func:`library_versions`) unless the caller gave them; it must be JSON
    serialisable.  Returns the metadata as stored.
    """
    import skops.io as sio

    if not hasattr(model, "booster_"):
        raise ValueError("refusing to save an unfitted StanceModel")
    stored = {"format": FORMAT, "params": model.get_params(), "versions": library_versions()}
    stored.update(metadata)
    text = json.dumps(stored, sort_keys=True)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sio.dump(
        {"format": FORMAT, "metadata_json": text, "model": model},
        Path(path),
        compression=zipfile.ZIP_DEFLATED,
        compresslevel=6,
    )
    return dict(json.loads(text))


def load(path: str | Path, *, limits: ArchiveLimits | None = None) -> tuple[StanceModel, dict[str, Any]]:
    """Load ``(model, metadata)`` saved by :func:`save`, trusting only :data:`TRUSTED_TYPES`.

    :data:`TRUSTED_TYPES` is the complete list: nothing is trusted by default. Before skops reads the
    archive, :func:`claimbench.text.stance._archive.inspect_archive` checks its declared sizes and array
    headers against ``limits`` (default :class:`~claimbench.text.stance._archive.ArchiveLimits`) and every
    type, function and loader its schema names against the list (skops' own default-trusted types, such
    as ``numpy.sqrt`` or scikit-learn estimators, never show in ``get_untrusted_types``); then the types
    skops reports as untrusted must be on the list too. Anything refused raises
    :class:`UntrustedModelError` naming the limit or the types, with nothing constructed.
    """
    try:
        return load_model_file(path, TRUSTED_TYPES, FORMAT, StanceModel, what="stance", limits=limits)
    except ArchiveRefusedError as exc:
        raise UntrustedModelError(str(exc)) from None
