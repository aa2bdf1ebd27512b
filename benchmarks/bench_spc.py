"""Benchmark paceqi.spc (numpy, vectorised) against a plain pure-Python loop of the same rules.

Run and I charts, rule sets ihi / anhoej / mdc, 10^3 ... 10^6 points of N(0, 1) data, one
phase. ``paceqi.spc`` is timed end to end (input checks, limits, rules, classification, the
plain-English reasons and both output frames). The loop implementation computes the same
centre line, limits, rule flags and point types with Python ``for`` loops over the points
(the obvious alternative); it is measured at 10^3 ... 10^5 points and *extrapolated linearly*
to 10^6 (marked ``~``), because one run there takes tens of seconds. Before timing, the two
implementations are checked to flag the same points.

Usage: ``python benchmarks/bench_spc.py`` (add ``--quick`` to stop at 10^5).
Target: 10^6 points in under 1 s per chart on one core, growing linearly.

Both implementations run on one thread (BLAS/OpenMP threads pinned to 1). Each figure is the
best of several runs of the *CPU time of this process* (``time.process_time``), which is what
"on one core" means and is robust to other jobs sharing the machine; the wall-clock time of the
same best run is printed beside it, with the load average, so a busy machine is visible.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import paceqi  # noqa: E402
from paceqi.constants import (  # noqa: E402
    D2_MR,
    HCDG_HUGGING,
    MR_SCREEN_FACTOR,
    XMR_LIMIT_FACTOR_MDC,
)
from paceqi.spcstats import rules as vec_rules  # noqa: E402
from paceqi.spcstats.options import SPCOptions  # noqa: E402

SIZES = [10**3, 10**4, 10**5, 10**6]
LOOP_MAX = 10**5


# --- the pure-Python loop implementation ---------------------------------------------------------


def loop_runs(side, length, zero_breaks):
    """Flag runs of >= length points on one side; return flags and positions."""
    n = len(side)
    flags = [False] * n
    pos = [0] * n
    run = []  # indices of the current run
    cur = 0
    for i, s in enumerate(side):
        if s == 0 and not zero_breaks:
            continue
        if s != cur or s == 0:
            if cur != 0 and len(run) >= length:
                for j in run:
                    flags[j] = True
            run, cur = [], s
        if s != 0:
            run.append(i)
            pos[i] = len(run)
    if cur != 0 and len(run) >= length:
        for j in run:
            flags[j] = True
    return flags, pos


def loop_trend(y, length, ties_break):
    """Flag rising / falling runs of >= length points; ties skipped (IHI) or breaking (MDC)."""
    n = len(y)
    groups = []  # [value, [indices]]: equal neighbours share a group unless ties break
    for i, v in enumerate(y):
        if groups and v == groups[-1][0] and not ties_break:
            groups[-1][1].append(i)
        else:
            groups.append([v, [i]])
    up = [False] * n
    down = [False] * n
    start, direction = 0, 0
    for k in range(1, len(groups) + 1):
        if k < len(groups):
            diff = groups[k][0] - groups[k - 1][0]
            d = (diff > 0) - (diff < 0)
        else:
            d = None
        if d != direction or d == 0:
            if direction and k - start >= length:
                target = up if direction > 0 else down
                for g in groups[start:k]:
                    for j in g[1]:
                        target[j] = True
            start, direction = k - 1, d
    return up, down


def loop_two_of_three(y, lo2, hi2, side, same_side):
    n = len(y)
    out = [0] * n
    for k in range(n - 2):
        for sign in (1, -1):
            idx = [j for j in (k, k + 1, k + 2) if (y[j] > hi2 if sign > 0 else y[j] < lo2)]
            if len(idx) >= 2 and (not same_side or all(side[j] == sign for j in (k, k + 1, k + 2))):
                for j in idx:
                    out[j] = sign
    return out


def loop_spc(y, chart, rules):
    n = len(y)
    opts = SPCOptions(chart=chart, rules=rules)
    if chart == "run":
        cl = statistics.median(y)
        lcl = ucl = lo2 = hi2 = lo1 = hi1 = math.nan
    else:
        cl = sum(y) / n
        mr = [abs(y[i] - y[i - 1]) for i in range(1, n)]
        amr = sum(mr) / len(mr)
        kept = [m for m in mr if m < MR_SCREEN_FACTOR * amr]
        amr = sum(kept) / len(kept)
        sigma = XMR_LIMIT_FACTOR_MDC * amr / 3 if rules == "mdc" else amr / D2_MR
        lcl, ucl = cl - 3 * sigma, cl + 3 * sigma
        lo2, hi2 = cl - 2 * sigma, cl + 2 * sigma
        lo1, hi1 = cl - sigma, cl + sigma
    side = [(v > cl) - (v < cl) for v in y]
    sigma_sig = [(v > ucl) - (v < lcl) for v in y]
    useful = [s for s in side if s != 0]
    n_runs = 1 + sum(1 for a, b in zip(useful, useful[1:], strict=False) if a != b)
    longest, cur = 0, 0
    for i, s in enumerate(useful):
        cur = cur + 1 if i and s == useful[i - 1] else 1
        longest = max(longest, cur)
    length = opts.shift_length
    if length is None:
        length = round(math.log2(len(useful))) + 4
    shift, pos = loop_runs(side, length, zero_breaks=rules == "mdc")
    up = down = [False] * n
    if opts.trend_length:
        up, down = loop_trend(y, opts.trend_length, ties_break=rules == "mdc")
    two = [0] * n
    hug = [False] * n
    if chart != "run" and rules != "anhoej":
        two = loop_two_of_three(y, lo2, hi2, side, same_side=rules == "mdc")
        if rules == "ihi":
            inside = [lo1 < v < hi1 for v in y]
            hug, _ = loop_runs([1 if v else -1 for v in inside], HCDG_HUGGING, True)
            hug = [h and v for h, v in zip(hug, inside, strict=True)]
    types, reasons = [], []
    for i in range(n):
        s = sigma_sig[i] or (1 if up[i] else -1 if down[i] else 0) or two[i]
        s = s or (side[i] if shift[i] else 0)
        types.append("common_cause" if s == 0 else "special_cause_neutral_" + "high low"[s < 0 :])
        r = []
        if sigma_sig[i]:
            r.append("beyond the upper limit" if sigma_sig[i] > 0 else "beyond the lower limit")
        if shift[i]:
            r.append(f"{pos[i]}th point in a run")
        reasons.append("; ".join(r))
    return {"cl": cl, "ucl": ucl, "shift": shift, "trend": [a or b for a, b in zip(up, down,
            strict=True)], "two_of_three": [t != 0 for t in two], "n_runs": n_runs,
            "longest": longest, "types": types}  # fmt: skip


# --- harness -------------------------------------------------------------------------------------


def best_of(fn, repeats):
    """Best (cpu, wall) seconds over ``repeats`` runs, ranked by CPU time."""
    best = (math.inf, math.inf)
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        best = min(best, (time.process_time() - c0, time.perf_counter() - w0))
    return best


def check_agreement(y, chart, rules):
    got = paceqi.spc(y, chart=chart, rules=rules)
    ref = loop_spc(y.tolist(), chart, rules)
    p = got.points
    for col in ("shift", "trend", "two_of_three"):
        assert p[col].tolist() == ref[col], (chart, rules, col)
    assert math.isclose(p["cl"].iat[0], ref["cl"], rel_tol=1e-12)
    if chart != "run":
        assert math.isclose(p["ucl"].iat[0], ref["ucl"], rel_tol=1e-12)
    assert got.summary["n_runs"].iat[0] == ref["n_runs"]
    assert got.summary["longest_run"].iat[0] == ref["longest"]


def main(argv):
    sizes = [s for s in SIZES if s <= 10**5] if "--quick" in argv else SIZES
    rng = np.random.default_rng(20140101)
    data = {s: rng.normal(size=s) for s in sizes}
    vec_rules.swed_eisenhart_limits.cache_clear()
    for chart in ("run", "i"):
        for rules in ("ihi", "anhoej", "mdc"):
            check_agreement(rng.normal(size=2000), chart, rules)
    print("loop and vectorised implementations agree on 2000-point series (all 6 cases)\n")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    header = (
        f"{'chart':5} {'rules':7} {'points':>9} {'spc cpu s':>10} {'(wall s)':>9} "
        f"{'loop cpu s':>11} {'speed-up':>9}"
    )
    print(header)
    print("-" * len(header))
    worst_1e6 = 0.0
    for chart in ("run", "i"):
        for rules in ("ihi", "anhoej", "mdc"):
            loop_rate = None
            for s in sizes:
                y = data[s]
                cpu, wall = best_of(
                    lambda y=y, c=chart, r=rules: paceqi.spc(y, chart=c, rules=r),
                    5 if s < 10**6 else 3,
                )
                if s <= LOOP_MAX:
                    yl = y.tolist()
                    t_loop, _ = best_of(
                        lambda yl=yl, c=chart, r=rules: loop_spc(yl, c, r), 2 if s < 10**5 else 1
                    )
                    loop_rate = t_loop / s
                    loop_txt = f"{t_loop:11.3f}"
                else:
                    t_loop = loop_rate * s
                    loop_txt = f"~{t_loop:10.1f}"
                if s == 10**6:
                    worst_1e6 = max(worst_1e6, cpu)
                print(
                    f"{chart:5} {rules:7} {s:>9,} {cpu:10.3f} {wall:9.3f} {loop_txt} "
                    f"{t_loop / cpu:8.0f}x"
                )
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
    if 10**6 in sizes:
        verdict = "meets" if worst_1e6 < 1.0 else "MISSES"
        print(f"slowest chart at 10^6 points: {worst_1e6:.3f} s CPU ({verdict} the 1 s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
