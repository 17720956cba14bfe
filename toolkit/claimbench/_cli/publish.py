"""The publishing subcommands: ``cite``, ``export``, ``croissant`` and ``datasheet``.

Each ``add_*`` registers one subcommand on the parser :func:`claimbench.cli.build_parser` builds; the
command functions follow the exit-code rule of :mod:`claimbench.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimbench._cli.common import Command, failed, load_named
from claimbench.errors import ClaimbenchError

__all__ = ["add_cite", "add_croissant", "add_datasheet", "add_export"]


def add_cite(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``cite`` subcommand."""
    from claimbench.publish.cite import FORMATS as CITE_FORMATS

    p = sub.add_parser(
        "cite",
        help="print the citation of a dataset or of claimbench",
        description="Print how to cite DATASET (a dataset directory, or an id under datasets/ such as "
        "mosul-2016), from its manifest, with its version; without DATASET, cite the claimbench toolkit "
        "(--format cff then prints the repository's CITATION.cff).",
    )
    p.add_argument(
        "dataset", nargs="?", metavar="DATASET", help="dataset directory or id; omit for the toolkit"
    )
    p.add_argument("-f", "--format", choices=CITE_FORMATS, default="bibtex", help="output format (bibtex)")
    p.set_defaults(func=_cite)


def add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``export`` subcommand."""
    from claimbench.publish.export import FORMATS as EXPORT_FORMATS

    p = sub.add_parser(
        "export",
        help="export a dataset as JSONL, Parquet tables or a Hugging Face datasets folder",
        description="Write DATASET to the directory DIR: jsonl (a copy with its manifest), parquet (one "
        "file per table; needs pyarrow: pip install pyarrow), or hf (Parquet data files and "
        "a dataset card that datasets.load_dataset(DIR) reads). Written to a temporary directory first, so "
        "a failed export leaves nothing behind.",
    )
    p.add_argument("dataset", metavar="DATASET", help="dataset directory or id")
    p.add_argument("-f", "--format", choices=EXPORT_FORMATS, required=True, help="export format")
    p.add_argument(
        "-o", "--out", type=Path, required=True, metavar="DIR", help="output directory (new or empty)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR if it is a dataset or an export claimbench wrote, holding nothing else",
    )
    p.set_defaults(func=_export)


def add_croissant(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``croissant`` subcommand."""
    _add_generated_file(
        sub,
        "croissant",
        summary="generate a dataset's Croissant 1.0 metadata (croissant.json)",
        description="Print the Croissant 1.0 JSON-LD of DATASET, generated from its manifest, schemas and "
        "data; --write stores it as DATASET/croissant.json, --check exits 1 when that file is out of date. "
        "Required Croissant properties the manifest cannot supply (e.g. url) are reported as warnings.",
        write=("--write", "write DATASET/croissant.json"),
        check="exit 1 if DATASET/croissant.json is out of date",
        func=_croissant,
    )


def add_datasheet(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``datasheet`` subcommand."""
    _add_generated_file(
        sub,
        "datasheet",
        summary="generate the counts block of a dataset's DATASHEET.md",
        description="Print the counts block of DATASET's datasheet, computed from the data; --update "
        "rewrites the block between <!-- counts:begin --> and <!-- counts:end --> in DATASET/DATASHEET.md, "
        "--check exits 1 when it is out of date.",
        write=("--update", "rewrite the block in DATASET/DATASHEET.md"),
        check="exit 1 if the block is out of date",
        func=_datasheet,
    )


def _add_generated_file(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    summary: str,
    description: str,
    write: tuple[str, str],
    check: str,
    func: Command,
) -> None:
    """A subcommand that prints a file generated from DATASET, or writes it (``write``: the flag and its
    help), or checks it (``--check``): one of the two flags at most. ``summary`` is the ``--help`` line."""
    p = sub.add_parser(name, help=summary, description=description)
    p.add_argument("dataset", metavar="DATASET", help="dataset directory or id")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(write[0], action="store_true", help=write[1])
    mode.add_argument("--check", action="store_true", help=check)
    p.set_defaults(func=func)


def _cite(args: argparse.Namespace) -> int:
    """``claimbench cite [DATASET]``: the citation of a dataset (from its manifest) or of the toolkit."""
    from claimbench.publish.cite import citation_of, dataset_citation, format_citation

    if args.dataset is None:
        print(format_citation(citation_of(None), args.format), end="")
        return 0
    ds = load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    print(format_citation(dataset_citation(ds), args.format), end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    """``claimbench export DATASET --format F --out DIR``: JSONL copy, Parquet tables or a HF folder."""
    from claimbench.publish.export import export_dataset

    ds = load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    try:
        out = export_dataset(ds, args.format, args.out, overwrite=args.force)
    except ClaimbenchError as exc:  # an output that may not be written (2), a missing dependency (1)
        return failed(exc)
    print(f"wrote {out}: {ds.id} v{ds.version} as {args.format} (data checksum {ds.checksum})")
    return 0


def _croissant(args: argparse.Namespace) -> int:
    """``claimbench croissant DATASET``: print, write (--write) or check (--check) croissant.json."""
    import json

    from claimbench.publish.croissant import croissant_path, croissant_problems, render_croissant

    ds = load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    text = render_croissant(ds)
    for problem in croissant_problems(json.loads(text)):
        print(f"warning: {ds.id}: Croissant 1.0: {problem}", file=sys.stderr)
    path = croissant_path(ds)
    if args.write:
        from claimbench._io import write_text

        write_text(path, text)
        print(f"wrote {path}")
    elif args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run claimbench croissant {args.dataset} --write", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
    else:
        print(text, end="")
    return 0


def _datasheet(args: argparse.Namespace) -> int:
    """``claimbench datasheet DATASET``: print, rewrite (--update) or check (--check) the counts block."""
    from claimbench.publish.datasheet import (
        counts_block,
        datasheet_drift,
        datasheet_path,
        update_datasheet,
    )

    ds = load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    path = datasheet_path(ds)
    try:
        if args.update:
            changed = update_datasheet(ds)
            print(f"{'updated' if changed else 'already up to date:'} {path}")
        elif args.check:
            diff = datasheet_drift(ds)
            if diff:
                print(diff, end="")
                print(f"{path}: counts are out of date: run claimbench datasheet {args.dataset} --update")
                return 1
            print(f"{path}: counts are up to date")
        else:
            print(counts_block(ds), end="")
    except ClaimbenchError as exc:  # no counts block to update
        return failed(exc)
    except FileNotFoundError as exc:  # no datasheet file
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
