"""Benchmark: `paceqi synth` generation, vectorised per authority vs a per-child Python loop.

The per-child loop is the obvious alternative (one scalar random draw at a time, one Python
list row per event). It implements the same journey shape (early stages, recommendation, legal
stages, panel to order) with the same distributions, without route changes, so it does *less*
work than the real generator; the comparison favours the loop.

Run: .venv/bin/python benchmarks/bench_synth.py
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import time

import numpy as np
import pandas as pd

from paceqi.data._synth_journeys import day_number, simulate
from paceqi.data._synth_truth import IDEA_NAMES, IDEAS, IdeaTruth
from paceqi.data.synth import write_synthetic


def per_child_loop(rng: np.random.Generator, n: int, intro: int, extract: int) -> pd.DataFrame:
    rows = []
    start, end = day_number("2012-01-01"), day_number("2020-12-31")
    for child in range(n):
        t0 = int(rng.integers(start, end + 1))
        route = ("home", "po", "kco", "adoption")[int(rng.choice(4, p=[0.42, 0.22, 0.14, 0.22]))]
        rows.append((child, "looked_after", t0, 1, "undecided", ""))
        day = t0
        if t0 >= intro and rng.random() < 0.85:
            day = t0 + round(7 + rng.gamma(3.0, 3.0))
            rows.append((child, "two_week_meeting", day, 1, "undecided", ""))
        fr = max(t0 + round(rng.lognormal(math.log(40), 0.18)), day + 3)
        sr = fr + round(rng.lognormal(math.log(90), 0.1))
        rows += [(child, "first_review", fr, 1, "undecided", "")]
        rows += [(child, "second_review", sr, 1, "undecided", "")]
        pr = sr + round(rng.lognormal(math.log(105), 0.6))
        if route in ("po", "adoption"):
            lo = pr - round(rng.gamma(2.0, 4.0))
            lr = max(lo - round(rng.lognormal(math.log(26), 0.4)), sr)
            rows += [(child, "legal_referral", lr, 1, route, "")]
            rows += [(child, "legal_opinion", max(lo, lr), 1, route, "")]
        rows.append((child, "permanence_recommended", pr, 1, route, ""))
        if route != "home":
            d = pr
            for stage, med in (("panel", 100), ("adm_decision", 11), ("application_lodged", 90)):
                d += round(rng.lognormal(math.log(med), 0.45))
                rows.append((child, stage, d, 1, route, ""))
            rows.append(
                (child, "order_granted", d + round(rng.lognormal(math.log(130), 0.5)), 1, route, "")
            )
    df = pd.DataFrame(rows, columns=["child", "stage", "day", "occurrence", "route", "outcome"])
    df = df[df["day"] <= extract]
    return df.sort_values(["child", "day"], kind="stable").reset_index(drop=True)


def best_of(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs (CPU is robust to a busy host)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def main() -> None:
    n, intro, extract = 2600, day_number("2016-06-01"), day_number("2021-03-31")
    start = dt.date(2016, 6, 1)
    truth = {i.notebook: IdeaTruth(i, "effect", start, start, i.size) for i in IDEAS}
    assert set(truth) == set(IDEA_NAMES)
    vec = best_of(lambda: simulate(np.random.default_rng(1), n, truth, extract))
    loop = best_of(lambda: per_child_loop(np.random.default_rng(1), n, intro, extract))
    print(f"one Glasgow-sized authority ({n} children), wall / CPU:")
    print(f"  vectorised simulate()   {vec[0] * 1000:7.1f} ms / {vec[1] * 1000:7.1f} ms")
    print(
        f"  per-child Python loop   {loop[0] * 1000:7.1f} ms / {loop[1] * 1000:7.1f} ms"
        f"   ({loop[1] / vec[1]:.1f}x the CPU time)"
    )
    with tempfile.TemporaryDirectory() as d:
        wall, cpu = best_of(lambda: write_synthetic(d, seed=20140101), repeat=2)
    print(f"write_synthetic, all 32 authorities: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
