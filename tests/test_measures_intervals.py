import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from measures_fixtures import AS_OF, hand_events

import paceqi
from paceqi.errors import OptionsError
from paceqi.measures import INTERVAL_COLUMNS, intervals


def by_child(frame):
    return {(r.authority, r.child_id): r for r in frame.itertuples()}


def test_two_week_meeting_known_answers():
    iv = intervals(hand_events(), "looked_after", "two_week_meeting", as_of=AS_OF)
    assert tuple(iv.columns) == INTERVAL_COLUMNS
    got = {
        k: (r.days, r.censored, r.within_target if r.within_target is not pd.NA else None, r.status)
        for k, r in by_child(iv).items()
    }
    assert got == {
        ("A", "c1"): (9, False, True, "reached_within_target"),
        ("A", "c2"): (26, False, False, "reached_after_target"),
        ("A", "c3"): (150, True, False, "waiting_past_target"),
        # no meeting, but a recommendation on day 45: moved on, the step missed (not waiting)
        ("A", "c4"): (45, True, False, "missed"),
        ("A", "c5"): (10, True, None, "waiting_within_target"),
        ("A", "c6"): (60, True, False, "waiting_past_target"),
        ("B", "c1"): (4, False, True, "reached_within_target"),
    }
    assert (iv["target_days"] == 14).all()  # from the catalogue: two_week_meeting from looked_after
    assert (iv["reached"] == ~iv["censored"]).all()
    assert iv.loc[iv["censored"], "end_date"].isna().all()


def test_first_start_and_first_end_after_it_with_repeats():
    iv = intervals(hand_events(), "looked_after", "permanence_recommended", as_of=AS_OF)
    r = by_child(iv)
    assert r["A", "c2"].start_date == pd.Timestamp("2024-01-15")  # first episode
    assert r["A", "c2"].end_date == pd.Timestamp("2024-04-01")  # first recommendation
    assert r["A", "c2"].days == 77
    assert r["A", "c1"].days == 121 and r["A", "c4"].days == 45
    assert r["B", "c1"].censored and r["B", "c1"].days == 181  # 2024 is a leap year
    assert r["A", "c3"].within_target is pd.NA  # 150 days waiting, target 182 not passed
    assert r["A", "c1"].within_target


def test_route_filter_uses_the_current_route():
    iv = intervals(
        hand_events(), "looked_after", "permanence_recommended", as_of=AS_OF, routes="po"
    )
    assert set(iv["child_id"]) == {"c1", "c4"}  # c4 changed from home to po
    und = intervals(
        hand_events(), "looked_after", "permanence_recommended", as_of=AS_OF, routes=["undecided"]
    )
    assert set(zip(und["authority"], und["child_id"], strict=True)) == {
        ("A", "c3"),
        ("A", "c5"),
        ("A", "c6"),
        ("B", "c1"),
    }


def test_as_of_before_some_events_ignores_them():
    iv = intervals(hand_events(), "looked_after", "two_week_meeting", as_of="2024-01-07")
    r = by_child(iv)
    assert set(r) == {("A", "c1"), ("B", "c1")}  # the others became looked after later
    assert r["A", "c1"].censored and r["A", "c1"].days == 6
    assert not r["B", "c1"].censored and r["B", "c1"].days == 4


def test_explicit_target_and_no_target():
    iv = intervals(hand_events(), "looked_after", "two_week_meeting", as_of=AS_OF, target_days=30)
    assert by_child(iv)["A", "c2"].within_target
    none = intervals(hand_events(), "two_week_meeting", "first_review", as_of=AS_OF)
    assert none["target_days"].isna().all() and none["within_target"].isna().all()
    # c4 has no first review but a recommendation: moved on (exited), not waiting
    assert set(none["status"]) == {"reached", "waiting", "exited"}


def test_working_days_skip_weekends_and_scottish_bank_holidays():
    iv = intervals(
        hand_events(), "looked_after", "two_week_meeting", as_of=AS_OF, working_days=True
    )
    r = by_child(iv)
    # Mon 1 Jan and Tue 2 Jan 2024 are holidays: Wed 3 - Fri 5, Mon 8 - Tue 9
    assert r["A", "c1"].days == 5
    assert iv["target_days"].isna().all()  # catalogue targets are calendar days
    iv10 = intervals(
        hand_events(),
        "looked_after",
        "two_week_meeting",
        as_of=AS_OF,
        working_days=True,
        target_days=10,
    )
    assert by_child(iv10)["A", "c1"].within_target


def test_no_children_and_one_child():
    empty = hand_events().iloc[:0]
    iv = intervals(empty, "looked_after", "two_week_meeting", as_of=AS_OF)
    assert len(iv) == 0 and tuple(iv.columns) == INTERVAL_COLUMNS
    one = hand_events().query("authority == 'A' and child_id == 'c3'")
    iv1 = intervals(one, "looked_after", "two_week_meeting", as_of=AS_OF)
    assert len(iv1) == 1 and iv1.loc[0, "days"] == 150 and iv1.loc[0, "censored"]


def test_accepts_an_extract_and_takes_its_as_of():
    ext = SimpleNamespace(events=hand_events(), as_of=dt.date(2024, 1, 7))
    iv = intervals(ext, "looked_after", "two_week_meeting")
    assert len(iv) == 2 and (iv["as_of"] == pd.Timestamp("2024-01-07")).all()


def test_does_not_mutate_input():
    ev = hand_events()
    before = ev.copy()
    intervals(ev, "looked_after", "two_week_meeting", as_of=AS_OF, routes="po", working_days=True)
    pd.testing.assert_frame_equal(ev, before)


@pytest.mark.parametrize("ids_shared_across_authorities", [True, False])
def test_matches_a_per_child_loop_on_random_data(ids_shared_across_authorities):
    rng = np.random.default_rng(4)
    n = 300
    stages = ["looked_after", "two_week_meeting", "first_review"]
    child = rng.integers(0, n, 4 * n)
    ev = pd.DataFrame(
        {
            "authority": rng.choice(["A", "B"], 4 * n)
            if ids_shared_across_authorities
            else np.where(child % 3 == 0, "B", "A"),
            "child_id": child.astype(str),
            "stage": rng.choice(stages, 4 * n),
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, 4 * n), "D"),
        }
    )
    as_of = pd.Timestamp("2024-03-01")
    iv = intervals(ev, "looked_after", "first_review", as_of=as_of)
    expected = {}
    for (a, c), g in ev[ev["date"] <= as_of].groupby(["authority", "child_id"]):
        s = g.loc[g["stage"] == "looked_after", "date"]
        if s.empty:
            continue
        s0 = s.min()
        e = g.loc[(g["stage"] == "first_review") & (g["date"] >= s0), "date"]
        expected[a, c] = ((e.min() - s0).days, False) if len(e) else ((as_of - s0).days, True)
    got = {(r.authority, r.child_id): (r.days, r.censored) for r in iv.itertuples()}
    assert got == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": "nope", "end": "panel"}, "start: unknown stage 'nope'"),
        ({"start": "panel", "end": "panel"}, "both 'panel'"),
        ({"start": "panel", "end": "adm_decision", "routes": "boat"}, "unknown route"),
        ({"start": "panel", "end": "adm_decision", "as_of": "soon"}, "as_of must be a date"),
        ({"start": "panel", "end": "adm_decision", "target_days": 0}, "positive"),
    ],
)
def test_bad_arguments_are_options_errors(kwargs, match):
    with pytest.raises(OptionsError, match=match):
        intervals(hand_events(), **kwargs)


def test_missing_columns_are_named():
    with pytest.raises(OptionsError, match=r"missing required column\(s\) \['stage'\]"):
        intervals(hand_events().drop(columns="stage"), "looked_after", "panel")
    with pytest.raises(OptionsError, match="DataFrame or an extract"):
        intervals([1, 2], "looked_after", "panel")


def test_missing_ids_are_named_by_position_without_echoing_data():
    ev = hand_events()
    ev.loc[3, "child_id"] = None
    with pytest.raises(
        OptionsError, match=r"column 'child_id' is empty in 1 row\(s\) \(positions 3\)"
    ):
        intervals(ev, "looked_after", "panel", as_of=AS_OF)


def test_public_names():
    assert paceqi.intervals is intervals
