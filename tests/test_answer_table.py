"""Each row of the answer's decision table (docs/methods.md §8), on hand-made series.

:func:`judge` reads a real :func:`paceqi.spc` result; :func:`answer` combines the measures of a
change idea (built here from real results, without an extract).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from paceqi.changeidea.analysis import (
    MeasureAnalysis,
    _baseline_points,
    _pool_small_numbers,
)
from paceqi.changeidea.answer import (
    STATUS_WORDS,
    STATUSES,
    answer,
    baseline_cut,
    by_route,
    judge,
    mix_check,
)
from paceqi.spcstats import spc

QUARTERS = pd.date_range("2012-01-01", periods=36, freq="QS")
START = dt.date(2016, 8, 15)  # its quarter starts 2016-07-01: 18 baseline quarters
BASE = [40, 42, 38, 41, 39, 43, 37, 40, 42, 38, 41, 39, 43, 37, 40, 42, 38, 41]


def run(y, *, direction="decrease", chart="run", start=START, n=None):
    frame = pd.DataFrame({"x": QUARTERS[: len(y)], "y": np.asarray(y, dtype=float)})
    if n is not None:
        frame["n"] = n
    k = _baseline_points(frame, start, "quarter")
    freeze = k if 12 <= k < len(frame) else None
    return spc(
        y="y",
        n="n" if n is not None else None,
        x="x",
        data=frame,
        chart=chart,
        direction=direction,
        freeze=freeze,
    )


def status(y, **kw):
    start = kw.pop("start", START)
    res = run(y, start=start, **kw)
    return judge(res, direction=res.options.direction, test_start=start, period="quarter")


def noise(k, centre, seed=3):
    rng = np.random.default_rng(seed)
    return list(np.round(centre + rng.normal(0, 1.5, k), 1))


def test_the_test_start_quarter_is_not_baseline():
    assert baseline_cut(START, "quarter") == pd.Timestamp("2016-07-01")
    frame = pd.DataFrame({"x": QUARTERS})
    assert _baseline_points(frame, START, "quarter") == 18  # 2012Q1..2016Q2
    assert _baseline_points(frame, dt.date(2016, 7, 1), "quarter") == 18
    assert _baseline_points(frame, START, None) == 19  # per child: up to the day itself


def test_r1_too_few_baseline_points():
    j = status(BASE[:8] + [20] * 10, start=dt.date(2014, 1, 1))
    assert j.status == "too_few" and "at least 12" in j.notes[0]


def test_r1_minimum_points_come_before_a_shift():
    # 9 points, 6 of them a clear shift after the start: still too few, never "yes"
    j = status([40, 41, 39, 20, 19, 21, 20, 18, 19], start=dt.date(2012, 10, 1))
    assert j.status == "too_few"


def test_r1_baseline_without_variation():
    assert status([0.0] * 18 + [1.0] * 8).status == "too_few"


def test_r2_too_early():
    j = status(BASE + [20, 21, 19])
    assert j.status == "too_early" and j.n_since == 3 and j.shift_length == 6


def test_r3_improvement_that_began_before_the_test():
    y = [60 - 1.2 * i for i in range(36)]
    assert status(y).status == "began_before"


def test_r3_a_full_shift_before_the_start_is_before():
    y = BASE[:10] + [20] * 8 + [20] * 10
    assert status(y).status == "began_before"


def test_r4_worse():
    assert status(BASE + noise(12, 55)).status == "worse"


def test_r5_yes():
    j = status(BASE + [41] + noise(11, 25))
    assert j.status == "yes"
    assert j.baseline == pytest.approx(40.0) and j.since < 30  # the median of BASE


def test_r5_around_start_when_the_shift_began_just_before_the_test_period():
    y = BASE[:17] + [24] + noise(12, 25)  # the last baseline quarter is already low
    j = status(y)
    assert j.status == "around_start"
    assert "beginning around the test start" in j.notes[0]


def test_r6_trend_alone_is_no_sign():
    y = BASE + [41, 40, 39, 38, 37, 36] + [41, 39, 40, 42, 38, 41]
    res = run(y)
    assert res.points["trend"].iloc[18:].ne(0).any()
    j = judge(res, direction="decrease", test_start=START, period="quarter")
    assert j.status == "no_sign"


def test_r6_one_late_point_beyond_a_limit_is_no_sign():
    y = BASE + [41, 39, 40, 42, 38, 41, 39, 40, 42, 38, 41, 39, 40, 42, 38, 41, 40, 5]
    res = run(y, chart="i")
    assert res.points["sigma_signal"].iloc[-1] != 0
    j = judge(res, direction="decrease", test_start=START, period="quarter")
    assert j.status == "no_sign"
    assert any("beyond a control limit" in n for n in j.notes)


def test_r6_a_shift_long_after_the_test_is_not_credited():
    y = BASE + [41, 39, 40, 42, 38, 41, 39, 40, 42, 38] + noise(8, 25)  # from 2019 Q1
    j = status(y)
    assert j.status == "no_sign"
    assert any("more than 2 years after" in n for n in j.notes)


def test_a_chance_run_in_a_long_test_period_is_not_counted():
    # 6 points a little below the frozen median, the rest above: the period did not move
    y = BASE + [39, 39.5, 39, 39.8, 39.2, 39.6] + [44, 45, 43, 44, 45, 44, 43, 45, 44, 43, 44, 45]
    j = status(y)
    assert j.status != "yes"


def test_no_test_start_or_no_result():
    res = run(BASE + noise(12, 25))
    assert judge(res, direction="decrease", test_start=None).status == "too_few"
    assert judge(None, direction="decrease", test_start=START).status == "too_few"


def test_vocabulary_is_complete():
    assert set(STATUS_WORDS) == set(STATUSES)


# -- small numbers ------------------------------------------------------------------------------


def test_zero_width_limits_never_signal():
    # a P chart whose baseline is 0 %: the limits collapse onto the centre line
    n = [2] * 18 + [2] * 6
    y = [0] * 18 + [1, 2, 0, 1, 2, 1]
    res = run(y, chart="p", n=n, direction="increase")
    assert (res.points["ucl"].iloc[:18] == res.points["lcl"].iloc[:18]).all()
    assert (res.points["sigma_signal"] == 0).all()
    assert (res.points["two_of_three"] == 0).all()


def test_small_p_chart_periods_are_pooled_until_n_is_large_enough():
    frame = pd.DataFrame({"x": QUARTERS, "y": [2] * 36, "n": [4] * 36, "partial": False})
    pooled, period, chart, notes = _pool_small_numbers(frame, "quarter")
    assert period == "year" and chart == "p"  # 4 -> 8 (half-year) -> 16 (year)
    assert pooled["n"].tolist() == [16] * 9 and pooled["y"].tolist() == [8] * 9
    assert "pooled by year" in notes[0]
    tiny = frame.assign(n=1, y=1)
    pooled, period, chart, notes = _pool_small_numbers(tiny, "quarter")
    assert period == "year" and chart == "run" and (pooled["y"] == 1.0).all()
    assert "run chart" in notes[0]
    same, period, _, notes = _pool_small_numbers(frame.assign(n=30), "quarter")
    assert period is None and notes == () and len(same) == 36


# -- case mix -----------------------------------------------------------------------------------


def _children(shares_before, shares_after, waits, n=200):
    rows = []
    periods = (
        (pd.Timestamp("2014-01-01"), shares_before),
        (pd.Timestamp("2018-01-01"), shares_after),
    )
    for when, shares in periods:
        for route, share in shares.items():
            k = int(round(share * n))
            rows += [{"route": route, "when": when, "y": waits[(route, when.year)]}] * k
    return pd.DataFrame(rows)


def test_mix_check_states_the_test_and_threshold():
    waits = {("home", 2014): 15, ("home", 2018): 17, ("adoption", 2014): 60, ("adoption", 2018): 62}
    f = _children({"home": 0.3, "adoption": 0.7}, {"home": 0.7, "adoption": 0.3}, waits)
    m = mix_check(f, pd.Timestamp("2016-01-01"))
    assert m.material and m.p_value < 0.05 and m.largest_change == pytest.approx(0.4)
    table = by_route(f, pd.Timestamp("2016-01-01"))
    assert table["route"].tolist() == ["home", "adoption", "all routes"]
    pooled = table.set_index("route").loc["all routes"]
    assert pooled["median_since"] < pooled["median_baseline"]  # the pooled median fell ...
    per = table.set_index("route").loc[["home", "adoption"]]
    assert (per["median_since"] > per["median_baseline"]).all()  # ... every route got slower
    assert m.mix_only == 15 and m.baseline_median == 60  # the mix alone: 60 -> 15 days
    against = mix_check(
        _children({"home": 0.7, "adoption": 0.3}, {"home": 0.3, "adoption": 0.7}, waits),
        pd.Timestamp("2016-01-01"),
    )
    assert against.material and against.mix_only > against.baseline_median  # mix pushes waits up
    same = _children({"home": 0.5, "adoption": 0.5}, {"home": 0.52, "adoption": 0.48}, waits)
    assert not mix_check(same, pd.Timestamp("2016-01-01")).material


# -- the whole change idea ---------------------------------------------------------------------


def _measure(name, family, res, *, kind="interval_days", chart="run", frame=None, **gap):
    d = SimpleNamespace(
        name=name, label=name.replace("_", " ").capitalize(), family=family, kind=kind,
        default_chart=chart, period=gap.get("period", "quarter"), operational_definition="",
        start=gap.get("start"), end=gap.get("end"), routes=gap.get("routes"),
    )  # fmt: skip
    return MeasureAnalysis(d, frame if frame is not None else pd.DataFrame(), res)


def _analysis(measures, test_start=START):
    def family(f):
        return tuple(m for m in measures if m.family == f)

    params = SimpleNamespace(period="quarter", min_cell=5)
    return SimpleNamespace(
        measures=tuple(measures), family=family, test_start=test_start, params=params, document={}
    )


def test_answer_is_led_by_the_primary_outcome_not_a_count_of_measures():
    primary = _measure("days", "outcome", run(BASE + noise(12, 40)))
    other = _measure("pct", "outcome", run(BASE + noise(12, 25)))
    ans = answer(_analysis([primary, other]))
    assert ans.status == "no_sign" and ans.primary == "days"
    assert any(c.startswith("Mixed results: pct improved") for c in ans.caveats)
    assert "1 of 2" not in ans.headline


def test_balancing_measure_vetoes_an_unqualified_yes():
    primary = _measure("days", "outcome", run(BASE + [41] + noise(11, 25)))
    cost = _measure("changed", "balancing", run(BASE + noise(12, 55)))
    ans = answer(_analysis([primary, cost]))
    assert ans.status == "partly" and ans.rule.endswith("-cost")
    assert ans.caveats[0] == "Improved, but at a cost: Changed got worse."
    assert ans.headline.startswith("Partly. Days: baseline median 40 days → 25 days since")


def test_no_test_start_is_not_tested():
    primary = _measure("days", "outcome", run(BASE + noise(12, 25)))
    ans = answer(_analysis([primary], test_start=None))
    assert ans.status == "not_tested" and not ans.improved


# -- a P-chart outcome with too few points is led by the same wait in days (METHODS.md §8) --

KIN_START = dt.date(2014, 1, 1)  # 8 quarterly baseline points: too few for a frozen baseline


def _small_p_outcome():
    """A "% within target" outcome, 6 children a quarter: 8 baseline quarters, too few."""
    y = [2, 1, 3, 2, 1, 2, 3, 1] + [2] * 8
    res = run(y, chart="p", n=[6] * 16, direction="increase", start=KIN_START)
    return _measure(
        "pct_within", "outcome", res, kind="proportion_within_target", chart="p",
        start="looked_after", end="kinship_assessed",
    )  # fmt: skip


def _per_child_days(after_centre, *, end="kinship_assessed", seed=5):
    """One point per child, two a month from 2012: 48 before KIN_START, 48 after."""
    rng = np.random.default_rng(seed)
    x = pd.date_range("2012-01-01", periods=96, freq="SMS")
    y = np.where(x < pd.Timestamp(KIN_START), 150.0, after_centre) + rng.normal(0, 12, 96)
    res = spc(y="y", x="x", data=pd.DataFrame({"x": x, "y": y.round()}), chart="run",
              direction="decrease", freeze=48)  # fmt: skip
    return _measure("days_to_it", "process", res, period="child",
                    start="looked_after", end=end)  # fmt: skip


def test_too_few_p_chart_points_are_led_by_the_same_wait_in_days():
    p = _small_p_outcome()
    a = _analysis([p, _per_child_days(70)], test_start=KIN_START)
    assert judge(p.result, direction="increase", test_start=KIN_START,
                 period="quarter").status == "too_few"  # fmt: skip
    ans = answer(a)
    assert ans.status in ("yes", "around_start") and ans.primary == "days_to_it", ans
    assert ans.unit == "days" and ans.baseline == pytest.approx(150, abs=10)
    assert ans.caveats[0].startswith("Too few points of pct within for a frozen baseline (8 ")
    assert "the same wait, one point per child in start-cohort order" in ans.caveats[0]


def test_the_same_wait_in_days_without_a_change_is_no_sign_not_yes():
    a = _analysis([_small_p_outcome(), _per_child_days(150)], test_start=KIN_START)
    ans = answer(a)
    assert ans.status == "no_sign" and not ans.improved and ans.primary == "days_to_it"


def test_a_days_measure_of_another_wait_never_stands_in():
    other = _per_child_days(70, end="permanence_recommended")
    ans = answer(_analysis([_small_p_outcome(), other], test_start=KIN_START))
    assert ans.status == "too_few" and ans.primary == "pct_within"
