"""How much the runner costs on top of calling a checker directly (goal: at most 10 %).

Builds a synthetic dataset of a few thousand claims by replicating the real Mosul claims (each copy gets
its own article and ids, so clusters stay realistic), then in one process, on the same items:

1. **direct** — ``checker.check(batch, context)`` over the items in batches of the runner's size;
2. **runner** — :func:`claimbench.run.runner.run` with a fresh cache: keys, cache lookups, the engine, the
   error contract and a cache write per batch (the checker's ``wall_seconds``), and then, reported
   apart, the whole run with loading and scoring (bootstrap intervals, comparisons);
3. **runner, cached** — the last run once more, every verdict now from the cache.

Overhead = runner checking time / direct time − 1. The two are timed alternately, each with a fresh
checker instance (as the runner creates one), and the best of ``--repeat`` rounds is kept: on a shared
machine the minimum is the least noisy estimate (as :mod:`timeit` advises). Peak memory is traced
(tracemalloc) in separate, untimed passes, because tracing slows allocation-heavy code and would distort
the timings.

Run: ``python benchmarks/bench_runner.py [--copies 80] [--checker numeric-sanity] [--repeat 3]``.
Without ``--checker`` it uses numeric-sanity when that is registered, else the majority baseline (whose
near-zero cost makes the percentage meaningless; the per-item overhead in microseconds is what counts).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimbench.checkers.base import Checker
from claimbench.checkers.registry import discover
from claimbench.data.dataset import Dataset, load_dataset
from claimbench.data.write import write_dataset
from claimbench.records import NUMERIC_CONSISTENCY, Article, Claim, Context, Item
from claimbench.report.model import Report
from claimbench.run.engines import batched
from claimbench.run.runner import run
from claimbench.run.spec import (
    DEFAULT_BATCH_SIZE,
    BenchmarkSpec,
    BootstrapSpec,
    CheckerSpec,
    DatasetSpec,
    RunSettings,
)

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"


def synthetic(mosul: Dataset, copies: int, root: Path) -> Path:
    """``copies`` copies of every Mosul article and claim, ids suffixed ``-xN``; relations left out."""
    articles: list[Article] = []
    claims: list[Claim] = []
    for k in range(copies):
        for article in mosul.articles.values():
            articles.append(replace(article, id=f"{article.id}-x{k}"))
        for claim in mosul.claims.values():
            gold = claim.numeric_consistency  # the claims it rests on are this copy's
            claims.append(
                replace(
                    claim,
                    id=f"{claim.id}-x{k}",
                    article_id=f"{claim.article_id}-x{k}" if claim.article_id else None,
                    numeric_consistency=gold
                    and replace(gold, other_claim_ids=tuple(f"{c}-x{k}" for c in gold.other_claim_ids)),
                )
            )
    manifest = {
        "id": "mosul-synthetic",
        "title": f"{copies} copies of the Mosul claims",
        "version": "0.0.1",
        "description": "Benchmark fixture for the runner's overhead; not data.",
        "counts": {},
        "licence": dict(mosul.manifest["licence"]),
        "citation": dict(mosul.manifest["citation"]),
    }
    write_dataset(root, manifest=manifest, articles=articles, claims=claims)
    return root


def direct(checker: Checker, items: Sequence[Item], context: Context, batch_size: int) -> float:
    """Seconds for ``checker.check`` over ``items`` in batches, nothing else."""
    start = time.perf_counter()
    for batch in batched(items, batch_size):
        checker.check(batch, context)
    return time.perf_counter() - start


def peak_mib(action: Callable[[], object]) -> float:
    """Peak traced Python memory of ``action``, MiB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--copies", type=int, default=80, help="copies of the Mosul claims (45 each)")
    parser.add_argument("--checker", help="registry name (default: numeric-sanity if registered)")
    parser.add_argument("--params", default="{}", help="checker parameters as JSON")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (the best is kept)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples of the full run")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)

    registry = discover()
    name = args.checker or (
        "numeric-sanity" if "numeric-sanity" in registry.checkers else "majority-baseline"
    )
    params: dict[str, Any] = json.loads(args.params)
    if name == "majority-baseline":
        params.setdefault("task", NUMERIC_CONSISTENCY)
    if not MOSUL.is_dir():
        print(f"{MOSUL} is missing; the benchmark replicates the real Mosul claims", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="claimbench-bench-") as tmp:
        data = synthetic(load_dataset(MOSUL), args.copies, Path(tmp) / "data")
        dataset = load_dataset(data)
        checker = registry.create(name, **params)
        items = dataset.items(str(checker.task))
        context = dataset.context()
        direct(checker, items[: args.batch_size * 2], context, args.batch_size)  # warm up (imports, caches)

        def spec(output: Path) -> BenchmarkSpec:
            return BenchmarkSpec(
                datasets=(DatasetSpec(data),),
                checkers=(CheckerSpec(name, name, params),),
                tasks=(str(checker.task),),
                bootstrap=BootstrapSpec(resamples=args.resamples),
                run=RunSettings(batch_size=args.batch_size, jobs=1, engine="serial"),
                output=output,
            )

        direct_times, runner_checks, runner_walls, cached_checks = [], [], [], []
        report: Report | None = None
        for i in range(args.repeat):
            fresh = registry.create(name, **params)
            direct_times.append(direct(fresh, items, context, args.batch_size))
            out = Path(tmp) / f"run{i}"
            report = run(spec(out), registry=registry, progress=False)
            runner_checks.append(report.checkers[0].wall_seconds)
            runner_walls.append(report.timings["wall_seconds"])
        again = run(spec(out), registry=registry, progress=False)  # the last round's cache, reused
        cached_checks.append(again.checkers[0].wall_seconds)
        assert report is not None
        direct_mem = peak_mib(lambda: direct(checker, items, context, args.batch_size))
        runner_mem = peak_mib(lambda: run(spec(Path(tmp) / "mem"), registry=registry, progress=False))

    n = len(items)
    t_direct = min(direct_times)
    t_runner = min(runner_checks)
    t_cached = min(cached_checks)
    t_wall = min(runner_walls)
    overhead = 100.0 * (t_runner / t_direct - 1.0)
    rows = [
        ("direct checker.check", t_direct, n / t_direct, direct_mem),
        ("runner: checking (fresh cache)", t_runner, n / t_runner, None),
        ("runner: checking (all cached)", t_cached, n / t_cached, None),
        (f"runner: whole run ({args.resamples} resamples)", t_wall, n / t_wall, runner_mem),
    ]
    print(
        f"checker {name} {json.dumps(params)} · {n} claims ({args.copies} × Mosul) · batch {args.batch_size}"
    )
    print(f"best of {args.repeat} alternating rounds; peak memory traced in separate passes\n")
    print(f"{'':36} {'wall s':>9} {'items/s':>10} {'peak MiB':>9}")
    for label, seconds, rate, mem in rows:
        mib = f"{mem:9.1f}" if mem is not None else f"{'':9}"
        print(f"{label:36} {seconds:9.3f} {rate:10.0f} {mib}")
    per_item = 1e6 * (t_runner - t_direct) / n
    verdict = "meets" if overhead <= 10.0 else "misses"
    print(
        f"\nrunner overhead over calling the checker directly: {overhead:+.1f} % "
        f"({per_item:+.1f} µs per item) — {verdict} the ≤ 10 % goal"
    )
    if name == "majority-baseline":
        print(
            "note: the majority baseline does almost no work per item, so the percentage is dominated by "
            "the fixed per-item cost of caching; pass --checker with a real checker for a meaningful one"
        )
    if args.json:
        print(
            json.dumps(
                {
                    "checker": name,
                    "items": n,
                    "direct_seconds": t_direct,
                    "runner_check_seconds": t_runner,
                    "runner_cached_seconds": t_cached,
                    "runner_wall_seconds": t_wall,
                    "overhead_percent": overhead,
                    "overhead_us_per_item": per_item,
                    "direct_peak_mib": direct_mem,
                    "runner_peak_mib": runner_mem,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
