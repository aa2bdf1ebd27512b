"""Journeys swimlane: one lane per (pseudonymised) child, stages as markers, waits shown."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from paceqi.charts import _figure, theme
from paceqi.errors import OptionsError

__all__ = ["journeys_chart"]

JOURNEY_COLUMNS = ("child_id", "stage", "date")
#: Lanes shown at most; more children are summarised in the caption.
MAX_CHILDREN = 60
LANE_HEIGHT = 0.2  # inches per child


#: Column names of ``paceqi.journeys()`` (the measures module) accepted for this chart's own.
_ALIASES = {"date": "start_date", "order": "stage_order", "censored": "open"}


def _check(journeys: Any) -> pd.DataFrame:
    if not isinstance(journeys, pd.DataFrame):
        raise OptionsError(f"journeys: expected a DataFrame, got {type(journeys).__name__}")
    renames = {
        alias: own
        for own, alias in _ALIASES.items()
        if own not in journeys.columns and alias in journeys.columns
    }
    journeys = journeys.rename(columns=renames)
    missing = [c for c in JOURNEY_COLUMNS if c not in journeys.columns]
    if missing:
        raise OptionsError(
            f"journeys is missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(JOURNEY_COLUMNS)} and optionally stage_label, order, censored"
        )
    frame = journeys.reset_index(drop=True).copy()
    dates = pd.to_datetime(frame["date"], errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise OptionsError(
            "journeys: column 'date' is empty or not a date in row(s) "
            + ", ".join(map(str, bad[:10]))
        )
    frame["date"] = dates
    return frame


def _stage_order(frame: pd.DataFrame, stages: list[str] | None) -> list[str]:
    if stages is not None:
        return [s for s in stages if s in set(frame["stage"])] + sorted(
            set(frame["stage"]) - set(stages), key=str
        )
    if "order" in frame.columns:
        return list(frame.sort_values("order").drop_duplicates("stage")["stage"])
    return list(frame.groupby("stage")["date"].median().sort_values().index)


def journeys_chart(
    journeys: pd.DataFrame,
    *,
    as_of: Any = None,
    end_stage: str | None = None,
    stages: list[str] | None = None,
    title: str | None = None,
    max_children: int = MAX_CHILDREN,
) -> Figure:
    """Draw each child's journey as a swimlane.

    Parameters
    ----------
    journeys : pandas.DataFrame
        Long frame, one row per stage a child reached: ``child_id`` (pseudonymised), ``stage``,
        ``date``; optional ``stage_label`` (legend text), ``order`` (stage order) and
        ``censored`` (True on any row of a child still waiting). The frame of
        ``paceqi.journeys()`` fits as it is (``start_date``, ``stage_order`` and ``open`` are
        read as ``date``, ``order`` and ``censored``; its latest ``end_date`` is the as-of date).
    as_of : date-like, optional
        The extract date: a censored child's lane runs on to it, ending in an open arrow
        ("still waiting"). Default: the latest date in the frame.
    end_stage : str, optional
        Stage code that ends the journey shown; a child without it is still waiting (this
        overrides a ``censored`` column).
    stages : list of str, optional
        Stage order for the legend (default: ``order`` column, else median date).
    title : str, optional
        Chart title.
    max_children : int
        Lanes drawn at most (the earliest-starting children); the caption says how many more.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionsError
        Missing columns or unparseable dates (rows named by position, no personal data).

    Examples
    --------
    >>> import pandas as pd
    >>> j = pd.DataFrame({"child_id": ["A1", "A1", "B2"], "stage": ["looked_after", "panel",
    ...                   "looked_after"], "date": ["2017-01-05", "2017-09-01", "2017-03-01"]})
    >>> fig = journeys_chart(j, as_of="2018-01-01", end_stage="panel")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['A1', 'B2']
    """
    frame = _check(journeys)
    if as_of is not None:
        as_of_ts = pd.Timestamp(as_of)
    elif "end_date" in frame.columns and frame["end_date"].notna().any():
        as_of_ts = max(pd.to_datetime(frame["end_date"]).max(), frame["date"].max())
    else:
        as_of_ts = frame["date"].max()
    order = _stage_order(frame, stages)
    labels = (
        frame.drop_duplicates("stage").set_index("stage")["stage_label"]
        if "stage_label" in frame.columns
        else pd.Series(dtype=object)
    )
    waiting_for = ""
    if end_stage is not None:
        reached = set(frame.loc[frame["stage"] == end_stage, "child_id"])
        censored = pd.Series({c: c not in reached for c in frame["child_id"].unique()})
        waiting_for = " for " + str(labels.get(end_stage, end_stage.replace("_", " "))).lower()
    elif "censored" in frame.columns:
        censored = frame.groupby("child_id", sort=False)["censored"].agg(
            lambda s: bool(s.fillna(False).any())
        )
    else:
        censored = pd.Series(False, index=frame["child_id"].unique())
    first = frame.groupby("child_id", sort=False)["date"].min().sort_values(kind="stable")
    shown = list(first.index[:max_children])
    height = 1.6 + LANE_HEIGHT * len(shown)
    with _figure.themed():
        fig = _figure.new_figure(theme.FIG_WIDTH, height)
        ax = fig.add_subplot()
        for lane, child in enumerate(shown):
            rows = frame[frame["child_id"] == child]
            start, end = rows["date"].min(), rows["date"].max()
            if censored.get(child, False):
                ax.plot(
                    [start, as_of_ts],
                    [lane, lane],
                    color=theme.GREY,
                    linewidth=1.2,
                    linestyle="--",
                    label="_waiting",
                    zorder=1,
                )
                ax.annotate(
                    "",
                    xy=(as_of_ts, lane),
                    xytext=(max(end, as_of_ts - (as_of_ts - start) * 0.05), lane),
                    arrowprops={"arrowstyle": "-|>", "color": theme.GREY, "lw": 1.2},
                    label="_still waiting",
                )
            else:
                ax.plot(
                    [start, end],
                    [lane, lane],
                    color=theme.GREY,
                    linewidth=1.2,
                    label="_journey",
                    zorder=1,
                )
        for i, stage in enumerate(order):
            rows = frame[(frame["stage"] == stage) & frame["child_id"].isin(shown)]
            lanes = rows["child_id"].map({c: k for k, c in enumerate(shown)})
            ax.plot(
                rows["date"],
                lanes,
                linestyle="none",
                marker=theme.STAGE_MARKERS[i % len(theme.STAGE_MARKERS)],
                color=theme.STAGE_COLOURS[i % len(theme.STAGE_COLOURS)],
                markersize=5,
                label=str(labels.get(stage, str(stage).replace("_", " ").capitalize())),
                zorder=3,
            )
        ax.plot(
            [], [], color=theme.GREY, linestyle="--", label="still waiting (to the extract date)"
        )
        ax.set_yticks(range(len(shown)), [str(c) for c in shown])
        ax.set_ylim(len(shown) - 0.5, -0.5)
        ax.tick_params(axis="y", labelsize=theme.FONT_SIZE - 2)
        ax.grid(axis="x", color=theme.PALE, linewidth=0.8)
        ax.set_axisbelow(True)
        _figure.date_axis(ax)
        if title:
            ax.set_title(title, loc="left", parse_math=False)
        _figure.legend_below(ax)
        n_all, n_wait = (
            len(first),
            int(censored.reindex(first.index).fillna(False).astype(bool).sum()),
        )
        lines = [f"{n_all} children; {n_wait} still waiting{waiting_for} at {as_of_ts:%d %B %Y}."]
        if n_all > len(shown):
            lines.append(f"Showing the {len(shown)} earliest-starting children of {n_all}.")
        _figure.add_caption(fig, lines)
    _figure.set_alt_text(
        fig,
        title or "Children's journeys",
        f"Swimlane chart of {n_all} children's journeys through {len(order)} stages; "
        f"{n_wait} still waiting{waiting_for} at {as_of_ts:%B %Y}.",
    )
    return fig
