"""Jobs a user types: `nox -s tests`, `nox -s lint`, `nox -s validate`, `nox -s benchmark`."""

from __future__ import annotations

from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = None  # the interpreter nox runs under; the package needs >= 3.11


def _datasets() -> list[str]:
    return sorted(str(p.parent) for p in (ROOT / "datasets").glob("*/manifest.json"))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[dev]")
    plugin = ROOT / "tests" / "plugins" / "example_plugin"
    if (plugin / "pyproject.toml").is_file():
        session.install(str(plugin))
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy --strict on toolkit/."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "toolkit/claimbench")


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """Validate every dataset under datasets/."""
    session.install("-e", ".")
    session.run("claimbench", "validate", "--verbose", *(session.posargs or _datasets()))


@nox.session(python=PYTHON)
def benchmark(session: nox.Session) -> None:
    """The main job. Until the runner lands it validates the bundled datasets."""
    session.install("-e", ".")
    session.run("claimbench", "validate", "--verbose", *_datasets())
