"""One report job on a pooled kernel: check, inject, execute, read figures, write the files.

Each job checks its parameters against the notebook's ``parameters`` cell, injects them,
executes the notebook on a warm kernel, marks a failure papermill style, reads back the recorded
figures, then writes the executed notebook, the HTML report (or error page) and a JSON result,
each atomically. A failing or hanging notebook only fails its own job; an error of the runner
itself becomes a failed result too. Executors (:mod:`paceqi.report.executors`) call
:func:`run_on_pool` or submit :func:`job_for` to a pool.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from paceqi.report._files import atomic_write_text
from paceqi.report._record import read_records
from paceqi.report.errorpage import parameter_error_notebook
from paceqi.report.hashing import content_hash
from paceqi.report.jobs import RunSpec
from paceqi.report.provenance import provenance, title
from paceqi.report.result import RunResult, failed_result, now

if TYPE_CHECKING:
    from paceqi.report.kernelpool import Kernel, KernelPool

__all__ = ["run_job", "job_for", "run_on_pool"]

_THREAD = threading.local()


def _renderer() -> Any:
    """Return this thread's HTML renderer (one exporter, templates loaded once)."""
    renderer = getattr(_THREAD, "renderer", None)
    if renderer is None:
        from paceqi.report.render import Renderer

        renderer = _THREAD.renderer = Renderer()
    return renderer


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _write_outputs(spec: RunSpec, nb: Any, result: RunResult) -> RunResult:
    import nbformat

    page = _renderer().render(nb, title=title(spec))
    atomic_write_text(spec.ipynb_path, nbformat.writes(nb))
    atomic_write_text(spec.html_path, page)
    atomic_write_text(spec.result_path, json.dumps(result.to_dict(), indent=1, sort_keys=True))
    return result


class _Identity(TypedDict):
    """The fields of a :class:`RunResult` that name the run and its files."""

    notebook: str
    authority: str
    slug: str
    html_path: str
    ipynb_path: str
    content_hash: str


async def _execute(spec: RunSpec, digest: str, kernel: Kernel) -> RunResult:
    from paceqi.report.execute import (
        check_parameters,
        execute_on_kernel,
        mark_failure,
        parameterize,
    )

    started = time.perf_counter()
    base: _Identity = {
        "notebook": spec.name,
        "authority": spec.authority,
        "slug": spec.slug,
        "html_path": _relative(spec.html_path, spec.output_dir),
        "ipynb_path": _relative(spec.ipynb_path, spec.output_dir),
        "content_hash": digest,
    }
    problem = check_parameters(spec.notebook, spec.parameters)
    if problem is not None:
        nb = parameter_error_notebook(spec, problem)
        result = RunResult(
            status="failed",
            ename="ParameterError",
            evalue=problem,
            duration=round(time.perf_counter() - started, 3),
            finished=now(),
            **base,
        )
        nb.metadata["paceqi"] = provenance(spec, digest, result, {})
        return _write_outputs(spec, nb, result)
    nb = parameterize(spec.notebook, spec.parameters, kernel.kernel_name)
    nb.metadata.papermill["output_path"] = str(spec.ipynb_path)
    outcome = await execute_on_kernel(nb, kernel, spec.timeout)
    figures = read_records(nb)
    mark_failure(nb, outcome)
    result = RunResult(
        status="ok" if outcome.ok else "failed",
        ename=outcome.ename,
        evalue=outcome.evalue,
        failed_cell=outcome.failed_cell,
        execution_count=outcome.execution_count,
        figures=figures,
        timed_out=outcome.timed_out,
        finished=now(),
        duration=round(time.perf_counter() - started, 3),
        **base,
    )
    nb.metadata["paceqi"] = provenance(spec, digest, result, figures)
    return _write_outputs(spec, nb, result)


async def run_job(spec: RunSpec, digest: str, kernel: Kernel) -> RunResult:
    """Run one job on ``kernel`` (inside the pool's event loop); never raises.

    An unexpected error of the runner (not of the notebook) becomes a failed result, the
    kernel is marked for replacement and the batch goes on.
    """
    started = time.perf_counter()
    try:
        return await _execute(spec, digest, kernel)
    except Exception as exc:
        kernel.dirty = True
        result = failed_result(spec, type(exc).__name__, str(exc), time.perf_counter() - started)
        with contextlib.suppress(OSError):
            atomic_write_text(spec.result_path, json.dumps(result.to_dict(), indent=1))
        return result


def job_for(spec: RunSpec, digest: str) -> Callable[[Kernel], Awaitable[RunResult]]:
    """Return the pool job (``job(kernel)``) that runs ``spec``."""

    def job(kernel: Kernel) -> Awaitable[RunResult]:
        return run_job(spec, digest, kernel)

    return job


def run_on_pool(pool: KernelPool, spec: RunSpec, digest: str | None = None) -> RunResult:
    """Run one job on a :class:`~paceqi.report.kernelpool.KernelPool` (blocking)."""
    return pool.call(job_for(spec, digest or content_hash(spec)))
