"""Stages of long jobs: the injectable reporter, its log and rich forms, and where the library marks them."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from claimbench.progress import RichReporter, current, new_progress, reporting, stage

from .test_runner import fit_spec, go, make_dataset

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"
ROOT = Path(__file__).resolve().parents[1]


class Recorder:
    """A reporter that remembers which stages ran, nested how, and which ended."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.events.append(f"start {name}")
        yield
        self.events.append(f"end {name}")


def test_default_reporter_logs_start_and_elapsed_time(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="claimbench.progress")
    with stage("counting sheep"):
        pass
    assert caplog.records[0].getMessage() == "counting sheep …"
    assert re.fullmatch(r"counting sheep: done in \d+\.\d s", caplog.records[1].getMessage())


def test_a_failed_stage_says_so_and_reraises(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="claimbench.progress")
    with pytest.raises(KeyError), stage("failing"):
        raise KeyError("x")
    assert caplog.records[-1].getMessage().startswith("failing: stopped after ")


def test_reporting_installs_and_restores() -> None:
    before = current()
    recorder = Recorder()
    with reporting(recorder):
        assert current() is recorder
        with stage("a"), stage("b"):
            pass
    assert current() is before
    assert recorder.events == ["start a", "start b", "end b", "end a"]


def test_rich_reporter_shows_a_spinner_while_running_and_removes_it() -> None:
    out = io.StringIO()
    progress = new_progress(Console(file=out, force_terminal=True, width=100))
    reporter = RichReporter(progress, logger=logging.getLogger("test-progress"))
    with progress, reporting(reporter):
        with stage("featurising"):
            assert [t.description for t in progress.tasks] == ["featurising"]
        assert progress.tasks == []
    assert "featurising" in out.getvalue()


def test_training_marks_each_stage(tmp_path: Path) -> None:
    from claimbench.train.fnc1 import train_fnc1

    recorder = Recorder()
    with reporting(recorder):
        train_fnc1(
            SAMPLE,
            tmp_path / "x.skops",
            split="all",
            params={"svd_components": 10, "max_iter": 30, "n_folds": 2},
        )
    started = [e.removeprefix("start ") for e in recorder.events if e.startswith("start ")]
    assert started == [
        "reading train_bodies.csv and train_stances.csv",
        "training the stance model on 40 pairs (all)",
        "featurising 40 pairs (dense features, SVD of 10)",
        "fitting the linear models, fold 1/2 (out-of-fold probabilities)",
        "fitting the linear models, fold 2/2 (out-of-fold probabilities)",
        "fitting the linear models on every pair",
        "fitting the gradient-boosted trees (30 iterations)",
        "saving x.skops",
    ]
    assert len(recorder.events) == 2 * len(started)  # every stage ended


def test_the_runner_marks_reading_and_fitting(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "toy")
    dev = make_dataset(tmp_path / "dev", prefix="d", n_articles=2, place="village")  # texts unlike toy's
    recorder = Recorder()
    with reporting(recorder):
        go(fit_spec(tmp_path / "run", data, dev))
    started = [e.removeprefix("start ") for e in recorder.events if e.startswith("start ")]
    assert started[0].startswith("reading ")
    assert started[0].endswith("toy")
    assert any(s.startswith("reading ") and s.endswith("to fit fitted") for s in started)
    assert "fitting fitted on dev" in started
    recorder.events.clear()
    with reporting(recorder):
        go(fit_spec(tmp_path / "run", data, dev))  # every verdict cached: nothing to fit
    assert not any(e.startswith("start fitting") for e in recorder.events)


def test_cli_in_a_pipe_prints_plain_stage_lines(tmp_path: Path) -> None:
    """Not a terminal: no bars and no escape codes, one line per stage start and end."""
    result = subprocess.run(
        [sys.executable, "-m", "claimbench.cli", "train", "source-agreement", "--data", str(SAMPLE),
         "--out", str(tmp_path / "m.skops"), "--split", "all"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stderr
    lines = result.stderr.splitlines()
    assert "reading train_bodies.csv and train_stances.csv …" in lines
    assert any(
        re.fullmatch(r"fitting the gradient-boosted trees \(400 iterations\): done in .+ s", x) for x in lines
    )
    assert result.stdout.startswith("trained on 40 pairs (all)")
