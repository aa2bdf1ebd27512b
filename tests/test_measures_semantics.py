"""Measure semantics with known answers (issue "Right answers"; shared METHODS.md section 8).

Each test builds a small extract by hand; the comments give the answer and why.
"""

import pandas as pd

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
    f = measure("recommendations_later_changed", route_events(), as_of="2021-01-01")
    # recommended in 2020 Q1: b (changed later) and c; in Q2: a (never changed)
    got = f.set_index("period_label")[["numerator", "denominator"]]
    assert got.loc["2020Q1"].tolist() == [1, 2]
    assert got.loc["2020Q2"].tolist() == [0, 1]
