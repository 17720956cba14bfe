"""What each claim-pair feature family adds, on development data only.

Fits the shipped model's configuration (``claimbench.train.claims``: same train parts and
weights, same made-up unrelated pairs, same parameters) once with its families, once without each of
them in turn, once with each family it leaves out added (``similarity``, its word vectors learned from
the train texts and FNC-1's training bodies) and once with the lexical block alone, then scores each
on the dev parts (``DEV_PARTS``: Emergent ``dev``, Perspectrum ``dev.csv``, SNLI and MultiNLI-matched
``dev`` parts). Never reads the Mosul relations. Prints a Markdown table of accuracy, macro-F1 (over
the labels each part has) and disagree F1.

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
from claimbench.text.stance.pairs import DEFAULT_FAMILIES, FAMILIES  # noqa: E402
from claimbench.train.claims import (  # noqa: E402
    DEFAULT_DATA,
    PARAMS,
    dev_scores,
    training_pairs,
    vector_corpus,
)


def variants() -> dict[str, tuple[str, ...]]:
    """``all`` (the shipped families), ``-FAMILY`` for each of them, ``+FAMILY`` for each family the
    shipped model leaves out (``similarity``), and ``lexical only``."""
    out = {"all": DEFAULT_FAMILIES}
    out.update({f"-{f}": tuple(x for x in DEFAULT_FAMILIES if x != f) for f in DEFAULT_FAMILIES})
    out.update(
        {
            f"+{f}": tuple(x for x in FAMILIES if x in DEFAULT_FAMILIES or x == f)
            for f in FAMILIES
            if f not in DEFAULT_FAMILIES
        }
    )
    out["lexical only"] = ("lexical",)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", help="comma-separated variant names (default: all of them)")
    args = parser.parse_args(argv)
    first, second, labels, weights, _ = training_pairs(args.data)
    corpus = vector_corpus(args.data)  # read only by the families with word vectors
    chosen = variants()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    print(f"train pairs {len(labels)}; columns: accuracy / macro-F1 / disagree F1 per dev part", flush=True)
    header_done = False
    for label, families in chosen.items():
        started = time.perf_counter()
        model = ClaimStanceModel(**{**PARAMS, "families": families}).fit(
            first, second, labels, sample_weight=weights, corpus=corpus
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
