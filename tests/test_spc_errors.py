"""Every bad input to paceqi.spc raises OptionsError naming the argument and the problem."""

import numpy as np
import pandas as pd
import pytest

import paceqi
from paceqi import OptionsError

Y = [3.0, 4, 5, 4, 3, 5, 4, 6, 5, 4, 3, 5]


def test_options_error_is_a_paceqi_error_and_value_error():
    with pytest.raises(paceqi.PaceqiError):
        paceqi.spc(Y, chart="nope")
    with pytest.raises(ValueError):
        paceqi.spc(Y, chart="nope")


def test_unknown_chart_lists_the_valid_ones():
    with pytest.raises(
        OptionsError,
        match=r"Unknown chart 'bar' for chart\. Available: c, g, i, mr, p, pp, run, s, t, u, up, "
        r"xbar",
    ):
        paceqi.spc(Y, chart="bar")


def test_unknown_rule_set_lists_the_valid_ones():
    with pytest.raises(
        OptionsError, match=r"Unknown rule set 'we' for rules\. Available: anhoej, ihi, mdc"
    ):
        paceqi.spc(Y, rules="we")


def test_unknown_direction():
    with pytest.raises(OptionsError, match=r"direction.*Available: decrease, increase, neutral"):
        paceqi.spc(Y, direction="up")


def test_chart_and_rules_are_case_insensitive():
    assert paceqi.spc(Y, chart="I", rules="MDC").options.rules.value == "mdc"


def test_mismatched_lengths():
    with pytest.raises(OptionsError, match=r"n has 3 values but y has 12"):
        paceqi.spc(Y, n=[1, 2, 3], chart="p")
    with pytest.raises(OptionsError, match=r"x has 2 values but y has 12"):
        paceqi.spc(Y, x=[1, 2])


def test_non_numeric_y_names_positions_not_values():
    with pytest.raises(
        OptionsError, match=r"y: 2 values not a finite number at positions 1, 3 \(0-based\)"
    ) as e:
        paceqi.spc([1, "Jane", 3, "x7", 5])
    assert "Jane" not in str(e.value)


def test_infinite_y():
    with pytest.raises(OptionsError, match=r"y: 1 value not a finite number at position 2"):
        paceqi.spc([1.0, 2, np.inf])


def test_dates_as_y():
    with pytest.raises(OptionsError, match="y must hold numbers, not dates"):
        paceqi.spc(pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01"])))


def test_zero_or_negative_n():
    with pytest.raises(OptionsError, match=r"n: 2 values zero or negative at positions 1, 2"):
        paceqi.spc([1, 1, 1], n=[3, 0, -1], chart="p")


def test_missing_n_for_a_value():
    with pytest.raises(OptionsError, match=r"n: 1 value missing at position 0"):
        paceqi.spc([1, 1, 1], n=[np.nan, 2, 2], chart="p")


def test_ratio_chart_needs_n():
    with pytest.raises(OptionsError, match=r"chart='u' needs a denominator n"):
        paceqi.spc(Y, chart="u")


def test_y_above_n_on_a_p_chart():
    with pytest.raises(OptionsError, match=r"y: 1 value larger than n at position 1 .*y <= n"):
        paceqi.spc([1, 5, 2], n=[3, 4, 5], chart="p")


def test_negative_counts():
    with pytest.raises(OptionsError, match=r"y: 1 value negative at position 0.*chart='c'"):
        paceqi.spc([-1, 5, 2], chart="c")


def test_t_chart_needs_positive_times():
    with pytest.raises(
        OptionsError, match=r"y: 1 value zero or negative at position 1 \(0-based\); a T chart"
    ):
        paceqi.spc([3.0, 0, 2], chart="t")


def test_exclude_out_of_range():
    with pytest.raises(
        OptionsError, match=r"exclude: positions 12, 40 are out of range; the data have 12 points"
    ):
        paceqi.spc(Y, exclude=[1, 12, 40])
    with pytest.raises(OptionsError, match=r"exclude: positions -1 are out of range"):
        paceqi.spc(Y, exclude=[-1])


def test_exclude_must_be_whole_numbers():
    with pytest.raises(
        OptionsError, match=r"exclude must hold 0-based whole-number positions \(got 1.5\)"
    ):
        paceqi.spc(Y, exclude=[1.5])
    with pytest.raises(OptionsError, match=r"exclude must be a list of 0-based positions"):
        paceqi.spc(Y, exclude="3")


def test_phases_out_of_range():
    with pytest.raises(OptionsError, match=r"phases: break positions 0, 12 are out of range"):
        paceqi.spc(Y, phases=[0, 12])


def test_phase_labels_of_the_wrong_length():
    with pytest.raises(OptionsError, match=r"or one phase label per row"):
        paceqi.spc(Y, phases=["a", "b"])


def test_freeze_problems():
    with pytest.raises(OptionsError, match=r"freeze must be at least 1 \(got 0\)"):
        paceqi.spc(Y, freeze=0)
    with pytest.raises(OptionsError, match=r"freeze must be a whole number \(got 2.5\)"):
        paceqi.spc(Y, freeze=2.5)
    with pytest.raises(OptionsError, match=r"freeze=13 is larger than the data \(12 points\)"):
        paceqi.spc(Y, freeze=13)
    with pytest.raises(OptionsError, match=r"freeze=8 is larger than the first phase \(5 points\)"):
        paceqi.spc(Y, freeze=8, phases=[5])


def test_other_option_types():
    with pytest.raises(OptionsError, match=r"multiply must be a positive finite number \(got 0\)"):
        paceqi.spc(Y, multiply=0)
    with pytest.raises(OptionsError, match=r"target must be a number \(got 'high'\)"):
        paceqi.spc(Y, target="high")
    with pytest.raises(OptionsError, match=r"screen_mr must be True or False"):
        paceqi.spc(Y, screen_mr="yes")
    with pytest.raises(OptionsError, match=r"shift_n must be at least 2"):
        paceqi.spc(Y, shift_n=1)
    with pytest.raises(OptionsError, match=r"trend_n must be a whole number"):
        paceqi.spc(Y, trend_n="6")


def test_empty_and_scalar_input():
    with pytest.raises(OptionsError, match="y is empty"):
        paceqi.spc([])
    with pytest.raises(OptionsError, match="y must be a sequence of values"):
        paceqi.spc(5)
    with pytest.raises(OptionsError, match="y must be one-dimensional"):
        paceqi.spc(np.ones((3, 2)))


def test_column_names_need_data_and_must_exist():
    df = pd.DataFrame({"count": Y, "month": range(12)})
    with pytest.raises(
        OptionsError, match=r"y='count' looks like a column name, but no data frame"
    ):
        paceqi.spc("count")
    with pytest.raises(
        OptionsError, match=r"x: column 'when' not in data\. Columns in data: count, month"
    ):
        paceqi.spc("count", x="when", data=df)
    with pytest.raises(OptionsError, match=r"data must be a pandas DataFrame"):
        paceqi.spc("count", data={"count": Y})


def test_missing_x():
    with pytest.raises(OptionsError, match=r"x: 1 value missing at position 2"):
        paceqi.spc([1.0, 2, 3], x=[1, 2, None])


def test_subgroup_charts_need_x_and_no_n():
    with pytest.raises(OptionsError, match=r"chart='xbar' needs x"):
        paceqi.spc(Y, chart="xbar")
    with pytest.raises(OptionsError, match=r"n is not used by chart='s'"):
        paceqi.spc(Y, n=[1] * 12, x=[1] * 12, chart="s")


def test_mixed_phase_labels_within_a_subgroup():
    with pytest.raises(
        OptionsError, match=r"phases: 1 subgroup \(rows sharing x\) carry more than one"
    ):
        paceqi.spc([1.0, 2, 3, 4], x=[1, 1, 2, 2], phases=["a", "b", "b", "b"])


def test_long_position_lists_are_capped():
    y = ["x"] * 25
    with pytest.raises(OptionsError, match=r"positions 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 15 more"):
        paceqi.spc(y)
