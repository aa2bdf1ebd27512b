"""Where the jobs of a batch run: one interface, executors chosen by name.

``local``
    A :class:`~paceqi.report.kernelpool.KernelPool` of warm kernels in this process (default).
``dask``
    A Dask distributed cluster (``--scheduler tcp://HOST:PORT``), or a ``LocalCluster`` of
    ``jobs`` workers (threads of this process, a kernel each) when no scheduler is given
    (:mod:`paceqi.report.cluster`).

An executor gets ``(spec, content hash)`` pairs and calls ``arrived(spec, result)`` for each
finished job, in any order; it never stops on a failing report. It knows nothing of the
notebooks or their parameters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from typing import TYPE_CHECKING, ClassVar, Protocol, TypedDict, Unpack

from paceqi.errors import ReportError
from paceqi.report.jobs import RunSpec
from paceqi.report.result import RunResult, failed_result

if TYPE_CHECKING:
    from distributed import Client

    from paceqi.report.kernelpool import KernelPool

__all__ = ["Executor", "LocalExecutor", "DaskExecutor", "EXECUTORS", "make_executor"]

Todo = Sequence[tuple[RunSpec, str]]
Arrived = Callable[[RunSpec, RunResult], None]


class Executor(ABC):
    """Runs report jobs somewhere and reports each result as it arrives."""

    name: ClassVar[str]

    @abstractmethod
    def run(self, todo: Todo, arrived: Arrived) -> None:
        """Run every ``(spec, digest)`` job; call ``arrived(spec, result)`` for each."""


class LocalExecutor(Executor):
    """Warm kernels in this process.

    Parameters
    ----------
    jobs : int
        Kernels working at once.
    isolate : bool
        A fresh kernel for every job.
    pool : KernelPool, optional
        Use this pool (not closed afterwards) instead of starting one.
    recycle_after : int, optional
        Replace a reused kernel after this many jobs.
    """

    name = "local"

    def __init__(
        self,
        jobs: int = 2,
        *,
        isolate: bool = False,
        pool: KernelPool | None = None,
        recycle_after: int | None = None,
        **_: object,
    ) -> None:
        self.jobs = jobs
        self.isolate = isolate
        self.pool = pool
        self.recycle_after = recycle_after

    def run(self, todo: Todo, arrived: Arrived) -> None:
        """Run the jobs on the pool's kernels."""
        from paceqi.report.job import job_for
        from paceqi.report.kernelpool import DEFAULT_RECYCLE_AFTER, KernelPool

        if not todo:
            return
        pool = self.pool
        if pool is None:
            pool = KernelPool(
                size=min(self.jobs, len(todo)),
                isolate=self.isolate,
                recycle_after=self.recycle_after or DEFAULT_RECYCLE_AFTER,
            )
        try:
            futures = {pool.submit(job_for(spec, digest)): spec for spec, digest in todo}
            for future in as_completed(futures):
                spec = futures[future]
                try:
                    result = future.result()
                except ReportError as exc:  # the pool could not provide a kernel
                    result = failed_result(spec, "KernelError", str(exc))
                arrived(spec, result)
        finally:
            if self.pool is None:
                pool.close()


class DaskExecutor(Executor):
    """A Dask cluster: each worker keeps its own warm kernels; only results travel back.

    Parameters
    ----------
    scheduler : str or distributed.Client, optional
        ``tcp://HOST:PORT`` or a connected client; None starts a ``LocalCluster`` of ``jobs``
        single-threaded workers in this process (each with its own kernel) for the batch.
    jobs : int
        Workers of the local cluster (ignored with a scheduler).
    isolate : bool
        A fresh kernel for every job on the workers.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | Client | None = None,
        *,
        jobs: int = 2,
        isolate: bool = False,
        **_: object,
    ) -> None:
        self.scheduler = scheduler
        self.jobs = jobs
        self.isolate = isolate

    def run(self, todo: Todo, arrived: Arrived) -> None:
        """Run the jobs on the cluster."""
        if not todo:
            return
        try:
            from paceqi.report.cluster import local_cluster, run_on_dask
        except ModuleNotFoundError as exc:
            raise ReportError(
                f"the dask executor needs Dask distributed ('{exc.name}' is not installed): "
                "pip install -e '.[cluster]'"
            ) from None
        if self.scheduler is not None:
            run_on_dask(todo, self.scheduler, isolate=self.isolate, on_result=arrived)
            return
        with local_cluster(self.jobs) as address:
            run_on_dask(todo, address, isolate=self.isolate, on_result=arrived)


#: Executors by name (``paceqi batch --executor NAME``).
class ExecutorOptions(TypedDict, total=False):
    """What :func:`make_executor` passes on; each executor takes the options it uses."""

    jobs: int
    isolate: bool
    scheduler: str | Client | None
    pool: KernelPool | None
    recycle_after: int | None


class _ExecutorClass(Protocol):
    """An executor class: built from any :class:`ExecutorOptions` (it ignores the others)."""

    def __call__(self, **options: Unpack[ExecutorOptions]) -> Executor: ...


EXECUTORS: dict[str, _ExecutorClass] = {"local": LocalExecutor, "dask": DaskExecutor}


def make_executor(name: str, **options: Unpack[ExecutorOptions]) -> Executor:
    """Return the executor called ``name`` configured with ``options``.

    Raises
    ------
    ReportError
        For an unknown name (the message lists the known ones).
    """
    try:
        cls = EXECUTORS[name]
    except KeyError:
        known = ", ".join(sorted(EXECUTORS))
        raise ReportError(f"unknown executor '{name}'; choose one of: {known}") from None
    return cls(**options)
