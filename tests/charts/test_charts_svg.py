import re
import xml.etree.ElementTree as ET

import pandas as pd

from paceqi.charts import journeys_chart, ramp_chart, small_multiples, spc_chart, to_svg

BUDGET = 60_000


def test_svg_is_inline_accessible_and_small(shift_down):
    notes = pd.DataFrame(
        {"date": ["2017-01-01"], "label": ["a"], "kind": ["pdsa_start"], "cycle_no": [1]}
    )
    svg = to_svg(spc_chart(shift_down, notes, title="Days to recommendation", y_label="days"))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata" not in svg
    assert not re.search(r'href="(?!#)', svg)  # no external references
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    assert '<title id="' in svg and "Run chart of days to recommendation, 24 months" in svg
    assert 'role="img"' in svg
    assert len(svg.encode()) < BUDGET
    root = ET.fromstring(svg)  # well-formed XML
    assert root[0].tag == "{http://www.w3.org/2000/svg}title"


def test_svg_text_stays_text_and_is_escaped(make):
    res = make([1, 2, 3, 2, 1, 2, 3, 2, 1, 2])
    svg = to_svg(spc_chart(res, title="<script>alert(1)</script>"), desc="a < b & c")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "a &lt; b &amp; c" in svg


def test_ids_are_unique_per_chart_and_references_follow(shift_down, flat):
    a, b = to_svg(spc_chart(shift_down)), to_svg(spc_chart(flat))
    ids_a = set(re.findall(r'id="([^"]+)"', a))
    ids_b = set(re.findall(r'id="([^"]+)"', b))
    assert not ids_a & ids_b
    for ref in re.findall(r'href="#([^"]+)"', a) + re.findall(r"url\(#([^)]+)\)", a):
        assert ref in ids_a


def test_svg_is_deterministic(shift_down):
    assert to_svg(spc_chart(shift_down)) == to_svg(spc_chart(shift_down))


def test_every_chart_fits_the_budget(shift_down, flat):
    j = pd.DataFrame(
        {
            "child_id": [f"C{i:02d}" for i in range(30) for _ in range(3)],
            "stage": ["looked_after", "two_week_meeting", "permanence_recommended"] * 30,
            "date": [
                d
                for i in range(30)
                for d in pd.date_range(f"2017-{1 + i % 12:02d}-01", periods=3, freq="45D")
            ],
        }
    )
    c = pd.DataFrame(
        {
            "cycle_no": range(1, 7),
            "start_date": pd.date_range("2017-01-01", periods=6, freq="4W"),
            "end_date": [*pd.date_range("2017-01-21", periods=5, freq="4W"), None],
            "act": ["adapt", "adapt", "abandon", "adapt", "adopt", None],
        }
    )
    figs = [
        journeys_chart(j),
        ramp_chart(c),
        small_multiples({f"LA {i}": shift_down for i in range(6)}),
    ]
    for fig in figs:
        assert len(to_svg(fig).encode()) < BUDGET


def test_repeated_styles_become_chart_scoped_classes(shift_down, flat):
    a, b = to_svg(spc_chart(shift_down)), to_svg(spc_chart(flat))
    classes_a = set(re.findall(r'class="([^"]+)"', a))
    classes_b = set(re.findall(r'class="([^"]+)"', b))
    assert classes_a and not classes_a & classes_b
    rules = set(re.findall(r"\.([\w-]+)\{", a))
    assert classes_a <= rules
