"""Measure semantics with known answers (issue "Right answers"; shared METHODS.md section 8).

Each test builds a small extract by hand; the comments give the answer and why.
"""

import pandas as pd
import pytest

from paceqi.measures import journeys, measure, route_changes


def events(rows, *, authority="A"):
    """Events from (child, stage, date, route) tuples."""
    ev = pd.DataFrame(rows, columns=["child_id", "stage", "date", "route"])
    ev.insert(0, "authority", authority)
    ev["date"] = pd.to_datetime(ev["date"])
    ev["occurrence"] = ev.groupby(["child_id", "stage"]).cumcount() + 1
    ev["outcome"] = None
    return ev


# -- item 6: route changes exclude the first decision ---------------------------------------------


def route_events():
    return events(
        [
            # a: undecided -> po, the first decision: no change
            ("a", "looked_after", "2020-01-01", "undecided"),
            ("a", "permanence_recommended", "2020-04-01", "po"),
            # b: undecided -> home -> adoption: one change (a re-plan), on 2020-09-01
            ("b", "looked_after", "2020-01-01", "undecided"),
            ("b", "permanence_recommended", "2020-03-01", "home"),
            ("b", "permanence_recommended", "2020-09-01", "adoption"),
            # c: po, then an event recorded as undecided, then po again: no change
            ("c", "looked_after", "2020-01-01", None),
            ("c", "permanence_recommended", "2020-02-01", "po"),
            ("c", "panel", "2020-03-01", "undecided"),
            ("c", "adm_decision", "2020-04-01", "po"),
        ]
    )


def test_first_decision_is_not_a_route_change():
    rc = route_changes(route_events())
    assert rc[["child_id", "date", "route"]].values.tolist() == [
        ["b", pd.Timestamp("2020-09-01"), "adoption"]
    ]
    j = journeys(route_events(), as_of="2021-01-01")
    assert j.loc[j["route_changed"], "child_id"].tolist() == ["b"]


def test_recommendations_later_changed_counts_re_plans_only():
    f = measure("recommendations_later_changed", route_events(), as_of="2021-06-30")
    # recommended in 2020 Q1: b (changed within 12 months) and c; in Q2: a (never changed)
    got = f.set_index("period_label")[["numerator", "denominator"]]
    assert got.loc["2020Q1"].tolist() == [1, 2]
    assert got.loc["2020Q2"].tolist() == [0, 1]
    # on 2021-01-01 neither Q1 child has had its 12 months: incomplete, nothing counted yet
    late = measure("recommendations_later_changed", route_events(), as_of="2021-01-01")
    assert late.set_index("period_label").loc["2020Q1", ["denominator", "immature"]].tolist() == [
        0,
        2,
    ]


# -- item 1: per-child maturity of "% within target" ----------------------------------------------


def test_a_cohort_counts_children_only_once_their_target_has_passed():
    ev = events(
        [
            # Q3 2020: both mature on 2021-03-31 (start + 182 <= as_of)
            ("a", "looked_after", "2020-07-01", None),
            ("a", "permanence_recommended", "2020-08-01", "po"),  # met
            ("b", "looked_after", "2020-09-30", None),  # day 182 is as_of: not met
            # Q4 2020: immature whether or not they reached the stage (the fast case too)
            ("c", "looked_after", "2020-10-01", None),
            ("c", "permanence_recommended", "2020-10-20", "po"),
            ("d", "looked_after", "2020-12-01", None),
        ]
    )
    f = measure("recommendation_within_6_months", ev, as_of="2021-03-31", period="quarter")
    got = f.set_index("period_label")
    assert got.loc["2020Q3", ["numerator", "denominator", "immature"]].tolist() == [1, 2, 0]
    assert not got.loc["2020Q3", "incomplete"]
    # before: 1/1 = 100 % from the fast case alone; now nothing is known yet
    assert got.loc["2020Q4", ["numerator", "denominator", "immature"]].tolist() == [0, 0, 2]
    assert got.loc["2020Q4", "incomplete"]
    assert f.attrs["x_label"].startswith("Quarter the child became looked after (start cohort")


# -- item 2: stage applicability (catalogue routes) and exits --------------------------------------


def panel_events():
    return events(
        [
            ("h", "permanence_recommended", "2020-01-01", "home"),  # home: no panel, ever
            ("p", "permanence_recommended", "2020-01-01", "po"),
            ("p", "panel", "2020-02-20", "po"),  # reached after 50 days
            ("q", "permanence_recommended", "2020-01-01", "po"),
            ("q", "application_lodged", "2020-04-10", "po"),  # later stage, no panel: 100 days
            ("k", "permanence_recommended", "2020-01-01", "kco"),
            ("k", "order_granted", "2020-03-01", "kco"),  # journey ended after 60 days
            ("s", "permanence_recommended", "2020-01-01", "adoption"),
            ("s", "panel", "2020-05-30", "adoption"),  # reached after 150 days
            ("r", "permanence_recommended", "2020-01-01", "po"),  # still waiting
        ]
    )


def test_the_catalogue_routes_and_exits_decide_who_waits_for_a_panel():
    from paceqi.measures import intervals

    iv = intervals(panel_events(), "permanence_recommended", "panel", as_of="2021-01-01")
    got = {r.child_id: (r.days, r.censored, r.exit, r.status) for r in iv.itertuples()}
    assert got == {
        "p": (50, False, None, "reached_within_target"),
        "q": (100, True, "later_stage", "missed"),
        "k": (60, True, "journey_ended", "exited"),  # ended before the 84-day target
        "s": (150, False, None, "reached_after_target"),
        "r": (366, True, None, "waiting_past_target"),
    }  # h (home) is not at risk of a panel at all


def test_kaplan_meier_stops_counting_exited_children_at_risk():
    from paceqi.measures import intervals, kaplan_meier

    iv = intervals(panel_events(), "permanence_recommended", "panel", as_of="2021-01-01")
    curve = kaplan_meier(iv).curve.set_index("time")
    # at day 150 only s and r are still at risk: q left at day 100 and k at day 60
    assert curve.loc[150.0, "at_risk"] == 2
    # S = (1 - 1/5) at day 50 (p; k, q, s, r at risk), then (1 - 1/2) at 150 = 0.4
    assert curve.loc[150.0, "survival"] == pytest.approx(0.4)


def test_segments_and_measures_agree_on_who_waits():
    from paceqi.changeidea.segments import segment_summary

    t = segment_summary(panel_events(), "2021-01-01", min_cell=0)
    row = t[(t["end"] == "panel") & (t["route"] == "all routes")].iloc[0]
    assert (row["children"], row["reached"], row["waiting"]) == (5, 2, 1)
    assert row["waiting_past_target"] == 1
    assert "home" not in set(t.loc[t["end"] == "panel", "route"])


def test_panel_within_12_weeks_leaves_out_home_and_ended_journeys():
    f = measure("panel_within_12_weeks", panel_events(), as_of="2021-01-01")
    # p met; s late; r waiting past; q missed (moved on without a panel); k and h out
    assert f[["numerator", "denominator", "missed", "exited"]].sum().tolist() == [1, 4, 1, 1]


# -- item 3: children still waiting ----------------------------------------------------------------


def test_still_waiting_excludes_children_who_moved_on():
    from paceqi.measures import load_measures, still_waiting, waiting_summary

    ev = events(
        [
            ("w", "looked_after", "2020-01-01", None),  # waiting for everything
            ("m", "looked_after", "2020-01-01", None),  # no first review, but recommended
            ("m", "permanence_recommended", "2020-05-01", "po"),
            ("g", "looked_after", "2020-01-01", None),  # home confirmed: left the journey
            ("g", "home_confirmed", "2020-04-01", "home"),
        ]
    )
    as_of = "2021-01-01"
    assert still_waiting(ev, "looked_after", "first_review", as_of=as_of)["child_id"].tolist() == [
        "w"
    ]
    rec = still_waiting(ev, "looked_after", "permanence_recommended", as_of=as_of)
    assert rec["child_id"].tolist() == ["w"]
    s = waiting_summary(load_measures("two_week_planning_meeting").values(), ev, as_of=as_of)
    first = s.set_index("end").loc["first_review"]
    assert (first["waiting"], first["past_target"], first["no_date_after_later_stage"]) == (1, 1, 1)


# -- item 4: PACE aim 1 ----------------------------------------------------------------------------


def test_aim_1_counts_children_still_on_a_cso_at_home_at_two_years():
    ev = events(
        [
            ("h1", "looked_after", "2018-01-01", "home"),
            ("h1", "cso_home_review", "2020-01-21", "home"),  # day 750: met
            ("h2", "looked_after", "2018-01-01", "home"),
            ("h2", "home_confirmed", "2019-02-05", "home"),  # CSO ended at day 400: no review due
            ("h3", "looked_after", "2018-01-01", "home"),  # no review by day 821: not met
            ("h4", "looked_after", "2018-01-01", "home"),
            ("h4", "home_confirmed", "2020-01-31", "home"),  # ended at day 760, unreviewed: not met
            ("h5", "looked_after", "2018-01-01", "home"),
            ("h5", "cso_home_review", "2020-06-19", "home"),  # day 900: late, not met
            ("h6", "looked_after", "2020-06-01", "home"),  # day 821 not reached yet: immature
            ("p1", "looked_after", "2018-01-01", "po"),  # not at home: not in aim 1
        ]
    )
    f = measure("cso_review_within_27_months", ev, as_of="2021-03-31")
    q1 = f.set_index("period_label").loc["2018Q1"]
    assert (q1["numerator"], q1["denominator"], q1["exited"]) == (1, 4, 1)
    assert (q1["reached_after_target"], q1["waiting_past_target"], q1["missed"]) == (1, 1, 1)
    assert f.set_index("period_label").loc["2020Q2", "immature"] == 1


# -- item 5: a step that never happened is "not met" -----------------------------------------------


def test_a_skipped_meeting_is_not_met_once_the_target_has_passed():
    ev = events(
        [
            ("a", "looked_after", "2021-01-04", None),
            ("a", "first_review", "2021-02-01", None),  # no meeting, a later stage: not met
            ("b", "looked_after", "2021-01-05", None),
            ("b", "two_week_meeting", "2021-01-12", None),  # met
            ("c", "looked_after", "2021-03-25", None),
            ("c", "first_review", "2021-03-27", None),  # no meeting yet, 6 days: not known
        ]
    )
    f = measure("two_week_meeting_within_14_days", ev, as_of="2021-03-31").set_index("period_label")
    assert f.loc["2021-01", ["numerator", "denominator", "missed"]].tolist() == [1, 2, 1]
    assert f.loc["2021-03", ["denominator", "immature", "incomplete"]].tolist() == [0, 1, True]


# -- item 7: one time order (start cohort), no left-edge artefact ----------------------------------


def test_per_child_series_is_ordered_by_start_with_no_left_edge_trend():
    # every child waits 100 days; data start 2019-01-01. Ordered by the END date the first
    # months could hold only short waits; by start, every complete point is 100.
    rows = []
    for i in range(24):
        start = pd.Timestamp("2019-01-01") + pd.Timedelta(days=15 * i)
        rows += [
            (f"c{i}", "looked_after", start, None),
            (f"c{i}", "permanence_recommended", start + pd.Timedelta(days=100), "po"),
        ]
    rows.append(("w", "looked_after", pd.Timestamp("2019-06-01"), None))  # still waiting
    f = measure("days_to_recommendation", events(rows), as_of="2020-06-30")
    assert f["x_date"].is_monotonic_increasing and (f["x_date"] == f["start_date"]).all()
    complete = f[~f["incomplete"]]
    assert set(complete.loc[~complete["censored"], "y"]) == {100}
    # horizon = max(target 182, 90th centile 100) = 182 days: later starters are incomplete
    assert f.attrs["horizon_days"] == 182
    late = f["start_date"] > pd.Timestamp("2020-06-30") - pd.Timedelta(days=182)
    assert (f["incomplete"] == late).all()
    assert f.attrs["x_label"].startswith("Date the child became looked after (start cohort")


def test_period_medians_group_by_start_cohort_and_flag_incomplete():
    from paceqi.changeidea.analysis import _period_medians

    frame = pd.DataFrame(
        {
            "start_date": pd.to_datetime(["2020-01-10", "2020-02-10", "2020-04-02"]),
            "y": [100, 300, 20],
            "censored": [False, True, False],
            "incomplete": [False, False, True],
            "x_date": pd.to_datetime(["2020-01-10", "2020-02-10", "2020-04-02"]),
        }
    )
    out = _period_medians(frame, "quarter")
    assert out["x"].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-04-01")]
    assert out["y"].tolist() == [200.0, 20.0]  # the waiting child counts with its days so far
    assert out["incomplete"].tolist() == [False, True]
