"""Days each child waited between two stages, keeping the children still waiting (censored)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.errors import OptionsError
from paceqi.measures._inputs import check_routes, dates, default_catalogue, events_and_as_of
from paceqi.measures.applicability import (
    EXIT_JOURNEY_ENDED,
    EXIT_LATER_STAGE,
    exit_stages,
    route_applies,
)
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
    "exit",
    "exit_date",
    "mature",
)

#: Values of the ``status`` column.
STATUSES = (
    "reached_within_target",
    "reached_after_target",
    "waiting_past_target",
    "waiting_within_target",
    "reached",
    "waiting",
    "missed",
    "exited",
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
    due_days: int | None = None,
) -> pd.DataFrame:
    """Days from each child's first ``start`` to the first ``end`` on or after it.

    Every child who reached ``start`` by ``as_of`` and is at risk of ``end`` has one row (see
    :mod:`paceqi.measures.applicability`): the end stage applies to the child's current route in
    the catalogue, or the route is undecided. A child who has not
    reached ``end`` by ``as_of`` stays in with ``days`` = days waited so far and
    ``censored=True``: measuring only completed intervals hides the children who wait longest.
    A child who moved on without it (reached a later stage, or the journey ended: home
    confirmed, order granted) is censored at that date (``exit`` says which), so Kaplan-Meier
    does not keep them at risk for ever and they are not "still waiting".

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
        Stage catalogue (default: :func:`paceqi.load_catalogue`): its per-stage ``routes``
        and order decide who is at risk of ``end`` and when a wait ends without it.
    due_days : int, optional
        A child whose journey ended (home confirmed, order granted) without ``end`` before
        ``start + due_days`` is ``exited`` (out of "% within target"); after it, ``missed``.
        Default: the target. (PACE aim 1: due at 730 days, target 821 with the review window.)

    Returns
    -------
    pandas.DataFrame
        One row per child, columns :data:`INTERVAL_COLUMNS`: ``authority`` (categorical),
        ``route`` (current route), ``start_date`` and ``end_date``
        (NaT while waiting), ``days`` (int), ``reached`` and ``censored`` (bool, opposite),
        ``target_days`` (nullable Int64), ``within_target`` (nullable boolean: True/False once
        known, ``<NA>`` while a child is still waiting and not yet past the target, or when
        there is no target), ``status`` (categorical, one of :data:`STATUSES`), ``as_of``
        (the date waiting is measured to; the same on every row), ``exit`` (None, or
        ``"later_stage"`` / ``"journey_ended"`` for a child who moved on without ``end``; their
        ``days`` run to ``exit_date``), ``exit_date`` and ``mature`` (the target has had time to
        pass: ``start + target <= as_of``; True with no target). Sorted by authority and start
        date; children who started on the same day keep the order of the events.

        ``status`` ``missed``: moved on without ``end`` (a skipped step counts as not met once
        the target has passed); ``exited``: the journey ended before the due day without
        ``end`` (the stage can no longer happen), or, with no target, any exit.

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
    cat = catalogue if catalogue is not None else default_catalogue()
    target = _resolve_target(cat, start, end, target_days, working_days)
    return interval_core(
        frame,
        start,
        end,
        as_of_ts,
        route_filter,
        target,
        working_days,
        catalogue=cat,
        due_days=due_days,
    )


def interval_core(
    frame: pd.DataFrame,
    start: str,
    end: str,
    as_of_ts: pd.Timestamp,
    route_filter: tuple[str, ...] | None,
    target: int | None,
    working_days: bool,
    *,
    catalogue: Catalogue | None = None,
    due_days: int | None = None,
) -> pd.DataFrame:
    """Compute :func:`intervals` on checked arguments (target already resolved).

    Works on numpy arrays of the rows that matter (start, end, exit and route-bearing events)
    so that 10^6 children take a few seconds of one core: the costly step is hashing the ids.
    """
    cat = catalogue if catalogue is not None else default_catalogue()
    later, ended = exit_stages(cat, start, end)
    kids = _per_child(frame, start, end, as_of_ts, later, ended)
    keep = (kids.start_day != _NONE) & route_applies(cat, end, kids.route)
    if route_filter is not None:
        keep &= np.isin(kids.route, route_filter)
    idx = np.flatnonzero(keep)
    # order: authority (alphabetical), then start date; ties keep the order of the events
    # (children are coded in order of first appearance). One stable sort on a combined key.
    if len(idx):
        sd = kids.start_day[idx]
        key = kids.authority[idx] * (sd.max() - sd.min() + 1) + (sd - sd.min())
        idx = idx[np.argsort(key, kind="stable")]

    s = kids.start_day[idx].astype("datetime64[D]")
    reached = kids.end_day[idx] != _NONE
    as_of_d = np.datetime64(as_of_ts.date(), "D")
    e = np.where(reached, kids.end_day[idx], 0).astype("datetime64[D]")
    later_day, ended_day = kids.later_day[idx], kids.ended_day[idx]
    exit_day = np.minimum(later_day, ended_day)
    exited = ~reached & (exit_day != _NONE)
    x = np.where(exited, exit_day, 0).astype("datetime64[D]")
    stop = np.where(reached, e, np.where(exited, x, as_of_d))

    def count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return working_days_between(a, b) if working_days else (b - a).astype(np.int64)

    days = count(s, stop)
    elapsed = count(s, np.full(len(s), as_of_d))
    ended_first = exited & (ended_day <= later_day)
    due = target if due_days is None else int(due_days)
    ended_early = ended_first & (count(s, np.where(ended_first, x, as_of_d)) < (due or 0))
    target_days, within, status, mature = _target_columns(
        days, reached, target, elapsed, exited, ended_early
    )
    exit_kind = np.where(
        exited, np.where(ended_first, EXIT_JOURNEY_ENDED, EXIT_LATER_STAGE), np.array(None)
    ).astype(object)
    return pd.DataFrame(
        {
            "authority": pd.Categorical.from_codes(
                kids.authority[idx], categories=kids.authority_names
            ),
            "child_id": kids.child_id[idx],
            "route": kids.route[idx],
            "start_date": s.astype("datetime64[ns]"),
            "end_date": np.where(reached, e, np.datetime64("NaT")).astype("datetime64[ns]"),
            "days": days,
            "reached": reached,
            "censored": ~reached,
            "target_days": target_days,
            "within_target": within,
            "status": status,
            "as_of": np.full(len(idx), as_of_d).astype("datetime64[ns]"),
            "exit": exit_kind,
            "exit_date": np.where(exited, x, np.datetime64("NaT")).astype("datetime64[ns]"),
            "mature": mature,
        },
        columns=list(INTERVAL_COLUMNS),
    )


#: Marks "no such event" in the per-child day arrays (days since 1970 as int64).
_NONE = np.iinfo(np.int64).max


class _Children(NamedTuple):
    """Per child (index = child code): authority code, names, first dates and current route."""

    authority: np.ndarray
    authority_names: pd.Index
    child_id: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray
    route: np.ndarray
    later_day: np.ndarray
    ended_day: np.ndarray


def _per_child(
    frame: pd.DataFrame,
    start: str,
    end: str,
    as_of_ts: pd.Timestamp,
    later: tuple[str, ...] = (),
    ended: tuple[str, ...] = (),
) -> _Children:
    """First ``start`` day, first ``end`` day on or after it, current route, first exits."""
    day = dates(frame)
    stage = frame["stage"].to_numpy()
    ok = (day <= as_of_ts.to_datetime64()) & ~np.isnat(day)
    is_start = ok & (stage == start)
    is_end = ok & (stage == end)
    is_later = ok & np.isin(stage, later) if later else np.zeros(len(day), bool)
    is_ended = ok & np.isin(stage, ended) if ended else np.zeros(len(day), bool)
    route_all = frame["route"].to_numpy(dtype=object) if "route" in frame else None
    has_route = ok & pd.notna(route_all) if route_all is not None else np.zeros(len(day), bool)
    rows = np.flatnonzero(is_start | is_end | has_route | is_later | is_ended)
    a_codes, a_names, codes, n = _child_codes(
        frame["authority"].to_numpy()[rows], frame["child_id"].to_numpy()[rows]
    )
    d_int = day[rows].astype(np.int64)
    s_rows, e_rows, r_rows = is_start[rows], is_end[rows], has_route[rows]
    start_day = _group_min(codes[s_rows], d_int[s_rows], n, _NONE)
    ce, de = codes[e_rows], d_int[e_rows]
    after = de >= start_day[ce]
    end_day = _group_min(ce[after], de[after], n, _NONE)
    routes = route_all[rows][r_rows] if route_all is not None else None
    exits = []
    for mask in (is_later[rows], is_ended[rows]):
        cx, dx = codes[mask], d_int[mask]
        on_or_after = dx >= start_day[cx]
        exits.append(_group_min(cx[on_or_after], dx[on_or_after], n, _NONE))
    return _Children(
        authority=a_codes,
        authority_names=a_names,
        child_id=_names(frame, rows, codes, n),
        start_day=start_day,
        end_day=end_day,
        route=_current_route(codes[r_rows], d_int[r_rows], routes, n),
        later_day=exits[0],
        ended_day=exits[1],
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


def _child_codes(
    authority: np.ndarray, child_id: np.ndarray
) -> tuple[np.ndarray, pd.Index, np.ndarray, int]:
    """Code each row's child (authority, child_id).

    Returns the authority code of each child (codes sorted alphabetically), the authority
    names, the child code of each row (in order of first appearance) and the number of
    children.
    """
    c_row, c_names = pd.factorize(child_id, sort=False)
    n_c = len(c_names)
    first = np.full(n_c, len(c_row), dtype=np.int64)
    np.minimum.at(first, c_row, np.arange(len(c_row)))
    a_first, a_names = pd.factorize(authority[first], sort=True)
    # usual case: a child id belongs to one authority, so the child id alone is the key and
    # the authority is hashed once per child, not once per event
    if (authority == authority[first][c_row]).all():
        return a_first.astype(np.int64), pd.Index(a_names), c_row.astype(np.int64), n_c
    a_row, a_names = pd.factorize(authority, sort=True)
    codes, pair_uniq = pd.factorize(a_row.astype(np.int64) * max(n_c, 1) + c_row, sort=False)
    a_child = (pair_uniq // max(n_c, 1)).astype(np.int64)
    return a_child, pd.Index(a_names), codes.astype(np.int64), len(pair_uniq)


def _names(frame: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Return the child_id of each child code (from the first row of the child)."""
    first = np.full(n, len(rows), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(rows)))
    return frame["child_id"].to_numpy()[rows[first]] if n else np.array([], dtype=object)


def _group_min(codes: np.ndarray, values: np.ndarray, n: int, fill: int) -> np.ndarray:
    out = np.full(n, fill, dtype=np.int64)
    np.minimum.at(out, codes, values)
    return out


def _current_route(
    codes: np.ndarray, d_int: np.ndarray, r: np.ndarray | None, n: int
) -> np.ndarray:
    """Route of each child's latest event that has one (ties: the later row); else undecided."""
    route = np.full(n, "undecided", dtype=object)
    if r is None or len(r) == 0:
        return route
    # the latest (date, row) per child without sorting: maximise date * rows + row
    key = d_int * len(codes) + np.arange(len(codes))
    best = np.full(n, -1, dtype=np.int64)
    np.maximum.at(best, codes, key)
    has = best >= 0
    route[has] = r[best[has] % len(codes)]
    return route


def _target_columns(
    days: np.ndarray,
    reached: np.ndarray,
    target: int | None,
    elapsed: np.ndarray | None = None,
    exited: np.ndarray | None = None,
    ended_early: np.ndarray | None = None,
) -> tuple[
    pd.api.extensions.ExtensionArray,
    pd.api.extensions.ExtensionArray,
    pd.Categorical,
    np.ndarray,
]:
    """Target, within-target flag, status and maturity per child.

    A child still waiting on the target day itself has missed it (events on ``as_of`` are
    counted), so a wait is past target at ``days >= target``; a reached stage at
    ``days > target``. Maturity (shared METHODS.md section 8): ``elapsed >= target``.
    """
    n = len(days)
    elapsed = days if elapsed is None else elapsed
    exited = np.zeros(n, bool) if exited is None else exited
    ended_early = np.zeros(n, bool) if ended_early is None else ended_early
    waiting = ~reached & ~exited
    if target is None:
        tdays = pd.array(np.zeros(n, dtype=np.int64), dtype="Int64")
        tdays[:] = pd.NA
        within = pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool))
        code = np.select([reached, exited], [4, 7], 5)
        return (
            tdays,
            within,
            pd.Categorical.from_codes(code, categories=list(STATUSES)),
            (np.ones(n, dtype=bool)),
        )
    tdays = pd.array(np.full(n, target, dtype=np.int64), dtype="Int64")
    mature = elapsed >= target
    late_reached = reached & (days > target)
    late_waiting = waiting & (elapsed >= target)
    missed = exited & ~ended_early
    known = reached | late_waiting | (missed & mature)
    within = pd.arrays.BooleanArray(reached & ~late_reached, ~known)
    code = np.select(
        [reached & ~late_reached, late_reached, late_waiting, waiting, missed, ended_early],
        [0, 1, 2, 3, 6, 7],
        3,
    )
    return tdays, within, pd.Categorical.from_codes(code, categories=list(STATUSES)), mature
