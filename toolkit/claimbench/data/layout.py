"""A dataset directory on disk: ``manifest.json``, the data files it names, and which are safe to read.

The names (:data:`MANIFEST`, :data:`FILE_KINDS`, :data:`DEFAULT_FILES`), the size limits, and
:func:`read_manifest`, which validates a manifest and refuses one naming a file that must not be opened
(outside the directory, not a regular file, too large) before any data file is read. Whole reads, streamed
reads and writing (:mod:`~claimbench.data.dataset`, :mod:`~claimbench.data.validate`,
:mod:`~claimbench.data.write`) all go through it.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from claimbench.data.schema import Problem, read_json

MANIFEST = "manifest.json"
FILE_KINDS: Mapping[str, str] = {"articles": "article", "claims": "claim", "relations": "relation"}
"""Manifest file keys → record kinds (schema names), in the order they are read (each may point into
the ones before it)."""
DEFAULT_FILES: Mapping[str, str] = {
    "articles": "articles.jsonl",
    "claims": "claims.jsonl",
    "relations": "relations.jsonl",
}

MAX_FILE_BYTES = 16 * 1024**3
"""The largest data file a manifest may name (16 GiB), unless ``CLAIMBENCH_MAX_FILE_BYTES`` says otherwise."""
MAX_FILE_BYTES_ENV = "CLAIMBENCH_MAX_FILE_BYTES"
"""Environment variable overriding :data:`MAX_FILE_BYTES` (a whole number of bytes)."""
MAX_MANIFEST_BYTES = 16 * 1024**2
"""The largest ``manifest.json`` read (16 MiB; a manifest is a few hundred bytes)."""


def dataset_root(path: Path) -> Path:
    """The dataset directory of ``path``: itself, or the directory of a ``manifest.json``."""
    return path.parent if path.name == MANIFEST else path


def max_file_bytes() -> int:
    """:data:`MAX_FILE_BYTES`, or the value of ``CLAIMBENCH_MAX_FILE_BYTES`` when set.

    Raises :class:`ValueError` when the variable is set to anything but a positive whole number.
    """
    raw = os.environ.get(MAX_FILE_BYTES_ENV)
    if raw is None:
        return MAX_FILE_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{MAX_FILE_BYTES_ENV}={raw!r} is not a positive whole number of bytes")
    return value


def file_problem(root: Path, relative: str, limit: int) -> str | None:
    """Why the file ``relative`` (as a manifest names it) must not be read from dataset directory ``root``.

    Refused: a path that resolves outside ``root`` (``..``, an absolute path, a symlink leaving it), a
    file that is not a regular file (a device such as ``/dev/zero``, a FIFO, a directory) and one larger
    than ``limit`` bytes. A missing file is left to the reader, which reports it as not found.
    """
    try:
        base = root.resolve(strict=True)
        real = (root / relative).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return f"cannot be resolved: {exc}"
    if not real.is_relative_to(base):
        return f"resolves outside the dataset directory (to {real})"
    try:
        info = real.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a directory, device or pipe)"
    if info.st_size > limit:
        return (
            f"is {info.st_size} bytes, more than the limit of {limit} bytes "
            f"(set {MAX_FILE_BYTES_ENV} to raise it)"
        )
    return None


def read_manifest(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The validated manifest of dataset directory ``root``, or ``None`` and every problem.

    Besides its schema, every data file it names must be safe to read (:func:`file_problem`): a
    manifest naming one that is not is refused whole, before any file is opened.
    """
    manifest_path = root / MANIFEST
    problem = file_problem(root, MANIFEST, MAX_MANIFEST_BYTES)
    if problem is not None:
        return None, [Problem(str(manifest_path), 0, "$", problem)]
    manifest, problems = read_json(manifest_path, "manifest")
    if manifest is None:
        return None, problems
    try:
        limit = max_file_bytes()
    except ValueError as exc:
        return None, [Problem(str(manifest_path), 0, "$.files", str(exc))]
    text = manifest_path.read_text(encoding="utf-8", errors="replace")
    for key in sorted(manifest["files"]):
        relative = manifest["files"][key]["path"]
        problem = file_problem(root, relative, limit)
        if problem is not None:
            problems.append(
                Problem(str(manifest_path), _line_of_path(text, key), f"$.files.{key}.path", problem)
            )
    return (None if problems else manifest), problems


def _line_of_path(text: str, key: str) -> int:
    """The line of ``files.<key>.path`` in a manifest's text: the first ``"path"`` after ``"files"`` and
    ``"<key>"`` (best effort, as :func:`claimbench.data.schema.read_json` locates problems; else line 1)."""
    index = 0
    for word in ("files", key, "path"):
        index = text.find(f'"{word}"', index)
        if index < 0:
            return 1
    return text.count("\n", 0, index) + 1


def manifest_command(root: Path) -> str:
    """The command that recomputes ``root``'s manifest, as a user would type it."""
    return f"claimbench manifest {shlex.quote(str(root))}"
