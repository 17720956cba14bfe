"""Train the FNC-1 stance model on the training part of a body-disjoint split and score it on dev.

What it does
    Reads ``train_bodies.csv`` / ``train_stances.csv`` from ``--data``, splits them by body with
    :func:`claimbench.stance.data.split_by_body` (body ids in bodies-file order, shuffled with
    ``random.Random(1489)``, first 80 % train -- the official FNC-1 baseline's hold-out split),
    fits :class:`claimbench.stance.model.StanceModel` on the train part, and prints for the dev
    part: the FNC-1 weighted score (raw, maximum, percent), macro-F1, per-class P/R/F1, the
    confusion matrix, and the same for the rule-based scorer.  The model is written with skops to
    ``--out`` together with metadata (data sha256, parameters, split, scores, library versions).

Usage::

    PYTHONPATH=toolkit python benchmarks/train_stance.py [--data DIR] [--out PATH] [--threads N]

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
    return parser.parse_args(argv)


def _print_scores(title: str, gold: list[str], pred: list[str]) -> dict[str, Any]:
    from claimbench.metrics import classification_report, fnc1_score
    from claimbench.stance.data import LABELS

    fnc = fnc1_score(gold, pred)
    report = classification_report(gold, pred, LABELS)
    print(f"\n== {title} ==")
    print(f"FNC-1 score: {fnc.raw:.2f} / {fnc.maximum:.2f} = {fnc.percent:.2f}%")
    print(f"macro-F1: {report.macro_f1:.4f}   accuracy: {report.accuracy:.4f}")
    print(f"{'class':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}")
    for s in report.per_label:
        print(f"{s.label:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:6d}")
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
            s.label: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "n": s.support}
            for s in report.per_label
        },
        "confusion": [list(row) for row in report.confusion],
    }


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate, save; returns the process exit status."""
    args = _parse(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    sys.path.insert(0, str(REPO / "toolkit"))

    from claimbench.stance.data import attach_bodies, read_fnc1, sha256_file, split_by_body
    from claimbench.stance.model import build_model, save
    from claimbench.stance.rules import build_rules

    bodies_csv = args.data / "train_bodies.csv"
    stances_csv = args.data / "train_stances.csv"
    if not bodies_csv.is_file() or not stances_csv.is_file():
        print(f"FNC-1 data not found under {args.data}", file=sys.stderr)
        return 2
    bodies, stances = read_fnc1(bodies_csv, stances_csv)
    train, dev = split_by_body(bodies, stances, dev_fraction=args.dev_fraction, seed=args.seed)
    print(
        f"split (seed {args.seed}, dev fraction {args.dev_fraction}): "
        f"train {len(train)} pairs / {train['Body ID'].nunique()} bodies, "
        f"dev {len(dev)} pairs / {dev['Body ID'].nunique()} bodies"
    )
    train_h, train_b = attach_bodies(bodies, train)
    dev_h, dev_b = attach_bodies(bodies, dev)

    model = build_model()
    start = time.perf_counter()
    model.fit(train_h, train_b, train["Stance"].tolist(), groups=train["Body ID"].tolist())
    train_seconds = time.perf_counter() - start
    print(f"training wall time: {train_seconds:.1f} s ({args.threads} thread(s))")

    gold = dev["Stance"].tolist()
    model_scores = _print_scores("StanceModel on dev", gold, model.predict(dev_h, dev_b))
    rule_scores = _print_scores("RuleBasedScorer on dev", gold, build_rules().predict(dev_h, dev_b))

    metadata = {
        "task": "FNC-1 stance detection (headline vs body)",
        "data": {
            "train_bodies.csv": sha256_file(bodies_csv),
            "train_stances.csv": sha256_file(stances_csv),
        },
        "split": {
            "method": "body ids in bodies-file order, random.Random(seed).shuffle, first part train",
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
