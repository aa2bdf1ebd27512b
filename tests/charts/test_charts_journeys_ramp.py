"""Journeys and PDSA ramp charts, written straight to SVG."""

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from paceqi.charts import journeys_chart, ramp_chart, theme, to_svg
from paceqi.errors import OptionsError

SVG = "{http://www.w3.org/2000/svg}"


def _root(chart):
    return ET.fromstring(to_svg(chart, id_prefix="t-"))


def _outside_legend(root, cls):
    legend = {el for g in root.iter() if g.get("class") == "t-lg" for el in g.iter()}
    out = []
    for el in root.iter():
        if el in legend or el.get("class") != f"t-{cls}":
            continue
        out.extend(list(el) if el.tag == f"{SVG}g" else [el])
    return out


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.fixture
def journeys():
    return pd.DataFrame(
        {
            "child_id": ["K1", "K1", "K1", "K2", "K2", "K3"],
            "stage": [
                "looked_after",
                "two_week_meeting",
                "permanence_recommended",
                "looked_after",
                "two_week_meeting",
                "looked_after",
            ],
            "stage_label": [
                "Looked after",
                "Two-week meeting",
                "Permanence recommended",
                "Looked after",
                "Two-week meeting",
                "Looked after",
            ],
            "date": [
                "2017-01-02",
                "2017-01-16",
                "2017-06-01",
                "2017-02-01",
                "2017-02-20",
                "2017-03-05",
            ],
        }
    )


def test_one_lane_per_child_stages_as_markers(journeys):
    chart = journeys_chart(
        journeys, as_of="2017-12-31", end_stage="permanence_recommended", title="Journeys"
    )
    root = _root(chart)
    texts = _texts(root)
    assert [t for t in texts if t in ("K1", "K2", "K3")] == ["K1", "K2", "K3"]
    assert {"Looked after", "Two-week meeting", "Permanence recommended"} <= set(texts)
    assert len(_outside_legend(root, "st0")) == 3  # looked after: every child
    assert _outside_legend(root, "st0")[0].tag == f"{SVG}circle"
    assert _outside_legend(root, "st1")[0].tag == f"{SVG}path"  # squares: a second shape
    assert len(_outside_legend(root, "st2")) == 1


def test_censored_children_run_to_the_as_of_date_with_an_arrow(journeys):
    chart = journeys_chart(journeys, as_of="2017-12-31", end_stage="permanence_recommended")
    root = _root(chart)
    assert len(_outside_legend(root, "w")) == 2  # K2 and K3 have not reached the end stage
    assert len(_outside_legend(root, "wh")) == 2  # each ends in an arrow head
    ends = {re.search(r"H([\d.]+)$", el.get("d")).group(1) for el in _outside_legend(root, "w")}
    assert len(ends) == 1  # both run on to the extract date
    # counts of 1-4 children are not published, not even in a chart's caption or alt text
    assert chart.caption[0] == (
        "fewer than 5 children; fewer than 5 children still waiting for permanence "
        "recommended at 31 December 2017."
    )
    assert "2 still waiting" not in to_svg(chart) and "3 children" not in to_svg(chart)


def test_caption_counts_of_five_or_more_children(journeys):
    many = pd.concat(
        [journeys.assign(child_id=journeys["child_id"] + f"-{k}") for k in range(4)],
        ignore_index=True,
    )
    chart = journeys_chart(many, as_of="2017-12-31", end_stage="permanence_recommended")
    assert chart.caption[0].startswith("12 children; 8 children still waiting")


def test_censored_column_and_cap(journeys):
    j = journeys.assign(censored=[False, False, False, True, True, False])
    chart = journeys_chart(j, max_children=2)
    assert len(_outside_legend(_root(chart), "w")) == 1
    assert "Showing the 2 earliest-starting children of 3" in " ".join(chart.caption)


def test_journeys_bad_input(journeys):
    with pytest.raises(OptionsError, match="missing column"):
        journeys_chart(journeys.drop(columns="stage"))
    with pytest.raises(OptionsError, match=r"not a date in row\(s\) 2"):
        journeys_chart(
            journeys.assign(
                date=["2017-01-02", "2017-01-16", "??", "2017-02-01", "2017-02-20", "2017-03-05"]
            )
        )


@pytest.fixture
def cycles():
    return pd.DataFrame(
        {
            "cycle_no": [1, 2, 3, 4],
            "start_date": ["2017-01-09", "2017-02-06", "2017-03-06", "2017-04-03"],
            "end_date": ["2017-01-27", "2017-02-24", "2017-03-24", None],
            "act": ["adapt", "abandon", "adopt", None],
            "label": ["One team", "Two teams", "All teams <b>", "Scale"],
        }
    )


def test_ramp_bars_numbered_and_coloured_by_act(cycles):
    original = cycles.copy()
    chart = ramp_chart(cycles, as_of="2017-04-20", show_labels=True, title="Ramp")
    svg = to_svg(chart, id_prefix="t-")
    root = ET.fromstring(svg)
    lines = [t for t in _texts(root) if t.startswith("PDSA")]
    assert [t.split(" · ")[0] for t in lines] == ["PDSA 1", "PDSA 2", "PDSA 3", "PDSA 4"]
    assert lines[0].startswith("PDSA 1 · adapt") and lines[2].startswith("PDSA 3 · adopt")
    assert lines[3].startswith("PDSA 4 · no decision yet (running)")
    assert "All teams &lt;b&gt;" in svg and "<b>" not in svg
    bars = [el.get("class") for el in root.iter(f"{SVG}rect") if el.get("class", "")[2:3] == "r"]
    assert bars[:4] == ["t-rada", "t-raba", "t-rado", "t-rpen"]
    rules = dict(re.findall(r"\.t-([\w-]+)\{([^}]*)\}", svg))
    assert theme.ACT_COLOURS["adopt"] in rules["rado"]
    assert "url(#t-hadapt)" in rules["rada"] and 'id="t-hadapt"' in svg  # hatched
    pd.testing.assert_frame_equal(cycles, original)


def test_ramp_axis_fits_its_cycles(cycles):
    # as of years later: the axis still spans the cycles only
    root = _root(
        ramp_chart(
            cycles.assign(end_date=["2017-01-27", "2017-02-24", "2017-03-24", "2017-05-01"]),
            as_of="2021-03-31",
        )
    )
    ticks = [t for t in _texts(root) if re.fullmatch(r"(\w{3})( \d{4})?|\d{4}", t or "")]
    assert ticks and not any(t.endswith(("2019", "2020", "2021")) for t in ticks)
    assert ticks[0].endswith("2017")


def test_ramp_bad_input(cycles):
    with pytest.raises(OptionsError, match="missing a column for 'start'"):
        ramp_chart(cycles.drop(columns="start_date"))
    with pytest.raises(OptionsError, match="unknown value"):
        ramp_chart(cycles.assign(act=["adapt", "keep", None, None]))
    with pytest.raises(OptionsError, match=r"end date before start date in row\(s\) 0"):
        ramp_chart(cycles.assign(end_date=["2016-01-01", None, None, None]))


def test_ramp_from_the_pdsa_store_shape():
    # PDSAStore.ramp(): two ramps, act_decision, title, n_predictions / n_met
    store = pd.DataFrame(
        {
            "change_idea": ["TWPM"] * 3,
            "ramp": ["Meeting", "Meeting", "Paperwork"],
            "cycle_no": [1, 2, 1],
            "title": ["a", "b", "c"],
            "start_date": [
                pd.Timestamp("2017-01-09").date(),
                pd.Timestamp("2017-02-06").date(),
                pd.Timestamp("2017-01-16").date(),
            ],
            "end_date": [
                pd.Timestamp("2017-01-27").date(),
                None,
                pd.Timestamp("2017-02-10").date(),
            ],
            "n_predictions": [2, 1, 0],
            "n_met": [1, 0, 0],
            "act_decision": ["adapt", None, "abandon"],
        }
    )
    chart = ramp_chart(store, as_of="2017-03-01")
    assert chart.caption == [
        "Meeting: PDSA 1: adapt · 1 of 2 predictions met",
        "Meeting: PDSA 2: no decision yet (running) · 0 of 1 prediction met",
        "Paperwork: PDSA 1: abandon · no prediction",
    ]
    assert len(_outside_legend(_root(chart), "k")) == 1  # a link only within "Meeting"


def test_journeys_from_the_measures_frame():
    # paceqi.journeys(): start_date, stage_order, open (the last segment of a child still waiting)
    frame = pd.DataFrame(
        {
            "authority": "A",
            "child_id": ["K1", "K1", "K2"],
            "step": [1, 2, 1],
            "stage": ["looked_after", "permanence_recommended", "looked_after"],
            "stage_order": [1, 6, 1],
            "start_date": pd.to_datetime(["2017-01-02", "2017-06-01", "2017-02-01"]),
            "end_date": pd.to_datetime(["2017-06-01", "2017-06-01", "2017-12-31"]),
            "open": [False, False, True],
        }
    )
    original = frame.copy()
    chart = journeys_chart(frame)
    root = _root(chart)
    assert len(_outside_legend(root, "w")) == 1
    assert "still waiting at 31 December 2017" in chart.caption[0]
    assert {"Looked after", "Permanence recommended"} <= set(_texts(root))
    pd.testing.assert_frame_equal(frame, original)
