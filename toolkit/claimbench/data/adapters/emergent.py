"""Emergent (Ferreira & Vlachos, 2016): a rumoured claim against a news headline about it.

Each row of the cleaned Emergent CSV (``claimHeadline``, ``articleHeadline``, ``articleHeadlineStance``)
becomes a claim-vs-claim :class:`~claimbench.records.Relation` from the claim to the headline, labelled
for→agree, against→disagree, observing→discuss (:data:`claimbench.data.adapters.labels.LABEL_MAPS`). The
``train``/``dev`` split (80/20) is by claim text, so a claim and all its headlines fall on one side.
"""

from __future__ import annotations

from pathlib import Path

from claimbench.data.adapters._pairs import PairFormat, load_pairs
from claimbench.data.adapters.labels import LABEL_MAPS
from claimbench.data.dataset import Dataset

FORMAT = PairFormat(
    prefix="emergent",
    source="Emergent (Ferreira & Vlachos, 2016)",
    first="claimHeadline",
    second="articleHeadline",
    label="articleHeadlineStance",
    labels=LABEL_MAPS["emergent"],
    section="headline",
    roles=(
        ("emergent-claim", "the rumoured claim", "other"),
        ("emergent-headline", "a news headline", "newspaper"),
    ),
    dev_percent=20,
    title="Emergent claim-headline stance",
    description="Rumoured claims against news headlines about them, from Emergent.",
    licence={
        "text": "No licence is stated by the source (Ferreira & Vlachos, built from Craig Silverman's "
        "Emergent project); provided for research, with the citation.",
        "annotations": "Emergent stance labels, as published",
    },
    citation={
        "title": "Emergent: a novel data-set for stance classification",
        "authors": ["William Ferreira", "Andreas Vlachos"],
        "year": 2016,
        "sources": ["Ferreira & Vlachos (2016). NAACL-HLT 2016, pages 1163-1168."],
    },
)


def load(pairs_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read an Emergent CSV (e.g. the authors' training part) into a validated :class:`Dataset`."""
    return load_pairs(FORMAT, pairs_csv, split=split)
