"""Time and opportunities between rare events, for T and G charts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paceqi.errors import check_choice
from paceqi.measures._inputs import dates, events_and_as_of

__all__ = ["between_events", "BETWEEN_COLUMNS"]

BETWEEN_COLUMNS = (
    "authority",
    "event_date",
    "days_since_previous",
    "opportunities_since_previous",
    "censored",
    "x",
    "y",
)


def between_events(
    events: Any,
    stage: str,
    *,
    outcome: str | None = None,
    opportunity: str | None = None,
    count: str = "days",
    as_of: Any = None,
) -> pd.DataFrame:
    """Days (T chart) or opportunities (G chart) between consecutive rare events.

    Parameters
    ----------
    events : pandas.DataFrame or extract
        Canonical events; may include derived events such as ``route_change``.
    stage : str
        The rare event: events of this stage (optionally with this ``outcome``), per authority.
    outcome : str, optional
        Keep only events with this outcome (e.g. a panel ``deferred``).
    opportunity : str, optional
        A stage whose events are the opportunities counted for a G chart (e.g. ``panel`` for
        "panels between deferrals").
    count : {"days", "opportunities"}
        What ``y`` holds.
    as_of : date-like, optional
        Default: the extract's ``as_of``, else today.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BETWEEN_COLUMNS`, one row per rare event after the first of each
        authority, plus one **censored** row per authority dated ``as_of``: the time (or number of
        opportunities) since the last event, still running (a lower bound; pass its position to
        ``spc(exclude=...)`` if it should not count in the limits). ``x`` = ``event_date``.

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["a", "b", "c"], "stage": "route_change",
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-31", "2024-03-01"])})
    >>> between_events(ev, "route_change", as_of="2024-03-11")[["days_since_previous", "censored"]]
       days_since_previous  censored
    0                   30     False
    1                   30     False
    2                   10      True
    """
    check_choice("count", count, ("days", "opportunities"))
    frame, as_of_ts = events_and_as_of(events, as_of)
    day = dates(frame)
    keep = (day <= as_of_ts.to_datetime64()) & ~np.isnat(day)
    ev = frame.loc[keep, ["authority", "stage"] + (["outcome"] if "outcome" in frame else [])]
    ev = ev.assign(date=day[keep].astype("datetime64[ns]"))
    rare = ev["stage"] == stage
    if outcome is not None:
        rare &= ev.get("outcome", pd.Series(pd.NA, index=ev.index)) == outcome
    hits = ev.loc[rare.fillna(False).to_numpy(), ["authority", "date"]]
    rows = []
    for authority, g in hits.groupby("authority", sort=True):
        d = np.sort(g["date"].to_numpy(dtype="datetime64[D]"))
        stops = np.r_[d[1:], np.datetime64(as_of_ts.date(), "D")]
        starts = d
        opp = np.full(len(d), np.nan)
        if opportunity is not None:
            o = ev.loc[(ev["authority"] == authority) & (ev["stage"] == opportunity), "date"]
            o = np.sort(o.to_numpy(dtype="datetime64[D]"))
            # opportunities after the previous event, up to and including this one
            opp = (np.searchsorted(o, stops, "right") - np.searchsorted(o, starts, "right")).astype(
                float
            )
        rows.append(
            pd.DataFrame(
                {
                    "authority": authority,
                    "event_date": stops.astype("datetime64[ns]"),
                    "days_since_previous": (stops - starts).astype(np.int64),
                    "opportunities_since_previous": opp,
                    "censored": np.r_[np.zeros(len(d) - 1, dtype=bool), True],
                }
            )
        )
    out = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame({c: pd.Series(dtype=object) for c in BETWEEN_COLUMNS[:5]})
    )
    out["x"] = out["event_date"]
    out["y"] = out["days_since_previous" if count == "days" else "opportunities_since_previous"]
    return out.loc[:, list(BETWEEN_COLUMNS)]
