"""Model files loaded once per process: the per-worker model cache of learned checkers.

A learned checker keeps its model file's *path* as a parameter and calls :func:`load_once` in ``check``;
each worker process (joblib, Dask, or this one) then reads the model on its first batch only. It lives
with the checkers, not the engines, because checkers call it and nothing here knows about engines.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["LOADS", "file_sha256", "forget_loaded", "load_once"]

T = TypeVar("T")

_LOADED: dict[tuple[str, str, str], Any] = {}
_DIGESTS: dict[tuple[str, int, int], str] = {}
_LOAD_LOCK = threading.RLock()
LOADS: list[tuple[str, str]] = []
"""``(path, sha256)`` of every file :func:`load_once` actually loaded in this process (for tests and logs)."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, computed once per process for each (path, size, modification time)."""
    resolved = str(Path(path).resolve())
    stat = os.stat(resolved)
    signature = (resolved, stat.st_size, stat.st_mtime_ns)
    digest = _DIGESTS.get(signature)
    if digest is None:
        hasher = hashlib.sha256()
        with open(resolved, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
        digest = _DIGESTS[signature] = hasher.hexdigest()
    return digest


def load_once(path: str | os.PathLike[str], loader: Callable[[Path], T]) -> T:
    """``loader(path)``, called once per process for each file content; later calls return the same object.

    The per-worker model cache: a learned checker keeps its model file's *path* as a parameter (so it
    pickles small and its cache key names the model) and calls ``load_once(self.model_path, joblib.load)``
    in ``check``. Each worker process — a joblib worker, a Dask worker, or this process for the serial
    engine — then reads the model on its first batch only, however many batches and runs follow.

    The key is the resolved path, the file's SHA-256 (hashed once per size and modification time, so a
    call costs one ``stat``) and the loader's qualified name: a file replaced by a retrained model is
    loaded afresh. Thread-safe (a Dask worker may run several threads): one load per key. The loaded
    object is shared, so it must not be mutated.
    """
    resolved = str(Path(path).resolve())
    digest = file_sha256(resolved)
    key = (resolved, digest, f"{getattr(loader, '__module__', '')}.{getattr(loader, '__qualname__', loader)}")
    try:
        model: T = _LOADED[key]
        return model
    except KeyError:
        pass
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = loader(Path(resolved))
            LOADS.append((resolved, digest))
        model = _LOADED[key]
    return model


def forget_loaded() -> None:
    """Drop every model :func:`load_once` holds in this process (tests; freeing memory between runs)."""
    with _LOAD_LOCK:
        _LOADED.clear()
        _DIGESTS.clear()
        LOADS.clear()
