"""Permanence journey simulator: synthetic children flow through the permanence stages.

Each child becomes looked after on a date spread over the simulated period, is given a route
(home, permanence order, kinship care order, adoption) and then reaches, in the order of the
stage catalogue (``parameters/catalogues/scotland.yaml`` via :func:`paceqi.load_catalogue`),
the stages on that route. The days between stages are drawn from log-normal distributions
(skewed, as waiting times are); the panel meets on a fixed calendar, so a child waits for the
next panel date once the report is ready.

Children who become looked after on or after ``change_date`` experience the chosen change
idea:

* ``two_week_meeting`` – planning starts at a Two Week Planning Meeting, so the waits before
  the legal referral, the kinship decision and the permanence recommendation shrink
  (shortens looked_after → permanence_recommended);
* ``faster_legal_opinions`` – legal opinions return in about 10 days instead of about 5
  weeks (Aberdeenshire PACE test of change, DOMAIN.md §1.5);
* ``more_panel_dates`` – the panel meets every 2 weeks instead of every 6 (shortens
  permanence_recommended → panel).

Balancing measures: a recommendation made in a rush is more likely to be reversed later
(probability rises as the days to recommendation fall below ``RUSH_DAYS``), and a panel that
meets more often takes more reports that are not ready (higher deferral rate). These
behaviours and every number in ``GAPS`` are **illustrative teaching assumptions**, not
estimates from PACE data; they are chosen so that the baseline misses the PACE 6-month aim
for most children on court routes, as PACE authorities found.

All random numbers are drawn before the change is applied, so a run with and without a
change (same seed) differ only by the change (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue, load_catalogue
from paceqi.errors import OptionsError, check_choice
from paceqi.teach._checks import check_int, rng_from

__all__ = [
    "CHANGE_IDEAS",
    "GAPS",
    "ROUTE_SHARES",
    "JourneyResult",
    "simulate_journeys",
    "journey_summary",
    "with_and_without",
    "compare_change_ideas",
]

#: Median days from the previous stage on the child's path, and log-normal log-sd.
#: Illustrative teaching values (see the module docstring), loosely anchored on the
#: statutory review timescales (reg 45 LAC (Scotland) Regs 2009: 6 weeks, then 3 months).
GAPS: dict[str, tuple[float, float]] = {
    "two_week_meeting": (16.0, 0.3),
    "first_review": (27.0, 0.25),
    "second_review": (91.0, 0.1),
    "kinship_assessed": (10.0, 0.6),
    "legal_referral": (35.0, 0.6),
    "legal_opinion": (35.0, 0.5),
    "permanence_recommended": (40.0, 0.6),
    "panel": (35.0, 0.4),  # days to prepare the panel report; then wait for the next panel
    "adm_decision": (10.0, 0.4),
}

#: Share of children on each route (illustrative).
ROUTE_SHARES: dict[str, float] = {"home": 0.3, "po": 0.35, "kco": 0.15, "adoption": 0.2}

#: Days between panel meetings, and the deferral rate, before any change (illustrative).
PANEL_INTERVAL_DAYS = 42
DEFERRAL_RATE = 0.08
#: Recommendations made in fewer than RUSH_DAYS after becoming looked after are more likely
#: to be reversed: probability REVERSAL_BASE + REVERSAL_RUSH * (RUSH_DAYS - days) / RUSH_DAYS.
#: RUSH_DAYS is the PACE 6-month aim: the story is "decisions pushed to meet the aim".
RUSH_DAYS = 182
REVERSAL_BASE = 0.04
REVERSAL_RUSH = 0.3

#: Change ideas: a description, gap multipliers, and panel settings when the change applies.
CHANGE_IDEAS: dict[str, dict[str, object]] = {
    "two_week_meeting": {
        "label": "Two Week Planning Meeting",
        "scale": {"kinship_assessed": 0.5, "legal_referral": 0.3, "permanence_recommended": 0.4},
    },
    "faster_legal_opinions": {
        "label": "Faster legal opinions",
        "scale": {"legal_opinion": 0.3},
    },
    "more_panel_dates": {
        "label": "More panel dates",
        "panel_interval": 14,
        "deferral_rate": 0.15,
    },
}

_START = "looked_after"
_RECOMMENDED = "permanence_recommended"
_PANEL = "panel"


@dataclass(frozen=True)
class JourneyResult:
    """A simulated cohort.

    Attributes
    ----------
    children : pandas.DataFrame
        One row per child: ``child_id, route, period`` (``before`` / ``after``),
        ``changed`` (the change applied to this child), one date column per stage (NaT when
        the route skips it), ``days_to_recommendation``, ``days_recommendation_to_panel``,
        ``deferred``, ``reversed``.
    events : pandas.DataFrame
        The same journeys as canonical long events: ``authority, child_id, stage, date,
        occurrence, route, outcome``.
    change : str or None
        The change idea simulated.
    change_date : pandas.Timestamp
        Children looked after on or after this date got the change.
    """

    children: pd.DataFrame
    events: pd.DataFrame
    change: str | None
    change_date: pd.Timestamp


def _path_stages(catalogue: Catalogue) -> list[str]:
    codes = [s.code for s in catalogue.stages if s.code == _START or s.code in GAPS]
    if _START not in codes or _RECOMMENDED not in codes:
        raise OptionsError(
            f"catalogue '{catalogue.name}' must contain the stages '{_START}' and '{_RECOMMENDED}'"
        )
    return codes


@dataclass(frozen=True)
class _Draws:
    """Every random number of a simulation, drawn before any change is applied."""

    entry: np.ndarray  # day (from start) each child becomes looked after, sorted
    route: np.ndarray
    z: np.ndarray  # standard normals, child x stage, for the log-normal gaps
    u_defer: np.ndarray
    u_reverse: np.ndarray
    panel_phase: int  # day of the first panel meeting

    @classmethod
    def from_rng(cls, rng: np.random.Generator, n: int, days: int, n_stages: int) -> _Draws:
        shares = np.array(list(ROUTE_SHARES.values()))
        return cls(
            entry=np.sort(rng.integers(0, days, size=n)),
            route=rng.choice(list(ROUTE_SHARES), size=n, p=shares),
            z=rng.standard_normal((n, n_stages)),
            u_defer=rng.random(n),
            u_reverse=rng.random(n),
            panel_phase=int(rng.integers(0, PANEL_INTERVAL_DAYS)),
        )


def _walk_stages(
    stages: list[str],
    routes_of: dict[str, set[str]],
    draws: _Draws,
    treated: np.ndarray,
    spec: dict[str, Any],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Day each child reaches each stage (NaN off the child's route), and panel deferrals."""
    scale: dict[str, float] = dict(spec.get("scale", {}))
    day = draws.entry.astype(float)
    dates: dict[str, np.ndarray] = {_START: day.copy()}
    deferred = np.zeros(len(day), dtype=bool)
    for j, code in enumerate(stages[1:], start=1):
        on_path = np.isin(draws.route, sorted(routes_of[code]))
        median, sd = GAPS[code]
        factor = np.where(treated, scale.get(code, 1.0), 1.0)
        reached = day + np.maximum(1.0, np.round(median * factor * np.exp(sd * draws.z[:, j])))
        if code == _PANEL:
            # the report is ready at `reached`; the child goes to the next panel date
            interval = np.where(treated, spec.get("panel_interval", PANEL_INTERVAL_DAYS),
                                PANEL_INTERVAL_DAYS).astype(float)  # fmt: skip
            rate = np.where(treated, spec.get("deferral_rate", DEFERRAL_RATE), DEFERRAL_RATE)
            phase = draws.panel_phase
            first = phase + np.ceil((reached - phase) / interval) * interval
            deferred = on_path & (draws.u_defer < rate)
            reached = first + np.where(deferred, interval, 0.0)
        dates[code] = np.where(on_path, reached, np.nan)
        day = np.where(on_path, reached, day)
    return dates, deferred


def _days_after(t0: pd.Timestamp, days: np.ndarray) -> pd.DatetimeIndex:
    """Return ``t0`` plus ``days`` (NaT where ``days`` is NaN: off the child's route).

    NaN days are converted as 0 and then masked: ``pd.to_timedelta`` on a float array with NaN
    computes on uninitialised values at those positions and can raise an overflow warning.
    """
    missing = np.isnan(days)
    dates = t0 + pd.to_timedelta(np.where(missing, 0.0, days), unit="D")
    return dates.where(~missing)


class SimulationOptions(TypedDict, total=False):
    """Keyword arguments of :func:`simulate_journeys` that the comparisons pass through."""

    start: str
    days: int
    change_date: str | None
    authority: str
    catalogue: Catalogue | None


def simulate_journeys(
    n_children: int = 120,
    change: str | None = None,
    *,
    start: str = "2024-04-01",
    days: int = 730,
    change_date: str | None = None,
    authority: str = "Teaching Authority",
    catalogue: Catalogue | None = None,
    seed: int | np.random.Generator | None = None,
) -> JourneyResult:
    """Simulate children's journeys to permanence, with an optional change idea.

    Parameters
    ----------
    n_children : int
        Children becoming looked after during the period, at least 2.
    change : str, optional
        One of :data:`CHANGE_IDEAS`, applied to children looked after on or after
        ``change_date``; None simulates the unchanged system.
    start : str
        ISO date the period starts.
    days : int
        Length of the period in which children become looked after.
    change_date : str, optional
        ISO date the change starts; defaults to the middle of the period.
    authority : str
        Authority name written into ``events``.
    catalogue : Catalogue, optional
        Stage catalogue; defaults to :func:`paceqi.load_catalogue` (Scotland).
    seed : int or numpy.random.Generator, optional
        Seed; the same seed gives the same children with or without a change.

    Returns
    -------
    JourneyResult

    Raises
    ------
    OptionsError
        For an unknown change idea or out-of-range argument.

    Examples
    --------
    >>> res = simulate_journeys(40, seed=1)
    >>> res.children["route"].isin(["home", "po", "kco", "adoption"]).all()
    np.True_
    """
    n = check_int("n_children", n_children, minimum=2)
    days = check_int("days", days, minimum=1)
    if change is not None:
        check_choice("change idea", change, CHANGE_IDEAS)
    try:
        t0 = pd.Timestamp(start)
        cut = (
            t0 + pd.Timedelta(days=days // 2) if change_date is None else pd.Timestamp(change_date)
        )
    except ValueError:
        raise OptionsError("start and change_date must be ISO dates (YYYY-MM-DD)") from None
    cat = load_catalogue() if catalogue is None else catalogue
    stages = _path_stages(cat)
    draws = _Draws.from_rng(rng_from(seed), n, days, len(stages))
    looked_after = t0 + pd.to_timedelta(draws.entry, unit="D")
    after = np.asarray(looked_after >= cut)
    treated = after if change is not None else np.zeros(n, dtype=bool)
    routes_of = {s.code: set(s.routes) for s in cat.stages}
    dates, deferred = _walk_stages(
        stages, routes_of, draws, treated, CHANGE_IDEAS.get(change or "", {})
    )
    to_rec = dates[_RECOMMENDED] - dates[_START]
    p_reverse = REVERSAL_BASE + REVERSAL_RUSH * np.clip((RUSH_DAYS - to_rec) / RUSH_DAYS, 0, 1)
    rec_to_panel = dates.get(_PANEL, np.full(n, np.nan)) - dates[_RECOMMENDED]
    children = pd.DataFrame(
        {
            "child_id": [f"T{i:04d}" for i in range(1, n + 1)],
            "route": draws.route,
            "period": np.where(after, "after", "before"),
            "changed": treated,
            **{code: _days_after(t0, dates[code]) for code in stages},
            "days_to_recommendation": to_rec.astype(int),
            "days_recommendation_to_panel": pd.array(
                np.where(np.isnan(rec_to_panel), pd.NA, rec_to_panel), dtype="Int64"
            ),
            "deferred": deferred,
            "reversed": draws.u_reverse < p_reverse,
        }
    )
    return JourneyResult(
        children=children,
        events=_events(children, stages, authority),
        change=change,
        change_date=cut,
    )


def _events(children: pd.DataFrame, stages: list[str], authority: str) -> pd.DataFrame:
    long = children.melt(
        id_vars=["child_id", "route"], value_vars=stages, var_name="stage", value_name="date"
    ).dropna(subset=["date"])
    order = {code: i for i, code in enumerate(stages)}
    long = long.assign(_o=long["stage"].map(order)).sort_values(["child_id", "_o"])
    return pd.DataFrame(
        {
            "authority": authority,
            "child_id": long["child_id"].to_numpy(),
            "stage": long["stage"].to_numpy(),
            "date": long["date"].dt.normalize().to_numpy(),
            "occurrence": 1,
            "route": long["route"].to_numpy(),
            "outcome": None,
        }
    ).reset_index(drop=True)


def _targets(catalogue: Catalogue | None) -> tuple[int, int]:
    cat = load_catalogue() if catalogue is None else catalogue
    rec = cat[_RECOMMENDED].target_days or 182
    panel = (cat[_PANEL].target_days or 84) if _PANEL in cat else 84
    return int(rec), int(panel)


def journey_summary(children: pd.DataFrame, *, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Outcome, process and balancing measures per period (before / after the change).

    Parameters
    ----------
    children : pandas.DataFrame
        ``JourneyResult.children``. Not modified.
    catalogue : Catalogue, optional
        Where the targets come from (``permanence_recommended`` 182 days: PACE aim 2;
        ``panel`` 84 days: common local PACE aim).

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period, children, median_days_to_recommendation,
        pct_recommended_in_target, median_days_recommendation_to_panel, pct_panel_in_target,
        pct_reversed, pct_deferred``.

    Examples
    --------
    >>> s = journey_summary(simulate_journeys(60, seed=2).children)
    >>> s["period"].tolist()
    ['before', 'after']
    """
    rec_target, panel_target = _targets(catalogue)
    rows = []
    for period in ("before", "after"):
        g = children.loc[children["period"] == period]
        if g.empty:
            continue
        to_panel = g["days_recommendation_to_panel"].dropna().astype(float)
        panel_children = g["days_recommendation_to_panel"].notna()
        rows.append(
            {
                "period": period,
                "children": len(g),
                "median_days_to_recommendation": float(g["days_to_recommendation"].median()),
                "pct_recommended_in_target": 100.0
                * float((g["days_to_recommendation"] <= rec_target).mean()),
                "median_days_recommendation_to_panel": float(to_panel.median())
                if len(to_panel)
                else float("nan"),
                "pct_panel_in_target": 100.0 * float((to_panel <= panel_target).mean())
                if len(to_panel)
                else float("nan"),
                "pct_reversed": 100.0 * float(g["reversed"].mean()),
                "pct_deferred": 100.0 * float(g.loc[panel_children, "deferred"].mean())
                if panel_children.any()
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


#: Row labels of :func:`with_and_without`.
WITHOUT, WITH = "without the change", "with the change"


def with_and_without(
    n_children: int = 120,
    change: str | None = None,
    *,
    seed: int | None = None,
    **kwargs: Unpack[SimulationOptions],
) -> pd.DataFrame:
    """Measure the same children without and with a change idea.

    Only the children looked after on or after the change date are compared, and they are
    the same children with the same random delays in both rows (common random numbers), so
    any difference is caused by the change idea. With ``change=None`` the two rows are equal.
    This is the fair comparison for the balancing measures: comparing the children before the
    change date with those after it mixes the effect of the change with chance.

    Parameters
    ----------
    n_children : int
        Children simulated (as :func:`simulate_journeys`).
    change : str, optional
        One of :data:`CHANGE_IDEAS`, or None.
    seed : int, optional
        Seed shared by both simulations.
    **kwargs
        Passed to :func:`simulate_journeys` (``start``, ``days``, ...).

    Returns
    -------
    pandas.DataFrame
        Two rows, ``scenario`` ``"without the change"`` then ``"with the change"``, and the
        columns of :func:`journey_summary` (``period`` dropped).

    Examples
    --------
    >>> t = with_and_without(80, "more_panel_dates", seed=1).set_index("scenario")
    >>> t["pct_deferred"].is_monotonic_increasing  # more panel dates: more deferrals
    True
    """
    rows = []
    for label, name in ((WITHOUT, None), (WITH, change)):
        res = simulate_journeys(n_children, name, seed=seed, **kwargs)
        after = journey_summary(res.children).query("period == 'after'")
        rows.append(after.assign(scenario=label))
    out = pd.concat(rows, ignore_index=True).drop(columns="period")
    return out[["scenario", *[c for c in out.columns if c != "scenario"]]]


def compare_change_ideas(
    changes: list[str] | None = None,
    n_children: int = 400,
    *,
    seed: int | None = None,
    **kwargs: Unpack[SimulationOptions],
) -> pd.DataFrame:
    """Compare the after-period measures with no change and with each change idea.

    Parameters
    ----------
    changes : list of str, optional
        Change ideas to compare (default: all of :data:`CHANGE_IDEAS`).
    n_children : int
        Children per simulation (the same children each time).
    seed : int, optional
        Seed shared by every simulation.
    **kwargs
        Passed to :func:`simulate_journeys` (``start``, ``days``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``change`` (``"no change"`` first) and the columns of
        :func:`journey_summary` for the children looked after after the change date.

    Examples
    --------
    >>> compare_change_ideas(n_children=60, seed=1)["change"].tolist()[0]
    'no change'
    """
    names = list(CHANGE_IDEAS) if changes is None else list(changes)
    rows = []
    for name in [None, *names]:
        res = simulate_journeys(n_children, name, seed=seed, **kwargs)
        after = journey_summary(res.children).query("period == 'after'")
        rows.append(after.assign(change=name or "no change"))
    out = pd.concat(rows, ignore_index=True).drop(columns="period")
    return out[["change", *[c for c in out.columns if c != "change"]]]
