"""Evaluate one measure definition on events: :func:`measure`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.errors import OptionsError, check_choice
from paceqi.measures._inputs import check_routes, default_catalogue, events_and_as_of
from paceqi.measures.definitions import KINDS, MeasureDefinition, find_measure
from paceqi.measures.intervals import _resolve_target, interval_core
from paceqi.measures.journeys import ROUTE_CHANGE, route_changes
from paceqi.measures.rare import between_events
from paceqi.measures.series import child_series, proportion_reached, within_target

__all__ = ["measure", "x_axis_label"]


def measure(
    name: str | MeasureDefinition,
    events: Any,
    *,
    change_idea: str | None = None,
    as_of: Any = None,
    period: str | None = None,
    cohort: str | None = None,
    routes: Iterable[str] | str | None = None,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Evaluate one measure definition into a frame ready for ``paceqi.spc``.

    Parameters
    ----------
    name : str or MeasureDefinition
        A measure name from ``parameters/measures/*.yaml`` (see :func:`load_measures`).
    events : pandas.DataFrame or extract
        Canonical events, or an object with ``.events`` and ``.as_of``.
    change_idea : str, optional
        The file to look in (needed only if several files define the name differently).
    as_of : date-like, optional
        Default: the extract's ``as_of``, else today.
    period, cohort, routes : optional
        Override the definition's period (proportions: month, quarter or year), cohort and
        route filter.
    catalogue : Catalogue, optional
        Default: the Scottish catalogue.

    Returns
    -------
    pandas.DataFrame
        Always has ``x`` and ``y`` (and ``n`` for proportions), so
        ``spc(y="y", n="n" or None, x="x", data=frame, chart=definition.default_chart,
        direction=definition.direction)`` works for any measure:

        - ``interval_days``: :func:`paceqi.measures.child_series` columns, one row per child
          in order of the start date (start cohort), children still waiting with their days so
          far, recent children flagged ``incomplete``;
        - ``proportion_within_target``: :func:`paceqi.measures.within_target` columns (one row
          per authority and period; ``waiting_past_target`` and ``waiting_within_target``);
        - ``proportion_reached``: the same columns from
          :func:`paceqi.measures.proportion_reached`;
        - ``days_between_events`` / ``count_between_events``:
          :func:`paceqi.measures.between_events` columns (with the censored open gap).

        ``frame.attrs["x_label"]`` holds the x-axis label (:func:`x_axis_label`).

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["a", "a", "b"],
    ...     "stage": ["looked_after", "two_week_meeting", "looked_after"],
    ...     "date": pd.to_datetime(["2024-01-02", "2024-01-12", "2024-01-20"])})
    >>> f = measure("two_week_meeting_within_14_days", ev, as_of="2024-02-20")
    >>> f[["period_label", "numerator", "denominator", "waiting_past_target"]]
      period_label  numerator  denominator  waiting_past_target
    0      2024-01          1            2                    1
    """
    d = name if isinstance(name, MeasureDefinition) else find_measure(name, change_idea)
    frame, as_of_ts = events_and_as_of(events, as_of)
    cat = catalogue if catalogue is not None else default_catalogue()
    per = period if period is not None else d.period
    if per not in KINDS[d.kind][2]:
        raise OptionsError(
            f"period '{per}' does not apply to measure '{d.name}' ({d.kind}); "
            f"allowed: {', '.join(KINDS[d.kind][2])}"
        )
    coh = check_choice("cohort", cohort if cohort is not None else d.cohort, ("start", "end"))
    route_filter = check_routes(routes) if routes is not None else d.routes
    needs_changes = ROUTE_CHANGE in (d.start, d.end, d.event, d.opportunity)
    if needs_changes and "route" in frame:
        frame = pd.concat([frame, route_changes(frame)], ignore_index=True)

    if d.kind in ("days_between_events", "count_between_events"):
        count = "days" if d.kind == "days_between_events" else "opportunities"
        out = between_events(
            frame,
            d.rare_event(),
            outcome=d.outcome,
            opportunity=d.opportunity,
            count=count,
            as_of=as_of_ts,
        )
        out.attrs["x_label"] = x_axis_label(d, per, cat)
        return out
    if d.end == ROUTE_CHANGE or d.start == ROUTE_CHANGE:
        target = d.target_days
    else:
        target = _resolve_target(cat, *d.stages(), d.target_days, d.working_days)
    iv = interval_core(
        frame,
        *d.stages(),
        as_of_ts,
        route_filter,
        target,
        d.working_days,
        catalogue=cat,
        due_days=d.due_days,
    )
    if d.kind == "interval_days":
        out = child_series(iv)
    elif d.kind == "proportion_reached":
        out = proportion_reached(iv, period=per)
    else:
        out = within_target(iv, period=per, cohort=coh)
    out.attrs["x_label"] = x_axis_label(d, per, cat, cohort=coh)
    return out


def x_axis_label(
    d: MeasureDefinition, period: str, catalogue: Catalogue, *, cohort: str = "start"
) -> str:
    """Return the x-axis label that states a measure's time order (shared METHODS.md §8).

    Parameters
    ----------
    d : MeasureDefinition
        The measure.
    period : str
        The period of a by-period measure (month, quarter or year), else ``child``/``event``.
    catalogue : Catalogue
        For the start stage's label.
    cohort : {"start", "end"}
        The proportion's cohort.

    Returns
    -------
    str

    Examples
    --------
    >>> from paceqi.measures.definitions import find_measure
    >>> from paceqi.catalogue import load_catalogue
    >>> d = find_measure("recommendation_within_6_months")
    >>> x_axis_label(d, "quarter", load_catalogue())
    'Quarter the child became looked after (start cohort; grey: incomplete)'
    """
    if d.kind in ("days_between_events", "count_between_events"):
        return "Date of the event (each point: the gap since the one before)"
    start = _start_phrase(d.start, catalogue)
    if d.kind == "interval_days":
        return f"Date {start} (start cohort; grey: incomplete)"
    if cohort == "end":
        return f"{period.capitalize()} the result became known"
    if d.kind == "proportion_reached" and d.target_days is None:
        return f"{period.capitalize()} {start} (start cohort)"
    return f"{period.capitalize()} {start} (start cohort; grey: incomplete)"


#: How the x-axis names the start stage ("Quarter the child became looked after").
_START_PHRASES = {
    "looked_after": "the child became looked after",
    "permanence_recommended": "of the permanence recommendation",
    "panel": "of the panel",
    "adm_decision": "of the agency decision",
    "legal_referral": "of the referral to legal services",
    "legal_opinion": "the legal opinion was returned",
    "kinship_assessed": "kinship options were ruled in or out",
    "scra_referral": "of the referral to the Reporter",
    "cso_home_review": "of the plan review",
}


def _start_phrase(code: str | None, catalogue: Catalogue) -> str:
    if code in _START_PHRASES:
        return _START_PHRASES[code]
    label = catalogue[code].label if code is not None and code in catalogue else str(code)
    return f"of '{label[0].lower() + label[1:]}'"
