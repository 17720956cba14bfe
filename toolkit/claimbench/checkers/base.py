"""The checker contract: what every consistency checker, built in or plugged in, provides.

A checker is any object with the attributes and methods of :class:`Checker`; it need not inherit from
anything. :class:`BaseChecker` is an optional convenience that supplies ``get_params`` and the per-item
error handling that the conformance kit (:mod:`claimbench.testing`) demands.

The contract is enforced in one place: :func:`contract_problems` is what the registry (when it loads a
checker), the engines (before they run one) and the conformance kit all ask, and :func:`contract_message`
is how each words what it found; :func:`fit_checker` is the one way a run fits one (``fit`` is optional,
:class:`FittableChecker`); :func:`failure_message` and :func:`failed_verdict` are the one form of a
per-item failure, whether the checker itself or an engine caught it.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

from claimbench.errors import ClaimbenchError
from claimbench.records import TASKS, Context, Item, Verdict


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

    Optional, not checked by ``isinstance`` (see :class:`FittableChecker`, :func:`contract_problems`):

    ``fit(items, context)``
        Learn from labelled items before judging (a spec's ``fit_on`` dataset); returns the checker. A
        checker without it is used as constructed, and a spec that asks to fit it is rejected.
        Call it through :func:`fit_checker`.
    ``file_params``
        A class attribute, the names of the parameters that hold the path of a file the checker reads
        (a model, a lexicon): ``file_params = ("model",)``. A verdict depends on the file's content, not
        its name, so the runner puts the SHA-256 of each such file into the cache key and the report
        (:func:`claimbench.run.cache.file_digests`): a replaced file is never answered from the cache.
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


@runtime_checkable
class FittableChecker(Checker, Protocol):
    """A :class:`Checker` that also learns from labelled items: the optional part of the contract."""

    def fit(self, items: Sequence[Item], context: Context) -> Any:
        """Learn from ``items`` (labelled, of the checker's task); returns the checker, fitted."""
        ...


_ATTRIBUTES = ("name", "version", "task", "labels")


def contract_problems(checker: object) -> list[str]:
    """What ``checker`` lacks of the :class:`Checker` contract, one line each; empty when it honours it.

    Checked: the four attributes (``name`` and ``version`` non-empty strings, ``task`` a known task,
    ``labels`` a non-empty subset of the task's labels), ``check`` and ``get_params`` callable, and of the
    optional parts, ``fit`` callable where present and ``file_params`` a tuple of names. What the verdicts
    must look like is checked where they are made (:func:`claimbench.run.engines.check_batch`) and by the
    conformance kit on sample items.
    """
    missing = [a for a in _ATTRIBUTES if not hasattr(checker, a)]
    missing += [f"{m}()" for m in ("check", "get_params") if not callable(getattr(checker, m, None))]
    if missing:
        return [f"does not provide {', '.join(missing)} of the Checker protocol"]
    problems = []
    for attr in ("name", "version"):
        value = getattr(checker, attr)
        if not isinstance(value, str) or not value:
            problems.append(f"{attr} must be a non-empty string, got {value!r}")
    task = getattr(checker, "task")  # noqa: B009 - checked to exist above; the checker is any object
    if task not in TASKS:
        return [*problems, f"unknown task {task!r}; known tasks: {', '.join(TASKS)}"]
    labels = tuple(getattr(checker, "labels"))  # noqa: B009 - as above
    if not labels:
        problems.append("labels must not be empty")
    elif unknown := sorted(set(labels) - set(TASKS[task].labels)):
        problems.append(f"labels {unknown} are not in the {task} label set")
    if hasattr(checker, "fit") and not callable(getattr(checker, "fit")):  # noqa: B009
        problems.append("fit must be a method fit(items, context)")
    file_params = getattr(checker, "file_params", ())
    if not isinstance(file_params, tuple) or not all(isinstance(n, str) for n in file_params):
        problems.append(f"file_params must be a tuple of parameter names, got {file_params!r}")
    return problems


def contract_message(problems: Sequence[str]) -> str:
    """The one wording of a broken contract (:func:`contract_problems`), wherever it is found: the
    registry's refusal, an engine's error verdicts and the conformance kit's assertion."""
    return f"checker breaks the Checker contract: {'; '.join(problems)}"


def can_fit(checker: Checker) -> bool:
    """Whether ``checker`` has the optional ``fit(items, context)`` of the contract."""
    return isinstance(checker, FittableChecker) and callable(checker.fit)


def fit_checker(checker: Checker, items: Sequence[Item], context: Context) -> None:
    """Fit ``checker`` on ``items`` in place; a ``TypeError`` if it has no ``fit`` (see :func:`can_fit`)."""
    if not isinstance(checker, FittableChecker):
        raise TypeError(f"checker {checker.name!r} has no fit(items, context) method")
    checker.fit(items, context)


def failure_message(exc: BaseException) -> str:
    """The error text of a verdict whose item raised ``exc``: ``Type: message`` (``Type`` when empty)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def failed_verdict(
    item_id: str,
    checker: str,
    version: str,
    failure: BaseException | str,
    *,
    environment: bool = False,
) -> Verdict:
    """The error verdict of checker ``checker`` (at ``version``) for one item: ``failure`` is the exception
    the item raised, or a message.

    A :class:`CheckerEnvironmentError` is marked ``environment=True`` (counted apart, never cached), and
    so is any failure the caller knows to be the machine's (``environment=True``: a model that could not
    be loaded, whatever the exception).
    """
    if isinstance(failure, BaseException):
        message = failure_message(failure)
        environment = environment or isinstance(failure, CheckerEnvironmentError)
    else:
        message = failure
    return Verdict.failed(item_id, checker, version, message, environment=environment)


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
                verdict = failed_verdict(item.id, self.name, self.version, exc)
            verdicts.append(verdict)
        return verdicts

    def check_one(self, item: Item, context: Context) -> Verdict:
        """Judge one item; may raise, and the error is then recorded in the item's verdict."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
