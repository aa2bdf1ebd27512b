"""The PDSA quality check (Knudsen et al. 2019): each feature, and what is missing."""

import datetime as dt

import pandas as pd
import pytest

from paceqi.pdsa.quality import FEATURES, quality_check, scale_size


def _cycle(no, **kw):
    base = {
        "authority": "Fife",
        "change_idea": "TWPM",
        "ramp": "R",
        "cycle_no": no,
        "purpose": "test",
        "predictions": [{"prediction": "p", "result": "r", "met": True}],
        "predictions_recorded_at": None,
        "start_date": dt.date(2016, no, 1),
        "end_date": dt.date(2016, no, 20),
        "act_decision": "adapt",
        "data_plan": "weekly count",
        "scale": "1 team, 2 children",
    }
    return base | kw


def _check(rows):
    qc = quality_check(pd.DataFrame(rows))
    return {r.feature: (r.met, r.detail) for r in qc.itertuples()}


def test_a_good_ramp_meets_all_four():
    got = _check([_cycle(1), _cycle(2, scale="2 teams"), _cycle(3, act_decision=None)])
    assert {f: m for f, (m, _) in got.items()} == dict.fromkeys(FEATURES, True)


def test_a_single_cycle_is_not_iterative():
    met, detail = _check([_cycle(1)])["iterative"]
    assert not met and "only one cycle" in detail


def test_missing_act_before_the_next_cycle():
    met, detail = _check([_cycle(1, act_decision=None), _cycle(2)])["iterative"]
    assert not met and "no Act decision on cycle 1" in detail


def test_cycles_going_back_in_time():
    rows = [_cycle(1), _cycle(2, start_date=dt.date(2015, 1, 1))]
    met, detail = _check(rows)["iterative"]
    assert not met and "cycle 2 starts before" in detail


def test_missing_and_late_predictions():
    rows = [
        _cycle(1, predictions=[]),
        _cycle(2, predictions_recorded_at=dt.datetime(2016, 2, 5, 9)),  # started 1 Feb
        _cycle(3, predictions_recorded_at=dt.datetime(2016, 3, 1, 8)),  # same day: fine
    ]
    met, detail = _check(rows)["prediction_before_test"]
    assert not met
    assert "no prediction recorded for cycle 1" in detail
    assert "predictions of cycle 2 were entered after" in detail and "3" not in detail


def test_before_after_data_is_not_data_over_time():
    met, detail = _check([_cycle(1), _cycle(2)])["data_over_time"]
    assert not met and "study results at 2 dates" in detail
    met, detail = _check([_cycle(1), _cycle(2), _cycle(3, data_plan=None)])["data_over_time"]
    assert not met and "no data plan for cycle 3" in detail


@pytest.mark.parametrize(
    "scale,purpose,ok,words",
    [
        ("1 team, 2 children", "test", True, ""),
        ("all teams", "test", False, "more than 5"),
        ("30 children", "test", False, "more than 5"),
        (None, "test", False, "does not record its scale"),
        ("the duty team", "test", False, "gives no count"),
        ("1 team", "implement", False, "implementation"),
    ],
)
def test_started_small(scale, purpose, ok, words):
    met, detail = _check([_cycle(1, scale=scale, purpose=purpose), _cycle(2, scale="all")])[
        "started_small"
    ]
    assert met is ok and words in detail


def test_ideas_without_cycles_are_listed_and_input_is_not_mutated():
    rows = pd.DataFrame([_cycle(1)])
    copy = rows.copy(deep=True)
    ideas = pd.DataFrame({"authority": ["Fife", "Fife"], "name": ["TWPM", "Tracker"]})
    qc = quality_check(rows, ideas)
    assert set(qc["change_idea"]) == {"TWPM", "Tracker"}
    assert (qc[qc["change_idea"] == "Tracker"]["detail"] == "no PDSA cycles recorded").all()
    pd.testing.assert_frame_equal(rows, copy)


def test_scale_size():
    assert scale_size("one team and three families") == 3
    assert scale_size("a single worker") == 1
    assert scale_size("") is None


def test_store_quality_check_on_the_sample(store, fife_yaml):
    store.import_file(fife_yaml)
    from paceqi.pdsa.views import pdsa_quality_check

    qc = pdsa_quality_check(store, "Fife")
    assert qc["met"].tolist() == [True, True, True, True]
