"""Run one report (:func:`run_report`) or a whole batch (:func:`run_batch`).

Each job: check its parameters against the notebook's ``parameters`` cell, inject them, execute
on a pooled kernel, mark a failure papermill style, read back the recorded figures, then write
the executed notebook, the HTML report (or error page) and a JSON result, each atomically.
A failing or hanging notebook only fails its own job. A job whose inputs (notebook,
parameters, data files named in the parameters, report template, paceqi version) are unchanged
since its last run is not re-run unless ``force=True``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import html
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from paceqi.errors import ReportError
from paceqi.report._files import atomic_write_text, canonical_json, path_digest, tree_digest
from paceqi.report._record import read_records
from paceqi.report.jobs import RunSpec, is_path_parameter

__all__ = ["RunResult", "run_report", "run_batch", "content_hash", "format_summary"]

_RESULT_VERSION = 1


@dataclass(frozen=True)
class RunResult:
    """The outcome of one report job (also stored next to the report as ``<slug>.json``).

    Attributes
    ----------
    notebook, authority, slug : str
        Which report.
    status : str
        ``"ok"`` or ``"failed"``.
    ename, evalue : str or None
        Exception name and message of a failure.
    failed_cell : int or None
        Index of the failing cell in the executed notebook, counted as papermill does
        (before its banner cells); ``execution_count`` is its ``In [N]``.
    duration : float
        Seconds for the job (execute + render + write).
    html_path, ipynb_path : str
        Output files, relative to the batch's output folder.
    figures : dict
        Values the notebook recorded with :func:`paceqi.report.record`.
    content_hash : str
        Hash of the job's inputs; an unchanged hash means the job can be skipped.
    skipped : bool
        True when this result was reused from an earlier run (inputs unchanged).
    timed_out : bool
        True when a cell exceeded the per-cell timeout.
    finished : str
        ISO time the job finished (UTC).
    """

    notebook: str
    authority: str
    slug: str
    status: str
    ename: str | None = None
    evalue: str | None = None
    failed_cell: int | None = None
    execution_count: int | None = None
    duration: float = 0.0
    html_path: str = ""
    ipynb_path: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    skipped: bool = False
    timed_out: bool = False
    finished: str = ""

    @property
    def ok(self) -> bool:
        """True when the report ran to the end."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``skipped`` is not stored: it describes one batch run)."""
        data = asdict(self)
        data.pop("skipped")
        data["result_version"] = _RESULT_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Inverse of :meth:`to_dict`."""
        known = {f for f in cls.__dataclass_fields__ if f != "skipped"}
        return cls(**{k: v for k, v in data.items() if k in known})


# -- hashing ------------------------------------------------------------------------------------
def _paceqi_version() -> str:
    from paceqi import __version__

    return __version__


def data_digests(spec: RunSpec) -> dict[str, str]:
    """Return ``{parameter: sha256}`` for each path parameter naming an existing file/folder."""
    found: dict[str, str] = {}
    for name, value in sorted(spec.parameters.items()):
        if is_path_parameter(name) and isinstance(value, str) and value:
            digest = path_digest(Path(value))
            if digest is not None:
                found[name] = digest
    return found


def content_hash(spec: RunSpec, template_dir: Path | None = None) -> str:
    """Hash of everything that determines a report: notebook, parameters, data, template, version.

    Parameters
    ----------
    spec : RunSpec
        The job.
    template_dir : Path, optional
        Report templates folder (default: the project's ``templates/``).
    """
    from paceqi._paths import templates_dir

    digest = hashlib.sha256()
    digest.update(f"paceqi {_paceqi_version()} result {_RESULT_VERSION}\n".encode())
    digest.update(spec.notebook.read_bytes())
    digest.update(canonical_json(spec.parameters).encode())
    digest.update(canonical_json({"timeout": spec.timeout}).encode())
    digest.update(canonical_json(data_digests(spec)).encode())
    folder = template_dir or templates_dir()
    if folder.is_dir():
        digest.update(tree_digest(folder).encode())
    return digest.hexdigest()


def _previous_result(spec: RunSpec, digest: str) -> RunResult | None:
    try:
        data = json.loads(spec.result_path.read_text(encoding="utf-8"))
        previous = RunResult.from_dict(data)
    except (OSError, ValueError, TypeError):
        return None
    if previous.content_hash != digest:
        return None
    if not spec.html_path.is_file() or not spec.ipynb_path.is_file():
        return None
    return replace(previous, skipped=True)


# -- one job on a kernel ------------------------------------------------------------------------
_THREAD = threading.local()


def _renderer() -> Any:
    renderer = getattr(_THREAD, "renderer", None)
    if renderer is None:
        from paceqi.report.render import Renderer

        renderer = _THREAD.renderer = Renderer()
    return renderer


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _title(spec: RunSpec) -> str:
    return spec.name.replace("_", " ").capitalize()


def _write_outputs(spec: RunSpec, nb: Any, result: RunResult) -> RunResult:
    import nbformat

    html = _renderer().render(nb, title=_title(spec))
    atomic_write_text(spec.ipynb_path, nbformat.writes(nb))
    atomic_write_text(spec.html_path, html)
    atomic_write_text(spec.result_path, json.dumps(result.to_dict(), indent=1, sort_keys=True))
    return result


def _parameter_error_notebook(spec: RunSpec, message: str) -> Any:
    import nbformat

    from paceqi.report.execute import parameterize

    try:
        nb = parameterize(spec.notebook, spec.parameters)
    except Exception:
        nb = nbformat.v4.new_notebook()
    from papermill.execute import ERROR_MARKER_TAG

    cell = nbformat.v4.new_markdown_cell(
        f"<h2>This report could not run</h2><p>{html.escape(message)}</p>"
    )
    cell.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor = nbformat.v4.new_markdown_cell('<span id="papermill-error-cell"></span>')
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells[0:0] = [cell, anchor]
    return nb


async def _run_job(spec: RunSpec, digest: str, kernel: Any) -> RunResult:
    """Run one job on ``kernel`` (inside the pool's event loop)."""
    from paceqi.report.execute import (
        check_parameters,
        execute_on_kernel,
        mark_failure,
        parameterize,
    )

    started = time.perf_counter()
    base = {
        "notebook": spec.name,
        "authority": spec.authority,
        "slug": spec.slug,
        "html_path": _relative(spec.html_path, spec.output_dir),
        "ipynb_path": _relative(spec.ipynb_path, spec.output_dir),
        "content_hash": digest,
    }
    problem = check_parameters(spec.notebook, spec.parameters)
    if problem is not None:
        nb = _parameter_error_notebook(spec, problem)
        result = RunResult(
            status="failed",
            ename="ParameterError",
            evalue=problem,
            duration=round(time.perf_counter() - started, 3),
            finished=_now(),
            **base,
        )
        nb.metadata["paceqi"] = _provenance(spec, digest, result, {})
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
        finished=_now(),
        duration=round(time.perf_counter() - started, 3),
        **base,
    )
    nb.metadata["paceqi"] = _provenance(spec, digest, result, figures)
    return _write_outputs(spec, nb, result)


def _provenance(
    spec: RunSpec, digest: str, result: RunResult, figures: dict[str, Any]
) -> dict[str, Any]:
    """Return what the template's footer shows (``nb.metadata.paceqi``)."""
    provenance = figures.get("provenance")
    return {
        "version": _paceqi_version(),
        "title": _title(spec),
        "notebook": spec.notebook.name,
        "parameters": dict(spec.parameters),
        "run_time": result.finished,
        "duration": result.duration,
        "content_hash": digest,
        "data_files": {k: v[:16] for k, v in data_digests(spec).items()},
        "rules": figures.get("rules") or spec.parameters.get("rules"),
        "provenance": provenance if isinstance(provenance, dict) else {},
        "status": result.status,
        "ename": result.ename,
        "evalue": result.evalue,
    }


async def _safe_job(spec: RunSpec, digest: str, kernel: Any) -> RunResult:
    """Like :func:`_run_job` but an unexpected error becomes a failed result (batch goes on)."""
    started = time.perf_counter()
    try:
        return await _run_job(spec, digest, kernel)
    except Exception as exc:  # a failure of the runner itself, not of the notebook
        kernel.dirty = True
        result = RunResult(
            notebook=spec.name,
            authority=spec.authority,
            slug=spec.slug,
            status="failed",
            ename=type(exc).__name__,
            evalue=str(exc)[:500],
            duration=round(time.perf_counter() - started, 3),
            content_hash="",  # never treated as up to date
            finished=_now(),
        )
        with contextlib.suppress(OSError):
            atomic_write_text(spec.result_path, json.dumps(result.to_dict(), indent=1))
        return result


def run_on_pool(pool: Any, spec: RunSpec, digest: str | None = None) -> RunResult:
    """Run one job on a :class:`~paceqi.report.kernelpool.KernelPool` (blocking)."""
    digest = digest or content_hash(spec)
    return pool.call(lambda kernel: _safe_job(spec, digest, kernel))


# -- public API ---------------------------------------------------------------------------------
def run_report(spec: RunSpec, *, pool: Any = None, force: bool = True) -> RunResult:
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
    digest = content_hash(spec)
    if not force:
        previous = _previous_result(spec, digest)
        if previous is not None:
            return previous
    if pool is not None:
        return run_on_pool(pool, spec, digest)
    from paceqi.report.kernelpool import KernelPool

    with KernelPool(size=1) as own:
        return run_on_pool(own, spec, digest)


def run_batch(
    specs: Iterable[RunSpec],
    jobs: int = 2,
    force: bool = False,
    isolate: bool = False,
    scheduler: Any = None,
    progress: bool = True,
    *,
    pool: Any = None,
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
        Number of kernels working at once (2 on a 2-core machine).
    force : bool
        Re-run jobs whose inputs are unchanged since their last run.
    isolate : bool
        A fresh kernel for every job instead of reused, reset kernels.
    scheduler : str or distributed.Client, optional
        ``tcp://HOST:PORT`` of a Dask scheduler (or a Client): run the jobs on the cluster.
    progress : bool
        Show a tqdm progress bar on stderr.
    pool : KernelPool, optional
        Use this pool instead of starting one (keyword only; ``jobs``/``isolate`` then ignored).
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
    specs = list(specs)
    seen: dict[str, RunSpec] = {}
    for spec in specs:
        if spec.key in seen:
            raise ReportError(
                f"two jobs would write the same report '{spec.key}' "
                f"(authorities '{seen[spec.key].authority}' and '{spec.authority}')"
            )
        seen[spec.key] = spec
    if jobs < 1:
        raise ReportError(f"--jobs must be at least 1, got {jobs}")
    results: dict[str, RunResult] = {}
    todo: list[tuple[RunSpec, str]] = []
    for spec in specs:
        digest = content_hash(spec)
        previous = None if force else _previous_result(spec, digest)
        if previous is not None:
            results[spec.key] = previous
        else:
            todo.append((spec, digest))

    from tqdm import tqdm

    bar = tqdm(
        total=len(specs),
        initial=len(results),
        unit="report",
        desc="reports",
        disable=not progress,
        dynamic_ncols=True,
    )
    failed = sum(not r.ok for r in results.values())

    def arrived(spec: RunSpec, result: RunResult) -> None:
        nonlocal failed
        results[spec.key] = result
        failed += not result.ok
        bar.set_postfix(failed=failed, refresh=False)
        bar.update(1)
        if on_result is not None:
            on_result(result)

    try:
        if todo and scheduler is not None:
            from paceqi.report.cluster import run_on_dask

            run_on_dask(todo, scheduler, isolate=isolate, on_result=arrived)
        elif todo:
            _run_local(todo, jobs, isolate, pool, recycle_after, arrived)
    finally:
        bar.close()
    ordered = [results[spec.key] for spec in specs]
    if write_index:
        from paceqi.report.index import write_index as _write_index

        for folder in sorted({spec.output_dir for spec in specs}):
            _write_index(folder)
    return ordered


def _run_local(
    todo: Sequence[tuple[RunSpec, str]],
    jobs: int,
    isolate: bool,
    pool: Any,
    recycle_after: int | None,
    arrived: Callable[[RunSpec, RunResult], None],
) -> None:
    from paceqi.report.kernelpool import DEFAULT_RECYCLE_AFTER, KernelPool

    own = pool is None
    if own:
        pool = KernelPool(
            size=min(jobs, len(todo)),
            isolate=isolate,
            recycle_after=recycle_after or DEFAULT_RECYCLE_AFTER,
        )
    try:
        futures = {pool.submit(_job_for(spec, digest)): spec for spec, digest in todo}
        for future in as_completed(futures):
            spec = futures[future]
            try:
                result = future.result()
            except ReportError as exc:  # the pool could not provide a kernel
                result = RunResult(
                    notebook=spec.name,
                    authority=spec.authority,
                    slug=spec.slug,
                    status="failed",
                    ename="KernelError",
                    evalue=str(exc)[:500],
                    finished=_now(),
                )
            arrived(spec, result)
    finally:
        if own:
            pool.close()


def _job_for(spec: RunSpec, digest: str) -> Callable[[Any], Any]:
    def job(kernel: Any) -> Any:
        return _safe_job(spec, digest, kernel)

    return job


def format_summary(results: Sequence[RunResult]) -> str:
    """Return a plain-text summary table: one line per report, then the totals."""
    rows = [("report", "authority", "status", "seconds", "detail")]
    for r in results:
        status = r.status + (" (unchanged)" if r.skipped else "")
        detail = ""
        if not r.ok:
            cell = f"cell {r.execution_count}: " if r.execution_count else ""
            detail = f"{cell}{r.ename}: {r.evalue or ''}".replace("\n", " ")[:80]
        rows.append((r.notebook, r.authority, status, f"{r.duration:.1f}", detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "-" * min(100, sum(widths) + 8 + 6))
    n_ok = sum(r.ok for r in results)
    n_skip = sum(r.skipped for r in results)
    n_fail = len(results) - n_ok
    lines.append(
        f"{len(results)} reports: {n_ok} ok, {n_fail} failed, {n_skip} unchanged (not re-run)"
    )
    return "\n".join(line.rstrip() for line in lines)
