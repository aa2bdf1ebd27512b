"""The diagnostic view of every segment of the permanence journey (where is the delay).

A *segment* is the wait from one stage to a later one, e.g. panel → agency decision. The
segments are read from the stage catalogue — every stage with a ``target_from`` gives the
segment ``target_from → stage`` with the catalogue's target — plus :data:`EXTRA_SEGMENTS`,
the steps of the journey that have no target in the catalogue but where children wait.

For each segment and route, :func:`segment_summary` gives the number of children who started
it, how many finished and how many still wait, the median days of the finished ones and the
Kaplan–Meier median with its confidence interval (which counts the children still waiting:
the median of finished intervals alone hides the longest waits, shared DESIGN.md "Measures").
:func:`where_is_the_delay` ranks the segments by how far their median is past the target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Segment",
    "EXTRA_SEGMENTS",
    "SEGMENT_COLUMNS",
    "ALL_ROUTES",
    "UNDECIDED",
    "journey_segments",
    "segment_summary",
    "where_is_the_delay",
]

#: Segments without a target in the catalogue that the diagnostic still shows (start, end):
#: the court steps (no statutory day count: shared DOMAIN.md §B, rows 14-15) and the whole
#: journey to the final order or to permanence at home confirmed.
EXTRA_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("adm_decision", "application_lodged"),
    ("application_lodged", "order_granted"),
    ("looked_after", "order_granted"),
    ("looked_after", "home_confirmed"),
)

#: The label of the row that pools every route through the segment.
ALL_ROUTES = "all routes"
#: Children whose route is not yet decided: counted in every segment (they are the ones still
#: waiting for a plan, so leaving them out would hide the longest waits).
UNDECIDED = "undecided"

#: Columns of :func:`segment_summary`.
SEGMENT_COLUMNS = (
    "segment",
    "start",
    "end",
    "route",
    "children",
    "reached",
    "waiting",
    "waiting_past_target",
    "median_completed",
    "km_median",
    "km_lower",
    "km_upper",
    "target_days",
    "suppressed",
)


@dataclass(frozen=True)
class Segment:
    """One segment of the journey: from the first ``start`` to the first ``end`` after it."""

    start: str
    end: str
    label: str
    order: int
    routes: tuple[str, ...]
    target_days: int | None = None


def journey_segments(catalogue: Any = None) -> tuple[Segment, ...]:
    """Return the segments of the journey, in the order of their end stage.

    Parameters
    ----------
    catalogue : Catalogue, optional
        Stage catalogue (default: :func:`paceqi.load_catalogue`).

    Returns
    -------
    tuple of Segment
        Every ``target_from → stage`` pair of the catalogue, then :data:`EXTRA_SEGMENTS`
        (pairs whose stages the catalogue does not have are left out).

    Examples
    --------
    >>> segs = journey_segments()
    >>> [(s.start, s.end, s.target_days) for s in segs if s.end == "adm_decision"]
    [('panel', 'adm_decision', 14)]
    """
    from paceqi.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    stages = {s.code: s for s in cat.stages}
    found: dict[tuple[str, str], Segment] = {}
    for s in cat.stages:
        if s.target_from and s.target_from in stages:
            found[(s.target_from, s.code)] = _segment(stages, s.target_from, s.code, s.target_days)
    for start, end in EXTRA_SEGMENTS:
        if start in stages and end in stages and (start, end) not in found:
            found[(start, end)] = _segment(stages, start, end, None)
    return tuple(sorted(found.values(), key=lambda g: (g.order, stages[g.start].order)))


def _segment(stages: dict[str, Any], start: str, end: str, target: int | None) -> Segment:
    a, b = stages[start], stages[end]
    return Segment(
        start=start,
        end=end,
        label=f"{a.label} → {b.label}",
        order=int(b.order),
        routes=tuple(b.routes),
        target_days=int(target) if target is not None else None,
    )


def segment_summary(
    events: pd.DataFrame,
    as_of: dt.date | pd.Timestamp,
    *,
    min_cell: int = 5,
    alpha: float = 0.05,
    catalogue: Any = None,
) -> pd.DataFrame:
    """Median days and Kaplan–Meier median per segment, for all routes and for each route.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events of one authority (``child_id, stage, date``, ``route``).
    as_of : date
        The extract date: children who have not reached a segment's end by then are censored
        at the days waited so far.
    min_cell : int, default 5
        A row with fewer children than this shows only that it is small: its counts and
        medians are blanked (``suppressed=True``) so that no child can be singled out.
    alpha : float, default 0.05
        1 - confidence level of the Kaplan–Meier median's interval.
    catalogue : Catalogue, optional
        Stage catalogue (default: the Scottish one).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SEGMENT_COLUMNS`; one row per segment with at least one child for
        :data:`ALL_ROUTES`, then one per route that has children. A segment counts the
        children at risk of its end stage (:mod:`paceqi.measures.applicability`): their current
        route passes through it (the catalogue's ``routes``) or is still undecided; a child
        going home is not waiting for a court order. A child who moved on without the end
        stage (a later stage, home confirmed, order granted) is censored there and not
        counted as waiting. ``km_median`` is ``inf`` when more than half still wait.

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["a", "a", "b"],
    ...     "stage": ["panel", "adm_decision", "panel"], "route": "po",
    ...     "date": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-02-01"])})
    >>> t = segment_summary(ev, "2020-03-01", min_cell=0)
    >>> t.loc[0, ["start", "end", "route"]].tolist()
    ['panel', 'adm_decision', 'all routes']
    >>> t.loc[0, ["children", "reached", "waiting", "km_median"]].astype(float).tolist()
    [2.0, 1.0, 1.0, 10.0]
    """
    from paceqi.data.schema import ROUTES
    from paceqi.measures import intervals

    rows: list[dict[str, Any]] = []
    for seg in journey_segments(catalogue):
        # who is at risk of the segment's end (its routes, undecided, exits) is decided in one
        # place for every part of a report: paceqi.measures.applicability, via intervals()
        frame = intervals(events, seg.start, seg.end, as_of=as_of, catalogue=catalogue)
        if frame.empty:
            continue
        frame = frame.assign(route=frame["route"].astype(str))
        rows.append(_row(seg, ALL_ROUTES, frame, alpha, min_cell))
        present = set(frame["route"])
        routes = [r for r in (*seg.routes, UNDECIDED, *ROUTES) if r in present]
        for route in dict.fromkeys(routes):
            part = frame[frame["route"] == route]
            if len(part):
                rows.append(_row(seg, route, part, alpha, min_cell))
    return pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))


def _row(seg: Segment, route: str, frame: pd.DataFrame, alpha: float, min_cell: int) -> dict:
    from paceqi.measures.km import median_with_ci

    n = len(frame)
    censored = frame["censored"].to_numpy(dtype=bool)
    waiting = censored & frame["exit"].isna().to_numpy() if "exit" in frame else censored
    base: dict[str, Any] = {
        "segment": seg.label,
        "start": seg.start,
        "end": seg.end,
        "route": route,
        "target_days": seg.target_days,
    }
    if n < min_cell:
        return {
            **base,
            "children": n,
            "reached": np.nan,
            "waiting": np.nan,
            "waiting_past_target": np.nan,
            "median_completed": np.nan,
            "km_median": np.nan,
            "km_lower": np.nan,
            "km_upper": np.nan,
            "suppressed": True,
        }
    km_median, km_lower, km_upper = median_with_ci(frame["days"], frame["reached"], alpha=alpha)
    days = frame["days"].to_numpy(dtype=float)
    past = int((waiting & (days >= seg.target_days)).sum()) if seg.target_days else 0
    return {
        **base,
        "children": n,
        "reached": int((~censored).sum()),
        "waiting": int(waiting.sum()),
        "waiting_past_target": past,
        "median_completed": float(np.median(days[~censored])) if (~censored).any() else np.nan,
        "km_median": km_median,
        "km_lower": km_lower,
        "km_upper": km_upper,
        "suppressed": False,
    }


def where_is_the_delay(summary: pd.DataFrame) -> pd.DataFrame:
    """Rank the segments by how far their Kaplan–Meier median is past the target.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`segment_summary`.

    Returns
    -------
    pandas.DataFrame
        The :data:`ALL_ROUTES` rows that are not suppressed, with ``over_target`` (median
        minus target, days; NaN with no target) and ``slowest_route`` (the shown route with
        the longest median), ordered: segments whose median is past their target (furthest
        first), then those whose median is not reached (more than half still waiting), then
        those without a target (longest median first), then those within their target.
    """
    shown = ~summary["suppressed"].astype(bool)
    pooled = summary[(summary["route"] == ALL_ROUTES) & shown].copy()
    routes = summary[(summary["route"] != ALL_ROUTES) & shown]
    slowest = (
        routes.sort_values("km_median", ascending=False, kind="stable")
        .drop_duplicates("segment")
        .set_index("segment")["route"]
    )
    target = pd.to_numeric(pooled["target_days"], errors="coerce")
    pooled["over_target"] = pooled["km_median"] - target
    pooled["slowest_route"] = pooled["segment"].map(slowest)
    median = pooled["km_median"].to_numpy(dtype=float)
    over = pooled["over_target"].to_numpy(dtype=float)
    group = np.select(
        [~np.isfinite(median), target.isna().to_numpy(), over > 0], [1, 2, 0], default=3
    )
    key = np.where(group == 2, -median, np.where(group == 1, 0.0, -np.nan_to_num(over)))
    order = np.lexsort((key, group))
    return pooled.iloc[order].reset_index(drop=True)
