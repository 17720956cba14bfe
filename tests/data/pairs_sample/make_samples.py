"""Rebuild this folder's Emergent, Perspectrum and SNLI samples from the shared files (deterministic).

For each corpus: visit claim (or premise) groups in an order fixed by ``random.Random(20161101)``, take
at most three rows per group, until each label has ``PER_LABEL`` rows; NLI also keeps two rows labelled
``-`` (no annotator majority), which the adapter leaves out. Rows are copied unchanged, columns and all.

Usage::

    python tests/data/pairs_sample/make_samples.py [SHARED_DATA_DIR]   # default ../shared/data
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data"
PER_LABEL = 12
PER_GROUP = 3
CORPORA = (  # output, input, group column, label column, extra labels kept
    ("emergent.csv", "emergent/train.csv", "claimHeadline", "articleHeadlineStance", ()),
    ("perspectrum.csv", "perspectrum/dev.csv", "claim", "stance", ()),
    ("snli.csv", "nli/snli_1.0_dev.csv", "sentence1", "label", ("-",)),
)


def sample(
    rows: list[dict[str, str]], group: str, label: str, extra: tuple[str, ...]
) -> list[dict[str, str]]:
    """Rows in file order: whole-group visits in a seeded order, capped per label and per group."""
    groups = sorted({r[group] for r in rows})
    random.Random(20161101).shuffle(groups)
    order = {g: i for i, g in enumerate(groups)}
    labels = sorted({r[label] for r in rows} - set(extra))
    quota = {lab: PER_LABEL for lab in labels} | {lab: 2 for lab in extra}
    taken: dict[str, int] = {}
    chosen: list[int] = []
    for i in sorted(range(len(rows)), key=lambda i: order[rows[i][group]]):
        r = rows[i]
        if quota.get(r[label], 0) > 0 and taken.get(r[group], 0) < PER_GROUP:
            quota[r[label]] -= 1
            taken[r[group]] = taken.get(r[group], 0) + 1
            chosen.append(i)
        if not any(quota.values()):
            break
    return [rows[i] for i in sorted(chosen)]


def main(source: Path) -> None:
    """Write the sample files next to this script."""
    for out, name, group, label, extra in CORPORA:
        with (source / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        with (HERE / out).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(sample(rows, group, label, extra))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
