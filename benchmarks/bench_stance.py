"""Throughput of the FNC-1 stance model: bare, through ``claimbench run``, and of the rule-based scorer.

What it measures
    Batch prediction (feature extraction included) on the dev pairs of the rumour-disjoint split
    (``split = "dev"``, see ``train_stance.py``): pairs per second and wall time (best of ``--repeats``,
    each from a cold per-text cache), the peak
    Python heap during one prediction (``tracemalloc``, measured in a separate untimed run
    because tracing slows allocation), and the process's peak resident set size.  The learned
    model and the rule-based baseline run in the same process, and the ratio is printed.
    Threads are pinned to one (``OMP_NUM_THREADS`` etc. are set before numpy is imported).

    Bodies repeat across FNC-1 pairs and both scorers analyse each distinct text once per batch,
    so throughput depends on batch size; ``--batch-size`` (default 0 = all dev pairs at once)
    shows the effect.

    Then the same model file is scored through the runner (``claimbench.run.runner.run`` on a spec with
    the fnc1 adapter's dev split and ``source-agreement`` with ``model = <file>``, no cache reuse,
    serial engine) at ``--runner-batches`` (default 2000 and 50), each run from cold per-text caches:
    the checker's pairs/s as the report records it (``items_per_second``: cache keys, lookups,
    checking and cache writes), the run's wall time (reading and splitting the data included), and the
    ratio to the bare model's pairs/s measured above in this process, and to the bare model fed the same
    batch size (measured just before each runner run): the first ratio says what small batches cost in
    all, the second what of that the runner adds.  The model file is read once,
    through the checker's own cache (``load_model``), before anything is timed; that load is printed
    on its own line, since a process pays it once however many pairs it scores.

Usage::

    PYTHONPATH=toolkit python benchmarks/bench_stance.py [--data DIR] [--model PATH]

Without a model file a model is trained first (single-threaded, a few minutes).  When the data
folder is absent the benchmark prints why and exits 0 (skipped).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fnc1"
DEFAULT_MODEL = REPO / "reports" / "stance" / "fnc1_stance.skops"

Predict = Callable[[Sequence[str], Sequence[str]], list[str]]


def _batched(predict: Predict, heads: list[str], bodies: list[str], size: int) -> list[str]:
    if size <= 0:
        return predict(heads, bodies)
    out: list[str] = []
    for i in range(0, len(heads), size):
        out += predict(heads[i : i + size], bodies[i : i + size])
    return out


def _measure(
    name: str,
    predict: Predict,
    heads: list[str],
    bodies: list[str],
    repeats: int,
    batch: int,
    fresh: Callable[[], None] = lambda: None,
) -> tuple[float, float]:
    """(pairs per wall second, pairs per CPU second of this process), best of ``repeats``; ``fresh`` runs
    before each whole (batched) pass, untimed: the per-text caches start cold once per pass and are kept
    from batch to batch within it, as in a run."""
    _batched(predict, heads[:200], bodies[:200], batch)  # warm-up (imports, caches)
    times = []
    cpu = []
    for _ in range(repeats):
        fresh()
        start, start_cpu = time.perf_counter(), time.process_time()
        _batched(predict, heads, bodies, batch)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    best = min(times)
    fresh()
    tracemalloc.start()
    _batched(predict, heads, bodies, batch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rate = len(heads) / best
    print(
        f"{name:<16} {len(heads):7d} pairs  best {best:7.3f} s  "
        f"(median {sorted(times)[len(times) // 2]:.3f} s)  {rate:9.0f} pairs/s  "
        f"peak heap {peak / 2**20:7.1f} MiB  CPU {min(cpu):7.3f} s  {len(heads) / min(cpu):9.0f} pairs/CPU-s"
    )
    return rate, len(heads) / min(cpu)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit status (0 also when skipped)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=0, help="0 = one batch of all pairs")
    parser.add_argument("--pairs", type=int, default=0, help="score only the first N dev pairs (0 = all)")
    parser.add_argument(
        "--runner-batches", default="2000,50", help="batch sizes for the runner measurement ('' = skip)"
    )
    args = parser.parse_args(argv)

    bodies_csv = args.data / "train_bodies.csv"
    stances_csv = args.data / "train_stances.csv"
    if not bodies_csv.is_file() or not stances_csv.is_file():
        print(f"SKIPPED: FNC-1 data not found under {args.data} (needs train_*.csv)")
        return 0
    sys.path.insert(0, str(REPO / "toolkit"))
    from claimbench.checkers.stance import load_model
    from claimbench.text.stance import batching
    from claimbench.text.stance.corpus import attach_bodies, read_fnc1, split_stances
    from claimbench.text.stance.model import build_model, save
    from claimbench.text.stance.rules import build_rules

    bodies, stances = read_fnc1(bodies_csv, stances_csv)
    train, dev = split_stances(bodies, stances, "train"), split_stances(bodies, stances, "dev")
    if args.pairs:
        dev = dev.iloc[: args.pairs]
    heads, texts = attach_bodies(bodies, dev)
    if not args.model.is_file():
        print(f"no model at {args.model}: training one on the train split (1 thread) ...")
        start = time.perf_counter()
        train_h, train_b = attach_bodies(bodies, train)
        model = build_model().fit(
            train_h, train_b, train["Stance"].tolist(), groups=train["Body ID"].tolist()
        )
        print(f"trained in {time.perf_counter() - start:.1f} s")
        args.model.parent.mkdir(parents=True, exist_ok=True)
        save(model, args.model, metadata={"split": "train", "note": "trained by bench_stance.py"})
    start = time.perf_counter()
    model = load_model(args.model)  # the object the checker uses below: one load per process
    print(
        f"model: {args.model}; loaded (once per process, not in any rate below) in "
        f"{time.perf_counter() - start:.1f} s"
    )
    rules = build_rules()

    print(
        f"dev pairs: {len(heads)} ({dev['Body ID'].nunique()} distinct bodies, "
        f"{dev['Headline'].nunique()} distinct headlines); batch size "
        f"{args.batch_size or 'all'}; threads 1"
    )

    model_rate, model_cpu = _measure(
        "StanceModel",
        model.predict,
        heads,
        texts,
        args.repeats,
        args.batch_size,
        batching.clear_text_caches,
    )
    rule_rate, _ = _measure("RuleBasedScorer", rules.predict, heads, texts, args.repeats, args.batch_size)
    print(f"model / rules throughput ratio: {model_rate / rule_rate:.2f}")
    for size in [int(x) for x in args.runner_batches.split(",") if x.strip()]:
        same_rate, same_cpu = _measure(
            f"StanceModel/{size}", model.predict, heads, texts, args.repeats, size, batching.clear_text_caches
        )
        rate, seconds, cpu, wall = _through_runner(args.model, bodies_csv, stances_csv, size, args.pairs)
        print(
            f"{'claimbench run':<16} {len(heads):7d} pairs  batch {size:5d}  checker {seconds:7.2f} s  "
            f"{rate:9.0f} pairs/s  runner / bare model: {rate / model_rate:.2f}  (run wall {wall:.2f} s)\n"
            f"{'':<16} {'':7}        {'':11}  check() CPU {cpu:7.2f} s  {len(heads) / cpu:9.0f} pairs/CPU-s  "
            f"runner / bare model by CPU time: {len(heads) / cpu / model_cpu:.2f}\n"
            f"{'':<16} {'':7}        {'':11}  runner / bare model in batches of {size} (the line above it): "
            f"{rate / same_rate:.2f} by wall time, {len(heads) / cpu / same_cpu:.2f} by CPU time"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"process peak RSS: {max_rss / 1024:.0f} MiB")
    return 0


def _through_runner(
    model: Path, bodies_csv: Path, stances_csv: Path, batch: int, pairs: int
) -> tuple[float, float, float, float]:
    """(checker pairs/s, checker seconds, CPU seconds inside ``check``, run wall seconds) of ``claimbench
    run`` scoring the dev split.  CPU time moves much less than wall time with the machine's load."""
    import tempfile

    from claimbench.checkers.stance import SourceAgreementChecker
    from claimbench.run.runner import run
    from claimbench.run.spec import load_spec

    spent = [0.0]
    original = SourceAgreementChecker.check  # inherited, not the class's own: deleted again below
    assert "check" not in vars(SourceAgreementChecker)

    def timed(self: SourceAgreementChecker, items: Any, context: Any) -> Any:
        start = time.process_time()
        try:
            return original(self, items, context)
        finally:
            spent[0] += time.process_time() - start

    with tempfile.TemporaryDirectory() as tmp:
        spec_file = Path(tmp) / "bench.toml"
        spec_file.write_text(
            f'name = "bench-stance"\noutput = "{Path(tmp, "out").as_posix()}"\n'
            + (f"limit = {pairs}\n" if pairs else "")
            + f'[run]\nbatch_size = {batch}\nengine = "serial"\n[bootstrap]\nresamples = 10\n'
            f'[[datasets]]\nadapter = "fnc1"\nbodies = "{bodies_csv.resolve().as_posix()}"\n'
            f'stances = "{stances_csv.resolve().as_posix()}"\nsplit = "dev"\n'
            f'[[checkers]]\nname = "source-agreement"\n'
            f'params = {{ model = "{model.resolve().as_posix()}" }}\n',
            encoding="utf-8",
        )
        from claimbench.text.stance import batching

        batching.clear_text_caches()  # the model stays loaded (once per process); its text caches start cold
        start = time.perf_counter()
        SourceAgreementChecker.check = timed  # type: ignore[method-assign]
        try:
            report = run(load_spec(spec_file), use_cache=False, progress=False)
        finally:
            del SourceAgreementChecker.check  # back to the inherited method
        wall = time.perf_counter() - start
    (checker,) = report.checkers
    return checker.items_per_second, checker.wall_seconds, spent[0], wall


if __name__ == "__main__":
    raise SystemExit(main())
