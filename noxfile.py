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
    """The main job: run benchmarks/default.toml, print the headline table and where the reports are.

    Arguments after ``--`` go to ``claimbench run``: a spec first replaces the default one
    (``nox -s benchmark -- benchmarks/fnc1.toml``); options alone apply to it (``-- --limit 5``).
    """
    session.install("-e", ".")
    args = list(session.posargs)
    if not args or args[0].startswith("-"):
        args.insert(0, "benchmarks/default.toml")
    session.run("claimbench", "run", *args)


@nox.session(python=PYTHON)
def compare(session: nox.Session) -> None:
    """Run the default benchmark and compare it with a stored baseline: `nox -s compare -- BASELINE_DIR`.

    BASELINE_DIR is an earlier run directory holding report.json (e.g. a kept copy of reports/latest).
    Fails when a metric got worse beyond its confidence interval, so a CI can gate on it.
    """
    if not session.posargs:
        session.error(
            "no baseline given: run `nox -s compare -- BASELINE_DIR`, where BASELINE_DIR is an earlier run "
            "directory holding report.json (e.g. a copy of reports/latest)"
        )
    baseline = Path(session.posargs[0])
    if not (baseline / "report.json").is_file() and not (baseline.is_file() and baseline.suffix == ".json"):
        session.error(f"{baseline}: no report.json there; give a run directory of an earlier benchmark")
    latest = Path("reports/latest")
    if baseline.resolve() in (latest.resolve(), (latest / "report.json").resolve()):
        session.error(f"{baseline} is where this run writes; copy the baseline elsewhere first")
    session.install("-e", ".")
    session.run("claimbench", "run", "benchmarks/default.toml", "--output", str(latest))
    extra = session.posargs[1:]  # e.g. --max-items 0
    session.run("claimbench", "compare", str(baseline), str(latest), "--fail-on-regression", *extra)


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Render the default benchmark's report.html in headless Chromium: screenshot, fail on console errors.

    Needs Chromium on PATH (Debian: `apt-get install -y chromium`); arguments after `--` go to
    benchmarks/browser_check.py (e.g. `--window-size 1280,6000`).
    """
    session.install("-e", ".")
    session.run("claimbench", "run", "benchmarks/default.toml", "--output", "reports/latest")
    session.run("python", "benchmarks/browser_check.py", "reports/latest/report.html", *session.posargs)
