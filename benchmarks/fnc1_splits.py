"""How far apart the old body-disjoint split's score and the rumour-disjoint split's score are.

What it does
    Trains the same :class:`~claimbench.text.stance.model.StanceModel` (``--params``, JSON) twice with
    ``train_stance.py``: on ``train-body`` scored on ``dev-body`` (the FNC-1 baseline's body-disjoint
    hold-out, whose dev headlines nearly all occur in train) and on ``train`` scored on ``dev`` (disjoint
    in rumours, headlines and bodies, the default), printing each split's statistics (pairs, bodies,
    headlines, share of dev headlines seen in train, labels), then a side-by-side table: FNC % of the
    maximum, macro-F1 and per-label F1 with 95% bootstrap intervals (resampling dev bodies), and the gap.

Usage::

    PYTHONPATH=toolkit python benchmarks/fnc1_splits.py [--data DIR] [--threads N] [--params JSON]

Two trainings of the default model take a few minutes each on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import train_stance  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Train and score on both splits; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=train_stance.DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--params", default="{}")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split in ("body", "claim"):
            out = Path(tmp) / f"{split}.json"
            status = train_stance.main(
                ["--data", str(args.data), "--threads", str(args.threads), "--params", args.params,
                 "--split", split, "--no-rules", "--out", str(Path(tmp) / f"{split}.skops"),
                 "--json", str(out)]
            )  # fmt: skip
            if status:
                return status
            results[split] = json.loads(out.read_text())["model"]
    print("\n== same model, both splits ==")
    print(f"{'figure':<14} {'dev-body (old)':>26} {'dev (rumour-disjoint)':>26} {'gap':>8}")
    rows = [("FNC %", "fnc_percent"), ("macro-F1", "macro_f1")]
    for name, key in rows:
        a, b = results["body"][key], results["claim"][key]
        ia, ib = results["body"]["intervals_95"].get(key), results["claim"]["intervals_95"].get(key)
        shown = [f"{v:.3f}" + (f" [{i[0]:.3f}, {i[1]:.3f}]" if i else "") for v, i in ((a, ia), (b, ib))]
        print(f"{name:<14} {shown[0]:>26} {shown[1]:>26} {a - b:8.3f}")
    for label in ("agree", "disagree", "discuss", "unrelated"):
        a = results["body"]["per_class"][label]["f1"]
        b = results["claim"]["per_class"][label]["f1"]
        print(f"{'F1 ' + label:<14} {a:>26.3f} {b:>26.3f} {a - b:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
