"""Blends of the shipped claim-pair SVM with a second linear model, on development data only (issue 14).

Fits the shipped configuration (``claimbench.train.claims``: train parts, weights, made-up unrelated
pairs, ``PARAMS``), then on the same feature matrix a multinomial logistic regression (balanced class
weights) on all columns (``C`` 0.5 and 2) and one on the dense columns only, and scores
``(1 - w) * p_svm + w * p_other`` (the ``unrelated`` offset already in ``p_svm``; the other model's
``unrelated`` log-probability lowered by the same offset) for a few ``w`` on ``DEV_PARTS``. Prints
Markdown rows (accuracy / macro-F1 / disagree F1 per dev part, mean of the three goal figures). Never
reads the Mosul relations.

Usage::

    python benchmarks/claim_stance_blend.py [--data ../shared/data]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from claimbench.records import STANCE_LABELS  # noqa: E402
from claimbench.text.stance.claim_model import ClaimStanceModel, _softmax  # noqa: E402
from claimbench.text.stance.pairs import pair_list  # noqa: E402
from claimbench.train import claims  # noqa: E402


def _scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    present = [label for label in STANCE_LABELS if label in set(gold)]
    return {
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, labels=present, average="macro")),
        "disagree_f1": float(f1_score(gold, predicted, labels=["disagree"], average="macro")),
    }


def _other_proba(model: Any, x: Any, offset: float) -> NDArray[np.float64]:
    logp = np.asarray(model.predict_log_proba(x))
    labels = [str(label) for label in model.classes_]
    if "unrelated" in labels:
        logp[:, labels.index("unrelated")] -= offset
    return _softmax(logp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=claims.DEFAULT_DATA)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    first, second, labels, weights, _ = claims.training_pairs(args.data)
    svm = ClaimStanceModel(**claims.PARAMS).fit(first, second, labels, sample_weight=weights)
    features = svm.features_
    x = features.transform(pair_list(first, second))
    y = np.asarray(labels)
    w = np.asarray(weights)
    dense = x.shape[1] - features.hash_features
    others = {
        "LR C=0.5 all columns": (LogisticRegression(C=0.5, class_weight="balanced", max_iter=2000), None),
        "LR C=2 all columns": (LogisticRegression(C=2.0, class_weight="balanced", max_iter=2000), None),
        "LR C=1 dense columns only": (
            LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000),
            dense,
        ),
    }
    for model, cols in others.values():
        model.fit(x if cols is None else x[:, :cols], y, sample_weight=w)
    print(f"fitted in {time.perf_counter() - started:.0f} s", flush=True)
    dev = {}
    for adapter, name, split in claims.DEV_PARTS:
        a, b, gold = claims.pairs_of(claims._open(args.data, adapter, name, split))
        xd = features.transform(pair_list(a, b))
        dev[f"{name}:{split}"] = (gold, svm._raw_proba(xd), xd)
    classes = [str(label) for label in svm.linear_.classes_]
    offset = svm.unrelated_offset
    print("| blend | " + " | ".join(dev) + " | goal mean |")
    print("|---" * (len(dev) + 2) + "|")
    for other_name, (model, cols) in others.items():
        assert [str(c) for c in model.classes_] == classes
        for share in (0.0, 0.25, 0.5, 0.75, 1.0):
            cells, goal = [], []
            for i, (gold, p_svm, xd) in enumerate(dev.values()):
                p = (1 - share) * p_svm + share * _other_proba(
                    model, xd if cols is None else xd[:, :cols], offset
                )
                s = _scores(gold, [classes[k] for k in p.argmax(axis=1)])
                cells.append(f"{s['accuracy']:.3f}/{s['macro_f1']:.3f}/{s['disagree_f1']:.3f}")
                if i < 3:
                    goal.append(s["macro_f1"] if i == 1 else s["accuracy"])
            print(
                f"| SVM ×{1 - share:.2f} + {other_name} ×{share:.2f} | "
                + " | ".join(cells)
                + f" | {sum(goal) / 3:.4f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
