"""Perspectrum (Chen et al., 2019): a debate claim against a perspective that supports or undermines it.

Each row (``claim``, ``perspective``, ``stance``) becomes a claim-vs-claim
:class:`~claimbench.records.Relation` from the claim to the perspective, labelled SUPPORT→agree,
UNDERMINE→disagree (:data:`claimbench.data.adapters.labels.LABEL_MAPS`); the corpus has no ``discuss`` or
``unrelated``, and its macro-F1 averages over agree and disagree only. Its own files are the authors'
claim-disjoint split; ``train``/``dev`` here split one file further by claim text (80/20).
"""

from __future__ import annotations

from pathlib import Path

from claimbench.data.adapters._pairs import PairFormat, load_pairs
from claimbench.data.adapters.labels import LABEL_MAPS
from claimbench.data.dataset import Dataset

FORMAT = PairFormat(
    prefix="perspectrum",
    source="Perspectrum (Chen et al., 2019)",
    first="claim",
    second="perspective",
    label="stance",
    labels=LABEL_MAPS["perspectrum"],
    section="body",
    roles=(
        ("perspectrum-claim", "the debate claim", "other"),
        ("perspectrum-perspective", "a perspective", "other"),
    ),
    dev_percent=20,
    title="Perspectrum claim-perspective stance",
    description="Debate claims against perspectives that support or undermine them, from Perspectrum.",
    licence={
        "text": "CC BY-SA 4.0 (the Perspectrum dataset's licence)",
        "annotations": "Perspectrum stance labels (three-annotator), CC BY-SA 4.0",
    },
    citation={
        "title": "Seeing Things from a Different Angle: Discovering Diverse Perspectives about Claims",
        "authors": ["Sihao Chen", "Daniel Khashabi", "Wenpeng Yin", "Chris Callison-Burch", "Dan Roth"],
        "year": 2019,
        "sources": ["Chen et al. (2019). NAACL-HLT 2019."],
    },
)


def load(pairs_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read a Perspectrum CSV (``train.csv`` or ``dev.csv``) into a validated :class:`Dataset`."""
    return load_pairs(FORMAT, pairs_csv, split=split)
