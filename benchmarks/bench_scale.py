"""Scale: items/s and peak memory of a streamed run on 10k to 1M items — one process, two, a Dask cluster.

A synthetic corpus is made (in a temporary directory) from real claim texts that state quantities: the
Mosul claims, the FNC-1 conversion sentences (``datasets/``) and, when ``../shared/data/fnc1`` is beside
the checkout, the FNC-1 headlines with a figure in them. Each synthetic claim is one of those texts with
its numbers perturbed (about half of them scaled by a random factor, keeping their format), so no two
texts repeat and the numeric checker does its real work on every item. Claims are standalone (no
article), labelled with their source's gold label (headlines: ``not_applicable``) — a throughput
fixture, not data: its scores mean nothing. The first ``n`` claims make the corpus of size ``n``.

Each configuration runs **in a fresh subprocess** (so peak memory is its own), on a fresh output
directory, with ``numeric-sanity`` in batches of ``--batch-size``:

* ``bare`` — the bare checker loop on one worker: read the corpus chunk by chunk and call
  ``checker.check(batch, context)``; nothing else (no keys, cache, engine, scoring). The baseline. It
  runs under the same ``gc.freeze()`` the runner puts the objects that exist before checking under
  (``claimbench.run.runner``), so the comparison is of the runner's own work per item; a plain loop without
  it is a few per cent slower still.
* ``local-1`` — ``claimbench.run.runner.run(stream=True)`` with ``--engine local --jobs 1`` (serial).
* ``local-2`` — the same with ``--jobs 2`` (joblib: two loky worker processes).
* ``dask-2`` — the same with ``--engine dask --jobs 2``: a LocalCluster of two worker processes on
  127.0.0.1 (started before the clock starts, like the loky pool is warmed).

Before the clock starts every configuration checks a few real items of the corpus (in this process for
``bare`` and ``local-1``, on every worker for the others): the rates are steady-state ones, not
counting imports and the checker's first-use set-up (pint's unit registry, compiled patterns), which
each process pays once. What that start costs is printed apart (``start s``).

**items/s** is items over the runner's checking time (``check_seconds``: reading, cache lookups and
writes, the engine, compaction, prediction rows), and for ``bare`` over its loop; ``wall`` adds
scoring (``--resamples`` bootstrap resamples). Validation is a one-off per dataset version (a streamed
run validates a checksum once per output directory): it is timed once per size, apart, and each
measured run starts with that record in its cache directory. **Peak memory**: ``ru_maxrss`` of the
runner process; and, sampled every 0.2 s with psutil, the largest worker process and the largest sum
over the whole process tree (runner and workers; for Dask also the nannies, the scheduler is
in-process). The machine is shared: every configuration runs ``--repeat`` times, interleaved, and the
table shows the median and the range [min–max], and ``others``: the cores that other processes on
the machine kept busy during the run (``/proc/stat`` minus this run's processes), to tell noise apart.

Goals (issue): speed-up ≥ 1.8× from one worker to two; peak memory flat (±20 %) from 100k to 1M items;
one worker's items/s within 10 % of the bare loop.

Run: ``python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--repeat 3] [--large-repeat 1]
[--json out.json]`` (about 20 minutes for the defaults on two cores: 10k and 100k three times, 1M once).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "datasets" / "mosul-2016", ROOT / "datasets" / "fnc1-conversions")
FNC1_STANCES = ROOT.parent / "shared" / "data" / "fnc1" / "train_stances.csv"
CONFIGS = ("bare", "local-1", "local-2", "dask-2")
CHECKER = "numeric-sanity"
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


@dataclass(frozen=True)
class Template:
    """A real claim text with at least one figure, and where it comes from."""

    text: str
    gold: str
    source: str
    record: str
    section: str


def templates() -> list[Template]:
    """Every real claim text with a figure: Mosul, FNC-1 conversions, FNC-1 headlines when available."""
    from claimbench.data.dataset import load_dataset

    out: list[Template] = []
    for root in SOURCES:
        dataset = load_dataset(root)
        for claim in dataset.claims.values():
            if claim.numeric_consistency is not None and NUMBER.search(claim.text):
                out.append(
                    Template(claim.text, claim.numeric_consistency.label, dataset.id, claim.id, claim.section)
                )
    if FNC1_STANCES.is_file():
        with FNC1_STANCES.open(encoding="utf-8", newline="") as handle:
            headlines = sorted({row["Headline"] for row in csv.DictReader(handle)})
        for i, headline in enumerate(headlines):
            if NUMBER.search(headline):
                out.append(
                    Template(
                        headline, "not_applicable", "FNC-1 train_stances.csv", f"headline {i}", "headline"
                    )
                )
    return out


def perturb(text: str, rng: random.Random) -> tuple[str, bool]:
    """``text`` with about half its numbers scaled by a factor in [0.5, 1.5], each in its own format."""
    changed = False

    def scale(m: re.Match[str]) -> str:
        nonlocal changed
        if rng.random() < 0.5:
            return m.group(0)
        whole, decimals = m.group(1), m.group(2) or ""
        value = float(whole.replace(",", "") + decimals) * rng.uniform(0.5, 1.5)
        places = max(len(decimals) - 1, 0)
        new = f"{value:,.{places}f}" if "," in whole else f"{value:.{places}f}"
        changed = changed or new != m.group(0)
        return new

    return NUMBER.sub(scale, text), changed


def write_corpus(root: Path, n: int, pool: Sequence[Template], seed: int = 0) -> Path:
    """The first ``n`` synthetic claims as a dataset directory (claims.jsonl and a manifest)."""
    from claimbench.data.write import update_manifest

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    with (root / "claims.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(n):
            t = pool[rng.randrange(len(pool))]
            text, changed = perturb(t.text, rng)
            provenance = {"source": t.source, "record": t.record}
            if changed:
                provenance["perturbation"] = "quantities scaled"
            record = {
                "id": f"scale-{i:07d}",
                "text": text,
                "section": t.section,
                "claim_type": "numeric",
                "check_worthiness": "medium",
                "numeric_consistency": {
                    "label": t.gold,
                    "rationale": "synthetic (bench_scale): label of the source text, not re-annotated",
                },
                "provenance": provenance,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    manifest = {
        "id": f"scale-{n}",
        "title": f"{n} synthetic claims for the scale benchmark",
        "version": "0.0.1",
        "description": "Real claim texts with perturbed quantities; a throughput fixture, not data.",
        "counts": {},
        "licence": {
            "text": "Derived from the bundled datasets and FNC-1 headlines; benchmark use only.",
            "annotations": "CC0-1.0",
        },
        "citation": {
            "title": "claimbench scale fixture",
            "authors": ["claimbench contributors"],
            "year": 2024,
        },
    }
    update_manifest(root, manifest)
    return root


# ---------------------------------------------------------------------------------- one measurement


class _TreeMemory:
    """Peak RSS sampled every ``interval`` s: the sum over this process and its descendants, and the
    largest single descendant (a worker). ``RUSAGE_CHILDREN`` cannot say the latter: a child forked for
    ``git rev-parse`` reports the parent's size."""

    def __init__(self, interval: float = 0.2) -> None:
        self.peak = 0.0
        self.worker = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _run(self, interval: float) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if proc.pid != me.pid:
                    self.worker = max(self.worker, rss / 2**20)
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(interval)

    def __enter__(self) -> _TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _busy_seconds() -> float:
    """CPU seconds every process on the machine has used (``/proc/stat``; 0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    """CPU seconds of this process and of its finished (waited-for) children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _maxrss_mib(who: int) -> float:
    scale = 1 / 2**20 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(who).ru_maxrss * scale


def measure(
    config: str, data: Path, out: Path, batch_size: int, resamples: int, memo: Path | None
) -> dict[str, Any]:
    """One configuration on one corpus, in this (fresh) process."""
    from claimbench.checkers.registry import discover
    from claimbench.data.dataset import STREAM_CHUNK, open_stream
    from claimbench.records import NUMERIC_CONSISTENCY, Context
    from claimbench.run.engines import SerialEngine, batched, make_engine
    from claimbench.run.runner import run
    from claimbench.run.spec import BenchmarkSpec, BootstrapSpec, CheckerSpec, DatasetSpec, RunSettings

    registry = discover()
    result: dict[str, Any] = {"config": config}
    stream = open_stream(data, validate=False)  # reads the corpus once for the context: not timed
    sample = next(stream.chunks(NUMERIC_CONSISTENCY, 64))
    busy, own, wall = _busy_seconds(), _own_seconds(), time.perf_counter()
    with _TreeMemory() as tree:
        if config == "bare":
            checker, context = registry.create(CHECKER), stream.context()
            started = time.perf_counter()
            checker.check(sample, context)  # warm: first-use set-up, as every configuration
            result["start_seconds"] = time.perf_counter() - started
            n, checking = 0, 0.0
            gc.freeze()  # as claimbench.run.runner does while checking
            start = time.perf_counter()
            for chunk in stream.chunks(NUMERIC_CONSISTENCY, STREAM_CHUNK):
                for batch in batched(chunk, batch_size):
                    t = time.perf_counter()
                    checker.check(batch, context)
                    checking += time.perf_counter() - t
                n += len(chunk)
            seconds = time.perf_counter() - start
            gc.unfreeze()
            result.update(items=n, check_seconds=seconds, wall_seconds=seconds, checker_only_seconds=checking)
        elif config == "validate":  # a run of one item: validates the corpus, records it in the cache
            spec = BenchmarkSpec(
                datasets=(DatasetSpec(data),),
                checkers=(CheckerSpec(CHECKER, CHECKER),),
                tasks=(NUMERIC_CONSISTENCY,),
                bootstrap=BootstrapSpec(resamples=1),
                limit=1,
                output=out,
            )
            report = run(spec, registry=registry, progress=False, stream=True)
            result.update(items=1, load_seconds=report.timings["load_seconds"])
        else:
            kind, jobs = config.split("-")
            engine = make_engine(kind, jobs=int(jobs))
            warm = registry.create(CHECKER)
            started = time.perf_counter()  # start the workers; each checks real items once (see above)
            parts = [sample[i :: 2 * int(jobs)] for i in range(2 * int(jobs))]
            list(engine.map_batches(warm, Context(), iter(parts)))
            result["start_seconds"] = time.perf_counter() - started
            if memo is not None:
                (out / "cache").mkdir(parents=True, exist_ok=True)
                shutil.copy(memo, out / "cache" / memo.name)
            spec = BenchmarkSpec(
                datasets=(DatasetSpec(data),),
                checkers=(CheckerSpec(CHECKER, CHECKER),),
                tasks=(NUMERIC_CONSISTENCY,),
                bootstrap=BootstrapSpec(resamples=resamples),
                run=RunSettings(batch_size=batch_size, jobs=int(jobs), engine=kind),
                output=out,
            )
            try:
                report = run(spec, registry=registry, progress=False, engine=engine, stream=True)
            finally:
                engine.close()
                if not isinstance(engine, SerialEngine):
                    from joblib.externals.loky import get_reusable_executor

                    get_reusable_executor().shutdown(wait=True)
            t = report.timings
            result.update(
                items=report.checkers[0].items,
                check_seconds=t["check_seconds"],
                wall_seconds=t["wall_seconds"],
                load_seconds=t["load_seconds"],
                score_seconds=t["score_seconds"],
                engine=report.spec["run"]["engine"],
            )
    elapsed = time.perf_counter() - wall
    others = (_busy_seconds() - busy) - (_own_seconds() - own)  # workers were shut down: counted as own
    result.update(
        other_cpus=max(others, 0.0) / elapsed if elapsed > 0 else 0.0,
        peak_main_mib=_maxrss_mib(resource.RUSAGE_SELF),
        peak_worker_mib=tree.worker,
        peak_tree_mib=tree.peak,
    )
    return result


def _child(config: str, data: Path, out: Path, args: argparse.Namespace, memo: Path | None) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        config,
        "--data",
        str(data),
        "--out",
        str(out),
        "--batch-size",
        str(args.batch_size),
        "--resamples",
        str(args.resamples),
    ]
    if memo is not None:
        command += ["--memo", str(memo)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{config} on {data.name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -------------------------------------------------------------------------------------------- report


def _spread(values: Sequence[float], digits: int = 0) -> str:
    mid = statistics.median(values)
    if len(values) == 1:
        return f"{mid:,.{digits}f}"
    return f"{mid:,.{digits}f} [{min(values):,.{digits}f}–{max(values):,.{digits}f}]"


def _rate(r: dict[str, Any], key: str = "check_seconds") -> float:
    return float(r["items"]) / float(r[key]) if r[key] else math.nan


def report(results: list[dict[str, Any]], sizes: Sequence[int], configs: Sequence[str]) -> str:
    lines = []
    head = (
        f"{'items':>9} {'config':8} {'items/s (check)':>24} {'items/s (wall)':>22} "
        f"{'main MiB':>18} {'worker MiB':>18} {'tree MiB':>18} {'others':>16}"
    )
    lines += [head, "-" * len(head)]
    by: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in results:
        by.setdefault((r["size"], r["config"]), []).append(r)
    for size in sizes:
        for config in configs:
            rs = by.get((size, config), [])
            if not rs:
                continue
            lines.append(
                f"{size:>9,} {config:8} {_spread([_rate(r) for r in rs]):>24} "
                f"{_spread([_rate(r, 'wall_seconds') for r in rs]):>22} "
                f"{_spread([r['peak_main_mib'] for r in rs]):>18} "
                f"{_spread([r['peak_worker_mib'] for r in rs]):>18} "
                f"{_spread([r['peak_tree_mib'] for r in rs]):>18} "
                f"{_spread([r['other_cpus'] for r in rs], 2):>16}"
            )
    lines.append("")

    def rates(size: int, config: str) -> list[float]:
        return [_rate(r) for r in by.get((size, config), [])]

    for size in sizes:
        base, two, dask, bare = (rates(size, c) for c in ("local-1", "local-2", "dask-2", "bare"))
        parts = []
        if base and two:
            ups = [t / b for t in two for b in base]
            parts.append(f"speed-up local 1→2: {_spread(ups, 2)}× (goal ≥ 1.8)")
        if base and dask:
            ups = [d / b for d in dask for b in base]
            parts.append(f"dask-2 vs local-1: {_spread(ups, 2)}×")
        if base and bare:
            over = [100 * (b / r - 1) for b in bare for r in base]
            parts.append(f"local-1 overhead vs bare loop: {_spread(over, 1)} % (goal ≤ 10)")
        if parts:
            lines.append(f"{size:>9,}: " + "; ".join(parts))
    if 100_000 in sizes and 1_000_000 in sizes:
        for config in configs:
            small = [r["peak_main_mib"] for r in by.get((100_000, config), [])]
            large = [r["peak_main_mib"] for r in by.get((1_000_000, config), [])]
            tree_s = [r["peak_tree_mib"] for r in by.get((100_000, config), [])]
            tree_l = [r["peak_tree_mib"] for r in by.get((1_000_000, config), [])]
            if small and large:
                growth = 100 * (statistics.median(large) / statistics.median(small) - 1)
                tree = (
                    100 * (statistics.median(tree_l) / statistics.median(tree_s) - 1)
                    if tree_s and tree_l
                    else 0
                )
                lines.append(
                    f"peak memory 100k→1M, {config}: main {growth:+.1f} %, "
                    f"process tree {tree:+.1f} % (goal ±20)"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes, comma-separated")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"of {', '.join(CONFIGS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each configuration (interleaved)")
    parser.add_argument(
        "--large-repeat", type=int, default=1, help="runs of each configuration at sizes of 500,000 and more"
    )
    parser.add_argument("--batch-size", type=int, default=256, help="items per checker call")
    parser.add_argument("--resamples", type=int, default=100, help="bootstrap resamples of each run")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    parser.add_argument(
        "--keep", type=Path, help="build the corpora here and keep them (default: a temp dir)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memo", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(
            json.dumps(measure(args.child, args.data, args.out, args.batch_size, args.resamples, args.memo))
        )
        return 0

    sizes = sorted(int(s) for s in args.sizes.split(","))
    configs = [c for c in args.configs.split(",") if c]
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        parser.error(f"unknown configuration(s) {sorted(unknown)}; known: {', '.join(CONFIGS)}")
    pool = templates()
    counts: dict[str, int] = {}
    for t in pool:
        counts[t.source] = counts.get(t.source, 0) + 1
    print(f"templates: {len(pool)} real claim texts with figures ({counts})", flush=True)
    print(
        f"cpus: {os.cpu_count()}, batch size {args.batch_size}, {args.repeat} run(s) each, checker {CHECKER}"
    )

    with tempfile.TemporaryDirectory(prefix="claimbench-scale-") as tmp:
        work = args.keep or Path(tmp)
        results: list[dict[str, Any]] = []
        for size in sizes:
            data = work / f"corpus-{size}"
            start = time.perf_counter()
            if not (data / "manifest.json").is_file():
                write_corpus(data, size, pool)
            made = time.perf_counter() - start
            memo_run = _child("validate", data, work / f"validate-{size}", args, None)
            memo = work / f"validate-{size}" / "cache" / "validated.json"
            mib = (data / "claims.jsonl").stat().st_size / 2**20
            print(
                f"{size:>9,} items: corpus {made:.1f} s ({mib:.0f} MiB); "
                f"streamed validation {memo_run['load_seconds']:.1f} s "
                f"({size / memo_run['load_seconds']:,.0f} records/s, once per dataset version)",
                flush=True,
            )
            for rep in range(args.repeat if size < 500_000 else args.large_repeat):
                order = configs if rep % 2 == 0 else configs[::-1]
                for config in order:
                    out = work / f"run-{size}-{config}-{rep}"
                    r = _child(config, data, out, args, memo)
                    r["size"], r["repeat"] = size, rep
                    results.append(r)
                    shutil.rmtree(out, ignore_errors=True)
                    print(
                        f"  {config:8} run {rep + 1}: {_rate(r):8,.0f} items/s, "
                        f"check {r['check_seconds']:7.1f} s, start {r.get('start_seconds', 0.0):4.1f} s, "
                        f"main {r['peak_main_mib']:6.0f} MiB, "
                        f"tree {r['peak_tree_mib']:6.0f} MiB, "
                        f"others {r['other_cpus']:.2f} CPUs",
                        flush=True,
                    )
            shutil.rmtree(work / f"validate-{size}", ignore_errors=True)
        print()
        print(report(results, sizes, configs))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
