"""The run / control chart of one SPCResult, written straight to SVG from its data.

No plotting library takes part: the layout is computed from the data and from text widths
(:mod:`paceqi.charts.svgwriter`), which makes a chart about two orders of magnitude cheaper
than laying it out with matplotlib (``benchmarks/bench_charts.py``). The chart shows the data,
the centre line per phase (a frozen baseline solid then dashed), control limits and 2-sigma
lines, phase separators and names, excluded points hollow, signals coloured and shaped by
``point_type``, the aim or target as a labelled line, PDSA cycles as numbered flags along the
top of the plot (merged into "3–7" where they would touch) over a shaded test period, other
annotations as lettered flags, a legend and a caption (the cycles and annotations listed, the
caveats and the rule set). Every point carries a ``<title>`` (its period, value, n and signal),
shown on hover without any script.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paceqi.charts import theme
from paceqi.charts.flags import Flag, Mark, layout_flags
from paceqi.charts.scales import LinearScale, date_ticks, nice_ticks
from paceqi.charts.svgwriter import SVG, data_uri, esc, marker, num, text_width, wrap
from paceqi.spcread import (
    PROPORTION_CHARTS,
    RUN_CHARTS,
    caveats,
    chart_type,
    column,
    flag,
    is_finite,
    option,
    phase_name,
    shows_percent,
    x_values,
)

__all__ = ["SVGChart", "SPCChart", "draw_spc", "download_link", "WIDTH", "FONT", "SMALL"]

#: Width of the viewBox. The SVG scales to its container (at most MAX_WIDTH). On a 390 px wide
#: phone the report column is at least 358 px wide (1 rem padding each side; 372 px in the
#: current page), so text of 12 units is drawn at 12 * 358 / WIDTH = 11.0 px or more: the
#: 11 px floor of issue #14 (tests/report/test_report_print_phone.py measures it in Chromium).
WIDTH = 390.0
#: Widest the chart is drawn on a large screen: text of 12 units is then 15.8 px, the size of
#: the page's own text (16 px), and the chart keeps the proportions it has on a phone.
MAX_WIDTH = "32rem"
#: Font sizes (viewBox units): ticks, legend, caption and flags; title.
FONT = 12.0
SMALL = 12.0
TITLE = 14.0
LINE = 15.0  # line height of caption text
PAD = 8.0
PLOT_HEIGHT = 190.0
FLAG_HEIGHT = 16.0
#: Above this many points common-cause markers are left out (the line shows them).
MANY_POINTS = 200
#: Marker radii: common cause, signals.
R_COMMON = 2.6
R_SIGNAL = 4.0
_SHAPES = dict(theme.POINT_MARKERS)
#: Charts whose value is a share or rate of the point's n children (withheld when n is small).
RATIO_CHARTS = PROPORTION_CHARTS | {"u", "up"}
_TYPE_CLASS = {kind: f"m{i}" for i, kind in enumerate(theme.POINT_TYPES)}


@dataclass
class SVGChart:
    """A chart written straight to SVG: its body, accessible title and description, caption.

    ``to_svg()`` (also :func:`paceqi.charts.to_svg`) returns the ``<svg>`` element; the chart
    displays itself in Jupyter.
    """

    svg_body: SVG
    title: str
    #: The description, or a function that writes it (called only when no ``desc`` is given
    #: to :meth:`to_svg`: a report passes its own alt text, so it is never written twice).
    desc: str | Callable[[], str]
    caption: list[str] = field(default_factory=list)

    def description(self) -> str:
        """Return the accessible description (written on first use)."""
        if callable(self.desc):
            self.desc = self.desc()
        return self.desc

    def _full_desc(self, desc: str) -> str:
        return desc

    def to_svg(
        self, *, title: str | None = None, desc: str | None = None, id_prefix: str | None = None
    ) -> str:
        """Return the ``<svg>`` element (accessible title and description, prefixed ids)."""
        title = self.title if title is None else title
        desc = self._full_desc(self.description() if desc is None else desc)
        body = "".join(self.svg_body.parts)
        prefix = id_prefix or "pq" + hashlib.sha1(body.encode()).hexdigest()[:8] + "-"
        return self.svg_body.render(
            title=title,
            desc=desc,
            prefix=prefix,
            font=f"font-family:{_FONTS};font-size:{num(FONT)}px;fill:{theme.INK}",
            style=f"width:100%;max-width:{MAX_WIDTH};height:auto",
        )

    def _repr_svg_(self) -> str:
        return self.to_svg()


@dataclass
class SPCChart(SVGChart):
    """A drawn SPC chart: the SVG and what a page shows with it.

    Attributes
    ----------
    title, desc : str
        The accessible title and description (the alt text; the PDSA cycles are added).
    flags : list of Flag
        The placed PDSA/annotation flags (boxes in viewBox units), left to right.
    table : pandas.DataFrame
        The plotted values: period, n, value, centre line, limits, signal, note.
    caption : list of str
        The caption lines under the chart (cycles, annotations, caveats, rule set).
    """

    flags: list[Flag] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    cycles: list[str] = field(default_factory=list)

    def _full_desc(self, desc: str) -> str:
        if self.cycles and "PDSA cycle" not in desc:
            return f"{desc} {' '.join(self.cycles)}".strip()
        return desc

    def table_html(self, summary: str = "Data behind the chart") -> str:
        """Return the plotted values as a collapsed ``<details>`` table."""
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in self.table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
            for row in self.table.itertuples(index=False)
        )
        caption = f"The values plotted on the chart “{self.title}”"
        return (
            f'<details class="paceqi-data"><summary>{esc(summary)}</summary>'
            f'<table class="paceqi-table"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
        )


_FONTS = ",".join(f"'{f}'" if " " in f else f for f in theme.FONT_FAMILY)


#: A per-point hover text: a ``<title>`` without attributes (the chart's own title has an id).
_POINT_TIP = re.compile(r"<title>[^<]*</title>")


def download_link(
    svg: str, filename: str, text: str = "Download the chart (SVG)", name: str = ""
) -> str:
    """Return an ``<a download>`` link carrying ``svg`` itself (a ``data:`` URI; no script).

    The SVG declares its namespace, so the downloaded file opens on its own. ``name`` (the
    chart's title) makes the link's accessible name unique on a page of several charts. The
    copy leaves out the per-point hover texts (the ``<title>`` without an ``id``; the data table
    under the chart holds the same values): they are about a third of a chart's bytes, and a
    report with a dozen charts would otherwise exceed its 400 KB budget. The chart's own title
    and description stay.

    Examples
    --------
    >>> link = download_link('<svg><title id="t">Chart</title><g><title>Q1: 3</title></g></svg>',
    ...                      "c.svg")
    >>> "Chart" in link and "Q1" not in link
    True
    """
    svg = _POINT_TIP.sub("", svg)
    label = f' aria-label="{esc(f"Download the chart {name} (SVG)")}"' if name else ""
    return (
        f'<a class="paceqi-download" download="{esc(filename)}"{label} '
        f'href="{data_uri(svg)}">{esc(text)}</a>'
    )


# -- formatting ------------------------------------------------------------------------------


def _is_month_starts(x: pd.Series) -> bool:
    x = x.dropna()
    return bool(len(x)) and bool(((x.dt.day == 1) & (x.dt.normalize() == x)).all())


def _period_text(x: pd.Series, is_date: bool) -> list[str]:
    """How each point's x is written in hover text and the table.

    Dates of single children are written as their month only (the exact day adds nothing to
    the chart and would make a child easier to recognise).
    """
    if not is_date:
        return [str(v) for v in x]
    return [v.strftime("%b %Y") if pd.notna(v) else "" for v in x]


def _value_formatter(values: np.ndarray, percent: bool) -> Any:
    if percent:
        return lambda v: f"{100 * v:.0f}%" if np.isfinite(v) else ""
    finite = values[np.isfinite(values)]
    whole = len(finite) and np.allclose(finite, np.round(finite))
    if whole:
        return lambda v: f"{v:.0f}" if np.isfinite(v) else ""
    return lambda v: f"{v:.1f}" if np.isfinite(v) else ""


def _tick_formatter(ticks: list[float], percent: bool) -> Any:
    if percent:
        step = (ticks[1] - ticks[0]) * 100 if len(ticks) > 1 else 1
        digits = 0 if step >= 1 else 1
        return lambda v: f"{100 * v:.{digits}f}%"
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    digits = 0 if step >= 1 else 1 if step >= 0.1 else 2
    return lambda v: f"{v:,.{digits}f}"


# -- the chart -------------------------------------------------------------------------------


def _cycles(notes: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """PDSA cycles (number, start, end) and the other annotations (letter, date, label)."""
    cycles: dict[int, dict[str, Any]] = {}
    others: list[dict[str, Any]] = []
    count = 0
    rows = notes.sort_values("date", kind="stable").to_dict("records")
    for row in rows:
        kind = row["kind"]
        if kind in ("pdsa_start", "pdsa_end"):
            no = row.get("cycle_no")
            if is_finite(no):
                key = int(no)
            elif kind == "pdsa_start":
                count += 1
                key = count
            else:
                key = count
            c = cycles.setdefault(key, {"no": key, "start": None, "end": None})
            c["start" if kind == "pdsa_start" else "end"] = row["date"]
        else:
            label = row.get("label")
            label = "" if label is None or (np.ndim(label) == 0 and pd.isna(label)) else label
            others.append(
                {
                    "letter": chr(ord("A") + len(others) % 26),
                    "date": row["date"],
                    "kind": kind,
                    "label": " ".join(str(label).split()) or theme.ANNOTATION_STYLES[kind][2],
                }
            )
    out = [c for c in sorted(cycles.values(), key=lambda c: c["no"]) if c["start"] is not None]
    return out, others


def _day(t: Any) -> str:
    return pd.Timestamp(t).strftime("%-d %b %Y")


def _cycle_text(c: dict[str, Any]) -> str:
    end = c["end"]
    return f"{c['no']}: {_day(c['start'])} to {_day(end) if end is not None else 'running'}"


def draw_spc(
    res: Any,
    points: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    title: str | None,
    y_label: str | None,
    target: float | None,
    target_label: str | None,
    n: np.ndarray | None,
    min_n: int | None,
    incomplete: np.ndarray | None,
    rules_line: str,
    extra_caption: list[str],
    desc: str | Callable[[], str],
    unit: str = "",
) -> SPCChart:
    """Lay out and write the chart (see the module docstring); called by ``spc_chart``."""
    x, is_date = x_values(points)
    m = len(points)
    y = points["y"].to_numpy(dtype=float)
    cl = column(points, "cl").to_numpy(dtype=float)
    chart = chart_type(res)
    control = chart not in RUN_CHARTS
    percent = shows_percent(res, unit)
    excluded = flag(points, "excluded")
    kinds = points["point_type"].fillna("common_cause").astype(str).to_numpy()
    if n is None and "n" in points.columns:
        n = points["n"].to_numpy(dtype=float)
    n = np.full(m, np.nan) if n is None else np.asarray(n, dtype=float)
    low_n = np.isfinite(n) & (n > 0) & (n < min_n) if min_n else np.zeros(m, bool)
    # a percentage or rate of 1 to min_n - 1 children reveals them: not drawn nor tabled
    # (paceqi.privacy's rule; a report leaves such points out before the analysis already)
    withheld = low_n & (chart in RATIO_CHARTS)
    y = np.where(withheld, np.nan, y)
    low_n &= ~withheld
    if incomplete is None:
        incomplete = flag(points, "incomplete")
    incomplete = np.asarray(incomplete, dtype=bool)
    lines = {c: column(points, c).to_numpy(dtype=float) for c in ("lcl", "ucl", "lcl_2s", "ucl_2s")}
    phases = list(dict.fromkeys(points["phase"])) if "phase" in points.columns else [None]
    phase_of = points["phase"].to_numpy() if "phase" in points.columns else np.full(m, None)
    cycles, others = _cycles(notes) if is_date else ([], [])

    # -- x domain --------------------------------------------------------------------------
    # nanoseconds, as the flags' pd.Timestamp(...).value: a datetime64[s] or [us] column cast
    # straight to int64 would put every point near 1970
    xs = (
        x.astype("datetime64[ns]").astype("int64").to_numpy(dtype=float)
        if is_date
        else x.to_numpy(dtype=float)
    )
    dom = [float(np.nanmin(xs)), float(np.nanmax(xs))]
    if is_date:
        for t in [c["start"] for c in cycles] + [c["end"] for c in cycles if c["end"] is not None]:
            v = float(pd.Timestamp(t).value)
            dom = [min(dom[0], v), max(dom[1], v)]
        dom += [float(pd.Timestamp(o["date"]).value) for o in others]
        dom = [min(dom), max(dom)]
    if dom[1] == dom[0]:
        dom = [dom[0] - 1, dom[1] + 1]
    span = dom[1] - dom[0]
    dom = [dom[0] - 0.02 * span, dom[1] + 0.02 * span]

    # -- y domain --------------------------------------------------------------------------
    target_v = target if target is not None else option(res, "target")
    target_v = float(target_v) if target_v is not None and is_finite(target_v) else None
    stack = [y, cl] + ([lines["lcl"], lines["ucl"]] if control else [])
    vals = np.concatenate([v[np.isfinite(v)] for v in stack] + [np.array([target_v or np.nan])])
    vals = vals[np.isfinite(vals)]
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    if percent:
        lo, hi = max(min(lo, 0.0), -0.0), min(max(hi, 0.0), 1.0) if hi <= 1 else hi
    if hi - lo < 1e-12:  # every value equal: open the axis around it, never below 0 if none is
        pad = 0.1 if percent else abs(hi) * 0.1 or 1.0
        lo, hi = (lo - pad if lo < 0 else max(lo - pad, 0.0)), hi + pad
        hi = min(hi, 1.0) if percent and lo < 1 else hi
    yticks = nice_ticks(lo, hi)
    fmt_tick = _tick_formatter(yticks, percent)
    fmt_value = _value_formatter(y, percent)
    tick_labels = [fmt_tick(t) for t in yticks]

    # -- vertical layout -------------------------------------------------------------------
    top = PAD
    title_lines = wrap(title, WIDTH - 2 * PAD, TITLE) if title else []
    title_y = top + TITLE
    top += len(title_lines) * (TITLE + 4) + (4 if title_lines else 0)
    multi = len(phases) > 1
    phase_y = top + FONT if multi else 0.0
    top += FONT + 4 if multi else 0
    has_flags = bool(cycles or others)
    flag_top = top
    top += FLAG_HEIGHT + 6 if has_flags else 2
    plot_top = top
    plot_bottom = plot_top + PLOT_HEIGHT
    left = PAD + (FONT + 6 if y_label else 0) + max(text_width(t, FONT) for t in tick_labels) + 6
    right = WIDTH - PAD - 4
    sx = LinearScale(dom[0], dom[1], left, right)
    sy = LinearScale(yticks[0], yticks[-1], plot_bottom, plot_top)
    px = sx.many(xs)
    py = sy.many(y)

    svg = SVG(WIDTH, 0)
    css = _styles(svg)

    # -- flags (laid out first: the test period and its legend depend on them) --------------
    marks = [Mark(str(c["no"]), c["no"], sx(pd.Timestamp(c["start"]).value)) for c in cycles]
    marks += [
        Mark(o["letter"], 1000 + i, sx(pd.Timestamp(o["date"]).value)) for i, o in enumerate(others)
    ]
    flags = layout_flags(marks, left=left, right=right, size=SMALL) if marks else []

    # -- background: test period, grid -----------------------------------------------------
    if cycles:
        start = min(sx(pd.Timestamp(c["start"]).value) for c in cycles)
        ends = [c["end"] for c in cycles]
        end = (
            right if any(e is None for e in ends) else max(sx(pd.Timestamp(e).value) for e in ends)
        )
        svg.rect(start, plot_top, max(end - start, 1.0), PLOT_HEIGHT, css["test"])
    svg.open(css["grid"])
    for t in yticks:
        svg.line(left, sy(t), right, sy(t))
    svg.close()
    svg.line(left, plot_top, left, plot_bottom, css["axis"])
    svg.line(left, plot_bottom, right, plot_bottom, css["axis"])
    for t, label in zip(yticks, tick_labels, strict=True):
        svg.text(left - 5, sy(t) + FONT * 0.35, label, anchor="end")
    if y_label:
        mid = (plot_top + plot_bottom) / 2
        svg.text(PAD + FONT, mid, y_label, anchor="middle", rotate=True)
    xticks = _x_ticks(dom, is_date, sx, right)
    for i, (pos, label) in enumerate(xticks):
        svg.line(pos, plot_bottom, pos, plot_bottom + 4, css["axis"])
        w = text_width(label, FONT)
        anchor = "middle"
        if pos + w / 2 > WIDTH - 2:
            anchor = "end"
        if i == 0 and pos - w / 2 < 2:
            anchor = "start"
        svg.text(pos, plot_bottom + 6 + FONT, label, anchor=anchor)

    # -- flags ------------------------------------------------------------------------------
    legend: list[tuple[str, str, str]] = []
    if cycles:
        legend.append(("rect", css["test"], "test period (PDSA cycles)"))
    if flags:
        svg.open(svg.css("fl", ""))  # the flag layer (tests read the boxes back from it)
    for f in flags:
        lo_x, hi_x = f.span
        mid = (f.left + f.right) / 2
        pdsa = all(mk.order < 1000 for mk in f.marks)
        box_cls = css["flag"] if pdsa else css["flagalt"]
        svg.rect(f.left, flag_top, f.right - f.left, FLAG_HEIGHT, box_cls, rx=2)
        svg.text(mid, flag_top + FLAG_HEIGHT - 4, f.label, anchor="middle")
        svg.path([(mid, flag_top + FLAG_HEIGHT), (mid, plot_top)], css["tick"])
        if hi_x - lo_x > 1:
            svg.path([(lo_x, plot_top), (hi_x, plot_top)], css["bracket"])
        for mk in f.marks:
            svg.path([(mk.x, plot_top), (mk.x, plot_top + 6)], css["tick"])
    if flags:
        svg.close()
    if cycles:
        legend.append(("flag", css["flag"], "PDSA cycle starts (numbered)"))
    if others:
        legend.append(("flag", css["flagalt"], "other events (lettered)"))

    # -- phases -----------------------------------------------------------------------------
    cl_name = "centre line (median)" if chart in RUN_CHARTS | {"g"} else "centre line (mean)"
    seen: set[str] = set()
    for i, phase in enumerate(phases):
        sel = np.flatnonzero(phase_of == phase) if phase is not None else np.arange(m)
        if multi and i:
            prev_last = px[np.flatnonzero(phase_of == phases[i - 1])[-1]]
            sep = (prev_last + px[sel[0]]) / 2
            svg.line(sep, plot_top, sep, plot_bottom, css["phase"])
        if multi:
            svg.text(px[sel[0]], phase_y, phase_name(phase), size=SMALL)
        svg.path(list(zip(px[sel], py[sel], strict=True)), css["data"])
        base = flag(points, "baseline")[sel]
        if base.any() and not base.all():
            b = sel[base]
            e = np.r_[b[-1], sel[~base]]
            _step(svg, px[b], sy.many(cl[b]), css["centre"])
            _step(svg, px[e], sy.many(cl[e]), css["extended"])
            seen.add("extended")
        else:
            _step(svg, px[sel], sy.many(cl[sel]), css["centre"])
        if control:
            for c in ("ucl", "lcl"):
                _step(svg, px[sel], sy.many(lines[c][sel]), css["limit"])
            for c in ("ucl_2s", "lcl_2s"):
                _step(svg, px[sel], sy.many(lines[c][sel]), css["sigma"])
    legend.append(("line", css["centre"], cl_name))
    if "extended" in seen:
        legend.append(("line", css["extended"], "centre line extended from baseline"))
    if control and np.isfinite(lines["ucl"]).any():
        legend.append(("line", css["limit"], "control limits"))
    if control and np.isfinite(lines["ucl_2s"]).any():
        legend.append(("line", css["sigma"], "2-sigma lines"))

    # -- target -----------------------------------------------------------------------------
    if target_v is not None:
        ty = sy(target_v)
        svg.line(left, ty, right, ty, css["target"])
        label = target_label or "target"
        shown = label if target_label else f"{label}: {fmt_tick(target_v)}"
        # at the right end, unless the greyed "incomplete" points (the latest) lie under it
        tx, anchor = right - 2, "end"
        under = np.flatnonzero(incomplete & np.isfinite(y))
        if len(under) and px[under].max() >= right - 2 - text_width(shown, FONT):
            tx, anchor = left + 2, "start"
        svg.text(tx, ty - 3, shown, anchor=anchor, cls=css["tt"])
        legend.append(("line", css["target"], label))

    # -- points -----------------------------------------------------------------------------
    periods = _period_text(x, is_date)
    reasons = column(points, "signal_reason", "").fillna("").astype(str).to_numpy()
    unknown = sorted(set(kinds) - set(theme.POINT_TYPES))
    if unknown:
        from paceqi.errors import OptionsError

        raise OptionsError(
            f"res.points: column 'point_type' has unknown value(s) {', '.join(unknown[:5])}; "
            f"expected one of {', '.join(theme.POINT_TYPES)}"
        )
    shown_types: list[str] = []
    finite_y = np.isfinite(y)
    hover = m <= MANY_POINTS  # above, the hover texts would cost more than the budget allows
    for kind in theme.POINT_TYPES:
        sel = np.flatnonzero((kinds == kind) & ~excluded & ~incomplete & finite_y)
        signal = kind != "common_cause"
        if not len(sel) or (not signal and m > MANY_POINTS):
            continue
        shown_types.append(kind)
        svg.open(css[_TYPE_CLASS[kind]])
        r = R_SIGNAL if signal else R_COMMON
        for i in sel.tolist():
            hollow = low_n[i]
            extra = css["hollow"] if hollow else None
            tip = _tip(periods[i], fmt_value(y[i]), n[i], min_n, reasons[i], False, hollow)
            svg.raw(marker(_SHAPES[kind], px[i], py[i], r, extra, tip if hover else ""))
        svg.close()
    for kind in shown_types:
        legend.append(("marker:" + kind, css[_TYPE_CLASS[kind]], theme.POINT_LABELS[kind]))
    inc = np.flatnonzero(incomplete & finite_y)
    if len(inc):
        svg.open(css["grey"])
        for i in inc.tolist():
            tip = _tip(periods[i], fmt_value(y[i]), n[i], min_n, reasons[i], True, low_n[i])
            svg.raw(marker("o", px[i], py[i], R_SIGNAL - 0.6, None, tip if hover else ""))
        svg.close()
    ex = np.flatnonzero(excluded & ~incomplete & finite_y)
    if len(ex):
        svg.open(css["excluded"])
        for i in ex.tolist():
            tip = _tip(periods[i], fmt_value(y[i]), n[i], min_n, reasons[i], False, False)
            svg.raw(marker("o", px[i], py[i], R_SIGNAL, None, tip + "; excluded"))
        svg.close()
        legend.append(("marker:o", css["excluded"], "excluded from calculations"))
    caption_extra: list[str] = []
    if withheld.any():
        caption_extra.append(
            f"Points of fewer than {min_n} children are not drawn: a percentage or rate of so "
            "few would reveal them."
        )
    if low_n.any():
        legend.append(("marker:o", css["hollowleg"], f"fewer than {min_n} (n)"))
        caption_extra.append(
            f"Hollow points stand for fewer than {min_n}: read them with care, one or two "
            "children can move them a long way."
        )
    if len(inc):
        w = text_width("incomplete", SMALL)
        x0, anchor = px[inc[0]], "start"
        if x0 + w > right:
            x0, anchor = min(px[inc[-1]], right), "end"
        svg.text(x0, min(py[inc]) - 8, "incomplete", size=SMALL, anchor=anchor, cls=css["grey_t"])
        legend.append(("marker:o", css["greyleg"], "incomplete (data still arriving)"))
        caption_extra.append(
            "Greyed points are incomplete: not every child counted there has had the time to "
            "reach the stage yet, so they will move as data arrive."
        )

    # -- legend and caption -----------------------------------------------------------------
    y_cursor = plot_bottom + 6 + FONT + 18
    y_cursor = _legend(svg, legend, left=PAD, right=WIDTH - PAD, top=y_cursor)
    caption: list[str] = []
    cycle_texts: list[str] = []
    if cycles:
        listed = "; ".join(_cycle_text(c) for c in cycles)
        caption.append(f"PDSA cycles: {listed}.")
        cycle_texts.append(f"PDSA cycles: {listed}.")
    if others:
        listed = "; ".join(f"{o['letter']}: {o['label']} ({_day(o['date'])})" for o in others)
        caption.append(f"Events: {listed}.")
        cycle_texts.append(f"Events: {listed}.")
    axis = [line for line in extra_caption if line.startswith("Time axis:")]
    rest = [line for line in extra_caption if line not in axis]
    caption = axis + caption + caption_extra + [c.text for c in caveats(res)] + rest + [rules_line]
    for line in caption:
        for part in wrap(line, WIDTH - 2 * PAD, SMALL):
            y_cursor += LINE
            svg.text(PAD, y_cursor, part, size=SMALL)
    svg.height = y_cursor + PAD
    if title_lines:
        parts = [
            f'<text x="{num(PAD)}" y="{num(title_y + i * (TITLE + 4))}" '
            f'style="font-size:{num(TITLE)}px">'
            f"{esc(t)}</text>"
            for i, t in enumerate(title_lines)
        ]
        svg.parts[:0] = parts
    svg.parts.insert(0, f'<rect width="100%" height="100%" fill="{theme.BACKGROUND}"/>')

    table = _table(
        periods, y, n, min_n, cl, lines, control, kinds, reasons, excluded, incomplete, fmt_value
    )
    return SPCChart(
        svg_body=svg,
        title=title or "SPC chart",
        desc=desc,
        flags=flags,
        table=table,
        caption=caption,
        cycles=cycle_texts,
    )


#: A white outline behind labels drawn over data, so they stay readable where lines cross them.
_HALO = "paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round"


def _styles(svg: SVG) -> dict[str, str]:
    c = theme.LINE_COLOURS
    out = {
        "grid": svg.css("g", f"stroke:{theme.PALE};stroke-width:.8"),
        "axis": svg.css("a", f"stroke:{theme.GREY};stroke-width:1"),
        "test": svg.css("tp", f"fill:{theme.TEST_PERIOD}"),
        "flag": svg.css("f", f"fill:#fff;stroke:{theme.INK};stroke-width:1"),
        "flagalt": svg.css(
            "fa", f"fill:#fff;stroke:{theme.INK};stroke-width:1;stroke-dasharray:3 2"
        ),
        "tick": svg.css("fk", f"stroke:{theme.INK};stroke-width:1"),
        "bracket": svg.css("fb", f"stroke:{theme.INK};stroke-width:2"),
        "phase": svg.css("p", f"stroke:{theme.GREY};stroke-width:.8"),
        "data": svg.css("d", f"fill:none;stroke:{c['data']};stroke-width:1"),
        "centre": svg.css("c", f"fill:none;stroke:{c['centre']};stroke-width:1.4"),
        "extended": svg.css(
            "ce", f"fill:none;stroke:{c['centre']};stroke-width:1.4;stroke-dasharray:5 3"
        ),
        "limit": svg.css(
            "l", f"fill:none;stroke:{c['limit']};stroke-width:1.2;stroke-dasharray:5 3"
        ),
        "sigma": svg.css(
            "s", f"fill:none;stroke:{c['sigma2']};stroke-width:.8;stroke-dasharray:1 2"
        ),
        "target": svg.css(
            "t", f"fill:none;stroke:{c['target']};stroke-width:1.2;stroke-dasharray:6 3"
        ),
        "tt": svg.css("tt", f"fill:{c['target']};{_HALO}"),
        "excluded": svg.css("x", f"fill:#fff;stroke:{theme.INK};stroke-width:1"),
        "hollow": svg.css("h", "fill:#fff"),
        "hollowleg": svg.css("hl", f"fill:#fff;stroke:{theme.GREY};stroke-width:1.2"),
        "grey": svg.css("gr", f"fill:{theme.INCOMPLETE_FILL};stroke:{theme.INCOMPLETE}"),
        "greyleg": svg.css("gl", f"fill:{theme.INCOMPLETE_FILL};stroke:{theme.INCOMPLETE}"),
        "grey_t": svg.css("gt", f"fill:{theme.GREY};{_HALO}"),
    }
    for kind, name in _TYPE_CLASS.items():
        colour = theme.POINT_COLOURS[kind]
        width = 2.2 if _SHAPES[kind] == "X" else 1.2
        out[name] = svg.css(name, f"fill:{colour};stroke:{colour};stroke-width:{width}")
    return out


def _step(svg: SVG, px: np.ndarray, py: np.ndarray, cls: str) -> None:
    """Draw a step line through the points, stepping midway between them.

    As matplotlib's ``drawstyle="steps-mid"``; a constant line is a single segment.
    """
    ok = np.isfinite(py)
    if not ok.any():
        return
    if ok.all() and np.allclose(py, py[0]):
        svg.path([(px[0], py[0]), (px[-1], py[-1])], cls)
        return
    xy: list[tuple[float, float]] = []
    last = len(px) - 1
    for i in range(len(px)):
        if not ok[i]:
            xy.append((np.nan, np.nan))
            continue
        a = px[i] if i == 0 or not ok[i - 1] else (px[i - 1] + px[i]) / 2
        b = px[i] if i == last or not ok[i + 1] else (px[i] + px[i + 1]) / 2
        xy += [(a, py[i]), (b, py[i])]
    svg.path(xy, cls)


def _tip(
    period: str,
    value: str,
    n: float,
    min_n: int | None,
    reason: str,
    incomplete: bool,
    hollow: bool,
) -> str:
    out = f"{period}: {value}"
    if np.isfinite(n):
        out += f" (n = {_n_text(n, min_n)})"
    if reason:
        out += f"; {reason}"
    if incomplete:
        out += "; incomplete"
    return out


def _n_text(n: float, min_n: int | None) -> str:
    """N as published: counts of 1 to min_n - 1 are written "fewer than min_n"."""
    if not np.isfinite(n):
        return ""
    if min_n and 0 < n < min_n:
        return f"fewer than {min_n}"
    return f"{n:.0f}"


def _x_ticks(
    dom: list[float], is_date: bool, sx: LinearScale, right: float
) -> list[tuple[float, str]]:
    if is_date:
        ticks = date_ticks(pd.Timestamp(int(dom[0])), pd.Timestamp(int(dom[1])))
        return [(sx(t.value), label) for t, label in ticks]
    values = nice_ticks(dom[0], dom[1], most=8)
    fmt = _tick_formatter(values, False)
    return [(sx(t), fmt(t)) for t in values if dom[0] <= t <= dom[1]]


def _legend(
    svg: SVG, items: list[tuple[str, str, str]], *, left: float, right: float, top: float
) -> float:
    """Lay the legend items in rows; return the baseline of the last row."""
    x, y = left, top
    svg.open(svg.css("lg", "font-size:12px"))
    for kind, cls, label in items:
        w = 18 + 4 + text_width(label, SMALL)
        if x > left and x + w > right:
            x, y = left, y + LINE
        mid = y - SMALL * 0.35
        if kind == "line":
            svg.line(x, mid, x + 18, mid, cls)
        elif kind == "rect":
            svg.rect(x, mid - 6, 18, 12, cls)
        elif kind == "flag":
            svg.rect(x + 2, mid - 6, 14, 12, cls, rx=2)
        elif kind == "tick":  # a target tick (the delay chart)
            svg.line(x + 9, mid - 7, x + 9, mid + 7, cls)
        elif kind == "whisker":  # an interval with caps (the delay chart)
            svg.path([(x + 1, mid), (x + 17, mid)], cls)
            svg.path([(x + 1, mid - 4), (x + 1, mid + 4)], cls)
            svg.path([(x + 17, mid - 4), (x + 17, mid + 4)], cls)
        else:
            shape = kind.split(":", 1)[1]
            shape = _SHAPES.get(shape, shape)
            r = R_SIGNAL
            svg.raw(marker(shape, x + 9, mid, r, cls, ""))
        svg.text(x + 22, y, label)
        x += w + 12
    svg.close()
    return y


def _table(
    periods: list[str],
    y: np.ndarray,
    n: np.ndarray,
    min_n: int | None,
    cl: np.ndarray,
    lines: dict[str, np.ndarray],
    control: bool,
    kinds: np.ndarray,
    reasons: np.ndarray,
    excluded: np.ndarray,
    incomplete: np.ndarray,
    fmt: Any,
) -> pd.DataFrame:
    data: dict[str, Any] = {"Period": periods}
    if np.isfinite(n).any():
        data["n"] = [_n_text(v, min_n) for v in n]
    data["Value"] = [fmt(v) for v in y]
    data["Centre line"] = [fmt(v) for v in cl]
    if control:
        data["Lower limit"] = [fmt(v) for v in lines["lcl"]]
        data["Upper limit"] = [fmt(v) for v in lines["ucl"]]
    data["Signal"] = [
        r or (theme.POINT_LABELS[k] if k != "common_cause" else "")
        for k, r in zip(kinds, reasons, strict=True)
    ]
    notes = []
    for i in range(len(y)):
        parts = []
        if excluded[i]:
            parts.append("excluded from calculations")
        if incomplete[i]:
            parts.append("incomplete")
        if min_n and np.isfinite(n[i]) and n[i] < min_n:
            parts.append(f"fewer than {min_n}")
        notes.append("; ".join(parts))
    if any(notes):
        data["Note"] = notes
    return pd.DataFrame(data)
