"""The dask engine on a real LocalCluster (two worker processes on 127.0.0.1).

* a small benchmark run on the cluster gives exactly the metrics, comparisons and predictions of the
  local engine, loaded whole or streamed;
* killing a worker process in the middle of a run costs only the batch it was checking: the run
  completes, with the same report;
* a learned checker's model file is loaded once per worker process, however many batches it checks.

The checkers below are importable (``tests.test_engines_dask``) so the workers unpickle them by reference. One
cluster serves the whole module (starting one takes seconds).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "distributed",
    reason="dask.distributed is not installed: pip install -e '.[dask]' (in the dev extra)",
)

from claimbench.checkers.baseline import MajorityBaseline
from claimbench.checkers.loading import LOADS, forget_loaded, load_once
from claimbench.checkers.numeric import NumericSanityChecker
from claimbench.checkers.registry import CheckerInfo, Registry
from claimbench.records import NUMERIC_CONSISTENCY, NUMERIC_LABELS, Context, Item, Verdict
from claimbench.report.model import Report
from claimbench.run.engines import SerialEngine, batched, make_engine
from claimbench.run.engines_dask import DaskEngine
from claimbench.run.runner import run
from claimbench.run.spec import BenchmarkSpec, BootstrapSpec, CheckerSpec, DatasetSpec, RunSettings

ROOT = Path(__file__).resolve().parents[1]
DATASETS = (ROOT / "datasets" / "mosul-2016", ROOT / "datasets" / "fnc1-conversions")


def _label(item: Item) -> Verdict:
    """A deterministic verdict that is right about two items in three."""
    k = sum(item.id.encode())
    return Verdict(item.id, "toy", "1", NUMERIC_LABELS[k % 3], score=0.25 + (k % 3) / 4)


class Killer:
    """Labels like :func:`_label`; kills its own process on the batch holding ``kill_on``, the first time.

    ``marker`` is created (with the pid) before the kill, so the retried batch goes through. Every batch
    appends its item ids to ``log`` first, so the test sees what was computed twice.
    """

    name = "toy"
    version = "1"
    task = NUMERIC_CONSISTENCY
    labels = NUMERIC_LABELS

    def __init__(self, kill_on: str = "", marker: str = "", log: str = "") -> None:
        self.kill_on = kill_on
        self.marker = marker
        self.log = log

    def get_params(self) -> dict[str, Any]:
        return {"kill_on": self.kill_on, "marker": self.marker, "log": self.log}

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        if self.log:
            with open(self.log, "a", encoding="utf-8") as handle:
                handle.write("".join(f"{item.id}\n" for item in items))
        if self.marker and any(item.id == self.kill_on for item in items):
            marker = Path(self.marker)
            if not marker.exists():
                marker.write_text(str(os.getpid()), encoding="utf-8")
                time.sleep(0.5)  # mid-batch: the batches finished before this one have been collected
                os._exit(1)  # the worker process dies, as on a crash or an OOM kill
        return [_label(item) for item in items]


def _load_model(path: Path) -> dict[str, int]:
    """A "model" load that leaves a trace: one line with the loading process's pid per load."""
    with open(f"{path}.loads", "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return {"offset": int(path.read_text(encoding="utf-8"))}


class Learned:
    """A learned checker in the recommended form: it pickles its model's path and loads it with load_once."""

    name = "learned"
    version = "1"
    task = NUMERIC_CONSISTENCY
    labels = NUMERIC_LABELS

    def __init__(self, model_path: str = "") -> None:
        self.model_path = model_path

    def get_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path}

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        model = load_once(self.model_path, _load_model)
        return [
            Verdict(item.id, self.name, self.version, NUMERIC_LABELS[(len(item.id) + model["offset"]) % 3])
            for item in items
        ]


REGISTRY = Registry(
    {
        "numeric-sanity": CheckerInfo(
            "numeric-sanity",
            NumericSanityChecker,
            "built-in",
            NumericSanityChecker.version,
            NUMERIC_CONSISTENCY,
        ),
        "majority-baseline": CheckerInfo(
            "majority-baseline", MajorityBaseline, "built-in", "1.0.0", NUMERIC_CONSISTENCY
        ),
        "toy": CheckerInfo("toy", Killer, "test", "1", NUMERIC_CONSISTENCY),
        "learned": CheckerInfo("learned", Learned, "test", "1", NUMERIC_CONSISTENCY),
    }
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskEngine]:
    """A dask engine on a LocalCluster of two worker processes on 127.0.0.1, for the whole module."""
    engine = DaskEngine(jobs=2).connect()
    try:
        yield engine
    finally:
        engine.close()


def spec(output: Path, *checkers: CheckerSpec, batch_size: int = 8) -> BenchmarkSpec:
    return BenchmarkSpec(
        datasets=tuple(DatasetSpec(path) for path in DATASETS),
        checkers=checkers,
        tasks=(NUMERIC_CONSISTENCY,),
        bootstrap=BootstrapSpec(resamples=200),
        run=RunSettings(batch_size=batch_size),
        output=output,
    )


def results(report: Report) -> dict[str, Any]:
    data = report.to_dict()
    return {k: data[k] for k in ("scores", "comparisons", "predictions", "datasets", "articles")}


BENCHMARK = (
    CheckerSpec("numeric-sanity", "numeric-sanity"),
    CheckerSpec("majority-baseline", "majority", {"task": NUMERIC_CONSISTENCY}),
    CheckerSpec("toy", "toy"),
)


def test_cluster_gives_the_local_engines_report(tmp_path: Path, cluster: DaskEngine) -> None:
    local = run(
        spec(tmp_path / "local", *BENCHMARK), registry=REGISTRY, progress=False, engine=SerialEngine()
    )
    on_dask = run(spec(tmp_path / "dask", *BENCHMARK), registry=REGISTRY, progress=False, engine=cluster)
    assert on_dask.spec["run"]["engine"] == "dask"
    assert [c.reused for c in on_dask.checkers] == [0, 0, 0]
    assert sum(c.items for c in on_dask.checkers) == 3 * (45 + 199)
    assert results(on_dask) == results(local)
    assert len(on_dask.comparisons) == 6  # three checkers on each of two datasets

    streamed = run(
        spec(tmp_path / "stream", *BENCHMARK), registry=REGISTRY, progress=False, engine=cluster, stream=True
    )
    assert streamed.predictions == ()
    assert streamed.articles == ()  # a report carries the articles it has verdicts for: none streamed
    same = {k: v for k, v in results(local).items() if k not in ("predictions", "articles")}
    assert {k: v for k, v in results(streamed).items() if k not in ("predictions", "articles")} == same


def test_a_killed_worker_costs_only_its_batch(tmp_path: Path, cluster: DaskEngine) -> None:
    marker, calls = tmp_path / "killed", tmp_path / "calls.log"
    (tmp_path / "never").write_text("already", encoding="utf-8")
    params = {"kill_on": "fnc1conv-0100", "marker": str(tmp_path / "never")}
    local = run(
        spec(tmp_path / "local", CheckerSpec("toy", "toy", params)),
        registry=REGISTRY,
        progress=False,
        engine=SerialEngine(),
    )

    params = {"kill_on": "fnc1conv-0100", "marker": str(marker), "log": str(calls)}
    report = run(
        spec(tmp_path / "dask", CheckerSpec("toy", "toy", params)),
        registry=REGISTRY,
        progress=False,
        engine=cluster,
    )

    assert marker.exists(), "the worker was not killed"
    assert int(marker.read_text(encoding="utf-8")) != os.getpid()  # a worker died, not this process
    assert results(report)["scores"] == results(local)["scores"]
    assert results(report)["predictions"] == results(local)["predictions"]
    computed = calls.read_text(encoding="utf-8").split()
    twice = sorted({i for i in computed if computed.count(i) > 1})
    assert "fnc1conv-0100" in twice
    assert len(twice) <= 8, twice  # the batch of 8 being checked was checked again, nothing else
    assert len(computed) == 45 + 199 + len(twice)
    assert len(cluster.client.scheduler_info()["workers"]) >= 1


def test_a_one_worker_cluster_survives_losing_its_only_worker(tmp_path: Path) -> None:
    """The payload lived on that worker only: it is scattered again and every batch that named it rerun."""
    marker, calls = tmp_path / "killed", tmp_path / "calls.log"
    params = {"kill_on": "fnc1conv-0100", "marker": str(tmp_path / "never"), "log": ""}
    (tmp_path / "never").write_text("already", encoding="utf-8")
    local = run(
        spec(tmp_path / "local", CheckerSpec("toy", "toy", params)), registry=REGISTRY, progress=False
    )

    params = {"kill_on": "fnc1conv-0100", "marker": str(marker), "log": str(calls)}
    engine = DaskEngine(jobs=1, max_in_flight=4)
    try:
        report = run(
            spec(tmp_path / "dask", CheckerSpec("toy", "toy", params)),
            registry=REGISTRY,
            progress=False,
            engine=engine,
        )
    finally:
        engine.close()
    assert marker.exists(), "the worker was not killed"
    assert results(report)["scores"] == results(local)["scores"]
    assert results(report)["predictions"] == results(local)["predictions"]
    computed = calls.read_text(encoding="utf-8").split()
    assert "fnc1conv-0100" in {i for i in computed if computed.count(i) > 1}
    assert len(computed) <= 45 + 199 + 4 * 8  # at most the batches in flight were checked again


def test_model_is_loaded_once_per_worker(tmp_path: Path, cluster: DaskEngine) -> None:
    model = tmp_path / "model.txt"
    model.write_text("1", encoding="utf-8")
    loads = Path(f"{model.resolve()}.loads")
    checker = Learned(str(model))
    items = [item for path in DATASETS for item in run_items(path)]
    batches = batched(items, 4)  # 61 batches
    for _ in range(2):  # two runs on the same workers: still one load each
        results_ = sorted(cluster.map_batches(checker, Context(), iter(batches)), key=lambda r: r.index)
        assert [r.index for r in results_] == list(range(len(batches)))
    pids = loads.read_text(encoding="utf-8").split()
    assert 1 <= len(pids) <= 2
    assert len(set(pids)) == len(pids), f"a worker loaded the model twice: {pids}"
    assert str(os.getpid()) not in pids

    # the serial engine loads in this process, also once; a changed file is loaded afresh
    forget_loaded()
    serial = list(SerialEngine().map_batches(checker, Context(), batches))
    assert loads.read_text(encoding="utf-8").split().count(str(os.getpid())) == 1
    assert [(str(model.resolve()), LOADS[0][1])] == LOADS
    model.write_text("2", encoding="utf-8")
    again = list(SerialEngine().map_batches(checker, Context(), batches[:1]))
    assert len(LOADS) == 2
    assert again[0].verdicts != serial[0].verdicts
    forget_loaded()


def run_items(path: Path) -> list[Item]:
    from claimbench.data.dataset import load_dataset

    return load_dataset(path).items(NUMERIC_CONSISTENCY)


def test_engine_options_and_errors(tmp_path: Path) -> None:
    assert make_engine("dask", jobs=3).name == "dask"
    with pytest.raises(ValueError, match="positive number"):
        DaskEngine(jobs=0)
    engine = DaskEngine(scheduler="tcp://127.0.0.1:9", timeout=1)  # nothing listens on the discard port
    with pytest.raises(OSError, match=r"127\.0\.0\.1:9"):
        engine.connect()
    engine.close()


CLI_SPEC = """
tasks = ["numeric_consistency"]
[bootstrap]
resamples = 50
[run]
batch_size = 16
[[datasets]]
path = "{data}"
[[checkers]]
name = "numeric-sanity"
"""


def test_cli_scheduler_option(
    tmp_path: Path, cluster: DaskEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimbench.cli import main
    from claimbench.report.json import read_report

    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(CLI_SPEC.format(data=DATASETS[1].as_posix()), encoding="utf-8")
    address = cluster.client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    assert main(["run", str(spec_file), "--scheduler", address, "--output", str(tmp_path / "d"), "-q"]) == 0
    assert main(["run", str(spec_file), "--engine", "local", "--output", str(tmp_path / "l"), "-q"]) == 0
    on_dask, local = read_report(tmp_path / "d"), read_report(tmp_path / "l")
    assert (on_dask.spec["run"]["engine"], local.spec["run"]["engine"]) == ("dask", "serial")
    assert on_dask.scores == local.scores
    assert on_dask.predictions == local.predictions
    assert capsys.readouterr().out.count("numeric-sanity") == 2  # each run printed its headline table
