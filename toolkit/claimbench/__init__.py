"""claimbench: annotated news claims, pluggable consistency checkers, and a benchmark runner that scores them.

The public API::

    import claimbench
    ds = claimbench.load_dataset("datasets/mosul-2016")
    ds.to_frame("claims")
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from claimbench.errors import ClaimbenchError

if TYPE_CHECKING:
    from claimbench.data.dataset import Dataset, DatasetError, load_dataset, validate_dataset
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

_LAZY: dict[str, str] = {
    **dict.fromkeys(
        ("Dataset", "DatasetError", "load_dataset", "validate_dataset"), "claimbench.data.dataset"
    ),
    **dict.fromkeys(
        (
            "Article",
            "Attribution",
            "Claim",
            "Context",
            "Evidence",
            "GoldLabel",
            "Quantity",
            "Relation",
            "TimeExpression",
            "Verdict",
        ),
        "claimbench.records",
    ),
}
"""Re-exported name → the module that defines it, imported on first use (:func:`__getattr__`).

``import claimbench`` then costs next to nothing, and above all no pandas or scikit-learn: a worker
process, or ``claimbench --help``, imports only what it uses.
"""


def __getattr__(name: str) -> Any:
    """The re-exported ``name``, imported from its module the first time it is asked for (PEP 562)."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'claimbench' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


try:
    __version__ = version("claimbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "Article",
    "Attribution",
    "Claim",
    "ClaimbenchError",
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
