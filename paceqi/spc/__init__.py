"""QI statistics: run charts and Shewhart control charts with named rule sets.

``paceqi.spc(y, ...)`` returns an :class:`SPCResult` with ``points`` (one row per subgroup),
``summary`` (one row per phase) and ``options``. The method notes are in ``docs/methods.md``.

Vocabulary (closed; charts key colours and icons to these values):

* ``point_type`` (:class:`PointType`): ``common_cause``, ``special_cause_improvement``,
  ``special_cause_concern``, ``special_cause_neutral_high``, ``special_cause_neutral_low``.
  Without a ``direction`` (or with ``"neutral"``) signals are ``special_cause_neutral_*``.
* ``summary.variation`` (:class:`Variation`), the type of the last point of the phase read
  with the direction: ``common_cause``, ``improvement_high``, ``improvement_low``,
  ``concern_high``, ``concern_low``, ``neutral_high``, ``neutral_low``.
* ``summary.assurance`` (:class:`Assurance`), the target against the last limits of the phase:
  ``consistent_pass``, ``consistent_fail``, ``inconsistent``, or None when there is no target,
  no direction or no limits.
* ``signal_reason``: plain English, e.g. "6th point in a run below the median", "beyond the
  upper limit", "part of a 5-point rising trend", "2 of 3 points beyond the upper 2-sigma
  line"; several reasons are joined with "; "; empty when no rule fires.

Note: ``paceqi.spc`` names both this package and the function. Importing a submodule first
(``import paceqi.spc.rules``) makes the attribute ``paceqi.spc`` this module, so the module is
made callable: ``paceqi.spc(...)`` works either way.
"""

from __future__ import annotations

import inspect
import sys
from types import ModuleType as _ModuleType
from typing import Any

from paceqi.spc.analyse import CAVEAT_COLUMNS, POINT_COLUMNS, SUMMARY_COLUMNS, SPCResult, spc
from paceqi.spc.options import SPCOptions
from paceqi.spc.types import (
    Assurance,
    ChartType,
    Direction,
    PointType,
    RuleSet,
    Variation,
)

__all__ = [
    "spc",
    "SPCResult",
    "SPCOptions",
    "ChartType",
    "RuleSet",
    "Direction",
    "PointType",
    "Variation",
    "Assurance",
    "POINT_COLUMNS",
    "CAVEAT_COLUMNS",
    "SUMMARY_COLUMNS",
]


class _CallableModule(_ModuleType):
    """This package, callable as :func:`spc` (see the module docstring)."""

    def __call__(self, *args: Any, **kwargs: Any) -> SPCResult:
        return spc(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
__signature__ = inspect.signature(spc)
