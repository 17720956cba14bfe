"""Output directories: one run at a time, and nothing replaced that claimbench did not write.

**The lock.** A run holds an OS file lock on ``OUTPUT/.claimbench.lock`` (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows) from before it reads anything until its last report is written. The
kernel releases it when the process ends, however it ends (``kill -9`` included), so a lock is never
stale. The lock file holds the holder's pid, host, start time and command line, which a second run
names when it refuses (or, with ``wait``, waits). The file itself stays: it also marks the directory
as one that claimbench runs write to. The lock is re-entrant within a process, and only claimbench
takes it: the verdict cache (SQLite in WAL mode) stays readable by other processes meanwhile.

**Overwriting.** ``convert --force`` and ``export --force`` replace a directory only when it is one
claimbench wrote (:func:`check_replaceable`): a dataset directory whose ``manifest.json`` is a
claimbench manifest (or an export's marker) and that holds nothing but the files it lists; never the
filesystem root, the home directory, the working directory or one of its parents, nor a directory
holding an input of the same command. The new directory is built beside the old one and swapped in by
renames (:func:`replace_dir`). A run's output directory is refused when it is a file, holds a file
named ``cache``, is a filesystem root, lies inside a dataset directory, or holds report files that a
claimbench run did not write (unless ``force``) (:func:`check_run_output`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from claimbench._io import _umask
from claimbench.errors import ClaimbenchError

LOCK_FILE = ".claimbench.lock"
"""The lock (and ownership marker) in a run's output directory."""
REPORT_FILES: tuple[str, ...] = (
    "report.json",
    "report.md",
    "report.html",
    "predictions.csv",
    "predictions.parquet",
)
"""The files a run writes into its output directory (``report.json`` last)."""
CACHE_DIR = "cache"
_STALE = re.compile(
    r"^\.(?:report\.json|report\.md|report\.html|predictions\.csv|predictions\.parquet|validated\.json)"
    r"\.[A-Za-z0-9_]{8}\.tmp$"
)
"""Temporary files of :func:`claimbench._io.atomic_path` for the files a run writes."""
_WINDOWS_LOCK_OFFSET = 1 << 30
"""Windows locks a byte range, which others then cannot read: lock one byte far beyond the holder text."""
_MAX_SNIFF = 1 << 20


class OutputError(ClaimbenchError, ValueError):
    """A named output path cannot be used (exit code 2); the message says why and what to do."""

    exit_status = 2


class OutputExistsError(OutputError, FileExistsError):
    """The output exists and replacing it needs ``--force``."""


class OutputLockedError(OutputError):
    """Another live process holds the output directory's lock; ``holder`` is what it wrote there."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"{path} is in use by {describe_holder(holder)}; wait for it to finish, pass --wait to "
            "wait for it, or choose another --output"
        )


# --------------------------------------------------------------------------------------------------------
# The lock


_held: dict[Path, tuple[int, int]] = {}
"""Locks this process holds: resolved directory → (file descriptor, depth)."""


def describe_holder(holder: dict[str, Any]) -> str:
    """``process 123 on host h (started …: claimbench run …)``, from what a lock holder wrote."""
    if not holder.get("pid"):
        return "another process (it has just started and not yet said who it is)"
    text = f"process {holder['pid']} on {holder.get('host', '?')}"
    details = [str(holder[k]) for k in ("started", "command") if holder.get(k)]
    return f"{text} (started {': '.join(details)})" if details else text


def read_holder(directory: Path) -> dict[str, Any]:
    """What the holder of ``directory``'s lock wrote about itself (empty if nothing readable)."""
    try:
        with open(Path(directory) / LOCK_FILE, "rb") as handle:
            data = json.loads(handle.read(_MAX_SNIFF).decode("utf-8", "replace").split("\n", 1)[0])
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def output_lock(
    directory: str | Path, *, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold ``directory``'s lock (creating the directory) for the block; yields the lock file's path.

    Raises :class:`OutputLockedError` naming the holder when another process has it, unless ``wait``:
    then ``on_wait`` is told who holds it and the call blocks until it is released.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    key = out.resolve()
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield out / LOCK_FILE
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if not _try_lock(fd):
            holder = read_holder(out)
            if not wait:
                raise OutputLockedError(out, holder)
            if on_wait is not None:
                on_wait(f"waiting for {describe_holder(holder)} to finish with {out}")
            while not _try_lock(fd):
                time.sleep(0.2)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(me) + "\n").encode("utf-8"))
        _held[key] = (fd, 1)
        try:
            yield out / LOCK_FILE
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete the temporary files an interrupted run left in ``directory`` and its cache; returns them.

    Only names :func:`claimbench._io.atomic_path` gives the files a run writes (``.report.json.*.tmp``
    …), and only while this process holds the directory's lock (so no live run is writing them).
    """
    if Path(directory).resolve() not in _held:
        raise RuntimeError(f"{directory}: remove temporary files only while holding its lock")
    removed: list[Path] = []
    for folder in (Path(directory), Path(directory) / CACHE_DIR):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if _STALE.match(entry.name) and entry.is_file() and not entry.is_symlink():
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


@contextlib.contextmanager
def claim_output(
    directory: str | Path,
    *,
    force: bool = False,
    wait: bool = False,
    inputs: Iterable[Path] = (),
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """A run's output directory: checked (:func:`check_run_output`), locked, stale temp files removed."""
    out = Path(directory)
    check_run_output(out, force=force, inputs=inputs)
    with output_lock(out, wait=wait, on_wait=on_wait):
        check_run_output(out, force=force, inputs=inputs)  # what the previous holder left
        remove_stale_temporaries(out)
        yield out


# --------------------------------------------------------------------------------------------------------
# What may be written to, and what may be replaced


def _is_root(path: Path) -> bool:
    return path == Path(path.anchor)


def _sniff_json(path: Path) -> Any:
    """The JSON in a small regular file, or ``None``."""
    try:
        if not path.is_file() or path.stat().st_size > 64 * _MAX_SNIFF:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_dataset_manifest(path: Path) -> bool:
    """Whether ``path`` is a claimbench dataset manifest (valid against ``manifest.schema.json``)."""
    from claimbench.data.schema import validator

    data = _sniff_json(path)
    return isinstance(data, dict) and not any(validator("manifest").iter_errors(data))


def is_claimbench_report(path: Path) -> bool:
    """Whether ``path`` is a ``report.json`` a claimbench run wrote (its ``environment.claimbench``)."""
    data = _sniff_json(path)
    return (
        isinstance(data, dict)
        and isinstance(data.get("spec"), dict)
        and isinstance(data.get("scores"), list)
        and isinstance(data.get("environment"), dict)
        and "claimbench" in data["environment"]
    )


def enclosing_dataset(path: Path) -> Path | None:
    """The dataset directory (holding a claimbench ``manifest.json``) that ``path`` is in or is."""
    resolved = path.resolve()
    for folder in (resolved, *resolved.parents):
        if is_dataset_manifest(folder / "manifest.json"):
            return folder
    return None


def check_run_output(directory: Path, *, force: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Raise :class:`OutputError` when a run must not write into ``directory`` (see the module doc)."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--output {out} is a file, not a directory; choose a directory")
    existing = next((p for p in out.absolute().parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputError(f"--output {out} lies under {existing}, which is a file; choose a directory")
    if _is_root(out.resolve()):
        raise OutputError(f"--output {out} is the root of a filesystem; choose a directory for the reports")
    cache = out / CACHE_DIR
    if cache.exists() and not cache.is_dir():
        raise OutputError(
            f"{cache} is a file, but the run keeps its verdict cache in a directory of that name; "
            "choose another --output or move the file"
        )
    dataset = enclosing_dataset(out)
    if dataset is not None:
        raise OutputError(
            f"--output {out} is inside the dataset directory {dataset}; write the reports elsewhere"
        )
    resolved = out.resolve()
    for item in inputs:
        if resolved == Path(item).resolve():
            raise OutputError(f"--output {out} is an input of this run; choose another directory")
    if force or not out.is_dir():
        return
    report = out / REPORT_FILES[0]
    if report.exists() and not is_claimbench_report(report):
        raise OutputExistsError(
            f"{report} exists and is not a report claimbench wrote; pass --force to overwrite it "
            "or choose another --output"
        )
    if (out / LOCK_FILE).exists() or report.exists():
        return
    foreign = [name for name in REPORT_FILES[1:] if (out / name).exists()]
    if foreign:
        raise OutputExistsError(
            f"{out} holds {', '.join(foreign)}, not written by a claimbench run; pass --force to "
            "overwrite them or choose another --output"
        )


def _protected(target: Path) -> str | None:
    """Why ``target`` (resolved) may never be replaced, or ``None``."""
    if _is_root(target):
        return "it is the root of a filesystem"
    with contextlib.suppress(RuntimeError, KeyError):
        home = Path.home().resolve()
        if target == home:
            return "it is the home directory"
        if target in home.parents:
            return "it holds the home directory"
    cwd = Path.cwd().resolve()
    if target == cwd:
        return "it is the working directory"
    if target in cwd.parents:
        return "it holds the working directory"
    return None


def _files_under(root: Path) -> set[str]:
    """Every entry under ``root`` as a ``/``-separated relative path (directories end in ``/``)."""
    found: set[str] = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        found.add(rel + "/" if path.is_dir() and not path.is_symlink() else rel)
    return found


def dataset_dir_problem(root: Path, extra: Iterable[str] = ()) -> str | None:
    """Why ``root`` is not a claimbench dataset directory holding only its own files, or ``None``.

    Its own files: ``manifest.json``, the data files the manifest lists and the names in ``extra``.
    """
    manifest = root / "manifest.json"
    if not is_dataset_manifest(manifest):
        return "it is not a claimbench dataset directory (no valid manifest.json)"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    own = {"manifest.json", *extra, *(e["path"] for e in data["files"].values())}
    return others_problem(root, own)


def others_problem(root: Path, own: Iterable[str]) -> str | None:
    """Why ``root`` holds more than the files ``own`` (and their folders), or ``None``."""
    allowed = set(own)
    allowed |= {p.rsplit("/", i)[0] + "/" for p in list(allowed) for i in range(1, p.count("/") + 1)}
    others = sorted(_files_under(root) - allowed)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return f"it holds files claimbench did not write there: {shown}"
    return None


def check_replaceable(
    target: Path,
    *,
    inputs: Iterable[Path],
    owned: Callable[[Path], str | None],
    force: bool,
) -> None:
    """Raise :class:`OutputError` unless ``target`` may be (re)written by a command with ``inputs``.

    A missing or empty directory may always be written (but never a protected one: the filesystem
    root, the home directory, the working directory or a parent of it). An existing one only with
    ``force``, and only when ``owned(target)`` finds nothing but what claimbench wrote (it returns why
    not, or ``None``) and it holds no input of this command.
    """
    target = Path(target)
    if target.is_symlink():
        raise OutputError(f"{target} is a symbolic link; remove it or choose another directory")
    resolved = target.resolve()
    why = _protected(resolved)
    if why is not None:
        raise OutputError(f"refusing to write to {target}: {why}; choose a new directory")
    for item in inputs:
        source = Path(item).resolve()
        if source == resolved or resolved in source.parents:
            raise OutputError(
                f"refusing to replace {target}: it holds {item}, an input of this command; "
                "choose another directory"
            )
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"{target} is a file, not a directory; remove it or choose another directory")
    if not any(target.iterdir()):
        return
    if not force:
        raise OutputExistsError(f"{target} exists and is not empty; pass --force to replace it")
    why = owned(target)
    if why is not None:
        raise OutputError(f"refusing to replace {target}: {why}; --force replaces only what claimbench wrote")


def new_dir_beside(target: Path) -> Path:
    """A new empty directory beside ``target`` (same parent, hidden temporary name), mode 0777 - umask.

    ``mkdtemp`` makes it 0700; the chmod gives it the mode ``mkdir`` would, so ``convert`` and
    ``export`` leave directories readable as the user's umask says.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def replace_dir(new: Path, target: Path) -> None:
    """Move directory ``new`` to ``target``, replacing what is there; on failure ``target`` is kept.

    Two renames in one parent directory (the old directory aside, the new one in), then the old one
    is deleted: a reader sees the old directory or the new one, except for the instant between the
    renames, when ``target`` does not exist.
    """
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old)
    else:
        old.unlink()
