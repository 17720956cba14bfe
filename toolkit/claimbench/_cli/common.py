"""What every subcommand shares: the exit codes, how a failure is reported, argument types, and reading
a dataset named on the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claimbench.errors import ClaimbenchError

if TYPE_CHECKING:
    from typing import TextIO

    from claimbench.data.dataset import Dataset

__all__ = [
    "EXIT_CODES",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "failed",
    "integer",
    "jobs",
    "load_named",
    "not_a_dataset",
    "positive",
    "split_names",
    "usage_error",
]

Command = Callable[[argparse.Namespace], int]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_CODES = (
    "exit status: 0 success; 1 the data or the run failed (an invalid dataset, spec or report, a check "
    "that found a difference); 2 the command line is wrong (a bad option or value, a named file or "
    "dataset that does not exist, an unknown checker or task)"
)
"""The exit-code rule as ``--help`` states it (see the :mod:`claimbench.cli` docstring)."""


def usage_error(message: str) -> int:
    """Print ``error: message`` to stderr; the exit code for a wrong command line."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def failed(exc: ClaimbenchError, *, note: str = "", problems_to: TextIO | None = None) -> int:
    """Say why a command failed, from the error alone; returns the exit code its kind has (1 or 2).

    An error that lists problems (a dataset's, a spec's) prints each (to ``problems_to``, default stderr),
    then its summary with ``note`` appended; any other prints ``error: message``.
    """
    if exc.problems:
        for problem in exc.problems:
            print(problem, file=problems_to or sys.stderr)
        if problems_to is None:
            print(f"{exc.summary()}{note}", file=sys.stderr)
    else:
        print(f"error: {exc}", file=sys.stderr)
    return exc.exit_status


def not_a_dataset(path: Path) -> str | None:
    """Why ``path`` is not a dataset directory at all (missing, a file, no manifest), or ``None``."""
    from claimbench.data.layout import MANIFEST

    root = path.parent if path.name == MANIFEST else path
    if not root.exists():
        return f"{root}: no such directory"
    if not root.is_dir():
        return f"{root}: not a directory"
    if not (root / MANIFEST).is_file():
        return f"{root}: not a dataset directory (no {MANIFEST})"
    return None


def split_names(values: Sequence[str] | None) -> list[str] | None:
    """``--checkers a,b --checkers c`` → ``[a, b, c]``; ``None`` when the option was not given."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def integer(text: str) -> int:
    """``int(text)``, failing with a message argparse can show (not ``invalid jobs value``)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive(text: str) -> int:
    value = integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def jobs(text: str) -> int:
    value = integer(text)
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(f"a number of processes, or -1 for every core; got {value}")
    return value


def load_named(name: str) -> Dataset | int:
    """The dataset ``name`` (a path or an id), or an exit code after printing why it cannot be had."""
    from claimbench.publish.cite import load_named_dataset, resolve_dataset

    try:
        resolved = resolve_dataset(name)
        if (why := not_a_dataset(resolved)) is not None:
            return usage_error(why)
        return load_named_dataset(name)
    except ClaimbenchError as exc:  # no such dataset (2), an invalid one (1)
        return failed(exc)
