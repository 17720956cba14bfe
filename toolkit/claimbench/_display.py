"""Text as a person sees it: bidirectional controls made visible, spreadsheet formulas defused.

Data stays exact everywhere it is data (JSONL, report.json, Parquet, the cache). Only what a person
reads is changed, and in documented, reversible ways:

- **Bidirectional controls** (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) can make text
  display in another order than it is stored ("Trojan Source", CVE-2021-42574): a claim could show one
  thing and hold another. In the HTML and Markdown reports and on the terminal each is replaced by a
  visible marker such as ``⟨U+202E⟩`` (:func:`reveal`).
- **Spreadsheet formulas**: a ``predictions.csv`` cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab, a carriage return or NUL (or their full-width forms) would be run as a formula by spreadsheet
  applications (CSV injection, CWE-1236). As OWASP recommends, such a cell is written with a leading
  apostrophe ``'``; so that the prefix can always be removed exactly, a cell that itself starts with
  ``'`` gets one too (:func:`defuse_formula`, undone by :func:`restore_formula`). The numeric ``score``
  column is not text and is written as is.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The Unicode bidirectional formatting characters that :func:`reveal` makes visible."""

_VISIBLE = {ord(c): f"⟨U+{ord(c):04X}⟩" for c in BIDI_CONTROLS}

FORMULA_PREFIX = "'"
"""Written before a CSV cell that a spreadsheet would read as a formula (see :func:`defuse_formula`)."""

_FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\0",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    FORMULA_PREFIX,
)


def reveal(text: str) -> str:
    """``text`` with every bidirectional control character replaced by a visible ``⟨U+XXXX⟩`` marker."""
    return text.translate(_VISIBLE)


def defuse_formula(cell: str) -> str:
    """A CSV text cell that no spreadsheet runs as a formula: prefixed with ``'`` when it needs it."""
    return FORMULA_PREFIX + cell if cell.startswith(_FORMULA_STARTS) else cell


def restore_formula(cell: str) -> str:
    """The exact text of a cell written by :func:`defuse_formula`."""
    return cell[1:] if cell.startswith(FORMULA_PREFIX) else cell


class RevealingStream(io.TextIOBase):
    """A text stream that writes to ``target`` with bidirectional controls revealed (the terminal's guard).

    Everything else (``isatty``, ``fileno``, ``encoding``, flushing) is the target's, so progress bars and
    colour detection behave as on the stream itself.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(reveal(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", None) or "utf-8"

    @property
    def target(self) -> TextIO:
        """The stream written to."""
        return self._target


@contextlib.contextmanager
def revealing_stdio() -> Iterator[None]:
    """Within the block, ``sys.stdout`` and ``sys.stderr`` reveal bidirectional controls (the CLI's guard)."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, RevealingStream):
        sys.stdout = RevealingStream(sys.stdout)
    if not isinstance(sys.stderr, RevealingStream):
        sys.stderr = RevealingStream(sys.stderr)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError, OSError):  # a closed pipe: nothing left to flush into
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = saved
