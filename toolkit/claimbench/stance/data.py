"""Reading the FNC-1 stance data and carving a body-disjoint development split.

FNC-1 (Fake News Challenge stage 1) pairs a headline with an article body and labels the pair
``agree``, ``disagree``, ``discuss`` or ``unrelated``.  The same body is paired with many headlines,
so any honest held-out evaluation must keep every body on one side of the split; otherwise the model
sees the very text it is scored on.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pandas as pd

LABELS: tuple[str, str, str, str] = ("agree", "disagree", "discuss", "unrelated")
"""The four FNC-1 stances, in the column order used by every ``predict_proba`` in this package."""

BODY_COLUMNS: tuple[str, str] = ("Body ID", "articleBody")
STANCE_COLUMNS: tuple[str, str, str] = ("Headline", "Body ID", "Stance")


class FNC1DataError(ValueError):
    """Raised when FNC-1 files are missing or malformed; the message says which file and why."""


class FNC1FileNotFoundError(FNC1DataError, FileNotFoundError):
    """An FNC-1 file named (or implied) by the caller does not exist: a wrong path, not bad data."""


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
