"""Run a batch on a Dask distributed cluster (``paceqi batch --scheduler tcp://HOST:PORT``).

Each Dask worker keeps its own :class:`~paceqi.report.kernelpool.KernelPool` (one kernel per
worker thread), held by a worker plugin: created on the worker's first job, shut down when the
plugin is removed at the end of the batch or when the worker closes. A task runs one job
end to end on the worker - execute, render HTML, write files - and only the small
:class:`~paceqi.report.result.RunResult` travels back. The output folder and the data must
therefore be on a file system every worker sees (same paths), e.g. a shared network drive.
Without a scheduler, :func:`local_cluster` starts a ``LocalCluster`` on this machine.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from distributed import Client, Worker
from distributed.diagnostics.plugin import WorkerPlugin

from paceqi.report.job import run_on_pool
from paceqi.report.jobs import RunSpec
from paceqi.report.result import RunResult

if TYPE_CHECKING:
    from paceqi.report.kernelpool import KernelPool

__all__ = ["KernelPoolPlugin", "run_on_dask", "local_cluster", "PLUGIN_NAME"]

PLUGIN_NAME = "paceqi-kernel-pool"


class _PoolHolder:
    """Lazily started kernel pool for one worker (thread-safe)."""

    def __init__(self, size: int, isolate: bool) -> None:
        self.size = size
        self.isolate = isolate
        self._lock = threading.Lock()
        self._pool: KernelPool | None = None

    def get(self) -> KernelPool:
        with self._lock:
            if self._pool is None:
                from paceqi.report._lean import import_jsonschema_lean
                from paceqi.report.kernelpool import KernelPool

                import_jsonschema_lean()  # a worker process: skip the 1.7 s IRI checker

                self._pool = KernelPool(size=self.size, isolate=self.isolate)
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


class KernelPoolPlugin(WorkerPlugin):
    """Give each Dask worker a kernel pool (size: the worker's thread count, or ``size``).

    The pool starts on the worker's first report (not in ``setup``, which runs on the worker's
    event loop) and is shut down in ``teardown``.
    """

    name = PLUGIN_NAME

    def __init__(self, isolate: bool = False, size: int | None = None) -> None:
        self.isolate = isolate
        self.size = size
        self.holder: _PoolHolder | None = None

    def setup(self, worker: Worker) -> None:
        """Prepare (but do not start) this worker's pool."""
        size = self.size or max(1, int(getattr(worker.state, "nthreads", 1) or 1))
        self.holder = _PoolHolder(size, self.isolate)

    def teardown(self, worker: Worker) -> None:
        """Shut this worker's kernels down."""
        if self.holder is not None:
            self.holder.close()


def _dask_job(spec: RunSpec, digest: str) -> RunResult:
    """Run one job on this worker's kernel pool (the Dask task)."""
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    holder = getattr(plugin, "holder", None)
    if holder is None:  # plugin missing (e.g. a worker that joined late): own pool
        own = vars(worker)  # the pool is kept on the worker object, alive as long as it is
        holder = own.get("_paceqi_pool_holder")
        if holder is None:
            holder = own["_paceqi_pool_holder"] = _PoolHolder(1, False)
    return run_on_pool(holder.get(), spec, digest)


def run_on_dask(
    todo: Sequence[tuple[RunSpec, str]],
    scheduler: str | Client,
    *,
    isolate: bool = False,
    on_result: Callable[[RunSpec, RunResult], None],
) -> None:
    """Run ``(spec, content hash)`` jobs on the cluster at ``scheduler``; call ``on_result``.

    ``scheduler`` is an address (``tcp://HOST:PORT``) or a connected ``distributed.Client``.
    """
    from distributed import as_completed

    from paceqi.errors import ReportError

    own = not isinstance(scheduler, Client)
    try:
        client = (
            scheduler if isinstance(scheduler, Client) else Client(scheduler, set_as_default=False)
        )
    except (OSError, TimeoutError) as exc:
        raise ReportError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        client.register_plugin(KernelPoolPlugin(isolate=isolate), name=PLUGIN_NAME)
        futures = {
            client.submit(
                _dask_job, spec, digest, pure=False, key=f"paceqi-{spec.key}-{digest[:8]}"
            ): spec
            for spec, digest in todo
        }
        for future in as_completed(futures, loop=client.loop):
            on_result(futures[future], future.result())
    finally:
        with contextlib.suppress(Exception):  # best effort: workers close their pools anyway
            client.unregister_worker_plugin(PLUGIN_NAME)
        if own:
            client.close()


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """Start a ``LocalCluster`` of ``workers`` single-threaded workers; yield its address.

    Each worker keeps one warm kernel. Used by ``paceqi batch --executor dask`` without
    ``--scheduler`` (and by the benchmark to compare 1 and 2 workers). The workers run in this
    process (``processes=False``): a report runs in its worker's kernel, a process of its own,
    so a worker only waits and writes files. Worker processes would add a nanny and a worker
    process per worker, each importing ``distributed`` and the runner: measured on 8 reports,
    2 worker processes cost 7.9 s more CPU than 1 and were slower than 1 (19.3 s against
    11.4 s of CPU).
    """
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        silence_logs=40,  # errors only
    ) as cluster:
        yield cluster.scheduler_address
