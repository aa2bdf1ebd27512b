"""Golden tests: paceqi.spc against the public reference vectors in tests/refdata/.

See tests/refdata/PROVENANCE.md for where each vector comes from.
"""

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import paceqi
from paceqi.spcstats import rules

REF = Path(__file__).parent / "refdata"
MONTGOMERY = sorted(p.name for p in REF.glob("qic_montgomery_*.json"))


def _load(name):
    return json.loads((REF / name).read_text())


def _qic_call(d):
    """Translate a qicharts2 call (1-based positions) into paceqi.spc arguments."""
    cols, o = d["input_columns"], d["options"]
    kw = {"x": cols["x"], "chart": d["chart"], "rules": "anhoej", "screen_mr": True}
    if "n" in cols:
        kw["n"] = cols["n"]
    if "freeze" in o:
        kw["freeze"] = o["freeze"]
    if "exclude" in o:
        kw["exclude"] = [i - 1 for i in o["exclude"]]
    if "part" in o:
        kw["phases"] = o["part"]
    if "multiply" in o:
        kw["multiply"] = o["multiply"]
    return cols["y"], kw


def test_all_montgomery_vectors_are_present():
    assert len(MONTGOMERY) == 12


@pytest.mark.parametrize("name", MONTGOMERY)
def test_montgomery_per_subgroup(name):
    d = _load(name)
    df = pd.read_csv(REF / d["input_csv"])
    y, kw = _qic_call(d)
    res = paceqi.spc(y, data=df, **kw)
    exp = d["expected"]["per_subgroup"]
    p = res.points
    assert len(p) == len(exp["x"])
    np.testing.assert_allclose(p["x"].to_numpy(float), exp["x"])
    for col in ("y", "cl", "lcl", "ucl"):
        want = np.array(exp[col], dtype=float)
        np.testing.assert_allclose(p[col].to_numpy(float), want, rtol=1e-9, atol=0, err_msg=col)
    assert p["sigma_signal"].tolist() == exp["sigma_signal"]
    assert p["baseline"].tolist() == exp["baseline"]
    assert (~p["excluded"]).tolist() == exp["include"]
    assert p["phase"].tolist() == exp["part"]


@pytest.mark.parametrize("name", MONTGOMERY)
def test_montgomery_runs_analysis(name):
    d = _load(name)
    df = pd.read_csv(REF / d["input_csv"])
    y, kw = _qic_call(d)
    summary = paceqi.spc(y, data=df, **kw).summary
    parts = d["expected"]["per_part"]
    assert len(summary) == len(parts)
    for want, (_, got) in zip(parts, summary.iterrows(), strict=True):
        for key in ("n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
                    "n_crossings_min", "runs_signal"):  # fmt: skip
            assert got[key] == want[key], (key, got[key], want[key])


def test_montgomery_excluded_points_still_get_sigma_signal():
    d = _load("qic_montgomery_7_1_p_exclude_part.json")
    df = pd.read_csv(REF / d["input_csv"])
    y, kw = _qic_call(d)
    p = paceqi.spc(y, data=df, **kw).points
    assert p.loc[[14, 22], "excluded"].all()
    assert p.loc[[14, 22], "sigma_signal"].all()


@pytest.fixture(scope="module")
def seed19():
    return _load("qic_vignette_seed19.json"), pd.read_csv(REF / "qic_vignette_seed19.csv")


def test_vignette_i_chart_summary(seed19):
    d, df = seed19
    want = d["expected"]["i_chart_summary"]
    res = paceqi.spc(df["y"], chart="i", rules="anhoej")
    s = res.summary.iloc[0]
    for key in ("n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
                "n_crossings_min", "runs_signal"):  # fmt: skip
        assert s[key] == want[key], key
    assert s["sigma_signals"] == want["sigma_signal"]
    p = res.points.iloc[0]
    for col, key in (("lcl", "aLCL"), ("lcl_2s", "aLCL_95"), ("cl", "CL"), ("ucl_2s", "aUCL_95"),
                     ("ucl", "aUCL")):  # fmt: skip
        assert p[col] == pytest.approx(want[key], abs=5e-7), col
    full = d["expected"]["i_chart_summary_full_precision_computed"]
    assert p["lcl"] == pytest.approx(full["aLCL"], rel=1e-12)
    assert p["ucl"] == pytest.approx(full["aUCL"], rel=1e-12)


def test_vignette_run_chart_summary(seed19):
    d, df = seed19
    want = d["expected"]["run_chart_summary_computed"]
    s = paceqi.spc(df["y"], chart="run", rules="anhoej").summary.iloc[0]
    assert s["cl"] == pytest.approx(want["CL_median"], rel=1e-12)
    for key in ("n_useful", "longest_run", "longest_run_max", "n_crossings", "n_crossings_min",
                "runs_signal"):  # fmt: skip
        assert s[key] == want[key], key


def test_anhoej_critical_values_10_to_100():
    want = _load("anhoej_critical_values.json")["expected"]
    assert want["n_useful"] == list(range(10, 101))
    got_l = [rules.anhoej_longest_run_max(n) for n in want["n_useful"]]
    got_c = [rules.anhoej_crossings_min(n) for n in want["n_useful"]]
    assert got_l == want["longest_run_max"]
    assert got_c == want["n_crossings_min"]


def test_swed_eisenhart_table_of_methods_section_7():
    table = pd.read_csv(REF / "swed_eisenhart_table.csv")
    assert len(table) == 51
    for row in table.itertuples():
        n1 = row.n_useful // 2
        n2 = row.n_useful - n1
        assert rules.swed_eisenhart_limits(n1, n2) == (row.runs_low, row.runs_high), row
        r, ways, total = rules.runs_distribution(n1, n2)
        p_low = Fraction(sum(w for rr, w in zip(r, ways, strict=True) if rr <= row.runs_low), total)
        p_high = Fraction(
            sum(w for rr, w in zip(r, ways, strict=True) if rr >= row.runs_high), total
        )
        assert float(p_low) == pytest.approx(row.p_low, abs=5e-5)
        assert float(p_high) == pytest.approx(row.p_high, abs=5e-5)


# --- NHSRplotthedots rule units ----------------------------------------------------------------

PTD = _load("ptd_rule_units.json")["cases"]


def _cases(prefix):
    return [c for c in PTD if c["fn"].startswith(prefix)]


def test_ptd_case_count():
    assert len(PTD) == 21


@pytest.mark.parametrize("case", _cases("seven_point_one_side_mean"))
def test_ptd_seven_point_one_side_mean(case):
    info = rules.shift(np.array(case["input"], dtype=float), 7, on_line_breaks=True)
    completing = info.flag & (info.position >= 7)
    assert completing.astype(int).tolist() == case["expected"]


@pytest.mark.parametrize("case", _cases("part_of_seven"))
def test_ptd_part_of_seven(case):
    got = rules.backfill(np.array(case["input"], dtype=bool), 7)
    assert got.astype(int).tolist() == case["expected"]


@pytest.mark.parametrize("case", _cases("seven_point_trend"))
def test_ptd_seven_point_trend(case):
    y = np.array(case["input"], dtype=float)
    t = rules.trend(y, 7, ties_break=True)
    # NHSRplotthedots reports the sign at the 7th point of the trend (and later ones)
    pos = np.zeros(y.size, dtype=int)
    for flags, sign in ((t.up, 1), (t.down, -1)):
        run_pos, _ = rules.run_lengths(flags)
        pos = np.where(flags & (run_pos >= 7), sign, pos)
    assert pos.tolist() == case["expected"]
    # and the pattern we flag is the 7th point plus the 6 before it (part_of_seven)
    assert (t.up | t.down).tolist() == rules.backfill(pos != 0, 7).tolist()


@pytest.mark.parametrize("case", _cases("two_in_three("))
def test_ptd_two_in_three(case):
    close = np.array(case["input"]["close"])
    rtm = np.array(case["input"]["rtm"])
    assert rules.two_in_three_windows(close, rtm).astype(int).tolist() == case["expected"]


@pytest.mark.parametrize("case", _cases("two_in_three") + _cases("part_of_two_in_three"))
def test_ptd_part_of_two_in_three(case):
    close = np.array(case["input"]["close"])
    rtm = np.array(case["input"]["rtm"])
    want = np.array(case["expected"], dtype=bool)
    if not case["fn"].startswith("part_of"):
        want = want & close.astype(bool)
    up, low = rules.two_of_three(close * rtm.astype(float), rtm.astype(float))
    assert (up | low).tolist() == want.tolist()


def test_ptd_end_to_end_symmetric_data():
    (case,) = _cases("ptd_spc end-to-end")
    res = paceqi.spc(case["input"]["data"], chart="i", rules="mdc", direction="increase")
    assert res.points["point_type"].tolist()[-2:] == case["expected_last_two_point_type"]


@pytest.mark.parametrize("case", _cases("assurance"))
def test_ptd_assurance(case):
    from paceqi.spcstats.classify import assurance
    from paceqi.spcstats.types import Direction

    inp = case["input"]
    got = [
        assurance(inp["target"], lo, hi, Direction(inp["improvement_direction"]))
        for lo, hi in zip(inp["lpl"], inp["upl"], strict=True)
    ]
    assert got == case["expected"]


# --- published results quoted in METHODS.md §3.1 (not in refdata) -------------------------------


def test_mdc_screening_switch_reproduces_the_nhsrplotthedots_deviations_vignette():
    # NHSRplotthedots vignettes/deviations.Rmd: UPL 4.6 screened (R default), 6.95 unscreened
    # (the MDC Excel tool); mean 1.94
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    on = paceqi.spc(data, chart="i", rules="mdc").points.iloc[0]
    off = paceqi.spc(data, chart="i", rules="mdc", screen_mr=False).points.iloc[0]
    assert round(on["ucl"], 2) == 4.6 and round(off["ucl"], 2) == 6.95
    assert round(on["cl"], 2) == 1.94


def test_t_chart_screened_and_unscreened_match_powerbi_spc():
    # PowerBI-SPC test/fixtures/golden/t/basic: UCL 106.0418 unscreened (their fixture) and
    # 97.268 with screening (their T-chart unit test), CL 11.2051
    hours = [16, 20, 5, 13, 1, 26, 46, 12, 12, 5, 19, 4, 3, 15, 14, 9, 8, 15, 21, 6, 3, 1, 56,
             117, 1, 33, 9, 9, 19, 12, 1, 16, 13, 18, 1, 35, 16, 5, 21, 38, 3, 25, 3, 11, 13, 20,
             9, 3, 8, 21, 24, 38, 8, 13, 9, 1, 30, 23, 3, 7, 22, 19, 11, 31, 6, 1, 1]  # fmt: skip
    off = paceqi.spc(hours, chart="t", screen_mr=False).points.iloc[0]
    on = paceqi.spc(hours, chart="t").points.iloc[0]
    assert off["cl"] == pytest.approx(11.2051, abs=5e-5)
    assert off["ucl"] == pytest.approx(106.0418, abs=5e-5)
    assert off["ucl_2s"] == pytest.approx(57.8835, abs=5e-5)
    assert off["lcl_2s"] == pytest.approx(0.502, abs=5e-5)
    assert off["lcl"] == pytest.approx(0.0079, abs=5e-5)
    assert on["ucl"] == pytest.approx(97.268, abs=5e-4)
