"""The SPC chart written straight to SVG, on results of the real engine (``paceqi.spc``)."""

import dataclasses
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import paceqi
from paceqi.charts import spc_chart, theme, to_svg
from paceqi.charts.spcsvg import SMALL, TITLE, WIDTH
from paceqi.errors import OptionsError

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = pd.date_range("2016-01-01", periods=24, freq="MS")


def _svg(chart, **kw):
    return to_svg(chart, id_prefix="t-", **kw)


def _root(chart):
    return ET.fromstring(_svg(chart))


def _class(root, name):
    """Elements of class ``t-<name>`` outside the legend, groups expanded to their children."""
    out = []
    legend = {el for g in root.iter() if g.get("class") == "t-lg" for el in g.iter()}
    for el in root.iter():
        if el in legend:
            continue
        if el.get("class") == f"t-{name}":
            out.extend(list(el) if el.tag == f"{SVG}g" else [el])
    return [el for el in out if el.tag != f"{SVG}title"]


def _rules(svg):
    return dict(re.findall(r"\.t-([\w-]+)\{([^}]*)\}", svg))


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def _caption(chart):
    return " ".join(chart.caption)


def test_run_chart_has_data_median_and_signal_points_in_theme_colours(shift_down):
    chart = spc_chart(shift_down, title="Days to recommendation", y_label="days")
    svg = _svg(chart)
    root = ET.fromstring(svg)
    texts = _texts(root)
    assert "Days to recommendation" in texts and "days" in texts
    assert len(_class(root, "c")) == 1  # one centre line: two points, spanning the data
    assert re.fullmatch(r"M[\d.]+ [\d.]+H[\d.]+", _class(root, "c")[0].get("d"))
    assert not _class(root, "l")  # run chart: no limits
    imp = _class(root, "m1")  # special_cause_improvement
    assert len(imp) == 12 and all(el.tag == f"{SVG}path" for el in imp)  # diamonds
    assert theme.POINT_COLOURS["special_cause_improvement"] in _rules(svg)["m1"]
    assert len(_class(root, "m2")) == 12  # the year above the median: a concern, crosses
    assert theme.POINT_COLOURS["special_cause_concern"] in _rules(svg)["m2"]
    assert "centre line (median)" in texts and "signal: improvement" in texts


def test_concern_and_neutral_signals_get_their_own_colour_and_shape():
    y = [5, 6, 5, 6, 5, 6, 5, 40, 5, 6, 5, 6, 5, 6, -30, 5, 6, 5, 6, 5]
    root = _root(spc_chart(paceqi.spc(y, chart="i")))  # no direction: neutral high / low
    (hi,) = _class(root, "m3")
    (lo,) = _class(root, "m4")
    assert "signal: high" in _texts(root) and "signal: low" in _texts(root)
    # triangles: up has its apex first (above), down below
    assert hi.get("d").startswith("M") and hi.get("d").endswith("z")
    svg = _svg(spc_chart(paceqi.spc(y, chart="i", direction="decrease")))
    assert theme.ORANGE in _rules(svg)["m2"] and theme.PURPLE in _rules(svg)["m3"]
    assert len(_class(ET.fromstring(svg), "m2")) == 1  # the high point is a concern


def test_control_chart_draws_limits_and_two_sigma_lines():
    res = paceqi.spc([10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 12], chart="i")
    root = _root(spc_chart(res))
    assert len(_class(root, "l")) == 2 and len(_class(root, "s")) == 2
    assert "centre line (mean)" in _texts(root) and "control limits" in _texts(root)


def test_phases_are_separate_segments_with_labels():
    y = [150] * 6 + [149, 151] * 3 + [100, 102] * 6
    res = paceqi.spc(y, x=MONTHS, phases=[12])
    root = _root(spc_chart(res))
    assert len(_class(root, "c")) == 2
    assert len(_class(root, "p")) == 1  # one separator
    assert "Phase 1" in _texts(root) and "Phase 2" in _texts(root)


def test_frozen_baseline_is_extended_dashed():
    res = paceqi.spc([10, 12, 11, 13] * 5, x=MONTHS[:20], chart="i", freeze=12)
    svg = _svg(spc_chart(res))
    assert len(_class(ET.fromstring(svg), "ce")) == 1
    assert "stroke-dasharray" in _rules(svg)["ce"]
    assert "centre line extended from baseline" in svg


def test_excluded_points_are_hollow():
    res = paceqi.spc([10, 12, 11, 30, 10, 12, 11, 13, 10, 12, 11, 13], chart="i", exclude=[3])
    svg = _svg(spc_chart(res))
    (ex,) = _class(ET.fromstring(svg), "x")
    assert "fill:#fff" in _rules(svg)["x"]
    assert ex.find(f"{SVG}title").text.endswith("excluded")
    assert len(_class(ET.fromstring(svg), "m0")) == 11


def test_target_line_with_label():
    res = paceqi.spc([10, 12, 11, 13] * 4, target=9.0)
    root = _root(spc_chart(res))
    assert len(_class(root, "t")) == 1
    assert "target: 9" in _texts(root)
    # an explicit target wins over the result's, and a label is shown as given
    root = _root(spc_chart(res, target=20, target_label="aim: 20 days"))
    assert _texts(root).count("aim: 20 days") == 2  # by the line and in the legend


def _notes(starts, ends=None, extra=()):
    rows = []
    for i, s in enumerate(starts, start=1):
        rows.append({"date": s, "label": "", "kind": "pdsa_start", "cycle_no": i})
        if ends:
            rows.append({"date": ends[i - 1], "label": "", "kind": "pdsa_end", "cycle_no": i})
    rows += [
        {"date": d, "label": label, "kind": "system_change", "cycle_no": None} for d, label in extra
    ]
    return pd.DataFrame(rows)


def test_pdsa_cycles_are_numbered_flags_and_listed(shift_down):
    notes = _notes(
        ["2016-03-01", "2017-01-01", "2017-01-20", "2017-02-10"],
        ["2016-04-01", "2017-01-15", "2017-02-05", "2017-03-01"],
        extra=[("2017-06-01", "New IT system $5 <b>")],
    )
    original = notes.copy()
    chart = spc_chart(shift_down, notes, title="Days")
    labels = [f.label for f in chart.flags]
    assert labels[0] == "1" and "2–4" in labels and labels[-1] == "A"
    assert "2, 3" not in labels  # clusters of consecutive cycles are ranges
    svg = _svg(chart)
    root = ET.fromstring(svg)
    assert len(_class(root, "tp")) == 1  # the test period
    assert "PDSA cycles: 1: 1 Mar 2016 to 1 Apr 2016; 2: 1 Jan 2017 to 15 Jan 2017" in _caption(
        chart
    )
    desc = root.find(f"{SVG}desc").text
    assert "PDSA cycles: 1: 1 Mar 2016" in desc and "A: New IT system $5 <b>" in desc
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    pd.testing.assert_frame_equal(notes, original)  # input untouched


def test_pdsa_flags_never_overlap_even_when_crowded(shift_down):
    starts = pd.date_range("2016-11-01", periods=14, freq="7D").strftime("%Y-%m-%d").tolist()
    chart = spc_chart(shift_down, _notes(starts))
    boxes = [(f.left, f.right) for f in chart.flags]
    assert all(a[1] < b[0] for a, b in zip(boxes, boxes[1:], strict=False))
    covered = sorted(int(m.label) for f in chart.flags for m in f.marks)
    assert covered == list(range(1, 15))


def test_running_cycle_shades_to_the_end(shift_down):
    chart = spc_chart(shift_down, _notes(["2017-06-01"]))
    assert "1: 1 Jun 2017 to running" in _caption(chart)


def test_n_per_point_on_hover_and_no_percentage_of_fewer_than_min_n():
    n = np.array([30, 25, 3, 28, 31, 27, 2, 29, 30, 26, 28, 30, 31, 29])
    y = np.round(n * 0.4).astype(int)
    res = paceqi.spc(y, n=n, x=MONTHS[:14], chart="p")
    chart = spc_chart(res, min_n=5)
    svg = _svg(chart)
    root = ET.fromstring(svg)
    tips = [el.find(f"{SVG}title").text for el in _class(root, "m0")]
    assert tips[0] == "Jan 2016: 40% (n = 30)"
    # 1 of 3 = 33 % would reveal the children: the point is neither drawn nor tabled
    assert len(tips) == 12 and not any("Mar 2016" in t or "Jul 2016" in t for t in tips)
    assert "fewer than 5" not in " ".join(tips) and "33%" not in svg
    assert "Points of fewer than 5 children are not drawn" in _caption(chart)
    assert not [el for el in _class(root, "m0") if el.get("class") == "t-h"]


def test_points_of_few_children_are_hollow_on_a_chart_of_days():
    n = np.array([30, 25, 3, 28, 31, 27, 2, 29, 30, 26, 28, 30, 31, 29])
    days = np.array([40, 42, 90, 38, 41, 44, 12, 39, 40, 43, 41, 40, 42, 39])
    res = paceqi.spc(days, x=MONTHS[:14], chart="run")
    chart = spc_chart(res, n=n, min_n=5)
    root = _root(chart)
    tips = [el.find(f"{SVG}title").text for el in _class(root, "m0")]
    assert "Mar 2016: 90 (n = fewer than 5)" in tips  # a median of days, not a share
    hollow = [el for el in _class(root, "m0") if el.get("class") == "t-h"]
    assert len(hollow) == 2
    assert "Hollow points stand for fewer than 5" in _caption(chart)


def test_data_table_of_a_p_chart_withholds_small_points():
    n = np.array([30, 25, 3, 28, 31, 27, 2, 29, 30, 26, 28, 30, 31, 29])
    y = np.round(n * 0.4).astype(int)
    chart = spc_chart(paceqi.spc(y, n=n, x=MONTHS[:14], chart="p"), min_n=5)
    root = _root(chart)
    t = chart.table
    assert list(t.columns[:6]) == [
        "Period",
        "n",
        "Value",
        "Centre line",
        "Lower limit",
        "Upper limit",
    ]
    assert t["n"].iloc[6] == "fewer than 5" and t["Note"].iloc[6] == "fewer than 5"
    assert t["Value"].iloc[2] == t["Value"].iloc[6] == ""
    html = chart.table_html()
    assert html.startswith('<details class="paceqi-data"><summary>') and "<td>Jan 2016</td>" in html
    assert all(
        label.endswith("%") for label in _texts(root) if re.fullmatch(r"[\d.]+%", label or "")
    )
    assert "100%" in _texts(root) or "50%" in _texts(root) or "40%" in _texts(root)


def test_incomplete_points_are_greyed_and_labelled(shift_down):
    flags = np.zeros(24, bool)
    flags[-2:] = True
    chart = spc_chart(shift_down, incomplete=flags)
    svg = _svg(chart)
    root = ET.fromstring(svg)
    greyed = _class(root, "gr")
    assert len(greyed) == 2
    assert all(el.find(f"{SVG}title").text.endswith("; incomplete") for el in greyed)
    assert "incomplete" in _texts(root)
    assert "Greyed points are incomplete" in _caption(chart)
    assert list(chart.table["Note"].iloc[-2:]) == ["incomplete", "incomplete"]
    # the column of the result is read when present; incomplete points left out of the
    # calculations (as reports do) are drawn greyed, not as other excluded points
    res = dataclasses.replace(shift_down, points=shift_down.points.assign(incomplete=flags))
    assert "Greyed points" in _caption(spc_chart(res))
    res = paceqi.spc(list(shift_down.points["y"]), x=MONTHS, exclude=[22, 23])
    root = _root(spc_chart(res, incomplete=flags))
    assert len(_class(root, "gr")) == 2 and not _class(root, "x")


def test_caveats_become_the_caption():
    res = paceqi.spc([10, 12, 11, 13, 12, 10, 11], chart="i")
    caption = _caption(spc_chart(res))
    assert "Trial limits: fewer than 12 points" in caption
    assert "Too few useful points for the runs analysis" in caption
    assert "I chart; centre line: mean; signals by IHI rules." in caption


def test_all_points_on_centre_line_and_mr_zero_caveats():
    assert "All points lie on the centre line" in _caption(spc_chart(paceqi.spc([7.0] * 12)))
    assert "average moving range is 0" in _caption(spc_chart(paceqi.spc([7.0] * 14, chart="i")))


def test_annotations_on_a_numeric_axis_are_not_lost_silently():
    res = paceqi.spc([10, 12, 11, 13] * 3, x=range(12))
    chart = spc_chart(res, _notes(["2017-01-01"]))
    assert "Annotations are not shown" in _caption(chart)
    assert chart.flags == []


def test_long_series_marks_only_signals_and_stays_small():
    rng = np.random.default_rng(3)
    y = np.r_[rng.normal(150, 10, 300), rng.normal(60, 10, 300)]
    x = pd.date_range("2010-01-01", periods=600, freq="D")
    chart = spc_chart(paceqi.spc(y, x=x, direction="decrease"), title="Days")
    root = _root(chart)
    assert not _class(root, "m0")
    assert len(_class(root, "m1")) >= 250
    assert "only signals are marked" in _caption(chart)
    assert len(_svg(chart).encode()) < 60_000


def test_varying_limits_are_drawn_as_steps():
    n = [20, 40, 25, 35, 30, 22, 38, 27, 33, 29, 24, 36]
    res = paceqi.spc([10, 18, 12, 15, 14, 9, 17, 12, 15, 13, 11, 16], n=n, chart="p")
    (ucl, lcl) = _class(_root(spc_chart(res)), "l")
    assert ucl.get("d").count("V") >= 10  # a step per point


def test_bad_annotations_are_clear_errors(shift_down):
    with pytest.raises(OptionsError, match="missing column.*kind"):
        spc_chart(shift_down, pd.DataFrame({"date": ["2017-01-01"], "label": ["a"]}))
    with pytest.raises(OptionsError, match=r"row 1, column 'kind': unknown kind"):
        spc_chart(
            shift_down,
            pd.DataFrame(
                {"date": ["2017-01-01"] * 2, "label": ["a", "b"], "kind": ["pdsa_start", "meeting"]}
            ),
        )
    with pytest.raises(OptionsError, match=r"'date' is empty or not a date in row\(s\) 0") as err:
        spc_chart(
            shift_down,
            pd.DataFrame({"date": ["soon"], "label": ["Jo Bloggs"], "kind": ["pdsa_end"]}),
        )
    assert "Jo Bloggs" not in str(err.value)


def test_not_a_result_and_unknown_point_type_are_clear_errors(shift_down):
    with pytest.raises(OptionsError, match="expected an SPCResult"):
        spc_chart(pd.DataFrame({"y": [1, 2]}))
    res = dataclasses.replace(shift_down, points=shift_down.points.assign(point_type="odd"))
    with pytest.raises(OptionsError, match="unknown value"):
        spc_chart(res)


def test_chart_does_not_mutate_result_or_touch_matplotlib(shift_down):
    import sys

    before = shift_down.points.copy()
    spc_chart(shift_down, title="Days").to_svg()
    pd.testing.assert_frame_equal(shift_down.points, before)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        assert not plt.get_fignums()


def test_text_is_legible_on_a_phone_and_the_svg_scales(shift_down):
    notes = _notes(["2016-06-01", "2017-01-01"], ["2016-07-01", "2017-02-01"])
    svg = _svg(spc_chart(shift_down, notes, title="Days to recommendation", y_label="days"))
    root = ET.fromstring(svg)
    sizes = [_size(t) for t in root.iter(f"{SVG}text")]
    assert re.search(r"text\{[^}]*font-size:12px", svg)
    # at least 11 px on a 390 px wide screen, whose report column is at least 358 px wide
    assert min(sizes) * 358 / WIDTH >= 11
    assert min(SMALL, TITLE) * 358 / WIDTH >= 11
    assert root.get("viewBox").startswith(f"0 0 {WIDTH:g} ")
    assert root.get("width") is None and root.get("height") is None  # scales to its container
    assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc"


def test_numeric_x_and_draw_into_given_axes_with_matplotlib():
    from matplotlib.figure import Figure

    res = paceqi.spc([10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11], x=range(1, 12), chart="i")
    assert "<svg" in _svg(spc_chart(res))
    fig = Figure()
    ax = fig.add_subplot()
    assert spc_chart(res, ax=ax) is fig
    assert [t.get_text() for t in ax.texts if t.get_label() == "_caveat-note"][0].startswith("⚠")


def _size(text) -> float:
    """Font size of an SVG text element: its inline style, else the stylesheet's 12 px."""
    found = re.search(r"font-size:([\d.]+)px", text.get("style") or "")
    return float(found.group(1)) if found else 12.0


def test_the_target_label_moves_left_of_the_incomplete_points():
    """The latest, greyed points carry their own "incomplete" label: the target's goes left."""
    y = [300.0, 320, 310, 290, 305, 315, 300, 295, 180, 170, 175, 178]
    res = paceqi.spc(y, x=pd.date_range("2015-01-01", periods=12, freq="QS"))
    incomplete = np.array([False] * 9 + [True] * 3)

    def target_x(inc):
        svg = spc_chart(res, target=182, target_label="target 182 days", incomplete=inc).to_svg()
        (x,) = re.findall(r'<text x="([\d.]+)"[^>]*-tt">target 182 days</text>', svg)
        return float(x), svg

    x_plain, _ = target_x(None)
    x_moved, svg = target_x(incomplete)
    assert "incomplete" in svg
    assert x_moved < x_plain / 2  # from the right end to the left end
