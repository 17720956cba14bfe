"""The sdist and the wheel are the project: build both, install the wheel into a clean venv, use it elsewhere.

The wheel is built from the sdist (as pip builds it from an index), installed with ``installer`` into a
fresh ``venv`` of its own, and run from an unrelated temporary directory, so nothing can be found through
the checkout. The new venv has no packages of its own; it sees the test environment's dependencies (pandas,
scikit-learn, …) through a ``.pth`` line, which adds them without processing their ``.pth`` files, so the
editable claimbench of the test environment stays invisible (checked). Offline and about half a minute;
``.ci/smoke_wheel.sh`` does the same with a full install of the dependencies from the index.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASETS = sorted(p.parent.name for p in (ROOT / "datasets").glob("*/manifest.json"))
TIMEOUT = 300  # seconds for any one step; the whole module takes well under a minute


def _unavailable(reason: str) -> None:
    """Skip with ``reason``; but in CI (``CI`` set) the packaging must be tested, so fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this must not be skipped)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    venv: Path
    workdir: Path

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    def claimbench(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the installed ``claimbench`` command in the unrelated working directory."""
        return _run([str(self.bin / "claimbench"), *args], cwd=self.workdir)


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Bytecode may be written (the imports of every command would otherwise compile pandas again).
    unset = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["NO_COLOR"] = "1"
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"{proc.args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    for module in ("hatchling", "installer"):
        if importlib.util.find_spec(module) is None:
            _unavailable(
                f"{module} is not installed (it is in the dev extra): cannot build/install the wheel"
            )
    tmp = tmp_path_factory.mktemp("packaging")
    dist = tmp / "dist"
    _ok(_run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(dist)], cwd=ROOT))
    (sdist,) = dist.glob("claimbench-*.tar.gz")
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
            tar.extractall(tmp / "unpacked", filter="data")
        else:  # pragma: no cover - our own sdist, just built
            tar.extractall(tmp / "unpacked")
    (src,) = (tmp / "unpacked").iterdir()
    _ok(_run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)], cwd=src))
    (wheel,) = dist.glob("claimbench-*.whl")

    venv = tmp / "venv"
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp))
    built = Built(sdist, wheel, venv, tmp / "elsewhere")
    built.workdir.mkdir()
    purelib = _run(
        [str(built.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp
    )
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(_ok(purelib).strip(), "test-env-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    _ok(_run([str(built.python), "-m", "installer", str(wheel)], cwd=tmp))
    return built


def test_sdist_holds_what_the_readme_links(built: Built) -> None:
    with tarfile.open(built.sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for required in ("README.md", "LICENSE", "CITATION.cff", "noxfile.py", "requirements/lock.txt"):
        assert required in names
    assert {str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")} <= names
    for dataset in DATASETS:
        assert f"datasets/{dataset}/manifest.json" in names


def test_wheel_ships_schemas_datasets_and_default_spec(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    assert "claimbench/_data/benchmarks/default.toml" in names
    assert any(n.startswith("claimbench/_schemas/") for n in names)
    for dataset in DATASETS:
        manifest = json.loads((ROOT / "datasets" / dataset / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"].values():  # every data file the manifest's checksums cover
            assert f"claimbench/_data/datasets/{dataset}/{entry['path']}" in names
        assert f"claimbench/_data/datasets/{dataset}/manifest.json" in names


# One interpreter runs every command but `run` through claimbench.cli.main (each start imports pandas,
# seconds on a busy machine); `run` goes through the installed `claimbench` script itself.
COMMANDS: dict[str, list[str]] = {
    "bibtex": ["cite", "mosul-2016", "--format", "bibtex"],
    "dataset-cff": ["cite", "mosul-2016", "--format", "cff"],
    "toolkit-cff": ["cite", "--format", "cff"],
    "validate": ["validate", *DATASETS],
    "export": ["export", "mosul-2016", "--format", "jsonl", "--out", "mosul-jsonl"],
    "validate-export": ["validate", "mosul-jsonl"],
}
_DRIVER = """
import contextlib, io, json, sys
import claimbench, claimbench.publish.cite
from claimbench.cli import main
out = {"__file__": claimbench.__file__, "api": claimbench.publish.cite.load_named_dataset("mosul-2016").id}
for key, argv in json.loads(sys.argv[1]).items():
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = main(argv)
    out[key] = {"rc": rc, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def results(built: Built) -> dict[str, Any]:
    proc = _run([str(built.python), "-c", _DRIVER, json.dumps(COMMANDS)], cwd=built.workdir)
    found: dict[str, Any] = json.loads(_ok(proc))
    return found


def _stdout(results: dict[str, Any], key: str) -> str:
    result = results[key]
    assert result["rc"] == 0, f"{COMMANDS[key]} exited {result['rc']}: {result['stderr']}"
    return str(result["stdout"])


def test_the_installed_package_is_the_wheel(built: Built, results: dict[str, Any]) -> None:
    assert Path(results["__file__"]).resolve().is_relative_to(built.venv.resolve())
    assert results["api"] == "mosul-2016"


def test_cite_by_id(results: dict[str, Any]) -> None:
    assert _stdout(results, "bibtex").startswith("@misc{mosul_2016_v")
    assert 'type: "dataset"' in _stdout(results, "dataset-cff")
    toolkit_cff = _stdout(results, "toolkit-cff")
    assert "preferred-citation:" in toolkit_cff
    assert toolkit_cff == (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def test_validate_and_export_by_id(built: Built, results: dict[str, Any]) -> None:
    out = _stdout(results, "validate")
    for dataset in DATASETS:
        assert f"{dataset}: valid: {dataset} v" in out
    _stdout(results, "export")
    assert _stdout(results, "validate-export").startswith("mosul-jsonl: valid: mosul-2016")


def test_run_the_bundled_default_spec(built: Built) -> None:
    """The installed script runs the bundled default benchmark over the bundled datasets, by name."""
    out = built.workdir / "reports"
    args = ("--checkers", "numeric-sanity", "--limit", "5", "-q", "--output", str(out))
    _ok(built.claimbench("run", "default", *args))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {d["id"] for d in report["datasets"]} == set(DATASETS)
