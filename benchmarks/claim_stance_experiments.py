"""Configurations of the claim-pair stance model tried on development data only (claimbench issue 14).

Each configuration is the shipped one (``claimbench.train.claims``: train parts and weights, made-up
unrelated pairs, ``PARAMS``) with some changes (every feature family, ``similarity`` included, unless a
configuration names its families): the ``similarity`` family (word vectors learned at fit
time from the train parts' texts, with or without FNC-1's training bodies), extra MultiNLI train parts at
a low weight, other vector sizes. Fits each on the train parts, scores it on ``DEV_PARTS`` and prints a
Markdown row (accuracy / macro-F1 / disagree F1 per dev part, fit seconds). Never reads the Mosul relations.

Usage::

    python benchmarks/claim_stance_experiments.py [--data ../shared/data] [--only NAME,NAME]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import functools  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from claimbench.text.stance import pairs as pairs_module  # noqa: E402
from claimbench.text.stance.claim_model import ClaimStanceModel  # noqa: E402
from claimbench.text.stance.pairs import FAMILIES  # noqa: E402
from claimbench.text.stance.vectors import learn_vectors  # noqa: E402
from claimbench.train import claims  # noqa: E402

OLD = tuple(f for f in FAMILIES if f != "similarity")
MNLI_M = ("nli", "nli/multinli_1.0_dev_matched.csv", "train")
MNLI_MM = ("nli", "nli/multinli_1.0_dev_mismatched.csv", "all")

MNLI_HALF = [(*MNLI_M, 0.5), (*MNLI_MM, 0.5)]
MNLI_QUARTER = [(*MNLI_M, 0.25), (*MNLI_MM, 0.25)]

CONFIGS: dict[str, tuple[str, dict[str, Any]]] = {
    "shipped": ("shipped configuration", {"params": {"families": OLD}}),
    "sim": ("+similarity (vectors: train texts + FNC-1 bodies, 96 dims)", {"params": {}, "bodies": True}),
    "sim-nobodies": ("+similarity (vectors: train texts only)", {"params": {}, "bodies": False}),
    "sim-weakest": ("+similarity + b's weakest word's vector", {"params": {"weakest": True}, "bodies": True}),
    "sim-products": (
        "+similarity + mean vectors' product and absolute difference",
        {"params": {"products": True}, "bodies": True},
    ),
    "clusters256": (
        "shipped + 256 word clusters in the hashed block",
        {"params": {"families": OLD, "clusters": 256}, "bodies": True},
    ),
    "clusters1000": (
        "shipped + 1000 word clusters in the hashed block",
        {"params": {"families": OLD, "clusters": 1000}, "bodies": True},
    ),
    "sim-clusters256": ("+similarity + 256 clusters", {"params": {"clusters": 256}, "bodies": True}),
    "dense0.5": ("shipped, dense columns ×0.5", {"params": {"families": OLD, "dense_weight": 0.5}}),
    "dense2": ("shipped, dense columns ×2", {"params": {"families": OLD, "dense_weight": 2.0}}),
    "sim-dense0.5": ("+similarity, dense columns ×0.5", {"params": {"dense_weight": 0.5}, "bodies": True}),
    "sim-clusters512": ("+similarity + 512 clusters", {"params": {"clusters": 512}, "bodies": True}),
    "sim-clusters256-seed1": (
        "+similarity + 256 clusters, SVD seed 1 (stability)",
        {"params": {"clusters": 256}, "bodies": True, "seed": 1},
    ),
    "sim-clusters256-seed2": (
        "+similarity + 256 clusters, SVD seed 2 (stability)",
        {"params": {"clusters": 256}, "bodies": True, "seed": 2},
    ),
    "sim-seed1": ("+similarity, SVD seed 1 (stability)", {"params": {}, "bodies": True, "seed": 1}),
    "mnli25-em12": (
        "shipped + MultiNLI ×0.25, Emergent ×12",
        {"params": {"families": OLD}, "extra": MNLI_QUARTER, "emergent_scale": 2},
    ),
    "aligned": (
        "shipped + aligned word pairs in the hashed block",
        {"params": {"families": OLD, "aligned": True}, "bodies": True},
    ),
    "aligned-clusters256": (
        "shipped + aligned word pairs and their 256-cluster pairs",
        {"params": {"families": OLD, "aligned": True, "clusters": 256}, "bodies": True},
    ),
    "sim-aligned": ("+similarity + aligned word pairs", {"params": {"aligned": True}, "bodies": True}),
    "clusters256-em12": (
        "shipped + 256 word clusters, Emergent ×12",
        {"params": {"families": OLD, "clusters": 256}, "bodies": True, "emergent_scale": 2},
    ),
    "aligned-clusters256-em12": (
        "shipped + aligned word pairs and their 256-cluster pairs, Emergent ×12",
        {"params": {"families": OLD, "aligned": True, "clusters": 256}, "bodies": True, "emergent_scale": 2},
    ),
    "sim128": ("+similarity, 128 dims", {"params": {"vector_dim": 128}, "bodies": True}),
    "sim64": ("+similarity, 64 dims", {"params": {"vector_dim": 64}, "bodies": True}),
    "mnli50": ("shipped + MultiNLI m-train, mm ×0.5", {"params": {"families": OLD}, "extra": MNLI_HALF}),
    "mnli25": ("shipped + MultiNLI m-train, mm ×0.25", {"params": {"families": OLD}, "extra": MNLI_QUARTER}),
    "sim-mnli50": ("+similarity + MultiNLI ×0.5", {"params": {}, "bodies": True, "extra": MNLI_HALF}),
    "sim-mnli25": ("+similarity + MultiNLI ×0.25", {"params": {}, "bodies": True, "extra": MNLI_QUARTER}),
    "sim-mnli25-em12": (
        "+similarity + MultiNLI ×0.25, Emergent ×12",
        {"params": {}, "bodies": True, "extra": MNLI_QUARTER, "emergent_scale": 2},
    ),
    "sim-mnli25-em9": (
        "+similarity + MultiNLI ×0.25, Emergent ×9",
        {"params": {}, "bodies": True, "extra": MNLI_QUARTER, "emergent_scale": 1.5},
    ),
}
"""name -> (description, changes to the shipped configuration)."""


def _speed(model: ClaimStanceModel, data: Path) -> str:
    import tempfile

    from claimbench.text.stance.claim_model import save

    first: list[str] = []
    second: list[str] = []
    for adapter, name, split in claims.DEV_PARTS:
        a, b, _ = claims.pairs_of(claims._open(data, adapter, name, split))
        first += a
        second += b
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for i in range(0, len(first), 2000):
            model.predict_proba(first[i : i + 2000], second[i : i + 2000])
        best = min(best, time.process_time() - started)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.skops"
        save(model, path, metadata={})
        size = path.stat().st_size
    return (
        f"{len(first) / best:,.0f} pairs per CPU-second ({len(first)} dev pairs); archive {size / 1e6:.2f} MB"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=claims.DEFAULT_DATA)
    parser.add_argument("--only", help="comma-separated configuration names (default: all)")
    parser.add_argument(
        "--speed",
        action="store_true",
        help="also time predict_proba on the dev pairs (2,000-pair batches, best of 3, CPU seconds) and "
        "the saved archive's size",
    )
    args = parser.parse_args(argv)
    chosen = CONFIGS if not args.only else {k: CONFIGS[k] for k in args.only.split(",")}
    base_parts = claims.TRAIN_PARTS
    header = False
    for name, (description, config) in chosen.items():
        started = time.perf_counter()
        scale = config.get("emergent_scale", 1)
        parts = tuple((a, f, sp, w * scale if a == "emergent" else w) for a, f, sp, w in base_parts)
        claims.TRAIN_PARTS = parts + tuple(config.get("extra", ()))
        first, second, labels, weights, _ = claims.training_pairs(args.data)
        pairs_module.learn_vectors = functools.partial(learn_vectors, seed=config.get("seed", 0))
        corpus = claims.vector_corpus(args.data) if config.get("bodies") else []
        # every family (with ``similarity``) unless the configuration names its families
        model = ClaimStanceModel(**{**claims.PARAMS, "families": FAMILIES, **config["params"]}).fit(
            first, second, labels, sample_weight=weights, corpus=corpus
        )
        fitted = time.perf_counter() - started
        scores = claims.dev_scores(model, args.data)
        if not header:
            print("| configuration | " + " | ".join(scores) + " | fit s |")
            print("|---" * (len(scores) + 2) + "|")
            header = True
        cells = [f"{s['accuracy']:.3f}/{s['macro_f1']:.3f}/{s['disagree_f1']:.3f}" for s in scores.values()]
        goal = [list(scores.values())[i][k] for i, k in ((0, "accuracy"), (1, "macro_f1"), (2, "accuracy"))]
        mean = sum(goal) / 3
        if args.speed:
            print(f"  {name}: {_speed(model, args.data)}", flush=True)
        print(
            f"| {name}: {description} ({len(labels)} pairs) | "
            + " | ".join(cells)
            + f" | {fitted:.0f} | goal mean {mean:.4f}",
            flush=True,
        )
    claims.TRAIN_PARTS = base_parts
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
