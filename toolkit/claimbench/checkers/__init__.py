"""Consistency checkers: the contract, the registry and the built-in checkers."""

from claimbench.checkers.base import BaseChecker, Checker, CheckerEnvironmentError
from claimbench.checkers.registry import CheckerInfo, Registry, discover

__all__ = ["BaseChecker", "Checker", "CheckerEnvironmentError", "CheckerInfo", "Registry", "discover"]
