"""Training the FNC-1 stance model from the official CSV files, with the provenance a paper needs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from claimbench._io import atomic_path
from claimbench.progress import stage
from claimbench.text.stance.corpus import attach_bodies, read_fnc1, sha256_file, split_stances
from claimbench.text.stance.model import build_model, save


def train_fnc1(
    data: str | Path, out: str | Path, *, split: str = "train", params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Fit a stance model on FNC-1 data in ``data`` (``train_bodies.csv``, ``train_stances.csv``).

    ``split`` is ``train`` (the train part of the rumour-disjoint development split, leaving its dev
    part for evaluation; :func:`~claimbench.text.stance.corpus.split_by_claim`), ``train-body`` (that of the
    old body-disjoint split) or ``all``. The model is saved to ``out`` with skops, atomically, with the data's
    SHA-256, the split, the parameters and the training time; returns that metadata.
    """
    if split not in ("train", "train-body", "all"):
        raise ValueError(f"split must be 'train', 'train-body' or 'all', not {split!r}")
    data = Path(data)
    bodies_csv, stances_csv = data / "train_bodies.csv", data / "train_stances.csv"
    with stage(f"reading {bodies_csv.name} and {stances_csv.name}"):
        bodies, stances = read_fnc1(bodies_csv, stances_csv)
        rows = split_stances(bodies, stances, split)
        headlines, texts = attach_bodies(bodies, rows)
    model = build_model(**(params or {}))
    start = time.perf_counter()
    with stage(f"training the stance model on {len(rows)} pairs ({split})"):
        model.fit(headlines, texts, rows["Stance"].tolist(), groups=rows["Body ID"].tolist())
    seconds = time.perf_counter() - start
    metadata = {
        "task": "FNC-1 stance detection (headline vs body)",
        "data": {"train_bodies.csv": sha256_file(bodies_csv), "train_stances.csv": sha256_file(stances_csv)},
        "split": {
            "name": split,
            "method": {
                "train": "rumours (components of the related-pair graph) shuffled with random.Random(1489), "
                "greedily balanced 80/20; crossing unrelated pairs re-paired within their side",
                "train-body": "body ids in bodies-file order, random.Random(1489).shuffle, first 80% train",
                "all": "every pair",
            }[split],
            "pairs": len(rows),
            "bodies": int(rows["Body ID"].nunique()),
        },
        "train_seconds": round(seconds, 2),
    }
    out = Path(out)
    with stage(f"saving {out.name}"), atomic_path(out) as tmp:
        stored = save(model, tmp, metadata=metadata)
    return stored
