"""detection.py with the real paceqi.spc: rates, rule comparison and the reveal verdicts."""

import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.teach import detection as det
from paceqi.teach.processes import generate_process


def test_point_signals_reads_every_signal_column():
    pts = pd.DataFrame(
        {
            "shift": [False, True, False, False, False],
            "trend": [False, False, True, False, False],
            "sigma_signal": [False, False, False, True, False],
            "two_of_three": [False, False, False, False, False],
            "point_type": ["common_cause"] * 4 + ["special_cause_concern"],
        }
    )
    assert det.point_signals(pts).tolist() == [False, True, True, True, True]
    assert det.point_signals(pd.DataFrame({"y": [1, 2]})).tolist() == [False, False]


def test_analyse_one_uses_the_rule_sets_default_chart_and_freeze():
    y = generate_process(10, 5, seed=1).data["y"]
    res, sig, run = det.analyse_one(y, rules="mdc", freeze=10)
    assert res.options.chart.value == "i" and res.options.freeze == 10
    assert len(sig) == 15 and isinstance(run, bool)
    res, _, _ = det.analyse_one(y, rules="ihi")
    assert res.options.chart.value == "run" and res.options.freeze is None


def test_analyse_one_reads_runs_signal_from_summary():
    # a slow oscillation: too few crossings for the Anhøj rules, no single point flagged
    y = np.r_[np.zeros(5), np.ones(5), np.zeros(5), np.ones(5)] + np.arange(20) / 1000
    _, sig, run = det.analyse_one(y, rules="anhoej")
    assert run and not sig.any()


def test_false_alarms_low_and_detection_grows_with_shift():
    out = det.detection_rates(
        baselines=[12],
        shifts=[0, 1, 3],
        rules=["ihi"],
        n_after=12,
        reps=150,
        seed=3,
    )
    rate = out.set_index("shift")["signal_rate"]
    assert out["kind"].tolist() == ["false alarm", "detection", "detection"]
    assert rate.loc[0.0] < rate.loc[1.0] < rate.loc[3.0]
    assert rate.loc[3.0] > 0.9
    assert rate.loc[0.0] < 0.5  # IHI run chart, 24 points: about 4 in 10 charts cry wolf
    assert (out["reps"] == 150).all()
    assert out.loc[out["shift"] == 3.0, "median_first_flagged"].iloc[0] <= 6


def test_detection_rates_are_reproducible_and_seed_dependent():
    kw = {"baselines": [8], "shifts": [1.0], "rules": ["ihi"], "reps": 60}
    a = det.detection_rates(seed=1, **kw)
    assert a.equals(det.detection_rates(seed=1, **kw))
    assert not a.equals(det.detection_rates(seed=2, **kw))


def test_common_random_numbers_across_shift_sizes():
    # the same noise under every shift: a bigger shift never loses a detection on IHI run
    # charts of a pure step (each series only moves further from the baseline median)
    out = det.detection_rates(baselines=[10], shifts=[1.0, 2.0], rules=["anhoej"], reps=80, seed=5)
    rate = out["signal_rate"].to_numpy()
    assert rate[1] >= rate[0]


def test_progress_is_reported_up_to_one():
    seen = []
    det.detection_rates([8, 12], [0.0, 1.0], ["ihi"], reps=10, seed=1, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]


def test_an_uncovered_chart_falls_back_to_paceqi_spc():
    out = det.detection_rates([12], [0.0, 3.0], ["ihi"], chart="i", reps=20, seed=1)
    assert out["chart"].tolist() == ["i", "i"]
    assert out["signal_rate"].iloc[1] > out["signal_rate"].iloc[0]


def test_unknown_rule_set_is_named():
    with pytest.raises(OptionsError, match="Unknown rules 'westgard'. Available: ihi, anhoej, mdc"):
        det.detection_rates(rules=["westgard"])


def test_compare_rule_sets_and_reveal_detected():
    p = generate_process(12, 12, shift=3.0, seed=2)
    cmp = det.compare_rule_sets(p, rules=["ihi", "mdc"], freeze=12)
    assert set(cmp.summary["rules"]) == {"ihi", "mdc"}
    assert len(cmp.points) == 48
    assert cmp.summary["signal"].all()
    assert "run above the median (" in cmp.summary["reasons"].iloc[0]
    verdict = det.reveal(p, cmp)
    assert verdict["verdict"].tolist() == ["detected", "detected"]
    assert verdict["true_change_x"].iloc[0] == 13


def test_reveal_quiet_and_false_alarm():
    p = generate_process(20, 0, seed=1)
    flat = p.data.assign(y=[1.0, -1.0, 1.5, -0.5] * 5)
    cmp = det.compare_rule_sets(flat, rules=["anhoej"])
    assert det.reveal(p, cmp)["verdict"].tolist() == ["correctly quiet"]
    high = p.data.assign(y=[5.0 + i / 10 for i in range(8)] + [0.0, 1.0] * 6)
    cmp = det.compare_rule_sets(high, rules=["anhoej"])
    assert det.reveal(p, cmp)["verdict"].tolist() == ["false alarm"]


def test_compare_rule_sets_does_not_mutate():
    df = generate_process(10, 5, seed=1).data
    copy = df.copy()
    det.compare_rule_sets(df)
    pd.testing.assert_frame_equal(df, copy)


def test_detection_with_paceqi_spc():
    out = det.detection_rates(baselines=[20], shifts=[0.0, 2.0], rules=["ihi"], reps=40, seed=1)
    rate = out.set_index("shift")["signal_rate"]
    assert rate.loc[2.0] > rate.loc[0.0]


def test_reasons_are_summarised_without_ordinals():
    reasons = pd.Series(
        [
            "1st point in a run above the median",
            "2nd point in a run above the median",
            "beyond the upper limit; 3rd point in a run above the median",
            "",
            None,
        ]
    )
    assert det._summarise_reasons(reasons) == [
        "run above the median (3 points)",
        "beyond the upper limit (1 point)",
    ]


def test_runs_thresholds_match_the_published_tables():
    t = det.runs_thresholds([10, 20, 24, 40]).set_index("n_useful")
    # qicharts2 vignette appendix 2 (n = 24: longest run > 8, crossings < 8)
    assert t.loc[24, "anhoej_longest_run_max"] == 8 and t.loc[24, "anhoej_crossings_min"] == 8
    # METHODS.md section 2.1, balanced halves: n = 10: 3/9; 20: 6/16; 24: 8/18; 40: 15/27
    assert t[["ihi_runs_low", "ihi_runs_high"]].values.tolist() == [
        [3, 9],
        [6, 16],
        [8, 18],
        [15, 27],
    ]
