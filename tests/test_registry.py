"""Finding checkers: built-ins, plugins through entry points, broken plugins reported and skipped."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest

from claimbench.checkers.registry import BUILTINS, _describe, discover
from claimbench.testing import check_checker, parametrize_with_checks

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


def _every_registered_checker() -> list[Any]:
    """One default instance of every checker the registry finds: each built-in, and installed plugins."""
    registry = discover()
    return [registry.create(name) for name in sorted(registry.checkers)]


def test_the_conformance_kit_covers_every_builtin() -> None:
    names = {c.name for c in _every_registered_checker()}
    assert {discover().create(name).name for name in BUILTINS} <= names
    assert "numeric-sanity" in names  # issue 16: the kit once skipped NumericSanityChecker


@needs_plugin
def test_the_conformance_kit_covers_the_example_plugin() -> None:
    assert "example-digits" in {c.name for c in _every_registered_checker()}


@parametrize_with_checks(_every_registered_checker())
def test_every_registered_checker_conforms(checker: Any, check: Any) -> None:
    check(checker)


class _NoCheck:
    name, version, task, labels = "no-check", "1", "numeric_consistency", ("consistent",)


class _BadTask:
    name, version, task, labels = "bad-task", "1", "nope", ("consistent",)

    def check(self, items: object, context: object) -> list[object]:
        return []

    def get_params(self) -> dict[str, object]:
        return {}


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (_NoCheck, "does not provide check(), get_params() of the Checker protocol"),
        (_BadTask, "unknown task"),
    ],
)
def test_a_checker_that_breaks_the_contract_is_not_registered(factory: Any, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        _describe("x", factory, "test")
