"""Chart-ready series from an intervals frame: % within target by period, days per child.

Every frame here has the generic chart columns ``x`` and ``y`` (and ``n`` for proportions) so
that a notebook can call ``spc(y="y", n="n", x="x", data=frame, chart=...)`` for any measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError, check_choice

__all__ = [
    "within_target",
    "proportion_reached",
    "child_series",
    "PERIODS",
    "COHORTS",
    "WITHIN_TARGET_COLUMNS",
    "CHILD_SERIES_COLUMNS",
    "follow_up_days",
]

#: Period lengths for by-period measures (pandas period codes).
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
#: Which date places a child in a period.
COHORTS = ("start", "end")

WITHIN_TARGET_COLUMNS = (
    "authority",
    "period",
    "period_label",
    "numerator",
    "denominator",
    "proportion",
    "reached_after_target",
    "waiting_past_target",
    "waiting_within_target",
    "children",
    "partial",
    "x",
    "y",
    "n",
    "missed",
    "exited",
    "immature",
    "incomplete",
)

CHILD_SERIES_COLUMNS = (
    "authority",
    "child_id",
    "route",
    "start_date",
    "end_date",
    "x_date",
    "days",
    "censored",
    "target_days",
    "within_target",
    "x",
    "y",
    "incomplete",
)

#: Centile of the finished waits that, with the target, sets how long a child must have been
#: followed for its point to count (see :func:`follow_up_days`).
FOLLOW_UP_CENTILE = 90


def _label(p: pd.Series, period: str) -> pd.Series:
    return p.dt.to_period(PERIODS[period]).astype(str)


def within_target(
    iv: pd.DataFrame, *, period: str = "month", cohort: str = "start"
) -> pd.DataFrame:
    """Percent of children who reached the end stage within target, by authority and period.

    Per-child maturity (shared METHODS.md section 8, "Cohort maturity"): a child counts only
    once the target has had time to pass (``start + target <= as_of``), **whether or not** they
    reached the stage, so a recent cohort is never flattered by its fast cases. A child who
    moved on without the stage (a later stage, or the journey ended after the due day) counts
    as **not met** once mature; a child whose journey ended before the due day without it
    (home confirmed, order granted) is left out: the stage no longer applies.

    Parameters
    ----------
    iv : pandas.DataFrame
        The frame :func:`paceqi.intervals` returns (with a target). Frames without the
        ``exit`` / ``mature`` columns are read as having no exits, maturity from the dates.
    period : {"month", "quarter", "year"}
        Calendar period length.
    cohort : {"start", "end"}
        ``"start"`` (the report's convention): a child belongs to the period of its start date
        (the PACE aim wording: "children who become looked after ... within 6 months").
        ``"end"``: each result is placed when it became known: a child who reached the stage
        at its end date; a child past the target (waiting, or moved on without the stage) in
        the period the target passed (start + target + 1 day); a child still within target in
        the period of ``as_of`` (not in the denominator). Maturity does not apply to ``"end"``.
        (For working-day intervals the target date is approximated in calendar days.)

    Returns
    -------
    pandas.DataFrame
        One row per authority and period with at least one child, columns
        :data:`WITHIN_TARGET_COLUMNS`:

        - ``numerator``: mature children who reached the end stage within target;
        - ``denominator``: mature children whose result is known = ``numerator`` +
          ``reached_after_target`` + ``waiting_past_target`` + ``missed``;
        - ``proportion`` = numerator / denominator (NaN when the denominator is 0);
        - ``reached_after_target``, ``waiting_past_target`` (still waiting, target passed);
        - ``missed``: moved on without the stage, target passed (not met: the step was skipped
          or not recorded);
        - ``waiting_within_target``: still waiting, target not yet passed (left out);
        - ``exited``: journey ended before the due day without the stage (left out);
        - ``immature``: children whose target has not passed yet, reached or not (left out);
        - ``incomplete``: the period has immature children: chart it greyed, labelled
          "incomplete", and keep it out of limits and rules;
        - ``children``: everyone in the cohort; ``partial``: the period ends after ``as_of``;
        - ``x`` = ``period`` (start date of the period), ``y`` = numerator, ``n`` = denominator,
          for ``spc(y="y", n="n", x="x", data=frame, chart="p")``.

    Examples
    --------
    >>> iv = pd.DataFrame({"authority": "A", "child_id": ["a", "b", "c"],
    ...     "start_date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-20"]),
    ...     "end_date": pd.to_datetime(["2024-01-10", None, "2024-02-21"]),
    ...     "days": [7, 40, 1], "reached": [True, False, True], "censored": [False, True, False],
    ...     "target_days": 14, "as_of": pd.Timestamp("2024-02-29")})
    >>> within_target(iv)[["period_label", "numerator", "denominator", "immature", "incomplete"]]
      period_label  numerator  denominator  immature  incomplete
    0      2024-01          1            2         0       False
    1      2024-02          0            0         1        True
    """
    check_choice("period", period, PERIODS)
    check_choice("cohort", cohort, COHORTS)
    _require(iv, ("authority", "start_date", "days", "reached", "target_days", "as_of"))
    target = pd.to_numeric(iv["target_days"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(target).any():
        raise OptionsError(
            "within_target needs a target: call intervals(..., target_days=N) or choose stages "
            "whose catalogue target starts at the start stage"
        )
    days = iv["days"].to_numpy()
    reached = iv["reached"].to_numpy(dtype=bool)
    moved = iv["exit"].notna().to_numpy() if "exit" in iv else np.zeros(len(iv), bool)
    status = iv["status"].astype(str).to_numpy() if "status" in iv else None
    exited = moved & (status == "exited") if status is not None else np.zeros(len(iv), bool)
    missed_any = moved & ~exited
    if "mature" in iv:
        mature = iv["mature"].to_numpy(dtype=bool)
    else:  # a hand-made frame: calendar days from the dates
        elapsed = (pd.to_datetime(iv["as_of"]) - pd.to_datetime(iv["start_date"])).dt.days
        mature = elapsed.to_numpy() >= target
    waiting = ~reached & ~moved
    late = days > target
    if cohort == "start":
        use = mature & ~exited
        counts = {
            "numerator": use & reached & ~late,
            "reached_after_target": use & reached & late,
            "waiting_past_target": use & waiting,
            "missed": use & missed_any,
            "waiting_within_target": waiting & ~mature,
            "exited": exited,
            "immature": ~mature,
        }
        when = iv["start_date"]
    else:
        past = mature
        counts = {
            "numerator": reached & ~late,
            "reached_after_target": reached & late,
            "waiting_past_target": waiting & past,
            "missed": missed_any & past,
            "waiting_within_target": waiting & ~past,
            "exited": exited | (missed_any & ~past),
            "immature": np.zeros(len(iv), bool),
        }
        breach = iv["start_date"] + pd.to_timedelta(target + 1, unit="D")
        open_end = pd.Series(np.where(past, breach, iv["as_of"]), index=iv.index)
        when = iv["end_date"].where(reached, open_end)
    counts["children"] = np.ones(len(iv), dtype=bool)
    out = _count_by_period(iv, pd.to_datetime(when).to_numpy(dtype="datetime64[D]"), period, counts)
    out["denominator"] = (
        out["numerator"] + out["reached_after_target"] + out["waiting_past_target"] + out["missed"]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["proportion"] = out["numerator"] / out["denominator"].where(out["denominator"] > 0)
    out["partial"] = _partial(out["period"], period, iv)
    out["incomplete"] = out["immature"] > 0
    out["x"], out["y"], out["n"] = out["period"], out["numerator"], out["denominator"]
    return out.loc[:, list(WITHIN_TARGET_COLUMNS)]


def period_index(day: np.ndarray, period: str) -> np.ndarray:
    """Integer index of the calendar month, quarter or year of each datetime64[D]."""
    if period == "year":
        return day.astype("datetime64[Y]").astype(np.int64)
    months = day.astype("datetime64[M]").astype(np.int64)
    return months if period == "month" else months // 3


def period_start_of(index: np.ndarray, period: str) -> np.ndarray:
    """First day (datetime64[ns]) of each period index from :func:`period_index`."""
    if period == "year":
        return index.astype("datetime64[Y]").astype("datetime64[ns]")
    months = index if period == "month" else index * 3
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def _count_by_period(
    iv: pd.DataFrame, day: np.ndarray, period: str, counts: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Sum boolean count columns by (authority, period) with bincount; non-empty cells only."""
    authority = iv["authority"]
    if isinstance(authority.dtype, pd.CategoricalDtype):
        a_codes, a_names = authority.cat.codes.to_numpy(), authority.cat.categories
        order = np.argsort(np.asarray(a_names, dtype=str), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        a_codes, a_names = rank[a_codes], pd.Index(np.asarray(a_names)[order])
    else:
        a_codes, a_names = pd.factorize(authority.to_numpy(), sort=True)
    p = period_index(day, period)
    p0 = p.min() if len(p) else 0
    width = (p.max() - p0 + 1) if len(p) else 1
    key = a_codes.astype(np.int64) * width + (p - p0)
    size = len(a_names) * width
    tally = {k: np.bincount(key, weights=v, minlength=size) for k, v in counts.items()}
    cells = np.flatnonzero(tally["children"] > 0)
    out = pd.DataFrame(
        {
            "authority": np.asarray(a_names, dtype=object)[cells // width],
            "period": period_start_of(cells % width + p0, period),
        }
    )
    for k, v in tally.items():
        out[k] = v[cells].astype(np.int64)
    out["period_label"] = _label(out["period"], period)
    return out


def proportion_reached(iv: pd.DataFrame, *, period: str = "month") -> pd.DataFrame:
    """Share of each start-date cohort that reached the end stage (within a window, if given).

    For balancing measures such as "% of recommendations changed within 12 months" (end = a
    derived ``route_change`` event). Columns as :func:`within_target`.

    With a target in ``iv`` (``target_days``, e.g. 365) the share is of children followed for
    the whole window: numerator = reached within it; a child whose window has not passed yet
    (``start + target > as_of``) is ``immature`` and left out, and their period is
    ``incomplete`` (the same maturity rule as :func:`within_target`: a recent cohort has had
    less time for the event, so counting it would look like an improvement). Without a
    target: numerator = reached by ``as_of``, denominator = the whole cohort.

    Examples
    --------
    >>> iv = pd.DataFrame({"authority": "A", "start_date": pd.to_datetime(["2024-01-03"] * 2),
    ...     "reached": [True, False], "as_of": pd.Timestamp("2024-03-01")})
    >>> proportion_reached(iv)[["numerator", "denominator", "proportion"]]
       numerator  denominator  proportion
    0          1            2         0.5
    """
    check_choice("period", period, PERIODS)
    _require(iv, ("authority", "start_date", "reached", "as_of"))
    reached = iv["reached"].to_numpy(dtype=bool)
    target = (
        pd.to_numeric(iv["target_days"], errors="coerce").to_numpy(dtype=float)
        if "target_days" in iv
        else np.full(len(iv), np.nan)
    )
    windowed = ~np.isnan(target)
    elapsed = (pd.to_datetime(iv["as_of"]) - pd.to_datetime(iv["start_date"])).dt.days.to_numpy()
    mature = ~windowed | (elapsed >= np.where(windowed, target, 0))
    days = iv["days"].to_numpy() if windowed.any() else np.zeros(len(iv))
    in_window = ~windowed | (days <= np.where(windowed, target, 0))
    counts = {
        "numerator": mature & reached & in_window,
        "denominator": mature,
        "immature": ~mature,
        "children": np.ones(len(iv), dtype=bool),
    }
    out = _count_by_period(iv, iv["start_date"].to_numpy(dtype="datetime64[D]"), period, counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["proportion"] = out["numerator"] / out["denominator"].where(out["denominator"] > 0)
    out["reached_after_target"] = 0
    out["waiting_past_target"] = 0
    out["waiting_within_target"] = 0
    out["missed"] = 0
    out["exited"] = 0
    out["incomplete"] = out["immature"] > 0
    out["partial"] = _partial(out["period"], period, iv)
    out["x"], out["y"], out["n"] = out["period"], out["numerator"], out["denominator"]
    return out.loc[:, list(WITHIN_TARGET_COLUMNS)]


def follow_up_days(iv: pd.DataFrame) -> int:
    """Days of follow-up after which a child's wait counts on a start-ordered chart.

    The larger of the target and the :data:`FOLLOW_UP_CENTILE` th centile of the finished
    waits (the observed value at or above it; at least 1 day). A child followed this long
    who is still waiting has waited longer than at least 90 % of the finished waits, so their
    days so far lie on the right side of any median of the series: medians and run rules use
    them as they are.

    Examples
    --------
    >>> iv = pd.DataFrame({"days": [10, 20, 30, 200], "censored": [False] * 3 + [True],
    ...     "target_days": 14})
    >>> follow_up_days(iv)
    30
    """
    done = iv.loc[~iv["censored"].astype(bool), "days"].to_numpy(dtype=float)
    centile = float(np.percentile(done, FOLLOW_UP_CENTILE, method="higher")) if len(done) else 0.0
    target = pd.to_numeric(iv.get("target_days"), errors="coerce")
    t = float(target.max()) if target is not None and target.notna().any() else 0.0
    return max(1, int(np.ceil(max(centile, t))))


def child_series(iv: pd.DataFrame, *, horizon: int | None = None) -> pd.DataFrame:
    """Days per child in order of the **start** date (start cohort), for run and I charts.

    One time-order convention for every chart of a report (shared METHODS.md section 8): a
    child is placed at the date they reached the start stage, whether or not they have reached
    the end stage. Ordering by the end date instead gives a false "upward trend" after the
    data start (the first periods can hold only short waits) and a false fall at the end.

    Children still waiting are kept (``censored=True``, ``days`` = days so far, a lower bound).
    A child who started less than ``horizon`` days before ``as_of`` is ``incomplete``: chart
    them apart ("incomplete") and keep them out of the centre line, limits and rules (their
    cohort can show only its fast cases so far). A complete child still waiting has waited at least
    ``horizon`` days, longer than most finished waits, so their days so far are used as they
    are. Children who moved on without the end stage (``exit`` set) are not waits for it and
    are left out (see ``paceqi.measures.still_waiting`` for data-quality counts).

    Parameters
    ----------
    iv : pandas.DataFrame
        From :func:`paceqi.intervals`.
    horizon : int, optional
        Days of follow-up for a point to be complete; default :func:`follow_up_days`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHILD_SERIES_COLUMNS`. ``x_date`` is the start date; ``x`` is the
        position 1..N in that order (unique, because ``spc`` averages rows that share an
        ``x``; use ``x_date`` to label the axis or place PDSA annotations); ``y`` = ``days``;
        ``incomplete`` as above. ``frame.attrs["horizon_days"]`` holds the horizon.

    Examples
    --------
    >>> iv = pd.DataFrame({"authority": "A", "child_id": ["a", "b", "c"], "route": "po",
    ...     "start_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-25"]),
    ...     "end_date": pd.to_datetime(["2024-02-01", None, "2024-02-27"]),
    ...     "days": [31, 59, 2], "censored": [False, True, False], "target_days": 30,
    ...     "within_target": [False, False, True], "as_of": pd.Timestamp("2024-03-01")})
    >>> child_series(iv)[["child_id", "x", "y", "censored", "incomplete"]]
      child_id  x   y  censored  incomplete
    0        a  1  31     False       False
    1        b  2  59      True       False
    2        c  3   2     False        True
    """
    _require(iv, ("authority", "child_id", "start_date", "end_date", "days", "censored", "as_of"))
    out = iv[iv["exit"].isna()] if "exit" in iv else iv
    out = out.copy()
    h = follow_up_days(out) if horizon is None else int(horizon)
    out["x_date"] = out["start_date"]
    out = out.sort_values(["x_date", "child_id"], kind="stable").reset_index(drop=True)
    out["x"] = np.arange(1, len(out) + 1)
    out["y"] = out["days"]
    followed = (pd.to_datetime(out["as_of"]) - pd.to_datetime(out["start_date"])).dt.days
    out["incomplete"] = (followed < h).to_numpy(dtype=bool)
    for c in ("route", "target_days", "within_target"):
        if c not in out:
            out[c] = pd.NA
    out = out.loc[:, list(CHILD_SERIES_COLUMNS)]
    out.attrs["horizon_days"] = h
    return out


def _partial(period_start: pd.Series, period: str, iv: pd.DataFrame) -> pd.Series:
    if len(iv) == 0:
        return pd.Series([], dtype=bool)
    as_of = pd.Timestamp(iv["as_of"].max())
    ends = period_start.dt.to_period(PERIODS[period]).dt.end_time.dt.normalize()
    return ends > as_of


def _require(frame: pd.DataFrame, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"expected an intervals frame with column(s) {missing}; call paceqi.intervals first"
        )
