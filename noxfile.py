"""Jobs a user types: `nox -s tests`, `nox -s lint`, `nox -s validate`, `nox -s benchmark`.

Sessions install from the committed lock file requirements/lock.txt (as pip/uv constraints), so a fresh
machine gets the releases the suite was last run with; `nox -s lock` refreshes it, and `nox -s tests_latest`
runs the suite on the newest releases instead, so upstream breakage shows up as its own signal.
"""

from __future__ import annotations

from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = None  # the interpreter nox runs under; the package needs >= 3.11
LOCK = "requirements/lock.txt"  # every dependency pinned for Python >= 3.11 on Linux, macOS and Windows
PINNED = ("-c", LOCK)  # as constraints: they pin versions, and install nothing that is not asked for


def _datasets() -> list[str]:
    return sorted(str(p.parent) for p in (ROOT / "datasets").glob("*/manifest.json"))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite, with the dependency versions of requirements/lock.txt."""
    _install_dev(session, *PINNED)
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=False)
def tests_latest(session: nox.Session) -> None:
    """Run the test suite on the newest release of every dependency (a fresh environment, no lock file)."""
    _install_dev(session)
    session.run("pytest", *session.posargs)


def _install_dev(session: nox.Session, *options: str) -> None:
    session.install(*options, "-e", ".[dev]")
    plugin = ROOT / "tests" / "plugins" / "example_plugin"
    if (plugin / "pyproject.toml").is_file():
        session.install(*options, str(plugin))


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """Regenerate requirements/lock.txt with the newest releases (needs the network).

    Arguments after ``--`` replace ``--upgrade``, e.g. ``nox -s lock -- --upgrade-package pandas``.
    """
    session.install("uv")
    options = session.posargs or ["--upgrade"]
    session.run(
        "uv",
        "pip",
        "compile",
        "--universal",
        "--python-version",
        "3.11",
        "--all-extras",
        "--custom-compile-command",
        "nox -s lock",
        "pyproject.toml",
        *options,
        "-o",
        LOCK,
    )


@nox.session(python=False)
def wheel(session: nox.Session) -> None:
    """Build the wheel, install it with its dependencies in a clean virtualenv, and use it from elsewhere.

    Runs .ci/smoke_wheel.sh (bash; needs the network for the dependencies, as `nox -s tests` does).
    """
    session.run("bash", str(ROOT / ".ci" / "smoke_wheel.sh"), *session.posargs, external=True)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy --strict on toolkit/."""
    session.install(*PINNED, "-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "toolkit/claimbench")


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """Validate every dataset under datasets/."""
    session.install(*PINNED, "-e", ".")
    session.run("claimbench", "validate", "--verbose", *(session.posargs or _datasets()))


@nox.session(python=PYTHON)
def benchmark(session: nox.Session) -> None:
    """The main job: run benchmarks/default.toml, print the headline table and where the reports are.

    Arguments after ``--`` go to ``claimbench run``: a spec first replaces the default one
    (``nox -s benchmark -- benchmarks/fnc1.toml``); options alone apply to it (``-- --limit 5``).
    """
    session.install(*PINNED, "-e", ".")
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
    session.install(*PINNED, "-e", ".")
    session.run("claimbench", "run", "benchmarks/default.toml", "--output", str(latest))
    extra = session.posargs[1:]  # e.g. --max-items 0
    session.run("claimbench", "compare", str(baseline), str(latest), "--fail-on-regression", *extra)


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Render the default benchmark's report.html in headless Chromium: screenshot, fail on console errors.

    Needs Chromium on PATH (Debian: `apt-get install -y chromium`); arguments after `--` go to
    benchmarks/browser_check.py (e.g. `--window-size 1280,6000`).
    """
    session.install(*PINNED, "-e", ".")
    session.run("claimbench", "run", "benchmarks/default.toml", "--output", "reports/latest")
    session.run("python", "benchmarks/browser_check.py", "reports/latest/report.html", *session.posargs)
