import numpy as np
import pandas as pd
import pytest
from measures_fixtures import AS_OF, hand_events

from paceqi.errors import OptionsError
from paceqi.measures import (
    between_events,
    child_series,
    intervals,
    journeys,
    proportion_reached,
    route_changes,
    within_target,
)
from paceqi.measures.series import CHILD_SERIES_COLUMNS, WITHIN_TARGET_COLUMNS


def two_week():
    return intervals(hand_events(), "looked_after", "two_week_meeting", as_of=AS_OF)


def test_within_target_by_start_month_keeps_waiting_children():
    wt = within_target(two_week()).query("authority == 'A'")
    assert tuple(wt.columns) == WITHIN_TARGET_COLUMNS
    cols = [
        "numerator",
        "denominator",
        "waiting_past_target",
        "waiting_within_target",
        "children",
        "missed",
        "immature",
    ]
    got = wt.set_index("period_label")[cols]
    assert got.index.tolist() == ["2024-01", "2024-02", "2024-03", "2024-05", "2024-06"]
    assert got.to_numpy().tolist() == [
        [1, 2, 0, 0, 2, 0, 0],  # c1 met, c2 late
        [0, 1, 1, 0, 1, 0, 0],  # c3 still waiting, past target: not met, in the denominator
        [0, 1, 0, 0, 1, 1, 0],  # c4: no meeting but recommended on day 45: missed, not met
        [0, 1, 1, 0, 1, 0, 0],  # c6 (its meeting is after as_of)
        [0, 0, 0, 1, 1, 0, 1],  # c5 waiting, within target (immature): reported, not counted
    ]
    assert wt["incomplete"].tolist() == [False, False, False, False, True]
    assert np.isnan(wt.set_index("period_label").loc["2024-06", "proportion"])
    assert (wt["x"] == wt["period"]).all() and (wt["n"] == wt["denominator"]).all()
    assert not wt["partial"].any()  # June ends on as_of


def test_within_target_by_end_date_places_late_waiters_at_the_breach():
    wt = within_target(two_week(), cohort="end").query("authority == 'A'")
    cols = [
        "numerator",
        "reached_after_target",
        "waiting_past_target",
        "waiting_within_target",
        "missed",
    ]
    got = wt.set_index("period_label")[cols]
    # c1 met in Jan; c2 late, reached 10 Feb; c3 breached 16 Feb; c4 (missed) breached 16 Mar;
    # c6 breached 16 May; c5 still within target -> the period of as_of (June)
    assert got.index.tolist() == ["2024-01", "2024-02", "2024-03", "2024-05", "2024-06"]
    assert got.to_numpy().tolist() == [
        [1, 0, 0, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
    ]


def test_quarters_and_partial_period():
    iv = intervals(hand_events(), "looked_after", "two_week_meeting", as_of="2024-06-15")
    wt = within_target(iv, period="quarter")
    a = wt.query("authority == 'A'").set_index("period_label")
    assert list(a.index) == ["2024Q1", "2024Q2"]
    assert a.loc["2024Q1", "children"] == 4 and a.loc["2024Q2", "partial"]
    assert not a.loc["2024Q1", "partial"]


def test_within_target_needs_a_target_and_known_options():
    iv = intervals(hand_events(), "two_week_meeting", "first_review", as_of=AS_OF)
    with pytest.raises(OptionsError, match="needs a target"):
        within_target(iv)
    with pytest.raises(OptionsError, match="Unknown period 'week'. Available: month, quarter"):
        within_target(two_week(), period="week")
    with pytest.raises(OptionsError, match="call paceqi.intervals first"):
        within_target(pd.DataFrame({"a": [1]}))


def test_child_series_orders_by_start_date_and_flags_incomplete_children():
    cs = child_series(two_week().query("authority == 'A'"))
    assert tuple(cs.columns) == CHILD_SERIES_COLUMNS
    # start order; c4 moved on without a meeting (a recommendation), so it is not a wait
    assert cs["child_id"].tolist() == ["c1", "c2", "c3", "c6", "c5"]
    assert cs["x"].tolist() == [1, 2, 3, 4, 5]
    assert (cs["x_date"] == cs["start_date"]).all()
    assert cs["censored"].tolist() == [False, False, True, True, True]
    # horizon: target 14 vs the 90th centile of the finished waits (9, 26) = 26 days;
    # c5 started 10 days before as_of: incomplete
    assert cs.attrs["horizon_days"] == 26
    assert cs["incomplete"].tolist() == [False, False, False, False, True]
    assert (cs["y"] == cs["days"]).all()


def test_proportion_reached_with_route_changes():
    ev = pd.concat([hand_events(), route_changes(hand_events())], ignore_index=True)
    from paceqi.measures.intervals import interval_core

    iv = interval_core(
        ev, "permanence_recommended", "route_change", pd.Timestamp(AS_OF), None, None, False
    )
    pr = proportion_reached(iv, period="quarter").set_index("period_label")
    # recommended in Q2: c1, c2, c4; only c4's route changed afterwards
    assert pr.loc["2024Q2", ["numerator", "denominator"]].tolist() == [1, 3]


def test_route_changes_found():
    rc = route_changes(hand_events())
    assert rc[["child_id", "date", "route"]].values.tolist() == [
        ["c4", pd.Timestamp("2024-05-20"), "po"]
    ]


def test_journeys_segments_open_and_route_changes():
    j = journeys(hand_events(), as_of=AS_OF)
    c4 = j.query("authority == 'A' and child_id == 'c4'")
    assert c4["stage"].tolist() == [
        "looked_after",
        "permanence_recommended",
        "permanence_recommended",
    ]
    assert c4["days"].tolist() == [45, 35, 41]
    assert c4["open"].tolist() == [False, False, True]
    assert c4["route_changed"].tolist() == [False, False, True]
    assert c4["days_since_first"].tolist() == [0, 45, 80]
    c3 = j.query("authority == 'A' and child_id == 'c3'")
    assert len(c3) == 1 and c3["open"].item() and c3["days"].item() == 150
    c6 = j.query("authority == 'A' and child_id == 'c6'")
    assert c6["stage"].tolist() == ["looked_after"]  # the July meeting is after as_of
    assert j.query("authority == 'B'")["step"].tolist() == [1, 2]


def test_journeys_terminal_stage_closes_the_journey_and_route_filter():
    ev = pd.DataFrame(
        {
            "authority": "A",
            "child_id": ["x", "x", "y"],
            "stage": ["looked_after", "home_confirmed", "looked_after"],
            "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
            "route": [None, "home", "po"],
        }
    )
    j = journeys(ev, as_of=AS_OF)
    x = j.query("child_id == 'x'")
    assert x["open"].tolist() == [False, False] and x["days"].tolist() == [60, 0]
    assert set(journeys(ev, as_of=AS_OF, routes="po")["child_id"]) == {"y"}


def test_between_events_days_and_opportunities():
    ev = pd.DataFrame(
        {
            "authority": "A",
            "child_id": list("abcdefg"),
            "stage": ["panel", "panel", "panel", "panel", "panel", "panel", "panel"],
            "outcome": ["deferred", "agreed", "agreed", "deferred", "agreed", "deferred", "agreed"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-10",
                    "2024-01-20",
                    "2024-02-01",
                    "2024-02-05",
                    "2024-03-01",
                    "2024-03-10",
                ]
            ),
        }
    )
    t = between_events(ev, "panel", outcome="deferred", as_of="2024-03-31")
    assert t["days_since_previous"].tolist() == [31, 29, 30]
    assert t["censored"].tolist() == [False, False, True]
    g = between_events(
        ev,
        "panel",
        outcome="deferred",
        opportunity="panel",
        count="opportunities",
        as_of="2024-03-31",
    )
    assert g["y"].tolist() == [3, 2, 1]  # panels after one deferral up to the next (inclusive)
    empty = between_events(ev, "adm_decision", as_of="2024-03-31")
    assert empty.empty and "y" in empty


def test_no_mutation_of_inputs():
    ev = hand_events()
    before = ev.copy()
    iv = intervals(ev, "looked_after", "two_week_meeting", as_of=AS_OF)
    iv_before = iv.copy()
    within_target(iv, cohort="end")
    child_series(iv)
    journeys(ev, as_of=AS_OF, routes="po")
    between_events(ev, "looked_after", as_of=AS_OF)
    route_changes(ev)
    pd.testing.assert_frame_equal(ev, before)
    pd.testing.assert_frame_equal(iv, iv_before)
