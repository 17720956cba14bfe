"""claimbench: annotated news claims, pluggable consistency checkers, and a benchmark runner that scores them.

The public API::

    import claimbench
    ds = claimbench.load_dataset("datasets/mosul-2016")
    ds.to_frame("claims")
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from claimbench.dataset import Dataset, DatasetError, load_dataset, validate_dataset
from claimbench.records import (
    Article,
    Attribution,
    Claim,
    Context,
    Evidence,
    GoldLabel,
    Quantity,
    Relation,
    TimeExpression,
    Verdict,
)

try:
    __version__ = version("claimbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "Article",
    "Attribution",
    "Claim",
    "Context",
    "Dataset",
    "DatasetError",
    "Evidence",
    "GoldLabel",
    "Quantity",
    "Relation",
    "TimeExpression",
    "Verdict",
    "__version__",
    "load_dataset",
    "validate_dataset",
]
