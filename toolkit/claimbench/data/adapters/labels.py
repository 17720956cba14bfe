"""Native label sets of the external stance corpora and their mapping onto claimbench's stance labels.

This table is the one place the mapping is declared: the adapters read it to label relations, record it in
the dataset's manifest (``label_mapping``), scoring averages macro-F1 over the stance labels it reaches (a
two-label corpus is not penalised for a ``discuss`` column it never uses), and the report prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from claimbench.records import STANCE_LABELS


@dataclass(frozen=True, slots=True)
class LabelMap:
    """A corpus's native labels, which of them are left out, and the stance label each one becomes."""

    name: str
    native: tuple[str, ...]
    mapping: Mapping[str, str]
    skipped: tuple[str, ...] = ()
    """Native values that are not labels (e.g. NLI's ``-``, no annotator majority): such rows are left out."""

    @property
    def stance_labels(self) -> tuple[str, ...]:
        """The stance labels this corpus uses, in :data:`~claimbench.records.STANCE_LABELS` order."""
        used = set(self.mapping.values())
        return tuple(label for label in STANCE_LABELS if label in used)

    def to_json(self) -> dict[str, Any]:
        """The manifest's ``label_mapping`` object."""
        return {
            "name": self.name,
            "native": list(self.native),
            "mapping": dict(self.mapping),
            "skipped": list(self.skipped),
        }

    def describe(self) -> str:
        """``for→agree, against→disagree, …`` for reports and descriptions."""
        return ", ".join(f"{k}→{v}" for k, v in self.mapping.items())


def _map(name: str, mapping: dict[str, str], skipped: tuple[str, ...] = ()) -> LabelMap:
    bad = sorted(set(mapping.values()) - set(STANCE_LABELS))
    if bad:
        raise ValueError(f"{name}: {bad} are not stance labels")
    return LabelMap(name, tuple(mapping), MappingProxyType(mapping), skipped)


LABEL_MAPS: Mapping[str, LabelMap] = MappingProxyType(
    {
        "emergent": _map("emergent", {"for": "agree", "against": "disagree", "observing": "discuss"}),
        "perspectrum": _map("perspectrum", {"SUPPORT": "agree", "UNDERMINE": "disagree"}),
        "nli": _map(
            "nli",
            {"entailment": "agree", "contradiction": "disagree", "neutral": "discuss"},
            skipped=("-",),
        ),
    }
)
"""Corpus (adapter name) → its :class:`LabelMap`."""


def scored_labels(manifest: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The stance labels a dataset's manifest declares through ``label_mapping``; ``None`` when it has none
    (then every stance label counts)."""
    declared = manifest.get("label_mapping")
    if not isinstance(declared, Mapping):
        return None
    used = {str(v) for v in dict(declared.get("mapping", {})).values()}
    return tuple(label for label in STANCE_LABELS if label in used) or None
