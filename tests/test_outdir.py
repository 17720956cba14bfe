"""Output directories: the run's lock, where output may not go, and what --force may replace (issue 15)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.data.outdir import (
    LOCK_FILE,
    OutputError,
    OutputLockedError,
    check_run_output,
    output_lock,
    read_holder,
    remove_stale_temporaries,
)

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"
BODIES, STANCES = SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv"
SPEC = """
tasks = ["numeric_consistency"]
[bootstrap]
resamples = 20
[[datasets]]
path = "{data}"
[[checkers]]
name = "majority-baseline"
"""
HOLD = textwrap.dedent(
    """
    import sys, time
    from claimbench.data.outdir import output_lock
    with output_lock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


@pytest.fixture
def spec(tmp_path: Path, tiny_dataset: Path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(data=tiny_dataset.as_posix()), encoding="utf-8")
    return path


def _run(spec: Path, out: Path, *extra: str) -> int:
    return main(["run", str(spec), "--output", str(out), "-q", *extra])


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process holding the lock on ``tmp_path/out`` for up to two minutes."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "120"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc, out
    finally:
        proc.kill()
        proc.wait()


# ---------------------------------------------------------------------------------------------- the lock


def test_a_second_run_is_refused_naming_the_holder_and_kill_9_frees_the_lock(
    spec: Path, holder: tuple[subprocess.Popen[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    proc, out = holder
    assert _run(spec, out) == 2
    err = capsys.readouterr().err
    assert f"is in use by process {proc.pid} on " in err
    assert "--wait" in err
    assert not (out / "report.json").exists()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _run(spec, out) == 0  # the kernel released the lock: nothing stale
    assert (out / "report.json").is_file()
    assert read_holder(out)["pid"] == os.getpid()  # the last holder


def test_wait_waits_for_the_holder(tmp_path: Path, spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "2"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        assert _run(spec, out, "--wait") == 0
        assert proc.poll() is not None  # it ran only once the holder had finished
    finally:
        proc.kill()
        proc.wait()


def test_the_lock_is_reentrant_in_one_process_and_says_who_holds_it(tmp_path: Path) -> None:
    with output_lock(tmp_path / "o") as lock, output_lock(tmp_path / "o"):
        assert lock == tmp_path / "o" / LOCK_FILE
        holder = read_holder(tmp_path / "o")
        assert holder["pid"] == os.getpid()
        assert {"host", "started", "command"} <= set(holder)
    with output_lock(tmp_path / "o"):  # released and taken again
        pass


def test_the_cache_stays_readable_while_a_run_holds_the_lock(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _run(spec, out) == 0
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "120"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(OutputLockedError), output_lock(out):
            pass
        db = sqlite3.connect(f"file:{out / 'cache' / 'verdicts.sqlite'}?mode=ro", uri=True)
        try:
            assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        finally:
            db.close()
    finally:
        proc.kill()
        proc.wait()


# ------------------------------------------------------------------------------ where output may not go


def test_output_that_is_a_file_or_holds_a_file_named_cache_is_refused(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert _run(spec, file) == 2
    assert "is a file, not a directory" in capsys.readouterr().err
    assert _run(spec, file / "sub") == 2
    assert f"lies under {file}, which is a file" in capsys.readouterr().err
    out = tmp_path / "out"
    out.mkdir()
    (out / "cache").write_text("x", encoding="utf-8")
    assert _run(spec, out) == 2
    assert "verdict cache in a directory of that name" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["cache"]


def test_the_filesystem_root_is_refused() -> None:
    with pytest.raises(OutputError, match="root of a filesystem"):
        check_run_output(Path("/"))
    with pytest.raises(OutputError, match="root of a filesystem"):
        check_run_output(Path(Path.cwd().anchor))


def test_output_inside_a_dataset_directory_is_refused(
    spec: Path, tiny_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in tiny_dataset.iterdir())
    for out in (tiny_dataset, tiny_dataset / "reports"):
        assert _run(spec, out) == 2
        assert f"is inside the dataset directory {tiny_dataset.resolve()}" in capsys.readouterr().err
    assert sorted(p.name for p in tiny_dataset.iterdir()) == before


@pytest.mark.parametrize("name", ["report.json", "report.html", "predictions.csv"])
def test_foreign_report_files_are_kept_unless_forced(
    name: str, spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text('{"mine": true}', encoding="utf-8")
    assert _run(spec, out) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / name).read_text(encoding="utf-8") == '{"mine": true}'
    assert _run(spec, out, "--force") == 0
    assert _run(spec, out) == 0  # now a claimbench output directory: reruns need no --force
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["environment"]["claimbench"]


# ----------------------------------------------------------------------- stale temporaries, report set


def test_stale_temporaries_of_our_naming_are_removed_at_the_next_start(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run(spec, out) == 0
    stale = [out / ".report.json.k3j_9xq1.tmp", out / ".report.html.abcd1234.tmp"]
    stale.append(out / "cache" / ".validated.json.zz00zz00.tmp")
    foreign = [out / ".notes.abcd1234.tmp", out / ".report.json.tmp", out / "cache" / "x.tmp"]
    for path in stale + foreign:
        path.write_text("half", encoding="utf-8")
    with pytest.raises(RuntimeError, match="holding its lock"):
        remove_stale_temporaries(out)
    assert all(p.exists() for p in stale)
    assert _run(spec, out) == 0
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in foreign)


def test_report_json_is_written_last_so_a_broken_set_is_never_taken_for_a_finished_one(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimbench.report.html

    out = tmp_path / "out"
    assert _run(spec, out) == 0
    assert (out / "report.json").is_file()

    def killed(*args: object) -> Path:
        raise OSError("killed while writing report.html")

    monkeypatch.setattr(claimbench.report.html, "write_html", killed)
    with pytest.raises(OSError, match="killed"):
        _run(spec, out)
    assert not (out / "report.json").exists()  # no report.json beside a half-rewritten set
    monkeypatch.undo()
    assert _run(spec, out) == 0
    names = {p.name for p in out.iterdir()}
    assert {"report.json", "report.md", "report.html", "predictions.csv"} <= names
    newest = max((out / n for n in names if n.startswith(("report.", "predictions."))), key=os.path.getmtime)
    assert newest.name == "report.json"


# -------------------------------------------------------------------------- convert/export --force


@pytest.fixture
def no_rmtree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything would delete a tree that the test expects to be kept."""
    real = shutil.rmtree

    def guarded(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        if Path(path).name.startswith("."):  # claimbench's own temporary directories
            real(path, ignore_errors=True)
            return
        raise AssertionError(f"rmtree({path!r}) called")

    monkeypatch.setattr(shutil, "rmtree", guarded)


def _convert(out: Path | str, *extra: str, bodies: Path = BODIES, stances: Path = STANCES) -> int:
    return main(
        ["convert", "fnc1", "--bodies", str(bodies), "--stances", str(stances), "--out", str(out), *extra]
    )


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_convert_never_replaces_the_folder_of_its_inputs(
    tmp_path: Path, no_rmtree: None, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    bodies, stances = shutil.copy(BODIES, inputs), shutil.copy(STANCES, inputs)
    (inputs / "other.txt").write_text("x", encoding="utf-8")
    before = _tree(tmp_path)
    for out in (inputs, tmp_path):
        assert _convert(out, "--force", bodies=Path(bodies), stances=Path(stances)) == 2
        assert "an input of this command" in capsys.readouterr().err
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("where", ["cwd", "parent-of-cwd", "home", "root"])
def test_convert_never_replaces_protected_directories(
    where: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_rmtree: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    (work / "precious.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".profile").write_text("x", encoding="utf-8")
    out = {"cwd": ".", "parent-of-cwd": str(tmp_path / "work"), "home": str(tmp_path / "home"), "root": "/"}
    before = _tree(tmp_path)
    assert _convert(out[where], "--force") == 2
    assert "refusing to write to" in capsys.readouterr().err
    assert _tree(tmp_path) == before


def test_convert_force_replaces_only_a_dataset_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fnc1"
    assert _convert(out) == 0
    assert _convert(out) == 2
    assert "pass --force to replace it" in capsys.readouterr().err
    assert _convert(out, "--force") == 0
    assert _convert(out, "--overwrite") == 0  # the deprecated alias
    assert "--overwrite is deprecated; use --force" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fnc1"]  # nothing left beside it
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert _convert(out, "--force") == 2
    assert "did not write there: notes.txt" in capsys.readouterr().err
    assert (out / "notes.txt").exists()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "a.csv").write_text("x", encoding="utf-8")
    assert _convert(foreign, "--force") == 2
    assert "not a claimbench dataset directory" in capsys.readouterr().err
    assert _tree(foreign) == ["a.csv"]


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_convert_and_export_make_directories_with_the_same_mode(
    umask: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(umask)
    try:
        assert _convert(tmp_path / "converted") == 0
        assert (
            main(["export", str(tmp_path / "converted"), "-f", "jsonl", "-o", str(tmp_path / "exported")])
            == 0
        )
    finally:
        os.umask(old)
    for root in (tmp_path / "converted", tmp_path / "exported"):
        assert root.stat().st_mode & 0o777 == 0o777 & ~umask
        for file in root.iterdir():
            assert file.stat().st_mode & 0o777 == 0o666 & ~umask, file


def test_export_refuses_to_replace_its_own_input(
    tiny_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(tiny_dataset)
    assert main(["export", str(tiny_dataset), "-f", "jsonl", "-o", str(tiny_dataset), "--force"]) == 2
    assert "an input of this command" in capsys.readouterr().err
    assert _tree(tiny_dataset) == before


DIE_WRITING_HTML = textwrap.dedent(
    """
    import os, sys
    import claimbench._io, claimbench.report.html
    from claimbench.cli import main

    def dying(path, text):  # SIGKILLed halfway through writing report.html
        with claimbench._io.atomic_path(path) as tmp:
            tmp.write_text(text[: len(text) // 2], encoding="utf-8")
            os.kill(os.getpid(), 9)

    claimbench.report.html.write_text = dying
    main(["run", sys.argv[1], "--output", sys.argv[2], "-q"])
    """
)


def test_a_run_killed_while_writing_reports_leaves_no_report_json_and_its_temp_files_go_next_time(
    spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert _run(spec, out) == 0
    killed = subprocess.run(
        [sys.executable, "-c", DIE_WRITING_HTML, str(spec), str(out)], capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    stale = list(out.glob(".report.html.*.tmp"))
    assert len(stale) == 1
    assert not (out / "report.json").exists()  # the set being rewritten is not taken for a finished one
    assert _run(spec, out) == 0
    assert not stale[0].exists()
    assert (out / "report.json").is_file()
    assert (out / "report.html").is_file()
