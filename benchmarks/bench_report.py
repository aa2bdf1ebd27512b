"""CPU time of one change-idea report, per section, as a batch kernel runs it.

Run: .venv/bin/python benchmarks/bench_report.py  (plain script, not a test; needs `make reports`
first for data/synthetic and workspace/paceqi.db)

A batch kernel imports pandas/matplotlib once, then for every report deletes every ``paceqi``
module (``paceqi.report.kernelpool.RESET_CODE``), re-imports paceqi and runs the notebook. This
script does the same in one process: one warm-up report, then for a small (Orkney Islands),
medium (Fife) and large (Glasgow City) authority it purges ``paceqi.*`` and times the report
REPEAT times (CPU seconds, ``time.process_time``; the minimum is the least disturbed by other
load on the machine). In the same run it compares against the obvious alternatives the speed-ups
replaced: matplotlib's stock ``FigureCanvasSVG.print_svg`` (every figure measures its text
afresh), PyYAML's pure-Python ``safe_load`` of the catalogue, and the SVG size without grouping
the chart markers.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUTHORITIES = ("Orkney Islands", "Fife", "Glasgow City")
REPEAT = 3
SECTIONS = (
    "answer",
    "aim",
    "ramp",
    "outcome",
    "process",
    "balancing",
    "journeys",
    "waiting",
    "data_quality",
    "method",
    "record",
)


def _purge() -> None:
    for name in [m for m in sys.modules if m == "paceqi" or m.startswith("paceqi.")]:
        del sys.modules[name]
    gc.collect()


def _extract(authority: str) -> Path:
    slug = authority.lower().replace(" ", "_").replace("-", "_")
    return ROOT / "data" / "synthetic" / "extracts" / f"{slug}.csv"


def report_times(authority: str) -> dict[str, float]:
    """CPU seconds of import + build + every section of one report (fresh paceqi modules)."""
    _purge()
    times: dict[str, float] = {}
    t = time.process_time()
    paceqi = importlib.import_module("paceqi")
    r = paceqi.change_idea_report(
        authority=authority,
        extract=str(_extract(authority)),
        pdsa=str(ROOT / "workspace" / "paceqi.db"),
        change_idea="two_week_planning_meeting",
        as_of="2021-03-31",
        interactive=False,
    )
    times["import+build"] = time.process_time() - t
    calls = {name: getattr(r, name, None) for name in SECTIONS}
    for family in ("outcome", "process", "balancing"):
        calls[family] = lambda family=family: r.measures(family)
    for name in SECTIONS:
        t = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):  # record() prints the figures
            str(calls[name]())
        times[name] = time.process_time() - t
    times["total"] = sum(times.values())
    return times


def _charts(authority: str) -> list:
    """The figures of one report (built, not yet rendered)."""
    import paceqi.charts as charts

    figs = []
    # SPC, journeys and ramp charts are written straight to SVG since #15; the matplotlib
    # figures compared here are the SPC charts drawn with spc_figure from the same calls.
    originals = {n: getattr(charts, n) for n in ("spc_chart",)}
    for name, fn in originals.items():

        def keep(*a, _fn=fn, **k):
            mpl = {key: k[key] for key in ("title", "y_label", "target_label") if key in k}
            figs.append(charts.spc_figure(*a, **mpl))
            return _fn(*a, **k)

        setattr(charts, name, keep)
    try:
        import paceqi

        r = paceqi.change_idea_report(
            authority=authority,
            extract=str(_extract(authority)),
            pdsa=str(ROOT / "workspace" / "paceqi.db"),
            change_idea="two_week_planning_meeting",
            as_of="2021-03-31",
            interactive=False,
        )
        for fn in (r.ramp, r.journeys, *(lambda f=f: r.measures(f) for f in ("outcome",))):
            fn()
        r.measures("process")
        r.measures("balancing")
    finally:
        for name, fn in originals.items():
            setattr(charts, name, fn)
    return figs


def compare_svg(authority: str) -> None:
    """paceqi's renderer against matplotlib's stock print_svg, on the same figures."""
    import pickle

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from paceqi.charts import _figure, svg

    data = pickle.dumps(_charts(authority))

    def stock() -> list[str]:
        out = []
        for fig in pickle.loads(data):
            buf = io.StringIO()
            with _figure.themed():
                FigureCanvasSVG(fig).print_svg(buf, metadata=svg._NO_METADATA)
            out.append(buf.getvalue())
        return out

    def ours() -> list[str]:
        svg._TEXT_METRICS.clear()  # as in a batch kernel: nothing remembered from other reports
        out = []
        for fig in pickle.loads(data):
            buf = io.StringIO()
            with _figure.themed():
                svg._print_svg(fig, buf)
            out.append(buf.getvalue())
        return out

    a, b = [], []
    for _ in range(REPEAT + 2):
        t = time.process_time()
        x = stock()
        a.append(time.process_time() - t)
        t = time.process_time()
        y = ours()
        b.append(time.process_time() - t)
    assert x == y, "paceqi's SVG renderer must write exactly what print_svg writes"
    n = len(x)
    print(
        f"  render {n} figures: stock print_svg {min(a):.3f} s (median {statistics.median(a):.3f})"
        f" | text extents remembered {min(b):.3f} s (median {statistics.median(b):.3f});"
        " identical output"
    )
    grouped = sum(len(svg.to_svg(f).encode()) for f in pickle.loads(data))
    real = svg._group_markers
    svg._group_markers = lambda text: text
    try:
        plain = sum(len(svg.to_svg(f).encode()) for f in pickle.loads(data))
    finally:
        svg._group_markers = real
    print(
        f"  SVG bytes of the report's charts: markers grouped {grouped:,} | "
        f"ungrouped {plain:,} ({100 * (plain - grouped) / plain:.0f}% smaller)"
    )


def compare_yaml() -> None:
    """The catalogue parsed with the C loader (and cached) against pure-Python safe_load."""
    import yaml

    from paceqi import _yaml
    from paceqi.catalogue import _parse, load_catalogue

    text = (ROOT / "parameters" / "catalogues" / "scotland.yaml").read_text(encoding="utf-8")
    rows = []
    for label, fn in (
        ("yaml.safe_load (pure Python)", lambda: yaml.safe_load(text)),
        ("paceqi._yaml.safe_load (libyaml C)", lambda: _yaml.safe_load(text)),
    ):
        t = time.process_time()
        for _ in range(20):
            fn()
        rows.append((label, (time.process_time() - t) / 20))
    _parse.cache_clear()
    t = time.process_time()
    load_catalogue()
    first = time.process_time() - t
    t = time.process_time()
    for _ in range(20):
        load_catalogue()
    again = (time.process_time() - t) / 20
    for label, secs in rows:
        print(f"  catalogue parse, {label}: {1000 * secs:.1f} ms")
    print(f"  load_catalogue(): first {1000 * first:.1f} ms, cached {1000 * again:.2f} ms")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    missing = [a for a in AUTHORITIES if not _extract(a).is_file()]
    if missing or not (ROOT / "workspace" / "paceqi.db").is_file():
        sys.exit("Run `make reports` first (needs data/synthetic and workspace/paceqi.db).")
    with contextlib.redirect_stdout(io.StringIO()):
        report_times("Fife")  # warm-up: third-party imports, as a kernel's first report
    results = {}
    for authority in AUTHORITIES:
        runs = [report_times(authority) for _ in range(REPEAT)]
        results[authority] = {k: min(r[k] for r in runs) for k in runs[0]}
    names = list(next(iter(results.values())))
    print(f"CPU seconds per report section (min of {REPEAT}; paceqi re-imported each time)")
    print(f"{'section':14}" + "".join(f"{a:>16}" for a in AUTHORITIES))
    for name in names:
        print(f"{name:14}" + "".join(f"{results[a][name]:16.3f}" for a in AUTHORITIES))
    print("Alternatives, same run:")
    for authority in AUTHORITIES:
        print(f" {authority}:")
        compare_svg(authority)
    compare_yaml()


if __name__ == "__main__":
    main()
