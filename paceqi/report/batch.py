"""Run one report (:func:`run_report`) or a whole batch (:func:`run_batch`).

The runner: skip jobs whose inputs are unchanged (:mod:`.hashing`), hand the rest to an
executor chosen by name (:mod:`.executors`: warm local kernels or a Dask cluster), show progress
(:mod:`.progress`) and write the index pages. One job - execute, render, write - is
:mod:`.job`; its result :mod:`.result`. The runner knows no notebook's parameter names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from paceqi.errors import ReportError
from paceqi.report.hashing import content_hash, previous_result, source_digest
from paceqi.report.jobs import RunSpec
from paceqi.report.result import RunResult
from paceqi.report.summary import format_summary

if TYPE_CHECKING:
    from distributed import Client

    from paceqi.report.kernelpool import KernelPool

__all__ = ["RunResult", "run_report", "run_batch", "content_hash", "format_summary"]


def run_report(spec: RunSpec, *, pool: KernelPool | None = None, force: bool = True) -> RunResult:
    """Run one report: execute ``spec.notebook`` with its parameters and write the HTML.

    Parameters
    ----------
    spec : RunSpec
        The job.
    pool : KernelPool, optional
        Run on this pool; by default a one-kernel pool is started and closed.
    force : bool
        Run even if the inputs are unchanged since the last run (default True for one report).

    Returns
    -------
    RunResult
        ``status`` is ``"failed"`` for a failing notebook (no exception is raised): the
        executed notebook and an HTML error page are written all the same.
    """
    from paceqi.report.job import run_on_pool

    digest = content_hash(spec)
    if not force:
        previous = previous_result(spec, digest)
        if previous is not None:
            return previous
    if pool is not None:
        return run_on_pool(pool, spec, digest)
    from paceqi.report.kernelpool import KernelPool

    with KernelPool(size=1) as own:
        return run_on_pool(own, spec, digest)


def _check_unique(specs: list[RunSpec]) -> None:
    seen: dict[str, RunSpec] = {}
    for spec in specs:
        if spec.key in seen:
            raise ReportError(
                f"two jobs would write the same report '{spec.key}' "
                f"(authorities '{seen[spec.key].authority}' and '{spec.authority}')"
            )
        seen[spec.key] = spec


def by_authority(specs: Iterable[RunSpec]) -> list[RunSpec]:
    """Return the jobs grouped by authority (first-seen order), keeping their order within.

    An authority's reports then follow one another on the kernels, which reuse the extract
    they parsed for the previous one (:mod:`paceqi.report.cache`); and every stretch of the
    batch mixes all notebooks, so the progress estimate holds.
    """
    specs = list(specs)
    rank = {a: i for i, a in enumerate(dict.fromkeys(s.authority for s in specs))}
    return sorted(specs, key=lambda s: rank[s.authority])


def run_batch(
    specs: Iterable[RunSpec],
    jobs: int = 2,
    force: bool = False,
    isolate: bool = False,
    scheduler: str | Client | None = None,
    progress: bool = True,
    *,
    executor: str | None = None,
    pool: KernelPool | None = None,
    write_index: bool = True,
    recycle_after: int | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run many reports in parallel on warm kernels (or a Dask cluster); never stop on a failure.

    Parameters
    ----------
    specs : iterable of RunSpec
        The jobs, e.g. from :func:`paceqi.report.jobs.specs_from_manifest`.
    jobs : int
        Number of kernels (or local Dask workers) working at once (2 on a 2-core machine).
    force : bool
        Re-run jobs whose inputs are unchanged since their last run.
    isolate : bool
        A fresh kernel for every job instead of reused, reset kernels.
    scheduler : str or distributed.Client, optional
        ``tcp://HOST:PORT`` of a Dask scheduler (or a Client): run the jobs on the cluster.
    progress : bool
        Show progress and the estimated time left on stderr.
    executor : str, optional
        ``"local"`` or ``"dask"`` (:data:`paceqi.report.executors.EXECUTORS`); default
        ``"dask"`` when ``scheduler`` is given, else ``"local"``.
    pool : KernelPool, optional
        Local executor: use this pool instead of starting one (``jobs``/``isolate`` ignored).
    write_index : bool
        Write ``index.html`` and ``national.html`` in each output folder afterwards.
    recycle_after : int, optional
        Replace a reused kernel after this many jobs.
    on_result : callable, optional
        Called with each result as it arrives.

    Returns
    -------
    list of RunResult
        In the order of ``specs``.
    """
    from paceqi.report.executors import make_executor
    from paceqi.report.progress import Progress

    specs = list(specs)
    _check_unique(specs)
    if jobs < 1:
        raise ReportError(f"--jobs must be at least 1, got {jobs}")
    name = executor or ("dask" if scheduler is not None else "local")
    runner = make_executor(
        name,
        jobs=jobs,
        isolate=isolate,
        scheduler=scheduler,
        pool=pool,
        recycle_after=recycle_after,
    )
    results: dict[str, RunResult] = {}
    todo: list[tuple[RunSpec, str]] = []
    source = source_digest()  # the paceqi code, once for every job
    for spec in by_authority(specs):
        digest = content_hash(spec, source=source)
        previous = None if force else previous_result(spec, digest)
        if previous is not None:
            results[spec.key] = previous
        else:
            todo.append((spec, digest))
    failed = sum(not r.ok for r in results.values())
    bar = Progress(len(specs), len(results), failed=failed, enabled=progress)

    def arrived(spec: RunSpec, result: RunResult) -> None:
        results[spec.key] = result
        bar.update(result.ok)
        if on_result is not None:
            on_result(result)

    try:
        runner.run(todo, arrived)
    finally:
        bar.close()
    ordered = [results[spec.key] for spec in specs]
    if write_index:
        from paceqi.report.index import write_index as _write_index

        for folder in sorted({spec.output_dir for spec in specs}):
            _write_index(folder)
    return ordered
