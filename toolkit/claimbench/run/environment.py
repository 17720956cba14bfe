"""What a report records of the machine a run ran on: versions, the git commit, peak memory."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

PACKAGES: tuple[str, ...] = (
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "jsonschema",
    "pint",
    "joblib",
    "rich",
    "pyarrow",
)
"""Packages whose versions a report records (those installed)."""


def peak_memory() -> dict[str, float]:
    """Peak resident memory of this process and of its (finished) worker processes, in MiB."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return {}
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024  # bytes on macOS, KiB else
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return {"peak_memory_mb": own, "peak_memory_workers_mb": children}


def git_commit(directory: Path) -> str | None:
    """``git rev-parse HEAD`` in ``directory``, or ``None`` (no git, not a repository, no commit)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def environment(directory: Path) -> dict[str, Any]:
    """Python, platform, claimbench and key package versions, and the git commit of ``directory``."""
    from claimbench import __version__

    packages: dict[str, str] = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count() or 1,
        "claimbench": __version__,
        "packages": packages,
        "git_commit": git_commit(directory),
    }
