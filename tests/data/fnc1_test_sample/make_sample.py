"""Rebuild the stand-in for the FNC-1 competition test files from the training files (deterministic).

The competition test files are not in the project; this sample only lets the tests run
``benchmarks/fnc1-official.toml`` end to end. It picks 3 stance rows per class (12 in all) whose
headline and body are not in ``../fnc1_sample`` (bodies of at most 1,200 characters, visited in an order
fixed by ``random.Random(20170615)``), plus one related row whose headline *is* in ``../fnc1_sample``
with another body (so the run has a contamination figure to report). Bodies are renumbered with the
sample's own Body IDs, as the real test file reuses numbers the training file also uses, so ids made
from numbers would collide. Writes ``competition_test_bodies.csv`` and ``competition_test_stances.csv``.

Usage::

    python tests/data/fnc1_test_sample/make_sample.py [FNC1_DIR]
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAIN_SAMPLE = HERE.parent / "fnc1_sample"
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "fnc1"
PER_CLASS = 3
MAX_BODY_CHARS = 1200
LABELS = ("agree", "disagree", "discuss", "unrelated")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(source: Path) -> None:
    """Write the sample files next to this script."""
    bodies = {int(r["Body ID"]): r["articleBody"] for r in _rows(source / "train_bodies.csv")}
    stances = [(r["Headline"], int(r["Body ID"]), r["Stance"]) for r in _rows(source / "train_stances.csv")]
    sample_ids = [int(r["Body ID"]) for r in _rows(TRAIN_SAMPLE / "train_bodies.csv")]
    sample_heads = {r["Headline"] for r in _rows(TRAIN_SAMPLE / "train_stances.csv")}
    sample_texts = {bodies[b] for b in sample_ids}
    order = sorted(b for b, t in bodies.items() if len(t) <= MAX_BODY_CHARS and t not in sample_texts)
    random.Random(20170615).shuffle(order)
    rank = {b: i for i, b in enumerate(order)}
    fresh = sorted((r for r in stances if r[1] in rank), key=lambda r: (rank[r[1]], r[0], r[2]))
    counts = dict.fromkeys(LABELS, 0)
    chosen: list[tuple[str, int, str]] = []
    heads: set[str] = set()
    for row in fresh:
        if row[0] not in sample_heads and row[0] not in heads and counts[row[2]] < PER_CLASS:
            chosen.append(row)
            counts[row[2]] += 1
            heads.add(row[0])
    seen = next(r for r in fresh if r[0] in sample_heads and r[2] != "unrelated")
    chosen.append(seen)
    used = sorted({r[1] for r in chosen}, key=lambda b: rank[b])
    number = dict(zip(used, sample_ids, strict=False))
    if len(number) < len(used):
        raise SystemExit(f"need {len(used)} Body IDs, the train sample has {len(sample_ids)}")
    with (HERE / "competition_test_bodies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows([number[b], bodies[b]] for b in used)
    with (HERE / "competition_test_stances.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows([h, number[b], s] for h, b, s in chosen)
    print(f"{len(chosen)} stance rows, {len(used)} bodies, per class {counts} + 1 seen headline")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
