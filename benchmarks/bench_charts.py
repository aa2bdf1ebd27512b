"""CPU time of a report's charts: matplotlib as before, matplotlib with a fixed layout, direct SVG.

Run: .venv/bin/python benchmarks/bench_charts.py [DATA_DIR]  (plain script, not a test)

DATA_DIR holds the synthetic demo (``paceqi synth --out DATA_DIR --seed 20140101``; written to
a temporary folder when not given). For a medium (Fife) and the largest (Glasgow City)
authority, the Two Week Planning Meeting report is analysed once, then every SPC chart the
report draws (its arguments captured from the report's own calls) is rendered in three ways, in
the same run, CPU seconds (``time.process_time``), the minimum of REPEAT runs:

* **matplotlib (before)**: ``spc_figure`` + ``to_svg``: constrained layout, remembered text
  extents, the regex compaction of ``charts/svg.py`` (what reports used until #15);
* **matplotlib, fixed layout**: the same figures with precomputed margins (no constrained
  layout pass), the cheapest matplotlib can be made without dropping information;
* **direct SVG**: ``spc_chart(...).to_svg()``, written from the data (``charts/spcsvg.py``).

The report's "where is the delay" chart likewise: the matplotlib version it had until #14 (kept
in this file as the reference) against ``changeidea/delaychart.py``, on the same segments.

Then the whole report: the analysis (load, measures, spc, the journeys frame and the segment
summary) against every section's HTML (charts included), and the CPU of all its charts.
``--report-only`` runs only that part, so it can time older code too (before #15: export the
commit, e.g. ``git archive 8a63176 | tar -x -C /tmp/before``, then run this script with
``PYTHONPATH=/tmp/before``).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUTHORITIES = ("Fife", "Glasgow City")
REPEAT = 5
SECTIONS = ("answer", "aim", "ramp", "journeys", "waiting", "data_quality", "method", "delay")


def _cpu(fn, repeat=REPEAT):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def _report(data: Path, authority: str):
    import paceqi

    slug = authority.lower().replace(" ", "_")
    return paceqi.change_idea_report(
        authority=authority,
        extract=str(data / "extracts" / f"{slug}.csv"),
        pdsa=str(data / "pdsa" / f"{slug}.yaml"),
        change_idea="two_week_planning_meeting",
        as_of="2021-03-31",
        interactive=False,
    )


def _captured_spc_calls(report) -> list[tuple[tuple, dict]]:
    """The (args, kwargs) of every spc_chart call the report's measure sections make."""
    import paceqi.charts as charts

    calls = []
    real = charts.spc_chart

    def keep(*a, **k):
        calls.append((a, k))
        return real(*a, **k)

    charts.spc_chart = keep
    try:
        for family in ("outcome", "process", "balancing"):
            str(report.measures(family))
    finally:
        charts.spc_chart = real
    return calls


def _fixed_layout():
    """Patch figures to a fixed layout: margins chosen once, no constrained-layout pass."""
    from matplotlib.figure import Figure

    from paceqi.charts import _figure, theme

    real = _figure.new_figure

    def fixed(width=theme.FIG_WIDTH, height=theme.FIG_HEIGHT):
        fig = Figure(figsize=(width, height), facecolor=theme.BACKGROUND)
        fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.34)
        return fig

    _figure.new_figure = fixed
    return lambda: setattr(_figure, "new_figure", real)


def charts_bench(data: Path, authority: str) -> None:
    from paceqi.charts import spc_chart, spc_figure, svg

    report = _report(data, authority)
    calls = _captured_spc_calls(report)
    only_mpl = ("title", "y_label", "target_label")

    def mpl():
        svg._TEXT_METRICS.clear()  # as in a batch kernel: nothing remembered from other reports
        return [
            svg.to_svg(spc_figure(*a, **{k: v for k, v in kw.items() if k in only_mpl}))
            for a, kw in calls
        ]

    def direct():
        return [spc_chart(*a, **kw).to_svg() for a, kw in calls]

    t_mpl, out_mpl = _cpu(mpl)
    undo = _fixed_layout()
    try:
        t_fixed, out_fixed = _cpu(mpl)
    finally:
        undo()
    t_direct, out_direct = _cpu(direct)
    kb = [sum(len(s.encode()) for s in out) / 1000 for out in (out_mpl, out_fixed, out_direct)]
    n = len(calls)
    print(f"{authority}: {n} SPC charts (CPU s, min of {REPEAT}; KB of SVG)")
    print(f"  matplotlib (before)        {t_mpl:7.3f} s  {kb[0]:7.1f} KB")
    print(f"  matplotlib, fixed layout   {t_fixed:7.3f} s  {kb[1]:7.1f} KB")
    print(
        f"  direct SVG                 {t_direct:7.3f} s  {kb[2]:7.1f} KB  "
        f"({t_mpl / t_direct:.0f}x faster than before; includes hover text per point)"
    )


def _matplotlib_delay_chart(delay):
    """The delay chart as matplotlib drew it before it was written straight to SVG (#14).

    Kept here, verbatim but for the imports, as the reference the direct SVG is timed against.
    """
    import textwrap

    import numpy as np
    import pandas as pd

    from paceqi.charts import new_figure, set_alt_text, theme, themed

    title = "Where is the delay?"
    rows = delay.reset_index(drop=True)
    n = len(rows)
    with themed():
        fig = new_figure(height=max(2.2, 0.5 * n + 1.4))
        ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        med = rows["km_median"].to_numpy(dtype=float)
        finite = np.isfinite(med)
        upper = rows["km_upper"].to_numpy(dtype=float)
        longest = np.nanmax(np.where(np.isfinite(upper), upper, med[finite].max(initial=0)))
        shown = np.where(finite, med, longest if np.isfinite(longest) else 0)
        over = (rows["over_target"] > 0).to_numpy() & finite
        colours = [theme.ORANGE if o else theme.GREY for o in over]
        ax.barh(y, np.nan_to_num(shown), color=colours, height=0.6, label="Median days (KM)")
        lo = rows["km_lower"].to_numpy(dtype=float)
        ok = finite & np.isfinite(lo) & np.isfinite(upper)
        ax.errorbar(
            med[ok],
            y[ok],
            xerr=[med[ok] - lo[ok], upper[ok] - med[ok]],
            fmt="none",
            ecolor=theme.INK,
            capsize=3,
            lw=1,
            label="95% interval",
        )
        target = pd.to_numeric(rows["target_days"], errors="coerce").to_numpy(dtype=float)
        has = np.isfinite(target)
        ax.scatter(target[has], y[has], marker="|", s=260, color=theme.INK, lw=2.5, label="Target")
        label_at = np.where(ok, np.fmax(shown, upper), shown)
        for yi, m, at, f in zip(y, shown, label_at, finite, strict=True):
            ax.annotate(
                f"{m:.0f}" if f else "not reached",
                (np.nan_to_num(at), yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=theme.FONT_SIZE - 1,
                color=theme.INK,
            )
        ax.set_yticks(y, [textwrap.fill(str(s), 42) for s in rows["segment"]])
        ax.tick_params(axis="y", labelsize=theme.FONT_SIZE - 1)
        ax.set_xlabel("Median days (Kaplan–Meier)")
        ax.set_title(title, loc="left")
        ax.margins(x=0.22)
        fig.legend(loc="outside lower center", ncol=3, frameon=False)
    desc = "; ".join(
        f"{s}: median {m:.0f} days" if f else f"{s}: median not reached"
        for s, m, f in zip(rows["segment"], med, finite, strict=True)
    )
    set_alt_text(fig, title, desc)
    return fig


def delay_bench(data: Path, authority: str) -> None:
    """The report's "where is the delay" chart: matplotlib (before) against direct SVG."""
    from paceqi.changeidea.delaychart import delay_chart
    from paceqi.changeidea.segments import where_is_the_delay
    from paceqi.charts import svg, to_svg

    delay = where_is_the_delay(_report(data, authority).segment_summary())

    def mpl():
        svg._TEXT_METRICS.clear()  # as in a batch kernel: nothing remembered from other reports
        return to_svg(_matplotlib_delay_chart(delay))

    t_mpl, out_mpl = _cpu(mpl)
    t_direct, out_direct = _cpu(lambda: to_svg(delay_chart(delay)))
    kb = [len(s.encode()) / 1000 for s in (out_mpl, out_direct)]
    print(f"{authority}: delay chart of {len(delay)} segments (CPU s, min of {REPEAT}; KB)")
    print(f"  matplotlib (before)        {t_mpl:7.4f} s  {kb[0]:7.1f} KB")
    print(
        f"  direct SVG                 {t_direct:7.4f} s  {kb[1]:7.1f} KB  "
        f"({t_mpl / t_direct:.0f}x faster than before)"
    )


def report_bench(data: Path, authority: str) -> None:
    """The analysis against the whole report (every section, charts and HTML)."""
    import paceqi.charts as charts

    def analysis():
        r = _report(data, authority)
        r.segment_summary()
        from paceqi.measures import journeys

        journeys(r.analysis.events, as_of=r.analysis.as_of)
        return r

    def whole():
        r = analysis()
        for name in SECTIONS:
            with contextlib.redirect_stdout(io.StringIO()):
                str(getattr(r, name)())
        for family in ("outcome", "process", "balancing"):
            str(r.measures(family))
        return r

    t_analysis, _ = _cpu(analysis, 3)
    t_whole, _ = _cpu(whole, 3)
    import paceqi.changeidea.delaychart as delaychart

    spent: dict[str, float] = {}
    targets = [(charts, n) for n in ("spc_chart", "journeys_chart", "ramp_chart", "to_svg")]
    targets.append((delaychart, "delay_chart"))
    real = {(m, n): getattr(m, n) for m, n in targets}

    def timed(fn, name):
        def run(*a, **kw):
            t = time.process_time()
            out = fn(*a, **kw)
            spent[name] = spent.get(name, 0.0) + time.process_time() - t
            return out

        return run

    best: dict[str, float] = {}
    for _ in range(3):
        spent.clear()
        for (m, n), fn in real.items():
            setattr(m, n, timed(fn, n))
        try:
            whole()
        finally:
            for (m, n), fn in real.items():
                setattr(m, n, fn)
        total = sum(spent.values())
        if total < best.get("all charts", float("inf")):
            best = {**spent, "all charts": total}
    print(
        f"  all charts of the report {best['all charts']:.3f} s CPU ("
        + ", ".join(f"{k} {v:.3f}" for k, v in best.items() if k != "all charts")
        + ")"
    )
    print(
        f"  whole report {t_whole:.3f} s = {t_whole / t_analysis:.2f}x the analysis alone "
        f"({t_analysis:.3f} s)"
    )


def main() -> None:
    report_only = "--report-only" in sys.argv  # e.g. on older code: PYTHONPATH=<export> ...
    args = [a for a in sys.argv[1:] if a != "--report-only"]
    if args:
        data = Path(args[0])
    else:
        data = Path(tempfile.mkdtemp(prefix="paceqi-bench-"))
        paceqi = str(Path(sys.executable).with_name("paceqi"))
        subprocess.run([paceqi, "synth", "--out", str(data), "--seed", "20140101"], check=True)
    _report(data, "Orkney Islands")  # warm-up: imports, catalogue
    for authority in AUTHORITIES:
        if not report_only:
            charts_bench(data, authority)
            delay_bench(data, authority)
        else:
            print(authority)
        report_bench(data, authority)


if __name__ == "__main__":
    main()
