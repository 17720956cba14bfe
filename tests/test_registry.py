"""Finding checkers: built-ins, plugins through entry points, broken plugins reported and skipped."""

from __future__ import annotations

import subprocess
import sys

import pytest

from claimbench.checkers.registry import discover
from claimbench.testing import check_checker

try:
    import claimbench_example_plugin  # noqa: F401

    HAVE_PLUGIN = True
except ImportError:
    HAVE_PLUGIN = False

needs_plugin = pytest.mark.skipif(
    not HAVE_PLUGIN,
    reason="example plugin not installed: `pip install tests/plugins/example_plugin` (nox -s tests does it)",
)


@needs_plugin
def test_plugin_is_discovered_through_its_entry_point() -> None:
    registry = discover()
    info = registry.checkers["example-digits"]
    assert info.origin.startswith("plugin claimbench-example-plugin")
    assert info.task == "numeric_consistency"
    checker = registry.create("example-digits", confidence=0.9)
    assert checker.get_params() == {"confidence": 0.9}
    check_checker(checker)


@needs_plugin
def test_broken_plugin_is_reported_by_name_and_skipped() -> None:
    registry = discover()
    assert "example-broken" not in registry.checkers
    assert "ModuleNotFoundError" in registry.broken["example-broken"]
    result = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "checkers"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "example-digits" in result.stdout
    assert "checker 'example-broken' could not be loaded and was skipped" in result.stderr


def test_unknown_checker_error_says_what_to_do() -> None:
    with pytest.raises(KeyError, match="claimbench checkers"):
        discover().create("no-such-checker")


def test_builtins_load() -> None:
    registry = discover()
    assert "numeric-sanity" in registry.checkers, registry.broken
    assert registry.checkers["numeric-sanity"].origin == "built-in"
