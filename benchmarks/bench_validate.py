"""Validation speed: claims/s and peak memory of validating one article of 200,025 claims.

The dataset is the Mosul dataset's article repeated ``--copies`` times (4,445 by default) as one article,
with its 45 claims repeated at the shifted offsets — 200,025 claims, all in that article, every span,
quantity, time and attribution valid (so every check runs on every claim and none fails). It is written
to a temporary directory. Each measurement runs **in a fresh subprocess**, so its peak memory
(``ru_maxrss``) is its own:

* ``validate`` — the ``claimbench validate DIR`` command (``claimbench.cli.main``), what a user runs;
* ``stream`` — :func:`claimbench.data.dataset.open_stream`, the validating pass a streamed run makes (it also
  keeps the claims that lie in an article, for the checkers' context);
* ``floor`` — import claimbench and read the article: the memory any validation needs;
* ``baseline`` — the named baseline: the plain loop ``json.loads`` + jsonschema's
  ``Draft202012Validator(schema, format_checker=FORMAT_CHECKER).iter_errors`` over the claim records (no
  checks across records), on the first ``--baseline-records`` of them (its rate does not depend on how
  many; the whole file would take minutes).

claims/s is claims over the child's wall time from the call to its return (imports excluded; pint's
unit registry, which validation loads once, included); claims/cpu-s over its CPU time (less sensitive
to other processes on a shared machine). The ratios are each path's rates over the baseline's.
``--sizes`` repeats it for fewer copies, to show how peak memory grows with the claim count.

Goal (issue 15): validation at ≥ 20,000 claims/s, and memory that does not grow with the claim count
beyond the article texts.

Run: ``python benchmarks/bench_validate.py [--copies 4445] [--sizes 445,4445] [--baseline-records 5000]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "datasets" / "mosul-2016"
MODES = ("floor", "baseline", "validate", "stream")


def _shift(span: list[int] | None, by: int) -> list[int] | None:
    return None if span is None else [span[0] + by, span[1] + by]


def write_dataset(root: Path, copies: int) -> int:
    """The Mosul article ``copies`` times over as one article, with its claims at every copy; returns
    the number of claims."""
    sys.path.insert(0, str(ROOT / "toolkit"))
    from claimbench.data.write import update_manifest

    root.mkdir(parents=True, exist_ok=True)
    article = json.loads((SOURCE / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    claims = [json.loads(line) for line in (SOURCE / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    step = len(article["text"]) + 1
    big = dict(article, id="one-article", text="\n".join([article["text"]] * copies))
    (root / "articles.jsonl").write_text(json.dumps(big, ensure_ascii=False) + "\n", encoding="utf-8")
    n = 0
    with (root / "claims.jsonl").open("w", encoding="utf-8") as out:
        for k in range(copies):
            by = k * step
            for claim in claims:
                copy = dict(
                    claim, id=f"{claim['id']}-{k}", article_id="one-article", span=_shift(claim["span"], by)
                )
                copy["quantities"] = [
                    dict(q, span=_shift(q["span"], by)) for q in claim.get("quantities", [])
                ]
                copy["times"] = [dict(t, span=_shift(t["span"], by)) for t in claim.get("times", [])]
                if claim.get("attribution"):
                    att = dict(claim["attribution"])
                    for key in ("speaker_span", "verb_span"):
                        att[key] = _shift(att.get(key), by)
                    copy["attribution"] = att
                if claim.get("attributions"):  # record schema 1.1.0: the reporting chain
                    chain = [dict(a) for a in claim["attributions"]]
                    for a in chain:
                        for key in ("speaker_span", "verb_span"):
                            if key in a:
                                a[key] = _shift(a[key], by)
                    copy["attributions"] = chain
                label = claim.get("numeric_consistency")
                if label and label.get("other_claim_ids"):  # point at the same copy's claims
                    copy["numeric_consistency"] = dict(
                        label, other_claim_ids=[f"{i}-{k}" for i in label["other_claim_ids"]]
                    )
                out.write(json.dumps(copy, ensure_ascii=False) + "\n")
                n += 1
    manifest = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("files")
    manifest["id"], manifest["counts"] = "bench-validate", {}
    update_manifest(root, manifest)
    return n


def _child(mode: str, data: Path, baseline_records: int) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT / "toolkit"))
    import io
    from contextlib import redirect_stdout

    from claimbench import cli
    from claimbench.data import dataset, schema

    claims = data / "claims.jsonl"
    if mode == "baseline":
        from jsonschema import Draft202012Validator

        checker = Draft202012Validator(
            schema.load_schema("claim"), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        with claims.open("rb") as handle:
            lines = [handle.readline() for _ in range(baseline_records)]
        started, cpu = time.perf_counter(), time.process_time()
        problems = sum(len(list(checker.iter_errors(json.loads(line)))) for line in lines)
        n = len(lines)
    else:
        with claims.open("rb") as handle:
            n = sum(1 for _ in handle)
        started, cpu = time.perf_counter(), time.process_time()
        if mode == "floor":
            text = json.loads((data / "articles.jsonl").read_text(encoding="utf-8"))["text"]
            problems = 0 if text else 1
        elif mode == "validate":
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                problems = cli.main(["validate", str(data)])
            if problems:
                raise SystemExit(f"validation failed:\n{buffer.getvalue()[:2000]}")
        else:
            dataset.open_stream(data)
            problems = 0
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "mode": mode,
        "claims": n,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "problems": problems,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(mode: str, data: Path, baseline_records: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        str(data),
        "--baseline-records",
        str(baseline_records),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(rows: Sequence[dict[str, Any]]) -> str:
    head = (
        f"{'claims':>9} {'path':<9} {'measured':>9} {'wall s':>8} {'cpu s':>8} {'claims/s':>10} "
        f"{'vs baseline':>12} {'claims/cpu-s':>13} {'vs baseline':>12} {'peak MiB':>9}"
    )
    lines = [head, "-" * len(head)]
    for size in dict.fromkeys(r["size"] for r in rows):
        group = [r for r in rows if r["size"] == size]
        base = next((r for r in group if r["mode"] == "baseline"), None)
        base_rate = base["claims"] / base["seconds"] if base else None
        base_cpu = base["claims"] / base["cpu_seconds"] if base else None
        for r in group:
            rate = r["claims"] / r["seconds"] if r["mode"] != "floor" else None
            cpu = r["claims"] / r["cpu_seconds"] if r["mode"] != "floor" and r["cpu_seconds"] else None
            ratio = f"{rate / base_rate:.1f}×" if rate and base_rate else ""
            cpu_ratio = f"{cpu / base_cpu:.1f}×" if cpu and base_cpu else ""
            lines.append(
                f"{size:>9,} {r['mode']:<9} {r['claims']:>9,} {r['seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
                f"{(f'{rate:,.0f}' if rate else ''):>10} {ratio:>12} {(f'{cpu:,.0f}' if cpu else ''):>13} "
                f"{cpu_ratio:>12} {r['maxrss_mib']:>9.0f}"
            )
    sizes = sorted({r["size"] for r in rows})
    if len(sizes) > 1:
        for mode in ("validate", "stream"):
            small = next((r for r in rows if r["size"] == sizes[0] and r["mode"] == mode), None)
            large = next((r for r in rows if r["size"] == sizes[-1] and r["mode"] == mode), None)
            floors = [next((r for r in rows if r["size"] == s and r["mode"] == "floor"), None) for s in sizes]
            if small and large and floors[0] and floors[-1]:
                extra = (large["maxrss_mib"] - floors[-1]["maxrss_mib"]) - (
                    small["maxrss_mib"] - floors[0]["maxrss_mib"]
                )
                per = extra * 1024 * 1024 / (sizes[-1] - sizes[0])
                lines.append(
                    f"{mode}: peak memory above the floor grows by {extra:.0f} MiB from {sizes[0]:,} to "
                    f"{sizes[-1]:,} claims ({per:.0f} bytes per claim)"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--copies", type=int, default=4445, help="copies of the Mosul article (45 claims each)"
    )
    parser.add_argument("--sizes", default="", help="more copy counts to measure too, comma-separated")
    parser.add_argument("--baseline-records", type=int, default=5000)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help="print the table of a --json file and stop")
    args = parser.parse_args(argv)
    if args.table:
        print(report(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]), args.baseline_records)))
        return 0
    copies = sorted({args.copies, *(int(s) for s in args.sizes.split(",") if s.strip())})
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        for c in copies:
            data = Path(tmp) / f"copies-{c}"
            size = write_dataset(data, c)
            for mode in args.modes.split(","):
                row = measure(mode, data, min(args.baseline_records, size))
                row["size"] = size
                rows.append(row)
                print(
                    f"  {size:,} claims, {mode}: {row['seconds']:.2f} s, {row['maxrss_mib']:.0f} MiB",
                    flush=True,
                )
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
