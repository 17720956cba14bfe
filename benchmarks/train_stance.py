"""Train the FNC-1 stance model on the training part of a development split and score it on dev.

What it does
    Reads ``train_bodies.csv`` / ``train_stances.csv`` from ``--data``, splits them with
    :func:`claimbench.text.stance.corpus.split_stances` (``--split claim``, the default: disjoint in rumours,
    headlines and bodies, :func:`~claimbench.text.stance.corpus.split_by_claim`; ``--split body``: the
    official
    FNC-1 baseline's body-disjoint hold-out, whose dev headlines nearly all occur in train), prints the
    split's statistics, fits :class:`claimbench.text.stance.model.StanceModel` (``--params`` as JSON) on the
    train part, and prints for the dev part: the FNC-1 weighted score (raw, maximum, percent, with a 95%
    bootstrap interval resampling dev bodies), macro-F1, per-class P/R/F1, the confusion matrix, and the
    same for the rule-based scorer.  The model is written with skops to
    ``--out`` together with metadata (data sha256, parameters, split, scores, library versions).

Usage::

    PYTHONPATH=toolkit python benchmarks/train_stance.py [--data DIR] [--out PATH] [--threads N]
        [--split claim|body] [--params '{"class_weight_power": 1.0}'] [--no-rules]
        [--also-disagree-scale 4.0] [--also-related-disagree-scale 2.0]

The training wall time is measured around ``fit`` only (reading the CSVs takes about a second).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fnc1"
DEFAULT_OUT = REPO / "reports" / "stance" / "fnc1_stance.skops"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="FNC-1 folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="skops file to write")
    parser.add_argument("--dev-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1489)
    parser.add_argument(
        "--threads", type=int, default=2, help="BLAS/OpenMP threads (the booster uses OpenMP)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    parser.add_argument("--split", choices=["claim", "body"], default="claim", help="development split")
    parser.add_argument("--params", default="{}", help="StanceModel parameters, as a JSON object")
    parser.add_argument("--no-rules", action="store_true", help="do not score the rule-based scorer")
    parser.add_argument(
        "--groups",
        choices=["body", "rumour", "bodyrumour"],
        default="body",
        help="folds of the out-of-fold linear probabilities: by body, or by rumour (rumour_groups; "
        "bodyrumour: an unrelated pair goes with its body's rumour)",
    )
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (0: none)")
    parser.add_argument(
        "--also-disagree-scale",
        type=float,
        action="append",
        default=[],
        help="also score the same fitted model with this disagree_scale and disagree_shift='all' (the "
        "whole-row prior shift; repeatable)",
    )
    parser.add_argument(
        "--also-related-disagree-scale",
        type=float,
        action="append",
        default=[],
        help="also score the same fitted model with this disagree_scale and disagree_shift='related' "
        "(the shift within related pairs only, P(unrelated) kept; repeatable)",
    )
    return parser.parse_args(argv)


def _interval(
    gold: list[str], pred: list[str], clusters: list[int], resamples: int
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of FNC %, macro-F1 and disagree F1, resampling dev bodies (seed 0)."""
    import numpy as np

    from claimbench.scoring.metrics import classification_report, fnc1_score
    from claimbench.text.stance.corpus import LABELS

    if resamples <= 0:
        return {}
    rng = np.random.default_rng(0)
    by_body: dict[int, list[int]] = {}
    for i, c in enumerate(clusters):
        by_body.setdefault(c, []).append(i)
    groups = list(by_body.values())
    draws: dict[str, list[float]] = {"fnc_percent": [], "macro_f1": [], "disagree_f1": []}
    for _ in range(resamples):
        rows = [i for g in rng.integers(0, len(groups), len(groups)) for i in groups[g]]
        g, p = [gold[i] for i in rows], [pred[i] for i in rows]
        report = classification_report(g, p, LABELS)
        draws["fnc_percent"].append(fnc1_score(g, p).percent)
        draws["macro_f1"].append(report.macro_f1)
        draws["disagree_f1"].append(report.per_label["disagree"].f1)
    return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in draws.items()}


def _print_scores(
    title: str, gold: list[str], pred: list[str], clusters: list[int] | None = None, resamples: int = 0
) -> dict[str, Any]:
    from claimbench.scoring.metrics import classification_report, fnc1_score
    from claimbench.text.stance.corpus import LABELS

    fnc = fnc1_score(gold, pred)
    report = classification_report(gold, pred, LABELS)
    ci = _interval(gold, pred, clusters, resamples) if clusters is not None else {}
    print(f"\n== {title} ==")
    shown = {k: f" [{lo:.3f}, {hi:.3f}]" for k, (lo, hi) in ci.items()}
    print(
        f"FNC-1 score: {fnc.raw:.2f} / {fnc.maximum:.2f} = {fnc.percent:.2f}%{shown.get('fnc_percent', '')}"
    )
    print(f"macro-F1: {report.macro_f1:.4f}{shown.get('macro_f1', '')}   accuracy: {report.accuracy:.4f}")
    print(f"disagree F1 interval:{shown.get('disagree_f1', ' (not computed)')}")
    print(f"{'class':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}")
    for label, s in report.per_label.items():
        print(f"{label:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:6d}")
    print("confusion (rows gold, columns predicted):")
    print(" " * 10 + "".join(f"{label:>10}" for label in LABELS))
    for label, row in zip(LABELS, report.confusion, strict=True):
        print(f"{label:<10}" + "".join(f"{v:10d}" for v in row))
    return {
        "fnc_raw": fnc.raw,
        "fnc_max": fnc.maximum,
        "fnc_percent": fnc.percent,
        "macro_f1": report.macro_f1,
        "accuracy": report.accuracy,
        "per_class": {
            label: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "n": s.support}
            for label, s in report.per_label.items()
        },
        "confusion": [list(row) for row in report.confusion],
        "intervals_95": ci,
    }


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate, save; returns the process exit status."""
    args = _parse(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    sys.path.insert(0, str(REPO / "toolkit"))

    from claimbench.text.stance.corpus import (
        LABELS,
        attach_bodies,
        read_fnc1,
        sha256_file,
        split_stances,
        split_statistics,
    )
    from claimbench.text.stance.model import build_model, save, shift_disagree
    from claimbench.text.stance.rules import build_rules

    bodies_csv = args.data / "train_bodies.csv"
    stances_csv = args.data / "train_stances.csv"
    if not bodies_csv.is_file() or not stances_csv.is_file():
        print(f"FNC-1 data not found under {args.data}", file=sys.stderr)
        return 2
    bodies, stances = read_fnc1(bodies_csv, stances_csv)
    names = ("train", "dev") if args.split == "claim" else ("train-body", "dev-body")
    train, dev = (
        split_stances(bodies, stances, n, dev_fraction=args.dev_fraction, seed=args.seed) for n in names
    )
    stats = split_statistics(bodies, train, dev)
    print(f"split {args.split} ({names[0]}/{names[1]}, seed {args.seed}, dev fraction {args.dev_fraction}):")
    print(json.dumps(stats, indent=1))
    train_h, train_b = attach_bodies(bodies, train)
    dev_h, dev_b = attach_bodies(bodies, dev)

    params = json.loads(args.params)
    model = build_model(**params)
    print(f"parameters: {params}")
    start = time.perf_counter()
    from claimbench.text.stance.corpus import rumour_groups

    groups = (
        train["Body ID"].tolist()
        if args.groups == "body"
        else rumour_groups(
            train_h,
            train_b,
            train["Stance"].tolist(),
            by="body" if args.groups == "bodyrumour" else "headline",
        )
    )
    print(f"out-of-fold groups: {args.groups} ({len(set(groups))})")
    model.fit(train_h, train_b, train["Stance"].tolist(), groups=groups)
    train_seconds = time.perf_counter() - start
    print(f"training wall time: {train_seconds:.1f} s ({args.threads} thread(s))")

    gold = dev["Stance"].tolist()
    clusters = dev["Body ID"].tolist()
    # the prior shift acts on the probabilities only: score the dev pairs once, unshifted, and decide every
    # shift below (the fitted one first) from that one pass
    fitted_params = {k: model.get_params()[k] for k in ("disagree_scale", "disagree_shift")}
    raw = model.set_params(disagree_scale=1.0).predict_proba(dev_h, dev_b)
    model.set_params(**fitted_params)

    def decided(scale: float, shift: str) -> list[str]:
        return [LABELS[int(i)] for i in shift_disagree(raw.copy(), scale, shift).argmax(axis=1)]

    model_scores = _print_scores(
        f"StanceModel on {names[1]}",
        gold,
        decided(fitted_params["disagree_scale"], fitted_params["disagree_shift"]),
        clusters,
        args.resamples,
    )
    also = [("all", s) for s in args.also_disagree_scale]
    also += [("related", s) for s in args.also_related_disagree_scale]
    for shift, scale in also:
        _print_scores(
            f"StanceModel with disagree_scale={scale}, disagree_shift={shift!r} on {names[1]}",
            gold,
            decided(scale, shift),
            clusters,
            args.resamples,
        )
    rule_scores = (
        {}
        if args.no_rules
        else _print_scores(
            f"RuleBasedScorer on {names[1]}",
            gold,
            build_rules().predict(dev_h, dev_b),
            clusters,
            args.resamples,
        )
    )

    metadata = {
        "task": "FNC-1 stance detection (headline vs body)",
        "data": {
            "train_bodies.csv": sha256_file(bodies_csv),
            "train_stances.csv": sha256_file(stances_csv),
        },
        "split": {
            "name": names[0],
            "method": "rumour-disjoint (claimbench.text.stance.corpus.split_by_claim)"
            if args.split == "claim"
            else "body ids in bodies-file order, random.Random(seed).shuffle, first part train",
            "seed": args.seed,
            "dev_fraction": args.dev_fraction,
            "train_pairs": len(train),
            "dev_pairs": len(dev),
            "train_bodies": int(train["Body ID"].nunique()),
            "dev_bodies": int(dev["Body ID"].nunique()),
        },
        "train_seconds": round(train_seconds, 2),
        "dev_scores": {k: model_scores[k] for k in ("fnc_percent", "macro_f1", "accuracy")},
    }
    stored = save(model, args.out, metadata=metadata)
    print(f"\nmodel saved to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"metadata": stored, "model": model_scores, "rules": rule_scores}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
