"""The benchmark subcommands: ``checkers``, ``train``, ``run`` and ``compare``, and what ``run`` and
``train`` share (logging, the live display, the dask engine).

Each ``add_*`` registers one subcommand on the parser :func:`claimbench.cli.build_parser` builds; the
command functions follow the exit-code rule of :mod:`claimbench.cli`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from claimbench._cli.common import EXIT_FAILED, EXIT_USAGE, failed, jobs, positive, split_names, usage_error
from claimbench.errors import ClaimbenchError

if TYPE_CHECKING:
    from claimbench.run.engines import Engine

__all__ = ["add_checkers", "add_compare", "add_run", "add_train"]


def add_checkers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``checkers`` subcommand."""
    p = sub.add_parser(
        "checkers",
        help="list installed checkers",
        description="List every available checker (built in or from the claimbench.checkers entry "
        "point group) with its version, task and origin; broken plugins are reported and skipped.",
    )
    p.set_defaults(func=_checkers)


def add_train(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``train`` subcommand."""
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


def add_run(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``run`` subcommand."""
    from claimbench.run.engines import ENGINES

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
        "--limit", type=positive, metavar="N", help="only the first N items of each dataset and task"
    )
    p.add_argument(
        "--jobs",
        type=jobs,
        metavar="N",
        help="worker processes (joblib, or a local dask cluster; -1: every core)",
    )
    p.add_argument("--batch-size", type=positive, metavar="N", help="items per checker call")
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


def add_compare(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``compare`` subcommand."""
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


def _train(args: argparse.Namespace) -> int:
    from claimbench.train.fnc1 import train_fnc1

    if not args.data.is_dir():
        return usage_error(f"{args.data}: no such directory")
    live = _setup_logging(quiet=args.quiet, verbose=False)
    try:
        with _live_display(live):
            metadata = train_fnc1(args.data, args.out, split=args.split)
    except ClaimbenchError as exc:  # a missing FNC-1 file (2), malformed FNC-1 data (1)
        return failed(exc)
    print(
        f"trained on {metadata['split']['pairs']} pairs ({args.split}) in {metadata['train_seconds']} s; "
        f"saved {args.out}"
    )
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
        return usage_error(f"{args.spec}: no such benchmark spec file")
    try:
        spec = load_spec(args.spec)
        try:
            spec = spec.select(checkers=split_names(args.checkers), tasks=split_names(args.tasks))
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
        return failed(exc)

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


def _compare(args: argparse.Namespace) -> int:
    """``claimbench compare A B``: every metric of both runs, the changes beyond the CI, changed verdicts."""
    from claimbench.report.compare import compare_reports, load_report, render_compare

    reports = []
    for path in (args.run_a, args.run_b):
        if not (path / "report.json" if path.is_dir() else path).is_file():
            return usage_error(f"{path}: no such run directory or report (no report.json)")
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
