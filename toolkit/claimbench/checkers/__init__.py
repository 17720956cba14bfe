"""Consistency checkers: the contract, the registry and the built-in checkers.

Holds :mod:`~claimbench.checkers.base` (the contract: :class:`Checker`, ``fit``, the one validation of a
checker and the one per-item error format), :mod:`~claimbench.checkers.registry` (finding checkers by
name, built in or installed), :mod:`~claimbench.checkers.loading` (model files loaded once per process)
and the built-in checkers (:mod:`~claimbench.checkers.numeric`, :mod:`~claimbench.checkers.stance`,
:mod:`~claimbench.checkers.claim_stance`, :mod:`~claimbench.checkers.baseline`).

May import: the base modules and :mod:`claimbench.text` (the language processing checkers share).
Nothing above it: not :mod:`claimbench.data` (a checker sees claims, not datasets), the runner, scoring
or the reports.
"""

from claimbench.checkers.base import BaseChecker, Checker, CheckerEnvironmentError
from claimbench.checkers.registry import CheckerInfo, Registry, discover

__all__ = ["BaseChecker", "Checker", "CheckerEnvironmentError", "CheckerInfo", "Registry", "discover"]
