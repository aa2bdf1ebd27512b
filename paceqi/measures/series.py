"""Chart-ready series from an intervals frame: % within target by period, days per child.

Every frame here has the generic chart columns ``x`` and ``y`` (and ``n`` for proportions) so
that a notebook can call ``spc(y="y", n="n", x="x", data=frame, chart=...)`` for any measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError
from paceqi.measures._inputs import check_choice

__all__ = [
    "within_target",
    "proportion_reached",
    "child_series",
    "PERIODS",
    "COHORTS",
    "WITHIN_TARGET_COLUMNS",
    "CHILD_SERIES_COLUMNS",
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
)


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
    check_choice(period, "period", PERIODS)
    check_choice(cohort, "cohort", COHORTS)
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


def _period_index(day: np.ndarray, period: str) -> np.ndarray:
    """Integer index of the calendar month, quarter or year of each datetime64[D]."""
    if period == "year":
        return day.astype("datetime64[Y]").astype(np.int64)
    months = day.astype("datetime64[M]").astype(np.int64)
    return months if period == "month" else months // 3


def _period_start_of(index: np.ndarray, period: str) -> np.ndarray:
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
    p = _period_index(day, period)
    p0 = p.min() if len(p) else 0
    width = (p.max() - p0 + 1) if len(p) else 1
    key = a_codes.astype(np.int64) * width + (p - p0)
    size = len(a_names) * width
    tally = {k: np.bincount(key, weights=v, minlength=size) for k, v in counts.items()}
    cells = np.flatnonzero(tally["children"] > 0)
    out = pd.DataFrame(
        {
            "authority": np.asarray(a_names, dtype=object)[cells // width],
            "period": _period_start_of(cells % width + p0, period),
        }
    )
    for k, v in tally.items():
        out[k] = v[cells].astype(np.int64)
    out["period_label"] = _label(out["period"], period)
    return out


def proportion_reached(iv: pd.DataFrame, *, period: str = "month") -> pd.DataFrame:
    """Share of each start-date cohort that has reached the end stage by ``as_of``.

    For balancing measures such as "% of recommendations later changed" (end = a derived
    ``route_change`` event). Columns as :func:`within_target` with ``numerator`` = reached,
    ``denominator`` = the whole cohort, ``waiting_*`` = 0 and ``reached_after_target`` = 0.

    Examples
    --------
    >>> iv = pd.DataFrame({"authority": "A", "start_date": pd.to_datetime(["2024-01-03"] * 2),
    ...     "reached": [True, False], "as_of": pd.Timestamp("2024-03-01")})
    >>> proportion_reached(iv)[["numerator", "denominator", "proportion"]]
       numerator  denominator  proportion
    0          1            2         0.5
    """
    check_choice(period, "period", PERIODS)
    _require(iv, ("authority", "start_date", "reached", "as_of"))
    counts = {
        "numerator": iv["reached"].to_numpy(dtype=bool),
        "children": np.ones(len(iv), dtype=bool),
    }
    out = _count_by_period(iv, iv["start_date"].to_numpy(dtype="datetime64[D]"), period, counts)
    out["denominator"] = out["children"]
    out["proportion"] = out["numerator"] / out["denominator"]
    out["reached_after_target"] = 0
    out["waiting_past_target"] = 0
    out["waiting_within_target"] = 0
    for c in ("missed", "exited", "immature"):
        out[c] = 0
    out["incomplete"] = False
    out["partial"] = _partial(out["period"], period, iv)
    out["x"], out["y"], out["n"] = out["period"], out["numerator"], out["denominator"]
    return out.loc[:, list(WITHIN_TARGET_COLUMNS)]


def child_series(iv: pd.DataFrame) -> pd.DataFrame:
    """Days per child in order of the later event, for run charts and I (XmR) charts.

    Children still waiting are kept (``censored=True``, ``days`` = days so far) and placed at
    ``as_of``, after every child who reached the stage: their values are lower bounds.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHILD_SERIES_COLUMNS`. ``x_date`` is the end date, or ``as_of`` while
        waiting; ``x`` is the position 1..N in that order (unique, because ``spc`` averages
        rows that share an ``x``; use ``x_date`` to label the axis or place PDSA annotations);
        ``y`` = ``days``. For ``spc(y="y", x="x", data=frame, chart="run")``.

    Examples
    --------
    >>> iv = pd.DataFrame({"authority": "A", "child_id": ["a", "b", "c"], "route": "po",
    ...     "start_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"]),
    ...     "end_date": pd.to_datetime(["2024-02-01", None, "2024-01-20"]),
    ...     "days": [31, 59, 15], "censored": [False, True, False], "target_days": 30,
    ...     "within_target": [False, False, True], "as_of": pd.Timestamp("2024-03-01")})
    >>> child_series(iv)[["child_id", "x", "y", "censored"]]
      child_id  x   y  censored
    0        c  1  15     False
    1        a  2  31     False
    2        b  3  59      True
    """
    _require(iv, ("authority", "child_id", "start_date", "end_date", "days", "censored", "as_of"))
    out = iv.copy()
    out["x_date"] = out["end_date"].where(~out["censored"].astype(bool), out["as_of"])
    out = out.sort_values(["x_date", "censored", "start_date", "child_id"], kind="stable")
    out = out.reset_index(drop=True)
    out["x"] = np.arange(1, len(out) + 1)
    out["y"] = out["days"]
    for c in ("route", "target_days", "within_target"):
        if c not in out:
            out[c] = pd.NA
    return out.loc[:, list(CHILD_SERIES_COLUMNS)]


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
