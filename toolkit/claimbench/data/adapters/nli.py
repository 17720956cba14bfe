"""SNLI / MultiNLI pairs (Bowman et al., 2015; Williams et al., 2018): a premise against a hypothesis.

Each row (``sentence1``, ``sentence2``, ``label``) becomes a claim-vs-claim
:class:`~claimbench.records.Relation` from the premise to the hypothesis, labelled entailment→agree,
contradiction→disagree, neutral→discuss (:data:`claimbench.data.adapters.labels.LABEL_MAPS`); rows labelled
``-`` (no annotator majority) are left out. The ``train``/``dev`` split (80/20) is by premise text, so
the hypotheses written for one premise fall on one side.
"""

from __future__ import annotations

from pathlib import Path

from claimbench.data.adapters._pairs import PairFormat, load_pairs
from claimbench.data.adapters.labels import LABEL_MAPS
from claimbench.data.dataset import Dataset

FORMAT = PairFormat(
    prefix="nli",
    source="SNLI 1.0 / MultiNLI 1.0 (Bowman et al., 2015; Williams et al., 2018)",
    first="sentence1",
    second="sentence2",
    label="label",
    labels=LABEL_MAPS["nli"],
    section="body",
    roles=(("nli-premise", "the premise", "other"), ("nli-hypothesis", "the hypothesis", "other")),
    dev_percent=20,
    title="Natural language inference pairs",
    description="Premise-hypothesis pairs of SNLI or MultiNLI.",
    licence={
        "text": "SNLI: CC BY-SA 4.0. MultiNLI: most genres under the OANC's licence, fiction under "
        "permissive licences (see the MultiNLI data description).",
        "annotations": "the releases' gold labels (annotator majority)",
    },
    citation={
        "title": "A large annotated corpus for learning natural language inference",
        "authors": ["Samuel R. Bowman", "Gabor Angeli", "Christopher Potts", "Christopher D. Manning"],
        "year": 2015,
        "sources": [
            "Bowman et al. (2015). EMNLP 2015.",
            "Williams, Nangia & Bowman (2018). A Broad-Coverage Challenge Corpus for Sentence "
            "Understanding through Inference. NAACL-HLT 2018.",
        ],
    },
)


def load(pairs_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read an SNLI or MultiNLI CSV (sentence1, sentence2, label) into a validated :class:`Dataset`."""
    return load_pairs(FORMAT, pairs_csv, split=split)
