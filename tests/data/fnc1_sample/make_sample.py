"""Rebuild this folder's FNC-1 sample from the full training files (deterministic).

Picks 10 stance rows per class (40 in all) from bodies of at most 1,200 characters, at most
three rows per body, visiting bodies in an order fixed by ``random.Random(20170601)``; writes
``train_bodies.csv`` (only the bodies used, text unchanged) and ``train_stances.csv``.

Usage::

    python tests/data/fnc1_sample/make_sample.py [FNC1_DIR]
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "fnc1"
PER_CLASS = 10
PER_BODY = 3
MAX_BODY_CHARS = 1200
LABELS = ("agree", "disagree", "discuss", "unrelated")


def main(source: Path) -> None:
    """Write the sample files next to this script."""
    with (source / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = [(int(r["Body ID"]), r["articleBody"]) for r in csv.DictReader(handle)]
    with (source / "train_stances.csv").open(encoding="utf-8", newline="") as handle:
        stances = [(r["Headline"], int(r["Body ID"]), r["Stance"]) for r in csv.DictReader(handle)]
    by_body: dict[int, list[tuple[str, int, str]]] = {}
    for row in stances:
        by_body.setdefault(row[1], []).append(row)
    candidates = [(b, t) for b, t in bodies if len(t) <= MAX_BODY_CHARS]
    random.Random(20170601).shuffle(candidates)
    counts = dict.fromkeys(LABELS, 0)
    chosen: list[tuple[str, int, str]] = []
    used: dict[int, str] = {}
    for body_id, text in candidates:
        taken = 0
        for row in sorted(by_body.get(body_id, []), key=lambda r: (LABELS.index(r[2]), r[0])):
            if counts[row[2]] < PER_CLASS and taken < PER_BODY:
                chosen.append(row)
                counts[row[2]] += 1
                taken += 1
                used[body_id] = text
        if all(n == PER_CLASS for n in counts.values()):
            break
    with (HERE / "train_bodies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        for body_id, text in bodies:
            if body_id in used:
                writer.writerow([body_id, text])
    with (HERE / "train_stances.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(chosen)
    print(f"{len(chosen)} stance rows, {len(used)} bodies, per class {counts}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
