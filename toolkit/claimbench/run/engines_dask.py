"""The ``dask`` engine: batches of items checked on a Dask cluster (``distributed``).

``claimbench run spec.toml --engine dask --scheduler tcp://HOST:8786`` sends batches to the workers of a
running ``dask scheduler``; without ``--scheduler`` a ``LocalCluster`` of ``--jobs`` worker processes
(one thread each) is started on 127.0.0.1 for the run and shut down after it. The README's section
"Running on a cluster" shows a real ``dask scheduler`` / ``dask worker`` set-up.

How a run goes, and why:

* **The checker and the context travel once.** ``client.scatter((checker, context, finish), broadcast=True)``
  pickles them (cloudpickle where plain pickle cannot: checkers defined in scripts work) and copies them
  to every worker before the first batch; each batch task names the scattered data instead of carrying
  it. A worker that joins later (or replaces a lost one) fetches it from a peer. A context holds whole
  article bodies, so shipping it per batch would cost more than the checking.
* **Backpressure.** At most ``max_in_flight`` batches are submitted and not yet collected (by default
  four per worker); the next batch is pulled from the runner — in the calling thread — only when one
  completes. A streamed dataset therefore never has more than that many batches in memory, here or on
  the cluster, and ``as_completed`` hands each finished batch to the runner, which writes it to the
  verdict cache at once (so resuming works exactly as with the other engines).
* **A lost worker costs its batches only.** When a worker process dies, the scheduler re-runs the
  batches it held on the other workers (and the nanny restarts the process); ``retries`` re-runs a batch
  whose task raised. Every batch is committed to the cache as it arrives, so nothing already returned is
  computed again. If every copy of the scattered payload is lost (a one-worker cluster losing its
  worker), it is scattered again and the batch resubmitted.
* **Models load once per worker.** Learned checkers load their model file with
  :func:`claimbench.checkers.loading.load_once`: a Dask worker is a long-lived process, so the model is read
  on
  the worker's first batch and reused by every later batch and run.

Results are exactly those of the serial engine: every batch runs :func:`claimbench.run.engines.check_batch`.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from claimbench.checkers.base import Checker
from claimbench.records import Context, Item
from claimbench.run.batches import BatchResult, Finisher, Payload, timed_batch, transportable

log = logging.getLogger("claimbench.run.engines")

INSTALL_HINT = (
    "the dask engine needs dask.distributed: pip install 'dask[distributed]' "
    "(or, in a checkout, pip install -e '.[dask]')"
)
RESUBMITS = 3
"""How often a batch is resubmitted after its scattered payload was lost, before the run fails."""


def _distributed() -> Any:
    """``distributed``, typed as ``Any``: its partial annotations would make every call "untyped"."""
    try:
        return importlib.import_module("distributed")
    except ImportError as exc:
        raise RuntimeError(f"{INSTALL_HINT} ({exc})") from exc


def _check_remote(payload: Payload, index: int, batch: Sequence[Item]) -> BatchResult:
    """A batch task on a worker: the scattered checker, context and finisher, under the error contract."""
    checker, context, finish = payload
    return timed_batch(index, checker, context, batch, finish)


class DaskEngine:
    """Runs batches on a Dask cluster: a running scheduler, or a LocalCluster on 127.0.0.1 for the run.

    ``jobs``: worker processes of the LocalCluster (``-1``: one per core; ignored with ``scheduler``).
    ``scheduler``: address of a running scheduler (``tcp://host:8786``); default dask's ``scheduler-address``
    setting (``DASK_SCHEDULER_ADDRESS``) when set, else a LocalCluster. ``max_in_flight``: batches submitted
    and not yet collected (default four per worker). ``retries``: re-runs of a batch whose task raised.
    The cluster is started on the first :meth:`map_batches` and shut down by :meth:`close` (a cluster
    this engine did not start is only disconnected from).
    """

    name = "dask"
    worker_saturation = float("inf")
    """The LocalCluster scheduler's ``worker-saturation`` (dask's default, 1.1, queues tasks there)."""
    message_log = 16
    """``distributed.admin.low-level-log-length`` while the engine is open (see :attr:`client`)."""

    def __init__(
        self,
        jobs: int = 1,
        scheduler: str | None = None,
        *,
        max_in_flight: int | None = None,
        retries: int = 2,
        timeout: float = 60.0,
        cluster_options: dict[str, Any] | None = None,
    ) -> None:
        if jobs == 0 or jobs < -1:
            raise ValueError("jobs must be a positive number of worker processes, or -1 for every core")
        _distributed()  # fail here, with the hint, not on the first batch
        if scheduler is None:
            import dask

            scheduler = dask.config.get("scheduler-address", None) or None
        self.jobs = jobs
        self.scheduler = scheduler
        self.max_in_flight = max_in_flight
        self.retries = retries
        self.timeout = timeout
        self.cluster_options = dict(cluster_options or {})
        self._client: Any = None
        self._cluster: Any = None
        self._config: Any = None

    def workers(self) -> int:
        """Worker processes of the LocalCluster to start (``jobs``; ``-1``: every core)."""
        return (os.cpu_count() or 1) if self.jobs < 0 else self.jobs

    @property
    def client(self) -> Any:
        """The ``distributed.Client``, connected (and the LocalCluster started) on first use."""
        if self._client is None:
            distributed = _distributed()
            Client, LocalCluster = distributed.Client, distributed.LocalCluster  # noqa: N806
            import dask

            # Every connection keeps its last `low-level-log-length` messages for debugging (1000 by
            # default); a message that submits a batch holds the batch, so the scheduler in this process
            # and the client would keep ~1000 batches per worker alive. Set while the engine is open (a
            # worker that replaces a lost one gets a new connection), restored by close().
            self._config = dask.config.set({"distributed.admin.low-level-log-length": self.message_log})
            if self.scheduler is not None:
                log.info("dask: connecting to the scheduler at %s", self.scheduler)
                self._client = Client(self.scheduler, timeout=self.timeout, set_as_default=False)
            else:
                options: dict[str, Any] = {
                    "host": "127.0.0.1",
                    "n_workers": self.workers(),
                    "threads_per_worker": 1,
                    "processes": True,
                    "dashboard_address": None,
                    # the scheduler serves its HTTP routes even without a dashboard, by default on
                    # 0.0.0.0:8787: keep them on loopback, on a free port (two runs at once do not clash)
                    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
                    "silence_logs": logging.ERROR,
                    **self.cluster_options,
                }
                settings: dict[str, Any] = {
                    # No queuing on the scheduler: the engine bounds what is in flight itself, and a
                    # worker holding its next batch never idles while the scheduler (here) replies.
                    "distributed.scheduler.worker-saturation": self.worker_saturation,
                }
                log.info("dask: starting a LocalCluster of %d worker process(es)", options["n_workers"])
                with dask.config.set(settings):
                    self._cluster = LocalCluster(**options)
                self._client = Client(self._cluster, timeout=self.timeout, set_as_default=False)
        return self._client

    def connect(self) -> DaskEngine:
        """Connect now (starting the LocalCluster) rather than on the first batch; returns the engine.

        Raises ``OSError`` (``TimeoutError``) when the scheduler cannot be reached.
        """
        _ = self.client
        return self

    def _in_flight(self) -> int:
        if self.max_in_flight is not None:
            return max(1, self.max_in_flight)
        if self._cluster is None:
            n = len(self.client.scheduler_info().get("workers", {})) or 1
        else:
            n = self.workers()
        return 4 * n

    def _scatter(self, payload: Payload) -> Any:
        """The checker, context and finisher on every worker, as one future (a list holds them together)."""
        (future,) = self.client.scatter([payload], broadcast=True, hash=False)
        return future

    def map_batches(
        self,
        checker: Checker,
        context: Context,
        batches: Iterable[Sequence[Item]],
        finish: Finisher | None = None,
    ) -> Iterator[BatchResult]:
        """Yield each batch's result as the cluster finishes it (bounded in flight; see the module doc).

        No batch, no cluster: the client (and a LocalCluster) is only started once there is a first batch,
        so a run whose verdicts all come from the cache starts nothing.
        """
        counted = enumerate(batches)
        first = next(counted, None)
        if first is None:
            return
        numbered: Iterator[tuple[int, Sequence[Item]]] = itertools.chain([first], counted)
        as_completed = _distributed().as_completed
        client = self.client
        self._await_workers()
        sent: Payload = (checker, context, finish)
        payload = self._scatter(sent)
        # each batch remembers the payload it was sent with: when that payload is lost, every batch that
        # named it is cancelled by the scheduler, and all of them are resubmitted with the new one
        pending: dict[Any, tuple[int, Sequence[Item], int, Any]] = {}
        # with_results: the client fetches each result the moment it is ready, so a worker that dies later
        # takes no finished batch with it (a result left on a worker is lost with it and recomputed)
        completed = as_completed(loop=client.loop, with_results=True, raise_errors=False)

        def submit(index: int, batch: Sequence[Item], attempt: int = 0) -> None:
            future = client.submit(
                _check_remote, payload, index, batch, retries=self.retries, pure=False, key=None
            )
            pending[future] = (index, batch, attempt, payload)
            completed.add(future)

        def refill() -> None:
            while len(pending) < limit:
                try:
                    index, batch = next(numbered)
                except StopIteration:
                    return
                submit(index, transportable(batch))

        limit = self._in_flight()
        try:
            refill()
            while pending:
                future, result = next(completed)
                index, batch, attempt, sent_with = pending.pop(future)
                try:
                    if future.status != "finished":
                        lost = sent_with is not payload or payload.status != "finished"
                        if not lost or attempt >= RESUBMITS:
                            future.result()  # raises the batch's error (a bug, or a worker killed too often)
                        if payload.status != "finished":
                            log.warning(
                                "dask: the checker's payload was lost with its workers; sending it again"
                            )
                            payload.release()
                            payload = self._scatter(sent)
                        submit(index, batch, attempt + 1)
                        continue
                finally:
                    future.release()
                refill()
                yield result
        finally:
            if pending:
                client.cancel(list(pending), force=True)
            payload.release()

    def _await_workers(self) -> None:
        """Wait (up to ``timeout``) until the LocalCluster has all its workers, so the payload reaches each.

        A worker restarted after a crash in an earlier run may still be joining; a payload broadcast
        without it lives on fewer workers and is lost sooner. A cluster this engine did not start is
        used as it is.
        """
        if self._cluster is None:
            return
        try:
            self.client.wait_for_workers(self.workers(), timeout=self.timeout)
        except TimeoutError:
            log.warning("dask: not every worker of the LocalCluster is up; going on with those that are")

    def close(self) -> None:
        """Disconnect, and shut the LocalCluster down if this engine started one."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None
