"""Each child's journey: stages, dates, time in each segment and route changes (swimlanes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.measures._inputs import check_routes, dates, default_catalogue, events_and_as_of

__all__ = ["journeys", "JOURNEY_COLUMNS", "TERMINAL_STAGES", "ROUTE_CHANGE"]

#: Stages after which a journey is complete (no open segment follows them).
TERMINAL_STAGES = ("order_granted", "home_confirmed")

#: Stage code of the derived event "the child's route changed" (see :func:`route_changes`).
ROUTE_CHANGE = "route_change"

#: The route of a child whose permanence route is not decided yet.
UNDECIDED = "undecided"

JOURNEY_COLUMNS = (
    "authority",
    "child_id",
    "step",
    "stage",
    "stage_order",
    "occurrence",
    "route",
    "outcome",
    "start_date",
    "end_date",
    "days",
    "days_since_first",
    "next_stage",
    "open",
    "route_changed",
)


def journeys(
    events: Any,
    *,
    as_of: Any = None,
    routes: Iterable[str] | str | None = None,
    terminal: Iterable[str] = TERMINAL_STAGES,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """One row per event (segment) of each child's journey, for swimlane charts.

    A segment runs from an event to the child's next event; the last segment of a child who has
    not reached a terminal stage is **open**: it runs to ``as_of`` (``open=True``), so children
    still waiting are drawn with their wait so far rather than disappearing.

    Parameters
    ----------
    events : pandas.DataFrame or extract
        Canonical events (see :func:`paceqi.intervals`).
    as_of : date-like, optional
        Events after it are ignored; default the extract's ``as_of``, else today.
    routes : str or list of str, optional
        Keep only children whose current route (latest event with a route) is one of these.
    terminal : iterable of str
        Stage codes that end a journey (default :data:`TERMINAL_STAGES`).
    catalogue : Catalogue, optional
        For ``stage_order`` (default: the Scottish catalogue).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`JOURNEY_COLUMNS`: ``step`` (1, 2, ... per child in date order),
        ``start_date`` (the event date), ``end_date`` (next event, or ``as_of`` when open, or
        the event date after a terminal stage), ``days`` (segment length), ``days_since_first``
        (from the child's first event), ``next_stage``, ``open`` and ``route_changed`` (this
        event's decided route differs from the child's previous decided route; the first
        decision, ``undecided`` to a route, is not a change: see :func:`route_changes`).

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["c1", "c1"],
    ...     "stage": ["looked_after", "two_week_meeting"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-12"]), "route": [None, "po"]})
    >>> journeys(ev, as_of="2024-02-01")[["stage", "days", "open"]]
                  stage  days   open
    0      looked_after    11  False
    1  two_week_meeting    20   True
    """
    frame, as_of_ts = events_and_as_of(events, as_of)
    route_filter = check_routes(routes)
    cat = catalogue if catalogue is not None else default_catalogue()
    day = dates(frame)
    keep = (day <= as_of_ts.to_datetime64()) & ~np.isnat(day)
    ev = frame.loc[keep].copy()
    ev["date"] = day[keep].astype("datetime64[ns]")
    for c in ("occurrence", "route", "outcome"):
        if c not in ev:
            ev[c] = pd.NA
    order = {s.code: s.order for s in cat.stages}
    ev["stage_order"] = ev["stage"].map(order).astype("Int64")
    ev = ev.sort_values(
        ["authority", "child_id", "date", "stage_order", "occurrence"], kind="stable"
    ).reset_index(drop=True)
    child = ev["authority"].astype(str) + "\x1f" + ev["child_id"].astype(str)
    first = child.ne(child.shift()).to_numpy()
    last = child.ne(child.shift(-1)).to_numpy()
    if route_filter is not None:
        current = ev["route"].groupby(child).transform("last")
        ev = ev.loc[current.fillna("undecided").isin(route_filter).to_numpy()]
        ev = ev.reset_index(drop=True)
        return journeys(ev, as_of=as_of_ts, terminal=terminal, catalogue=cat)
    nxt = ev["date"].shift(-1)
    terminal_now = ev["stage"].isin(tuple(terminal)).to_numpy()
    is_open = last & ~terminal_now
    end = nxt.where(~last, ev["date"].where(terminal_now, as_of_ts))
    prev_route = _previous_decided_route(ev["route"], child)
    out = pd.DataFrame(
        {
            "authority": ev["authority"],
            "child_id": ev["child_id"],
            "step": ev.groupby(child).cumcount().to_numpy() + 1,
            "stage": ev["stage"],
            "stage_order": ev["stage_order"],
            "occurrence": ev["occurrence"],
            "route": ev["route"],
            "outcome": ev["outcome"],
            "start_date": ev["date"],
            "end_date": end,
            "days": (end - ev["date"]).dt.days.astype(np.int64),
            "days_since_first": (ev["date"] - ev["date"].where(first).ffill()).dt.days.astype(
                np.int64
            ),
            "next_stage": ev["stage"].shift(-1).where(~last),
            "open": is_open,
            "route_changed": _is_change(ev["route"], prev_route),
        }
    )
    return out.loc[:, list(JOURNEY_COLUMNS)]


def route_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return derived events (stage :data:`ROUTE_CHANGE`) on the dates a child's route changed.

    A change is an event whose decided route (not ``undecided``) differs from the child's
    previous decided route; the derived row carries the new route. The first decision
    (``undecided`` to a first route) is **not** a change: a re-plan is a change from one
    permanence route to another (shared METHODS.md section 8; issue "Right answers"), so a
    child who goes ``undecided`` -> ``po`` -> ``undecided`` -> ``po`` has no change either. Used
    by measures such as "% of recommendations later changed" (``end: route_change``).

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": "c",
    ...     "stage": ["looked_after", "permanence_recommended", "permanence_recommended"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-05-01"]),
    ...     "route": ["undecided", "home", "po"]})
    >>> route_changes(ev)[["date", "route"]]
            date route
    0 2024-05-01    po
    """
    ev = frame.loc[frame["route"].notna()] if "route" in frame else frame.iloc[:0]
    ev = ev.sort_values(["authority", "child_id", "date"], kind="stable")
    child = ev["authority"].astype(str) + "\x1f" + ev["child_id"].astype(str)
    changed = _is_change(ev["route"], _previous_decided_route(ev["route"], child))
    out = ev.loc[changed, ["authority", "child_id", "date", "route"]].copy()
    out["stage"] = ROUTE_CHANGE
    out["occurrence"] = out.groupby(["authority", "child_id"]).cumcount() + 1
    out["outcome"] = pd.NA
    return out.reset_index(drop=True)


def _decided(route: pd.Series) -> pd.Series:
    """Return the route where it is a decision (not missing, not ``undecided``), else NA."""
    return route.where(route.notna() & (route != UNDECIDED))


def _previous_decided_route(route: pd.Series, child: pd.Series) -> pd.Series:
    """Return each row's child's latest decided route before this row (NA if none yet)."""
    return _decided(route).groupby(child).ffill().groupby(child).shift()


def _is_change(route: pd.Series, previous: pd.Series) -> np.ndarray:
    """Return True where a decided route differs from the previous decided route."""
    new = _decided(route)
    changed = new.notna() & previous.notna() & (new != previous)
    return np.asarray(changed.fillna(False).to_numpy(bool))
