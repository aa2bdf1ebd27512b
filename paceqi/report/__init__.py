"""Run change-idea notebooks and publish them as HTML reports, one at a time or in batch.

``record`` is light (standard library only) so notebooks import it cheaply; everything else is
imported on first use because it pulls in papermill, nbclient and nbconvert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paceqi._lazy import lazy_attributes
from paceqi.report._record import RECORD_MIMETYPE, read_records, record

_LAZY = {
    "RunSpec": "paceqi.report.jobs",
    "specs_from_manifest": "paceqi.report.jobs",
    "RunResult": "paceqi.report.batch",
    "run_report": "paceqi.report.batch",
    "run_batch": "paceqi.report.batch",
    "KernelPool": "paceqi.report.kernelpool",
    "write_index": "paceqi.report.index",
}

__all__ = ["RECORD_MIMETYPE", "read_records", "record", *sorted(_LAZY)]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())

if TYPE_CHECKING:  # the same names as _LAZY, for type checkers and IDEs (never run)
    from paceqi.report.batch import RunResult as RunResult
    from paceqi.report.batch import run_batch as run_batch
    from paceqi.report.batch import run_report as run_report
    from paceqi.report.index import write_index as write_index
    from paceqi.report.jobs import RunSpec as RunSpec
    from paceqi.report.jobs import specs_from_manifest as specs_from_manifest
    from paceqi.report.kernelpool import KernelPool as KernelPool
