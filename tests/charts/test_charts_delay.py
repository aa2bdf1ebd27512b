"""The "where is the delay" chart, written straight to SVG: what it draws from known inputs."""

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from paceqi.changeidea.delaychart import delay_chart
from paceqi.charts import theme, to_svg
from paceqi.charts.spcsvg import WIDTH
from paceqi.errors import OptionsError

SVG = "{http://www.w3.org/2000/svg}"
INF, NAN = math.inf, math.nan


def _delay(**over):
    data = {
        "segment": ["Panel → Agency decision", "Looked after → Two Week Planning Meeting", "X → Y"],
        "km_median": [100.0, INF, 40.0],
        "km_lower": [80.0, NAN, 30.0],
        "km_upper": [130.0, NAN, 50.0],
        "target_days": [60, 14, None],
        "over_target": [40.0, NAN, NAN],
    }
    data.update(over)
    return pd.DataFrame(data)


def _root(chart):
    return ET.fromstring(to_svg(chart, id_prefix="t-"))


def _bars(root):
    """(element, its hover title) of every bar, top to bottom."""
    out = []
    for el in root.iter():
        title = el.find(f"{SVG}title")
        if el.tag in (f"{SVG}rect", f"{SVG}path") and title is not None:
            out.append((el, title.text))
    return out


def _paths(root, cls):
    """The ``d`` of every path of class ``t-<cls>`` outside the legend."""
    legend = {el for g in root.iter() if g.get("class") == "t-lg" for el in g.iter()}
    return [
        el.get("d")
        for el in root.iter(f"{SVG}path")
        if el.get("class") == f"t-{cls}" and el not in legend
    ]


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def test_one_bar_per_segment_in_order_with_its_median_as_length_and_label():
    root = _root(delay_chart(_delay()))
    bars = _bars(root)
    assert [t.split(":")[0] for _, t in bars] == list(_delay()["segment"])
    first, third = bars[0][0], bars[2][0]
    # bars start at the same x; lengths are proportional to the medians (100 and 40 days)
    assert first.get("x") == third.get("x")
    ratio = float(first.get("width")) / float(third.get("width"))
    assert ratio == pytest.approx(100 / 40, rel=0.01)
    assert "100" in _texts(root) and "40" in _texts(root)
    assert bars[0][1] == (
        "Panel → Agency decision: median 100 days (95% interval 80 to 130); target 60 days"
    )


def test_past_target_is_the_concern_colour_the_others_grey():
    svg = to_svg(delay_chart(_delay()), id_prefix="t-")
    root = ET.fromstring(svg)
    classes = [el.get("class") for el, _ in _bars(root)]
    assert classes == ["t-o", "t-w", "t-w"]
    assert f".t-o{{fill:{theme.ORANGE}}}" in svg and f".t-w{{fill:{theme.GREY}}}" in svg


def test_whiskers_span_the_interval_and_targets_are_ticks_at_their_days():
    root = _root(delay_chart(_delay()))
    bar = _bars(root)[0][0]
    x0, w = float(bar.get("x")), float(bar.get("width"))
    per_day = w / 100
    # the horizontal stroke of each whisker: "M<from> <y>H<to>"
    spans = [
        (float(m.group(1)), float(m.group(2)))
        for d in _paths(root, "e")
        if (m := re.fullmatch(r"M([\d.]+) [\d.]+H([\d.]+)", d))
    ]
    assert len(spans) == 2  # one per segment with an interval

    def near(a, b):
        return abs(a - b) < 0.2

    assert near(spans[0][0], x0 + 80 * per_day) and near(spans[0][1], x0 + 130 * per_day)
    assert near(spans[1][0], x0 + 30 * per_day) and near(spans[1][1], x0 + 50 * per_day)
    ticks = [float(d[1:].split(" ")[0]) for d in _paths(root, "t")]
    assert (
        len(ticks) == 2 and near(ticks[0], x0 + 60 * per_day) and near(ticks[1], x0 + 14 * per_day)
    )


def test_median_not_reached_runs_off_the_axis_with_words():
    root = _root(delay_chart(_delay()))
    el, title = _bars(root)[1]
    assert el.tag == f"{SVG}path" and title.startswith(
        "Looked after → Two Week Planning Meeting: median not reached"
    )
    assert "not reached" in _texts(root)
    assert any(t.startswith("Not reached: more than half") for t in _texts(root))
    ends = [float(v) for v in re.findall(r"L([\d.]+) ", el.get("d"))]
    assert max(ends) <= WIDTH  # the arrow stays inside the chart


def test_alt_text_title_axis_and_legend():
    chart = delay_chart(_delay())
    assert chart.title == "Where is the delay?"
    assert chart.description() == (
        "Panel → Agency decision: median 100 days (target 60 days); Looked after → Two Week "
        "Planning Meeting: median not reached (target 14 days); X → Y: median 40 days"
    )
    texts = _texts(_root(chart))
    assert "Median days (Kaplan–Meier)" in texts
    for item in ("median past its target", "within target, or no target", "95% interval", "target"):
        assert item in texts


def test_long_segment_names_wrap_inside_the_chart_and_text_is_phone_sized():
    long = "Child becomes looked after → Review of the plan of a child on a CSO at home for 2 years"
    root = _root(delay_chart(_delay(segment=[long, "A → B", "C → D"])))
    texts = _texts(root)
    assert "Child becomes looked after → Review of the plan of a child on" in " ".join(texts)
    assert long not in texts  # wrapped over two lines
    from paceqi.charts.svgwriter import text_width

    sizes = [_size(t) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * 358 / WIDTH >= 11  # at least 11 px in a phone's 358 px column
    for t in root.iter(f"{SVG}text"):
        if t.get("text-anchor") is None:
            assert float(t.get("x")) + text_width(t.text, _size(t)) <= WIDTH


def test_without_interval_or_target_nothing_is_invented():
    d = _delay(km_lower=[NAN] * 3, km_upper=[NAN] * 3, target_days=[None] * 3)
    root = _root(delay_chart(d))
    assert _paths(root, "t") == []  # no target tick (nor its legend)
    assert _paths(root, "e") == []  # no whiskers (nor their legend)
    assert "target" not in _texts(root) and "95% interval" not in _texts(root)


def test_bad_input_is_a_clear_error():
    with pytest.raises(OptionsError, match="expected a DataFrame"):
        delay_chart([1, 2])
    with pytest.raises(OptionsError, match="missing column.*km_median"):
        delay_chart(pd.DataFrame({"segment": ["a"]}))


def test_no_matplotlib_and_a_small_svg():
    d = _delay()
    svg = to_svg(delay_chart(pd.concat([d] * 5, ignore_index=True)), id_prefix="t-")
    assert len(svg.encode()) < 12_000, len(svg.encode())
    assert np.isfinite(float(ET.fromstring(svg).get("viewBox").split()[3]))


def _size(text) -> float:
    """Font size of an SVG text element: its inline style, else the stylesheet's 12 px."""
    found = re.search(r"font-size:([\d.]+)px", text.get("style") or "")
    return float(found.group(1)) if found else 12.0
