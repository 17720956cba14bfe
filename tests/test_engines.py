"""Engines and the per-item error contract they all apply."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from claimbench.checkers.base import Checker
from claimbench.records import NUMERIC_CONSISTENCY, NUMERIC_LABELS, Context, Item, Verdict
from claimbench.run.engines import (
    ENGINES,
    PARENT_POLL_SECONDS,
    BatchResult,
    Engine,
    JoblibEngine,
    SerialEngine,
    batched,
    check_batch,
    make_engine,
    register_engine,
)
from claimbench.testing import sample_context, sample_items

CONTEXT = sample_context()
ITEMS = sample_items(NUMERIC_CONSISTENCY, CONTEXT)
IDS = [item.id for item in ITEMS]


class Toy:
    """Labels by item position in the id; raises on a whole batch that contains ``fail_on``."""

    name = "toy"
    version = "1"
    task = NUMERIC_CONSISTENCY
    labels = NUMERIC_LABELS

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on

    def get_params(self) -> dict[str, Any]:
        return {"fail_on": self.fail_on}

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        if any(item.id == self.fail_on for item in items):
            raise RuntimeError(f"cannot handle {self.fail_on}")
        return [
            Verdict(item.id, self.name, self.version, NUMERIC_LABELS[int(item.id[-1]) % 3], score=0.5)
            for item in items
        ]


class Short(Toy):
    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        return super().check(items, context)[:-1]


class Misfit(Toy):
    """Returns a wrong id, a foreign label and a non-verdict for the first three items."""

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        out: list[Any] = super().check(items, context)
        out[0] = Verdict("someone-else", self.name, self.version, "consistent")
        out[1] = Verdict(items[1].id, self.name, self.version, "agree")
        out[2] = {"label": "consistent"}
        return out


class Interrupted(Toy):
    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        raise KeyboardInterrupt


def test_good_batch_passes_through() -> None:
    verdicts = check_batch(Toy(), ITEMS, CONTEXT)
    assert [v.item_id for v in verdicts] == IDS
    assert all(v.error is None for v in verdicts)


def test_batch_failure_falls_back_to_items() -> None:
    verdicts = check_batch(Toy(fail_on="kit-c3"), ITEMS, CONTEXT)
    assert [v.item_id for v in verdicts] == IDS
    errors = {v.item_id: v.error for v in verdicts if v.error is not None}
    assert errors == {"kit-c3": "RuntimeError: cannot handle kit-c3"}
    assert verdicts == [
        v if v.item_id == "kit-c3" else good
        for v, good in zip(verdicts, check_batch(Toy(), ITEMS, CONTEXT), strict=True)
    ]


def test_wrong_count_is_an_error_for_each_item() -> None:
    verdicts = check_batch(Short(), ITEMS, CONTEXT)
    assert [v.item_id for v in verdicts] == IDS
    assert all(v.label is None and "5 verdict(s) for a batch of 6" in str(v.error) for v in verdicts)


def test_malformed_verdicts_become_errors() -> None:
    verdicts = check_batch(Misfit(), ITEMS, CONTEXT)
    assert [v.item_id for v in verdicts] == IDS
    assert "not 'kit-c1'" in str(verdicts[0].error)
    assert "label 'agree' is not a numeric_consistency label" in str(verdicts[1].error)
    assert "returned dict, not a Verdict" in str(verdicts[2].error)
    assert all(v.error is None for v in verdicts[3:])


def test_interrupt_propagates_and_empty_batch_is_empty() -> None:
    with pytest.raises(KeyboardInterrupt):
        check_batch(Interrupted(), ITEMS, CONTEXT)
    assert check_batch(Toy(), [], CONTEXT) == []


def run_all(engine: Engine, checker: Checker, size: int) -> tuple[list[int], list[Verdict]]:
    batches = batched(ITEMS, size)
    results: Iterator[BatchResult] = engine.map_batches(checker, CONTEXT, batches)
    done = sorted(results, key=lambda r: r.index)
    assert all(r.seconds >= 0 for r in done)
    return [r.index for r in done], [v for r in done for v in r.verdicts]


def test_serial_engine_in_order() -> None:
    engine = SerialEngine()
    indices = [r.index for r in engine.map_batches(Toy(), CONTEXT, batched(ITEMS, 4))]
    assert indices == [0, 1]
    engine.close()


def test_joblib_matches_serial() -> None:
    checker = Toy(fail_on="kit-c2")
    serial = run_all(SerialEngine(), checker, 2)
    parallel = run_all(JoblibEngine(jobs=2), checker, 2)
    assert parallel == serial
    assert serial[0] == [0, 1, 2]
    assert sum(v.error is not None for v in serial[1]) == 1


def test_joblib_with_one_worker_or_batch_runs_here() -> None:
    engine = JoblibEngine(jobs=1)
    assert engine.workers() == 1
    assert run_all(engine, Toy(), 2) == run_all(SerialEngine(), Toy(), 2)
    assert JoblibEngine(jobs=-1).workers() == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="positive number"):
        JoblibEngine(jobs=0)


def where(batch: Sequence[Item], verdicts: list[Verdict]) -> tuple[int, list[str | None]]:
    """A finisher: the process it ran in, and the batch's labels."""
    return os.getpid(), [v.label for v in verdicts]


@pytest.mark.parametrize("engine", [SerialEngine(), JoblibEngine(jobs=2)], ids=["serial", "joblib"])
def test_finish_runs_where_the_batch_was_checked_and_replaces_the_verdicts(engine: Engine) -> None:
    results = sorted(
        engine.map_batches(Toy(), CONTEXT, iter(batched(ITEMS, 2)), where), key=lambda r: r.index
    )
    assert [r.verdicts for r in results] == [[]] * 3
    plain = [v.label for v in check_batch(Toy(), ITEMS, CONTEXT)]
    assert [label for r in results for label in r.finished[1]] == plain
    pids = {r.finished[0] for r in results}
    assert (pids == {os.getpid()}) == (engine.name == "serial")


def test_make_engine_and_registration() -> None:
    assert make_engine(None, jobs=1).name == "serial"
    assert make_engine(None, jobs=2).name == "joblib"
    assert make_engine("serial", jobs=4).name == "serial"
    assert make_engine("local", jobs=1).name == "serial"  # `local`: serial for one job, joblib for more
    assert make_engine("local", jobs=2).name == "joblib"
    with pytest.raises(ValueError, match="unknown engine 'spark'; known: dask, joblib, local, serial"):
        make_engine("spark")

    class Custom(SerialEngine):
        name = "custom"

    register_engine("custom", Custom)
    try:
        engine = make_engine("custom", jobs=3)
        assert isinstance(engine, Engine)
        assert engine.name == "custom"
    finally:
        del ENGINES["custom"]


def test_batched() -> None:
    assert [len(b) for b in batched(ITEMS, 4)] == [4, 2]
    assert batched([], 3) == []
    with pytest.raises(ValueError, match="at least 1"):
        batched(ITEMS, 0)


KILLED_PARENT = """
import sys, time
from claimbench.run.engines import JoblibEngine
from claimbench.records import NUMERIC_CONSISTENCY, NUMERIC_LABELS, Verdict
from claimbench.testing import sample_context, sample_items

class Slow:
    name, version, task, labels = "slow", "1", NUMERIC_CONSISTENCY, NUMERIC_LABELS
    def get_params(self): return {}
    def check(self, items, context):
        time.sleep(0.2)
        return [Verdict(i.id, self.name, self.version, NUMERIC_LABELS[0], score=0.5) for i in items]

context = sample_context()
batches = [sample_items(NUMERIC_CONSISTENCY, context)[:1]] * 100_000
for _ in JoblibEngine(jobs=2).map_batches(Slow(), context, batches):
    print("batch", flush=True)
"""


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited (only its parent has not reaped it)


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to find worker processes")
def test_workers_do_not_outlive_a_runner_killed_with_sigkill(tmp_path: Path) -> None:
    """Issue 15.13: loky's workers lingered 18 minutes after a ``kill -9`` of a ``--jobs 2`` run."""
    script = tmp_path / "parent.py"
    script.write_text(KILLED_PARENT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for _ in range(4):  # both workers are busy
            assert proc.stdout.readline().strip() == "batch"
        workers = _children(proc.pid)
        assert len(workers) >= 2
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10 * PARENT_POLL_SECONDS + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [w for w in workers if _alive(w)]
    for pid in survivors:  # leave nothing running behind a failed test
        os.kill(pid, 9)
    assert not survivors, "worker processes outlived their killed parent"
