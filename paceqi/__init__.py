"""paceqi: a Quality Improvement workbench for permanence planning in children's services.

The public API is small and listed in ``__all__``. Names are imported lazily so that
``import paceqi`` (and the ``paceqi`` command) start fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from paceqi._lazy import lazy_attributes
from paceqi.errors import DataValidationError, OptionsError, PaceqiError, ReportError

try:
    __version__ = version("paceqi")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

# public name -> module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "load_catalogue": "paceqi.catalogue",
    "change_idea_report": "paceqi.changeidea.report",
    "load_extract": "paceqi.data.load",
    "spc": "paceqi.spc",
    "SPCResult": "paceqi.spc",
    "intervals": "paceqi.measures",
    "measure": "paceqi.measures",
    "kaplan_meier": "paceqi.measures",
    "PDSAStore": "paceqi.pdsa.store",
    "pdsa_tracker": "paceqi.pdsa.views",
    "pdsa_quality_check": "paceqi.pdsa.views",
    "driver_diagram": "paceqi.pdsa.views",
    "spc_chart": "paceqi.charts",
    "run_report": "paceqi.report.batch",
    "run_batch": "paceqi.report.batch",
    "load_measures": "paceqi.measures",
    "journeys": "paceqi.measures",
    "record": "paceqi.report",
}

__all__ = [
    "__version__",
    "PaceqiError",
    "DataValidationError",
    "OptionsError",
    "ReportError",
    *sorted(_LAZY),
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
