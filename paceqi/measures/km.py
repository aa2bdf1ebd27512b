"""Kaplan-Meier time-to-stage with Greenwood confidence intervals, vectorised over groups.

Method (the choices lifelines' ``KaplanMeierFitter`` makes, so results agree; tested):

* product-limit estimate S(t) = prod over event times t_i <= t of (1 - d_i / n_i); children
  censored at ``t`` are still at risk at ``t`` (events before censoring on tied times);
* pointwise interval from Greenwood's variance on the log(-log) scale (Kalbfleisch and
  Prentice 2002, eq. 1.10; lifelines ``_bounds``): S ** exp(+-z * sigma / log S), with
  sigma**2 = sum over t_i <= t of d_i / (n_i (n_i - d_i)); where S = 0 the band is (0, 0);
* median = the first time with S(t) <= 0.5 (Klein and Moeschberger 2003, sec. 4.5; lifelines
  ``median_survival_times``; an S of exactly 0.5 counts, where lifelines' floating-point product
  may land just above it and report the next time; R's survfit takes the midpoint); its interval
  = the first times at which the lower and upper pointwise bands fall to 0.5, i.e. the
  Brookmeyer-Crowley (1982) interval from inverting the log(-log) pointwise band, as lifelines
  computes it from ``confidence_interval_``. ``inf`` = not reached (more than half still
  waiting at the end of follow-up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from paceqi.errors import OptionsError, check_choice
from paceqi.measures.series import PERIODS, period_index, period_start_of

__all__ = ["KaplanMeier", "kaplan_meier", "median_with_ci", "CURVE_COLUMNS", "SUMMARY_COLUMNS"]

#: S(t) within this of 0.5 counts as 0.5: the running product is computed in floating point,
#: so an estimate that is exactly 0.5 may come out as 0.5000000000000001.
_HALF_TOLERANCE = 1e-12

CURVE_COLUMNS = ("time", "at_risk", "events", "censored", "survival", "ci_lower", "ci_upper")
SUMMARY_COLUMNS = (
    "n",
    "events",
    "censored",
    "median",
    "median_ci_lower",
    "median_ci_upper",
    "median_completed",
)


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan-Meier result: ``curve`` (one row per group and time) and ``summary`` (per group).

    ``curve`` columns: the ``by`` columns, then :data:`CURVE_COLUMNS` (``survival`` = share of
    children still waiting; a row at time 0 always present). ``summary`` columns: the ``by``
    columns, then :data:`SUMMARY_COLUMNS`; ``median_completed`` is the plain median of the
    completed intervals only, shown next to the KM median to make the bias of ignoring the
    children still waiting visible.
    """

    curve: pd.DataFrame
    summary: pd.DataFrame
    alpha: float


def kaplan_meier(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    duration: str = "days",
    event: str = "reached",
    alpha: float = 0.05,
) -> KaplanMeier:
    """Kaplan-Meier estimate of time to a stage, per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per child, typically from :func:`paceqi.intervals` (``days``, ``reached``).
    by : str or list of str, optional
        Grouping columns, e.g. ``"authority"``.
    period : {"month", "quarter", "year"}, optional
        Also group by the period of ``start_date`` (a ``period`` column holding the period's
        first day is added to the outputs).
    duration, event : str
        Column names of the time (non-negative) and of the event flag (True = reached the stage,
        False = still waiting / censored).
    alpha : float, default 0.05
        1 - confidence level of the intervals.

    Returns
    -------
    KaplanMeier

    Examples
    --------
    >>> d = pd.DataFrame({"days": [5, 8, 8, 12, 20], "reached": [True, True, False, True, False]})
    >>> km = kaplan_meier(d)
    >>> km.curve[["time", "at_risk", "survival"]].round(3)
       time  at_risk  survival
    0   0.0        5       1.0
    1   5.0        5       0.8
    2   8.0        4       0.6
    3  12.0        2       0.3
    4  20.0        1       0.3
    >>> float(km.summary["median"].iloc[0])
    12.0
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    if period is not None:
        check_choice("period", period, PERIODS)
        if "start_date" not in data.columns:
            raise OptionsError("kaplan_meier: period= needs a 'start_date' column")
        start = data["start_date"].to_numpy(dtype="datetime64[D]")
        data = data.assign(period=period_start_of(period_index(start, period), period))
        by_cols.append("period")
    missing = [c for c in [*by_cols, duration, event] if c not in data.columns]
    if missing:
        raise OptionsError(f"kaplan_meier: column(s) {missing} not in data")
    if not 0 < alpha < 1:
        raise OptionsError(f"alpha must be between 0 and 1; got {alpha}")
    t = pd.to_numeric(data[duration], errors="coerce").to_numpy(dtype=float)
    if np.isnan(t).any() or (t < 0).any():
        raise OptionsError(f"kaplan_meier: column '{duration}' must be non-negative numbers")
    e = data[event].to_numpy().astype(bool)
    if by_cols and len(data) == 0:
        return KaplanMeier(
            curve=pd.DataFrame(columns=[*by_cols, *CURVE_COLUMNS]),
            summary=pd.DataFrame(columns=[*by_cols, *SUMMARY_COLUMNS]),
            alpha=alpha,
        )
    if by_cols:
        g, groups = _group_codes(data, by_cols)
    else:
        g, groups = np.zeros(len(t), dtype=np.int64), pd.DataFrame(index=[0])
    curve = _curve(g, t, e, len(groups), norm.ppf(1 - alpha / 2))
    summary = _summary(curve, g, t, e, len(groups))
    curve_df = pd.concat(
        [
            groups.iloc[curve["group"]].reset_index(drop=True),
            pd.DataFrame(curve).drop(columns="group"),
        ],
        axis=1,
    )
    summary_df = pd.concat([groups.reset_index(drop=True), summary], axis=1)
    return KaplanMeier(curve=curve_df, summary=summary_df, alpha=alpha)


def median_with_ci(
    durations: np.ndarray | pd.Series, reached: np.ndarray | pd.Series, *, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Kaplan-Meier median time to the stage and its interval, for one group of children.

    The same numbers as ``kaplan_meier(...).summary`` (``median``, ``median_ci_lower``,
    ``median_ci_upper``) for data without ``by``: the same computation, without building the
    curve and summary tables (a report's journey table fits 65 of these; the tables were most
    of their cost).

    Parameters
    ----------
    durations : array-like of float
        Days from start to the stage, or to the end of follow-up (non-negative).
    reached : array-like of bool
        True = reached the stage; False = still waiting (censored).
    alpha : float, default 0.05
        1 - confidence level of the interval.

    Returns
    -------
    tuple of float
        ``(median, lower, upper)``; ``inf`` = not reached.

    Examples
    --------
    >>> median_with_ci(np.array([5, 8, 8, 12, 20.0]), np.array([1, 1, 0, 1, 0], dtype=bool))
    (12.0, 5.0, inf)
    """
    t = pd.to_numeric(pd.Series(durations), errors="coerce").to_numpy(dtype=float)
    if np.isnan(t).any() or (t < 0).any():
        raise OptionsError("median_with_ci: durations must be non-negative numbers")
    if not 0 < alpha < 1:
        raise OptionsError(f"alpha must be between 0 and 1; got {alpha}")
    e = np.asarray(reached).astype(bool)
    curve = _curve(np.zeros(len(t), dtype=np.int64), t, e, 1, norm.ppf(1 - alpha / 2))
    cg, ct = curve["group"], curve["time"]
    median, lower, upper = (
        float(_first_time_at_or_below(curve[key], cg, ct, 1)[0])
        for key in ("survival", "ci_lower", "ci_upper")
    )
    return median, lower, upper


def _group_codes(data: pd.DataFrame, by_cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    grouper = data.groupby(by_cols, sort=True, observed=True, dropna=False)
    g = grouper.ngroup().to_numpy(dtype=np.int64)
    groups = grouper.size().reset_index()[by_cols]
    return g, groups


def _curve(
    g: np.ndarray, t: np.ndarray, e: np.ndarray, n_groups: int, z: float
) -> dict[str, np.ndarray]:
    # distinct (group, time) cells with deaths and removals, plus a time-0 row per group
    gg = np.concatenate([g, np.arange(n_groups)])
    tt = np.concatenate([t, np.zeros(n_groups)])
    dd = np.concatenate([e.astype(np.int64), np.zeros(n_groups, dtype=np.int64)])
    rr = np.concatenate([np.ones(len(t), dtype=np.int64), np.zeros(n_groups, dtype=np.int64)])
    order = np.lexsort((tt, gg))
    gg, tt, dd, rr = gg[order], tt[order], dd[order], rr[order]
    new = np.r_[True, (gg[1:] != gg[:-1]) | (tt[1:] != tt[:-1])]
    cell = np.cumsum(new) - 1
    cg, ct = gg[new], tt[new]
    deaths = np.bincount(cell, weights=dd).astype(np.int64)
    removed = np.bincount(cell, weights=rr).astype(np.int64)
    size = np.bincount(g, minlength=n_groups)
    first = np.r_[True, cg[1:] != cg[:-1]]
    cum_removed = np.cumsum(removed)
    group_base = np.maximum.accumulate(np.where(first, cum_removed - removed, 0))
    at_risk = size[cg] - (cum_removed - removed - group_base)
    # a cell where every child at risk reaches the stage drops S to 0 for the rest of the group;
    # track those with a counter so that log(0) never enters the running sums
    wiped = (deaths == at_risk) & (at_risk > 0)
    zero = _group_cumsum(wiped.astype(float), first) > 0
    live = (at_risk > 0) & ~wiped
    frac = np.where(live, deaths / np.where(live, at_risk, 1), 0.0)
    log_s = _group_cumsum(np.log1p(-frac), first)
    surv = np.where(zero, 0.0, np.exp(log_s))
    var = _group_cumsum(
        np.where(live, deaths / (np.where(live, at_risk, 1) * (at_risk - deaths + ~live)), 0.0),
        first,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(-log) band (Kalbfleisch & Prentice); where S is 1 the band is the point (1, 1)
        half = z * np.sqrt(var) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - half))
        upper = np.exp(-np.exp(np.log(-log_s) + half))
    at_one = log_s == 0
    lower = np.where(at_one, 1.0, lower)
    upper = np.where(at_one, 1.0, upper)
    lower, upper = np.minimum(lower, upper), np.maximum(lower, upper)
    lower = np.where(zero, 0.0, lower)
    upper = np.where(zero, 0.0, upper)
    return {
        "group": cg,
        "time": ct,
        "at_risk": at_risk,
        "events": deaths,
        "censored": removed - deaths,
        "survival": surv,
        "ci_lower": lower,
        "ci_upper": upper,
    }


def _group_cumsum(x: np.ndarray, first: np.ndarray) -> np.ndarray:
    c = np.cumsum(x)
    base = np.maximum.accumulate(np.where(first, np.arange(len(x)), 0))
    out: np.ndarray = c - (c[base] - x[base])
    return out


def _first_time_at_or_below(
    values: np.ndarray, cg: np.ndarray, ct: np.ndarray, n_groups: int
) -> np.ndarray:
    out = np.full(n_groups, np.inf)
    hit = values <= 0.5 + _HALF_TOLERANCE
    if hit.any():
        # the curve is sorted by (group, time): the first hit per group is the smallest time
        hg, ht = cg[hit], ct[hit]
        firsts = np.r_[True, hg[1:] != hg[:-1]]
        out[hg[firsts]] = ht[firsts]
    return out


def _summary(
    curve: dict[str, np.ndarray], g: np.ndarray, t: np.ndarray, e: np.ndarray, n_groups: int
) -> pd.DataFrame:
    cg, ct = curve["group"], curve["time"]
    n = np.bincount(g, minlength=n_groups)
    events = np.bincount(g, weights=e, minlength=n_groups).astype(np.int64)
    completed = pd.Series(t[e]).groupby(g[e]).median()
    med_completed = np.full(n_groups, np.nan)
    med_completed[completed.index.to_numpy()] = completed.to_numpy()
    return pd.DataFrame(
        {
            "n": n,
            "events": events,
            "censored": n - events,
            "median": _first_time_at_or_below(curve["survival"], cg, ct, n_groups),
            "median_ci_lower": _first_time_at_or_below(curve["ci_lower"], cg, ct, n_groups),
            "median_ci_upper": _first_time_at_or_below(curve["ci_upper"], cg, ct, n_groups),
            "median_completed": med_completed,
        }
    )
