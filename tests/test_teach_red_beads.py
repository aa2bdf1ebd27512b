import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.teach import red_beads as rb


def test_defaults_are_demings_bowl():
    assert (rb.BOWL_RED, rb.BOWL_WHITE, rb.PADDLE_HOLES) == (800, 3200, 50)
    assert rb.BOWL_RED / (rb.BOWL_RED + rb.BOWL_WHITE) == 0.2


def test_tidy_frame_and_reproducible():
    a = rb.draw_beads(6, 4, seed=1)
    assert list(a.columns) == list(rb.COLUMNS)
    assert len(a) == 24
    assert a["day"].tolist()[:7] == [1] * 6 + [2]
    assert a["worker"].tolist()[:6] == ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert a.equals(rb.draw_beads(6, 4, seed=1))
    assert not a["red"].equals(rb.draw_beads(6, 4, seed=2)["red"])


def test_sampling_is_without_replacement():
    # a bowl of exactly 3 red and 47 white and a 50-hole paddle: every dip has all 3 red
    beads = rb.draw_beads(4, 5, red=3, white=47, seed=1)
    assert (beads["red"] == 3).all()
    # draws never exceed the red beads in the bowl
    assert (rb.draw_beads(5, 50, red=4, white=500, seed=2)["red"] <= 4).all()


def test_mean_and_hypergeometric_variance():
    beads = rb.draw_beads(50, 200, seed=3)  # 10 000 dips
    # mean 50*0.2 = 10; variance n p (1-p) (N-n)/(N-1) = 8 * 3950/3999 = 7.902
    assert abs(beads["red"].mean() - 10.0) < 0.1
    assert abs(beads["red"].var() - 8 * 3950 / 3999) < 0.3


def test_keeping_the_best_workers_changes_nothing():
    rng = np.random.default_rng(42)
    kept_before, kept_after = [], []
    for _ in range(60):
        before = rb.draw_beads(6, 4, seed=rng)
        after = rb.keep_best_fire_worst(before, keep=3, days=20, seed=rng)
        best = after.loc[after["period"] == "kept best workers", "worker"].unique()
        kept_before.append(before.loc[before["worker"].isin(best), "red"].mean())
        kept_after.append(after.loc[after["period"] == "kept best workers", "red"].mean())
    # selected on luck: fewer red than the system before, back to the system's 10 after
    assert np.mean(kept_before) < 9.3
    assert abs(np.mean(kept_after) - 10.0) < 0.2


def test_keep_best_keeps_the_lowest_totals_and_continues_days():
    before = rb.draw_beads(6, 4, seed=5)
    totals = before.groupby("worker")["red"].sum().sort_values(kind="stable")
    after = rb.keep_best_fire_worst(before, keep=2, days=3, seed=6)
    new = after[after["period"] == "kept best workers"]
    assert set(new["worker"]) == set(rb.worker_summary(before)["worker"].head(2))
    assert new["red"].groupby(new["worker"]).size().eq(3).all()
    assert new["day"].min() == 5 and new["day"].max() == 7
    assert totals.loc[list(set(new["worker"]))].max() <= totals.iloc[2]


def test_changing_the_system_does_change_the_results():
    before = rb.draw_beads(6, 20, seed=7)
    after = rb.change_system(before, red=400, days=20, seed=8)
    summary = rb.period_summary(after).set_index("period")
    assert summary.loc["changed the system", "expected"] == 0.1
    assert abs(summary.loc["changed the system", "proportion"] - 0.1) < 0.02
    assert abs(summary.loc["baseline", "proportion"] - 0.2) < 0.03
    assert after.loc[after["period"] == "changed the system", "bowl_white"].eq(3600).all()


def test_functions_do_not_mutate_their_input():
    before = rb.draw_beads(6, 4, seed=9)
    copy = before.copy()
    rb.keep_best_fire_worst(before, seed=1)
    rb.change_system(before, seed=1)
    rb.p_chart_data(before)
    rb.period_summary(before)
    rb.worker_summary(before)
    pd.testing.assert_frame_equal(before, copy)


def test_p_chart_inputs_one_row_per_worker_day():
    beads = rb.draw_beads(3, 2, seed=1)
    d = rb.p_chart_data(beads)
    assert d["x"].is_unique and len(d) == 6
    assert (d["y"] == beads["red"]).all() and (d["n"] == 50).all()
    assert d["label"].iloc[4] == "day 2 W2"


def test_red_beads_spc_is_a_p_chart_with_a_phase_per_system():
    beads = rb.change_system(rb.draw_beads(2, 2, seed=1), red=400, days=1, seed=2)
    res = rb.red_beads_spc(beads)
    assert res.options.chart.value == "p"
    assert list(res.options.phases) == [4]
    assert len(res.points) == 6
    # each phase's centre line is the proportion red of its dips
    cl = res.summary["cl"].to_numpy()
    first = beads.iloc[:4]
    assert cl[0] == pytest.approx(first["red"].sum() / first["paddle"].sum())
    # keeping workers is not a change of system: no new phase
    kept = rb.keep_best_fire_worst(rb.draw_beads(4, 2, seed=1), keep=2, seed=2)
    assert not rb.red_beads_spc(kept).options.phases


def test_workers_are_ranked_by_proportion_red_not_total():
    # after keep best / fire worst the kept workers dipped twice as often: ranking by totals
    # would put the departed first (the bug in issue #18: 45/200 ranked above 86/400)
    beads = rb.draw_beads(6, 4, seed=2014)
    kept = rb.keep_best_fire_worst(beads, keep=3, days=4, seed=2015)
    table = rb.worker_summary(kept)
    assert table["proportion"].is_monotonic_increasing
    assert (table["rank"] == table["proportion"].rank(method="min").astype(int)).all()
    totals_order = kept.groupby("worker")["red"].sum().sort_values(kind="stable").index.tolist()
    assert table["worker"].tolist() != totals_order  # the two orders differ on this seed
    assert set(table["dips"]) == {4, 8}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"paddle": 60, "red": 10, "white": 40}, r"paddle \(60 holes\) cannot hold more"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"workers": ["a", "a"]}, "distinct names"),
        ({"days": 0}, "days must be at least 1"),
        ({"red": -1}, "red must be at least 0"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(OptionsError, match=match):
        rb.draw_beads(**kwargs)


def test_keep_more_than_workers_is_an_error():
    with pytest.raises(OptionsError, match="keep must be at least 1 and at most 6"):
        rb.keep_best_fire_worst(rb.draw_beads(6, 1, seed=1), keep=7)
