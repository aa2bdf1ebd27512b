import matplotlib.colors as mcolors
import pandas as pd
import pytest

from paceqi.charts import journeys_chart, ramp_chart, theme, to_svg
from paceqi.charts._figure import caption_of
from paceqi.errors import OptionsError


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
    fig = journeys_chart(
        journeys, as_of="2017-12-31", end_stage="permanence_recommended", title="Journeys"
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["K1", "K2", "K3"]
    stage_lines = {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}
    assert {"Looked after", "Two-week meeting", "Permanence recommended"} <= set(stage_lines)
    markers = {
        stage_lines[k].get_marker()
        for k in ("Looked after", "Two-week meeting", "Permanence recommended")
    }
    assert len(markers) == 3
    assert len(stage_lines["Looked after"].get_xdata()) == 3


def test_censored_children_run_to_the_as_of_date_with_an_arrow(journeys):
    fig = journeys_chart(journeys, as_of="2017-12-31", end_stage="permanence_recommended")
    ax = fig.axes[0]
    waiting = [ln for ln in ax.lines if ln.get_label() == "_waiting"]
    assert len(waiting) == 2  # K2 and K3 have not reached the end stage
    assert all(pd.Timestamp(ln.get_xdata()[-1]) == pd.Timestamp("2017-12-31") for ln in waiting)
    arrows = [a for a in ax.texts if a.get_label() == "_still waiting"]
    assert len(arrows) == 2
    caption = caption_of(fig)
    assert "3 children; 2 still waiting for permanence recommended at 31 December 2017" in caption
    assert "2 still waiting" in to_svg(fig)


def test_censored_column_and_cap(journeys):
    j = journeys.assign(censored=[False, False, False, True, True, False])
    fig = journeys_chart(j, max_children=2)
    assert len([ln for ln in fig.axes[0].lines if ln.get_label() == "_waiting"]) == 1
    caption = caption_of(fig)
    assert "Showing the 2 earliest-starting children of 3" in caption


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
    fig = ramp_chart(cycles, as_of="2017-04-20", show_labels=True, title="Ramp")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts if t.get_label() == "_cycle"] == [
        "PDSA 1",
        "PDSA 2",
        "PDSA 3",
        "PDSA 4",
    ]
    acts = [t.get_text().strip() for t in ax.texts if t.get_label() == "_act"]
    assert (
        acts[0].startswith("adapt")
        and acts[2].startswith("adopt")
        and acts[3].startswith("no decision yet (running)")
    )
    bars = ax.patches
    assert [mcolors.to_hex(b.get_facecolor()).upper() for b in bars] == [
        theme.ACT_COLOURS[a] for a in ("adapt", "abandon", "adopt", "pending")
    ]
    assert [b.get_hatch() or "" for b in bars] == [
        theme.ACT_HATCHES[a] for a in ("adapt", "abandon", "adopt", "pending")
    ]
    pd.testing.assert_frame_equal(cycles, original)


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
    fig = ramp_chart(store, as_of="2017-03-01")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts if t.get_label() == "_cycle"] == [
        "Meeting: PDSA 1",
        "Meeting: PDSA 2",
        "Paperwork: PDSA 1",
    ]
    acts = [t.get_text().strip() for t in ax.texts if t.get_label() == "_act"]
    assert acts == [
        "adapt · 1 of 2 predictions met",
        "no decision yet (running) · 0 of 1 prediction met",
        "abandon · no prediction",
    ]
    arrows = [t for t in ax.texts if t.get_label() not in ("_cycle", "_act")]
    assert len(arrows) == 1  # only within the "Meeting" ramp


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
    fig = journeys_chart(frame)
    ax = fig.axes[0]
    waiting = [ln for ln in ax.lines if ln.get_label() == "_waiting"]
    assert len(waiting) == 1
    assert pd.Timestamp(waiting[0].get_xdata()[-1]) == pd.Timestamp("2017-12-31")
    assert {"Looked after", "Permanence recommended"} <= {ln.get_label() for ln in ax.lines}
    pd.testing.assert_frame_equal(frame, original)
