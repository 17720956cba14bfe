"""The one base of every exception claimbench raises on purpose.

Catch :class:`ClaimbenchError` to handle any failure the toolkit *reports*: invalid data, a broken spec,
an output path that cannot be used, a refused model file, a missing optional dependency. What it does not
catch is a bug (a ``TypeError`` from claimbench's own code) or an error of Python itself (``MemoryError``,
``KeyboardInterrupt``). Each subclass keeps the built-in base it had (``ValueError``, ``RuntimeError``,
``LookupError``, ``FileNotFoundError``), so code that catches those goes on working.

This module imports nothing of claimbench: every other module may import it.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ClaimbenchError"]


class ClaimbenchError(Exception):
    """A failure claimbench detected and describes: the message (and ``problems``) say what and where.

    ``exit_status`` is what the ``claimbench`` command exits with when this error ends it: 1 (the named
    thing is broken, or the work failed) unless a subclass says 2 (the command line named the wrong
    thing). ``problems`` lists every problem, one line each, for the errors that collect several
    (validation); it is empty when the message says it all.
    """

    exit_status: ClassVar[int] = 1
    problems: tuple[object, ...] = ()

    def summary(self) -> str:
        """One line saying what failed; for an error with ``problems``, what they are problems of."""
        return str(self)
