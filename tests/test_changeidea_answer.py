"""The answer-first headline and the analysis details it relies on (issue #7)."""

from __future__ import annotations

import pandas as pd

from paceqi.changeidea.analysis import _chartable
from paceqi.changeidea.sections import _plural_fix


def test_plural_fix():
    assert _plural_fix("Point above the limit (1 points).") == "Point above the limit (1 point)."
    assert _plural_fix("Shift (6 points).") == "Shift (6 points)."


def test_same_day_events_get_distinct_x_and_keep_their_order():
    days = pd.to_datetime(["2020-01-01", "2020-01-05", "2020-01-05", "2020-01-09"])
    frame = pd.DataFrame({"event_date": days, "x": days, "y": [4, 4, 0, 4], "censored": False})
    before = frame.copy()
    out = _chartable(frame)
    assert out["x"].is_unique and out["x"].is_monotonic_increasing
    assert out["y"].tolist() == [4, 4, 0, 4]
    assert (out["x"].dt.normalize() == days).all()
    pd.testing.assert_frame_equal(frame, before)


def test_a_frame_without_dates_is_only_renumbered():
    frame = pd.DataFrame({"x": [3, 1], "y": [1.0, 2.0]}, index=[5, 9])
    out = _chartable(frame)
    assert out.index.tolist() == [0, 1] and out["x"].tolist() == [3, 1]


def test_many_event_gaps_are_charted_as_the_median_gap_per_period():
    from paceqi.changeidea.analysis import _period_medians

    days = pd.to_datetime(["2020-01-02", "2020-01-03", "2020-02-10", "2020-04-01", "2020-05-01"])
    frame = pd.DataFrame(
        {"event_date": days, "x": days, "y": [1, 3, 5, 40, 30], "censored": [False] * 4 + [True]}
    )
    out = _period_medians(frame, "quarter")
    assert out["x"].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-04-01")]
    assert out["y"].tolist() == [3.0, 40.0]  # the running gap (censored) is left out
    assert out["children"].tolist() == [3, 1]
