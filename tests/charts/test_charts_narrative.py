import pytest

from paceqi.errors import OptionsError
from paceqi.narrative import ANSWERS, alt_text, reading, verdict


def test_alt_text_names_chart_count_centre_and_signal(shift_down):
    text = alt_text(shift_down, "days to permanence recommendation", points_noun="children")
    assert text == (
        "Run chart of days to permanence recommendation, 24 children (median 126 days); "
        "shift above the median from January 2016; shift below the median from January 2017; "
        "too few runs (2): the points cross the centre line less often than chance would allow."
    )


def test_alt_text_infers_months_and_reports_no_signals(flat):
    assert alt_text(flat, "children seen within target", unit="").startswith(
        "Run chart of children seen within target, 16 months (median 11.5); no signals"
    )


def test_alt_text_control_chart_with_limit_signal(make):
    res = make([5, 6, 5, 6, 5, 6, 5, 20, 5, 6, 5, 6, 5], chart="i")
    assert "point above the upper limit in August 2016" in alt_text(res, "days")


def test_shift_after_test_start_is_an_improvement(shift_down):
    v = verdict(shift_down, direction="decrease", test_start="2017-01-01", measure_label="days")
    assert v.answer == "Yes"
    assert (
        "Shift below the median from January 2017 (12 points), after the test started in "
        "January 2017." in v.evidence
    )
    text = reading(
        shift_down,
        "days to permanence recommendation",
        direction="decrease",
        test_start="2017-01-01",
    )
    assert "From January 2017, 12 points in a row were below the median (a shift)." in text
    assert "Lower is better here, so this is an improvement." in text
    assert "It came after the test of change started (January 2017)." in text
    assert "The line across the middle is the median (126 days)" in text


def test_shift_before_test_start_is_not_credited(shift_down):
    v = verdict(shift_down, direction="decrease", test_start="2017-07-01")
    assert v.answer == "No sign"
    assert any(
        "began before the test started (July 2017), so it cannot be put down to the change" in e
        for e in v.evidence
    )
    text = reading(shift_down, "days", direction="decrease", test_start="2017-07-01")
    assert "It began before the test of change started (July 2017)." in text
    assert "No signal has appeared since the test of change started (July 2017)." in text


def test_shift_the_wrong_way_is_a_concern(make, shift_down):
    res = make(list(shift_down.points["y"]), direction="increase")
    v = verdict(res, test_start="2017-01-01")
    assert v.answer == "No sign"
    assert "Signal of concern: shift below the median from January 2017." in v.evidence
    text = reading(res, "children on time", direction="increase", test_start="2017-01-01", unit="")
    assert "Higher is better here, so this is a change for the worse." in text


def test_no_signal(flat):
    v = verdict(flat, test_start="2016-06-01")
    assert v.answer == "No sign"
    assert (
        v.evidence[0]
        == "11 points since the test started in June 2016, and no signal of improvement."
    )
    text = reading(flat, "days to the two-week meeting")
    assert "There are no signals" in text and "common-cause variation" in text
    assert "6 or more points in a row on one side of the median" in text


def test_not_yet_when_too_few_points_since_the_start(flat):
    v = verdict(flat, test_start="2017-03-01")
    assert v.answer == "Not yet"
    assert v.evidence[0].startswith(
        "2 points since the test started in March 2017; a shift needs at least 6"
    )


def test_too_few_points(make):
    res = make([12, 15, 11, 14, 13], direction="decrease")
    v = verdict(res, test_start="2016-03-01")
    assert v.answer == "Too few data"
    assert v.evidence[0].startswith("Only 5 points of the measure; at least 10")
    text = reading(res, "days")
    assert "Too few useful points for the runs analysis" in text
    one = make([12.0])
    assert verdict(one).answer == "Too few data"
    assert "too few points to analyse" in alt_text(one, "days")
    assert "too few points to say anything" in reading(one, "days")


def test_control_chart_reading_explains_limits(make):
    res = make([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 1], chart="i", direction="decrease")
    text = reading(res, "days")
    assert "dashed lines are the control limits" in text
    assert "a point was below the lower control limit" in text
    assert "8 or more points in a row on one side of the mean" in text
    v = verdict(res)  # one point beyond a limit is a special cause, never a sustained "Yes"
    assert v.answer == "No sign"
    assert any("not evidence of a sustained improvement" in e for e in v.evidence)


def test_a_trend_alone_never_gives_yes(make):
    y = [20, 21, 19, 20, 22, 19, 21, 20, 20, 21, 20, 19, 18, 17, 16, 15]
    res = make(y, direction="decrease")  # a 7-point fall from October 2016, no shift
    v = verdict(res, test_start="2016-10-01")
    assert v.answer == "No sign"
    assert any("A trend alone does not show a sustained improvement" in e for e in v.evidence)


def test_too_few_points_is_checked_before_a_shift(make):
    res = make([30, 31, 29, 30, 20, 19, 18, 21, 20], direction="decrease")
    assert verdict(res, test_start="2016-04-01").answer == "Too few data"


def test_a_shift_long_after_the_test_is_not_credited(make):
    y = [30, 31, 29, 30, 32, 28, 31, 30, 29, 31, 30, 29, 31, 30] + [20] * 6
    res = make(y, direction="decrease")
    v = verdict(res, test_start="2016-02-01")  # the shift begins 13 months later (March 2017)
    assert v.answer == "Yes"
    v = verdict(res, test_start="2014-01-01")
    assert v.answer == "No sign"
    assert any("more than two years after the test started" in e for e in v.evidence)


def test_runs_signal_is_reported(make):
    res = make([10, 12] * 8)
    assert "too many runs (16): the points cross" in reading(res, "days")
    assert "too many runs (16): the points cross" in alt_text(res, "days")


def test_phases_are_described(make, shift_down):
    res = make(list(shift_down.points["y"]), phases=["Baseline"] * 12 + ["Test"] * 12)
    text = reading(res, "days")
    assert (
        "split into 2 phases, each with its own median (Baseline: 150 days; Test: 100 days)" in text
    )


def test_direction_checks(shift_down, make):
    with pytest.raises(OptionsError, match="direction: got 'up'"):
        verdict(shift_down, direction="up")
    with pytest.raises(OptionsError, match="analysis was run with direction='decrease'"):
        reading(shift_down, "days", direction="increase")
    neutral = make(list(shift_down.points["y"]))
    v = verdict(neutral, test_start="2017-01-01")
    assert v.answer == "No sign" and "No improvement direction was set" in v.evidence[1]


def test_test_start_must_match_the_x_axis(make):
    res = make([1, 2] * 6, x=range(12))
    with pytest.raises(OptionsError, match="test_start: the chart's x values are not dates"):
        verdict(res, test_start="2017-01-01")
    assert verdict(res, test_start=8).answer == "Not yet"


def test_answers_and_str(shift_down):
    v = verdict(shift_down, direction="decrease", test_start="2017-01-01")
    assert v.answer in ANSWERS
    assert str(v).startswith("Yes. Shift below")


def test_narrative_does_not_mutate(shift_down):
    before = shift_down.points.copy()
    reading(shift_down, "days", test_start="2017-01-01")
    verdict(shift_down, test_start="2017-01-01")
    alt_text(shift_down, "days")
    assert before.equals(shift_down.points)


def test_a_shift_on_each_side_is_two_episodes(make, shift_down):
    res = make(list(shift_down.points["y"]), direction="decrease")
    text = alt_text(res, "days")
    assert (
        "shift above the median from January 2016; shift below the median from January 2017" in text
    )
    v = verdict(res, test_start="2017-01-01")
    assert v.answer == "Yes"


def test_limit_signals_in_the_evidence_have_no_point_count(make):
    res = make([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 1], chart="i", direction="decrease")
    v = verdict(res, test_start="2016-12-01")
    assert v.evidence[1].startswith(
        "Point below the lower limit in January 2017, after the test started in December 2016. "
    )
    assert v.answer == "Not yet"  # one point beyond a limit: a special cause, never "Yes"
