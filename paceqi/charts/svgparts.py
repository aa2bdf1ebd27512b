"""Parts shared by the charts written straight to SVG beside the SPC chart.

The journeys, PDSA ramp and "where is the delay" charts share the title, a horizontal axis with
its grid, and the footer (legend, caption lines, the chart's height and its background).
"""

from __future__ import annotations

from paceqi.charts import theme
from paceqi.charts.spcsvg import FONT, LINE, PAD, SMALL, TITLE, _legend
from paceqi.charts.svgwriter import SVG, text_width, wrap

__all__ = ["title_block", "x_axis", "footer"]


def title_block(svg: SVG, title: str | None, top: float) -> float:
    """Write ``title`` (wrapped to the chart's width) from ``top``; return the y under it.

    Without a title nothing is written and ``top`` is returned.
    """
    lines = wrap(title, svg.width - 2 * PAD, TITLE) if title else []
    for i, line in enumerate(lines):
        svg.text(PAD, top + TITLE + i * (TITLE + 4), line, size=TITLE)
    return top + len(lines) * (TITLE + 4)


def x_axis(
    svg: SVG,
    ticks: list[tuple[float, str]],
    *,
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> None:
    """Draw a grid line per tick, the axis along ``bottom`` and the labelled tick marks.

    ``ticks`` are (position, label) pairs; the grid runs from ``top`` to ``bottom``, and a label
    at an edge of the chart is anchored inside it.
    """
    grid = svg.css("g", f"stroke:{theme.PALE};stroke-width:.8")
    axis = svg.css("a", f"stroke:{theme.GREY};stroke-width:1")
    svg.open(grid)
    for pos, _ in ticks:
        svg.line(pos, top, pos, bottom)
    svg.close()
    svg.line(left, bottom, right, bottom, axis)
    for k, (pos, label) in enumerate(ticks):
        svg.line(pos, bottom, pos, bottom + 4, axis)
        w = text_width(label, FONT)
        anchor = "middle"
        if pos + w / 2 > svg.width - 2:
            anchor = "end"
        elif k == 0 and pos < w / 2:
            anchor = "start"
        svg.text(pos, bottom + 6 + FONT, label, anchor=anchor)


def footer(svg: SVG, legend: list[tuple[str, str, str]], caption: list[str], top: float) -> None:
    """Write the legend (rows from ``top``) and the caption lines under it, wrapped.

    Then set the chart's height and put a background under everything.
    """
    y = _legend(svg, legend, left=PAD, right=svg.width - PAD, top=top)
    for line in caption:
        for part in wrap(line, svg.width - 2 * PAD, SMALL):
            y += LINE
            svg.text(PAD, y, part)
    svg.height = y + PAD
    svg.parts.insert(0, f'<rect width="100%" height="100%" fill="{theme.BACKGROUND}"/>')
