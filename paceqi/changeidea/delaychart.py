"""The "where is the delay" chart: Kaplan–Meier median days per segment against its target.

Written straight to SVG (:mod:`paceqi.charts.svgwriter`), like the SPC, journeys and ramp
charts: one row per segment, its name on its own line(s) over a bar that runs the width of the
chart, so the long names ("Child becomes looked after → Permanence recommendation") need no
room beside the bars and the text stays legible on a phone (12 viewBox units, at least 11 CSS
px in a 358 px column: :data:`paceqi.charts.spcsvg.WIDTH`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.charts import theme
from paceqi.charts.scales import LinearScale, nice_ticks
from paceqi.charts.spcsvg import FONT, LINE, PAD, SMALL, WIDTH, SVGChart
from paceqi.charts.svgparts import footer, title_block, x_axis
from paceqi.charts.svgwriter import SVG, esc, num, text_width, wrap
from paceqi.errors import OptionsError

__all__ = ["delay_chart", "DELAY_COLUMNS"]

#: Columns of :func:`paceqi.changeidea.segments.where_is_the_delay` the chart reads.
DELAY_COLUMNS = ("segment", "km_median", "km_lower", "km_upper", "target_days", "over_target")
#: Height of a bar, of a target tick and of a whisker's caps (viewBox units).
BAR = 14.0
TICK = 22.0
CAP = 8.0
#: Space between one segment's bar and the next segment's name.
GAP = 10.0
NOT_REACHED = "not reached"


def _check(delay: object) -> pd.DataFrame:
    if not isinstance(delay, pd.DataFrame):
        raise OptionsError(f"delay: expected a DataFrame, got {type(delay).__name__}")
    missing = [c for c in DELAY_COLUMNS if c not in delay.columns]
    if missing:
        raise OptionsError(
            f"delay is missing column(s) {', '.join(missing)}; expected the table of "
            "paceqi.changeidea.segments.where_is_the_delay"
        )
    return delay.reset_index(drop=True)


def _numbers(rows: pd.DataFrame, col: str) -> np.ndarray:
    values = pd.to_numeric(rows[col], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _days(v: float) -> str:
    return f"{v:,.0f}"


def delay_chart(delay: pd.DataFrame, *, title: str = "Where is the delay?") -> SVGChart:
    """Horizontal bars of each segment's Kaplan–Meier median, with its interval and target.

    Parameters
    ----------
    delay : pandas.DataFrame
        From :func:`paceqi.changeidea.segments.where_is_the_delay` (its order is kept, top
        to bottom): ``segment``, ``km_median``, ``km_lower``, ``km_upper``, ``target_days``,
        ``over_target``.
    title : str
        Chart title.

    Returns
    -------
    paceqi.charts.spcsvg.SVGChart
        ``.to_svg()`` (also :func:`paceqi.charts.to_svg`); displays in Jupyter. Segments past
        their target are drawn in the theme's concern colour, the others in grey, each
        labelled with its median in days; the 95% interval is a whisker, the target a black
        tick. A median not reached (more than half still waiting) is drawn to the end of the
        axis with an arrow-shaped end and the words "not reached". Every bar carries a
        ``<title>`` (its median, interval and target), shown on hover.

    Examples
    --------
    >>> d = pd.DataFrame({"segment": ["Panel → Decision"], "km_median": [19.0],
    ...     "km_lower": [15.0], "km_upper": [24.0], "target_days": [14], "over_target": [5.0]})
    >>> chart = delay_chart(d)
    >>> chart.description()
    'Panel → Decision: median 19 days (target 14 days)'
    """
    rows = _check(delay)
    med = _numbers(rows, "km_median")
    lo = _numbers(rows, "km_lower")
    hi = _numbers(rows, "km_upper")
    target = _numbers(rows, "target_days")
    reached = np.isfinite(med)
    over = reached & (_numbers(rows, "over_target") > 0)
    names = [str(s) for s in rows["segment"]]
    svg = _draw(names, med, lo, hi, target, reached, over, title)

    def desc() -> str:
        parts = []
        for s, m, t, ok in zip(names, med, target, reached, strict=True):
            text = f"{s}: median {_days(m)} days" if ok else f"{s}: median not reached"
            parts.append(text + (f" (target {_days(t)} days)" if np.isfinite(t) else ""))
        return "; ".join(parts)

    return SVGChart(svg_body=svg, title=title, desc=desc)


def _draw(
    names: list[str],
    med: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    target: np.ndarray,
    reached: np.ndarray,
    over: np.ndarray,
    title: str | None,
) -> SVG:
    """Lay out the rows (name over bar), the axis and the legend; see :func:`delay_chart`."""
    svg = SVG(WIDTH, 0)
    top = title_block(svg, title, PAD) + (6 if title else 0)

    # -- x scale: every median, interval end and target, from 0 ---------------------------
    ok = reached & np.isfinite(lo) & np.isfinite(hi)
    known = np.concatenate([med[reached], hi[ok], target[np.isfinite(target)]])
    ticks = nice_ticks(0.0, float(known.max()) if len(known) else 1.0, most=5)
    labels = [_days(v) for v in med[reached]]
    room = max([text_width(t, SMALL) for t in labels] + [0.0]) + 6
    left, right = PAD + 4, WIDTH - PAD - room
    sx = LinearScale(0.0, ticks[-1], left, right)

    css = {
        "over": svg.css("o", f"fill:{theme.ORANGE}"),
        "within": svg.css("w", f"fill:{theme.GREY}"),
        "whisker": svg.css("e", f"fill:none;stroke:{theme.INK};stroke-width:1.2"),
        "target": svg.css("t", f"fill:none;stroke:{theme.INK};stroke-width:3"),
        "inside": svg.css("i", f"fill:{theme.BACKGROUND}"),
    }

    # -- rows: the name's lines, then the bar ---------------------------------------------
    layout = []
    y = top
    for name in names:
        lines = wrap(name, WIDTH - 2 * PAD, SMALL)
        layout.append((y, lines))
        y += len(lines) * LINE + 4 + BAR + GAP
    plot_top, plot_bottom = top, y - GAP + 6
    x_axis(
        svg,
        [(sx(t), _days(t)) for t in ticks],
        left=left,
        right=right,
        top=plot_top,
        bottom=plot_bottom,
    )
    for i, (row_top, lines) in enumerate(layout):
        for k, line in enumerate(lines):
            svg.text(PAD, row_top + SMALL + k * LINE, line)
        bar_y = row_top + len(lines) * LINE + 4
        mid = bar_y + BAR / 2
        cls = css["over"] if over[i] else css["within"]
        if reached[i]:
            end = sx(med[i])
            tip = f"{names[i]}: median {_days(med[i])} days"
            if ok[i]:
                tip += f" (95% interval {_days(lo[i])} to {_days(hi[i])})"
            shape = f'<rect x="{num(left)}" y="{num(bar_y)}" width="{num(max(end - left, 1.0))}"'
            shape += f' height="{num(BAR)}" class="{cls}">'
        else:  # runs off the axis: an arrow-shaped end
            end = right
            tip = f"{names[i]}: median not reached (more than half still waiting)"
            tip_x = right + min(room - 2, 8)
            pts = [
                (left, bar_y),
                (end, bar_y),
                (tip_x, mid),
                (end, bar_y + BAR),
                (left, bar_y + BAR),
            ]
            d = "M" + "L".join(f"{num(px)} {num(py)}" for px, py in pts) + "Z"
            shape = f'<path d="{d}" class="{cls}">'
        if np.isfinite(target[i]):
            tip += f"; target {_days(target[i])} days"
        tag = shape[1 : shape.index(" ")]
        svg.raw(f"{shape}<title>{esc(tip)}</title></{tag}>")
        if ok[i]:
            a, b = sx(lo[i]), sx(hi[i])
            svg.path([(a, mid), (b, mid)], css["whisker"])
            svg.path([(a, mid - CAP / 2), (a, mid + CAP / 2)], css["whisker"])
            svg.path([(b, mid - CAP / 2), (b, mid + CAP / 2)], css["whisker"])
        if np.isfinite(target[i]):
            tx = sx(target[i])
            svg.path([(tx, mid - TICK / 2), (tx, mid + TICK / 2)], css["target"])
        if reached[i]:
            at = max(
                end, sx(hi[i]) if ok[i] else end, sx(target[i]) if np.isfinite(target[i]) else end
            )
            svg.text(at + 4, mid + SMALL * 0.35, _days(med[i]))
        else:
            svg.text(right - 4, mid + SMALL * 0.35, NOT_REACHED, anchor="end", cls=css["inside"])

    # -- axis name, legend -----------------------------------------------------------------
    axis_y = plot_bottom + 6 + FONT + LINE
    svg.text((left + right) / 2, axis_y, "Median days (Kaplan–Meier)", anchor="middle")
    legend = []
    if over.any():
        legend.append(("rect", css["over"], "median past its target"))
    if (~over).any():
        legend.append(("rect", css["within"], "within target, or no target"))
    if ok.any():
        legend.append(("whisker", css["whisker"], "95% interval"))
    if np.isfinite(target).any():
        legend.append(("tick", css["target"], "target"))
    note = (
        "Not reached: more than half of the children still wait, so the median is longer "
        "than anyone has waited yet; the bar runs to the end of the axis."
    )
    footer(svg, legend, [note] if (~reached).any() else [], top=axis_y + 8 + LINE)
    return svg
