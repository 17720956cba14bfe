"""Reading the FNC-1 stance data and carving development splits from its training files.

FNC-1 (Fake News Challenge stage 1) pairs a headline with an article body and labels the pair
``agree``, ``disagree``, ``discuss`` or ``unrelated``.  Its pairs come from Emergent rumours: every
rumour has a few headlines and a few bodies, and the related pairs (agree/disagree/discuss) join a
rumour's headlines to its bodies; the ``unrelated`` pairs join a headline to a random body of another
rumour.

Two development splits are made here:

``claim`` (:func:`split_by_claim`, the default, split names ``train``/``dev``)
    Disjoint in bodies, in headlines and in the underlying rumour, like the competition test set
    (whose headlines and bodies are new). See :func:`claim_components` for how rumours are recovered
    and :func:`split_by_claim` for how the unrelated pairs that would cross the split are re-paired.
``body`` (:func:`split_by_body`, split names ``train-body``/``dev-body``)
    The official baseline's body-disjoint hold-out. Its dev headlines nearly all occur in train (with
    other bodies), so a model that memorises headline words scores far higher on it than on new rumours;
    kept only to show that gap.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from claimbench.errors import ClaimbenchError
from claimbench.text.content import normalise_text

LABELS: tuple[str, str, str, str] = ("agree", "disagree", "discuss", "unrelated")
"""The four FNC-1 stances, in the column order used by every ``predict_proba`` in this package."""

BODY_COLUMNS: tuple[str, str] = ("Body ID", "articleBody")
STANCE_COLUMNS: tuple[str, str, str] = ("Headline", "Body ID", "Stance")


class FNC1DataError(ClaimbenchError, ValueError):
    """Raised when FNC-1 files are missing or malformed; the message says which file and why."""


class FNC1FileNotFoundError(FNC1DataError, FileNotFoundError):
    """An FNC-1 file named (or implied) by the caller does not exist: a wrong path, not bad data."""

    exit_status = 2


def _read_csv(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    if not path.is_file():
        raise FNC1FileNotFoundError(f"{what} file not found: {path}")
    try:
        frame = pd.read_csv(path, dtype={"Body ID": "Int64"}, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise FNC1DataError(f"cannot parse {what} file {path}: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise FNC1DataError(f"{what} file {path} lacks column(s) {missing}; has {list(frame.columns)}")
    if frame["Body ID"].isna().any():
        raise FNC1DataError(f"{what} file {path} has empty 'Body ID' values")
    return frame.loc[:, list(required)].copy()


def read_fnc1(bodies_csv: str | Path, stances_csv: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read FNC-1 ``*_bodies.csv`` and ``*_stances.csv`` and check them against each other.

    Returns ``(bodies, stances)``: ``bodies`` has columns ``Body ID`` (int) and ``articleBody`` (str)
    in file order (the order matters for :func:`split_by_body`); ``stances`` has ``Headline``,
    ``Body ID`` and ``Stance``.  Raises :class:`FNC1DataError` for a missing file or column, a
    duplicate body id, a stance outside :data:`LABELS`, or a stance row whose body is absent.
    """
    bodies = _read_csv(Path(bodies_csv), BODY_COLUMNS, "bodies")
    stances = _read_csv(Path(stances_csv), STANCE_COLUMNS, "stances")
    bodies["Body ID"] = bodies["Body ID"].astype("int64")
    stances["Body ID"] = stances["Body ID"].astype("int64")
    bodies["articleBody"] = bodies["articleBody"].astype(str)
    stances["Headline"] = stances["Headline"].astype(str)
    stances["Stance"] = stances["Stance"].astype(str)

    duplicated = bodies["Body ID"][bodies["Body ID"].duplicated()]
    if len(duplicated):
        raise FNC1DataError(f"bodies file {bodies_csv} repeats Body ID(s) {sorted(set(duplicated))[:5]}")
    bad = sorted(set(stances["Stance"]) - set(LABELS))
    if bad:
        raise FNC1DataError(f"stances file {stances_csv} has stance(s) {bad[:5]} not in {list(LABELS)}")
    orphans = sorted(set(stances["Body ID"]) - set(bodies["Body ID"]))
    if orphans:
        raise FNC1DataError(
            f"stances file {stances_csv} refers to Body ID(s) {orphans[:5]} "
            f"absent from {bodies_csv} ({len(orphans)} in all)"
        )
    return bodies.reset_index(drop=True), stances.reset_index(drop=True)


def split_body_ids(
    body_ids: list[int], *, dev_fraction: float = 0.2, seed: int = 1489
) -> tuple[list[int], list[int]]:
    """Shuffle ``body_ids`` with ``random.Random(seed)`` and cut off the last ``dev_fraction``.

    This is the official FNC-1 baseline's ``generate_hold_out_split`` (seed 1489, 80/20), given
    the ids in the order of the bodies file.
    """
    if not 0.0 < dev_fraction < 1.0:
        raise ValueError(f"dev_fraction must be in (0, 1), got {dev_fraction}")
    ids = list(body_ids)
    random.Random(seed).shuffle(ids)
    cut = int((1.0 - dev_fraction) * len(ids))
    return ids[:cut], ids[cut:]


def split_by_body(
    bodies: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    dev_fraction: float = 0.2,
    seed: int = 1489,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split stance rows into ``(train_stances, dev_stances)`` so that no body is on both sides.

    Body ids are taken in the order of ``bodies`` and split by :func:`split_body_ids`; each stance
    row follows its body.  Row order within each part is that of ``stances``; the index is reset.
    """
    train_ids, _ = split_body_ids([int(b) for b in bodies["Body ID"]], dev_fraction=dev_fraction, seed=seed)
    in_train = stances["Body ID"].isin(set(train_ids))
    return (
        stances[in_train].reset_index(drop=True),
        stances[~in_train].reset_index(drop=True),
    )


def claim_components(bodies: pd.DataFrame, stances: pd.DataFrame) -> tuple[dict[str, int], dict[int, int]]:
    """Recover FNC-1's rumours: ``(component of each normalised headline, component of each Body ID)``.

    Nodes are the distinct headlines (compared by :func:`~claimbench.text.content.normalise_text`, so
    headlines differing only in case or spacing are one node) and the bodies (bodies with the same
    normalised text are one node). Edges are the *related* pairs (agree, disagree, discuss): FNC-1 made
    those only within one Emergent rumour, while ``unrelated`` pairs were drawn across rumours and would
    join everything. A connected component is therefore one rumour, or a few that share a body. Component
    numbers are ordered by each component's smallest Body ID (then its first headline), so they do not
    depend on the row order of the files.
    """
    heads = sorted({normalise_text(h) for h in stances["Headline"]})
    head_index = {h: i for i, h in enumerate(heads)}
    body_ids = [int(b) for b in bodies["Body ID"]]
    body_index = {b: len(heads) + i for i, b in enumerate(body_ids)}
    rows: list[int] = []
    cols: list[int] = []
    related = stances[stances["Stance"] != "unrelated"]
    for headline, body in zip(related["Headline"], related["Body ID"], strict=True):
        rows.append(head_index[normalise_text(str(headline))])
        cols.append(body_index[int(body)])
    first_with_text: dict[str, int] = {}
    for body, text in zip(body_ids, bodies["articleBody"], strict=True):
        twin = first_with_text.setdefault(normalise_text(str(text)), body)
        if twin != body:
            rows.append(body_index[twin])
            cols.append(body_index[body])
    n = len(heads) + len(body_ids)
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    order: dict[int, tuple[float, str]] = {}
    for b in body_ids:
        c = int(raw[body_index[b]])
        order[c] = min(order.get(c, (float("inf"), "")), (float(b), ""))
    for h in heads:
        c = int(raw[head_index[h]])
        order.setdefault(c, (float("inf"), h))
    renumber = {c: k for k, c in enumerate(sorted(order, key=lambda c: order[c]))}
    return (
        {h: renumber[int(raw[head_index[h]])] for h in heads},
        {b: renumber[int(raw[body_index[b]])] for b in body_ids},
    )


def rumour_groups(
    headlines: Sequence[str], bodies: Sequence[str], labels: Sequence[str], *, by: str = "headline"
) -> list[int]:
    """A group id per pair: its rumour, as in :func:`claim_components`, from the texts of the pairs alone.

    ``by`` says whose rumour an ``unrelated`` pair (a headline and a body of different rumours) goes
    with: the headline's (``"headline"``) or the body's (``"body"``: then a held-out fold never holds a
    body seen in the other folds, as with body-grouped folds, and its related pairs' headlines are unseen
    too). Related pairs are in one rumour either way.

    For cross-validation inside training data: folds grouped by body still share headlines (a headline
    is paired with several bodies), so a model stacked on out-of-fold probabilities would learn to trust
    probabilities that memorised the headline; grouping by rumour keeps a rumour's headlines and bodies in
    one fold, as the development split keeps them on one side.
    """
    texts = sorted({normalise_text(b) for b in bodies})
    body_id = {t: i for i, t in enumerate(texts)}
    frame_bodies = pd.DataFrame({"Body ID": list(range(len(texts))), "articleBody": texts})
    frame_stances = pd.DataFrame(
        {
            "Headline": list(headlines),
            "Body ID": [body_id[normalise_text(b)] for b in bodies],
            "Stance": list(labels),
        }
    )
    head_comp, body_comp = claim_components(frame_bodies, frame_stances)
    if by == "body":
        return [body_comp[body_id[normalise_text(b)]] for b in bodies]
    if by != "headline":
        raise ValueError(f"by must be 'headline' or 'body', not {by!r}")
    return [head_comp[normalise_text(h)] for h in headlines]


def split_by_claim(
    bodies: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    dev_fraction: float = 0.2,
    seed: int = 1489,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split stance rows into ``(train, dev)`` disjoint in rumours, hence in headlines and bodies.

    The rumours of :func:`claim_components` are shuffled with ``random.Random(seed)`` and, in that
    order, each is given to dev if that brings dev closer to ``dev_fraction`` of the bodies and of the
    agree, disagree and discuss pairs (:func:`_pick_dev_components`; a few rumours hold a tenth of the
    pairs each, so cutting the shuffled list at a size would leave dev's labels far from train's); the
    rest are train. A related pair lies
    within one rumour, so it follows it. An ``unrelated`` pair whose headline and body fall on different
    sides would leak one of its texts; such a pair keeps its headline, label and side, and gets a body
    drawn (same seeded generator, in row order) from the headline's side and from another rumour, as
    FNC-1 drew its unrelated bodies, so each side keeps FNC-1's share of unrelated pairs. Both frames
    have the stance columns plus ``row`` (0-based row in ``stances``) and ``redrawn`` (the body was
    re-drawn); row order is that of ``stances``, the index is reset.
    """
    if not 0.0 < dev_fraction < 1.0:
        raise ValueError(f"dev_fraction must be in (0, 1), got {dev_fraction}")
    head_comp, body_comp = claim_components(bodies, stances)
    n_comp = max([*head_comp.values(), *body_comp.values(), -1]) + 1
    rng = random.Random(seed)
    shuffled = list(range(n_comp))
    rng.shuffle(shuffled)
    dev_comp = _pick_dev_components(shuffled, _component_counts(stances, head_comp, body_comp), dev_fraction)
    side_bodies = {
        side: sorted(b for b, c in body_comp.items() if (c in dev_comp) == side) for side in (False, True)
    }
    out: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for row, (headline, body, stance) in enumerate(
        zip(stances["Headline"], stances["Body ID"], stances["Stance"], strict=True)
    ):
        comp = head_comp[normalise_text(str(headline))]
        side = comp in dev_comp
        body = int(body)
        redrawn = (body_comp[body] in dev_comp) != side
        if redrawn:
            if stance != "unrelated":  # cannot happen: related pairs lie within one component
                raise AssertionError(f"related row {row} crosses rumours")
            candidates = side_bodies[side]
            for _ in range(100):
                body = rng.choice(candidates)
                if body_comp[body] != comp:
                    break
            else:
                continue  # a side of one rumour only: the pair has no honest partner; dropped
        out[side].append(
            {"Headline": headline, "Body ID": body, "Stance": stance, "row": row, "redrawn": redrawn}
        )
    columns = [*STANCE_COLUMNS, "row", "redrawn"]
    train, dev = (pd.DataFrame(out[side], columns=columns) for side in (False, True))
    for frame in (train, dev):
        frame["Body ID"] = frame["Body ID"].astype("int64")
        frame["row"] = frame["row"].astype("int64")
        frame["redrawn"] = frame["redrawn"].astype(bool)
    return train, dev


_BALANCED: tuple[str, ...] = ("bodies", "agree", "disagree", "discuss")


def _component_counts(
    stances: pd.DataFrame, head_comp: dict[str, int], body_comp: dict[int, int]
) -> dict[int, Counter[str]]:
    """Per rumour: its bodies and its related pairs by label (what :func:`_pick_dev_components` balances)."""
    counts: dict[int, Counter[str]] = {}
    for c in body_comp.values():
        counts.setdefault(c, Counter())["bodies"] += 1
    for c in head_comp.values():
        counts.setdefault(c, Counter())
    for headline, stance in zip(stances["Headline"], stances["Stance"], strict=True):
        if stance != "unrelated":
            counts[head_comp[normalise_text(str(headline))]][str(stance)] += 1
    return counts


def _pick_dev_components(order: list[int], counts: dict[int, Counter[str]], fraction: float) -> set[int]:
    """One greedy pass over ``order``: a rumour joins dev when that lowers the squared relative distance
    of dev's bodies and agree/disagree/discuss pairs from ``fraction`` of the totals, and takes none of
    them more than 10% past its target."""
    target = {k: fraction * max(sum(c[k] for c in counts.values()), 1) for k in _BALANCED}

    def cost(held: Counter[str]) -> float:
        return sum(((held[k] - target[k]) / target[k]) ** 2 for k in _BALANCED)

    dev: set[int] = set()
    held: Counter[str] = Counter()
    for c in order:
        after = held + counts[c]
        if cost(after) < cost(held) and all(after[k] <= 1.1 * target[k] for k in _BALANCED):
            dev.add(c)
            held += counts[c]
    return dev


SPLITS: dict[str, str] = {
    "train": "claim",
    "dev": "claim",
    "train-body": "body",
    "dev-body": "body",
}
"""The development splits by name, and the method each uses (``claim`` or ``body``)."""


def split_stances(
    bodies: pd.DataFrame, stances: pd.DataFrame, split: str, *, dev_fraction: float = 0.2, seed: int = 1489
) -> pd.DataFrame:
    """The stance rows of the named split (see :data:`SPLITS`), or all of them for ``all``.

    Returns the stance columns plus ``row`` (0-based row in ``stances``) and ``redrawn``.
    """
    if split == "all":
        frame = stances.loc[:, list(STANCE_COLUMNS)].copy()
        frame["row"] = np.arange(len(frame), dtype="int64")
        frame["redrawn"] = False
        return frame
    if split not in SPLITS:
        raise ValueError(f"split must be 'all' or one of {', '.join(SPLITS)}, not {split!r}")
    if SPLITS[split] == "claim":
        train, dev = split_by_claim(bodies, stances, dev_fraction=dev_fraction, seed=seed)
        return train if split == "train" else dev
    numbered = stances.loc[:, list(STANCE_COLUMNS)].copy()
    numbered["row"] = np.arange(len(numbered), dtype="int64")
    numbered["redrawn"] = False
    train_b, dev_b = split_by_body(bodies, numbered, dev_fraction=dev_fraction, seed=seed)
    return train_b if split == "train-body" else dev_b


def split_statistics(bodies: pd.DataFrame, train: pd.DataFrame, dev: pd.DataFrame) -> dict[str, Any]:
    """How far apart ``train`` and ``dev`` stance rows are: sizes, overlaps (normalised texts), labels."""
    text = {
        int(b): normalise_text(str(t)) for b, t in zip(bodies["Body ID"], bodies["articleBody"], strict=True)
    }

    def part(frame: pd.DataFrame) -> dict[str, Any]:
        labels = Counter(str(s) for s in frame["Stance"])
        return {
            "pairs": len(frame),
            "bodies": int(frame["Body ID"].nunique()),
            "headlines": int(frame["Headline"].nunique()),
            "labels": {label: labels.get(label, 0) for label in LABELS},
            "redrawn": int(frame["redrawn"].sum()) if "redrawn" in frame else 0,
        }

    train_heads = {normalise_text(str(h)) for h in train["Headline"]}
    train_bodies = {text[int(b)] for b in train["Body ID"]}
    dev_heads = [normalise_text(str(h)) for h in dev["Headline"].unique()]
    dev_bodies = [text[int(b)] for b in dev["Body ID"].unique()]
    pairs_seen = sum(
        1
        for h, b in zip(dev["Headline"], dev["Body ID"], strict=True)
        if normalise_text(str(h)) in train_heads or text[int(b)] in train_bodies
    )
    return {
        "train": part(train),
        "dev": part(dev),
        "dev_headlines_in_train": sum(h in train_heads for h in dev_heads) / max(len(dev_heads), 1),
        "dev_bodies_in_train": sum(b in train_bodies for b in dev_bodies) / max(len(dev_bodies), 1),
        "dev_pairs_sharing_a_text": pairs_seen / max(len(dev), 1),
    }


def attach_bodies(bodies: pd.DataFrame, stances: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Return ``(headlines, body_texts)`` for the rows of ``stances``, looked up in ``bodies``."""
    text = dict(zip(bodies["Body ID"].astype(int), bodies["articleBody"], strict=True))
    return [str(h) for h in stances["Headline"]], [text[int(b)] for b in stances["Body ID"]]


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (recorded in model metadata to pin the training data)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
