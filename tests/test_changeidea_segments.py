"""The diagnostic segment tables: every segment, every route, where is the delay (issue #7)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from paceqi.changeidea.segments import (
    ALL_ROUTES,
    EXTRA_SEGMENTS,
    SEGMENT_COLUMNS,
    journey_segments,
    segment_summary,
    where_is_the_delay,
)


def _events(rows):
    frame = pd.DataFrame(rows, columns=["child_id", "stage", "date", "route"])
    return frame.assign(authority="A", date=pd.to_datetime(frame["date"]))


def _panel_adm(days_reached, days_waiting, route="po"):
    """Children reaching ADM ``days`` after panel, plus children still waiting since 2020-01-01."""
    rows = []
    for i, d in enumerate(days_reached):
        rows.append((f"r{i}", "panel", "2020-01-01", route))
        end = pd.Timestamp("2020-01-01") + pd.Timedelta(days=d)
        rows.append((f"r{i}", "adm_decision", end.date().isoformat(), route))
    for i, _ in enumerate(days_waiting):
        rows.append((f"w{i}", "panel", "2020-01-01", route))
    return _events(rows)


def test_segments_come_from_the_catalogue_targets_and_the_extras():
    segs = journey_segments()
    pairs = {(s.start, s.end): s for s in segs}
    assert pairs[("panel", "adm_decision")].target_days == 14
    assert pairs[("looked_after", "permanence_recommended")].target_days == 182
    for start, end in EXTRA_SEGMENTS:
        assert pairs[(start, end)].target_days is None
    orders = [s.order for s in segs]
    assert orders == sorted(orders)
    assert all("→" in s.label for s in segs)


def test_km_median_counts_the_children_still_waiting():
    # 4 reach ADM at 5, 6, 7, 8 days; 4 still waiting at 60 days (as_of 2020-03-01).
    ev = _panel_adm([5, 6, 7, 8], [None] * 4)
    t = segment_summary(ev, "2020-03-01", min_cell=0)
    row = t[(t["end"] == "adm_decision") & (t["route"] == ALL_ROUTES)].iloc[0]
    assert (row["children"], row["reached"], row["waiting"]) == (8, 4, 4)
    assert row["median_completed"] == 6.5
    assert row["km_median"] == 8.0  # S(8) = 0.5: half the children have waited longer
    assert row["waiting_past_target"] == 4  # 60 days > 14
    assert list(t.columns) == list(SEGMENT_COLUMNS)


def test_median_not_reached_is_infinite():
    ev = _panel_adm([5], [None] * 5)
    row = segment_summary(ev, "2020-03-01", min_cell=0).iloc[0]
    assert math.isinf(row["km_median"])


def test_small_rows_are_suppressed():
    ev = _panel_adm([5, 6, 7], [None])
    t = segment_summary(ev, "2020-03-01", min_cell=5)
    assert t["suppressed"].all()
    assert t["km_median"].isna().all() and t["waiting"].isna().all()
    assert where_is_the_delay(t).empty


def test_children_on_a_route_that_skips_the_stage_are_left_out():
    # Children going home never reach a panel; undecided children are counted.
    ev = pd.concat(
        [
            _panel_adm([5] * 5, [], "po"),
            _panel_adm([9] * 5, [], "home"),
            _panel_adm([7] * 5, [], "undecided"),
        ]
    )
    ev = ev.assign(child_id=ev["child_id"] + ev["route"])
    t = segment_summary(ev, "2020-03-01", min_cell=5)
    adm = t[t["end"] == "adm_decision"].set_index("route")
    assert set(adm.index) == {ALL_ROUTES, "po", "undecided"}
    assert adm.loc[ALL_ROUTES, "children"] == 10


def test_each_route_gets_its_row_and_routes_outside_the_stage_are_left_out():
    ev = pd.concat([_panel_adm([5] * 5, [], "po"), _panel_adm([30] * 5, [], "adoption")])
    ev = ev.assign(child_id=ev["child_id"] + ev["route"])
    t = segment_summary(ev, "2020-03-01", min_cell=5)
    adm = t[t["end"] == "adm_decision"].set_index("route")
    assert set(adm.index) == {ALL_ROUTES, "po", "adoption"}
    assert adm.loc["po", "km_median"] == 5 and adm.loc["adoption", "km_median"] == 30
    delay = where_is_the_delay(t)
    assert delay.loc[delay["end"] == "adm_decision", "slowest_route"].iloc[0] == "adoption"


def test_delay_ranks_past_target_first_then_untargeted_then_within():
    summary = pd.DataFrame(
        {
            "segment": ["within", "way over", "no target", "a bit over", "not reached"],
            "route": ALL_ROUTES,
            "km_median": [10.0, 100.0, 50.0, 20.0, float("inf")],
            "target_days": [14, 14, None, 14, 14],
            "suppressed": False,
        }
    )
    delay = where_is_the_delay(summary)
    assert delay["segment"].tolist() == [
        "way over",
        "a bit over",
        "not reached",
        "no target",
        "within",
    ]
    assert delay["over_target"].tolist()[:2] == [86.0, 6.0]
    assert np.isnan(delay["over_target"].iloc[3])


def test_inputs_are_not_mutated():
    ev = _panel_adm([5, 6, 7, 8, 9], [None])
    before = ev.copy()
    t = segment_summary(ev, "2020-03-01")
    t_before = t.copy()
    where_is_the_delay(t)
    pd.testing.assert_frame_equal(ev, before)
    pd.testing.assert_frame_equal(t, t_before)


def test_delay_chart_has_alt_text_and_one_bar_per_segment():
    from paceqi.changeidea.delaychart import delay_chart
    from paceqi.charts import to_svg

    ev = _panel_adm([5, 6, 7, 8, 40, 50], [None])
    delay = where_is_the_delay(segment_summary(ev, "2020-03-01", min_cell=0))
    chart = delay_chart(delay)
    assert chart.title == "Where is the delay?"
    assert "median" in chart.description()
    svg = to_svg(chart)
    assert svg.count("<title>") == len(delay)  # one hover title per bar (and the chart's own)


@pytest.mark.parametrize("min_cell", [0, 5])
def test_empty_events_give_an_empty_table(min_cell):
    ev = _events([]).astype({"child_id": str, "stage": str, "route": str})
    t = segment_summary(ev, "2020-03-01", min_cell=min_cell)
    assert t.empty and list(t.columns) == list(SEGMENT_COLUMNS)
