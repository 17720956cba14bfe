"""Writing datasets: records to a dataset directory, and a manifest's checksums and counts recomputed.

Every file is written atomically (:func:`claimbench._io.write_text`: a temporary file, then a rename), the
manifest last, so an interrupted write never leaves a manifest that vouches for missing data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claimbench._io import sha256_file, write_text
from claimbench.data.layout import DEFAULT_FILES, MANIFEST, dataset_root
from claimbench.data.schema import Problem, read_json
from claimbench.records import Article, Claim, Relation, to_json


def write_dataset(
    root: str | Path,
    *,
    manifest: Mapping[str, Any],
    articles: Iterable[Article] = (),
    claims: Iterable[Claim] = (),
    relations: Iterable[Relation] = (),
) -> Path:
    """Write records as a dataset directory with a fresh manifest (checksums and counts filled in).

    ``manifest`` holds everything but ``files`` and ``counts``. Each file is written atomically; the
    manifest last, so an interrupted write never leaves a manifest that vouches for missing data.
    """
    root = Path(root)
    groups: dict[str, list[Any]] = {
        "articles": list(articles),
        "claims": list(claims),
        "relations": list(relations),
    }
    for key, records in groups.items():
        if records or key == "claims":
            write_text(root / DEFAULT_FILES[key], "".join(_json_line(to_json(r)) for r in records))
    return update_manifest(root, dict(manifest))


def update_manifest(root: str | Path, manifest: dict[str, Any] | None = None) -> Path:
    """Recompute the ``files`` checksums and ``counts`` of the dataset at ``root`` and rewrite its manifest.

    The data files present under their default names are listed. Other fields are kept as they are.
    """
    root = Path(root)
    path = root / MANIFEST
    if manifest is None:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    files: dict[str, dict[str, str]] = {}
    counts: dict[str, int] = {}
    for key, name in DEFAULT_FILES.items():
        file = root / name
        if file.is_file():
            files[key] = {"path": name, "sha256": sha256_file(file)}
            with file.open("rb") as handle:
                counts[key] = sum(1 for _ in handle)
        else:
            counts[key] = 0
    manifest["files"] = files
    manifest["counts"] = {**manifest.get("counts", {}), **counts}
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
        write_text(path, text)
    return path


def refresh_manifest(root: str | Path) -> tuple[bool | None, list[Problem]]:
    """What ``claimbench manifest`` does: recompute the checksums and counts of ``root``'s own manifest.

    Returns ``(changed, problems)``: ``changed`` is whether the file was rewritten, or ``None`` when it could
    not be, and ``problems`` are then the reasons (no directory, no manifest, not JSON, a field other than
    ``files`` and ``counts`` failing the schema: those are the user's to fix, never guessed). Schema problems
    in ``files`` and ``counts`` do not block, since those two are what is recomputed.
    """
    root = Path(root)
    root = dataset_root(root)
    path = root / MANIFEST
    if not root.is_dir():
        return None, [Problem(str(root), 0, "$", "not a dataset directory (does not exist)")]
    manifest, problems = read_json(path, "manifest")
    if manifest is None:
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON: as read_json said
            return None, problems
        blocking = [p for p in problems if not p.path.startswith(("$.files", "$.counts"))]
        if blocking or not isinstance(value, dict):
            return None, blocking or problems
        manifest = value
    before = path.read_bytes()
    update_manifest(root, manifest)
    return path.read_bytes() != before, []


def _json_line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"
