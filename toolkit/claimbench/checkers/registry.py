"""Finding checkers: the built-ins, and third-party ones through the ``claimbench.checkers`` entry points.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."claimbench.checkers"]
    my-checker = "my_package.module:MyChecker"

The entry point names a class (or any callable) that returns a :class:`~claimbench.checkers.base.Checker`
when called with keyword parameters. A plugin that fails to import or does not satisfy the protocol is
reported by name in :attr:`Registry.broken` and skipped: it never breaks the command.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from claimbench.checkers.base import Checker, contract_message, contract_problems, failure_message

ENTRY_POINT_GROUP = "claimbench.checkers"

BUILTINS: Mapping[str, str] = {
    "numeric-sanity": "claimbench.checkers.numeric:NumericSanityChecker",
    "majority-baseline": "claimbench.checkers.baseline:MajorityBaseline",
    "prior-baseline": "claimbench.checkers.baseline:PriorBaseline",
    "source-agreement": "claimbench.checkers.stance:SourceAgreementChecker",
    "source-conflicts": "claimbench.checkers.stance:SourceConflictChecker",
    "claim-stance": "claimbench.checkers.claim_stance:ClaimStanceChecker",
}
"""Built-in checkers: registry name → ``module:attribute``."""


@dataclass(frozen=True, slots=True)
class CheckerInfo:
    """One available checker and where it came from."""

    name: str
    factory: Callable[..., Checker]
    origin: str
    version: str
    task: str


@dataclass(frozen=True)
class Registry:
    """Every available checker by name, and the plugins that could not be loaded."""

    checkers: Mapping[str, CheckerInfo]
    broken: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[CheckerInfo]:
        return iter(self.checkers.values())

    def create(self, name: str, **params: Any) -> Checker:
        """Instantiate the checker registered as ``name`` with ``params``."""
        try:
            info = self.checkers[name]
        except KeyError:
            known = ", ".join(sorted(self.checkers)) or "none"
            hint = f" (it failed to load: {self.broken[name]})" if name in self.broken else ""
            raise KeyError(
                f"no checker named {name!r}{hint}; available: {known}. "
                "Run `claimbench checkers` to list them."
            ) from None
        return info.factory(**params)


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _describe(name: str, factory: Callable[..., Checker], origin: str) -> CheckerInfo:
    checker = factory()
    if problems := contract_problems(checker):
        raise TypeError(contract_message(problems))
    return CheckerInfo(name, factory, origin, str(checker.version), checker.task)


def discover() -> Registry:
    """Collect the built-in checkers and every installed plugin."""
    checkers: dict[str, CheckerInfo] = {}
    broken: dict[str, str] = {}
    for name, target in BUILTINS.items():
        try:
            checkers[name] = _describe(name, _load(target), "built-in")
        except Exception as exc:  # noqa: BLE001 - report, never crash
            broken[name] = failure_message(exc)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else "unknown distribution"
        if ep.name in checkers:
            broken[ep.name] = f"name already taken by {checkers[ep.name].origin}; from {dist}"
            continue
        try:
            checkers[ep.name] = _describe(ep.name, ep.load(), f"plugin {dist} ({ep.value})")
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported and skipped
            broken[ep.name] = f"{failure_message(exc)} (from {dist}, {ep.value})"
    return Registry(checkers, broken)
