"""FNC-1 (Fake News Challenge stage 1) stance data as a claimbench dataset.

Mapping: each article body → an :class:`~claimbench.records.Article` (``fnc1-body-<Body ID>``); each
distinct headline → a standalone :class:`~claimbench.records.Claim` (``fnc1-h-<hash>``, the same id in
every split); each stance row → a :class:`~claimbench.records.Relation` from the headline claim to the body
(``other_article_id``) with the FNC-1 label. Splits are body-disjoint, as FNC-1 made its own: the official
baseline's ``generate_hold_out_split`` (bodies in file order, ``random.Random(1489)``, 80/20).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from claimbench.dataset import Dataset
from claimbench.datasets import build
from claimbench.records import Article, Claim, Provenance, Relation
from claimbench.stance.data import read_fnc1, sha256_file, split_body_ids

SPLITS = ("all", "train", "dev")
SOURCE = "FNC-1 (Pomerleau & Rao, 2017)"


def headline_id(headline: str) -> str:
    """A stable claim id for a headline: the same text gets the same id in every split and file."""
    return "fnc1-h-" + hashlib.sha1(headline.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def _split_digest(file_sha256: str, split: str) -> str:
    """The file's SHA-256 for the whole data; for a split, a digest of it and the split's name, so that
    train and dev never share a checksum (the runner's fit/evaluate guard relies on that)."""
    if split == "all":
        return file_sha256
    return hashlib.sha256(f"{file_sha256}:{split}:seed=1489:dev=0.2".encode()).hexdigest()


def load(bodies_csv: str | Path, stances_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read the official FNC-1 CSV files into a validated :class:`Dataset`.

    ``split`` is ``all``, or ``train``/``dev`` of the body-disjoint 80/20 development split. Raises
    :class:`~claimbench.stance.data.FNC1DataError` for unreadable files and
    :class:`~claimbench.dataset.DatasetError` for records that break the schemas.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    bodies_csv, stances_csv = Path(bodies_csv), Path(stances_csv)
    bodies, stances = read_fnc1(bodies_csv, stances_csv)
    stance_rows = list(stances.itertuples(index=True))
    if split != "all":
        train, dev = split_body_ids([int(b) for b in bodies["Body ID"]])
        keep = set(train if split == "train" else dev)
        stance_rows = [r for r in stance_rows if int(r[2]) in keep]
    used = {int(r[2]) for r in stance_rows}

    articles = [
        (
            Article(id=f"fnc1-body-{int(bid)}", title=f"FNC-1 body {int(bid)}", text=str(text) or " "),
            str(bodies_csv),
            line + 2,  # header line, 1-based
        )
        for line, (bid, text) in enumerate(zip(bodies["Body ID"], bodies["articleBody"], strict=True))
        if int(bid) in used
    ]
    claims: dict[str, tuple[Claim, str, int]] = {}
    relations = []
    for row in stance_rows:
        index, headline, body_id, stance = row[0], str(row[1]), int(row[2]), str(row[3])
        cid = headline_id(headline)
        if cid not in claims:
            claims[cid] = (
                Claim(
                    id=cid,
                    text=headline or " ",
                    section="headline",
                    claim_type="event",
                    provenance=Provenance(source=SOURCE, record=f"{stances_csv.name} row {index + 1}"),
                ),
                str(stances_csv),
                index + 2,
            )
        relations.append(
            (
                Relation(
                    id=f"fnc1-s{index + 1}",
                    claim_id=cid,
                    other_article_id=f"fnc1-body-{body_id}",
                    label=stance,
                ),
                str(stances_csv),
                index + 2,
            )
        )
    files = {
        "articles": {"path": str(bodies_csv), "sha256": _split_digest(sha256_file(bodies_csv), split)},
        "claims": {"path": str(stances_csv), "sha256": _split_digest(sha256_file(stances_csv), split)},
    }
    manifest: dict[str, Any] = {
        "id": "fnc1" if split == "all" else f"fnc1-{split}",
        "title": f"FNC-1 stance data ({split})",
        "version": "1.0.0",
        "description": "Headline-body stance pairs of the Fake News Challenge stage 1, read from "
        f"{stances_csv.name} and {bodies_csv.name}"
        + ("" if split == "all" else f"; the {split} part of the body-disjoint 80/20 split (seed 1489)"),
        "files": files,
        "counts": {"articles": len(articles), "claims": len(claims), "relations": len(relations)},
        "licence": {
            "text": "FNC-1 data (derived from Emergent, Ferreira & Vlachos 2016); the FNC-1 repository has "
            "no licence file: provided for research.",
            "annotations": "FNC-1 labels, as published",
        },
        "citation": {
            "title": "Fake News Challenge Stage 1 (FNC-1): Stance Detection",
            "authors": ["Dean Pomerleau", "Delip Rao"],
            "year": 2017,
            "sources": [
                "Hanselowski et al. (2018). A Retrospective Analysis of the Fake News Challenge "
                "Stance-Detection Task. COLING 2018."
            ],
        },
    }
    root = stances_csv.parent
    return build(root, manifest, articles, claims.values(), relations)
