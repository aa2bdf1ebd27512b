"""QI statistics: run charts and Shewhart control charts with named rule sets.

The public entry point is the function ``paceqi.spc``, the same object as
:func:`paceqi.spcstats.spc`: ``paceqi.spc(y, ...)`` returns an :class:`SPCResult` with ``points``
(one row per subgroup), ``summary`` (one row per phase) and ``options``. The method notes are
in ``docs/methods.md``. ``paceqi/spc.py`` keeps the old import path working (see its docstring).

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
"""

from __future__ import annotations

from paceqi.spcstats.analyse import CAVEAT_COLUMNS, POINT_COLUMNS, SUMMARY_COLUMNS, SPCResult, spc
from paceqi.spcstats.options import SPCOptions
from paceqi.spcstats.types import (
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
