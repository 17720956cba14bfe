"""Benchmark specs: parsing, defaults, path resolution, and errors that name the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimbench.checkers.baseline import MajorityBaseline
from claimbench.checkers.registry import CheckerInfo, Registry
from claimbench.records import NUMERIC_CONSISTENCY, SOURCE_AGREEMENT
from claimbench.run.spec import (
    DEFAULT_CONFIDENCE,
    DEFAULT_OUTPUT,
    DEFAULT_RESAMPLES,
    BenchmarkSpec,
    SpecError,
    load_spec,
)

REGISTRY = Registry(
    {
        "majority-baseline": CheckerInfo(
            "majority-baseline", MajorityBaseline, "built-in", "1.0.0", NUMERIC_CONSISTENCY
        ),
        "other": CheckerInfo("other", MajorityBaseline, "test", "1.0.0", NUMERIC_CONSISTENCY),
    },
    broken={"broken-one": "ImportError: no module named x"},
)


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``tmp_path/benchmarks/`` for specs and ``tmp_path/data/{a,b}`` as dataset directories."""
    (tmp_path / "benchmarks").mkdir()
    for name in ("a", "b"):
        (tmp_path / "data" / name).mkdir(parents=True)
    return tmp_path


def write(layout: Path, text: str, name: str = "x.toml") -> Path:
    path = layout / "benchmarks" / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
[[datasets]]
path = "../data/a"

[[checkers]]
name = "majority-baseline"
"""


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(SpecError) as info:
        load_spec(path, registry=REGISTRY)
    return info.value.problems


def test_defaults_and_relative_paths(layout: Path) -> None:
    spec = load_spec(write(layout, MINIMAL), registry=REGISTRY)
    assert spec.seed == 0
    assert spec.bootstrap.resamples == DEFAULT_RESAMPLES == 1000
    assert spec.bootstrap.confidence == DEFAULT_CONFIDENCE == 0.95
    assert spec.output == DEFAULT_OUTPUT == Path("reports/latest")
    assert spec.tasks == (NUMERIC_CONSISTENCY, SOURCE_AGREEMENT)
    assert spec.limit is None
    assert spec.name == "x"
    assert spec.datasets[0].path == (layout / "data" / "a").resolve()
    (checker,) = spec.checkers
    assert (checker.name, checker.label, dict(checker.params), checker.fit_on) == (
        "majority-baseline",
        "majority-baseline",
        {},
        None,
    )


def test_full_spec(layout: Path) -> None:
    text = """
name = "full"
description = "everything"
seed = 7
tasks = ["source_agreement"]
limit = 3
output = "out/here"
datasets = ["../data/a", "../data/b"]

[bootstrap]
resamples = 200
confidence = 0.9
alpha = 0.1

[run]
batch_size = 8
jobs = 2
engine = "joblib"

[[checkers]]
name = "majority-baseline"
label = "fitted"
params = { task = "source_agreement", label = "agree" }
fit_on = "../data/b"

[[checkers]]
name = "majority-baseline"
label = "plain"
"""
    spec = load_spec(write(layout, text), registry=REGISTRY)
    assert (spec.name, spec.description, spec.seed, spec.limit) == ("full", "everything", 7, 3)
    assert spec.tasks == (SOURCE_AGREEMENT,)
    assert spec.output == Path("out/here")
    assert [d.path.name for d in spec.datasets] == ["a", "b"]
    assert (spec.bootstrap.resamples, spec.bootstrap.confidence, spec.bootstrap.alpha) == (200, 0.9, 0.1)
    assert (spec.run.batch_size, spec.run.jobs, spec.run.engine) == (8, 2, "joblib")
    fitted, plain = spec.checkers
    assert fitted.label == "fitted"
    assert dict(fitted.params) == {"task": "source_agreement", "label": "agree"}
    assert fitted.fit_on is not None
    assert fitted.fit_on.path == (layout / "data" / "b").resolve()
    assert plain.label == "plain"
    data = spec.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["checkers"][0]["fit_on"] == str(fitted.fit_on.path)


def test_unknown_checker_names_file_key_and_alternatives(layout: Path) -> None:
    text = MINIMAL + '\n[[checkers]]\nname = "foo"\n'
    path = write(layout, text)
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}: checkers[1].name: unknown checker 'foo'; available: majority-baseline, other"
    )


def test_broken_checker_says_why(layout: Path) -> None:
    (problem,) = problems_of(write(layout, MINIMAL.replace("majority-baseline", "broken-one")))
    assert "checkers[0].name: unknown checker 'broken-one' (it failed to load: ImportError" in problem


def test_every_problem_is_reported_at_once(layout: Path) -> None:
    text = """
seed = -1
tasks = ["numeric_consistency", "nope"]
colour = "blue"
datasets = ["../data/missing"]

[bootstrap]
resamples = 0
confidence = 1.5

[run]
jobs = 0
engine = "spark"

[[checkers]]
name = "majority-baseline"
params = "not a table"

[[checkers]]
name = "majority-baseline"

[[checkers]]
label = "no name"
"""
    path = write(layout, text)
    problems = problems_of(path)
    keys = {p.split(": ")[1] for p in problems}
    assert keys == {
        "seed",
        "tasks[1]",
        "colour",
        "datasets[0]",
        "bootstrap.resamples",
        "bootstrap.confidence",
        "run.jobs",
        "run.engine",
        "checkers[0].params",
        "checkers[1].label",
        "checkers[2].name",
    }
    assert all(p.startswith(f"{path}: ") for p in problems)
    assert any("no dataset directory at" in p for p in problems)
    assert any("already used by checkers[0]" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[[checkers]]\nname = 'majority-baseline'\n", "datasets"),
        ("datasets = ['../data/a']\n", "checkers"),
        ("datasets = []\n[[checkers]]\nname = 'majority-baseline'\n", "datasets"),
        ("datasets = ['../data/a', '../data/a']\n[[checkers]]\nname = 'majority-baseline'\n", "datasets[1]"),
        (MINIMAL + "[[checkers]]\nname = 'other'\nfit_on = '../data/none'\n", "checkers[1].fit_on"),
        (MINIMAL + "[[checkers]]\nname = 'other'\nsurprise = 1\n", "checkers[1].surprise"),
        ("bootstrap = 3\n" + MINIMAL, "bootstrap"),
    ],
)
def test_single_problem_keys(layout: Path, text: str, key: str) -> None:
    (problem,) = problems_of(write(layout, text))
    assert problem.split(": ")[1] == key


def test_unreadable_files(layout: Path) -> None:
    missing = layout / "benchmarks" / "missing.toml"
    assert problems_of(missing) == (f"{missing}: file not found",)
    (problem,) = problems_of(write(layout, "datasets = [\n"))
    assert "invalid TOML" in problem


def test_select_and_overrides(layout: Path) -> None:
    text = MINIMAL + "\n[[checkers]]\nname = 'majority-baseline'\nlabel = 'second'\n"
    spec = load_spec(write(layout, text), registry=REGISTRY)
    assert [c.label for c in spec.select(checkers=["second"]).checkers] == ["second"]
    assert len(spec.select(checkers=["majority-baseline"]).checkers) == 2  # by registry name
    assert spec.select(tasks=[SOURCE_AGREEMENT]).tasks == (SOURCE_AGREEMENT,)
    with pytest.raises(SpecError, match="--checkers: 'nope' is not in this spec"):
        spec.select(checkers=["nope"])
    with pytest.raises(SpecError, match="--tasks: unknown task 'nope'"):
        spec.select(tasks=["nope"])
    changed = spec.with_overrides(limit=5, jobs=3, batch_size=2, output=Path("o"))
    assert (changed.limit, changed.run.jobs, changed.run.batch_size, changed.output) == (5, 3, 2, Path("o"))
    assert spec.with_overrides() == spec


def test_jobs_override_drops_a_serial_engine(layout: Path) -> None:
    spec = load_spec(write(layout, MINIMAL + "[run]\nengine = 'serial'\n"), registry=REGISTRY)
    assert spec.with_overrides(jobs=2).run.engine is None
    assert spec.with_overrides(jobs=2, engine="serial").run.engine == "serial"


def test_default_spec_parses() -> None:
    """benchmarks/default.toml covers every built-in checker on every bundled dataset."""
    from claimbench.checkers.registry import BUILTINS, discover

    root = Path(__file__).resolve().parents[1]
    registry = discover()
    spec = load_spec(root / "benchmarks" / "default.toml", registry=registry)
    assert isinstance(spec, BenchmarkSpec)
    # majority-baseline is only a reference point once fitted on disjoint data (benchmarks/fnc1.toml
    # does that); the default spec has none to fit on, so its baseline is prior-baseline's chance
    fit_only = {"majority-baseline"}
    assert {c.name for c in spec.checkers} == set(BUILTINS) - fit_only
    fnc1 = (root / "benchmarks" / "fnc1.toml").read_text(encoding="utf-8")
    assert 'name = "majority-baseline"' in fnc1.split("[[checkers]]")[-1]
    assert "fit_on" in fnc1.split("[[checkers]]")[-1]
    bundled = {p.parent.resolve() for p in (root / "datasets").glob("*/manifest.json")}
    assert {d.path for d in spec.datasets} == bundled


def test_paths_name_environment_variables(layout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL.replace(
        'path = "../data/a"', 'path = "${CB_DATA}/a"\n[[datasets]]\npath = "${CB_OTHER:-../data}/b"'
    )
    monkeypatch.setenv("CB_DATA", str(layout / "data"))
    monkeypatch.delenv("CB_OTHER", raising=False)
    spec = load_spec(write(layout, text), registry=REGISTRY)
    assert [d.path for d in spec.datasets] == [(layout / "data" / n).resolve() for n in ("a", "b")]
    monkeypatch.delenv("CB_DATA")
    (problem,) = problems_of(write(layout, text))
    assert "datasets[0]" in problem
    assert "environment variable CB_DATA is not set" in problem
