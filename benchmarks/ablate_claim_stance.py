"""What each claim-pair feature family adds, on development data only.

Fits the shipped model's configuration (``claimbench.train.claims``: same train parts and
weights, same made-up unrelated pairs, same parameters) once with every family and once without each
family in turn (and with the lexical block alone), then scores each on the dev parts (``DEV_PARTS``:
Emergent ``dev``, Perspectrum ``dev.csv``, SNLI and MultiNLI-matched ``dev`` parts). Never reads the
Mosul relations. Prints a Markdown table of accuracy, macro-F1 (over the labels each part has) and
disagree F1.

Usage::

    python benchmarks/ablate_claim_stance.py [--data ../shared/data] [--only all,-negation,...]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from claimbench.text.stance.claim_model import ClaimStanceModel  # noqa: E402
from claimbench.text.stance.pairs import FAMILIES  # noqa: E402
from claimbench.train.claims import DEFAULT_DATA, PARAMS, dev_scores, training_pairs  # noqa: E402


def variants() -> dict[str, tuple[str, ...]]:
    """``all``, ``-FAMILY`` for each family, and ``lexical only``."""
    out = {"all": FAMILIES}
    out.update({f"-{f}": tuple(x for x in FAMILIES if x != f) for f in FAMILIES})
    out["lexical only"] = ("lexical",)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", help="comma-separated variant names (default: all of them)")
    args = parser.parse_args(argv)
    first, second, labels, weights, _ = training_pairs(args.data)
    chosen = variants()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    print(f"train pairs {len(labels)}; columns: accuracy / macro-F1 / disagree F1 per dev part", flush=True)
    header_done = False
    for label, families in chosen.items():
        started = time.perf_counter()
        model = ClaimStanceModel(**{**PARAMS, "families": families}).fit(
            first, second, labels, sample_weight=weights
        )
        scores = dev_scores(model, args.data)
        if not header_done:
            print("| variant | " + " | ".join(scores) + " | fit+score s |")
            print("|---" * (len(scores) + 2) + "|")
            header_done = True
        cells = [
            f"{s['accuracy']:.3f} / {s['macro_f1']:.3f} / {s['disagree_f1']:.3f}" for s in scores.values()
        ]
        print(f"| {label} | " + " | ".join(cells) + f" | {time.perf_counter() - started:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
