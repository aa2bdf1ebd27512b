"""paceqi: a Quality Improvement workbench for permanence planning in children's services.

The public API is small and listed in ``__all__``. Names are imported lazily so that
``import paceqi`` (and the ``paceqi`` command) start fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

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
    "spc": "paceqi.spcstats",
    "SPCResult": "paceqi.spcstats",
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

if TYPE_CHECKING:  # the same names as _LAZY, for type checkers and IDEs (never run)
    from paceqi.catalogue import load_catalogue as load_catalogue
    from paceqi.changeidea.report import change_idea_report as change_idea_report
    from paceqi.charts import spc_chart as spc_chart
    from paceqi.data.load import load_extract as load_extract
    from paceqi.measures import kaplan_meier as kaplan_meier
    from paceqi.measures import load_measures as load_measures
    from paceqi.measures import measure as measure
    from paceqi.measures.intervals import intervals as intervals
    from paceqi.measures.journeys import journeys as journeys
    from paceqi.pdsa.store import PDSAStore as PDSAStore
    from paceqi.pdsa.views import driver_diagram as driver_diagram
    from paceqi.pdsa.views import pdsa_quality_check as pdsa_quality_check
    from paceqi.pdsa.views import pdsa_tracker as pdsa_tracker
    from paceqi.report import record as record
    from paceqi.report.batch import run_batch as run_batch
    from paceqi.report.batch import run_report as run_report
    from paceqi.spcstats import SPCResult as SPCResult
    from paceqi.spcstats import spc as spc
