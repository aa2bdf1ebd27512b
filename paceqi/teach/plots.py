"""Charts of the teaching simulations (matplotlib figures, so notebooks export them as PNG).

Each function reads a simulation result and returns a :class:`matplotlib.figure.Figure`; it
computes nothing statistical itself. The SPC charts (:func:`rules_figure`,
:func:`red_beads_figure`) are drawn by the project's chart code,
:func:`paceqi.charts.spc_figure`, from the ``paceqi.spc`` result (centre line, limits, phases,
signals and the rule set in the caption); this module adds what only the exercise knows (the
true change point, the periods of the red bead experiment). The other charts are plain
matplotlib with the default colour cycle.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt  # pyplot lets Jupyter's inline backend display the figures
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from paceqi.charts import spc_figure
from paceqi.teach.funnel import RULE_LABELS

__all__ = [
    "process_figure",
    "rules_figure",
    "detection_figure",
    "red_beads_figure",
    "funnel_figure",
    "pdsa_figure",
    "journey_figure",
]


def _new(nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Figure, Any]:
    fig, axes = plt.subplots(nrows, ncols, layout="constrained", **kw)
    plt.close(fig)  # returned, not shown twice by the inline backend
    return fig, axes


def process_figure(data: pd.DataFrame, *, title: str = "Your process") -> Figure:
    """Line chart of a generated process, before any rule is applied (for the prediction).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``x, y``.
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new(figsize=(8, 3.2))
    ax.plot(data["x"], data["y"], marker="o", color="C0", lw=1)
    ax.set(title=title, xlabel="point", ylabel="value")
    return fig


def rules_figure(comparison: Any, *, true_change_x: int | None = None) -> Figure:
    """One panel per rule set: the series, its centre line and the points that signal.

    Parameters
    ----------
    comparison : RuleComparison
        Output of :func:`paceqi.teach.detection.compare_rule_sets`.
    true_change_x : int, optional
        Where the process really changed (drawn as a dashed line when revealed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    rules = list(comparison.summary["rules"])
    fig, axes = _new(len(rules), 1, figsize=(8, 2.8 * len(rules)), sharex=True, squeeze=False)
    for ax, r in zip(axes[:, 0], rules, strict=True):
        row = comparison.summary.set_index("rules").loc[r]
        verdict = "signal" if row["signal"] else "no signal"
        spc_figure(comparison.results[r], ax=ax, title=f"{r}: {verdict}")
        if true_change_x is not None:
            ax.axvline(true_change_x - 0.5, ls="--", color="C2", lw=1, label="true change")
    axes[-1, 0].set_xlabel("point")
    return fig


def detection_figure(rates: pd.DataFrame) -> Figure:
    """Signal rate against shift size, one line per rule set, one panel per baseline length.

    Parameters
    ----------
    rates : pandas.DataFrame
        Output of :func:`paceqi.teach.detection.detection_rates`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    baselines = sorted(rates["baseline"].unique())
    fig, axes = _new(
        1, len(baselines), figsize=(3.6 * len(baselines), 3.4), sharey=True, squeeze=False
    )
    for ax, b in zip(axes[0], baselines, strict=True):
        sub = rates[rates["baseline"] == b]
        for i, (r, g) in enumerate(sub.groupby("rules", sort=False)):
            g = g.sort_values("shift")
            ax.plot(g["shift"], 100 * g["signal_rate"], marker="o", color=f"C{i}", label=r)
        ax.set(title=f"baseline of {b} points", xlabel="true shift (standard deviations)")
        ax.set_ylim(0, 100)
    axes[0, 0].set_ylabel("% of charts with a signal\n(at shift 0: false alarms)")
    axes[0, 0].legend(title="rules", fontsize=8)
    return fig


def red_beads_figure(beads: pd.DataFrame, result: Any | None = None) -> Figure:
    """Proportion of red beads per worker-day, with the p chart limits when given.

    Parameters
    ----------
    beads : pandas.DataFrame
        The experiment (output of :mod:`paceqi.teach.red_beads`).
    result : SPCResult, optional
        ``paceqi.spc(chart="p")`` of :func:`~paceqi.teach.red_beads.p_chart_data`, drawn by
        :func:`paceqi.charts.spc_figure` (limits, phases, signals); without it the
        proportions alone.

    Returns
    -------
    matplotlib.figure.Figure
    """
    # a pyplot figure (drawn into by spc_figure): Jupyter's inline backend displays those
    fig, ax = _new(figsize=(9, 3.6))
    if result is None:
        x = np.arange(1, len(beads) + 1)
        ax.plot(x, beads["red"].to_numpy() / beads["paddle"].to_numpy(), marker="o", ms=4, lw=1)
        ax.set(title="Red beads per dip", ylabel="proportion red")
    else:
        title = "Red beads per dip: P chart (centre line, 3-sigma limits), signals marked"
        spc_figure(result, ax=ax, title=title, y_label="proportion red")
    ax.set_xlabel("dip (worker-day in working order)")
    periods = pd.unique(beads["period"])
    for period in periods[1:]:
        first = int(np.flatnonzero(beads["period"].to_numpy() == period)[0]) + 1
        ax.axvline(first - 0.5, ls="--", color="C2")
        ax.annotate(
            str(period),
            (first, 1.0),
            xycoords=("data", "axes fraction"),
            va="top",
            fontsize=8,
            color="C2",
        )
    return fig


def funnel_figure(drops: pd.DataFrame) -> Figure:
    """Where the marbles landed under each rule (same scale for every panel).

    Parameters
    ----------
    drops : pandas.DataFrame
        Output of :func:`paceqi.teach.funnel.drop_marbles`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rules = sorted(drops["rule"].unique())
    ncols = min(2, len(rules))
    nrows = int(np.ceil(len(rules) / ncols))
    fig, axes = _new(nrows, ncols, figsize=(4.2 * ncols, 4.0 * nrows), squeeze=False)
    lim = float(np.nanmax(np.abs(drops[["x", "y"]].to_numpy()))) * 1.05 or 1.0
    for ax, r in zip(axes.ravel(), rules, strict=False):
        g = drops[drops["rule"] == r]
        ax.scatter(g["x"], g["y"], s=8, alpha=0.7, color=f"C{int(r) - 1}")
        ax.scatter([0], [0], marker="+", s=120, color="k")
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal")
        ax.set_title(RULE_LABELS[int(r)].replace(": ", ":\n"), fontsize=9)
    for ax in axes.ravel()[len(rules) :]:
        ax.set_visible(False)
    return fig


def pdsa_figure(spins: pd.DataFrame, annotations: pd.DataFrame) -> Figure:
    """Run chart of every timed spin with a dashed line and label at each PDSA cycle.

    Parameters
    ----------
    spins : pandas.DataFrame
        ``CoinSpinGame.spins`` (``x, round, seconds``).
    annotations : pandas.DataFrame
        ``CoinSpinGame.annotations()`` (``x, label``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new(figsize=(9, 3.8))
    ax.plot(spins["x"], spins["seconds"], marker="o", ms=4, lw=1, color="C0")
    base = spins.loc[spins["round"] == 0, "seconds"]
    ax.axhline(float(base.median()), color="0.35", lw=1, label="baseline median")
    for i, row in enumerate(annotations.itertuples(index=False)):
        ax.axvline(row.x - 0.5, ls="--", color="C2", lw=1)
        ax.annotate(
            row.label,
            (row.x - 0.4, 0.98 - 0.07 * (i % 4)),
            xycoords=("data", "axes fraction"),
            va="top",
            fontsize=7,
            color="C2",
        )
    ax.set(xlabel="spin", ylabel="seconds spinning", title="Coin spin time, PDSA cycles marked")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def journey_figure(
    children: pd.DataFrame,
    change_date: Any,
    balancing: pd.DataFrame,
    *,
    target_days: int = 182,
) -> Figure:
    """Days to permanence recommendation per child, and the balancing measures.

    Parameters
    ----------
    children : pandas.DataFrame
        ``JourneyResult.children`` (with the change applied after ``change_date``).
    change_date : datetime-like
        When the change started (vertical line).
    balancing : pandas.DataFrame
        :func:`paceqi.teach.journey_sim.with_and_without`: the same children without and with
        the change (``scenario, pct_reversed, pct_deferred``). The bars compare these two
        rows, never the children before the change date with those after it.
    target_days : int
        The target drawn as a horizontal line (PACE aim 2: 182 days).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax, bx) = _new(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [3, 1.2]})
    ordered = children.sort_values("permanence_recommended")
    ax.plot(
        ordered["permanence_recommended"], ordered["days_to_recommendation"], lw=0.6, color="0.6"
    )
    for i, period in enumerate(("before", "after")):
        g = ordered[ordered["period"] == period]
        label = f"looked after {period} the change"
        ax.plot(
            g["permanence_recommended"],
            g["days_to_recommendation"],
            "o",
            ms=3,
            color=f"C{i + 4}",
            label=label,
        )
    ax.axhline(target_days, color="C1", lw=1, label=f"target {target_days} days")
    ax.axvline(pd.Timestamp(change_date), ls="--", color="C2", lw=1, label="change starts")
    ax.set(
        xlabel="date of permanence recommendation",
        ylabel="days looked after to recommendation",
        title="Outcome measure, one point per child",
    )
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
    rates = balancing.set_index("scenario")[["pct_reversed", "pct_deferred"]]
    width = 0.38
    pos = np.arange(2)
    for i, (scenario, row) in enumerate(rates.iterrows()):
        values = row.to_numpy(dtype=float)
        bars = bx.bar(pos + (i - 0.5) * width, values, width, label=scenario, color=f"C{i + 7}")
        bx.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=7, padding=1)
    bx.set_xticks(pos, ["% reversed", "% deferred\nat panel"])
    bx.set(
        title="Balancing measures,\nsame children (after the change date)",
        ylabel="% of children",
    )
    bx.title.set_fontsize(9)
    bx.legend(fontsize=7)
    return fig
