"""Case mix of a change idea's primary outcome: its routes before and since the test.

Waits differ several-fold by permanence route (home vs adoption), so a change in the route mix
can move a pooled median with no change in any route (METHODS.md §8 "Case mix"). This module
tests the mix (:func:`mix_check`), tabulates the outcome by route (:func:`by_route`) and tests
whether any route's own waits improved; :func:`paceqi.changeidea.answer.answer` uses all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MixCheck",
    "mix_check",
    "by_route",
    "child_frame",
    "within_routes_improved",
    "MIX_ALPHA",
    "MIX_MIN_SHARE_CHANGE",
    "ROUTE_ORDER",
    "ROUTE_WORDS",
]

#: Route-mix test: Pearson chi-square on route x period (baseline vs since the test) at this
#: level, AND at least one route's share changing by :data:`MIX_MIN_SHARE_CHANGE` or more
#: (METHODS.md §8 "Case mix"); the share threshold keeps a trivial change in a large authority
#: from being called material.
MIX_ALPHA = 0.05
MIX_MIN_SHARE_CHANGE = 0.10

#: Route codes in the order tables show them (schema Route values).
ROUTE_ORDER = ("home", "kco", "po", "adoption", "undecided")


#: Route codes in plain words.
ROUTE_WORDS = {
    "home": "children going home",
    "kco": "kinship care orders",
    "po": "permanence orders",
    "adoption": "adoption",
    "undecided": "undecided routes",
}


@dataclass(frozen=True)
class MixCheck:
    """Route mix of the primary outcome's children, baseline vs since the test.

    Attributes
    ----------
    material : bool
        True when the chi-square p-value is below :data:`MIX_ALPHA` and some route's share
        moved by at least :data:`MIX_MIN_SHARE_CHANGE`.
    p_value : float or None
        Pearson chi-square test of independence of route and period.
    largest_change : float
        Largest absolute change in one route's share (0-1).
    route : str or None
        The route whose share changed most.
    share_before, share_since : float or None
        That route's share in the baseline and since the test.
    mix_only : float or None
        The baseline median re-weighted to the test period's route mix (each baseline child
        weighted by its route's share since / share before): what the median would have been
        from the change of mix alone. Compared with the baseline median it says which way the
        mix pushed the pooled figure.
    baseline_median : float or None
        The same children's plain (unweighted) median.
    """

    material: bool
    p_value: float | None
    largest_change: float
    route: str | None = None
    share_before: float | None = None
    share_since: float | None = None
    mix_only: float | None = None
    baseline_median: float | None = None


def child_frame(m: Any) -> pd.DataFrame | None:
    """Return the measure's per-child frame with routes (None for a per-period measure)."""
    f = getattr(m, "frame", None)
    if f is None or "route" not in f or "y" not in f:
        return None
    day = "x_date" if "x_date" in f else None
    if day is None:
        return None
    out = f.assign(when=pd.to_datetime(f[day]))
    for column in ("incomplete", "censored"):  # the points the chart's median uses
        if column in out:
            out = out[~out[column].fillna(False).astype(bool)]
            break
    return out[out["route"].notna()]


def mix_check(frame: pd.DataFrame, cut: pd.Timestamp) -> MixCheck | None:
    """Test whether the route mix differs between the baseline and the test period.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per child with ``route``, ``when`` (the date that places the child on the
        chart) and ``y`` (the child's days).
    cut : Timestamp
        The first date of the test period (:func:`baseline_cut`).

    Returns
    -------
    MixCheck or None
        None when either period has no child or only one route occurs.

    Examples
    --------
    >>> f = pd.DataFrame({"route": ["home"] * 30 + ["po"] * 70 + ["home"] * 70 + ["po"] * 30,
    ...                   "when": [pd.Timestamp("2015-01-01")] * 100
    ...                   + [pd.Timestamp("2017-01-01")] * 100,
    ...                   "y": [20] * 30 + [200] * 70 + [20] * 70 + [200] * 30})
    >>> m = mix_check(f, pd.Timestamp("2016-01-01"))
    >>> m.material, m.route, round(m.share_before, 2), round(m.share_since, 2)
    (True, 'home', 0.3, 0.7)
    >>> m.baseline_median, m.mix_only  # the mix alone takes the median from 200 to 20 days
    (200.0, 20.0)
    """
    from scipy.stats import chi2_contingency

    period = np.where(frame["when"] < cut, "baseline", "since")
    table = pd.crosstab(frame["route"].astype(str), period)
    if table.shape != (table.shape[0], 2) or table.shape[0] < 2:
        return None
    shares = table / table.sum(axis=0)
    signed = shares["since"] - shares["baseline"]
    change = signed.abs()
    # the route whose share changed most; of two equal changes, the one that grew
    route = str(signed[change >= change.max() - 1e-12].idxmax())
    try:
        p = float(chi2_contingency(table.to_numpy(), correction=False)[1])
    except ValueError:
        p = None
    largest = float(change.max())
    material = p is not None and p < MIX_ALPHA and largest >= MIX_MIN_SHARE_CHANGE
    before = frame[frame["when"] < cut]
    weight = (shares["since"] / shares["baseline"]).reindex(before["route"].astype(str))
    values = before["y"].to_numpy(dtype=float)
    mix_only = _weighted_median(values, weight.to_numpy(dtype=float))
    plain = _weighted_median(values, np.ones(len(values)))
    return MixCheck(
        material,
        p,
        largest,
        route,
        float(shares.loc[route, "baseline"]),
        float(shares.loc[route, "since"]),
        mix_only,
        plain,
    )


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float | None:
    """Return the weighted median (the value where the cumulative weight reaches half)."""
    ok = ~np.isnan(values) & ~np.isnan(weights) & (weights > 0)
    if not ok.any():
        return None
    order = np.argsort(values[ok], kind="stable")
    v, w = values[ok][order], weights[ok][order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2)])


def by_route(frame: pd.DataFrame, cut: pd.Timestamp, min_cell: int = 5) -> pd.DataFrame:
    """Median of the primary outcome by route, baseline vs since the test.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per finished child with ``route``, ``when`` and ``y`` (days).
    cut : Timestamp
        The first date of the test period.
    min_cell : int
        Groups with 1 to ``min_cell - 1`` children show no median and a suppressed count.

    Returns
    -------
    pandas.DataFrame
        Columns ``route``, ``n_baseline``, ``median_baseline``, ``n_since``, ``median_since``;
        one row per route, then ``all routes``.
    """
    rows = []
    groups = [(r, frame[frame["route"].astype(str) == r]) for r in _route_order(frame)]
    groups.append(("all routes", frame))
    for route, part in groups:
        before = part.loc[part["when"] < cut, "y"].astype(float)
        since = part.loc[part["when"] >= cut, "y"].astype(float)
        rows.append(
            {
                "route": route,
                "n_baseline": len(before),
                "median_baseline": float(before.median()) if len(before) >= min_cell else None,
                "n_since": len(since),
                "median_since": float(since.median()) if len(since) >= min_cell else None,
            }
        )
    return pd.DataFrame(rows)


def _route_order(frame: pd.DataFrame) -> list[str]:
    present = set(frame["route"].astype(str))
    return [r for r in ROUTE_ORDER if r in present] + sorted(present - set(ROUTE_ORDER))


def within_routes_improved(
    frame: pd.DataFrame, cut: pd.Timestamp, good: int, min_cell: int = 5
) -> bool:
    """Whether some route's own waits moved the better way, beyond chance.

    For each route with at least ``min_cell`` children in both periods: one-sided Mann-Whitney
    test of the children since the test against those before, at :data:`MIX_ALPHA` divided by
    the number of routes tested (Bonferroni).
    """
    from scipy.stats import mannwhitneyu

    tests = []
    for route in _route_order(frame):
        part = frame[frame["route"].astype(str) == route]
        before = part.loc[part["when"] < cut, "y"].astype(float).dropna()
        since = part.loc[part["when"] >= cut, "y"].astype(float).dropna()
        if len(before) >= min_cell and len(since) >= min_cell:
            alternative = "greater" if good > 0 else "less"
            tests.append(float(mannwhitneyu(since, before, alternative=alternative).pvalue))
    return bool(tests) and min(tests) < MIX_ALPHA / len(tests)
