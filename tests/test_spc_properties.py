"""Property tests (hypothesis): invariances the analysis must have whatever the data."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import paceqi

SIGNALS = ["sigma_signal", "shift", "trend", "two_of_three", "runs_signal", "hugging",
           "point_type", "signal_reason"]  # fmt: skip
LINES = ["cl", "lcl", "ucl", "lcl_2s", "ucl_2s"]

series = st.lists(st.integers(-50, 50), min_size=1, max_size=40)
charts = st.sampled_from(["run", "i"])
rule_sets = st.sampled_from(["ihi", "anhoej", "mdc"])
directions = st.sampled_from(["increase", "decrease", None])
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _far_from_lines(points, tol=1e-6):
    y = points["y"].to_numpy()
    cl = points["cl"].to_numpy()
    half = (points["ucl"] - points["cl"]).to_numpy()
    lines = [points[c].to_numpy() for c in LINES[1:]] + [cl + half / 3, cl - half / 3]
    return all(np.all(~np.isfinite(a) | (np.abs(y - a) > tol)) for a in lines)


@PROPS
@given(series, st.integers(-1000, 1000), charts, rule_sets, directions)
def test_adding_a_constant_moves_lines_and_changes_no_signal(y, c, chart, rules, direction):
    a = paceqi.spc([float(v) for v in y], chart=chart, rules=rules, direction=direction)
    assume(_far_from_lines(a.points))
    b = paceqi.spc([float(v + c) for v in y], chart=chart, rules=rules, direction=direction)
    for col in LINES:
        np.testing.assert_allclose(b.points[col], a.points[col] + c, rtol=0, atol=1e-9)
    for col in SIGNALS:
        assert b.points[col].tolist() == a.points[col].tolist(), col
    cols = ["n_useful", "longest_run", "n_crossings", "runs_signal", "variation",
            "suggested_phase_start"]  # fmt: skip
    assert b.summary[cols].equals(a.summary[cols])


SWAP = {
    "special_cause_improvement": "special_cause_concern",
    "special_cause_concern": "special_cause_improvement",
    "common_cause": "common_cause",
}
SWAP_ICON = {
    "improvement_high": "concern_high",
    "improvement_low": "concern_low",
    "concern_high": "improvement_high",
    "concern_low": "improvement_low",
    "common_cause": "common_cause",
}
SWAP_ASSURANCE = {"consistent_pass": "consistent_fail", "consistent_fail": "consistent_pass",
                  "inconsistent": "inconsistent", None: None}  # fmt: skip


@PROPS
@given(series, charts, rule_sets, st.one_of(st.none(), st.integers(-60, 60)))
def test_reversing_direction_swaps_improvement_and_concern(y, chart, rules, target):
    y = [float(v) for v in y]
    up = paceqi.spc(y, chart=chart, rules=rules, direction="increase", target=target)
    down = paceqi.spc(y, chart=chart, rules=rules, direction="decrease", target=target)
    assert [SWAP[t] for t in up.points["point_type"]] == down.points["point_type"].tolist()
    assert [SWAP_ICON[v] for v in up.summary["variation"]] == down.summary["variation"].tolist()
    assert [SWAP_ASSURANCE[v] for v in up.summary["assurance"]] == down.summary[
        "assurance"
    ].tolist()
    for col in SIGNALS[:-2]:
        assert up.points[col].tolist() == down.points[col].tolist()


@PROPS
@given(series, charts, rule_sets)
def test_neutral_direction_has_only_neutral_special_causes(y, chart, rules):
    res = paceqi.spc([float(v) for v in y], chart=chart, rules=rules)
    assert set(res.points["point_type"]) <= {
        "common_cause",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    }
    special = res.points["point_type"] != "common_cause"
    assert (res.points.loc[special, "signal_reason"] != "").all()


@PROPS
@given(series, rule_sets)
def test_signal_columns_are_consistent(y, rules):
    res = paceqi.spc([float(v) for v in y], chart="i", rules=rules)
    p = res.points
    y_ = p["y"].to_numpy()
    # zero-width limits (e.g. every moving range screened out) never signal (METHODS.md §8)
    open_ = (p["ucl"] - p["lcl"]).to_numpy() > 0
    beyond = ((y_ > p["ucl"]) | (y_ < p["lcl"])).to_numpy()
    assert (p["sigma_signal"].to_numpy() == (beyond & open_)).all()
    assert res.summary["sigma_signals"].sum() == p["sigma_signal"].sum()
    has = np.isfinite(p["ucl"])
    assert (p.loc[has, "lcl"] <= p.loc[has, "lcl_2s"]).all()
    assert (p.loc[has, "ucl_2s"] <= p.loc[has, "ucl"]).all()
    assert has.all() == (len(p) >= 2)  # limits need one moving range
