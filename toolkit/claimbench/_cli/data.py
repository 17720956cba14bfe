"""The dataset subcommands: ``validate``, ``manifest``, ``convert``, ``agreement`` and ``migrate``.

Each ``add_*`` registers one subcommand on the parser :func:`claimbench.cli.build_parser` builds; the
command functions follow the exit-code rule of :mod:`claimbench.cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimbench._cli.common import EXIT_FAILED, EXIT_OK, failed, load_named, not_a_dataset, usage_error
from claimbench.errors import ClaimbenchError

__all__ = ["add_agreement", "add_convert", "add_manifest", "add_migrate", "add_validate"]


def add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``validate`` subcommand."""
    p = sub.add_parser(
        "validate",
        help="check dataset directories against the schemas and their semantics",
        description="Check every file of each dataset against its schema, then spans, ids, relations "
        "and checksums. Prints every problem as file:line: $.path: message.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="dataset directory or id")
    p.add_argument("-v", "--verbose", action="store_true", help="also list each file's checksum")
    p.set_defaults(func=_validate)


def add_manifest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``manifest`` subcommand."""
    p = sub.add_parser(
        "manifest",
        help="recompute a dataset manifest's checksums and counts",
        description="Rewrite PATH/manifest.json with the checksums and counts of the data files as they "
        "are now, then validate. Use after an intended change to the data (and bump the version).",
    )
    p.add_argument("path", type=Path, metavar="PATH", help="dataset directory")
    p.set_defaults(func=_manifest)


def add_convert(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``convert`` subcommand."""
    p = sub.add_parser(
        "convert",
        help="convert an external benchmark's files into a claimbench dataset directory",
        description="Read an external benchmark's files from the paths given (never downloads) and write "
        "a validated claimbench dataset directory. Formats: fnc1 (FNC-1 bodies and stances CSV files); "
        "emergent, perspectrum, nli (one CSV of claim-vs-claim pairs, --pairs).",
    )
    p.add_argument("format", choices=["fnc1", "emergent", "perspectrum", "nli"], help="the input format")
    p.add_argument("--bodies", type=Path, help="FNC-1 *_bodies.csv")
    p.add_argument("--stances", type=Path, help="FNC-1 *_stances.csv")
    p.add_argument("--pairs", type=Path, help="emergent, perspectrum, nli: the CSV of pairs")
    p.add_argument(
        "--split",
        choices=["all", "train", "dev", "train-body", "dev-body"],
        default="all",
        help="all pairs, or a part of a development split: fnc1 train/dev are disjoint in rumours, "
        "headlines and bodies (train-body/dev-body: the old body-disjoint 80/20 split, seed 1489, for "
        "comparison only); the others split train/dev by claim or premise text",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="dataset directory to write")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR if it is a claimbench dataset directory holding nothing else",
    )
    p.add_argument("--overwrite", action="store_true", help=argparse.SUPPRESS)  # deprecated: --force
    p.set_defaults(func=_convert)


def add_agreement(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``agreement`` subcommand."""
    from claimbench.data.agreement_stats import RESAMPLES, SEED

    p = sub.add_parser(
        "agreement",
        help="inter-annotator agreement between two annotations of the same articles",
        description="Compare annotation B with annotation A (dataset directories or ids): claims matched by "
        "span, quantities and times by span within a claim, relations by the pair of their claims' spans. "
        "Per field: Cohen's kappa, Krippendorff's alpha (nominal; interval for numeric values), observed "
        "agreement, confusion matrix, bootstrap intervals and the disagreements with both rationales; "
        "also the agreement on which relations to label. Prints Markdown unless --json/--markdown name "
        "files to write (atomically).",
    )
    p.add_argument("dataset_a", metavar="DATASET_A", help="first annotation (dataset directory or id)")
    p.add_argument("dataset_b", metavar="DATASET_B", help="second annotation (dataset directory or id)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report to FILE")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="write the Markdown report to FILE")
    p.add_argument("--seed", type=int, default=SEED, help=f"bootstrap seed (default {SEED})")
    p.add_argument(
        "--resamples", type=int, default=RESAMPLES, help=f"bootstrap resamples (default {RESAMPLES}; 0: none)"
    )
    p.set_defaults(func=_agreement)


def add_migrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``migrate`` subcommand."""
    p = sub.add_parser(
        "migrate",
        help="upgrade a dataset from record schema 1.0.0 to 1.1.0 in place",
        description="Rewrite PATH's claims as record schema 1.1.0: strict quantity qualifiers (more_than, "
        "less_than) and time-expression qualifiers where the article's trigger words say so, and "
        "schema_version in the manifest (checksums updated). Lists every change. 1.0.0 datasets also load "
        "without migrating; the version is left for you to bump.",
    )
    p.add_argument("path", type=Path, metavar="PATH", help="dataset directory")
    p.set_defaults(func=_migrate)


def _validate(args: argparse.Namespace) -> int:
    from claimbench.data.dataset import validate_stream  # validate_dataset's problems, records not held
    from claimbench.publish.cite import known_datasets

    status = EXIT_OK
    known = known_datasets()
    for path in args.paths:  # a directory, or the id of a bundled dataset; messages use the name given
        root = path if path.exists() else known.get(str(path), path)
        if (why := not_a_dataset(root)) is not None:
            status = usage_error(why)
            continue
        dataset, problems = validate_stream(root)
        for problem in problems:
            print(problem)
        if dataset is None:
            status = max(status, EXIT_FAILED)
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
    """``claimbench manifest DIR``: recompute the checksums and counts, then validate (as ``validate``)."""
    from claimbench.data.dataset import validate_dataset
    from claimbench.data.layout import MANIFEST
    from claimbench.data.write import refresh_manifest

    if (why := not_a_dataset(args.path)) is not None:
        return usage_error(why)
    root = args.path.parent if args.path.name == MANIFEST else args.path
    changed, problems = refresh_manifest(root)
    if changed is None:
        for problem in problems:
            print(problem)
        print(f"{root / MANIFEST}: invalid, not rewritten; {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"{'updated' if changed else 'already up to date:'} {root / MANIFEST}")
    _, problems = validate_dataset(root)
    for problem in problems:
        print(problem)
    return EXIT_FAILED if problems else EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from claimbench.data.adapters import fnc1, open_dataset, save
    from claimbench.data.dataset import DatasetError
    from claimbench.data.outdir import check_replaceable, dataset_dir_problem

    if args.overwrite:
        print("warning: --overwrite is deprecated; use --force", file=sys.stderr)
    force = args.force or args.overwrite
    if args.format == "fnc1":
        if args.bodies is None or args.stances is None:
            return usage_error("fnc1 needs --bodies and --stances")
        inputs: tuple[Path, ...] = (args.bodies, args.stances)
    else:
        if args.pairs is None:
            return usage_error(f"{args.format} needs --pairs (its CSV file)")
        if not args.pairs.is_file():
            return usage_error(f"{args.pairs}: no such file")
        inputs = (args.pairs,)
    try:
        check_replaceable(args.out, inputs=inputs, owned=dataset_dir_problem, force=force)  # before reading
        if args.format == "fnc1":
            loaded = fnc1.load(args.bodies, args.stances, split=args.split)
        else:
            loaded = open_dataset(None, args.format, {"pairs": str(args.pairs), "split": args.split})
        dataset = save(loaded, args.out, overwrite=force, inputs=inputs)
    except DatasetError as exc:  # what was converted is invalid: its problems on stdout, as before
        return failed(exc, problems_to=sys.stdout)
    except ClaimbenchError as exc:  # an unusable --out or a missing input file (2), bad FNC-1 data (1)
        return failed(exc)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = dataset.manifest["counts"]
    print(
        f"wrote {args.out}: {dataset.id} v{dataset.version}, {counts['articles']} articles, "
        f"{counts['claims']} claims, {counts['relations']} relations; checksum {dataset.checksum}"
    )
    return 0


def _agreement(args: argparse.Namespace) -> int:
    """``claimbench agreement A B``: inter-annotator agreement of two annotations of the same articles."""
    from claimbench.data.agreement import compare_datasets
    from claimbench.data.agreement_report import render_markdown, write_agreement

    datasets = []
    for name in (args.dataset_a, args.dataset_b):
        ds = load_named(name)
        if isinstance(ds, int):
            return ds
        datasets.append(ds)
    report = compare_datasets(*datasets, seed=args.seed, resamples=args.resamples)
    write_agreement(report, args.json, args.markdown)
    for path in (args.json, args.markdown):
        if path is not None:
            print(f"wrote {path}")
    if args.json is None and args.markdown is None:
        print(render_markdown(report), end="")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """``claimbench migrate PATH``: upgrade a dataset from record schema 1.0.0 to 1.1.0 in place."""
    from claimbench.data.migrate import migrate_dataset

    if (why := not_a_dataset(args.path)) is not None:
        return usage_error(why)
    try:
        changes = migrate_dataset(args.path)
    except ClaimbenchError as exc:
        return failed(exc, note="; nothing migrated")
    for change in changes:
        print(change)
    if not changes:
        print(f"{args.path}: already at the current record schema; nothing to do")
    else:
        print(
            f"{args.path}: migrated ({len(changes)} change(s)); "
            "bump the dataset's version (see its CHANGELOG)"
        )
    return 0
