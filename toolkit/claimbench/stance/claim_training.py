"""Build the shipped claim-pair stance model from the shared corpora, reproducibly.

Usage (from a checkout with ``../shared`` beside it)::

    python -m claimbench.stance.claim_training [--data ../shared/data] [--out PATH]

It reads the train parts through the adapters (so the splits are exactly the ones scored): Emergent
``train.csv`` split ``train`` (weighted ``EMERGENT_REPEAT`` times), Perspectrum ``train.csv`` (the
authors' train split) and the SNLI dev file's ``train`` part (split by premise); MultiNLI is left out
(measured: it lowers the dev scores of the other corpora). The archive's metadata records every file's
SHA-256, the split and the number of pairs taken from it, the parameters and library versions, and the
dev scores on the parts it was not fitted on. Nothing here reads the Mosul relations.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench.dataset import Dataset
from claimbench.datasets import open_dataset
from claimbench.records import STANCE_LABELS

from .claim_model import ClaimStanceModel, save
from .data import sha256_file

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
EMERGENT_REPEAT = 3
"""Emergent is small (about 1,650 train pairs) beside the rest; repeating it gives it weight."""

TRAIN_PARTS: tuple[tuple[str, str, str, int], ...] = (
    ("emergent", "emergent/train.csv", "train", EMERGENT_REPEAT),
    ("perspectrum", "perspectrum/train.csv", "all", 1),
    ("nli", "nli/snli_1.0_dev.csv", "train", 1),
)
"""(adapter, file under the data folder, split, repeat) of every part the shipped model is fitted on."""

DEV_PARTS: tuple[tuple[str, str, str], ...] = (
    ("emergent", "emergent/train.csv", "dev"),
    ("perspectrum", "perspectrum/dev.csv", "all"),
    ("nli", "nli/snli_1.0_dev.csv", "dev"),
    ("nli", "nli/multinli_1.0_dev_matched.csv", "dev"),
)
"""Development parts (disjoint in claim texts from the train parts) scored into the metadata."""

PARAMS: dict[str, Any] = {"c": 0.5, "class_weight": "balanced", "hash_features": 2**16, "cross_limit": 6}


def pairs_of(dataset: Dataset) -> tuple[list[str], list[str], list[str]]:
    """(first texts, second texts, labels) of a claim-vs-claim dataset's relations."""
    first, second, labels = [], [], []
    for rel in dataset.relations.values():
        if rel.other_claim_id is None:
            continue
        first.append(dataset.claims[rel.claim_id].text)
        second.append(dataset.claims[rel.other_claim_id].text)
        labels.append(rel.label)
    return first, second, labels


def _open(data: Path, adapter: str, name: str, split: str) -> Dataset:
    return open_dataset(None, adapter, {"pairs": str(data / name), "split": split})


def dev_scores(model: ClaimStanceModel, data: Path) -> dict[str, dict[str, float]]:
    """Accuracy, macro-F1 over the labels each part has, and disagree F1 on :data:`DEV_PARTS`."""
    from sklearn.metrics import accuracy_score, f1_score

    out = {}
    for adapter, name, split in DEV_PARTS:
        if not (data / name).is_file():
            continue
        first, second, gold = pairs_of(_open(data, adapter, name, split))
        predicted = model.predict(first, second)
        present = [label for label in STANCE_LABELS if label in set(gold)]
        out[f"{name}:{split}"] = {
            "pairs": len(gold),
            "accuracy": round(float(accuracy_score(gold, predicted)), 4),
            "macro_f1": round(float(f1_score(gold, predicted, labels=present, average="macro")), 4),
            "disagree_f1": round(float(f1_score(gold, predicted, labels=["disagree"], average="macro")), 4),
        }
    return out


def train(data: Path, out: Path, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit on :data:`TRAIN_PARTS` under ``data``, save to ``out``, return the stored metadata."""
    started = time.perf_counter()
    first: list[str] = []
    second: list[str] = []
    labels: list[str] = []
    files = []
    for adapter, name, split, repeat in TRAIN_PARTS:
        path = data / name
        a, b, y = pairs_of(_open(data, adapter, name, split))
        first += a * repeat
        second += b * repeat
        labels += y * repeat
        files.append(
            {"file": name, "sha256": sha256_file(path), "split": split, "pairs": len(y), "repeat": repeat}
        )
    chosen = {**PARAMS, **(params or {})}
    model = ClaimStanceModel(**chosen).fit(first, second, labels)
    seconds = round(time.perf_counter() - started, 1)
    metadata = {
        "trained_on": files,
        "train_pairs": len(labels),
        "train_seconds": seconds,
        "dev": dev_scores(model, data),
        "command": "python -m claimbench.stance.claim_training --out " + str(out.name),
    }
    return save(model, out, metadata=metadata)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the model; exit 2 when the data folder is missing."""
    from claimbench.checkers.claim_stance import DEFAULT_MODEL

    parser = argparse.ArgumentParser(prog="python -m claimbench.stance.claim_training", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="where to write the archive")
    args = parser.parse_args(argv)
    missing = [name for _, name, _, _ in TRAIN_PARTS if not (args.data / name).is_file()]
    if missing:
        print(f"error: not under {args.data}: {', '.join(missing)}", file=sys.stderr)
        return 2
    metadata = train(args.data, args.out)
    print(f"trained on {metadata['train_pairs']} pairs in {metadata['train_seconds']} s; saved {args.out}")
    for part, scores in metadata["dev"].items():
        print(f"  dev {part}: {scores}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
