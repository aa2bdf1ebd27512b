"""A stand-in for paceqi.spc (built on another branch) with the DESIGN.md result shape.

Only what the teaching widgets need: a median run chart / mean I chart with a 6-point shift
rule, and a P chart with 3-sigma limits per phase. Not a reference implementation.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd


def _shift_flags(y, cl, run_length=6):
    side = np.sign(y - cl)
    flags = np.zeros(len(y), dtype=bool)
    start = 0
    for i in range(1, len(y) + 1):
        if i == len(y) or side[i] != side[start]:
            if i - start >= run_length and side[start] != 0:
                flags[start:i] = True
            start = i
    return flags


def fake_spc(
    y, n=None, *, x=None, data=None, chart="run", rules="ihi", freeze=None, phases=None, **_
):
    if data is not None:
        y = data[y]
        n = data[n] if n is not None else None
        x = data[x] if x is not None else None
    y = np.asarray(y, dtype=float)
    m = len(y)
    x = np.arange(1, m + 1) if x is None else np.asarray(x)
    phase = np.zeros(m, dtype=int)
    for start in phases or []:
        phase[start:] += 1
    cl = np.empty(m)
    lcl = np.full(m, np.nan)
    ucl = np.full(m, np.nan)
    if chart == "p":
        n = np.asarray(n, dtype=float)
        value = y / n
        for k in np.unique(phase):
            idx = phase == k
            p = y[idx].sum() / n[idx].sum()
            s = np.sqrt(p * (1 - p) / n[idx])
            cl[idx], lcl[idx], ucl[idx] = p, np.maximum(0, p - 3 * s), np.minimum(1, p + 3 * s)
    else:
        value = y
        base = y[:freeze] if freeze else y
        centre = np.median(base) if chart == "run" else base.mean()
        cl[:] = centre
        if chart != "run":
            mr = np.abs(np.diff(base)).mean()
            lcl[:], ucl[:] = centre - 2.66 * mr, centre + 2.66 * mr
    sigma = (value > ucl) | (value < lcl)
    shift = _shift_flags(value, cl)
    signal = sigma | shift
    points = pd.DataFrame(
        {
            "x": x,
            "y": value,
            "n": n,
            "phase": phase,
            "cl": cl,
            "lcl": lcl,
            "ucl": ucl,
            "sigma_signal": sigma,
            "shift": shift,
            "trend": False,
            "two_of_three": False,
            "point_type": np.where(signal, "special_cause_neutral_high", "common_cause"),
            "signal_reason": np.where(sigma, "outside limits", np.where(shift, "shift", "")),
        }
    )
    summary = pd.DataFrame({"phase": np.unique(phase), "runs_signal": False})
    return SimpleNamespace(points=points, summary=summary, options={"chart": chart})
