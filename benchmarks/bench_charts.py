"""Chart output size and time: paceqi's to_svg against matplotlib's default SVG and a PNG.

Run: .venv/bin/python benchmarks/bench_charts.py  (plain script, not a test)
The obvious alternatives are `fig.savefig(buf, format="svg")` (fonts as paths, metadata,
full-precision coordinates) and an inline base64 PNG at 100 dpi, measured in the same run on the
same figures.
"""

from __future__ import annotations

import base64
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "charts"))
from conftest import make_result  # noqa: E402

from paceqi.charts import small_multiples, spc_chart, to_svg  # noqa: E402


def _timed(fn, repeat=5):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _default_svg(fig):
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def main() -> None:
    rng = np.random.default_rng(7)
    cases = {}
    for n in (24, 64, 250):
        y = np.r_[rng.normal(150, 10, n // 2), rng.normal(100, 10, n - n // 2)]
        cases[f"run chart, {n} points"] = make_result(
            y, direction="decrease", shift=range(n // 2, n)
        )
    res24 = cases["run chart, 24 points"]
    notes = pd.DataFrame(
        {
            "date": ["2017-01-01", "2017-03-01"],
            "label": ["", ""],
            "kind": ["pdsa_start", "pdsa_end"],
            "cycle_no": [1, 1],
        }
    )
    print(
        f"{'figure':34} {'build s':>8} {'to_svg s':>9} {'to_svg KB':>10} "
        f"{'mpl svg KB':>11} {'mpl svg s':>10} {'png KB':>8} {'png s':>7}"
    )
    figures = {k: (lambda r=r: spc_chart(r, notes, title="Days")) for k, r in cases.items()}
    figures["small multiples, 6 x 24 points"] = lambda: small_multiples(
        {f"LA {i}": res24 for i in range(6)}
    )
    figures["small multiples, 32 x 24 points"] = lambda: small_multiples(
        {f"LA {i}": res24 for i in range(32)}, ncols=4
    )
    for name, build in figures.items():
        t_build, fig = _timed(build)
        t_svg, svg = _timed(lambda fig=fig: to_svg(fig))
        t_def, dsvg = _timed(lambda fig=fig: _default_svg(fig))
        t_png, png = _timed(lambda fig=fig: _png(fig))
        print(
            f"{name:34} {t_build:8.3f} {t_svg:9.3f} {len(svg.encode()) / 1000:10.1f} "
            f"{len(dsvg.encode()) / 1000:11.1f} {t_def:10.3f} {len(png) / 1000:8.1f} {t_png:7.3f}"
        )


if __name__ == "__main__":
    main()
