"""The checker contract: what every consistency checker, built in or plugged in, provides.

A checker is any object with the attributes and methods of :class:`Checker`; it need not inherit from
anything. :class:`BaseChecker` is an optional convenience that supplies ``get_params`` and the per-item
error handling that the conformance kit (:mod:`claimbench.testing`) demands.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

from claimbench.errors import ClaimbenchError
from claimbench.records import Context, Item, Verdict


class CheckerEnvironmentError(ClaimbenchError, RuntimeError):
    """A checker cannot work on this machine as it is: its model file is missing, unreadable or refused.

    Raise it (or let the runner see it) for failures that say nothing about the item: the item's verdict
    records the error with ``environment=True``, the run counts it, and it is never cached, so the next
    run, once the file is there, computes the verdict.
    """


@runtime_checkable
class Checker(Protocol):
    """A consistency checker.

    ``task`` names the gold label it predicts (``numeric_consistency``: items are claims;
    ``source_agreement``: items are relations), ``labels`` is that task's label set. ``check`` returns one
    :class:`~claimbench.records.Verdict` per item, in the same order, with the item's id; a failure on one
    item is reported in that item's verdict (``error``), never raised. Parameters are plain constructor
    arguments, returned by ``get_params`` so that a run can record them (scikit-learn's convention).

    Optional, not checked by ``isinstance``:

    ``file_params``
        A class attribute, the names of the parameters that hold the path of a file the checker reads
        (a model, a lexicon): ``file_params = ("model",)``. A verdict depends on the file's content, not
        its name, so the runner puts the SHA-256 of each such file into the cache key and the report
        (:func:`claimbench.cache.file_digests`): a replaced file is never answered from the cache.
    """

    name: str
    version: str
    task: str
    labels: tuple[str, ...]

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """Judge a batch of items."""
        ...

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments, as stored."""
        ...


class BaseChecker:
    """Optional base class: subclasses implement :meth:`check_one` and get the rest.

    ``get_params`` reads the constructor's signature and returns the attributes of the same names, as
    scikit-learn's ``BaseEstimator`` does, so parameters must be stored unchanged in ``__init__``.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    task: ClassVar[str]
    labels: ClassVar[tuple[str, ...]]
    file_params: ClassVar[tuple[str, ...]] = ()
    """Parameters that name files the checker reads (see :class:`Checker`); none by default."""

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments, read back from the attributes of the same names."""
        params = inspect.signature(type(self).__init__).parameters
        return {
            p: getattr(self, p)
            for p in params
            if p != "self" and params[p].kind not in (params[p].VAR_POSITIONAL, params[p].VAR_KEYWORD)
        }

    def check(self, items: Sequence[Item], context: Context) -> list[Verdict]:
        """Judge each item with :meth:`check_one`, turning an exception into that item's error verdict."""
        verdicts = []
        for item in items:
            try:
                verdict = self.check_one(item, context)
            except Exception as exc:  # noqa: BLE001 - one bad item must not stop the batch
                verdict = Verdict.failed(
                    item.id,
                    self.name,
                    self.version,
                    f"{type(exc).__name__}: {exc}",
                    environment=isinstance(exc, CheckerEnvironmentError),
                )
            verdicts.append(verdict)
        return verdicts

    def check_one(self, item: Item, context: Context) -> Verdict:
        """Judge one item; may raise, and the error is then recorded in the item's verdict."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
