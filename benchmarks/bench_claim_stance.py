"""Claim pairs per second through the runner, on one core: ``claim-stance`` against named baselines.

What it measures
    :func:`claimbench.run.runner.run` (serial engine, fresh cache, one process, BLAS threads pinned to one) on
    the claim-vs-claim pairs of the committed samples (``tests/data/pairs_sample``: Emergent, Perspectrum,
    SNLI), replicated to ``--pairs`` distinct pairs (each copy's texts get a numbered suffix, so nothing is
    shared between copies and no cache or per-text memo helps). Per checker: the checking time the runner
    records (keys, cache writes, the engine and the checker; loading and scoring excluded), pairs/s, and
    the whole run's wall time; the peak resident set size of the process at the end. The baselines, timed
    in the same process on the same pairs: ``source-agreement`` (the FNC-1 rule-based scorer) and
    ``majority-baseline`` (no work per item: the runner's own cost), and the bare model (the shipped
archive's ``predict_proba`` on the same pairs in batches of ``--batch-size``, no runner): the ratio to it
is what the runner and the checker's verdicts cost. Goal: ≥ 5,000 pairs/s.

Usage::

    python benchmarks/bench_claim_stance.py [--pairs 20000] [--repeat 3] [--batch-size 2000]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from claimbench.checkers.registry import discover  # noqa: E402
from claimbench.data.adapters import emergent, nli, perspectrum  # noqa: E402
from claimbench.data.write import write_dataset  # noqa: E402
from claimbench.records import SOURCE_AGREEMENT, Claim, Relation  # noqa: E402
from claimbench.run.runner import run  # noqa: E402
from claimbench.run.spec import BenchmarkSpec, BootstrapSpec, CheckerSpec, DatasetSpec, RunSettings  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "pairs_sample"
CHECKERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("claim-stance", {}),
    ("source-agreement", {}),
    ("majority-baseline", {"task": SOURCE_AGREEMENT}),
)


def synthetic(n_pairs: int, root: Path) -> Path:
    """A dataset of ``n_pairs`` claim-vs-claim relations made by replicating the committed samples."""
    samples = [
        emergent.load(SAMPLE / "emergent.csv"),
        perspectrum.load(SAMPLE / "perspectrum.csv"),
        nli.load(SAMPLE / "snli.csv"),
    ]
    base = [
        (s.claims[r.claim_id], s.claims[str(r.other_claim_id)], r)
        for s in samples
        for r in s.relations.values()
    ]
    claims: dict[str, Claim] = {}
    relations: list[Relation] = []
    for i in range(n_pairs):
        a, b, rel = base[i % len(base)]
        copy = i // len(base)
        ids = []
        for claim in (a, b):
            cid = f"{claim.id}-{copy}"
            claims.setdefault(
                cid, Claim(id=cid, text=f"{claim.text} ({copy})", attribution=claim.attribution)
            )
            ids.append(cid)
        relations.append(Relation(id=f"r{i}", claim_id=ids[0], other_claim_id=ids[1], label=rel.label))
    manifest = {
        "id": "claim-pairs-bench",
        "title": "Replicated claim pairs (benchmark only)",
        "version": "0.0.0",
        "description": "Committed Emergent/Perspectrum/SNLI sample pairs, replicated.",
        "licence": {"text": "see tests/data/pairs_sample/README.md", "annotations": "as the sources"},
        "citation": {"title": "benchmark data", "authors": ["claimbench contributors"], "year": 2026},
    }
    write_dataset(root, manifest=manifest, articles=[], claims=claims.values(), relations=relations)
    return root


def _bare_model_seconds(data: Path, batch_size: int, repeat: int) -> float:
    """Best time of the shipped model's ``predict_proba`` over the dataset's pairs, batch by batch."""
    from claimbench.checkers.claim_stance import load_claim_model
    from claimbench.data.dataset import load_dataset

    ds = load_dataset(data)
    pairs = [
        (ds.claims[r.claim_id].text, ds.claims[str(r.other_claim_id)].text) for r in ds.relations.values()
    ]
    model = load_claim_model()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for i in range(0, len(pairs), batch_size):
            batch = pairs[i : i + batch_size]
            model.predict_proba([a for a, _ in batch], [b for _, b in batch])
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (the best is kept)")
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args(argv)
    registry = discover()
    with tempfile.TemporaryDirectory(prefix="claimbench-bench-") as tmp:
        data = synthetic(args.pairs, Path(tmp) / "data")
        results = []
        for name, params in CHECKERS:
            best_check, best_wall, best_cpu = float("inf"), float("inf"), float("inf")
            for i in range(args.repeat):
                spec = BenchmarkSpec(
                    datasets=(DatasetSpec(data),),
                    checkers=(CheckerSpec(name, name, params),),
                    tasks=(SOURCE_AGREEMENT,),
                    bootstrap=BootstrapSpec(resamples=10),
                    run=RunSettings(batch_size=args.batch_size, jobs=1, engine="serial"),
                    output=Path(tmp) / f"{name}-{i}",
                )
                started, cpu = time.perf_counter(), time.process_time()
                report = run(spec, registry=registry, progress=False)
                best_wall = min(best_wall, time.perf_counter() - started)
                best_cpu = min(best_cpu, time.process_time() - cpu)
                best_check = min(best_check, report.checkers[0].wall_seconds)
            results.append((name, best_check, best_wall, best_cpu))
        bare = _bare_model_seconds(data, args.batch_size, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.pairs} claim pairs · batch {args.batch_size} · serial engine, one core · "
        f"best of {args.repeat}"
    )
    print(f"{'checker':20} {'check s':>9} {'pairs/s':>10} {'run wall s':>11} {'run CPU s':>10}")
    for name, check, wall, cpu in results:
        print(f"{name:20} {check:9.3f} {args.pairs / check:10.0f} {wall:11.3f} {cpu:10.3f}")
    print("(run CPU s: this process's CPU time for the whole run, loading and scoring included; on a busy")
    print(" machine it is the steadier figure: pairs / (run CPU s) is a lower bound on one free core's rate)")
    ours = args.pairs / results[0][1]
    print(f"{'bare model':20} {bare:9.3f} {args.pairs / bare:10.0f}   (predict_proba only, same batches)")
    print(f"claim-stance through the runner / bare model: {ours / (args.pairs / bare):.2f}× the throughput")
    for name, check, _, _ in results[1:]:
        print(f"claim-stance / {name}: {ours / (args.pairs / check):.2f}× the throughput")
    print(f"peak RSS {peak:.0f} MiB; goal ≥ 5,000 pairs/s: {'met' if ours >= 5000 else 'missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
