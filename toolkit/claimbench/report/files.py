"""A run's set of report files, written so that a reader never takes an incomplete set for a finished one.

The rule: ``report.json`` is written last, and the previous one is deleted before anything else is
rewritten. So while a directory holds ``report.json``, every other report beside it (``report.md``,
``report.html``, ``predictions.csv`` / ``.parquet``) comes from the same finished run; a directory
without it holds no finished run (or one whose reports were being rewritten when it was stopped: run
again). Each file is itself replaced atomically (:mod:`claimbench._io`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from claimbench.report.json import write_report
from claimbench.report.model import Report

log = logging.getLogger(__name__)
HUMAN_REPORTS: tuple[tuple[str, str], ...] = (("markdown", "write_markdown"), ("html", "write_html"))
"""The human-readable report writers: (module under ``claimbench.report``, function)."""


def write_reports(report: Report, out_dir: str | Path) -> list[Path]:
    """Write every report of ``report`` into ``out_dir``, ``report.json`` last; returns the paths.

    Listed as ``report.json``, the predictions, then the Markdown and HTML reports. A writer whose
    module cannot be imported (a missing optional dependency) is skipped with a warning. Raises
    :class:`~claimbench.report.json.ReportError`, writing nothing, when the report is invalid.
    """
    writers: list[Callable[[Report, Path], Path]] = []
    for module, writer in HUMAN_REPORTS:
        try:
            imported = importlib.import_module(f"claimbench.report.{module}")
        except ImportError as exc:
            log.warning("note: no %s report (%s)", module, exc)
            continue
        writers.append(getattr(imported, writer))
    return write_report(report, out_dir, also=writers)
