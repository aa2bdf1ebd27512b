"""The run / control chart of one SPCResult, with phases, signals, target and PDSA annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import blended_transform_factory

from paceqi.charts import _figure, theme
from paceqi.errors import OptionsError
from paceqi.spcread import (
    RUN_CHARTS,
    caveats,
    chart_type,
    check_result,
    column,
    flag,
    is_finite,
    option,
    phase_name,
    rules_name,
    shows_percent,
    x_values,
)

if TYPE_CHECKING:
    from paceqi.charts.spcsvg import SPCChart

__all__ = ["spc_chart", "spc_figure", "check_annotations", "centre_line_name"]

#: How rule sets are named in captions.
RULE_NAMES = {
    "ihi": "IHI rules",
    "anhoej": "Anhøj rules",
    "mdc": "Making Data Count rules",
}
ANNOTATION_COLUMNS = ("date", "label", "kind")
#: Above this many points common-cause markers are left out (the line shows them), which keeps
#: the SVG of a long series small; signal markers are always drawn.
MANY_POINTS = 200


def centre_line_name(res: Any) -> str:
    """Return what the centre line of a result is ("median" or "mean")."""
    return "median" if chart_type(res) in RUN_CHARTS | {"g"} else "mean"


def check_annotations(
    annotations: pd.DataFrame | None, argument: str = "annotations"
) -> pd.DataFrame:
    """Validate an annotations frame and return a copy with parsed dates.

    Parameters
    ----------
    annotations : pandas.DataFrame or None
        Columns ``date, label, kind`` (``pdsa_start | pdsa_end | system_change | data_issue``)
        and optionally ``cycle_no``: the shape the PDSA store provides.
    argument : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is not modified); empty when ``annotations`` is None.

    Raises
    ------
    OptionsError
        A column is missing, a kind is unknown or a date does not parse. The message names the
        row (0-based position) and column but never echoes the free-text label.

    Examples
    --------
    >>> check_annotations(None).empty
    True
    """
    if annotations is None:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "label": [], "kind": []})
    if not isinstance(annotations, pd.DataFrame):
        raise OptionsError(f"{argument}: expected a DataFrame, got {type(annotations).__name__}")
    missing = [c for c in ANNOTATION_COLUMNS if c not in annotations.columns]
    if missing:
        raise OptionsError(
            f"{argument} is missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(ANNOTATION_COLUMNS)} and optionally cycle_no"
        )
    out = annotations.reset_index(drop=True).copy()
    for i, kind in enumerate(out["kind"]):
        if kind not in theme.ANNOTATION_KINDS:
            raise OptionsError(
                f"{argument}: row {i}, column 'kind': unknown kind {str(kind)[:20]!r}; "
                f"expected one of {', '.join(theme.ANNOTATION_KINDS)}"
            )
    dates = pd.to_datetime(out["date"], errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise OptionsError(
            f"{argument}: column 'date' is empty or not a date in row(s) "
            f"{', '.join(map(str, bad[:10]))}"
        )
    out["date"] = dates
    return out


def spc_chart(
    res: Any,
    annotations: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    y_label: str | None = None,
    x_label: str | None = None,
    target: float | None = None,
    target_label: str | None = None,
    n: Any = None,
    min_n: int | None = None,
    incomplete: Any = None,
    unit: str = "",
    ax: Axes | None = None,
) -> SPCChart | Figure:
    """Draw the run or control chart of an SPC analysis, straight to SVG.

    The chart reads only the result: ``res.points`` (``x, y, n, phase, baseline, excluded, cl,
    lcl, ucl, lcl_2s, ucl_2s, point_type, signal_reason``), ``res.summary`` (caveats) and
    ``res.options`` (``chart``, ``rules``, ``target``, ``multiply``). It computes nothing.

    Parameters
    ----------
    res : SPCResult
        The analysis returned by :func:`paceqi.spc`.
    annotations : pandas.DataFrame, optional
        ``date, label, kind`` and optionally ``cycle_no`` (from the PDSA store). Each PDSA
        cycle is a numbered flag at its start along the top of the plot (flags that would
        touch merge into one, "3–7"); the test period (first start to last end) is shaded;
        other kinds are lettered flags. Cycles and events are listed under the chart and in its
        description. Drawn only when ``x`` holds dates.
    title, y_label : str, optional
        Chart title and y-axis label (shown as typed).
    x_label : str, optional
        What the time axis orders the points by (e.g. "Date the child became looked after"),
        written as the first line of the caption.
    target : float, optional
        The aim or target, drawn as a labelled line (default ``res.options.target``).
    target_label : str, optional
        Its label (default "target").
    n : array-like, optional
        The number behind each point (default ``res.points.n``), shown on hover and in the
        data table.
    min_n : int, optional
        Points with fewer than ``min_n`` behind them are drawn hollow (with a caption), and
        their n is written "fewer than min_n".
    incomplete : array-like of bool, optional
        Points of incomplete cohorts (default the ``incomplete`` column of ``res.points`` if
        present): greyed and labelled "incomplete".
    unit : str, optional
        The unit of the values for the description (``"days"``); ``"%"`` shows values 0-1 as
        percentages on any chart (a run chart of proportions), as P charts always are.
    ax : matplotlib.axes.Axes, optional
        Draw with matplotlib into this axes instead (compact form, see :func:`spc_figure`);
        a ``Figure`` is then returned.

    Returns
    -------
    SPCChart
        ``.to_svg()`` (also :func:`paceqi.charts.to_svg`), ``.table_html()``, ``.flags``,
        ``.caption``; displays itself in Jupyter.

    Raises
    ------
    OptionsError
        ``res`` is not an SPC result, or ``annotations`` is malformed.

    Examples
    --------
    >>> import paceqi
    >>> res = paceqi.spc([3.0, 5, 4, 6, 5, 4, 6, 5, 4, 5])
    >>> chart = spc_chart(res, title="Days waited")
    >>> chart.to_svg().startswith("<svg") and "Days waited" in chart.to_svg()
    True
    """
    if ax is not None:
        return spc_figure(
            res, annotations, title=title, y_label=y_label, target_label=target_label, ax=ax
        )
    from paceqi.charts.spcsvg import draw_spc
    from paceqi.narrative import alt_text

    points, notes, unshown, measure = _prepare(res, annotations, title, y_label)
    extra = ([f"Time axis: {x_label}."] if x_label else []) + unshown
    return draw_spc(
        res,
        points,
        notes,
        title=title,
        y_label=y_label,
        target=target,
        target_label=target_label,
        n=None if n is None else np.asarray(n, dtype=float),
        min_n=min_n,
        incomplete=None if incomplete is None else np.asarray(incomplete, dtype=bool),
        rules_line=_rules_line(res),
        extra_caption=extra,
        desc=lambda: alt_text(res, measure, unit=unit),
        unit=unit,
    )


def spc_figure(
    res: Any,
    annotations: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    y_label: str | None = None,
    target_label: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the run or control chart of an SPC analysis with matplotlib (a ``Figure``).

    :func:`spc_chart` writes the same chart straight to SVG, far faster; this one is for
    drawing into an existing axes (small multiples) or when a ``Figure`` is wanted.

    The chart reads only the result: ``res.points`` (``x, y, phase, baseline, excluded, cl, lcl,
    ucl, lcl_2s, ucl_2s, point_type``), ``res.summary`` (phase labels, caveats) and
    ``res.options`` (``chart``, ``rules``, ``target``, ``multiply``). It computes nothing.

    Parameters
    ----------
    res : SPCResult
        The analysis returned by :func:`paceqi.spc` (any object with ``points``, ``summary``
        and ``options``).
    annotations : pandas.DataFrame, optional
        ``date, label, kind`` and optionally ``cycle_no`` (from the PDSA store). PDSA starts and
        ends are labelled "PDSA <cycle_no> start/end"; other kinds show their label.
        Annotations are drawn only when ``x`` holds dates.
    title, y_label : str, optional
        Chart title and y-axis label (shown as typed; ``$`` is not maths).
    target_label : str, optional
        Legend text of the target line (default "target").
    ax : matplotlib.axes.Axes, optional
        Draw into this axes in compact form (no legend, caption, 2-sigma lines or
        common-cause markers; caveats appear as a note in the corner).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not registered with pyplot; its alt text (used by :func:`to_svg`) comes from
        :func:`paceqi.narrative.alt_text`.

    Raises
    ------
    OptionsError
        ``res`` is not an SPC result, or ``annotations`` is malformed.

    Examples
    --------
    >>> import paceqi
    >>> res = paceqi.spc([3.0, 5, 4, 6])
    >>> fig = spc_figure(res, title="Days waited")
    >>> fig.axes[0].get_title(loc="left")
    'Days waited'
    """
    points, notes, unshown, measure = _prepare(res, annotations, title, y_label)
    with _figure.themed():
        fig = _figure.root_figure(ax) if ax is not None else _figure.new_figure()
        target_ax = ax if ax is not None else fig.add_subplot()
        _draw(target_ax, res, points, notes, target_label=target_label, compact=ax is not None)
        if title:
            multi = "phase" in points.columns and points["phase"].nunique() > 1
            target_ax.set_title(title, loc="left", parse_math=False, pad=16 if multi else 6)
        if y_label:
            target_ax.set_ylabel(y_label, parse_math=False)
        lines = [c.text for c in caveats(res)] + unshown
        if ax is None:
            _figure.legend_below(target_ax)
            _figure.add_caption(fig, lines + [_rules_line(res)])
        elif lines:
            _figure.plain_text(
                target_ax,
                0.01,
                0.99,
                "⚠ " + "; ".join(c.code.replace("_", " ") for c in caveats(res)),
                transform=target_ax.transAxes,
                va="top",
                ha="left",
                fontsize=theme.FONT_SIZE - 2,
                color=theme.INK,
                label="_caveat-note",
            )
    from paceqi.narrative import alt_text

    _figure.set_alt_text(fig, title or "SPC chart", alt_text(res, measure, unit=""))
    return fig


def _prepare(
    res: Any, annotations: pd.DataFrame | None, title: str | None, y_label: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], str]:
    """Return what both drawings start from.

    The checked points and annotations, the caption lines saying what is not shown, and the
    measure's name for the alt text ("Days to panel" -> "days to panel").
    """
    points = check_result(res).reset_index(drop=True)
    notes = check_annotations(annotations)
    unshown = []
    if len(notes) and not x_values(points)[1]:
        unshown.append("Annotations are not shown: the x axis does not hold dates.")
    if len(points) > MANY_POINTS:
        unshown.append(
            f"With more than {MANY_POINTS} points only signals are marked; the line joins "
            "every point."
        )
    measure = title or y_label or "the measure"
    if measure[:1].isupper() and measure[1:2].islower():
        measure = measure[0].lower() + measure[1:]
    return points, notes, unshown, measure


def _rules_line(res: Any) -> str:
    chart = chart_type(res)
    kind = "Run chart" if chart in RUN_CHARTS else f"{chart.upper()} chart"
    rules = RULE_NAMES.get(rules_name(res), rules_name(res))
    return f"{kind}; centre line: {centre_line_name(res)}; signals by {rules}."


def _phases(points: pd.DataFrame) -> list[tuple[Any, pd.DataFrame]]:
    if "phase" not in points.columns:
        return [(None, points)]
    order = list(dict.fromkeys(points["phase"]))
    return [(p, points[points["phase"] == p]) for p in order]


def _draw(
    ax: Axes,
    res: Any,
    points: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    target_label: str | None,
    compact: bool,
) -> None:
    x, is_date = x_values(points)
    points = points.assign(x=x)
    chart = chart_type(res)
    phases = _phases(points)
    labelled: set[str] = set()

    def once(name: str) -> str:
        if name in labelled:
            return "_" + name
        labelled.add(name)
        return name

    cl_name = f"centre line ({centre_line_name(res)})"
    for i, (phase, part) in enumerate(phases):
        _data_line(ax, part)
        _phase_lines(ax, part, cl_name, once, control=chart not in RUN_CHARTS, sigma2=not compact)
        if len(phases) > 1:
            _phase_label(ax, phase, part, phases[i - 1][1] if i else None, compact)
    _markers(ax, points, compact)
    _target(ax, res, target_label)
    if is_date:
        _figure.date_axis(ax)
        _annotations(ax, notes, compact)
    if shows_percent(res):
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="y", color=theme.PALE, linewidth=0.8)
    ax.set_axisbelow(True)


def _data_line(ax: Axes, part: pd.DataFrame) -> None:
    ax.plot(
        part["x"],
        part["y"],
        color=theme.LINE_COLOURS["data"],
        linewidth=1.0,
        label="_data",
        zorder=2,
    )


def _step(ax: Axes, x: pd.Series, y: pd.Series, **kwargs: Any) -> None:
    if not y.notna().any():
        return
    if y.notna().all() and y.nunique() == 1:  # a constant line needs two points, not 2n
        ax.plot(x.iloc[[0, -1]], y.iloc[[0, -1]], **kwargs)
    else:
        ax.plot(x, y, drawstyle="steps-mid", **kwargs)


def _phase_lines(
    ax: Axes, part: pd.DataFrame, cl_name: str, once: Any, control: bool, sigma2: bool = True
) -> None:
    baseline = flag(part, "baseline")
    cl = part["cl"]
    if baseline.any() and not baseline.all():
        # Frozen baseline: solid over the baseline points, dashed where it is extended.
        base, ext = part[baseline], part[~baseline]
        _step(
            ax,
            base["x"],
            base["cl"],
            color=theme.LINE_COLOURS["centre"],
            linewidth=1.4,
            label=once(cl_name),
            zorder=3,
        )
        joined = pd.concat([base.tail(1), ext])
        _step(
            ax,
            joined["x"],
            joined["cl"],
            color=theme.LINE_COLOURS["centre"],
            linewidth=1.4,
            linestyle="--",
            label=once("centre line extended from baseline"),
            zorder=3,
        )
    else:
        _step(
            ax,
            part["x"],
            cl,
            color=theme.LINE_COLOURS["centre"],
            linewidth=1.4,
            label=once(cl_name),
            zorder=3,
        )
    if not control:
        return
    for col in ("ucl", "lcl"):
        _step(
            ax,
            part["x"],
            column(part, col),
            color=theme.LINE_COLOURS["limit"],
            linewidth=1.2,
            linestyle="--",
            label=once("control limits"),
            zorder=3,
        )
    for col in ("ucl_2s", "lcl_2s") if sigma2 else ():
        _step(
            ax,
            part["x"],
            column(part, col),
            color=theme.LINE_COLOURS["sigma2"],
            linewidth=0.8,
            linestyle=":",
            label=once("2-sigma lines"),
            zorder=3,
        )


def _phase_label(
    ax: Axes, phase: Any, part: pd.DataFrame, previous: pd.DataFrame | None, compact: bool
) -> None:
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    first = part["x"].iloc[0]
    if previous is not None:
        last = previous["x"].iloc[-1]
        sep = last + (first - last) / 2
        ax.axvline(sep, color=theme.GREY, linewidth=0.8, linestyle="-", label="_phase break")
    if compact:
        return
    _figure.plain_text(
        ax,
        first,
        1.0,
        f" {phase_name(phase)}",
        transform=trans,
        ha="left",
        va="bottom",
        fontsize=theme.FONT_SIZE - 1,
        color=theme.INK,
        label="_phase-label",
    )


def _markers(ax: Axes, points: pd.DataFrame, compact: bool = False) -> None:
    excluded = flag(points, "excluded")
    kinds = points["point_type"].fillna("common_cause").astype(str)
    for kind in theme.POINT_TYPES:
        sel = (kinds == kind).to_numpy() & ~excluded & points["y"].notna().to_numpy()
        if not sel.any():
            continue
        signal = kind != "common_cause"
        if not signal and (compact or len(points) > MANY_POINTS):
            continue
        size = theme.SIGNAL_MARKER_SIZE if signal else theme.MARKER_SIZE
        ax.plot(
            points.loc[sel, "x"],
            points.loc[sel, "y"],
            linestyle="none",
            marker=theme.POINT_MARKERS[kind],
            markersize=size,
            color=theme.POINT_COLOURS[kind],
            markeredgecolor=theme.POINT_COLOURS[kind],
            label=theme.POINT_LABELS[kind],
            zorder=5 if signal else 4,
        )
    unknown = sorted(set(kinds) - set(theme.POINT_TYPES))
    if unknown:
        raise OptionsError(
            f"res.points: column 'point_type' has unknown value(s) {', '.join(unknown[:5])}; "
            f"expected one of {', '.join(theme.POINT_TYPES)}"
        )
    if excluded.any():
        ex = points[excluded]
        ax.plot(
            ex["x"],
            ex["y"],
            linestyle="none",
            marker="o",
            markersize=theme.SIGNAL_MARKER_SIZE,
            markerfacecolor="none",
            markeredgecolor=theme.INK,
            markeredgewidth=1.0,
            label="excluded from calculations",
            zorder=5,
        )


def _target(ax: Axes, res: Any, target_label: str | None) -> None:
    target = option(res, "target")
    if target is None or not is_finite(target):
        return
    ax.axhline(
        float(target),
        color=theme.LINE_COLOURS["target"],
        linewidth=1.2,
        linestyle=(0, (6, 3)),
        label=target_label or "target",
        zorder=3,
    )


def _annotation_text(row: pd.Series) -> str:
    kind = row["kind"]
    tag = theme.ANNOTATION_STYLES[kind][2]
    cycle = row.get("cycle_no")
    if kind in ("pdsa_start", "pdsa_end") and is_finite(cycle):
        return f"PDSA {int(cycle)} {tag}"
    label = row.get("label")
    label = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
    return _figure.shorten(label) if label.strip() else tag


def _annotations(ax: Axes, notes: pd.DataFrame, compact: bool) -> None:
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for _, row in notes.iterrows():
        style, width, _ = theme.ANNOTATION_STYLES[row["kind"]]
        ax.axvline(
            row["date"],
            color=theme.INK,
            linestyle=style,
            linewidth=width,
            alpha=0.8,
            label=f"_annotation {row['kind']}",
            zorder=1,
        )
        if not compact:
            _figure.plain_text(
                ax,
                row["date"],
                0.97,
                _annotation_text(row) + " ",
                transform=trans,
                rotation=90,
                ha="right",
                va="top",
                fontsize=theme.FONT_SIZE - 2,
                color=theme.INK,
                label="_annotation",
            )
