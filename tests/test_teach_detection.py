"""detection.py against the DESIGN.md contract, with a simple injected rule function."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.teach import detection as det
from paceqi.teach.processes import generate_process

CALLS = []


def shift_rule(y, *, chart, rules, freeze=None, run_length=6):
    """A toy rule engine: run-length shift around the baseline median (ties ignored)."""
    CALLS.append((chart, rules, freeze))
    y = np.asarray(y, dtype=float)
    base = y[:freeze] if freeze else y
    side = np.sign(y - np.median(base))
    flags = np.zeros(len(y), dtype=bool)
    start = 0
    for i in range(1, len(y) + 1):
        if i == len(y) or side[i] != side[start] or side[i] == 0:
            if i - start >= run_length and side[start] != 0:
                flags[start:i] = True
            start = i
    points = pd.DataFrame(
        {
            "x": np.arange(1, len(y) + 1),
            "y": y,
            "shift": flags,
            "trend": False,
            "sigma_signal": False,
            "point_type": np.where(flags, "special_cause_neutral_high", "common_cause"),
            "signal_reason": np.where(flags, f"shift of {run_length}+", ""),
        }
    )
    summary = pd.DataFrame({"phase": [1], "runs_signal": [False]})
    return SimpleNamespace(points=points, summary=summary)


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


def test_analyse_one_passes_chart_rules_and_freeze():
    CALLS.clear()
    y = generate_process(10, 5, seed=1).data["y"]
    det.analyse_one(y, rules="mdc", freeze=10, analyse=shift_rule)
    det.analyse_one(y, rules="ihi", analyse=shift_rule)
    assert CALLS == [("i", "mdc", 10), ("run", "ihi", None)]


def test_analyse_one_reads_runs_signal_from_summary():
    def runs_only(y, **kw):
        return SimpleNamespace(
            points=pd.DataFrame({"shift": [False] * len(y)}),
            summary=pd.DataFrame({"runs_signal": [True]}),
        )

    _, sig, run = det.analyse_one([1.0, 2.0, 3.0], rules="anhoej", analyse=runs_only)
    assert run and not sig.any()


def test_false_alarms_low_and_detection_grows_with_shift():
    out = det.detection_rates(
        baselines=[12],
        shifts=[0, 1, 3],
        rules=["ihi"],
        n_after=12,
        reps=150,
        seed=3,
        analyse=shift_rule,
    )
    rate = out.set_index("shift")["signal_rate"]
    assert out["kind"].tolist() == ["false alarm", "detection", "detection"]
    assert rate.loc[0.0] < rate.loc[1.0] < rate.loc[3.0]
    assert rate.loc[3.0] > 0.9
    assert rate.loc[0.0] < 0.35
    assert (out["reps"] == 150).all()
    assert out.loc[out["shift"] == 3.0, "median_first_flagged"].iloc[0] <= 6


def test_detection_rates_are_reproducible_and_seed_dependent():
    kw = {"baselines": [8], "shifts": [1.0], "rules": ["ihi"], "reps": 60, "analyse": shift_rule}
    a = det.detection_rates(seed=1, **kw)
    assert a.equals(det.detection_rates(seed=1, **kw))


def test_common_random_numbers_across_rule_sets():
    # the same injected rule under two names sees the same series: identical rates
    out = det.detection_rates(
        baselines=[10],
        shifts=[0.0, 1.5],
        rules=["ihi", "anhoej"],
        reps=80,
        seed=5,
        analyse=shift_rule,
    )
    ihi = out[out["rules"] == "ihi"]["signal_rate"].to_numpy()
    anh = out[out["rules"] == "anhoej"]["signal_rate"].to_numpy()
    assert np.array_equal(ihi, anh)


def test_unknown_rule_set_is_named():
    with pytest.raises(OptionsError, match="Unknown rules 'westgard'. Available: ihi, anhoej, mdc"):
        det.detection_rates(rules=["westgard"], analyse=shift_rule)


def test_compare_rule_sets_and_reveal_detected():
    p = generate_process(12, 12, shift=3.0, seed=2)
    cmp = det.compare_rule_sets(p, rules=["ihi", "mdc"], freeze=12, analyse=shift_rule)
    assert set(cmp.summary["rules"]) == {"ihi", "mdc"}
    assert len(cmp.points) == 48
    assert cmp.summary["signal"].all()
    assert cmp.summary["reasons"].iloc[0].startswith("shift of 6+ (")
    verdict = det.reveal(p, cmp)
    assert verdict["verdict"].tolist() == ["detected", "detected"]
    assert verdict["true_change_x"].iloc[0] == 13


def test_reveal_quiet_and_false_alarm():
    p = generate_process(20, 0, seed=1)
    flat = p.data.assign(y=[1.0, -1.0] * 10)
    cmp = det.compare_rule_sets(flat, rules=["ihi"], analyse=shift_rule)
    assert det.reveal(p, cmp)["verdict"].tolist() == ["correctly quiet"]
    high = p.data.assign(y=[5.0] * 6 + [0.0, 1.0] * 7)
    cmp = det.compare_rule_sets(high, rules=["ihi"], analyse=shift_rule)
    assert det.reveal(p, cmp)["verdict"].tolist() == ["false alarm"]


def test_compare_rule_sets_does_not_mutate():
    df = generate_process(10, 5, seed=1).data
    copy = df.copy()
    det.compare_rule_sets(df, analyse=shift_rule)
    pd.testing.assert_frame_equal(df, copy)


def test_against_paceqi_spc_when_available():
    pytest.importorskip("paceqi.spc")
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
    pytest.importorskip("paceqi.spc")
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
