"""Benchmark the teaching simulations against the obvious alternative, in the same run.

    .venv/bin/python benchmarks/bench_teach.py

* funnel: closed form (cumulative sums) vs the drop-by-drop loop that defines the rules;
* red beads: one vectorised hypergeometric draw vs drawing each paddle from a 4000-bead bowl
  with ``Generator.choice(replace=False)``;
* processes: ``simulate_series`` (one matrix) vs a loop of ``generate_process``;
* detection (issue #18): the largest setting of the *how many points* widget (6 baselines x
  4 shifts x 3 rule sets x 500 series = 36 000 analyses) with the batch verdicts, against one
  ``paceqi.spc`` call per series (timed on a subset and scaled up; the subset's rates must be
  identical); and the widget end to end (prediction recorded -> chart and table drawn), which
  must stay under 2 seconds.
"""

from __future__ import annotations

import contextlib
import io
import time

import numpy as np

from paceqi.teach import detection, funnel, processes, red_beads, widgets


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

    detection_benchmark()


def per_series(baselines, shifts, rules, reps, seed):
    """detection_rates as it was: one paceqi.spc call per series (the obvious alternative)."""
    rng = np.random.default_rng(seed)
    rows = []
    for b in baselines:
        noise = rng.standard_normal((reps, b + 12))
        for s in shifts:
            series = processes.simulate_series(reps, b, 12, shift=float(s), base_noise=noise)
            for r in rules:
                hits = []
                for y in series:
                    _, sig, run = detection.analyse_one(y, rules=r, freeze=b)
                    hits.append(bool(sig[b:].any()) or run)
                rows.append(float(np.mean(hits)))
    return rows


def detection_benchmark():
    largest = {
        "baselines": [6, 8, 12, 16, 20, 30],
        "shifts": [0.0, 1.0, 2.0, 3.0],
        "rules": list(detection.RULE_SETS),
    }
    reps = 500
    analyses = 6 * 4 * 3 * reps
    fast = best_of(lambda: detection.detection_rates(**largest, reps=reps, seed=5), repeat=3)
    subset = {"baselines": [12], "shifts": [1.0], "rules": list(detection.RULE_SETS)}
    sub_reps = 100
    t = time.perf_counter()
    slow_rates = per_series(**subset, reps=sub_reps, seed=7)
    per_call = (time.perf_counter() - t) / (3 * sub_reps)
    fast_rates = detection.detection_rates(**subset, reps=sub_reps, seed=7)["signal_rate"]
    assert fast_rates.tolist() == slow_rates, (fast_rates.tolist(), slow_rates)
    print(
        f"detection, largest widget setting ({analyses} analyses): batch verdicts "
        f"{fast:.2f} s; one paceqi.spc call per series {per_call * 1e3:.1f} ms x {analyses} "
        f"= {per_call * analyses:.0f} s ({per_call * analyses / fast:.0f}x); "
        f"rates identical on a {3 * sub_reps}-series subset"
    )

    def widget_once():
        with contextlib.redirect_stdout(io.StringIO()):  # no kernel: Output prints instead
            ui = widgets.how_many_points(seed=5, reps=reps, baselines=largest["baselines"])
            ui.controls["prediction"].value = "less frequent"  # records it and simulates
        assert ui.state["rates"]["reps"].eq(reps).all() and len(ui.state["rates"]) == 72
        ui.state["figure"].savefig(io.BytesIO(), format="png")  # what the kernel sends

    end_to_end = max(best_of(widget_once, repeat=1) for _ in range(3))  # the worst of 3
    verdict = "meets" if end_to_end <= 2.0 else "MISSES"
    print(
        f"how_many_points widget, largest setting, prediction -> chart (PNG) and table: "
        f"{end_to_end:.2f} s ({verdict} the 2 s target)"
    )


if __name__ == "__main__":
    main()
