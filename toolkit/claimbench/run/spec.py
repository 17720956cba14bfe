"""Benchmark specs: which datasets, tasks and checkers a run scores, read from a small TOML file.

A spec is parsed once into frozen dataclasses and checked whole: every problem is reported at once as
``<file>: <key>: <message>`` (``benchmarks/x.toml: checkers[1].name: unknown checker 'foo'; available:
…``), so a typo costs one edit, not one edit per run. Example::

    seed = 0                                   # default 0
    tasks = ["numeric_consistency"]            # default: every task
    output = "reports/latest"                  # default; relative to the working directory

    [bootstrap]
    resamples = 1000                           # default 1000
    confidence = 0.95                          # default 0.95

    [run]                                      # all optional
    batch_size = 64
    jobs = 1
    engine = "serial"                          # or "joblib"

    [[datasets]]
    path = "../datasets/mosul-2016"            # relative to this file's directory

    [[checkers]]
    name = "majority-baseline"                 # a registry name (`claimbench checkers`)
    label = "majority (fitted)"                # display name; defaults to `name`; unique per spec
    params = { task = "numeric_consistency" }  # constructor keyword arguments
    fit_on = "../datasets/mosul-dev"           # optional: a dev dataset the checker is fitted on

Dataset and ``fit_on`` paths may name environment variables, ``${NAME}`` or ``${NAME:-default}`` (for
data the spec cannot ship, such as the FNC-1 competition test files: ``benchmarks/fnc1-official.toml``);
an unset variable without a default is a spec problem that names it. Dataset and ``fit_on`` paths are
resolved, after that, against the spec file's directory (the spec travels with the data it names);
``output`` and the command line's ``--output`` against the working directory (results go
where the user is). ``datasets`` may also be a plain list of paths.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from claimbench.errors import ClaimbenchError
from claimbench.records import TASKS
from claimbench.run.engines import ENGINES
from claimbench.scoring.stats import (  # defined where scoring uses them; part of the spec's API too
    DEFAULT_ALPHA,
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    BootstrapSpec,
)

if TYPE_CHECKING:
    from claimbench.checkers.registry import Registry

DEFAULT_SEED = 0
DEFAULT_OUTPUT = Path("reports/latest")
DEFAULT_BATCH_SIZE = 64

_TOP_KEYS = frozenset(
    {
        "name",
        "description",
        "seed",
        "tasks",
        "limit",
        "output",
        "bootstrap",
        "run",
        "datasets",
        "checkers",
    }
)
_BOOTSTRAP_KEYS = frozenset({"resamples", "confidence", "alpha"})
_RUN_KEYS = frozenset({"batch_size", "jobs", "engine"})
_DATASET_KEYS = frozenset({"path"})
_ADAPTER_KEYS = frozenset({"adapter"})
_CHECKER_KEYS = frozenset({"name", "label", "params", "fit_on"})


class SpecError(ClaimbenchError, ValueError):
    """A spec is unreadable or invalid; ``problems`` lists every problem as ``file: key: message``."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems: tuple[str, ...] = tuple(problems)
        lines = "\n".join(self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s) in the benchmark spec\n{lines}")

    def summary(self) -> str:
        """``SOURCE: invalid benchmark spec, N problem(s)``."""
        return f"{self.source}: invalid benchmark spec, {len(self.problems)} problem(s)"


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Execution settings; they change speed, never results (so they are not part of any cache key)."""

    batch_size: int = DEFAULT_BATCH_SIZE
    jobs: int = 1
    engine: str | None = None
    """``None``: ``serial`` for one job, ``joblib`` for more."""


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """A dataset: a claimbench dataset directory, or external files read through an adapter.

    For a directory, ``path`` is it (absolute once parsed). For an adapter (``adapter = "fnc1"``),
    ``options`` holds the adapter's settings with paths made absolute, and ``path`` is the first file
    option, which identifies the entry.
    """

    path: Path
    adapter: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form a report records."""
        if self.adapter is None:
            return {"path": str(self.path)}
        return {"adapter": self.adapter, **dict(self.options)}


@dataclass(frozen=True)
class CheckerSpec:
    """One checker configuration: registry ``name``, constructor ``params``, display ``label``.

    ``fit_on`` names a dataset the checker is fitted on before it runs; the runner refuses a spec that
    evaluates on that same data (see :mod:`claimbench.run.plan`).
    """

    name: str
    label: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    fit_on: DatasetSpec | None = None


@dataclass(frozen=True)
class BenchmarkSpec:
    """A whole benchmark: what to score and how. Build with :func:`load_spec` or :func:`parse_spec`."""

    datasets: tuple[DatasetSpec, ...]
    checkers: tuple[CheckerSpec, ...]
    tasks: tuple[str, ...] = tuple(TASKS)
    seed: int = DEFAULT_SEED
    bootstrap: BootstrapSpec = BootstrapSpec()  # noqa: RUF009 - frozen, so one shared default is safe
    run: RunSettings = RunSettings()
    limit: int | None = None
    """Score only the first ``limit`` items of each dataset and task (a smoke run); ``None``: all."""
    output: Path = DEFAULT_OUTPUT
    name: str = "benchmark"
    description: str = ""
    source: Path | None = None
    """The spec file this came from, if any."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: what ``report.json`` records under ``spec`` (paths as strings)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": str(self.source) if self.source is not None else None,
            "seed": self.seed,
            "tasks": list(self.tasks),
            "limit": self.limit,
            "output": str(self.output),
            "bootstrap": {
                "resamples": self.bootstrap.resamples,
                "confidence": self.bootstrap.confidence,
                "alpha": self.bootstrap.alpha,
            },
            "run": {
                "batch_size": self.run.batch_size,
                "jobs": self.run.jobs,
                "engine": self.run.engine,
            },
            "datasets": [d.to_dict() for d in self.datasets],
            "checkers": [
                {
                    "name": c.name,
                    "label": c.label,
                    "params": _plain(c.params),
                    "fit_on": (
                        None
                        if c.fit_on is None
                        else str(c.fit_on.path)
                        if c.fit_on.adapter is None
                        else c.fit_on.to_dict()
                    ),
                }
                for c in self.checkers
            ],
        }

    def with_overrides(
        self,
        *,
        limit: int | None = None,
        jobs: int | None = None,
        batch_size: int | None = None,
        engine: str | None = None,
        output: Path | None = None,
    ) -> BenchmarkSpec:
        """A copy with command-line overrides applied (``None`` keeps the spec's value).

        ``jobs`` without ``engine`` also drops a spec's ``engine = "serial"``, so ``--jobs 4`` means four
        processes whatever the spec says.
        """
        if engine is None:
            engine = None if jobs is not None and self.run.engine == "serial" else self.run.engine
        run = replace(
            self.run,
            jobs=self.run.jobs if jobs is None else jobs,
            batch_size=self.run.batch_size if batch_size is None else batch_size,
            engine=engine,
        )
        return replace(
            self,
            run=run,
            limit=self.limit if limit is None else limit,
            output=self.output if output is None else output,
        )

    def select(
        self,
        *,
        checkers: Sequence[str] | None = None,
        tasks: Sequence[str] | None = None,
    ) -> BenchmarkSpec:
        """A copy keeping only the named checkers (by label or registry name) and tasks.

        Raises :class:`SpecError` naming what is unknown, so ``--checkers typo`` is not a silent no-op.
        """
        source = str(self.source) if self.source is not None else "<spec>"
        problems: list[str] = []
        kept_checkers = self.checkers
        if checkers:
            wanted = set(checkers)
            known = {c.label for c in self.checkers} | {c.name for c in self.checkers}
            for name in sorted(wanted - known):
                problems.append(
                    f"{source}: --checkers: {name!r} is not in this spec; "
                    f"it has: {', '.join(sorted(c.label for c in self.checkers))}"
                )
            kept_checkers = tuple(c for c in self.checkers if c.label in wanted or c.name in wanted)
        kept_tasks = self.tasks
        if tasks:
            for task in tasks:
                if task not in TASKS:
                    problems.append(f"{source}: --tasks: unknown task {task!r}; known: {', '.join(TASKS)}")
            kept_tasks = tuple(t for t in self.tasks if t in set(tasks))
        if problems:
            raise SpecError(source, problems)
        return replace(self, checkers=kept_checkers, tasks=kept_tasks)


def load_spec(path: str | Path, registry: Registry | None = None) -> BenchmarkSpec:
    """Read and check the TOML spec at ``path``.

    Checker names are checked against ``registry`` (default: :func:`claimbench.checkers.discover`).
    Raises :class:`SpecError` listing every problem.
    """
    path = Path(path)
    display = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(display, [f"{display}: file not found"]) from None
    except OSError as exc:
        raise SpecError(display, [f"{display}: cannot read: {exc.strerror or exc}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SpecError(display, [f"{display}: not valid UTF-8: {exc.reason}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(display, [f"{display}: invalid TOML: {exc}"]) from None
    return parse_spec(data, base=path.resolve().parent, source=path, registry=registry)


def parse_spec(
    data: Mapping[str, Any],
    *,
    base: Path,
    source: Path | None = None,
    registry: Registry | None = None,
) -> BenchmarkSpec:
    """Check a spec already read into ``data``; relative dataset paths are resolved against ``base``."""
    if registry is None:
        from claimbench.checkers.registry import discover

        registry = discover()
    display = str(source) if source is not None else "<spec>"
    problems: list[str] = []

    def problem(key: str, message: str) -> None:
        problems.append(f"{display}: {key}: {message}")

    _unknown_keys(data, _TOP_KEYS, "", problem)
    name = _string(data, "name", "", problem, default=source.stem if source is not None else "benchmark")
    description = _string(data, "description", "", problem, default="")
    seed = _integer(data, "seed", "", problem, default=DEFAULT_SEED, minimum=0)
    tasks = _tasks(data.get("tasks"), problem)
    limit = _integer(data, "limit", "", problem, default=0, minimum=1) if "limit" in data else None
    output = DEFAULT_OUTPUT
    if "output" in data:
        if isinstance(data["output"], str) and data["output"]:
            output = Path(data["output"])
        else:
            problem("output", "expected a non-empty string (a directory)")

    bootstrap = BootstrapSpec()
    boot = _table(data, "bootstrap", problem)
    if boot is not None:
        _unknown_keys(boot, _BOOTSTRAP_KEYS, "bootstrap.", problem)
        resamples = _integer(boot, "resamples", "bootstrap.", problem, DEFAULT_RESAMPLES, minimum=1)
        confidence = _fraction(boot, "confidence", "bootstrap.", problem, DEFAULT_CONFIDENCE)
        alpha = _fraction(boot, "alpha", "bootstrap.", problem, DEFAULT_ALPHA)
        bootstrap = BootstrapSpec(resamples, confidence, alpha)

    settings = RunSettings()
    run = _table(data, "run", problem)
    if run is not None:
        _unknown_keys(run, _RUN_KEYS, "run.", problem)
        batch_size = _integer(run, "batch_size", "run.", problem, DEFAULT_BATCH_SIZE, minimum=1)
        jobs = _integer(run, "jobs", "run.", problem, 1, minimum=-1)
        if jobs == 0:
            problem("run.jobs", "must be a positive number of processes, or -1 for every core")
        engine: str | None = None
        if "engine" in run:
            if run["engine"] in ENGINES:
                engine = run["engine"]
            else:
                known = ", ".join(sorted(ENGINES))
                problem("run.engine", f"unknown engine {run['engine']!r}; known: {known}")
        settings = RunSettings(batch_size, jobs, engine)

    datasets = _datasets(data.get("datasets"), base, problem)
    checkers = _checkers(data.get("checkers"), base, registry, problem)
    if problems:
        raise SpecError(display, problems)
    return BenchmarkSpec(
        datasets=datasets,
        checkers=checkers,
        tasks=tasks,
        seed=seed,
        limit=limit,
        bootstrap=bootstrap,
        run=settings,
        output=output,
        name=name,
        description=description,
        source=source,
    )


_Problem = Callable[[str, str], None]
"""Reports one problem: (key, message)."""


def _unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], prefix: str, problem: _Problem) -> None:
    for key in table:
        if key not in allowed:
            problem(f"{prefix}{key}", f"unknown key; allowed: {', '.join(sorted(allowed))}")


def _table(data: Mapping[str, Any], key: str, problem: _Problem) -> Mapping[str, Any] | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, dict):
        problem(key, f"expected a table ([{key}]), found {_kind(value)}")
        return None
    return value


def _string(data: Mapping[str, Any], key: str, prefix: str, problem: _Problem, default: str) -> str:
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, str):
        problem(f"{prefix}{key}", f"expected a string, found {_kind(value)}")
        return default
    return value


def _integer(
    data: Mapping[str, Any], key: str, prefix: str, problem: _Problem, default: int, minimum: int
) -> int:
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        problem(f"{prefix}{key}", f"expected an integer, found {_kind(value)}")
        return default
    if value < minimum:
        problem(f"{prefix}{key}", f"must be at least {minimum}, got {value}")
        return default
    return value


def _fraction(data: Mapping[str, Any], key: str, prefix: str, problem: _Problem, default: float) -> float:
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        problem(f"{prefix}{key}", f"expected a number, found {_kind(value)}")
        return default
    if not (math.isfinite(value) and 0.0 < value < 1.0):
        problem(f"{prefix}{key}", f"must lie strictly between 0 and 1, got {value}")
        return default
    return float(value)


def _tasks(value: Any, problem: _Problem) -> tuple[str, ...]:
    if value is None:
        return tuple(TASKS)
    if not isinstance(value, list) or not value:
        problem("tasks", f"expected a non-empty list of task names, found {_kind(value)}")
        return tuple(TASKS)
    tasks: list[str] = []
    for i, task in enumerate(value):
        if task not in TASKS:
            problem(f"tasks[{i}]", f"unknown task {task!r}; known: {', '.join(TASKS)}")
        elif task in tasks:
            problem(f"tasks[{i}]", f"task {task!r} listed twice")
        else:
            tasks.append(task)
    return tuple(tasks)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_variables(value: str, key: str, problem: _Problem) -> str | None:
    """``value`` with each ``${NAME}`` / ``${NAME:-default}`` replaced by the environment variable (or the
    default when it is unset or empty), then ``~`` expanded; ``None`` (and a problem) for an unset one."""
    missing: list[str] = []

    def replace_one(match: re.Match[str]) -> str:
        found = os.environ.get(match.group(1))
        if found:
            return found
        if match.group(2) is not None:
            return match.group(2)
        missing.append(match.group(1))
        return ""

    expanded = _VARIABLE.sub(replace_one, value)
    if missing:
        names = ", ".join(sorted(set(missing)))
        problem(
            key,
            f"environment variable {names} is not set (the path is {value!r}); set it to the files' folder",
        )
        return None
    return os.path.expanduser(expanded)


def _path(value: Any, key: str, base: Path, problem: _Problem) -> Path | None:
    if isinstance(value, str) and value:
        value = expand_variables(value, key, problem)
        if value is None:
            return None
    if not isinstance(value, str) or not value:
        problem(key, f"expected a path (a non-empty string), found {_kind(value)}")
        return None
    path = (base / value).resolve()
    if not path.is_dir():
        problem(key, f"no dataset directory at {path}")
        return None
    return path


def _datasets(value: Any, base: Path, problem: _Problem) -> tuple[DatasetSpec, ...]:
    if value is None:
        problem("datasets", 'missing: list at least one dataset ([[datasets]] path = "…")')
        return ()
    if not isinstance(value, list) or not value:
        problem("datasets", f"expected a non-empty list of datasets, found {_kind(value)}")
        return ()
    out: list[DatasetSpec] = []
    for i, entry in enumerate(value):
        key = f"datasets[{i}]"
        spec = _dataset_entry(entry, key, base, problem)
        if spec is None:
            continue
        if any(d == spec for d in out):
            problem(key, f"dataset {spec.path} listed twice")
            continue
        out.append(spec)
    return tuple(out)


def _dataset_entry(entry: Any, key: str, base: Path, problem: _Problem) -> DatasetSpec | None:
    """A dataset directory (a path, or a table with ``path``) or an adapter table (``adapter = …``)."""
    if isinstance(entry, dict) and "adapter" in entry:
        from claimbench.data.adapters import ADAPTERS  # the adapters' option names

        name = entry["adapter"]
        if name not in ADAPTERS:
            problem(f"{key}.adapter", f"unknown adapter {name!r}; known: {', '.join(sorted(ADAPTERS))}")
            return None
        _, required, optional = ADAPTERS[name]
        _unknown_keys(entry, _ADAPTER_KEYS | required | optional, f"{key}.", problem)
        options: dict[str, str] = {}
        for option in sorted(required):
            value = entry.get(option)
            if not isinstance(value, str) or not value:
                problem(f"{key}.{option}", f"missing: a path for the {name} adapter")
                return None
            value = expand_variables(value, f"{key}.{option}", problem)
            if value is None:
                return None
            file = (base / value).resolve()
            if not file.is_file():
                problem(f"{key}.{option}", f"no file at {file}")
                return None
            options[option] = str(file)
        for option in sorted(optional):
            if option in entry:
                options[option] = str(entry[option])
        return DatasetSpec(Path(options[sorted(required)[0]]), name, tuple(sorted(options.items())))
    if isinstance(entry, dict):
        _unknown_keys(entry, _DATASET_KEYS, f"{key}.", problem)
        if "path" not in entry:
            problem(f"{key}.path", "missing")
            return None
        path = _path(entry["path"], f"{key}.path", base, problem)
    else:
        path = _path(entry, key, base, problem)
    return DatasetSpec(path) if path is not None else None


def _checkers(value: Any, base: Path, registry: Registry, problem: _Problem) -> tuple[CheckerSpec, ...]:
    if value is None:
        problem("checkers", 'missing: list at least one checker ([[checkers]] name = "…")')
        return ()
    if not isinstance(value, list) or not value:
        problem("checkers", f"expected a non-empty list of checker tables, found {_kind(value)}")
        return ()
    available = ", ".join(sorted(registry.checkers)) or "none"
    out: list[CheckerSpec] = []
    labels: dict[str, int] = {}
    for i, entry in enumerate(value):
        key = f"checkers[{i}]"
        if not isinstance(entry, dict):
            problem(key, f"expected a table with at least `name`, found {_kind(entry)}")
            continue
        _unknown_keys(entry, _CHECKER_KEYS, f"{key}.", problem)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            problem(f"{key}.name", "missing: the registry name of a checker; available: " + available)
            continue
        if name not in registry.checkers:
            hint = f" (it failed to load: {registry.broken[name]})" if name in registry.broken else ""
            problem(f"{key}.name", f"unknown checker {name!r}{hint}; available: {available}")
        label = entry.get("label", name)
        if not isinstance(label, str) or not label:
            problem(f"{key}.label", f"expected a non-empty string, found {_kind(label)}")
            label = name
        if label in labels:
            problem(
                f"{key}.label",
                f"label {label!r} is already used by checkers[{labels[label]}]; give each "
                "configuration of a checker its own `label`",
            )
        labels.setdefault(label, i)
        params = entry.get("params", {})
        if not isinstance(params, dict):
            problem(f"{key}.params", f"expected a table of constructor arguments, found {_kind(params)}")
            params = {}
        fit_on = None
        if "fit_on" in entry:
            fit_on = _dataset_entry(entry["fit_on"], f"{key}.fit_on", base, problem)
        out.append(CheckerSpec(name, label, MappingProxyType(dict(params)), fit_on))
    return tuple(out)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _kind(value: Any) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "an integer"}
    return names.get(type(value), type(value).__name__)
