"""Days each child waited between two stages, keeping the children still waiting (censored)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue, load_catalogue
from paceqi.errors import OptionsError
from paceqi.measures._inputs import check_routes, dates, events_and_as_of
from paceqi.measures.workdays import working_days_between

__all__ = ["intervals", "INTERVAL_COLUMNS", "STATUSES"]

#: Columns of the frame :func:`intervals` returns, in order.
INTERVAL_COLUMNS = (
    "authority",
    "child_id",
    "route",
    "start_date",
    "end_date",
    "days",
    "reached",
    "censored",
    "target_days",
    "within_target",
    "status",
    "as_of",
)

#: Values of the ``status`` column.
STATUSES = (
    "reached_within_target",
    "reached_after_target",
    "waiting_past_target",
    "waiting_within_target",
    "reached",
    "waiting",
)


def intervals(
    events: Any,
    start: str,
    end: str,
    *,
    as_of: Any = None,
    routes: Iterable[str] | str | None = None,
    target_days: int | None = None,
    working_days: bool = False,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Days from each child's first ``start`` to the first ``end`` on or after it.

    Every child who reached ``start`` by ``as_of`` has one row. A child who has not reached
    ``end`` by ``as_of`` stays in with ``days`` = days waited so far and ``censored=True``:
    measuring only completed intervals hides the children who wait longest.

    Parameters
    ----------
    events : pandas.DataFrame or extract
        Canonical events (``authority, child_id, stage, date``, optional ``route``), or an
        object with ``.events`` (and ``.as_of``), such as the loader's ``Extract``.
    start, end : str
        Stage codes of the catalogue.
    as_of : date-like, optional
        The date the data describe. Events after it are ignored (not yet happened). Default:
        the extract's ``as_of`` when ``events`` is an extract, else today.
    routes : str or list of str, optional
        Keep only children whose current route is one of these. A child's current route is the
        route of its latest event (on or before ``as_of``) that has one; ``undecided`` if none.
    target_days : int, optional
        The target for ``within_target``, in the unit of ``days``. Default: the catalogue's
        ``target_days`` of ``end`` when its ``target_from`` is ``start`` (calendar days); no
        target otherwise, and never from the catalogue when ``working_days=True``.
    working_days : bool, default False
        Count Monday-Friday days that are not Scottish bank holidays, ``start <= d < end``
        (see :mod:`paceqi.measures.workdays`) instead of calendar days.
    catalogue : Catalogue, optional
        Stage catalogue (default: :func:`paceqi.load_catalogue`).

    Returns
    -------
    pandas.DataFrame
        One row per child, columns :data:`INTERVAL_COLUMNS`: ``start_date`` and ``end_date``
        (NaT while waiting), ``days`` (int), ``reached`` and ``censored`` (bool, opposite),
        ``target_days`` (nullable Int64), ``within_target`` (nullable boolean: True/False once
        known, ``<NA>`` while a child is still waiting and not yet past the target, or when
        there is no target), ``status`` (one of :data:`STATUSES`) and ``as_of`` (the date
        waiting is measured to; the same on every row). Sorted by authority, start date and
        child id.

    Raises
    ------
    OptionsError
        Unknown stage or route, ``start == end``, a bad ``as_of`` or missing columns.

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "authority": ["A", "A", "A"], "child_id": ["c1", "c1", "c2"],
    ...     "stage": ["looked_after", "permanence_recommended", "looked_after"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01"])})
    >>> iv = intervals(ev, "looked_after", "permanence_recommended", as_of="2024-12-31")
    >>> iv[["child_id", "days", "censored", "within_target"]]
      child_id  days  censored  within_target
    0       c1   121     False           True
    1       c2   334      True          False
    """
    frame, as_of_ts = events_and_as_of(events, as_of)
    route_filter = check_routes(routes)
    cat = catalogue if catalogue is not None else load_catalogue()
    target = _resolve_target(cat, start, end, target_days, working_days)
    return interval_core(frame, start, end, as_of_ts, route_filter, target, working_days)


def interval_core(
    frame: pd.DataFrame,
    start: str,
    end: str,
    as_of_ts: pd.Timestamp,
    route_filter: tuple[str, ...] | None,
    target: int | None,
    working_days: bool,
) -> pd.DataFrame:
    """Compute :func:`intervals` on checked arguments (no catalogue look-up)."""
    day = dates(frame)
    keep = (day <= as_of_ts.to_datetime64()) & ~np.isnat(day)
    ev = frame.loc[keep, [c for c in ("authority", "child_id", "stage", "route") if c in frame]]
    day = day[keep]
    codes, keys = _child_codes(ev)
    stage = ev["stage"].to_numpy()
    n_children = len(keys)
    big = np.iinfo(np.int64).max
    d_int = day.astype(np.int64)

    is_start = stage == start
    start_day = _group_min(codes[is_start], d_int[is_start], n_children, big)
    is_end = stage == end
    ce, de = codes[is_end], d_int[is_end]
    after = de >= start_day[ce]
    end_day = _group_min(ce[after], de[after], n_children, big)

    has_start = start_day != big
    route = _current_route(ev, codes, d_int, n_children)
    if route_filter is not None:
        has_start &= np.isin(route, route_filter)
    idx = np.flatnonzero(has_start)
    s = start_day[idx].astype("datetime64[D]")
    reached = end_day[idx] != big
    as_of_d = np.datetime64(as_of_ts.date(), "D")
    e = np.where(reached, end_day[idx], 0).astype("datetime64[D]")
    stop = np.where(reached, e, as_of_d)
    days = working_days_between(s, stop) if working_days else (stop - s).astype(np.int64)

    out = pd.DataFrame(
        {
            "authority": keys["authority"].to_numpy()[idx],
            "child_id": keys["child_id"].to_numpy()[idx],
            "route": route[idx],
            "start_date": s.astype("datetime64[ns]"),
            "end_date": np.where(reached, e, np.datetime64("NaT")).astype("datetime64[ns]"),
            "days": days,
            "reached": reached,
            "censored": ~reached,
            "as_of": np.full(len(idx), as_of_d).astype("datetime64[ns]"),
        }
    )
    out = _add_target(out, target).loc[:, list(INTERVAL_COLUMNS)]
    return out.sort_values(["authority", "start_date", "child_id"], kind="stable").reset_index(
        drop=True
    )


def _resolve_target(
    cat: Catalogue, start: str, end: str, target_days: int | None, working_days: bool
) -> int | None:
    for name, code in (("start", start), ("end", end)):
        if code not in cat:
            raise OptionsError(
                f"{name}: unknown stage '{code}'. Stages in the catalogue: {', '.join(cat.codes)}"
            )
    if start == end:
        raise OptionsError(f"start and end are both '{start}'; give two different stages")
    if target_days is not None:
        if isinstance(target_days, bool) or not isinstance(target_days, int | np.integer):
            raise OptionsError(f"target_days must be a whole number of days; got {target_days!r}")
        if target_days <= 0:
            raise OptionsError(f"target_days must be positive; got {target_days}")
        return int(target_days)
    stage = cat[end]
    if not working_days and stage.target_from == start:
        return stage.target_days
    return None


def _child_codes(ev: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row for (authority, child_id), and the key of each code."""
    a_codes, a_uniq = pd.factorize(ev["authority"], sort=False)
    c_codes, c_uniq = pd.factorize(ev["child_id"], sort=False)
    pair = a_codes.astype(np.int64) * max(len(c_uniq), 1) + c_codes
    codes, pair_uniq = pd.factorize(pair, sort=False)
    n_c = max(len(c_uniq), 1)
    keys = pd.DataFrame(
        {
            "authority": np.asarray(a_uniq, dtype=object)[pair_uniq // n_c],
            "child_id": np.asarray(c_uniq, dtype=object)[pair_uniq % n_c],
        }
    )
    return codes.astype(np.int64), keys


def _group_min(codes: np.ndarray, values: np.ndarray, n: int, fill: int) -> np.ndarray:
    out = np.full(n, fill, dtype=np.int64)
    np.minimum.at(out, codes, values)
    return out


def _current_route(ev: pd.DataFrame, codes: np.ndarray, d_int: np.ndarray, n: int) -> np.ndarray:
    """Route of each child's latest event that has one (ties: the later row); else undecided."""
    route = np.full(n, "undecided", dtype=object)
    if "route" not in ev:
        return route
    r = ev["route"].to_numpy(dtype=object)
    has = pd.notna(r)
    if not has.any():
        return route
    c, d, r = codes[has], d_int[has], r[has]
    order = np.lexsort((np.arange(len(c)), d, c))
    c, r = c[order], r[order]
    last = np.flatnonzero(np.r_[c[1:] != c[:-1], True])
    route[c[last]] = r[last]
    return route


def _add_target(out: pd.DataFrame, target: int | None) -> pd.DataFrame:
    n = len(out)
    reached = out["reached"].to_numpy()
    if target is None:
        out["target_days"] = pd.array([pd.NA] * n, dtype="Int64")
        out["within_target"] = pd.array([pd.NA] * n, dtype="boolean")
        out["status"] = np.where(reached, "reached", "waiting")
        return out
    days = out["days"].to_numpy()
    late = days > target
    known = reached | late
    within = pd.array(np.where(known, ~late, False), dtype="boolean")
    within[~known] = pd.NA
    out["target_days"] = pd.array(np.full(n, target), dtype="Int64")
    out["within_target"] = within
    out["status"] = np.select(
        [reached & ~late, reached & late, ~reached & late],
        ["reached_within_target", "reached_after_target", "waiting_past_target"],
        "waiting_within_target",
    )
    return out
