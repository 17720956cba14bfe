"""``import claimbench`` is light: its re-exports are imported on first use, not with the package."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import claimbench

HEAVY = ("pandas", "sklearn", "matplotlib", "scipy", "numpy")


def _imported_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_claimbench_imports_no_heavy_dependency() -> None:
    loaded = _imported_after("import claimbench")
    assert "claimbench" in loaded
    assert not loaded & set(HEAVY), f"import claimbench imported {sorted(loaded & set(HEAVY))}"


def test_the_probe_sees_a_heavy_import() -> None:
    """The same probe notices pandas once a re-export that needs it is used (so the test above can fail)."""
    assert "pandas" in _imported_after("import claimbench\nclaimbench.load_dataset")


@pytest.mark.parametrize("name", claimbench.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(claimbench, name)
    assert value is not None
    assert name in dir(claimbench)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        claimbench.nope  # noqa: B018
    assert not hasattr(claimbench, "nope")


def test_lazy_names_are_the_modules_own() -> None:
    from claimbench import records
    from claimbench.data import dataset

    assert claimbench.Dataset is dataset.Dataset
    assert claimbench.Verdict is records.Verdict


def test_import_of_a_stance_submodule_path_constant_is_light() -> None:
    """The checkers read the shipped claim model's path from claimbench.text.stance without loading
    sklearn."""
    loaded = _imported_after("from claimbench.text.stance import SHIPPED_CLAIM_MODEL")
    assert not loaded & {"sklearn", "scipy", "pandas"}, sorted(loaded & {"sklearn", "scipy", "pandas"})
