"""Benchmark: intervals + monthly % within target + Kaplan-Meier for 10^6 synthetic children.

Compares paceqi's vectorised measures with a straightforward per-child Python loop on the same
events, in the same run, and checks that both give the same answers. One core: BLAS/OpenMP
threads are pinned to 1 before numpy is imported.

    .venv/bin/python benchmarks/bench_measures.py [--children 1000000] [--loop-children N]

``--loop-children`` runs the loop on the first N children only and scales its time linearly
(the loop is O(events)); by default the loop runs on every child.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from paceqi.measures import intervals, kaplan_meier, within_target  # noqa: E402

AS_OF = pd.Timestamp("2024-03-31")

#: CPU time of this process: on a shared machine wall time also counts other processes' turns;
#: everything here runs on one thread, so CPU time is the one-core cost. ``--wall`` switches.
_clock = time.process_time
START, END, TARGET = "looked_after", "permanence_recommended", 182


def synth_events(n: int, seed: int = 1) -> pd.DataFrame:
    """About 3.8 events per child, 32 authorities, some children still waiting."""
    rng = np.random.default_rng(seed)
    authority = np.array([f"LA{i:02d}" for i in range(32)], dtype=object)[rng.integers(0, 32, n)]
    child = np.char.add("c", np.arange(n).astype(str)).astype(object)
    la = np.datetime64("2018-01-01") + rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
    parts = [(np.arange(n), "looked_after", la)]
    for stage, p, mean in [
        ("two_week_meeting", 0.9, 16),
        ("first_review", 0.95, 40),
        ("permanence_recommended", 0.8, 200),
    ]:
        has = rng.random(n) < p
        gap = rng.gamma(2.0, mean / 2.0, n).astype(int).astype("timedelta64[D]")
        parts.append((np.flatnonzero(has), stage, (la + gap)[has]))
    # 10% of children have a second looked-after episode (a repeat)
    rep = np.flatnonzero(rng.random(n) < 0.1)
    parts.append((rep, "looked_after", la[rep] + np.timedelta64(300, "D")))
    idx = np.concatenate([p[0] for p in parts])
    stage = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in parts])
    # the route is recorded from the recommendation onwards
    routes = np.array(["home", "po", "kco", "adoption"], dtype=object)[rng.integers(0, 4, len(idx))]
    return pd.DataFrame(
        {
            "authority": authority[idx],
            "child_id": child[idx],
            "stage": stage,
            "date": np.concatenate([p[2] for p in parts]).astype("datetime64[ns]"),
            "route": np.where(stage == "permanence_recommended", routes, None),
        }
    )


def vectorised(ev: pd.DataFrame) -> tuple[dict, dict]:
    t = {}
    t0 = _clock()
    iv = intervals(ev, START, END, as_of=AS_OF, target_days=TARGET)
    t["intervals"] = _clock() - t0
    t0 = _clock()
    wt = within_target(iv, period="month")
    t["% within target by month"] = _clock() - t0
    t0 = _clock()
    km = kaplan_meier(iv, by="authority")
    t["Kaplan-Meier per authority"] = _clock() - t0
    res = {
        "intervals": {
            (a, c): (d, bool(r))
            for a, c, d, r in zip(
                iv["authority"], iv["child_id"], iv["days"], iv["reached"], strict=True
            )
        },
        "within": {
            (a, p.strftime("%Y-%m")): (int(x), int(n))
            for a, p, x, n in zip(
                wt["authority"], wt["period"], wt["numerator"], wt["denominator"], strict=True
            )
        },
        "median": dict(zip(km.summary["authority"], km.summary["median"], strict=True)),
    }
    return t, res


def loop(ev: pd.DataFrame) -> tuple[dict, dict]:
    """The obvious pure-Python implementation: group by child in a dict, then loop."""
    t = {}
    t0 = _clock()
    as_of = AS_OF.date().toordinal()
    by_child: dict = defaultdict(list)
    ords = (ev["date"].to_numpy(dtype="datetime64[D]").astype(np.int64) + 719163).tolist()
    for a, c, s, d in zip(
        ev["authority"].tolist(), ev["child_id"].tolist(), ev["stage"].tolist(), ords, strict=True
    ):
        if d <= as_of:
            by_child[a, c].append((s, d))
    rows = {}
    for key, evs in by_child.items():
        starts = [d for s, d in evs if s == START]
        if not starts:
            continue
        s0 = min(starts)
        ends = [d for s, d in evs if s == END and d >= s0]
        if ends:
            rows[key] = (min(ends) - s0, True, s0)
        else:
            rows[key] = (as_of - s0, False, s0)
    t["intervals"] = _clock() - t0

    t0 = _clock()
    import datetime as dt

    within: dict = defaultdict(lambda: [0, 0])
    for (a, _), (days, reached, s0) in rows.items():
        d = dt.date.fromordinal(s0)
        cell = within[a, f"{d.year}-{d.month:02d}"]
        if reached or days > TARGET:
            cell[1] += 1
            if reached and days <= TARGET:
                cell[0] += 1
    t["% within target by month"] = _clock() - t0

    t0 = _clock()
    per_auth: dict = defaultdict(list)
    for (a, _), (days, reached, _s) in rows.items():
        per_auth[a].append((days, reached))
    medians = {}
    for a, obs in per_auth.items():
        obs.sort()
        n_at_risk, s, i, med = len(obs), 1.0, 0, math.inf
        while i < len(obs):
            time_i, deaths, removed = obs[i][0], 0, 0
            while i < len(obs) and obs[i][0] == time_i:
                deaths += obs[i][1]
                removed += 1
                i += 1
            s *= 1 - deaths / n_at_risk
            n_at_risk -= removed
            if s <= 0.5 + 1e-12 and med == math.inf:
                med = float(time_i)
        medians[a] = med
    t["Kaplan-Meier per authority"] = _clock() - t0
    res = {
        "intervals": {k: (v[0], v[1]) for k, v in rows.items()},
        "within": {k: tuple(v) for k, v in within.items()},
        "median": medians,
    }
    return t, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--loop-children", type=int, default=None)
    ap.add_argument("--wall", action="store_true", help="time with the wall clock")
    args = ap.parse_args()
    global _clock
    if args.wall:
        _clock = time.perf_counter

    t0 = _clock()
    ev = synth_events(args.children)
    print(
        f"synthetic events: {len(ev):,} rows for {args.children:,} children "
        f"({_clock() - t0:.1f} s to generate)"
    )

    t_vec, r_vec = vectorised(ev)
    n_loop = args.loop_children or args.children
    ev_loop = ev if n_loop >= args.children else ev[ev["child_id"].str[1:].astype(int) < n_loop]
    t_loop, r_loop = loop(ev_loop)
    scale = args.children / n_loop

    if n_loop >= args.children:
        assert r_vec["intervals"] == r_loop["intervals"], "intervals differ"
        assert r_vec["within"] == r_loop["within"], "within-target counts differ"
        assert r_vec["median"] == r_loop["median"], "KM medians differ"
        check = "identical results (every child, every month, every median)"
    else:
        sub = {k: r_vec["intervals"][k] for k in r_loop["intervals"]}
        assert sub == r_loop["intervals"], "intervals differ"
        check = f"identical intervals for the {n_loop:,} children looped over"

    print(
        f"\n| step ({args.children:,} children, one core) | paceqi (s) | per-child loop (s) "
        "| speed-up |"
    )
    print("|---|---:|---:|---:|")
    for k in t_vec:
        lt = t_loop[k] * scale
        print(f"| {k} | {t_vec[k]:.2f} | {lt:.2f} | {lt / t_vec[k]:.0f}x |")
    tv, tl = sum(t_vec.values()), sum(t_loop.values()) * scale
    print(f"| **total** | **{tv:.2f}** | **{tl:.2f}** | **{tl / tv:.0f}x** |")
    print(
        f"\nloop {'scaled from ' + format(n_loop, ',') + ' children; ' if scale != 1 else ''}"
        f"check: {check}"
    )
    print(
        f"target < 5 s: {'met' if tv < 5 else 'NOT met'} "
        f"({'wall' if args.wall else 'CPU'} seconds; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
