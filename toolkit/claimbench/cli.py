"""The ``claimbench`` command: argument parsing, and calls into the library. Nothing else lives here.

Exit codes: 0 success, 1 the data (or a run) is bad, 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from claimbench import __version__

Command = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from claimbench.dataset import validate_dataset

    status = 0
    for path in args.paths:
        dataset, problems = validate_dataset(path)
        for problem in problems:
            print(problem)
        if dataset is None:
            status = 1
            print(f"{path}: invalid, {len(problems)} problem(s)", file=sys.stderr)
            continue
        counts = dataset.manifest["counts"]
        print(
            f"{path}: valid: {dataset.id} v{dataset.version}, {counts['articles']} articles, "
            f"{counts['claims']} claims, {counts['relations']} relations; checksum {dataset.checksum}"
        )
        if args.verbose:
            for _key, entry in sorted(dataset.manifest["files"].items()):
                print(f"  {entry['path']}  sha256 {entry['sha256']}")
    return status


def _manifest(args: argparse.Namespace) -> int:
    from claimbench.dataset import update_manifest, validate_dataset

    path = update_manifest(args.path)
    print(f"updated {path}")
    _, problems = validate_dataset(args.path)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def _checkers(args: argparse.Namespace) -> int:
    from claimbench.checkers.registry import discover

    registry = discover()
    rows = [(c.name, c.version, c.task, c.origin) for c in registry]
    header = ("name", "version", "task", "from")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for name, reason in sorted(registry.broken.items()):
        print(
            f"warning: checker {name!r} could not be loaded and was skipped: {reason}",
            file=sys.stderr,
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="claimbench",
        description="Annotated news claims, pluggable consistency checkers, and a benchmark runner.",
    )
    parser.add_argument("--version", action="version", version=f"claimbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "validate",
        help="check dataset directories against the schemas and their semantics",
        description="Check every file of each dataset against its schema, then spans, ids, relations "
        "and checksums. Prints every problem as file:line: $.path: message.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="dataset directory")
    p.add_argument("-v", "--verbose", action="store_true", help="also list each file's checksum")
    p.set_defaults(func=_validate)

    p = sub.add_parser(
        "manifest",
        help="recompute a dataset manifest's checksums and counts",
        description="Rewrite PATH/manifest.json with the checksums and counts of the data files as they "
        "are now, then validate. Use after an intended change to the data (and bump the version).",
    )
    p.add_argument("path", type=Path, metavar="PATH", help="dataset directory")
    p.set_defaults(func=_manifest)

    p = sub.add_parser(
        "checkers",
        help="list installed checkers",
        description="List every available checker (built in or from the claimbench.checkers entry "
        "point group) with its version, task and origin; broken plugins are reported and skipped.",
    )
    p.set_defaults(func=_checkers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
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
