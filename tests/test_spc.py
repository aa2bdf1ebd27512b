"""Behaviour of paceqi.spc end to end: rule sets, phases, caveats, icons, purity."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import paceqi
from paceqi.spcstats import (
    CAVEAT_COLUMNS,
    POINT_COLUMNS,
    SUMMARY_COLUMNS,
    Assurance,
    PointType,
    SPCOptions,
    Variation,
)
from paceqi.spcstats.types import ChartType

STABLE = [5.0, 7, 6, 8, 5, 6, 7, 6, 5, 7, 6, 8, 7, 5, 6, 7, 6, 5, 7, 6]


def test_columns_are_the_design_columns_in_order():
    res = paceqi.spc(STABLE, chart="i")
    assert tuple(res.points.columns) == POINT_COLUMNS + CAVEAT_COLUMNS
    assert tuple(res.summary.columns) == SUMMARY_COLUMNS
    assert POINT_COLUMNS[:6] == ("x", "y", "n", "phase", "baseline", "excluded")


def test_result_and_options_are_frozen():
    res = paceqi.spc(STABLE, chart="i")
    assert isinstance(res, paceqi.SPCResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.points = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.options.chart = "p"


def test_inputs_are_not_mutated():
    df = pd.DataFrame(
        {"m": [3, 1, 2, 2, 1, 3], "y": [4.0, 1, 2, 3, np.nan, 5], "n": [5, 6, 7, 8, 9, 9]}
    )
    before = df.copy()
    y = df["y"].to_numpy().copy()
    paceqi.spc("y", "n", x="m", data=df, chart="p", exclude=[0])
    paceqi.spc(y, chart="i", phases=[3])
    assert df.equals(before)
    np.testing.assert_array_equal(y, df["y"].to_numpy())


def test_points_do_not_share_memory_with_input():
    x = np.arange(10.0)
    y = np.arange(10.0)
    res = paceqi.spc(y, x=x, chart="i")
    res.points.loc[0, "x"] = 99
    res.points.loc[0, "y"] = 99
    assert x[0] == 0 and y[0] == 0


def test_i_chart_lines_match_hand_computed_values_after_a_submodule_import():
    import paceqi.spcstats.rules  # noqa: F401 - importing a submodule first must not break paceqi.spc

    # by hand: sum(STABLE) = 125 over 20 points; the 19 moving ranges sum to 27, the largest
    # is 3 (< 3.267 * 27/19, so screening drops none); limits CL ± 3/1.128 * MR-bar
    cl, mr_bar = 125 / 20, 27 / 19
    s = paceqi.spc(STABLE, chart="i").summary.iloc[0]
    assert s["cl"] == pytest.approx(6.25)
    assert s["ucl"] == pytest.approx(cl + 3 / 1.128 * mr_bar) == pytest.approx(10.0294, abs=1e-4)
    assert s["lcl"] == pytest.approx(cl - 3 / 1.128 * mr_bar) == pytest.approx(2.4706, abs=1e-4)
    assert s["variation"] == "common_cause" and s["sigma_signals"] == 0


def test_default_x_is_one_based_and_options_default_to_ihi():
    res = paceqi.spc([1.0, 2, 3])
    assert res.points["x"].tolist() == [1, 2, 3]
    assert res.options.rules.value == "ihi"
    assert res.options.chart is ChartType.RUN


# --- aggregation --------------------------------------------------------------------------------


def test_rows_sharing_x_are_aggregated_with_and_without_n():
    df = pd.DataFrame({"x": [2, 1, 1, 2, 3], "y": [1.0, 2, 4, 3, 5], "n": [2, 4, 4, 4, 10]})
    res = paceqi.spc("y", x="x", data=df, chart="run")
    assert res.points["x"].tolist() == [1, 2, 3]
    assert res.points["y"].tolist() == [3.0, 2.0, 5.0]  # means
    res = paceqi.spc("y", "n", x="x", data=df, chart="p")
    assert res.points["y"].tolist() == [6 / 8, 4 / 6, 5 / 10]  # Σy/Σn
    assert res.points["n"].tolist() == [8, 6, 10]


def test_c_chart_sums_counts_of_rows_sharing_x():
    res = paceqi.spc([1, 2, 3, 4], x=["a", "a", "b", "b"], chart="c")
    assert res.points["y"].tolist() == [3, 7]


def test_string_x_keeps_first_appearance_order():
    res = paceqi.spc([1.0, 2, 3, 4], x=["Mar", "Jan", "Mar", "Feb"], chart="run")
    assert res.points["x"].tolist() == ["Mar", "Jan", "Feb"]
    assert res.points["y"].tolist() == [2.0, 2.0, 4.0]


def test_dates_are_sorted():
    x = pd.to_datetime(["2024-03-01", "2024-01-01", "2024-02-01"])
    res = paceqi.spc([3.0, 1, 2], x=x)
    assert res.points["y"].tolist() == [1.0, 2.0, 3.0]


def test_xbar_subgroup_sizes_become_n():
    res = paceqi.spc([1.0, 2, 3, 4, 5, np.nan], x=[1, 1, 2, 2, 3, 3], chart="xbar")
    assert res.points["n"].tolist() == [2, 2, 1]
    assert res.points["y"].tolist() == [1.5, 3.5, 5.0]


# --- missing values ----------------------------------------------------------------------------


def test_missing_y_is_kept_but_skipped():
    y = [1.0, 2, np.nan, 3, 4, 5]
    res = paceqi.spc(y, chart="i")
    p = res.points
    assert len(p) == 6 and np.isnan(p["y"].iat[2])
    assert p["point_type"].iat[2] == "common_cause"
    assert p["signal_reason"].iat[2] == ""
    assert res.summary["n_useful"].iat[0] == 4  # 3.0 lies on the centre line
    assert res.summary["n_obs"].iat[0] == 6  # qicharts2: n.obs counts included points
    assert p["cl"].iat[0] == pytest.approx(3.0)


def test_missing_value_breaks_the_moving_ranges_next_to_it():
    # MRs: |2-1|=1 and |5-4|=1 are used; the ranges touching NaN are missing (as qicharts2)
    res = paceqi.spc([1.0, 2, np.nan, 4, 5], chart="i", screen_mr=False)
    amr = (res.points["ucl"].iat[0] - res.points["cl"].iat[0]) / (3 / 1.128)
    assert amr == pytest.approx(1.0)


def test_excluded_point_is_spanned_by_the_moving_range():
    res = paceqi.spc([1.0, 2, 100, 4, 5], chart="i", exclude=[2], screen_mr=False)
    amr = (res.points["ucl"].iat[0] - res.points["cl"].iat[0]) / (3 / 1.128)
    assert amr == pytest.approx((1 + 2 + 1) / 3)
    assert res.points["cl"].iat[0] == pytest.approx(3.0)
    assert res.points["excluded"].tolist() == [False, False, True, False, False]
    assert res.points["sigma_signal"].iat[2]
    assert res.summary["n_obs"].iat[0] == 4


def test_all_missing_is_an_error():
    with pytest.raises(paceqi.OptionsError, match="no values to analyse"):
        paceqi.spc([np.nan, np.nan])


# --- edge cases --------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", ["run", "i", "mr", "c", "g", "t"])
def test_one_point(chart):
    res = paceqi.spc([3.0], chart=chart)
    p = res.points
    assert len(p) == 1
    assert not p[["sigma_signal", "shift", "trend", "two_of_three", "runs_signal"]].any(axis=None)
    if chart != "run":
        assert p["limits_are_trial"].iat[0]


@pytest.mark.parametrize("rules", ["ihi", "anhoej", "mdc"])
def test_all_equal_values(rules):
    res = paceqi.spc([4.0] * 20, chart="i", rules=rules)
    p, s = res.points, res.summary
    assert (p["cl"] == 4).all() and (p["ucl"] == 4).all() and (p["lcl"] == 4).all()
    assert p["mr_zero"].all() and p["all_on_cl"].all()
    assert (p["point_type"] == "common_cause").all()
    assert s["n_useful"].iat[0] == 0 and not s["runs_signal"].iat[0]


def test_run_chart_all_on_median():
    res = paceqi.spc([2.0] * 12)
    assert res.points["all_on_cl"].all() and not res.points["shift"].any()


def test_points_on_the_median_neither_break_nor_add_to_a_shift():
    #        above above on  above above on  above above   -> 6 useful points above
    y = [1.0, 9, 9, 5, 9, 9, 5, 9, 9, 1, 1, 1, 1, 1, 5]
    res = paceqi.spc(y, chart="run")
    assert res.points["cl"].iat[0] == 5
    shift = res.points["shift"].tolist()
    assert shift[1:9] == [True, True, False, True, True, False, True, True]
    assert res.points["signal_reason"].iat[8] == "6th point in a run above the median"


def test_trial_limits_and_few_useful_caveats():
    res = paceqi.spc(STABLE[:11], chart="i")
    assert res.points["limits_are_trial"].all()
    res = paceqi.spc(STABLE[:12], chart="i")
    assert not res.points["limits_are_trial"].any()
    res = paceqi.spc(STABLE[:9], chart="run")
    assert res.points["few_useful"].all()
    assert not res.points["limits_are_trial"].any()  # a run chart has no limits


# --- rule sets -----------------------------------------------------------------------------------


def test_ihi_run_chart_shift_of_six():
    y = [5.0, 4, 6, 5, 4, 6, 9, 9, 9, 9, 9, 9, 4, 6, 5, 4]
    res = paceqi.spc(y, chart="run")
    assert res.points["shift"].tolist()[6:12] == [True] * 6
    assert res.points["signal_reason"].iat[11] == "6th point in a run above the median"
    assert res.summary["suggested_phase_start"].iat[0] == 6
    five = paceqi.spc([5.0, 4, 6, 5, 4, 4, 9, 9, 9, 9, 9, 4, 6, 5, 4, 5], chart="run")
    assert five.points["cl"].iat[0] == 5
    assert not five.points["shift"].any()


def test_ihi_run_chart_trend_of_five():
    y = [5.0, 3, 7, 1, 2, 3, 4, 5, 2, 6, 3, 5]
    res = paceqi.spc(y, chart="run")
    assert res.points["trend"].tolist()[3:8] == [True] * 5
    assert res.points["signal_reason"].iat[5].startswith("part of a 5-point rising trend")


def test_ihi_runs_test_uses_exact_limits_for_the_actual_counts():
    y = np.tile([1.0, 2.0], 10)  # 20 useful points alternating: 20 runs, too many
    res = paceqi.spc(y, chart="run")
    s = res.summary.iloc[0]
    assert (s["runs_min"], s["runs_max"], s["n_runs"]) == (6, 16, 20)
    assert s["runs_signal"] and res.points["runs_signal"].all()


def test_ihi_runs_test_needs_ten_useful_points():
    res = paceqi.spc([1.0, 2] * 4 + [1.0], chart="run")  # 9 points, 9 runs
    assert not res.summary["runs_signal"].iat[0]


def test_ihi_control_chart_rules():
    base = [10.0, 11, 9] * 6 + [11.0, 9]  # mean 10, MR-bar 27/19
    res = paceqi.spc(base + [10.5] * 8, chart="i", freeze=20, shift_n=None)
    assert res.options.shift_length == 8 and res.options.trend_length == 6
    assert res.points["shift"].tolist()[-8:] == [True] * 8
    assert res.summary["suggested_phase_start"].iat[0] == 20
    res = paceqi.spc(base + [10, 12.8, 10.5, 13], chart="i", freeze=20)
    p = res.points
    sigma = 27 / 19 / 1.128
    assert p["ucl_2s"].iat[0] == pytest.approx(10 + 2 * sigma)  # 12.52 < 12.8, 13 < 3 sigma
    assert not p["sigma_signal"].any()
    assert p["two_of_three"].tolist()[-4:] == [False, True, False, True]
    assert p["signal_reason"].iat[-1] == "2 of 3 points beyond the upper 2-sigma line"


def test_ihi_hugging_rule_on_control_charts():
    base = [0.0, 5, -5, 5, -5, 0, 5, -5, 5, -5, 0, 5, -5, 0, 5, -5, 0, 5, -5, 0]
    res = paceqi.spc(base + [0.1, -0.1] * 8, chart="i", freeze=20)
    assert res.points["hugging"].tolist()[-16:] == [True] * 16
    assert "within 1 sigma" in res.points["signal_reason"].iat[-1]
    assert res.points["point_type"].iat[-1] == "common_cause"  # a caption, not a colour


def test_anhoej_has_no_trend_and_flags_long_runs():
    y = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    res = paceqi.spc(y, chart="run", rules="anhoej")
    assert not res.points["trend"].any()
    s = res.summary.iloc[0]
    assert (s["longest_run"], s["longest_run_max"]) == (6, 7)
    assert not res.points["shift"].any()


def test_anhoej_rejects_trend_n():
    with pytest.raises(paceqi.OptionsError, match="trend_n"):
        paceqi.spc(STABLE, rules="anhoej", trend_n=5)


def test_mdc_uses_2_66_and_seven_point_rules():
    res = paceqi.spc(STABLE, chart="i", rules="mdc", screen_mr=False)
    y = np.array(STABLE)
    amr = np.abs(np.diff(y)).mean()
    assert res.points["ucl"].iat[0] == pytest.approx(y.mean() + 2.66 * amr, rel=1e-12)
    assert res.points["ucl_2s"].iat[0] == pytest.approx(y.mean() + 2 * 2.66 / 3 * amr, rel=1e-12)
    assert res.options.shift_length == 7 and res.options.trend_length == 7
    six = paceqi.spc(STABLE, chart="i", rules="mdc", shift_n=6, trend_n=6)
    assert six.options.shift_length == 6 and six.options.trend_length == 6


def test_mdc_trend_direction_decides_improvement():
    y = STABLE + [4.0, 4.5, 5, 5.5, 6, 6.5, 7]  # rising trend of 7 that stays within limits
    res = paceqi.spc(y, chart="i", rules="mdc", direction="decrease")
    assert res.points["trend"].tolist()[-7:] == [True] * 7
    assert (res.points["point_type"].iloc[-7:] == "special_cause_concern").all()
    assert res.summary["variation"].iat[0] == "concern_high"


def test_mdc_two_of_three_counts_points_beyond_three_sigma():
    y = STABLE + [7.0, 12, 9.2]  # mean 6.25; 2-sigma line ~8.7, 3-sigma line ~10
    res = paceqi.spc(y, chart="i", rules="mdc", freeze=20, direction="increase")
    p = res.points
    assert p["sigma_signal"].iat[21]
    assert p["two_of_three"].tolist()[-3:] == [False, True, True]
    assert p["point_type"].iat[22] == "special_cause_improvement"


def test_screen_mr_switch():
    y = [1.0, 2, 1, 2, 1, 2, 30, 1, 2, 1, 2, 1]
    on = paceqi.spc(y, chart="i")
    off = paceqi.spc(y, chart="i", screen_mr=False)
    assert on.points["ucl"].iat[0] < off.points["ucl"].iat[0]


# --- phases, freeze, direction, icons -----------------------------------------------------------


def test_phases_by_break_positions_and_labels_agree():
    y = STABLE + [v + 10 for v in STABLE]
    a = paceqi.spc(y, chart="i", phases=[20])
    b = paceqi.spc(y, chart="i", phases=["before"] * 20 + ["after"] * 20)
    pd.testing.assert_series_equal(a.points["cl"], b.points["cl"])
    assert a.summary["phase"].tolist() == [1, 2]
    assert b.summary["phase"].tolist() == ["before", "after"]
    assert b.points["phase"].tolist()[19:21] == ["before", "after"]
    assert a.summary["cl"].tolist() == pytest.approx([np.mean(STABLE), np.mean(STABLE) + 10])


def test_phase_labels_from_a_column():
    df = pd.DataFrame({"y": STABLE * 2, "stage": ["A"] * 20 + ["B"] * 20})
    res = paceqi.spc("y", data=df, chart="i", phases="stage")
    assert res.summary["phase"].tolist() == ["A", "B"]
    assert res.options.phases == (20,)


def test_freeze_extends_the_baseline_and_runs_cover_all_points():
    y = STABLE + [9.0] * 10
    res = paceqi.spc(y, chart="i", freeze=20, rules="anhoej")
    assert res.points["baseline"].tolist() == [True] * 20 + [False] * 10
    assert res.points["cl"].nunique() == 1
    assert res.summary["n_obs"].iat[0] == 30
    assert res.summary["runs_signal"].iat[0]


def test_no_automatic_recalculation_only_a_suggestion():
    y = STABLE + [12.0] * 10
    res = paceqi.spc(y, chart="i")
    assert len(res.summary) == 1 and res.points["cl"].nunique() == 1
    assert res.summary["suggested_phase_start"].iat[0] == 20


def test_direction_swaps_improvement_and_concern():
    y = STABLE + [20.0]
    up = paceqi.spc(y, chart="i", direction="increase").points["point_type"].iat[-1]
    down = paceqi.spc(y, chart="i", direction="decrease").points["point_type"].iat[-1]
    neutral = paceqi.spc(y, chart="i").points["point_type"].iat[-1]
    assert (up, down, neutral) == (
        PointType.IMPROVEMENT,
        PointType.CONCERN,
        PointType.NEUTRAL_HIGH,
    )


@pytest.mark.parametrize(
    "direction,last,want",
    [
        ("increase", 20.0, Variation.IMPROVEMENT_HIGH),
        ("increase", -10.0, Variation.CONCERN_LOW),
        ("decrease", 20.0, Variation.CONCERN_HIGH),
        ("decrease", -10.0, Variation.IMPROVEMENT_LOW),
        (None, 20.0, Variation.NEUTRAL_HIGH),
        (None, -10.0, Variation.NEUTRAL_LOW),
        ("increase", 6.0, Variation.COMMON_CAUSE),
    ],
)
def test_variation_icon_from_the_last_point(direction, last, want):
    res = paceqi.spc(STABLE + [last], chart="i", direction=direction, freeze=20)
    assert res.summary["variation"].iat[0] == want


def test_assurance_against_the_limits():
    res = paceqi.spc(STABLE, chart="i", direction="increase", target=2.0)
    assert res.summary["assurance"].iat[0] == Assurance.CONSISTENT_PASS
    res = paceqi.spc(STABLE, chart="i", direction="increase", target=6.0)
    assert res.summary["assurance"].iat[0] == Assurance.INCONSISTENT
    res = paceqi.spc(STABLE, chart="i", direction="decrease", target=20.0)
    assert res.summary["assurance"].iat[0] == Assurance.CONSISTENT_PASS
    res = paceqi.spc(STABLE, chart="i", target=20.0)
    assert res.summary["assurance"].iat[0] is None
    res = paceqi.spc(STABLE, chart="run", direction="increase", target=20.0)
    assert res.summary["assurance"].iat[0] is None


def test_multiply_scales_y_and_lines():
    a = paceqi.spc([3, 4, 5, 6, 4, 5], n=[10] * 6, chart="p")
    b = paceqi.spc([3, 4, 5, 6, 4, 5], n=[10] * 6, chart="p", multiply=100)
    for col in ("y", "cl", "ucl", "lcl", "ucl_2s"):
        np.testing.assert_allclose(b.points[col], a.points[col] * 100)


@pytest.mark.parametrize("chart", ["pp", "up"])
def test_laney_charts_widen_limits_for_overdispersion(chart):
    rng = np.random.default_rng(3)
    n = np.full(30, 2000)
    p = np.clip(0.2 + rng.normal(0, 0.03, 30), 0.01, 0.99)
    y = rng.binomial(n, p)
    plain = paceqi.spc(y, n, chart=chart[0])
    laney = paceqi.spc(y, n, chart=chart)
    assert (laney.points["ucl"] > plain.points["ucl"]).all()
    assert plain.points["sigma_signal"].sum() > laney.points["sigma_signal"].sum()


def test_g_chart_shows_median_but_limits_from_mean():
    y = [3.0, 8, 1, 15, 6, 2, 9, 4, 20, 5, 7, 11]
    res = paceqi.spc(y, chart="g")
    gbar = np.mean(y)
    assert res.points["cl"].iat[0] == np.median(y)
    assert res.points["ucl"].iat[0] == pytest.approx(gbar + 3 * np.sqrt(gbar * (gbar + 1)))
    assert res.points["lcl"].iat[0] == 0


def test_options_describe_and_as_dict():
    res = paceqi.spc(STABLE, chart="i", rules="mdc", freeze=12, direction="decrease", target=4)
    text = res.options.describe()
    assert "2.66·MR-bar" in text and "first 12 points" in text and "Target: 4" in text
    d = res.options.as_dict()
    assert d["chart"] == "i" and d["shift_length"] == 7 and d["screen_mr"] is True
    assert SPCOptions(chart="run").describe().startswith("Chart: run. Rules: ihi (IHI run chart")
    assert "exact Swed-Eisenhart" in SPCOptions(chart="run").describe()


# speed and linear growth are measured in benchmarks/bench_spc.py, not asserted here
def test_a_200000_point_series_gives_one_row_per_point_and_finds_signals():
    rng = np.random.default_rng(0)
    res = paceqi.spc(rng.normal(size=200_000), chart="i")
    assert len(res.points) == 200_000
    assert res.points["signal_reason"].str.len().gt(0).any()


def test_label_columns_are_plain_strings_that_group_without_warnings():
    res = paceqi.spc(STABLE * 2, chart="i", phases=["A"] * 20 + ["B"] * 20)
    p = res.points
    assert p["point_type"].dtype == object and p["phase"].dtype == object
    assert p.groupby("point_type").size().sum() == 40  # warnings are errors in this suite
    assert p.groupby("phase").size().to_dict() == {"A": 20, "B": 20}
    assert isinstance(p["point_type"].iat[0], str)


@pytest.mark.parametrize("chart", ["run", "mr", "g", "i"])
def test_output_columns_do_not_share_memory(chart):
    p = paceqi.spc(STABLE, chart=chart).points
    cols = ["y", "cl", "lcl", "ucl", "lcl_2s", "ucl_2s"]
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            assert not np.shares_memory(p[a].to_numpy(), p[b].to_numpy()), (a, b)
