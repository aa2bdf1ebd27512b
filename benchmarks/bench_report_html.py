"""Report HTML: paceqi's template against nbconvert's default ``lab`` template (issue #6).

Run: .venv/bin/python benchmarks/bench_report_html.py  (plain script, not a test)
Builds one real Two Week Planning Meeting report from synthetic data (Orkney Islands and
Glasgow City, the smallest and the largest authority), then renders the same executed
notebook with the obvious alternative, ``HTMLExporter(template_name="lab")`` with the code
hidden, and compares size, external URL references and render time in the same run.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "report"))
import report_build  # noqa: E402

from paceqi.report.render import Renderer  # noqa: E402

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.I)


def _timed(fn, repeat=5):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def _lab_exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def main() -> None:
    paceqi_renderer, lab = Renderer(), _lab_exporter()
    print(f"{'authority':16} {'template':8} {'KB':>7} {'ext. URLs':>9} {'<script>':>8} {'ms':>6}")
    for authority in ("Orkney Islands", "Glasgow City"):
        report_build.AUTHORITY = authority
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            built = report_build.build_report(Path(tmp))
            build_s = time.perf_counter() - t0
            nb = nbformat.read(built.html_path.with_suffix(".ipynb"), as_version=4)
            ours, t_ours = _timed(lambda nb=nb: paceqi_renderer.render(nb))
            theirs, t_lab = _timed(lambda nb=nb: lab.from_notebook_node(nb)[0])
        for name, page, seconds in (("paceqi", ours, t_ours), ("lab", theirs, t_lab)):
            print(
                f"{authority:16} {name:8} {len(page.encode()) / 1024:7.0f} "
                f"{len(_EXTERNAL.findall(page)):9d} {page.count('<script'):8d} "
                f"{seconds * 1000:6.0f}"
            )
        print(
            f"{authority:16} (notebook run, render and index: {build_s:.1f} s, "
            f"status {built.status})"
        )


if __name__ == "__main__":
    main()
