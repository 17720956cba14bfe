"""What a long job tells its user while it works: named stages with their elapsed time, and live bars.

Library code never prints. It marks its stages::

    from claimbench.progress import stage

    with stage("fitting the booster (400 iterations)"):
        booster.fit(x, y)

and whoever runs it decides what a stage looks like, by installing a :class:`Reporter` for the duration
of a job (:func:`reporting`). The default, :class:`LogReporter`, writes two plain log lines per stage
(``claimbench.progress`` logger, INFO: the start, then the end with its elapsed time), which is what a
pipe or a log file wants. The command line installs :class:`RichReporter` when stderr is a terminal: a
spinner per running stage and the runner's bars in one rich ``Progress``, with log records routed
through the same :func:`console` by :func:`rich_log_handler`, so a log line is printed above the live
display instead of into it (two consoles writing to one terminal break each other's lines).

The current reporter lives in a :class:`contextvars.ContextVar`, so nothing has to be threaded through
signatures that follow a protocol (a checker's ``fit(items, context)``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, Task

log = logging.getLogger("claimbench.progress")


class Reporter(Protocol):
    """Shows stages: ``stage(name)`` is entered when the stage starts and left when it ends."""

    def stage(self, name: str) -> AbstractContextManager[None]:
        """A context manager around the stage's work."""
        ...


def _elapsed(seconds: float) -> str:
    """``0.4 s``, ``12.3 s``, ``4 min 05 s``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class LogReporter:
    """Each stage as two log lines: ``name …`` when it starts, ``name: done in 12.3 s`` when it ends."""

    def __init__(self, logger: logging.Logger = log, level: int = logging.INFO) -> None:
        self.logger = logger
        self.level = level

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Log the start and the end (or the failure) of the stage, with its elapsed time."""
        self.logger.log(self.level, "%s …", name)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.logger.log(self.level, "%s: stopped after %s", name, _elapsed(time.perf_counter() - start))
            raise
        self.logger.log(self.level, "%s: done in %s", name, _elapsed(time.perf_counter() - start))


class RichReporter(LogReporter):
    """A spinner with the elapsed time per running stage, on a live ``Progress``; the end is logged.

    :attr:`progress` is the one live display of the job: the runner adds its bars to it
    (:func:`live_progress`), so stages and bars never fight over the terminal.
    """

    def __init__(self, progress: Progress, logger: logging.Logger = log, level: int = logging.INFO) -> None:
        super().__init__(logger, level)
        self.progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Show a spinner while the stage runs; then log its elapsed time above the live display."""
        task = self.progress.add_task(name, total=None)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.logger.log(self.level, "%s: stopped after %s", name, _elapsed(time.perf_counter() - start))
            raise
        finally:
            self.progress.remove_task(task)
        self.logger.log(self.level, "%s: done in %s", name, _elapsed(time.perf_counter() - start))


_DEFAULT = LogReporter()
_current: ContextVar[Reporter | None] = ContextVar("claimbench_reporter", default=None)


def stage(name: str) -> AbstractContextManager[None]:
    """Mark a stage of a long job for the current reporter (by default: two INFO log lines)."""
    return current().stage(name)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Install ``reporter`` for the stages marked inside the ``with`` block."""
    token = _current.set(reporter)
    try:
        yield reporter
    finally:
        _current.reset(token)


def current() -> Reporter:
    """The reporter stages go to now."""
    return _current.get() or _DEFAULT


# ------------------------------------------------------------------------------------------ rich wiring

_console: Console | None = None


def console() -> Console:
    """The one rich console on stderr that the live display and the log handler share."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(stderr=True)
    return _console


def new_progress(on: Console | None = None) -> Progress:
    """A rich ``Progress`` on ``on`` (default :func:`console`): spinner, description, bar, counts, times."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Counts(MofNCompleteColumn):
        """``done/total`` for a bar; nothing for a stage (no total), which rich would show as ``0/?``."""

        def render(self, task: Task) -> Text:
            return Text("") if task.total is None else super().render(task)

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        Counts(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=on or console(),
    )


@contextmanager
def live_progress() -> Iterator[Progress]:
    """The job's live ``Progress``: the current :class:`RichReporter`'s, else a new one for the block."""
    reporter = current()
    if isinstance(reporter, RichReporter):
        yield reporter.progress
        return
    progress = new_progress()
    with progress, reporting(RichReporter(progress)):
        yield progress


@contextmanager
def rich_reporting() -> Iterator[RichReporter]:
    """A live display on :func:`console` with a :class:`RichReporter` installed, for a whole job."""
    progress = new_progress()
    with progress, reporting(RichReporter(progress)) as reporter:
        assert isinstance(reporter, RichReporter)
        yield reporter


def rich_log_handler() -> logging.Handler:
    """A ``RichHandler`` writing plain messages through :func:`console` (above any live display)."""
    from rich.highlighter import NullHighlighter
    from rich.logging import RichHandler

    return RichHandler(
        console=console(),
        show_time=False,
        show_level=False,
        show_path=False,
        highlighter=NullHighlighter(),
        markup=False,
    )
