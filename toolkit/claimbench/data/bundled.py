"""The data that comes with claimbench: the bundled datasets and the default benchmark spec.

A wheel carries them as package data under ``claimbench/_data/`` (``datasets/<id>/`` and
``benchmarks/default.toml``, the same layout as in the repository, so the spec's relative dataset paths
hold in both); a source checkout (an editable install) has them at the repository root. Either way they
are found from the installed package, never from the working directory, so ``claimbench cite mosul-2016``
and ``claimbench run default`` work from anywhere.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGED = "_data"
"""The directory inside the installed package that holds the bundled data (see pyproject.toml)."""

SPECS = ("default",)
"""The benchmark specs a wheel ships (``benchmarks/<name>.toml``); the others need external data."""

DEFAULT_SPEC = Path("benchmarks/default.toml")
"""What ``claimbench run`` runs without a spec when the working directory has it (a checkout)."""


def data_root() -> Path:
    """The directory holding ``datasets/`` and ``benchmarks/``: in the wheel, else the source checkout."""
    packaged = resources.files("claimbench") / PACKAGED
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3]


def datasets_dir() -> Path:
    """The directory of the bundled datasets (one subdirectory per dataset id)."""
    return data_root() / "datasets"


def spec_path(name: str) -> Path | None:
    """The bundled spec called ``name`` (``default``), or ``None`` when there is none by that name."""
    if name not in SPECS:
        return None
    path = data_root() / "benchmarks" / f"{name}.toml"
    return path if path.is_file() else None


def resolve_spec(spec: str | Path | None) -> Path:
    """The spec file ``claimbench run SPEC`` means.

    An existing file is itself; a bundled spec's name (``default``) is that spec; no spec at all is
    ``benchmarks/default.toml`` of the working directory when there is one (a checkout), else the bundled
    default. Anything else is returned unchanged, for the spec loader to report as not found.
    """
    if spec is None:
        if DEFAULT_SPEC.is_file():
            return DEFAULT_SPEC
        return spec_path("default") or DEFAULT_SPEC
    path = Path(spec)
    if path.exists():
        return path
    return spec_path(str(spec)) or path
