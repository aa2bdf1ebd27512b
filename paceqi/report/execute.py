"""Execute one parameterised notebook on a pooled kernel, papermill style.

The steps papermill's ``execute_notebook`` takes, without its per-notebook kernel start and
per-cell autosave: load the notebook, inject the parameters after the cell tagged ``parameters``
(``papermill.parameterize.parameterize_notebook``: same ``injected-parameters`` cell and
``metadata.papermill`` as papermill), run the cells one by one with nbclient on a running kernel
(per-cell timeout), and on failure mark the notebook exactly as papermill does: a red banner cell
at the top linking to an anchor cell placed just before the failing cell
(``papermill/execute.py::raise_for_execution_errors``). The executed notebook therefore still
opens and reruns with plain papermill.
"""

from __future__ import annotations

import datetime as _dt
import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paceqi.report.kernelpool import Kernel

__all__ = [
    "ExecutionOutcome",
    "check_parameters",
    "execute_on_kernel",
    "mark_failure",
    "parameterize",
]


@dataclass(frozen=True)
class ExecutionOutcome:
    """What happened when a notebook ran.

    ``failed_cell`` is the index of the failing cell in the *input-plus-injected* notebook
    (before the banner cells were inserted); ``execution_count`` its ``In [N]`` number.
    """

    ok: bool
    ename: str | None = None
    evalue: str | None = None
    failed_cell: int | None = None
    execution_count: int | None = None
    timed_out: bool = False
    kernel_died: bool = False


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat()


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Return the parameters declared in a notebook's ``parameters`` cell (name -> info).

    Memoised on the file's path, size and modification time: a batch checks every report of a
    notebook against the same cell (reading and parsing it each time cost ~15 ms a report).
    """
    stat = Path(path).stat()
    return dict(_declared(str(path), stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=64)
def _declared(path: str, size: int, mtime_ns: int) -> dict[str, Any]:
    from papermill import inspect_notebook

    return inspect_notebook(path)


def check_parameters(path: Path, parameters: dict[str, Any]) -> str | None:
    """Return an error message naming the first parameter the notebook does not declare."""
    declared = notebook_parameters(path)
    if not declared:
        return f"notebook '{path.name}' has no cell tagged 'parameters'"
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        return (
            f"parameter '{unknown[0]}' is not in the parameters cell of notebook "
            f"'{path.name}' (it declares: {', '.join(sorted(declared))})"
        )
    return None


def parameterize(path: Path, parameters: dict[str, Any], kernel_name: str = "python3") -> Any:
    """Load a notebook and inject ``parameters`` the way papermill does; return the node."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(path))
    nb = parameterize_notebook(nb, dict(parameters), kernel_name=kernel_name, language="python")
    nb.metadata.papermill["input_path"] = str(path)
    nb.metadata.papermill["default_parameters"] = {}
    nb.metadata.kernelspec = {
        "name": kernel_name,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def _error_output(ename: str, evalue: str) -> Any:
    import nbformat

    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


async def execute_on_kernel(nb: Any, kernel: Kernel, timeout: float | None) -> ExecutionOutcome:
    """Run every code cell of ``nb`` (in place) on ``kernel``; stop at the first error.

    Cell metadata gets papermill's ``metadata.papermill`` timings and status. A cell that runs
    longer than ``timeout`` seconds, or a kernel that dies, ends the run with an error output
    added to the cell, and the kernel is marked for recycling.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        km=kernel.km,
        kernel_name=kernel.kernel_name,
        timeout=timeout,
        allow_errors=False,
        record_timing=True,
        interrupt_on_timeout=False,
        store_widget_state=False,
    )
    client.kc = kernel.kc
    client.reset_execution_trackers()
    if kernel.language_info:
        nb.metadata["language_info"] = kernel.language_info
    papermill_meta = nb.metadata.setdefault("papermill", {})
    papermill_meta["start_time"] = _now()
    started = time.perf_counter()
    outcome = ExecutionOutcome(ok=True)
    count = 0
    for cell in nb.cells:
        cell.metadata["papermill"] = {"exception": None, "status": "pending"}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            cell.metadata["papermill"]["status"] = "completed"
            continue
        count += 1
        meta = cell.metadata["papermill"]
        meta.update(start_time=_now(), status="running")
        t0 = time.perf_counter()
        error: ExecutionOutcome | None = None
        try:
            await client.async_execute_cell(cell, index, execution_count=count)
        except CellTimeoutError:
            evalue = f"A cell did not finish within the {timeout:g} s timeout and was stopped."
            cell.outputs.append(_error_output("CellTimeoutError", evalue))
            error = ExecutionOutcome(
                False, "CellTimeoutError", evalue, index, count, timed_out=True
            )
        except DeadKernelError:
            evalue = "The kernel died while running this cell (out of memory or a crash)."
            cell.outputs.append(_error_output("DeadKernelError", evalue))
            error = ExecutionOutcome(
                False, "DeadKernelError", evalue, index, count, kernel_died=True
            )
        except CellExecutionError as exc:
            error = ExecutionOutcome(False, exc.ename, exc.evalue, index, count)
        meta.update(end_time=_now(), duration=round(time.perf_counter() - t0, 6))
        if error is not None:
            if error.ename == "SystemExit" and error.evalue in ("", "0", "None"):
                meta.update(status="completed")  # papermill treats a clean exit as success
                break
            meta.update(status="failed", exception=True)
            outcome = error
            break
        meta.update(status="completed", exception=False)
    papermill_meta.update(
        end_time=_now(),
        duration=round(time.perf_counter() - started, 6),
        exception=not outcome.ok,
    )
    if not outcome.ok:
        # recycle after any error or timeout: the kernel may be busy, dead or half-way through
        kernel.dirty = True
    return outcome


def mark_failure(nb: Any, outcome: ExecutionOutcome) -> Any:
    """Add papermill's error banner (top) and anchor (before the failing cell); return ``nb``.

    Uses papermill's own markup and tag (``papermill-error-cell-tag``) so its
    ``remove_error_markers`` and the ``#papermill-error-cell`` link behave as with papermill.
    """
    import nbformat
    from papermill.execute import (
        ERROR_ANCHOR_MSG,
        ERROR_MARKER_TAG,
        ERROR_MESSAGE_TEMPLATE,
    )

    if outcome.ok or outcome.failed_cell is None:
        return nb
    banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(outcome.execution_count))
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(outcome.failed_cell, anchor)
    nb.cells.insert(0, banner)
    return nb
