"""The charts and narrative on real ``paceqi.spc`` results, every chart type and rule set."""

import numpy as np
import pandas as pd
import pytest

import paceqi.spcstats as spc_mod
from paceqi.charts import small_multiples, spc_chart, theme, to_svg
from paceqi.narrative import alt_text, reading, verdict

BEFORE = [152, 148, 160, 141, 155, 149, 158, 145, 151, 162, 147, 150]
AFTER = [104, 98, 110, 95, 101, 99, 107, 96, 103, 100, 94, 102]
MONTHS = pd.date_range("2016-01-01", periods=24, freq="MS")


def test_run_chart_of_a_real_shift():
    res = spc_mod.spc(BEFORE + AFTER, x=MONTHS, chart="run", direction="decrease")
    assert res.points["shift"].iloc[12:].all()
    fig = spc_chart(res, title="Days")
    svg = to_svg(fig, id_prefix="e-")
    assert svg.count('<g class="e-m1">') == 1
    assert f".e-m1{{fill:{theme.POINT_COLOURS['special_cause_improvement']}" in svg
    assert verdict(res, test_start="2017-01-01").answer == "Yes"
    assert "shift below the median from January 2017" in alt_text(res, "days")
    text = reading(res, "days", test_start="2017-01-01")
    assert "It came after the test of change started (January 2017)." in text
    assert len(to_svg(fig).encode()) < 60_000


def test_control_chart_with_phases_freeze_exclusion_and_caveats():
    y = np.r_[BEFORE, AFTER]
    res = spc_mod.spc(
        y, x=MONTHS, chart="i", phases=[12], exclude=[3], direction="decrease", target=120
    )
    fig = spc_chart(res, title="Days")
    svg = to_svg(fig, id_prefix="e-")
    assert svg.count('class="e-l"') == 4 + 1  # two limits per phase, and the legend
    assert ">Phase 1</text>" in svg and ">Phase 2</text>" in svg
    assert "Trial limits" in " ".join(fig.caption)  # 11 and 12 points per phase
    assert reading(res, "days").count("phase") >= 1


def test_neutral_analysis_read_with_a_direction():
    res = spc_mod.spc(BEFORE + AFTER, x=MONTHS)
    assert verdict(res, direction="decrease", test_start="2017-01-01").answer == "Yes"


def test_small_multiples_and_all_on_centre_line():
    flat = spc_mod.spc([5.0] * 12, x=MONTHS[:12])
    fig = small_multiples({"A": flat, "B": spc_mod.spc(BEFORE + AFTER, x=MONTHS)})
    assert [ax.get_title() for ax in fig.axes] == ["A", "B"]
    assert "All points lie on the centre line" in reading(flat, "days")
    assert "All points lie on the centre line" in " ".join(spc_chart(flat).caption)


def _case(chart):
    rng = np.random.default_rng(11)
    m = 20
    x = pd.date_range("2017-01-01", periods=m, freq="MS")
    if chart in ("p", "pp"):
        n = rng.integers(20, 40, m)
        return {"y": rng.binomial(n, 0.4), "n": n, "x": x}
    if chart in ("u", "up"):
        n = rng.integers(20, 40, m)
        return {"y": rng.poisson(n * 0.3), "n": n, "x": x}
    if chart in ("c", "g"):
        return {"y": rng.poisson(4, m), "x": x}
    if chart in ("xbar", "s"):
        return {"y": rng.normal(100, 10, m * 4), "x": np.repeat(x, 4)}
    if chart == "t":
        return {"y": rng.exponential(30, m) + 1, "x": x}
    return {"y": rng.normal(100, 10, m), "x": x}


CASES = [(c, "ihi") for c in ("run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t")]
CASES += [("run", "anhoej"), ("p", "anhoej"), ("i", "mdc")]


@pytest.mark.parametrize("chart,rules", CASES)
def test_every_chart_type_and_rule_set_draws_and_reads(chart, rules):
    # every listed combination is valid: an OptionsError here is a failure, not a skip
    res = spc_mod.spc(
        **_case(chart), chart=chart, rules=rules, direction="increase", phases=[10], exclude=[2]
    )
    svg = to_svg(spc_chart(res, title="Measure"))
    assert svg.startswith("<svg") and ">Measure</text>" in svg
    assert alt_text(res, "the measure").endswith(".")
    assert reading(res, "the measure", test_start="2017-09-01")
    assert verdict(res, test_start="2017-09-01").answer in (
        "Yes",
        "Not yet",
        "No sign",
        "Too few data",
    )
