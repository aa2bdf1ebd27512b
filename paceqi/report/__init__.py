"""Run change-idea notebooks and publish them as HTML reports, one at a time or in batch.

``record`` is light (standard library only) so notebooks import it cheaply; everything else is
imported on first use because it pulls in papermill, nbclient and nbconvert.
"""

from __future__ import annotations

import importlib
from typing import Any

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paceqi.report' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
