"""PDSA flags never overlap on any chart of the 32 authorities' demo reports.

The demo data is written by ``paceqi synth`` (the seed ``make reports`` uses); every measure
chart of the Two Week Planning Meeting report of every authority is drawn with its PDSA
annotations, and the flag boxes are read back from the SVG itself.
"""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import paceqi
from paceqi.charts import spc_chart, to_svg
from paceqi.charts.svgwriter import text_width
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, authority_slug

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    cli = Path(sys.executable).with_name("paceqi")
    subprocess.run([str(cli), "synth", "--out", str(out), "--seed", "20140101"], check=True)
    return out


def _flag_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, label) of every flag, read from the chart's flag layer."""
    root = ET.fromstring(svg)
    (layer,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "t-fl"] or [None]
    if layer is None:
        return []
    rects = [el for el in layer if el.tag == f"{SVG}rect"]
    texts = [el.text for el in layer if el.tag == f"{SVG}text"]
    assert len(rects) == len(texts)
    return [
        (
            float(r.get("x")),
            float(r.get("y")),
            float(r.get("x")) + float(r.get("width")),
            float(r.get("y")) + float(r.get("height")),
            t,
        )
        for r, t in zip(rects, texts, strict=True)
    ]


def test_pdsa_flags_never_overlap_on_any_demo_chart(demo):
    authorities = SCOTTISH_AUTHORITIES
    assert len(authorities) == 32
    charts = flagged = 0
    for name in authorities:
        slug = authority_slug(name)
        report = paceqi.change_idea_report(
            authority=name,
            extract=str(demo / "extracts" / f"{slug}.csv"),
            pdsa=str(demo / "pdsa" / f"{slug}.yaml"),
            change_idea="two_week_planning_meeting",
            as_of="2021-03-31",
            interactive=False,
        )
        a = report.analysis
        cycles = set(a.annotations.loc[a.annotations["kind"] == "pdsa_start", "cycle_no"])
        for m in a.measures:
            if m.result is None:
                continue
            chart = spc_chart(m.result, a.annotations, title=m.definition.label)
            charts += 1
            flags = chart.flags
            flagged += bool(flags)
            where = f"{name}, {m.name}"
            # each cycle is in exactly one flag, and flags are apart (from the layout) ...
            numbers = [int(mk.label) for f in flags for mk in f.marks if mk.label.isdigit()]
            assert sorted(numbers) == sorted(int(c) for c in cycles), where
            for f, g in zip(flags, flags[1:], strict=False):
                assert f.right < g.left, where
            # ... and in the SVG as written: boxes apart, each wide enough for its label
            boxes = sorted(_flag_boxes(to_svg(chart, id_prefix="t-")))
            assert len(boxes) == len(flags), where
            for b, c in zip(boxes, boxes[1:], strict=False):
                assert b[2] < c[0], f"{where}: flags {b[4]!r} and {c[4]!r} overlap"
            for x0, _, x1, _, label in boxes:
                assert text_width(label, 12) < x1 - x0, f"{where}: {label!r} wider than its flag"
    assert charts >= 32 * 4 and flagged >= 32


def test_report_charts_carry_a_download_and_their_data(demo):
    import re
    import urllib.parse

    report = paceqi.change_idea_report(
        authority="Fife",
        extract=str(demo / "extracts" / "fife.csv"),
        pdsa=str(demo / "pdsa" / "fife.yaml"),
        change_idea="two_week_planning_meeting",
        as_of="2021-03-31",
        interactive=False,
    )
    html = str(report.measures("outcome"))
    figures = re.findall(r'<figure class="paceqi-chart".*?</figure>', html, re.S)
    assert len(figures) == 2
    for fig in figures:
        svg = re.search(r"<svg.*?</svg>", fig, re.S).group(0)
        link = re.search(
            r'<a class="paceqi-download" download="([^"]+)" aria-label="[^"]+" href="([^"]+)"', fig
        )
        assert link and link.group(1).endswith(".svg")
        prefix = "data:image/svg+xml;charset=utf-8,"
        assert link.group(2).startswith(prefix)
        copy = urllib.parse.unquote(link.group(2)[len(prefix) :])
        # the chart itself, less the per-point hover texts (the data table holds them)
        assert copy == re.sub(r"<title>[^<]*</title>", "", svg) and "<title>" not in copy
        root = ET.fromstring(svg)
        assert root.find(f"{SVG}title").text and "PDSA cycles: 1:" in root.find(f"{SVG}desc").text
    tables = re.findall(r'<details class="paceqi-data">.*?</details>', html, re.S)
    assert len(tables) == 2
    assert '<th scope="col">n</th>' in tables[0] and "<caption>" in tables[0]
    assert "target 182 days (6 months)" in figures[0]  # the aim, labelled
    assert re.search(r"<title>\w{3} \d{4}: [\d.]+ \(n = (\d+|fewer than 5)\)", figures[0])
