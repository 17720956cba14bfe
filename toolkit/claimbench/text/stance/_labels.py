"""The label check both stance models make before fitting (FNC-1 and claim-pair)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def fit_labels(labels: Sequence[str], n_pairs: int, known: Sequence[str]) -> NDArray[np.str_]:
    """``labels`` as an array, after checking there is one per pair and each is one of ``known``."""
    y = np.asarray([str(label) for label in labels])
    if len(y) != n_pairs:
        raise ValueError(f"{n_pairs} pairs but {len(y)} labels")
    unknown = sorted(set(y.tolist()) - set(known))
    if unknown:
        raise ValueError(f"labels {unknown} not in {list(known)}")
    return y
