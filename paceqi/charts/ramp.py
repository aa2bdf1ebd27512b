"""PDSA ramp timeline: each cycle a bar from start to end, numbered, with its act decision.

Written straight to SVG (:mod:`paceqi.charts.svgwriter`), like the SPC chart.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paceqi.charts import theme
from paceqi.charts.scales import LinearScale
from paceqi.charts.spcsvg import FONT, PAD, WIDTH, SVGChart, _x_ticks
from paceqi.charts.svgparts import footer, title_block, x_axis
from paceqi.charts.svgwriter import _PREFIX, SVG
from paceqi.errors import OptionsError

__all__ = ["ramp_chart"]

#: Accepted column names (the PDSA store's first, then short forms), by role.
_ALIASES = {
    "cycle_no": ("cycle_no", "cycle"),
    "start": ("start_date", "start"),
    "end": ("end_date", "end"),
    "act": ("act", "act_decision", "decision"),
    "label": ("label", "title", "objective"),
}
#: Height of one cycle (a line of words over its bar) and of its bar, in viewBox units.
ROW = 34.0
BAR = 10.0
ACT_WORDS = {"adopt": "adopt", "adapt": "adapt", "abandon": "abandon", "pending": "no decision yet"}


def _column(frame: pd.DataFrame, role: str, required: bool) -> str | None:
    for name in _ALIASES[role]:
        if name in frame.columns:
            return name
    if required:
        raise OptionsError(
            f"cycles is missing a column for {role!r}: expected one of "
            f"{', '.join(_ALIASES[role])}; columns present: {', '.join(map(str, frame.columns))}"
        )
    return None


def _required(frame: pd.DataFrame, role: str) -> str:
    """Return the column for ``role``, which must be present (else an error naming it)."""
    name = _column(frame, role, required=True)
    assert name is not None  # _column raised otherwise
    return name


def _dates(frame: pd.DataFrame, col: str, allow_missing: bool) -> pd.Series:
    dates = pd.to_datetime(frame[col], errors="coerce")
    bad = dates.isna() & frame[col].notna() if allow_missing else dates.isna()
    rows = np.flatnonzero(bad.to_numpy())
    if len(rows):
        raise OptionsError(
            f"cycles: column {col!r} is {'not a date' if allow_missing else 'empty or not a date'} "
            f"in row(s) {', '.join(map(str, rows[:10]))}"
        )
    return dates


def _predictions(row: pd.Series) -> str:
    """Return "· 1 of 2 predictions met" from the store's n_met and n_predictions columns."""
    n, met = row.get("n_predictions"), row.get("n_met")
    try:
        n, met = int(n), int(met)
    except (TypeError, ValueError):
        return ""
    return f" · {met} of {n} prediction{'s' if n != 1 else ''} met" if n else " · no prediction"


def ramp_chart(
    cycles: pd.DataFrame,
    *,
    as_of: Any = None,
    title: str | None = None,
    show_labels: bool = False,
) -> SVGChart:
    """Draw a PDSA ramp: cycles as bars in time, numbered, coloured and hatched by act decision.

    Parameters
    ----------
    cycles : pandas.DataFrame
        One row per cycle: ``cycle_no``, ``start_date``, ``end_date`` (empty while the cycle
        runs) and ``act`` (``adopt | adapt | abandon``, empty while undecided); optionally
        ``label``, ``ramp`` (cycles of one ramp are kept together and linked by arrows) and
        ``n_predictions`` / ``n_met`` (shown as "1 of 2 predictions met"). Short names ``cycle,
        start, end, act_decision, decision, title`` are accepted, so the frame of the PDSA
        store's ``ramp()`` fits as it is.
    as_of : date-like, optional
        Where a running cycle's bar ends (default: the latest date in the frame).
    title : str, optional
        Chart title.
    show_labels : bool
        Also print each cycle's label (user text, shortened) after its bar.

    Returns
    -------
    SVGChart
        ``.to_svg()`` (also :func:`paceqi.charts.to_svg`), ``.caption`` (one line per cycle:
        its name and outcome); displays in Jupyter.

    Raises
    ------
    OptionsError
        Missing columns, unparseable dates, an end before its start, or an unknown act.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"cycle_no": [1, 2], "start_date": ["2017-01-09", "2017-02-06"],
    ...                   "end_date": ["2017-01-30", None], "act": ["adapt", None]})
    >>> ramp_chart(c, as_of="2017-03-01").caption
    ['PDSA 1: adapt', 'PDSA 2: no decision yet (running)']
    """
    if not isinstance(cycles, pd.DataFrame):
        raise OptionsError(f"cycles: expected a DataFrame, got {type(cycles).__name__}")
    cols = {role: _column(cycles, role, role in ("cycle_no", "start")) for role in _ALIASES}
    start_col, cycle_col = _required(cycles, "start"), _required(cycles, "cycle_no")
    frame = cycles.reset_index(drop=True)
    start = _dates(frame, start_col, allow_missing=False)
    end = (
        _dates(frame, cols["end"], allow_missing=True)
        if cols["end"]
        else pd.Series(pd.NaT, index=frame.index)
    )
    backwards = np.flatnonzero((end < start).to_numpy())
    if len(backwards):
        raise OptionsError(
            f"cycles: end date before start date in row(s) {', '.join(map(str, backwards[:10]))}"
        )
    acts = frame[cols["act"]] if cols["act"] else pd.Series(None, index=frame.index, dtype=object)
    acts = acts.where(acts.notna(), "pending").astype(str).str.lower()
    unknown = sorted(set(acts) - set(theme.ACT_COLOURS))
    if unknown:
        raise OptionsError(
            f"cycles: column {cols['act']!r} has unknown value(s) "
            f"{', '.join(u[:20] for u in unknown[:5])}; "
            f"expected {', '.join(theme.ACT_DECISIONS)} or empty"
        )
    latest = pd.concat([start, end]).max()
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else latest
    running = end.isna()
    end = end.fillna(max(as_of_ts, start.max()))
    ramps = (
        frame["ramp"].astype(str) if "ramp" in frame.columns else pd.Series("", index=frame.index)
    )
    # Cycles of one ramp stay together (ramps in order of their first cycle), then by start.
    first = start.groupby(ramps).transform("min")
    order = np.lexsort((start.to_numpy(), ramps.to_numpy(), first.to_numpy()))
    several = ramps.nunique() > 1
    rows = []
    for i in order:
        act = acts.iloc[i]
        cycle = frame[cycle_col].iloc[i]
        name = _figure_shorten(f"{ramps.iloc[i]}: PDSA {cycle}", 40) if several else f"PDSA {cycle}"
        note = ACT_WORDS[act] + (" (running)" if running.iloc[i] else "")
        note += _predictions(frame.iloc[i])
        if show_labels and cols["label"] and pd.notna(frame[cols["label"]].iloc[i]):
            note += " · " + _figure_shorten(frame[cols["label"]].iloc[i], 40)
        rows.append((i, act, name, note))
    present = [a for a in (*theme.ACT_DECISIONS, "pending") if a in set(acts)]
    svg = _draw(rows, start, end, ramps, present, title)
    counts = ", ".join(f"{int((acts == a).sum())} {ACT_WORDS[a]}" for a in present)
    return SVGChart(
        svg_body=svg,
        title=title or "PDSA ramp",
        desc=f"PDSA ramp of {len(frame)} cycles from {start.min():%B %Y} to "
        f"{end.max():%B %Y}: {counts}.",
        caption=[f"{name}: {note}" for _, _, name, note in rows],
    )


def _figure_shorten(text: Any, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _draw(
    rows: list[tuple[int, str, str, str]],
    start: pd.Series,
    end: pd.Series,
    ramps: pd.Series,
    present: list[str],
    title: str | None,
) -> SVG:
    """Each cycle on two lines: its name and outcome in words, then its bar on the time axis.

    The axis runs from the first start to the last end (a running cycle ends at the as-of
    date), so it fits the cycles; the words never need room on the time axis.
    """
    svg = SVG(WIDTH, 0)
    top = title_block(svg, title, PAD) + (6 if title else 0)
    left, right = PAD + 4, WIDTH - PAD - 4
    d0, d1 = float(start.min().value), float(end.max().value)
    span = max(d1 - d0, 86_400e9)
    sx = LinearScale(d0 - 0.02 * span, d1 + 0.02 * span, left, right)
    plot_top = top
    plot_bottom = top + ROW * len(rows)
    ticks = _x_ticks([sx.d0, sx.d1], True, sx, right)
    x_axis(svg, ticks, left=left, right=right, top=plot_top, bottom=plot_bottom)
    styles = _act_styles(svg)
    link = svg.css("k", f"fill:none;stroke:{theme.GREY};stroke-width:.8")
    prev: tuple[float, float, str] | None = None
    for lane, (i, act, name, note) in enumerate(rows):
        y = plot_top + ROW * lane
        svg.text(left, y + FONT + 1, f"{name} · {note}")
        a = sx(start.iloc[i].value)
        b = max(sx(end.iloc[i].value), a + 2)
        bar_y = y + FONT + 5
        svg.rect(a, bar_y, b - a, BAR, styles[act])
        if prev is not None and prev[2] == ramps.iloc[i]:
            mid = bar_y + BAR / 2
            svg.path([(prev[0], prev[1] + BAR), (prev[0], mid), (a, mid)], link)
        prev = (b, bar_y, ramps.iloc[i])
    legend = [("rect", styles[a], ACT_WORDS[a]) for a in present]
    footer(svg, legend, [], top=plot_bottom + 6 + FONT + 18)
    return svg


def _act_styles(svg: SVG) -> dict[str, str]:
    """Return a class per act decision: colour plus hatching (an SVG pattern), as the theme."""
    out = {}
    defs = []
    for act, colour in theme.ACT_COLOURS.items():
        hatch = theme.ACT_HATCHES[act]
        if hatch:
            lines = {
                "//": "M0 8L8 0M-2 2L2 -2M6 10L10 6",
                "xx": "M0 8L8 0M0 0L8 8",
                "--": "M0 4H8",
            }[hatch]
            defs.append(
                f'<pattern id="{_PREFIX}h{act}" width="8" height="8" '
                f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>'
                f'<path d="{lines}" stroke="{theme.INK}" stroke-width=".8"/></pattern>'
            )
            fill = f"url(#{_PREFIX}h{act})"
        else:
            fill = colour
        out[act] = svg.css(f"r{act[:3]}", f"fill:{fill};stroke:{theme.INK};stroke-width:.6")
    svg.raw("<defs>" + "".join(defs) + "</defs>")
    return out
