"""Every exception claimbench defines shares one base, and keeps the built-in base callers catch."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import claimbench
from claimbench.errors import ClaimbenchError


def _defined_exceptions() -> list[type[BaseException]]:
    """Every exception class defined in a claimbench module (not merely imported into one)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(claimbench.__path__, "claimbench."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # a module of an optional extra (dask) that is not installed
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == info.name:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found) if found[k] is not ClaimbenchError]


EXCEPTIONS = _defined_exceptions()


def test_the_package_defines_exceptions() -> None:
    assert len(EXCEPTIONS) >= 10  # the walk found the modules (a broken walk would pass the test below)


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_exception_is_a_claimbench_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, ClaimbenchError)
    builtin = [
        b for b in cls.__mro__ if b.__module__ == "builtins" and b not in (Exception, BaseException, object)
    ]
    assert builtin, f"{cls.__qualname__} lost the built-in base (ValueError, RuntimeError, …) callers catch"


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_exit_status_follows_the_rule(cls: type[ClaimbenchError]) -> None:
    """2 only for "the command line named the wrong thing" (a missing name or file, an unusable output)."""
    assert cls.exit_status in (1, 2)
    if cls.exit_status == 2:
        assert issubclass(cls, (LookupError, FileNotFoundError)) or cls.__name__.startswith("Output")


def test_summary_of_a_plain_error_is_its_message() -> None:
    exc = ClaimbenchError("something broke")
    assert exc.summary() == "something broke"
    assert exc.problems == ()
    assert exc.exit_status == 1


def test_validation_errors_summarise_their_problems() -> None:
    from pathlib import Path

    from claimbench.run.spec import SpecError

    spec = SpecError("bench.toml", ["bench.toml: a: bad", "bench.toml: b: bad"])
    assert spec.summary() == "bench.toml: invalid benchmark spec, 2 problem(s)"
    assert isinstance(spec, ValueError)
    from claimbench.data.dataset import DatasetError

    data = DatasetError(Path("d"), [])
    assert data.summary() == "d: invalid dataset, 0 problem(s)"
