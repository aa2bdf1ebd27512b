"""Timeliness measures: intervals between stages, children still waiting, % within target.

Public entry points (also on ``paceqi``): :func:`intervals`, :func:`measure`,
:func:`kaplan_meier`. The chart-ready building blocks :func:`within_target`,
:func:`proportion_reached`, :func:`child_series`, :func:`between_events` and :func:`journeys`
are importable from here, with who is at risk of a stage (:func:`stage_routes`,
:func:`route_applies`) and who is still waiting (:func:`still_waiting`,
:func:`waiting_summary`). See ``docs/measures.md``.
"""

from paceqi.measures.applicability import route_applies, stage_routes
from paceqi.measures.definitions import MeasureDefinition, find_measure, load_measures
from paceqi.measures.evaluate import measure, x_axis_label
from paceqi.measures.intervals import INTERVAL_COLUMNS, intervals
from paceqi.measures.journeys import JOURNEY_COLUMNS, journeys, route_changes
from paceqi.measures.km import KaplanMeier, kaplan_meier
from paceqi.measures.rare import between_events
from paceqi.measures.series import child_series, proportion_reached, within_target
from paceqi.measures.waiting import still_waiting, waiting_summary
from paceqi.measures.workdays import scottish_bank_holidays, working_days_between

__all__ = [
    "INTERVAL_COLUMNS",
    "JOURNEY_COLUMNS",
    "KaplanMeier",
    "MeasureDefinition",
    "between_events",
    "child_series",
    "find_measure",
    "intervals",
    "journeys",
    "kaplan_meier",
    "load_measures",
    "measure",
    "proportion_reached",
    "route_applies",
    "route_changes",
    "scottish_bank_holidays",
    "still_waiting",
    "waiting_summary",
    "stage_routes",
    "within_target",
    "working_days_between",
    "x_axis_label",
]
