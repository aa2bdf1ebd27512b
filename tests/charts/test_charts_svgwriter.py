"""The small SVG writer, the scales and the flag layout behind the charts."""

import urllib.parse
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paceqi.charts.flags import Mark, layout_flags, overlapping, range_label
from paceqi.charts.scales import date_ticks, nice_ticks
from paceqi.charts.svgwriter import SVG, data_uri, esc, marker, num, text_width, wrap


def test_text_width_follows_the_font_metrics():
    assert text_width("", 12) == 0
    assert text_width("i", 12) < text_width("W", 12)
    assert text_width("abc", 24) == pytest.approx(2 * text_width("abc", 12))
    assert text_width("–", 10) == pytest.approx(5.0)  # en dash: 500/1000 em
    assert text_width("ü", 10) > 0  # characters without a stored width count as wide


def test_wrap_keeps_lines_within_the_width():
    text = "PDSA cycles: 1: 1 Aug 2016 to 5 Sep 2016; 2: 10 Sep 2016 to 22 Oct 2016"
    lines = wrap(text, 150, 12)
    assert " ".join(lines) == text
    assert all(text_width(line, 12) <= 150 for line in lines if " " in line)


def test_numbers_and_escaping():
    assert [num(v) for v in (1.0, 1.04, 1.06, -2.5, 1e-9)] == ["1", "1", "1.1", "-2.5", "0"]
    assert esc('<a href="x">&\x00</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"


def test_data_uri_round_trips_and_stays_small():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>50% &amp; #1 "q"\n</text></svg>'
    uri = data_uri(svg)
    assert uri.startswith("data:image/svg+xml;charset=utf-8,")
    assert not set('"&#\n') & set(uri.split(",", 1)[1])  # nothing that ends an attribute
    assert urllib.parse.unquote(uri.split(",", 1)[1]) == svg
    assert len(uri) < 1.3 * len(svg) + 40


def test_svg_document_is_well_formed_with_classes_prefixed():
    s = SVG(100, 50)
    cls = s.css("a", "stroke:#000")
    s.open(cls)
    s.line(0, 0, 10, 0)
    s.path([(0, 0), (5, 5), (float("nan"), 1), (7, 7), (8, 9)])
    s.close()
    s.text(1, 2, "x < y", anchor="middle", rotate=True)
    out = s.render(title="T & t", desc="D", prefix="p-")
    root = ET.fromstring(out)
    assert root.get("viewBox") == "0 0 100 50"
    assert ".p-a{stroke:#000}" in out and 'class="p-a"' in out
    assert 'd="M0 0H10"' in out and 'd="M0 0L5 5M7 7L8 9"' in out  # NaN breaks the line
    assert "\x00" not in out


@pytest.mark.parametrize("shape", ["o", "s", "D", "^", "v", "<", ">", "X", "P", "*", "h", "p"])
def test_every_marker_shape_is_valid_svg_with_its_hover_text(shape):
    el = ET.fromstring(marker(shape, 10, 10, 3, "c", tip="Jan 2017: 5 & more"))
    assert el.get("class") == "c"
    assert el.find("title").text == "Jan 2017: 5 & more"


def test_nice_and_date_ticks():
    assert nice_ticks(0.13, 0.87) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(5, 5)  # a constant series still gets an axis
    ticks = date_ticks(pd.Timestamp("2012-01-01"), pd.Timestamp("2021-03-01"))
    assert len(ticks) <= 7 and all(label.isdigit() for _, label in ticks)
    months = date_ticks(pd.Timestamp("2016-09-10"), pd.Timestamp("2017-05-20"))
    assert [label for _, label in months][:3] == ["Nov 2016", "Jan 2017", "Mar"]


def test_range_labels():
    assert range_label([Mark("3", 3, 0), Mark("4", 4, 0), Mark("5", 5, 0)]) == "3–5"
    assert range_label([Mark("2", 2, 0), Mark("9", 9, 0)]) == "2, 9"


@given(
    st.lists(st.floats(min_value=0, max_value=400), min_size=1, max_size=40),
    st.floats(min_value=8, max_value=16),
)
def test_flags_never_overlap_and_cover_every_mark(xs, size):
    marks = [Mark(str(i + 1), i + 1, x) for i, x in enumerate(xs)]
    flags = layout_flags(marks, left=40, right=460, size=size)
    assert not overlapping(flags)
    assert sorted(m.order for f in flags for m in f.marks) == list(range(1, len(xs) + 1))
    for f in flags:
        assert f.right - f.left >= text_width(f.label, size)
        if f.right - f.left <= 420:  # a flag that fits stays inside the plot
            assert f.left >= 40 and f.right <= 460 + 1e-9


def test_crowded_flags_merge_into_ranges_and_spread_ones_stay_apart():
    crowded = [Mark(str(i), i, 200 + i) for i in range(3, 8)]
    assert [f.label for f in layout_flags(crowded, left=0, right=400, size=12)] == ["3–7"]
    spread = [Mark(str(i), i, 60.0 * i) for i in range(1, 6)]
    assert [f.label for f in layout_flags(spread, left=0, right=400, size=12)] == list("12345")
