"""Children still waiting for a stage: one definition for the report, the batch and notebooks.

A child is **still waiting** for a stage when it still applies to them (their route passes
through it, or is undecided) and they have not reached it, nor any later stage, nor left the
journey (home confirmed, order granted) by the extract date (shared METHODS.md section 8, "Who
is at risk of a stage"). A child who reached a later stage with no date for this one is a
data-quality matter (the step was skipped or not recorded), counted apart, never as a wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.measures._inputs import check_routes, default_catalogue, events_and_as_of
from paceqi.measures.applicability import EXIT_LATER_STAGE
from paceqi.measures.definitions import MeasureDefinition
from paceqi.measures.intervals import _resolve_target, interval_core
from paceqi.measures.journeys import ROUTE_CHANGE

__all__ = ["still_waiting", "waiting_summary", "WAITING_SUMMARY_COLUMNS", "WAITING_KINDS"]

#: Measure kinds that follow children from a start stage to an end stage.
WAITING_KINDS = ("interval_days", "proportion_within_target")

#: Columns of :func:`waiting_summary`.
WAITING_SUMMARY_COLUMNS = (
    "start",
    "end",
    "routes",
    "waiting_for",
    "waiting",
    "past_target",
    "target_days",
    "no_date_after_later_stage",
)


def still_waiting(
    events: Any,
    start: str,
    end: str,
    *,
    as_of: Any = None,
    routes: Iterable[str] | None = None,
    target_days: int | None = None,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Return the children still waiting for ``end`` (one row each, :func:`intervals` columns).

    Parameters
    ----------
    events : pandas.DataFrame or extract
        Canonical events.
    start, end : str
        The stage the wait is counted from, and the stage awaited.
    as_of : date-like, optional
        Default: the extract's ``as_of``, else today.
    routes : list of str, optional
        Keep only children whose current route is one of these.
    target_days : int, optional
        Default: the catalogue's target for ``end`` from ``start``.
    catalogue : Catalogue, optional
        Default: the Scottish catalogue.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`paceqi.intervals` with ``censored`` and no ``exit``.

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["a", "b", "b"],
    ...     "stage": ["looked_after", "looked_after", "permanence_recommended"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"]),
    ...     "route": [None, None, "po"]})
    >>> still_waiting(ev, "looked_after", "first_review", as_of="2024-06-30")["child_id"].tolist()
    ['a']
    """
    frame, as_of_ts = events_and_as_of(events, as_of)
    cat = catalogue if catalogue is not None else default_catalogue()
    target = _resolve_target(cat, start, end, target_days, False)
    route_filter = check_routes(routes)
    iv = interval_core(frame, start, end, as_of_ts, route_filter, target, False, catalogue=cat)
    return iv[iv["censored"] & iv["exit"].isna()].reset_index(drop=True)


def waiting_summary(
    definitions: Iterable[MeasureDefinition],
    events: Any,
    *,
    as_of: Any = None,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Children still waiting for the end stage of each start-to-end measure, once per wait.

    Parameters
    ----------
    definitions : iterable of MeasureDefinition
        A change idea's measures; those of :data:`WAITING_KINDS` (not ``route_change``) are
        used, one row per distinct (start, end, routes).
    events : pandas.DataFrame or extract
        Canonical events (typically one authority's).
    as_of : date-like, optional
        Default: the extract's ``as_of``, else today.
    catalogue : Catalogue, optional
        Default: the Scottish catalogue.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WAITING_SUMMARY_COLUMNS`: ``waiting_for`` (plain words), ``waiting``
        (children still waiting, :func:`still_waiting`), ``past_target`` (of those, waited
        at least the target), ``target_days`` and ``no_date_after_later_stage`` (children
        with no date for the stage who reached a later one: a data-quality count, not a
        wait).
    """
    frame, as_of_ts = events_and_as_of(events, as_of)
    cat = catalogue if catalogue is not None else default_catalogue()
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, tuple[str, ...] | None]] = set()
    for d in definitions:
        if d.kind not in WAITING_KINDS or ROUTE_CHANGE in (d.start, d.end):
            continue
        start, end = d.stages()
        key = (start, end, d.routes)
        if key in seen:
            continue
        seen.add(key)
        target = _resolve_target(cat, start, end, d.target_days, False)
        iv = interval_core(
            frame,
            start,
            end,
            as_of_ts,
            d.routes,
            target,
            False,
            catalogue=cat,
            due_days=d.due_days,
        )
        wait = iv["censored"] & iv["exit"].isna()
        past = wait & (iv["days"] >= target) if target is not None else wait & False
        rows.append(
            {
                "start": d.start,
                "end": d.end,
                "routes": d.routes,
                "waiting_for": _waiting_for(cat, d),
                "waiting": int(wait.sum()),
                "past_target": int(past.sum()),
                "target_days": target,
                "no_date_after_later_stage": int((iv["exit"] == EXIT_LATER_STAGE).sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(WAITING_SUMMARY_COLUMNS))


def _waiting_for(cat: Catalogue, d: MeasureDefinition) -> str:
    end_code, start_code = d.stages()[1], d.stages()[0]
    end = cat[end_code].label if end_code in cat else end_code
    start = cat[start_code].label if start_code in cat else start_code
    text = f"{end} (since: {start[0].lower() + start[1:]})"
    if d.routes:
        text += f"; routes: {', '.join(d.routes)}"
    return text
