"""claimbench.data.bundled: the bundled datasets and default spec are found from the package, not the cwd."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from claimbench.data import bundled
from claimbench.publish.cite import known_datasets, resolve_dataset

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_data_root_holds_the_datasets_and_default_spec() -> None:
    # An editable install has no claimbench/_data: the checkout is the data root.
    assert bundled.data_root() == ROOT
    assert bundled.datasets_dir() == ROOT / "datasets"
    assert bundled.spec_path("default") == ROOT / "benchmarks" / "default.toml"


def test_only_shipped_specs_are_named() -> None:
    assert bundled.spec_path("fnc1") is None  # needs ../shared data: not shipped, not a name
    assert bundled.spec_path("nope") is None


def test_resolve_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    default = ROOT / "benchmarks" / "default.toml"
    assert bundled.resolve_spec(None) == default  # no ./benchmarks/default.toml here: the bundled one
    assert bundled.resolve_spec("default") == default
    assert bundled.resolve_spec(Path("missing.toml")) == Path("missing.toml")  # the loader reports it
    (tmp_path / "default").write_text("", encoding="utf-8")
    assert bundled.resolve_spec("default") == Path("default")  # an existing file wins over the name
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "default.toml").write_text("", encoding="utf-8")
    assert bundled.resolve_spec(None) == Path("benchmarks/default.toml")  # a checkout's own default


def test_ids_resolve_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_dataset("mosul-2016") == ROOT / "datasets" / "mosul-2016"
    assert {"mosul-2016", "fnc1-conversions"} <= set(known_datasets())


def test_packaged_data_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a wheel, claimbench/_data is the data root (simulated: resources.files points at a fake package)."""
    package = tmp_path / "claimbench"
    (package / bundled.PACKAGED / "datasets").mkdir(parents=True)
    monkeypatch.setattr(bundled, "resources", SimpleNamespace(files=lambda _name: package))
    assert bundled.data_root() == package / bundled.PACKAGED
    assert bundled.datasets_dir() == package / bundled.PACKAGED / "datasets"
    assert bundled.spec_path("default") is None  # not in this fake package


def test_validate_by_id_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimbench.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["validate", "mosul-2016"]) == 0
    assert capsys.readouterr().out.startswith("mosul-2016: valid: mosul-2016 v")
