"""The ``claimbench`` command: argument parsing, and calls into the library. Nothing else lives here.

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
import contextlib
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from claimbench import __version__
from claimbench._display import revealing_stdio
from claimbench.errors import ClaimbenchError

if TYPE_CHECKING:
    from typing import TextIO

    from claimbench.data.dataset import Dataset
    from claimbench.run.engines import Engine

Command = Callable[[argparse.Namespace], int]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_CODES = (
    "exit status: 0 success; 1 the data or the run failed (an invalid dataset, spec or report, a check "
    "that found a difference); 2 the command line is wrong (a bad option or value, a named file or "
    "dataset that does not exist, an unknown checker or task)"
)
"""The exit-code rule as ``--help`` states it (see the module docstring)."""


def _usage_error(message: str) -> int:
    """Print ``error: message`` to stderr; the exit code for a wrong command line."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _failed(exc: ClaimbenchError, *, note: str = "", problems_to: TextIO | None = None) -> int:
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


def _not_a_dataset(path: Path) -> str | None:
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


def _validate(args: argparse.Namespace) -> int:
    from claimbench.data.dataset import validate_stream  # validate_dataset's problems, records not held
    from claimbench.publish.cite import known_datasets

    status = EXIT_OK
    known = known_datasets()
    for path in args.paths:  # a directory, or the id of a bundled dataset; messages use the name given
        root = path if path.exists() else known.get(str(path), path)
        if (why := _not_a_dataset(root)) is not None:
            status = _usage_error(why)
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

    if (why := _not_a_dataset(args.path)) is not None:
        return _usage_error(why)
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
        if not (path / "report.json" if path.is_dir() else path).is_file():
            return _usage_error(f"{path}: no such run directory or report (no report.json)")
        try:
            reports.append(load_report(path))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
    table = compare_reports(*reports, label_a=str(args.run_a), label_b=str(args.run_b))
    print(render_compare(table, max_items=args.max_items or None), end="")
    if args.fail_on_regression and table.regressed:
        n = len(table.regressions)
        print(f"\n{n} metric(s) regressed beyond the confidence interval", file=sys.stderr)
        return 1
    return 0


def _run(args: argparse.Namespace) -> int:
    """``claimbench run``: score a benchmark spec, write the reports, print the headline table.

    The output directory is checked and locked (:mod:`claimbench.data.outdir`) from before the run starts
    until its last report is written.
    """
    with contextlib.ExitStack() as held:
        return _run_spec(args, held)


def _run_spec(args: argparse.Namespace, held: contextlib.ExitStack[bool | None]) -> int:
    import logging

    from claimbench.data.bundled import resolve_spec
    from claimbench.data.outdir import claim_output
    from claimbench.report.console import format_table, headline_rows
    from claimbench.report.files import write_reports
    from claimbench.run.runner import run
    from claimbench.run.spec import SpecError, load_spec

    live = _setup_logging(quiet=args.quiet, verbose=args.verbose)
    args.spec = resolve_spec(args.spec)  # a file, `default` (bundled), or none given
    if not args.spec.is_file():
        return _usage_error(f"{args.spec}: no such benchmark spec file")
    try:
        spec = load_spec(args.spec)
        try:
            spec = spec.select(checkers=_split(args.checkers), tasks=_split(args.tasks))
        except SpecError as exc:  # an unknown name on the command line, not a broken spec
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
            return EXIT_USAGE
        spec = spec.with_overrides(
            limit=args.limit,
            jobs=args.jobs,
            batch_size=args.batch_size,
            engine="dask" if args.scheduler is not None else args.engine,
            output=args.output,
        )
        held.enter_context(
            claim_output(spec.output, force=args.force, wait=args.wait, on_wait=logging.getLogger().warning)
        )
        engine = (
            _dask_engine(spec.run.jobs, args.scheduler, verbose=args.verbose)
            if spec.run.engine == "dask"
            else None
        )
        if isinstance(engine, int):
            return engine
        try:
            with _live_display(live):
                report = run(
                    spec,
                    use_cache=not args.no_cache,
                    retry_errors=args.retry_errors,
                    progress=live,
                    engine=engine,
                )
        finally:
            if engine is not None:
                engine.close()
    except ClaimbenchError as exc:  # a broken spec, dataset or cache (1); an unusable output (2)
        return _failed(exc)

    written = write_reports(report, spec.output)
    print(format_table(headline_rows(report)))
    errors = sum(s.n_errors for s in report.scores)
    if errors:
        print(f"\n{errors} checker error(s) were recorded; see the error column of predictions.csv")
    print()
    for path in written:
        print(f"wrote {path}")
    for reason in report.failures:  # a failed run: said last on stderr too, and exit 1
        print(f"error: failed run: {reason}", file=sys.stderr)
    return 1 if report.failures else 0


def _setup_logging(*, quiet: bool, verbose: bool) -> bool:
    """Log lines to stderr; returns whether a live display (spinners, bars) is shown.

    On a terminal, records go through the rich console the live display draws on (so a line is printed
    above the bars, never into them); in a pipe or a file, as plain lines and without bars. ``quiet``:
    warnings only. ``distributed`` (the dask engine's cluster) logs warnings only unless ``verbose``.
    """
    import logging

    from claimbench.progress import rich_log_handler

    live = sys.stderr.isatty() and not quiet
    handler = rich_log_handler() if live else logging.StreamHandler(sys.stderr)
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler])
    return live


def _quiet_dask(verbose: bool) -> None:
    """``distributed``'s loggers at WARNING (INFO with ``-v``); run after it is imported, which sets them."""
    import logging

    for name in ("distributed", "bokeh", "tornado"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)


def _live_display(live: bool) -> AbstractContextManager[object]:
    """Stages as spinners and the bars on one rich live display, or (``live=False``) as log lines."""
    from contextlib import nullcontext

    from claimbench.progress import rich_reporting

    return rich_reporting() if live else nullcontext()


def _dask_engine(jobs: int, scheduler: str | None, *, verbose: bool = False) -> Engine | int:
    """The dask engine (connected now when a scheduler is named, to fail early), or an exit code.

    A LocalCluster is started by the engine on the first batch to compute, so none is started when the
    cache holds every verdict.
    """
    from claimbench.run.engines_dask import DaskEngine

    where = f"the dask scheduler at {scheduler}" if scheduler else "a local dask cluster"
    try:
        engine = DaskEngine(jobs=jobs, scheduler=scheduler)
        _quiet_dask(verbose)
        return engine.connect() if engine.scheduler is not None else engine
    except (OSError, RuntimeError, ValueError) as exc:  # not installed, unreachable, a bad address
        print(f"error: cannot use {where}: {exc}", file=sys.stderr)
        return 1


def _split(values: Sequence[str] | None) -> list[str] | None:
    """``--checkers a,b --checkers c`` → ``[a, b, c]``; ``None`` when the option was not given."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _integer(text: str) -> int:
    """``int(text)``, failing with a message argparse can show (not ``invalid _jobs value``)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _jobs(text: str) -> int:
    value = _integer(text)
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(f"a number of processes, or -1 for every core; got {value}")
    return value


def _load_named(name: str) -> Dataset | int:
    """The dataset ``name`` (a path or an id), or an exit code after printing why it cannot be had."""
    from claimbench.publish.cite import load_named_dataset, resolve_dataset

    try:
        resolved = resolve_dataset(name)
        if (why := _not_a_dataset(resolved)) is not None:
            return _usage_error(why)
        return load_named_dataset(name)
    except ClaimbenchError as exc:  # no such dataset (2), an invalid one (1)
        return _failed(exc)


def _cite(args: argparse.Namespace) -> int:
    """``claimbench cite [DATASET]``: the citation of a dataset (from its manifest) or of the toolkit."""
    from claimbench.publish.cite import citation_of, dataset_citation, format_citation

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
    from claimbench.publish.export import export_dataset

    ds = _load_named(args.dataset)
    if isinstance(ds, int):
        return ds
    try:
        out = export_dataset(ds, args.format, args.out, overwrite=args.force)
    except ClaimbenchError as exc:  # an output that may not be written (2), a missing dependency (1)
        return _failed(exc)
    print(f"wrote {out}: {ds.id} v{ds.version} as {args.format} (data checksum {ds.checksum})")
    return 0


def _croissant(args: argparse.Namespace) -> int:
    """``claimbench croissant DATASET``: print, write (--write) or check (--check) croissant.json."""
    import json

    from claimbench.publish.croissant import croissant_path, croissant_problems, render_croissant

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
    from claimbench.publish.datasheet import (
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
    except ClaimbenchError as exc:  # no counts block to update
        return _failed(exc)
    except FileNotFoundError as exc:  # no datasheet file
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _convert(args: argparse.Namespace) -> int:
    from claimbench.data.adapters import fnc1, open_dataset, save
    from claimbench.data.dataset import DatasetError
    from claimbench.data.outdir import check_replaceable, dataset_dir_problem

    if args.overwrite:
        print("warning: --overwrite is deprecated; use --force", file=sys.stderr)
    force = args.force or args.overwrite
    if args.format == "fnc1":
        if args.bodies is None or args.stances is None:
            return _usage_error("fnc1 needs --bodies and --stances")
        inputs: tuple[Path, ...] = (args.bodies, args.stances)
    else:
        if args.pairs is None:
            return _usage_error(f"{args.format} needs --pairs (its CSV file)")
        if not args.pairs.is_file():
            return _usage_error(f"{args.pairs}: no such file")
        inputs = (args.pairs,)
    try:
        check_replaceable(args.out, inputs=inputs, owned=dataset_dir_problem, force=force)  # before reading
        if args.format == "fnc1":
            loaded = fnc1.load(args.bodies, args.stances, split=args.split)
        else:
            loaded = open_dataset(None, args.format, {"pairs": str(args.pairs), "split": args.split})
        dataset = save(loaded, args.out, overwrite=force, inputs=inputs)
    except DatasetError as exc:  # what was converted is invalid: its problems on stdout, as before
        return _failed(exc, problems_to=sys.stdout)
    except ClaimbenchError as exc:  # an unusable --out or a missing input file (2), bad FNC-1 data (1)
        return _failed(exc)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = dataset.manifest["counts"]
    print(
        f"wrote {args.out}: {dataset.id} v{dataset.version}, {counts['articles']} articles, "
        f"{counts['claims']} claims, {counts['relations']} relations; checksum {dataset.checksum}"
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from claimbench.train.fnc1 import train_fnc1

    if not args.data.is_dir():
        return _usage_error(f"{args.data}: no such directory")
    live = _setup_logging(quiet=args.quiet, verbose=False)
    try:
        with _live_display(live):
            metadata = train_fnc1(args.data, args.out, split=args.split)
    except ClaimbenchError as exc:  # a missing FNC-1 file (2), malformed FNC-1 data (1)
        return _failed(exc)
    print(
        f"trained on {metadata['split']['pairs']} pairs ({args.split}) in {metadata['train_seconds']} s; "
        f"saved {args.out}"
    )
    return 0


def _agreement(args: argparse.Namespace) -> int:
    """``claimbench agreement A B``: inter-annotator agreement of two annotations of the same articles."""
    from claimbench.data.agreement import compare_datasets, render_markdown, write_agreement

    datasets = []
    for name in (args.dataset_a, args.dataset_b):
        ds = _load_named(name)
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

    if (why := _not_a_dataset(args.path)) is not None:
        return _usage_error(why)
    try:
        changes = migrate_dataset(args.path)
    except ClaimbenchError as exc:
        return _failed(exc, note="; nothing migrated")
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per job."""
    from claimbench.run.engines import ENGINES

    parser = argparse.ArgumentParser(
        prog="claimbench",
        description="Annotated news claims, pluggable consistency checkers, and a benchmark runner.",
        epilog=EXIT_CODES,
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
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="dataset directory or id")
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
        choices=["train", "train-body", "all"],
        default="train",
        help="train: the train part of the rumour-disjoint development split, keeping dev for evaluation "
        "(default); train-body: that of the old body-disjoint split; all: every pair",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress spinners or stage lines")
    p.set_defaults(func=_train)

    p = sub.add_parser(
        "run",
        help="score checkers on datasets as a benchmark spec describes, and write the reports",
        description="Run a benchmark spec (TOML): every checker on every dataset and task, verdicts "
        "cached per item under OUTPUT/cache (an interrupted run resumes), then metrics with bootstrap "
        "intervals and paired comparisons. Writes report.json, predictions.csv and the Markdown and HTML "
        "reports to OUTPUT and prints the headline table. Exit 0 even when checkers failed on items "
        "(the errors are reported), 1 for an invalid spec or dataset, 2 for a spec file that does not "
        "exist or a --checkers/--tasks name the spec lacks.",
    )
    p.add_argument(
        "spec",
        nargs="?",
        type=Path,
        metavar="SPEC",
        help="benchmark spec file, or `default`: the bundled default benchmark (the default: "
        "./benchmarks/default.toml where there is one, else the bundled default)",
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
    p.add_argument(
        "--force",
        action="store_true",
        help="write into OUTPUT even when it holds report files a claimbench run did not write",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="when another run is using OUTPUT, wait for it to finish instead of refusing",
    )
    p.add_argument("--no-cache", action="store_true", help="recompute every verdict (the cache is refreshed)")
    p.add_argument(
        "--retry-errors", action="store_true", help="recompute cached verdicts that recorded an error"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars or log lines")
    p.add_argument("-v", "--verbose", action="store_true", help="more log lines (and dask's own INFO logs)")
    p.set_defaults(func=_run)

    p = sub.add_parser(
        "compare",
        help="compare two runs: metric changes beyond the confidence interval, changed verdicts",
        description="Compare run B with baseline run A (each a run directory holding report.json, or the "
        "file): every metric of both with the difference B - A, flagged when B's value lies outside A's "
        "confidence interval, and the items whose verdict changed. Exit 1 with --fail-on-regression when "
        "a metric got worse beyond the interval (for brier and ece, lower is better) or a report is "
        "invalid; 2 when a run directory or report does not exist.",
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

    from claimbench.publish.cite import FORMATS as CITE_FORMATS
    from claimbench.publish.export import FORMATS as EXPORT_FORMATS

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

    from claimbench.data.agreement import RESAMPLES, SEED

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
