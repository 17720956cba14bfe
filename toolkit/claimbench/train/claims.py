"""Build the shipped claim-pair stance model from the shared corpora, reproducibly.

Usage (from a checkout with ``../shared`` beside it)::

    python -m claimbench.train.claims [--data ../shared/data] [--out PATH]

It reads the train parts through the adapters (so the splits are exactly the ones scored): Emergent
``train.csv`` split ``train`` (each pair weighted ``EMERGENT_REPEAT``), Perspectrum ``train.csv`` (the
authors' train split) and the SNLI dev file's ``train`` part (split by premise); MultiNLI is left out
(measured: it lowers the dev scores of the other corpora). To each part it adds made-up ``unrelated``
pairs (:func:`unrelated_pairs`, from that part's own texts), since no corpus has the label. The
archive's metadata records every file's SHA-256, the split, the number of pairs taken from it and made
up from it, the parameters and library versions, and the dev scores on the parts it was not fitted on.
Nothing here reads the Mosul relations.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench.data.adapters import open_dataset
from claimbench.data.dataset import Dataset
from claimbench.records import STANCE_LABELS
from claimbench.text.stance.claim_model import ClaimStanceModel, save
from claimbench.text.stance.corpus import sha256_file

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
EMERGENT_REPEAT = 6
"""Emergent is small (about 1,650 train pairs) beside the rest; each of its pairs counts this often."""
UNRELATED: dict[str, Any] = {"rate": 0.3, "hard": 0.5, "seed": 13}
"""Made-up unrelated pairs per train part (:func:`unrelated_pairs`): 0.3 times the part's size."""

TRAIN_PARTS: tuple[tuple[str, str, str, int], ...] = (
    ("emergent", "emergent/train.csv", "train", EMERGENT_REPEAT),
    ("perspectrum", "perspectrum/train.csv", "all", 1),
    ("nli", "nli/snli_1.0_dev.csv", "train", 1),
)
"""(adapter, file under the data folder, split, weight) of every part the shipped model is fitted on."""

DEV_PARTS: tuple[tuple[str, str, str], ...] = (
    ("emergent", "emergent/train.csv", "dev"),
    ("perspectrum", "perspectrum/dev.csv", "all"),
    ("nli", "nli/snli_1.0_dev.csv", "dev"),
    ("nli", "nli/multinli_1.0_dev_matched.csv", "dev"),
)
"""Development parts (disjoint in claim texts from the train parts) scored into the metadata."""

PARAMS: dict[str, Any] = {
    "classifier": "svm",
    "c": 0.1,
    "class_weight": "balanced",
    "hash_features": 2**16,
    "cross_limit": 6,
    "bigrams": True,
    "unrelated_offset": 1.0,
}
"""The shipped configuration, chosen on the dev parts (benchmarks/RESULTS.md lists every one tried)."""


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


def unrelated_pairs(
    first: Sequence[str],
    second: Sequence[str],
    *,
    rate: float,
    seed: int,
    hard: float = 0.5,
    candidates: int = 8,
) -> tuple[list[str], list[str]]:
    """Made-up ``unrelated`` pairs: a first text with a second text of another first text.

    None of the corpora has the label, so the model would never say it. For about ``rate`` times as many
    pairs as given, a first text is drawn and joined to a second text from a pair with a different first
    text (another rumour, debate claim or premise) of the same corpus: a share ``hard`` of them the one
    among ``candidates`` random draws that shares the most content words with it (hard negatives: topic
    words in common, no stance), the rest a plain random draw. Deterministic for a given ``seed``; apply
    it to train and dev parts separately so that no text crosses the split.
    """
    import random

    from claimbench.text.stance.pairs import _Side

    groups = sorted(set(first))
    if len(groups) < 2 or rate <= 0:
        return [], []
    rng = random.Random(seed)
    stems = {text: _Side(text).content for text in set(first) | set(second)}
    real = set(zip(first, second, strict=True))
    out_a: list[str] = []
    out_b: list[str] = []
    for _ in range(round(rate * len(first))):
        a = rng.choice(groups)
        draws = [
            j
            for j in (rng.randrange(len(second)) for _ in range(candidates))
            if first[j] != a and (a, second[j]) not in real
        ]
        if not draws:
            continue
        pick_hard = rng.random() < hard
        j = max(draws, key=lambda k: len(stems[a] & stems[second[k]])) if pick_hard else draws[0]
        out_a.append(a)
        out_b.append(second[j])
    return out_a, out_b


VECTOR_CORPUS = "fnc1/train_bodies.csv"
"""Unlabelled news text the ``similarity`` family's word vectors also learn from (FNC-1's training
bodies: not a dev part of this model); read when present."""


def vector_corpus(data: Path) -> list[str]:
    """The article bodies of :data:`VECTOR_CORPUS` under ``data`` (empty when the file is missing)."""
    import pandas as pd

    path = data / VECTOR_CORPUS
    if not path.is_file():
        return []
    return [str(t) for t in pd.read_csv(path, dtype=str, keep_default_na=False)["articleBody"]]


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


def training_pairs(
    data: Path, unrelated: dict[str, Any] | None = None
) -> tuple[list[str], list[str], list[str], list[float], list[dict[str, Any]]]:
    """(first texts, second texts, labels, weights, per-file records) of :data:`TRAIN_PARTS`, each part
    with its made-up unrelated pairs (``unrelated``: :func:`unrelated_pairs` settings, default
    :data:`UNRELATED`; ``{"rate": 0}`` for none)."""
    settings = {**UNRELATED, **(unrelated or {})}
    first: list[str] = []
    second: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    files = []
    for adapter, name, split, weight in TRAIN_PARTS:
        a, b, y = pairs_of(_open(data, adapter, name, split))
        ua, ub = unrelated_pairs(a, b, rate=settings["rate"], seed=settings["seed"], hard=settings["hard"])
        first += a + ua
        second += b + ub
        labels += y + ["unrelated"] * len(ua)
        weights += [float(weight)] * (len(y) + len(ua))
        files.append(
            {
                "file": name,
                "sha256": sha256_file(data / name),
                "split": split,
                "pairs": len(y),
                "unrelated_pairs": len(ua),
                "weight": weight,
            }
        )
    return first, second, labels, weights, files


def uses_vectors(params: dict[str, Any]) -> bool:
    """Whether a model with these parameters learns word vectors (and so reads :data:`VECTOR_CORPUS`)."""
    model = ClaimStanceModel(**params)
    return "similarity" in model.families or bool(model.clusters) or model.aligned


def train(data: Path, out: Path, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit on :data:`TRAIN_PARTS` under ``data``, save to ``out``, return the stored metadata."""
    started = time.perf_counter()
    first, second, labels, weights, files = training_pairs(data)
    chosen = {**PARAMS, **(params or {})}
    vectors = uses_vectors(chosen)
    corpus = vector_corpus(data) if vectors else []
    model = ClaimStanceModel(**chosen).fit(first, second, labels, sample_weight=weights, corpus=corpus)
    seconds = round(time.perf_counter() - started, 1)
    extra: dict[str, Any] = {}
    if vectors and corpus:
        extra["vector_corpus"] = {
            "file": VECTOR_CORPUS,
            "sha256": sha256_file(data / VECTOR_CORPUS),
            "texts": len(corpus),
        }
    metadata = {
        **extra,
        "trained_on": files,
        "train_pairs": len(labels),
        "unrelated": UNRELATED,
        "train_seconds": seconds,
        "dev": dev_scores(model, data),
        "command": "python -m claimbench.train.claims --out " + str(out.name),
    }
    return save(model, out, metadata=metadata)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the model; exit 2 when the data folder is missing."""
    from claimbench.text.stance import SHIPPED_CLAIM_MODEL

    parser = argparse.ArgumentParser(prog="python -m claimbench.train.claims", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=SHIPPED_CLAIM_MODEL, help="where to write the archive")
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
