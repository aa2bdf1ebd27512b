"""Benchmark the teaching simulations against the obvious alternative, in the same run.

    .venv/bin/python benchmarks/bench_teach.py

* funnel: closed form (cumulative sums) vs the drop-by-drop loop that defines the rules;
* red beads: one vectorised hypergeometric draw vs drawing each paddle from a 4000-bead bowl
  with ``Generator.choice(replace=False)``;
* processes: ``simulate_series`` (one matrix) vs a loop of ``generate_process``;
* detection: seconds per ``paceqi.spc`` call (when ``paceqi.spc`` is installed), which sets
  how many replications a notebook can afford.
"""

from __future__ import annotations

import time

import numpy as np

from paceqi.teach import detection, funnel, processes, red_beads


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def funnel_loop(rule, errors):
    pos = np.zeros(2)
    out = np.empty_like(errors)
    for k, e in enumerate(errors):
        drop = pos + e
        out[k] = drop
        if rule == 2:
            pos = pos - drop
        elif rule == 3:
            pos = -drop
        elif rule == 4:
            pos = drop
    return out


def beads_choice(rng, dips, paddle=50, red=800, white=3200):
    bowl = np.r_[np.ones(red, dtype=bool), np.zeros(white, dtype=bool)]
    return np.array(
        [bowl[rng.choice(red + white, paddle, replace=False)].sum() for _ in range(dips)]
    )


def main():
    rows = []
    errors = np.random.default_rng(1).standard_normal((10_000, 2))
    for rule in (1, 2, 3, 4):
        assert np.allclose(funnel.funnel_rule(rule, errors)[1], funnel_loop(rule, errors))
    fast = best_of(lambda: [funnel.funnel_rule(r, errors) for r in (1, 2, 3, 4)])
    slow = best_of(lambda: [funnel_loop(r, errors) for r in (1, 2, 3, 4)], repeat=2)
    rows.append(("funnel, 4 rules x 10 000 drops", fast, "drop-by-drop loop", slow))

    dips = 10_000
    fast = best_of(lambda: red_beads.draw_beads(10, dips // 10, seed=2))
    slow = best_of(lambda: beads_choice(np.random.default_rng(2), dips), repeat=1)
    rows.append(("red beads draw_beads, 10 000 dips", fast, "choice(replace=False) per dip", slow))
    a = np.random.default_rng(3).hypergeometric(800, 3200, 50, size=dips)
    b = beads_choice(np.random.default_rng(3), dips)
    print(
        f"red beads mean/var: hypergeometric {a.mean():.2f}/{a.var():.2f}, "
        f"choice {b.mean():.2f}/{b.var():.2f} (theory 10.00/{8 * 3950 / 3999:.2f})"
    )

    fast = best_of(lambda: processes.simulate_series(2000, 20, 12, shift=1.0, seed=4))
    slow = best_of(
        lambda: [processes.generate_process(20, 12, shift=1.0, seed=i) for i in range(2000)],
        repeat=2,
    )
    rows.append(("2000 processes of 32 points", fast, "loop of generate_process", slow))

    print(f"{'task':34} {'paceqi.teach':>13} {'alternative':>32} {'time':>9} {'speed-up':>9}")
    for task, t_fast, alt, t_slow in rows:
        print(
            f"{task:34} {t_fast * 1e3:10.2f} ms {alt:>32} {t_slow * 1e3:6.0f} ms "
            f"{t_slow / t_fast:8.0f}x"
        )

    try:
        import paceqi.spc  # noqa: F401
    except ModuleNotFoundError:
        print("paceqi.spc not installed: detection timing skipped")
        return
    t = time.perf_counter()
    reps = 50
    detection.detection_rates([20], [0.0, 1.0], reps=reps, seed=5)
    calls = 3 * 2 * reps
    per = (time.perf_counter() - t) / calls
    print(
        f"detection_rates: {per * 1e3:.1f} ms per paceqi.spc call ({calls} calls); "
        f"the notebook default grid (3 baselines x 3 shifts x 3 rule sets x 100 reps) "
        f"= {2700 * per:.0f} s"
    )


if __name__ == "__main__":
    main()
