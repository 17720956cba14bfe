"""FNC-1 (Fake News Challenge stage 1) stance data as a claimbench dataset.

Mapping: each distinct article body → an :class:`~claimbench.records.Article` (``fnc1-b-<hash>``); each
distinct headline → a standalone :class:`~claimbench.records.Claim` (``fnc1-h-<hash>``); each stance row →
a :class:`~claimbench.records.Relation` from the headline claim to the body (``other_article_id``) with the
FNC-1 label (``fnc1-p-<hash>``, of the headline and body texts; a repeated pair gets ``-2``, ``-3``, …).
Every id is derived from normalised text (:func:`claimbench.text.content.text_key`), never from a row or a
Body
ID, so two files (the training and the competition test files, both numbering from row 1) never share an id
unless they share the text. The provenance of each record still names its file and row.

Splits (:data:`claimbench.text.stance.corpus.SPLITS`): ``all``; ``train``/``dev``, the default development
split,
disjoint in rumours and hence in headlines and bodies (:func:`~claimbench.text.stance.corpus.split_by_claim`);
``train-body``/``dev-body``, the official baseline's body-disjoint hold-out (bodies in file order,
``random.Random(1489)``, 80/20), whose dev headlines nearly all occur in train: kept for comparison only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from claimbench.data.adapters._build import build
from claimbench.data.dataset import Dataset
from claimbench.records import Article, Claim, Provenance, Relation
from claimbench.text.content import text_key
from claimbench.text.stance.corpus import SPLITS as _DEV_SPLITS
from claimbench.text.stance.corpus import read_fnc1, sha256_file, split_stances

SPLITS: tuple[str, ...] = ("all", *_DEV_SPLITS)
SOURCE = "FNC-1 (Pomerleau & Rao, 2017)"
_METHOD = {
    "claim": "disjoint in rumours, headlines and bodies (components of the related-pair graph; "
    "crossing unrelated pairs re-paired within their side)",
    "body": "body-disjoint 80/20 split of the official baseline (seed 1489)",
}


def headline_id(headline: str) -> str:
    """A stable claim id for a headline: one (normalised) text, one id, in every split and file."""
    return "fnc1-h-" + text_key(headline)[:12]


def body_id(body: str) -> str:
    """A stable article id for a body: the same (normalised) text gets the same id in every file."""
    return "fnc1-b-" + text_key(body)[:12]


def pair_id(headline: str, body: str) -> str:
    """A stable relation id for a headline–body pair, from both texts."""
    return "fnc1-p-" + text_key(headline, body)


def _split_digest(file_sha256: str, split: str) -> str:
    """The file's SHA-256 for the whole data; for a split, a digest of it and the split's name, so that
    train and dev never share a checksum (the runner's fit/evaluate guard relies on that)."""
    if split == "all":
        return file_sha256
    method = _DEV_SPLITS[split]
    return hashlib.sha256(f"{file_sha256}:{split}:{method}:seed=1489:dev=0.2".encode()).hexdigest()


def load(bodies_csv: str | Path, stances_csv: str | Path, *, split: str = "all") -> Dataset:
    """Read the official FNC-1 CSV files into a validated :class:`Dataset`.

    ``split`` is ``all`` or a development split of :data:`SPLITS` (``train``/``dev`` by default,
    ``train-body``/``dev-body`` for the old body-disjoint one). Raises
    :class:`~claimbench.text.stance.corpus.FNC1DataError` for unreadable files and
    :class:`~claimbench.data.dataset.DatasetError` for records that break the schemas.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    bodies_csv, stances_csv = Path(bodies_csv), Path(stances_csv)
    bodies, stances = read_fnc1(bodies_csv, stances_csv)
    rows = split_stances(bodies, stances, split)
    text_of = {int(b): str(t) for b, t in zip(bodies["Body ID"], bodies["articleBody"], strict=True)}
    used = {int(b) for b in rows["Body ID"]}

    articles: dict[str, tuple[Article, str, int]] = {}
    article_of: dict[int, str] = {}
    for line, bid in enumerate(bodies["Body ID"]):
        if int(bid) not in used:
            continue
        aid = body_id(text_of[int(bid)])
        article_of[int(bid)] = aid
        if aid not in articles:  # bodies with the same text are one article
            article = Article(id=aid, title=f"FNC-1 body {int(bid)}", text=text_of[int(bid)] or " ")
            articles[aid] = (article, str(bodies_csv), line + 2)  # header line, 1-based
    claims: dict[str, tuple[Claim, str, int]] = {}
    relations = []
    seen: dict[str, int] = {}
    for headline, bid, stance, index, redrawn in zip(
        rows["Headline"], rows["Body ID"], rows["Stance"], rows["row"], rows["redrawn"], strict=True
    ):
        headline, bid, index = str(headline), int(bid), int(index)
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
        rid = pair_id(headline, text_of[bid])
        seen[rid] = seen.get(rid, 0) + 1
        if seen[rid] > 1:
            rid = f"{rid}-{seen[rid]}"
        relations.append(
            (
                Relation(
                    id=rid,
                    claim_id=cid,
                    other_article_id=article_of[bid],
                    label=str(stance),
                    rationale=f"unrelated pair re-drawn within the split: body {bid} replaces the "
                    "file's body, which is on the other side"
                    if bool(redrawn)
                    else "",
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
        + ("" if split == "all" else f"; the {split} part of the split {_METHOD[_DEV_SPLITS[split]]}"),
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
    return build(root, manifest, articles.values(), claims.values(), relations)
