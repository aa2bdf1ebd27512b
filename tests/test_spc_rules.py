"""Unit tests of the vectorised rule functions in paceqi.spcstats.rules, with edge cases."""

from math import comb

import numpy as np
import pytest

from paceqi.spcstats import rules

NAN = np.nan


def ints(a):
    return np.asarray(a).astype(int).tolist()


# --- run_lengths / backfill ---------------------------------------------------------------------


def test_run_lengths_empty_and_single():
    pos, length = rules.run_lengths(np.array([]))
    assert pos.size == 0 and length.size == 0
    pos, length = rules.run_lengths(np.array([3.0]))
    assert pos.tolist() == [1] and length.tolist() == [1]


def test_run_lengths_all_equal():
    pos, length = rules.run_lengths(np.ones(5))
    assert pos.tolist() == [1, 2, 3, 4, 5]
    assert length.tolist() == [5] * 5


def test_backfill_at_start_is_clipped():
    assert ints(rules.backfill(np.array([0, 1, 0], dtype=bool), 7)) == [1, 1, 0]
    assert ints(rules.backfill(np.array([], dtype=bool), 7)) == []


# --- shift ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("on_line_breaks", [False, True])
def test_shift_empty(on_line_breaks):
    info = rules.shift(np.array([]), 6, on_line_breaks=on_line_breaks)
    assert info.flag.size == 0


def test_shift_one_point():
    assert ints(rules.shift(np.array([1.0]), 1).flag) == [1]
    assert ints(rules.shift(np.array([1.0]), 2).flag) == [0]


def test_shift_exactly_the_length_signals_and_one_less_does_not():
    assert rules.shift(np.ones(6), 6).flag.all()
    assert not rules.shift(np.ones(5), 6).flag.any()


def test_shift_flags_every_point_and_counts_positions():
    side = np.array([-1, 1, 1, 1, 1, 1, 1, -1.0])
    info = rules.shift(side, 6)
    assert ints(info.flag) == [0, 1, 1, 1, 1, 1, 1, 0]
    assert info.position.tolist() == [1, 1, 2, 3, 4, 5, 6, 1]
    assert info.length.tolist() == [1, 6, 6, 6, 6, 6, 6, 1]


def test_shift_points_on_the_median_are_skipped_ihi():
    # IHI: a value on the median neither breaks nor adds to a shift, and is not flagged
    side = np.array([1, 1, 1, 0, 0, 1, 1, 1.0])
    info = rules.shift(side, 6)
    assert ints(info.flag) == [1, 1, 1, 0, 0, 1, 1, 1]
    assert info.position.tolist() == [1, 2, 3, 0, 0, 4, 5, 6]


def test_shift_point_on_the_mean_breaks_mdc():
    side = np.array([1, 1, 1, 0, 1, 1, 1, 1.0])
    assert not rules.shift(side, 7, on_line_breaks=True).flag.any()
    assert rules.shift(side, 7, on_line_breaks=False).flag.sum() == 7


@pytest.mark.parametrize("on_line_breaks", [False, True])
def test_shift_missing_values_are_skipped(on_line_breaks):
    side = np.array([1, 1, NAN, 1, 1, NAN, 1, 1])
    info = rules.shift(side, 6, on_line_breaks=on_line_breaks)
    assert ints(info.flag) == [1, 1, 0, 1, 1, 0, 1, 1]


def test_shift_all_on_the_line():
    info = rules.shift(np.zeros(10), 6)
    assert not info.flag.any()
    assert info.position.tolist() == [0] * 10


# --- trend ----------------------------------------------------------------------------------------


def test_trend_empty_and_short():
    assert rules.trend(np.array([]), 5).up.size == 0
    assert not rules.trend(np.array([1.0]), 5).up.any()
    assert not rules.trend(np.array([1.0, 2, 3, 4]), 5).up.any()


def test_trend_five_points_rising_and_falling():
    t = rules.trend(np.array([1.0, 2, 3, 4, 5]), 5)
    assert t.up.all() and not t.down.any()
    assert t.up_length.tolist() == [5] * 5
    t = rules.trend(np.array([5.0, 4, 3, 2, 1, 2]), 5)
    assert ints(t.down) == [1, 1, 1, 1, 1, 0]
    assert not t.up.any()


def test_trend_ties_neither_make_nor_break_ihi():
    y = np.array([1.0, 2, 2, 3, 4])  # only 4 distinct steps: not a 5-point trend
    assert not rules.trend(y, 5).up.any()
    y = np.array([1.0, 2, 2, 3, 4, 5])
    assert rules.trend(y, 5).up.all()


def test_trend_ties_break_mdc():
    y = np.array([1.0, 2, 3, 3, 4, 5, 6])
    assert not rules.trend(y, 7, ties_break=True).up.any()
    assert rules.trend(y, 6).up.all()


def test_trend_all_equal():
    t = rules.trend(np.full(10, 3.0), 5)
    assert not (t.up | t.down).any()


def test_trend_missing_values_are_skipped():
    t = rules.trend(np.array([1.0, 2, NAN, 3, 4, 5]), 5)
    assert ints(t.up) == [1, 1, 0, 1, 1, 1]


def test_trend_peak_belongs_to_both_trends():
    t = rules.trend(np.array([1.0, 2, 3, 4, 5, 4, 3, 2, 1]), 5)
    assert ints(t.up) == [1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert ints(t.down) == [0, 0, 0, 0, 1, 1, 1, 1, 1]


# --- two of three -------------------------------------------------------------------------------


def test_two_of_three_edge_cases():
    for b in (np.array([]), np.array([1.0]), np.array([1.0, 1])):
        up, low = rules.two_of_three(b)
        assert not up.any() and not low.any()


def test_two_of_three_hcdg_does_not_check_the_third_point():
    up, low = rules.two_of_three(np.array([1.0, -1, 1]))
    assert ints(up) == [1, 0, 1] and not low.any()


def test_two_of_three_opposite_sides_do_not_combine():
    up, low = rules.two_of_three(np.array([1.0, -1, 0, 0]))
    assert not up.any() and not low.any()


def test_two_of_three_mdc_needs_all_three_on_one_side():
    beyond = np.array([1.0, 0, 1])
    up, _ = rules.two_of_three(beyond, rtm=np.array([1.0, -1, 1]))
    assert not up.any()
    up, _ = rules.two_of_three(beyond, rtm=np.array([1.0, 1, 1]))
    assert ints(up) == [1, 0, 1]


def test_two_of_three_point_on_the_mean_breaks_the_mdc_window():
    up, _ = rules.two_of_three(np.array([1.0, 0, 1]), rtm=np.array([1.0, 0, 1]))
    assert not up.any()


def test_two_of_three_skips_missing():
    up, _ = rules.two_of_three(np.array([1.0, NAN, 0, 1]))
    assert ints(up) == [1, 0, 0, 1]


# --- outside limits, hugging ----------------------------------------------------------------------


def test_outside_limits_is_strict_and_ignores_nan():
    y = np.array([3.0, -3, 3.0001, NAN, 1])
    lo, hi = np.full(5, -3.0), np.array([3.0, 3, 3, 3, NAN])
    assert rules.outside_limits(y, lo, hi).tolist() == [0, 0, 1, 0, 0]


def test_hugging_needs_the_full_length():
    assert not rules.hugging(np.ones(14), 15).any()
    assert rules.hugging(np.ones(15), 15).all()
    assert not rules.hugging(np.array([]), 15).any()


# --- runs statistics ---------------------------------------------------------------------------


def test_runs_stats_empty_and_all_on_line():
    assert rules.runs_stats(np.array([])).n_useful == 0
    st = rules.runs_stats(np.zeros(5))
    assert (st.n_useful, st.n_runs, st.longest_run) == (0, 0, 0)


def test_runs_stats_one_point():
    st = rules.runs_stats(np.array([1.0]))
    assert (st.n_useful, st.n_runs, st.n_crossings, st.longest_run) == (1, 1, 0, 1)


def test_anhoej_limits_edge_cases():
    assert np.isnan(rules.anhoej_longest_run_max(0))
    assert np.isnan(rules.anhoej_crossings_min(0))
    assert rules.anhoej_crossings_min(1) == 0
    assert rules.anhoej_longest_run_max(1) == 3


def test_anhoej_crossings_large_n_is_the_exact_binomial_quantile():
    from fractions import Fraction

    for n in (1002, 1500):  # exact integer check
        c = rules.anhoej_crossings_min(n)
        m = n - 1
        cdf = lambda k, m=m: Fraction(sum(comb(m, i) for i in range(k + 1)), 2**m)  # noqa: E731
        assert cdf(c) >= Fraction(1, 20) > cdf(c - 1)
    from scipy.special import bdtr

    for n in (5000, 10**6):
        c = rules.anhoej_crossings_min(n)
        assert bdtr(c, n - 1, 0.5) >= 0.05 > bdtr(c - 1, n - 1, 0.5)


# --- Swed-Eisenhart -----------------------------------------------------------------------------


@pytest.mark.parametrize("n1,n2", [(1, 1), (3, 7), (5, 5), (12, 30), (40, 41)])
def test_runs_distribution_sums_to_all_arrangements(n1, n2):
    r, ways, total = rules.runs_distribution(n1, n2)
    assert sum(ways) == total == comb(n1 + n2, n1)


def test_runs_distribution_by_brute_force():
    from itertools import combinations

    n1, n2 = 4, 5
    counts = {}
    for above in combinations(range(n1 + n2), n1):
        seq = [1 if i in above else -1 for i in range(n1 + n2)]
        runs = 1 + sum(a != b for a, b in zip(seq, seq[1:], strict=False))
        counts[runs] = counts.get(runs, 0) + 1
    r, ways, _ = rules.runs_distribution(n1, n2)
    assert {int(k): v for k, v in zip(r, ways, strict=True) if v} == counts


def test_swed_eisenhart_undefined_when_one_side_is_empty():
    low, high = rules.swed_eisenhart_limits(0, 12)
    assert np.isnan(low) and np.isnan(high)


def test_swed_eisenhart_small_counts_have_no_limits():
    low, high = rules.swed_eisenhart_limits(2, 2)
    assert np.isnan(low) and np.isnan(high)


def test_swed_eisenhart_unbalanced_uses_actual_counts():
    # 15 above, 5 below: at most 11 runs; the limits differ from the balanced 10/10 case
    assert rules.swed_eisenhart_limits(15, 5) != rules.swed_eisenhart_limits(10, 10)
    low, high = rules.swed_eisenhart_limits(15, 5)
    r, ways, total = rules.runs_distribution(15, 5)
    p_le = sum(w for rr, w in zip(r, ways, strict=True) if rr <= low) / total
    p_next = sum(w for rr, w in zip(r, ways, strict=True) if rr <= low + 1) / total
    assert p_le <= 0.05 < p_next


@pytest.mark.parametrize("n1,n2", [(150, 150), (200, 260), (300, 299)])
def test_swed_eisenhart_log_space_agrees_with_exact(n1, n2):
    exact = rules.swed_eisenhart_limits.__wrapped__(n1, n2)
    assert rules._limits_log_space(n1, n2, 0.05) == exact


# speed: benchmarks/bench_spc.py (run charts up to 10^6 points, cache cleared)
def test_swed_eisenhart_large_counts_are_symmetric_about_the_expected_runs():
    low, high = rules.swed_eisenhart_limits(500_000, 500_000)
    mean = 500_001
    assert low < mean < high
    assert (mean - low) == pytest.approx(high - mean, abs=2)


def test_swed_eisenhart_log_space_reproduces_small_exact_limits():
    for n in range(10, 200, 3):
        n1 = n // 2
        for a, b in ((n1, n - n1), (n1 // 2 + 1, n - n1 // 2 - 1)):
            exact = rules.swed_eisenhart_limits.__wrapped__(a, b)
            fast = rules._limits_log_space(a, b, 0.05)
            assert np.allclose(fast, exact, equal_nan=True), (a, b, fast, exact)
