"""Model selection for the FNC-1 stance model on the rumour-disjoint split, from cached features.

What it does
    ``prep`` reads the FNC-1 training files, makes the rumour-disjoint ``train``/``dev`` split
    (:func:`claimbench.text.stance.corpus.split_stances`), fits
    :class:`~claimbench.text.stance.features.PairFeatures`
    and :class:`~claimbench.text.stance.cues.PairCues` on ``train`` and computes, for ``train``, out-of-fold
    linear probabilities with folds grouped by rumour (:func:`~claimbench.text.stance.corpus.rumour_groups`)
    for
    two views of :class:`~claimbench.text.stance.features.PairTermVectors` (``full``: headline | body |
    product; ``nohead``: body | product), and for ``dev`` the same models fitted on all of ``train``.
    Everything is saved to one ``.npz`` so that each configuration below costs one booster fit.

    ``prep-contrast`` (``--cache OUT --cache F``, F the ``prep`` cache, for its rumour groups) adds the
    sentence contrast cues (:class:`~claimbench.text.stance.contrast.SentenceContrast`, block ``contrast``)
    and body-level refutation scores: balanced logistic regressions on the related pairs over the fixed cue
    vocabulary (``refute-cC``) or that plus the standardised contrast columns (``refute2-cC``), C in
    {0.1, 1}, out-of-fold with rumour-grouped folds for ``train``, fitted on all of ``train`` for ``dev``.

    ``eval CONFIG...`` fits the final classifier(s) of each named configuration on ``train`` and scores
    ``dev`` (FNC %, macro-F1, per-label F1). ``cv CONFIG`` runs rumour-grouped cross-validation inside
    ``train`` only and prints the ``disagree`` probability multiplier (``--scales``) that maximises the mean
    macro-F1 over the folds (for tuning without looking at ``dev``), for each ``--shifts`` value: ``all``
    (the whole row renormalised) and/or ``related`` (within the related pairs only; ``StanceModel``'s
    ``disagree_shift``).

Usage::

    PYTHONPATH=toolkit python benchmarks/stance_selection.py prep --data ../shared/data/fnc1 --cache F.npz
    PYTHONPATH=toolkit python benchmarks/stance_selection.py eval --cache F.npz dense cues cues+lin-nohead
    PYTHONPATH=toolkit python benchmarks/stance_selection.py cv --cache F.npz two-stage

Configurations are strings ``FEATURES[:MODEL]``: FEATURES joins ``dense``, ``cues``, ``lin-full``,
``lin-nohead`` (``-body``/``-bodyrumour``: those fold groupings), ``contrast``, ``refute-c0.1``, ...
with ``+``; MODEL is ``one`` (one 4-class booster, class weights ``** 0.5``) or ``two``
(related/unrelated booster, then an agree/disagree/discuss booster on related pairs with balanced
class weights ``** power``), optionally ``@power`` and ``xM`` (disagree multiplier), e.g.
``dense+cues:two@0.5x1.5``.  Single-threaded figures measured while other jobs run are "under load".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fnc1"


def _split(data: Path) -> tuple[Any, Any, list[str], list[str], list[Any], list[Any], np.ndarray]:
    """The rumour-disjoint split both ``prep`` steps read: (train, dev, train headlines, train bodies,
    train pairs, dev pairs, train labels)."""
    from claimbench.text.stance.batching import make_pairs
    from claimbench.text.stance.corpus import attach_bodies, read_fnc1, split_stances

    bodies, stances = read_fnc1(data / "train_bodies.csv", data / "train_stances.csv")
    train, dev = (split_stances(bodies, stances, n, dev_fraction=0.2, seed=1489) for n in ("train", "dev"))
    th, tb = attach_bodies(bodies, train)
    dh, db = attach_bodies(bodies, dev)
    return train, dev, th, tb, make_pairs(th, tb), make_pairs(dh, db), np.asarray(train["Stance"].tolist())


def _prep(data: Path, cache: Path, linear_groups: list[str], linear_only: bool) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from claimbench.text.stance.corpus import LABELS, rumour_groups
    from claimbench.text.stance.cues import PairCues
    from claimbench.text.stance.features import PairFeatures, PairTermVectors

    train, dev, th, tb, tp, dp, y = _split(data)
    groups = np.asarray(rumour_groups(th, tb, y.tolist()))
    fold_groups = {
        "rumour": groups,
        "bodyrumour": np.asarray(rumour_groups(th, tb, y.tolist(), by="body")),
        "body": np.asarray(train["Body ID"].tolist()),
    }
    out: dict[str, Any] = {
        "y_tr": y,
        "y_dev": np.asarray(dev["Stance"].tolist()),
        "g_tr": groups,
        "body_dev": np.asarray(dev["Body ID"].tolist()),
    }
    if not linear_only:
        t0 = time.perf_counter()
        features = PairFeatures().fit(tp)
        out["dense_tr"], out["dense_dev"] = features.transform(tp), features.transform(dp)
        print(f"dense features {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        cues = PairCues().fit(tp)
        out["cues_tr"], out["cues_dev"] = cues.transform(tp), cues.transform(dp)
        print(f"cue features {time.perf_counter() - t0:.1f} s", flush=True)

    def linear(
        pairs_fit: list[tuple[str, str]], y_fit: np.ndarray, pairs_out: list[tuple[str, str]]
    ) -> dict[str, np.ndarray]:
        terms = PairTermVectors(max_features=10000).fit(pairs_fit)
        width = len(terms.vectorizer_.vocabulary_)
        m_fit, m_out = terms.transform(pairs_fit), terms.transform(pairs_out)
        res = {}
        related = np.flatnonzero(y_fit != "unrelated")
        for view, lo in (("full", 0), ("nohead", width)):
            a = LogisticRegression(C=1.0, max_iter=1000).fit(m_fit[:, lo:], y_fit)
            r = LogisticRegression(C=1.0, max_iter=1000).fit(m_fit[related][:, lo:], y_fit[related])
            pa = a.predict_proba(m_out[:, lo:])
            pr = r.predict_proba(m_out[:, lo:])
            cols = [pa[:, list(a.classes_).index(c)] for c in LABELS]
            cols += [pr[:, list(r.classes_).index(c)] for c in LABELS[:3]]
            res[view] = np.column_stack(cols)
        return res

    final = linear(tp, y, dp)
    for grouping in linear_groups:
        t0 = time.perf_counter()
        oof = {v: np.zeros((len(tp), 7)) for v in ("full", "nohead")}
        splits = GroupKFold(n_splits=5).split(tp, y, fold_groups[grouping])
        for k, (fit_idx, test_idx) in enumerate(splits, 1):
            part = linear([tp[i] for i in fit_idx], y[fit_idx], [tp[i] for i in test_idx])
            for v in oof:
                oof[v][test_idx] = part[v]
            print(f"{grouping} fold {k} {time.perf_counter() - t0:.1f} s", flush=True)
        suffix = "" if grouping == "rumour" else f"-{grouping}"
        for v in oof:
            out[f"lin-{v}{suffix}_tr"], out[f"lin-{v}{suffix}_dev"] = oof[v], final[v]
    np.savez_compressed(cache, **out)
    print(f"saved {cache}")


def _prep_contrast(data: Path, cache: Path, groups_cache: Path) -> None:
    """The sentence-contrast block and the body-level refutation scores (out-of-fold, rumour-grouped)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from claimbench.text.stance.contrast import SentenceContrast, cue_vocabulary_counts
    from claimbench.text.stance.corpus import LABELS

    _, _, _, _, tp, dp, y = _split(data)
    tb, db = [b for _, b in tp], [b for _, b in dp]
    groups = np.load(groups_cache)["g_tr"]
    t0 = time.perf_counter()
    contrast = SentenceContrast().fit(tp)
    out: dict[str, Any] = {"contrast_tr": contrast.transform(tp), "contrast_dev": contrast.transform(dp)}
    print(f"contrast features {time.perf_counter() - t0:.1f} s", flush=True)
    t0 = time.perf_counter()
    vocab_tr, vocab_dev = cue_vocabulary_counts(tb), cue_vocabulary_counts(db)
    print(f"cue vocabulary counts {time.perf_counter() - t0:.1f} s", flush=True)
    mean = out["contrast_tr"].mean(axis=0)
    std = out["contrast_tr"].std(axis=0) + 1e-9
    inputs = {
        "refute": (vocab_tr, vocab_dev),
        "refute2": (
            np.hstack([vocab_tr, (out["contrast_tr"] - mean) / std]),
            np.hstack([vocab_dev, (out["contrast_dev"] - mean) / std]),
        ),
    }
    related = y != "unrelated"

    def score(x_fit: np.ndarray, y_fit: np.ndarray, x_out: np.ndarray, c: float) -> np.ndarray:
        keep = y_fit != "unrelated"
        m = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x_fit[keep], y_fit[keep])
        p = m.predict_proba(x_out)
        return np.column_stack([p[:, list(m.classes_).index(c_)] for c_ in LABELS[:3]])

    for name, (x_tr, x_dev) in inputs.items():
        for c in (0.1, 1.0):
            oof = np.zeros((len(y), 3))
            for fit_idx, test_idx in GroupKFold(n_splits=5).split(x_tr, y, groups):
                oof[test_idx] = score(x_tr[fit_idx], y[fit_idx], x_tr[test_idx], c)
            key = f"{name}-c{c:g}"
            out[f"{key}_tr"], out[f"{key}_dev"] = oof, score(x_tr, y, x_dev, c)
            pred = np.asarray(LABELS[:3])[oof[related].argmax(axis=1)]
            f1 = f1_score(y[related], pred, labels=list(LABELS[:3]), average=None)
            print(
                f"{key}: OOF (rumour folds) F1 agree/disagree/discuss on related train pairs "
                f"{' / '.join(f'{v:.3f}' for v in f1)}",
                flush=True,
            )
    np.savez_compressed(cache, **out)
    print(f"saved {cache}")


def _parse_config(config: str) -> tuple[list[str], str, float, float]:
    feats, _, model = config.partition(":")
    model = model or "one"
    mult = 1.0
    power = 0.5
    if "x" in model:
        model, m = model.split("x")
        mult = float(m)
    if "@" in model:
        model, p = model.split("@")
        power = float(p)
    return feats.split("+"), model, power, mult


def _matrix(z: Any, feats: list[str], part: str) -> np.ndarray:
    return np.hstack([z[f"{f}_{part}"] for f in feats])


def _weights(y: np.ndarray, power: float) -> np.ndarray:
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    return np.asarray(((len(y) / (len(classes) * counts)) ** power)[inverse], dtype=np.float64)


def _booster(x: np.ndarray, y: np.ndarray, power: float) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=400,
        learning_rate=0.05,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    ).fit(x, y, sample_weight=_weights(y, power))


def _fit_predict_proba(
    model: str, power: float, x_tr: np.ndarray, y: np.ndarray, x_te: np.ndarray
) -> np.ndarray:
    """Probabilities in LABELS order (agree, disagree, discuss, unrelated)."""
    from claimbench.text.stance.corpus import LABELS

    out = np.zeros((len(x_te), 4))
    if model == "one":
        b = _booster(x_tr, y, power)
        raw = b.predict_proba(x_te)
        for j, c in enumerate(b.classes_):
            out[:, LABELS.index(str(c))] = raw[:, j]
        return out
    related = y != "unrelated"
    b1 = _booster(x_tr, np.where(related, "related", "unrelated"), 0.0)
    p_rel = b1.predict_proba(x_te)[:, list(b1.classes_).index("related")]
    b2 = _booster(x_tr[related], y[related], power)
    raw = b2.predict_proba(x_te)
    for j, c in enumerate(b2.classes_):
        out[:, LABELS.index(str(c))] = raw[:, j] * p_rel
    out[:, 3] = 1 - p_rel
    return out


def _decide(proba: np.ndarray, mult: float, shift: str = "all") -> list[str]:
    """Argmax after the ``disagree`` prior shift by ``mult`` that ``StanceModel.predict_proba`` makes
    (``shift``: ``all`` or ``related``, :func:`~claimbench.text.stance.model.shift_disagree`)."""
    from claimbench.text.stance.corpus import LABELS
    from claimbench.text.stance.model import shift_disagree

    scaled = shift_disagree(proba.copy(), mult, shift)
    return [LABELS[int(i)] for i in scaled.argmax(axis=1)]


def _score(gold: list[str], pred: list[str]) -> dict[str, Any]:
    from claimbench.scoring.metrics import classification_report, fnc1_score
    from claimbench.text.stance.corpus import LABELS

    report = classification_report(gold, pred, LABELS)
    return {
        "fnc": fnc1_score(gold, pred).percent,
        "macro": report.macro_f1,
        "f1": {label: s.f1 for label, s in report.per_label.items()},
    }


def _load(caches: list[Path]) -> dict[str, Any]:
    z: dict[str, Any] = {}
    for cache in caches:
        z.update(np.load(cache))
    return z


def _eval(cache: list[Path], configs: list[str]) -> None:
    z = _load(cache)
    y, gold = z["y_tr"], z["y_dev"].tolist()
    for config in configs:
        feats, model, power, mult = _parse_config(config)
        t0 = time.perf_counter()
        proba = _fit_predict_proba(model, power, _matrix(z, feats, "tr"), y, _matrix(z, feats, "dev"))
        s = _score(gold, _decide(proba, mult))
        f1 = " / ".join(f"{s['f1'][c]:.3f}" for c in ("agree", "disagree", "discuss", "unrelated"))
        print(
            f"DEV {config:<40} FNC {s['fnc']:.2f}  macro-F1 {s['macro']:.3f}  F1 a/d/d/u {f1}"
            f"  ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )


def _cv(cache: list[Path], config: str, folds: int, scales: list[float], shifts: list[str]) -> None:
    from sklearn.model_selection import GroupKFold

    z = _load(cache)
    y, groups = z["y_tr"], z["g_tr"]
    feats, model, power, _ = _parse_config(config)
    x = _matrix(z, feats, "tr")
    proba = np.zeros((len(y), 4))
    for fit_idx, test_idx in GroupKFold(n_splits=folds).split(x, y, groups):
        proba[test_idx] = _fit_predict_proba(model, power, x[fit_idx], y[fit_idx], x[test_idx])
    folds_of = np.zeros(len(y), dtype=int)
    for k, (_, test_idx) in enumerate(GroupKFold(n_splits=folds).split(x, y, groups)):
        folds_of[test_idx] = k
    for shift in shifts:
        best = (-1.0, 1.0)
        name = "" if shift == "all" else f" ({shift} only)"
        for mult in scales:
            pred = np.asarray(_decide(proba, mult, shift))
            scores = [_score(y[folds_of == k].tolist(), pred[folds_of == k].tolist()) for k in range(folds)]
            macro = float(np.mean([s["macro"] for s in scores]))
            fnc = float(np.mean([s["fnc"] for s in scores]))
            dis = float(np.mean([s["f1"]["disagree"] for s in scores]))
            print(
                f"CV {config} x{mult}{name}: mean FNC {fnc:.2f} macro-F1 {macro:.4f} disagree F1 {dis:.3f}",
                flush=True,
            )
            best = max(best, (macro, mult))
        print(f"CV best disagree multiplier{name} for {config}: {best[1]} (mean macro-F1 {best[0]:.4f})")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["prep", "prep-contrast", "eval", "cv"])
    parser.add_argument("configs", nargs="*")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, action="append", required=True, help="npz file(s)")
    parser.add_argument(
        "--linear-groups",
        default="rumour",
        help="comma-separated fold groupings of the linear OOF probabilities: rumour, bodyrumour, body",
    )
    parser.add_argument("--linear-only", action="store_true", help="prep: only the linear probabilities")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument(
        "--scales",
        default="0.5,0.75,1,1.25,1.5,2,2.5,3,4",
        help="cv: comma-separated disagree multipliers to try",
    )
    parser.add_argument(
        "--shifts",
        default="all",
        help="cv: comma-separated disagree_shift values (all: the whole row; related: related pairs only)",
    )
    args = parser.parse_intermixed_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    sys.path.insert(0, str(REPO / "toolkit"))
    if args.action == "prep":
        if not (args.data / "train_stances.csv").is_file():
            print(f"FNC-1 data not found under {args.data}", file=sys.stderr)
            return 2
        _prep(args.data, args.cache[0], args.linear_groups.split(","), args.linear_only)
    elif args.action == "prep-contrast":
        _prep_contrast(args.data, args.cache[0], args.cache[1])
    elif args.action == "eval":
        _eval(args.cache, args.configs)
    else:
        for config in args.configs:
            scales = [float(v) for v in args.scales.split(",")]
            _cv(args.cache, config, args.folds, scales, args.shifts.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
