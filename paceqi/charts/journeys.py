"""Journeys swimlane: one lane per (pseudonymised) child, stages as markers, waits shown.

Written straight to SVG (:mod:`paceqi.charts.svgwriter`), like the SPC chart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paceqi.charts import theme
from paceqi.charts.scales import LinearScale
from paceqi.charts.spcsvg import (
    FONT,
    PAD,
    WIDTH,
    SVGChart,
    _x_ticks,
)
from paceqi.charts.svgparts import footer, title_block, x_axis
from paceqi.charts.svgwriter import SVG, marker, text_width
from paceqi.errors import OptionsError
from paceqi.privacy import count_text

__all__ = ["journeys_chart"]

JOURNEY_COLUMNS = ("child_id", "stage", "date")
#: Lanes shown at most; more children are summarised in the caption.
MAX_CHILDREN = 60
#: Height of one child's lane (viewBox units; the labels are 12 units high).
LANE = 14.0


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
) -> SVGChart:
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
    SVGChart
        ``.to_svg()`` (also :func:`paceqi.charts.to_svg`), ``.caption``; displays in Jupyter.

    Raises
    ------
    OptionsError
        Missing columns or unparseable dates (rows named by position, no personal data).

    Examples
    --------
    >>> import pandas as pd
    >>> j = pd.DataFrame({"child_id": ["A1", "A1", "B2"], "stage": ["looked_after", "panel",
    ...                   "looked_after"], "date": ["2017-01-05", "2017-09-01", "2017-03-01"]})
    >>> chart = journeys_chart(j, as_of="2018-01-01", end_stage="panel")
    >>> chart.caption
    ['fewer than 5 children; fewer than 5 children still waiting for panel at 01 January 2018.']
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
    n_all = len(first)
    n_wait = int(censored.reindex(first.index).fillna(False).astype(bool).sum())
    # counts as published (paceqi.privacy): "fewer than 5 children", never "3 still waiting"
    everyone, waiting = count_text(n_all), count_text(n_wait)
    lines = [f"{everyone}; {waiting} still waiting{waiting_for} at {as_of_ts:%d %B %Y}."]
    if n_all > len(shown):
        lines.append(f"Showing the {len(shown)} earliest-starting children of {n_all}.")
    stage_names = [
        str(labels.get(stage, str(stage).replace("_", " ").capitalize())) for stage in order
    ]
    svg = _draw(frame, shown, censored, order, stage_names, as_of_ts, title, lines)
    return SVGChart(
        svg_body=svg,
        title=title or "Children's journeys",
        desc=f"Swimlane chart of the journeys of {everyone} through {len(order)} stages; "
        f"{waiting} still waiting{waiting_for} at {as_of_ts:%B %Y}.",
        caption=lines,
    )


def _draw(
    frame: pd.DataFrame,
    shown: list[Any],
    censored: pd.Series,
    order: list[str],
    stage_names: list[str],
    as_of_ts: pd.Timestamp,
    title: str | None,
    caption: list[str],
) -> SVG:
    svg = SVG(WIDTH, 0)
    top = title_block(svg, title, PAD) + (8 if title else 0)
    ids = [str(c) for c in shown]
    left = PAD + max((text_width(t, FONT) for t in ids), default=0) + 8
    right = WIDTH - PAD - 8
    plot_top = top
    plot_bottom = top + LANE * max(len(shown), 1)
    sel = frame[frame["child_id"].isin(shown)]
    lo = sel["date"].min() if len(sel) else as_of_ts
    d0, d1 = float(lo.value), float(max(as_of_ts, sel["date"].max() if len(sel) else lo).value)
    span = max(d1 - d0, 1.0)
    sx = LinearScale(d0 - 0.02 * span, d1 + 0.02 * span, left, right)
    ticks = _x_ticks([sx.d0, sx.d1], True, sx, right)
    x_axis(svg, ticks, left=left, right=right, top=plot_top, bottom=plot_bottom)
    done = svg.css("j", f"fill:none;stroke:{theme.GREY};stroke-width:1.2")
    wait = svg.css("w", f"fill:none;stroke:{theme.GREY};stroke-width:1.2;stroke-dasharray:4 3")
    head = svg.css("wh", f"fill:{theme.GREY}")
    by_child = dict(list(sel.groupby("child_id", sort=False)))
    end_x = sx(as_of_ts.value)
    for lane, child in enumerate(shown):
        y = plot_top + LANE * (lane + 0.5)
        svg.text(left - 6, y + FONT * 0.35, str(child), anchor="end")
        rows = by_child[child]
        start, end = sx(rows["date"].min().value), sx(rows["date"].max().value)
        if censored.get(child, False):
            svg.line(start, y, end_x - 5, y, wait)
            svg.raw(marker(">", end_x - 3, y, 3.5, head))
        else:
            svg.line(start, y, end, y, done)
    lane_of = {c: k for k, c in enumerate(shown)}
    legend: list[tuple[str, str, str]] = []
    for i, stage in enumerate(order):
        rows = sel[sel["stage"] == stage]
        shape = theme.STAGE_MARKERS[i % len(theme.STAGE_MARKERS)]
        colour = theme.STAGE_COLOURS[i % len(theme.STAGE_COLOURS)]
        width = 2 if shape in ("X", "P") else 0.8
        cls = svg.css(f"st{i}", f"fill:{colour};stroke:{colour};stroke-width:{width}")
        legend.append((f"marker:{shape}", cls, stage_names[i]))
        if not len(rows):
            continue
        svg.open(cls)
        for d, child in zip(rows["date"], rows["child_id"], strict=True):
            y = plot_top + LANE * (lane_of[child] + 0.5)
            svg.raw(marker(shape, sx(d.value), y, 3.2))
        svg.close()
    legend.append(("line", wait, "still waiting (to the extract date)"))
    footer(svg, legend, caption, top=plot_bottom + 6 + FONT + 18)
    return svg
