"""The ``claimbench`` command: argument parsing, and calls into the library. Nothing else lives here.

Exit codes: 0 success, 1 the data (or a run) is bad, 2 the command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claimbench import __version__

if TYPE_CHECKING:
    from claimbench.dataset import Dataset
    from claimbench.engines import Engine

Command = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from claimbench.dataset import validate_stream  # validate_dataset's problems, records not held

    status = 0
    for path in args.paths:
        dataset, problems = validate_stream(path)
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


def _compare(args: argparse.Namespace) -> int:
    """``claimbench compare A B``: every metric of both runs, the changes beyond the CI, changed verdicts."""
    from claimbench.report.compare import compare_reports, load_report, render_compare

    reports = []
    for path in (args.run_a, args.run_b):
        try:
            reports.append(load_report(path))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    table = compare_reports(*reports, label_a=str(args.run_a), label_b=str(args.run_b))
    print(render_compare(table, max_items=args.max_items or None), end="")
    if args.fail_on_regression and table.regressed:
        n = len(table.regressions)
        print(f"\n{n} metric(s) regressed beyond the confidence interval", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    """``claimbench run``: score a benchmark spec, write the reports, print the headline table."""
    import importlib
    import logging

    from claimbench.cache import CacheError
    from claimbench.dataset import DatasetError
    from claimbench.report.json import write_report
    from claimbench.runner import format_table, headline_rows, run
    from claimbench.spec import SpecError, load_spec

    level = logging.WARNING if args.quiet else logging.INFO
    if sys.stderr.isatty():  # log lines above the progress bars instead of through them
        from rich.console import Console
        from rich.highlighter import NullHighlighter
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(
            console=Console(stderr=True),
            show_time=False,
            show_level=False,
            show_path=False,
            highlighter=NullHighlighter(),
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])
    try:
        spec = load_spec(args.spec)
        spec = spec.select(checkers=_split(args.checkers), tasks=_split(args.tasks))
        spec = spec.with_overrides(
            limit=args.limit,
            jobs=args.jobs,
            batch_size=args.batch_size,
            engine="dask" if args.scheduler is not None else args.engine,
            output=args.output,
        )
        engine = _dask_engine(spec.run.jobs, args.scheduler) if spec.run.engine == "dask" else None
        if isinstance(engine, int):
            return engine
        try:
            report = run(
                spec,
                use_cache=not args.no_cache,
                retry_errors=args.retry_errors,
                progress=False if args.quiet else None,
                engine=engine,
            )
        finally:
            if engine is not None:
                engine.close()
    except SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{args.spec}: invalid benchmark spec, {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    except DatasetError as exc:
        for dataset_problem in exc.problems:
            print(dataset_problem, file=sys.stderr)
        print(f"{exc.path}: invalid dataset, {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    except CacheError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    written = write_report(report, spec.output)
    for module, writer in (("markdown", "write_markdown"), ("html", "write_html")):
        try:
            imported = importlib.import_module(f"claimbench.report.{module}")
        except ImportError as exc:
            print(f"note: no {module} report ({exc})", file=sys.stderr)
            continue
        written.append(getattr(imported, writer)(report, spec.output))
    print(format_table(headline_rows(report)))
    errors = sum(s.n_errors for s in report.scores)
    if errors:
        print(f"\n{errors} checker error(s) were recorded; see the error column of predictions.csv")
    print()
    for path in written:
        print(f"wrote {path}")
    return 0


def _dask_engine(jobs: int, scheduler: str | None) -> Engine | int:
    """The dask engine, connected (a LocalCluster started when no scheduler is given), or an exit code."""
    from claimbench.engines_dask import DaskEngine

    where = f"the dask scheduler at {scheduler}" if scheduler else "a local dask cluster"
    try:
        return DaskEngine(jobs=jobs, scheduler=scheduler).connect()
    except (OSError, RuntimeError, ValueError) as exc:  # not installed, unreachable, a bad address
        print(f"error: cannot use {where}: {exc}", file=sys.stderr)
        return 1


def _split(values: Sequence[str] | None) -> list[str] | None:
    """``--checkers a,b --checkers c`` → ``[a, b, c]``; ``None`` when the option was not given."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _jobs(text: str) -> int:
    value = int(text)
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(f"a number of processes, or -1 for every core; got {value}")
    return value


def _load_named(name: str) -> Dataset | int:
    """The dataset ``name`` (a path or an id), or an exit code after printing why it cannot be had."""
    from claimbench.cite import DatasetNotFoundError, load_named_dataset
    from claimbench.dataset import DatasetError

    try:
        return load_named_dataset(name)
    except DatasetNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{exc.path}: invalid dataset, {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1


def _cite(args: argparse.Namespace) -> int:
    """``claimbench cite [DATASET]``: the citation of a dataset (from its manifest) or of the toolkit."""
    from claimbench.cite import citation_of, dataset_citation, format_citation

    if args.dataset is None:
        print(format_citation(citation_of(None), args.format), end="")
        return 0
    ds = _load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    print(format_citation(dataset_citation(ds), args.format), end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    """``claimbench export DATASET --format F --out DIR``: JSONL copy, Parquet tables or a HF folder."""
    from claimbench.export import ExportError, export_dataset

    ds = _load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    try:
        out = export_dataset(ds, args.format, args.out, overwrite=args.force)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}: {ds.id} v{ds.version} as {args.format} (data checksum {ds.checksum})")
    return 0


def _croissant(args: argparse.Namespace) -> int:
    """``claimbench croissant DATASET``: print, write (--write) or check (--check) croissant.json."""
    import json

    from claimbench.croissant import croissant_path, croissant_problems, render_croissant

    ds = _load_named(args.dataset)
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
    from claimbench.datasheet import (
        DatasheetError,
        counts_block,
        datasheet_drift,
        datasheet_path,
        update_datasheet,
    )

    ds = _load_named(args.dataset)
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
    except (DatasheetError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _convert(args: argparse.Namespace) -> int:
    from claimbench.dataset import DatasetError
    from claimbench.datasets import fnc1, save
    from claimbench.stance.data import FNC1DataError

    try:
        dataset = save(
            fnc1.load(args.bodies, args.stances, split=args.split), args.out, overwrite=args.overwrite
        )
    except (FNC1DataError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    counts = dataset.manifest["counts"]
    print(
        f"wrote {args.out}: {dataset.id} v{dataset.version}, {counts['articles']} articles, "
        f"{counts['claims']} claims, {counts['relations']} relations; checksum {dataset.checksum}"
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from claimbench.stance.data import FNC1DataError
    from claimbench.stance.training import train_fnc1

    try:
        metadata = train_fnc1(args.data, args.out, split=args.split)
    except FNC1DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"trained on {metadata['split']['pairs']} pairs ({args.split}) in {metadata['train_seconds']} s; "
        f"saved {args.out}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    from claimbench.engines import ENGINES

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

    p = sub.add_parser(
        "convert",
        help="convert an external benchmark's files into a claimbench dataset directory",
        description="Read an external benchmark's files from the paths given (never downloads) and write "
        "a validated claimbench dataset directory. Formats: fnc1 (FNC-1 bodies and stances CSV files).",
    )
    p.add_argument("format", choices=["fnc1"], help="the input format")
    p.add_argument("--bodies", type=Path, required=True, help="FNC-1 *_bodies.csv")
    p.add_argument("--stances", type=Path, required=True, help="FNC-1 *_stances.csv")
    p.add_argument(
        "--split",
        choices=["all", "train", "dev"],
        default="all",
        help="all pairs, or the train/dev part of the body-disjoint 80/20 split (seed 1489)",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="dataset directory to write")
    p.add_argument("--overwrite", action="store_true", help="replace DIR if it exists")
    p.set_defaults(func=_convert)

    p = sub.add_parser(
        "train",
        help="train a learned checker's model",
        description="Train the source-agreement checker's stance model on FNC-1 training data and save it "
        "with skops (a format that never unpickles arbitrary objects), with the data's checksum, the split "
        "and the parameters. Use it with the checker parameter model = PATH.",
    )
    p.add_argument("checker", choices=["source-agreement"], help="whose model to train")
    p.add_argument(
        "--data",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder with train_bodies.csv, train_stances.csv",
    )
    p.add_argument("--out", type=Path, required=True, metavar="MODEL", help="model file to write (.skops)")
    p.add_argument(
        "--split",
        choices=["train", "all"],
        default="train",
        help="train: the train part of the body-disjoint 80/20 split, keeping dev for evaluation (default)",
    )
    p.set_defaults(func=_train)

    p = sub.add_parser(
        "run",
        help="score checkers on datasets as a benchmark spec describes, and write the reports",
        description="Run a benchmark spec (TOML): every checker on every dataset and task, verdicts "
        "cached per item under OUTPUT/cache (an interrupted run resumes), then metrics with bootstrap "
        "intervals and paired comparisons. Writes report.json, predictions.csv and the Markdown and HTML "
        "reports to OUTPUT and prints the headline table. Exit 0 even when checkers failed on items "
        "(the errors are reported), 1 for an invalid spec or dataset.",
    )
    p.add_argument(
        "spec",
        nargs="?",
        type=Path,
        default=Path("benchmarks/default.toml"),
        metavar="SPEC",
        help="benchmark spec (default: benchmarks/default.toml)",
    )
    p.add_argument(
        "--checkers",
        action="append",
        metavar="NAMES",
        help="only these checkers of the spec (labels or registry names, comma-separated)",
    )
    p.add_argument("--tasks", action="append", metavar="TASKS", help="only these tasks (comma-separated)")
    p.add_argument(
        "--limit", type=_positive, metavar="N", help="only the first N items of each dataset and task"
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes (joblib, or a local dask cluster; -1: every core)",
    )
    p.add_argument("--batch-size", type=_positive, metavar="N", help="items per checker call")
    p.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        help="execution engine (default and local: serial, joblib with --jobs; dask: a Dask cluster)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask scheduler to send batches to (tcp://HOST:PORT; implies --engine dask); without it "
        "--engine dask starts a LocalCluster of --jobs workers on 127.0.0.1",
    )
    p.add_argument(
        "--output", type=Path, metavar="DIR", help="output directory (default: the spec's, reports/latest)"
    )
    p.add_argument("--no-cache", action="store_true", help="recompute every verdict (the cache is refreshed)")
    p.add_argument(
        "--retry-errors", action="store_true", help="recompute cached verdicts that recorded an error"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars or log lines")
    p.set_defaults(func=_run)

    p = sub.add_parser(
        "compare",
        help="compare two runs: metric changes beyond the confidence interval, changed verdicts",
        description="Compare run B with baseline run A (each a run directory holding report.json, or the "
        "file): every metric of both with the difference B - A, flagged when B's value lies outside A's "
        "confidence interval, and the items whose verdict changed. Exit 1 with --fail-on-regression when "
        "a metric got worse beyond the interval (for brier and ece, lower is better); 2 when a run has no "
        "valid report.",
    )
    p.add_argument("run_a", type=Path, metavar="RUN_A", help="baseline run directory or report.json")
    p.add_argument("run_b", type=Path, metavar="RUN_B", help="new run directory or report.json")
    p.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when a metric regressed beyond its CI"
    )
    p.add_argument(
        "--max-items", type=int, default=50, metavar="N", help="list at most N changed verdicts (0: all)"
    )
    p.set_defaults(func=_compare)

    from claimbench.cite import FORMATS as CITE_FORMATS
    from claimbench.export import FORMATS as EXPORT_FORMATS

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

    p = sub.add_parser(
        "export",
        help="export a dataset as JSONL, Parquet tables or a Hugging Face datasets folder",
        description="Write DATASET to the directory DIR: jsonl (a copy with its manifest), parquet (one "
        "file per table; needs pyarrow: pip install 'claimbench[parquet]'), or hf (Parquet data files and "
        "a dataset card that datasets.load_dataset(DIR) reads). Written to a temporary directory first, so "
        "a failed export leaves nothing behind.",
    )
    p.add_argument("dataset", metavar="DATASET", help="dataset directory or id")
    p.add_argument("-f", "--format", choices=EXPORT_FORMATS, required=True, help="export format")
    p.add_argument(
        "-o", "--out", type=Path, required=True, metavar="DIR", help="output directory (new or empty)"
    )
    p.add_argument("--force", action="store_true", help="replace DIR if it exists and is not empty")
    p.set_defaults(func=_export)

    p = sub.add_parser(
        "croissant",
        help="generate a dataset's Croissant 1.0 metadata (croissant.json)",
        description="Print the Croissant 1.0 JSON-LD of DATASET, generated from its manifest, schemas and "
        "data; --write stores it as DATASET/croissant.json, --check exits 1 when that file is out of date. "
        "Required Croissant properties the manifest cannot supply (e.g. url) are reported as warnings.",
    )
    p.add_argument("dataset", metavar="DATASET", help="dataset directory or id")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write DATASET/croissant.json")
    mode.add_argument("--check", action="store_true", help="exit 1 if DATASET/croissant.json is out of date")
    p.set_defaults(func=_croissant)

    p = sub.add_parser(
        "datasheet",
        help="generate the counts block of a dataset's DATASHEET.md",
        description="Print the counts block of DATASET's datasheet, computed from the data; --update "
        "rewrites the block between <!-- counts:begin --> and <!-- counts:end --> in DATASET/DATASHEET.md, "
        "--check exits 1 when it is out of date.",
    )
    p.add_argument("dataset", metavar="DATASET", help="dataset directory or id")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="rewrite the block in DATASET/DATASHEET.md")
    mode.add_argument("--check", action="store_true", help="exit 1 if the block is out of date")
    p.set_defaults(func=_datasheet)
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
