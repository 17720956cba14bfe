"""The ``claimbench`` command: the parser and ``main``. The subcommands live in :mod:`claimbench._cli`
(one module per group, each registering its own), and call into the library; nothing else lives there.

Exit codes, the same for every subcommand (:data:`EXIT_CODES`):

0
    Success (also a run in which some checkers failed on some items: those errors are in the report).
1
    The data or the run failed: a dataset, manifest, spec, report or model file exists but is invalid, a
    check (``--check``, ``--fail-on-regression``) found a difference, or the run could not complete.
2
    The command line is wrong: an unknown option or a bad value, a named file or directory that does not
    exist, a name that is no dataset (no such id, or a directory without ``manifest.json``), or an unknown
    checker or task in ``--checkers`` / ``--tasks``. Nothing was read beyond finding that out.

The line between 1 and 2: 2 says "you named the wrong thing" (fix the command), 1 says "the thing you named
is broken, or the work failed" (fix the data, or look at the run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from claimbench import __version__
from claimbench._cli import data, publish, run
from claimbench._cli.common import EXIT_CODES, Command
from claimbench._display import revealing_stdio

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="claimbench",
        description="Annotated news claims, pluggable consistency checkers, and a benchmark runner.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"claimbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in (  # the order of ``claimbench --help``
        data.add_validate,
        data.add_manifest,
        run.add_checkers,
        data.add_convert,
        run.add_train,
        run.add_run,
        run.add_compare,
        publish.add_cite,
        publish.add_export,
        publish.add_croissant,
        publish.add_datasheet,
        data.add_agreement,
        data.add_migrate,
    ):
        add(sub)
    for command in sub.choices.values():  # every subcommand's --help states the same rule
        command.epilog = command.epilog or EXIT_CODES
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Everything printed shows bidirectional control characters as visible markers
    (:func:`claimbench._display.reveal`), so a hostile text cannot reorder what the terminal shows.
    """
    with revealing_stdio():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
