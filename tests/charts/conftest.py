"""A small factory of hand-made SPC results with exactly the DESIGN.md columns.

The charts and the narrative only read ``res.points`` / ``res.summary`` / ``res.options``; this
factory builds those frames by hand (centre line = median or mean per phase, limits from the
average moving range, signals where the test says), so chart tests do not depend on the
engine. Replace ``make_result(...)`` with ``paceqi.spc(...)`` once the engine is merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

POINT_COLUMNS = [
    "x",
    "y",
    "n",
    "phase",
    "baseline",
    "excluded",
    "cl",
    "lcl",
    "ucl",
    "lcl_2s",
    "ucl_2s",
    "sigma_signal",
    "shift",
    "trend",
    "two_of_three",
    "runs_signal",
    "point_type",
    "signal_reason",
]
SUMMARY_COLUMNS = [
    "phase",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "n_runs",
    "runs_min",
    "runs_max",
    "runs_signal",
    "sigma_signals",
    "cl",
    "lcl",
    "ucl",
    "variation",
    "assurance",
    "suggested_phase_start",
]


@dataclass(frozen=True)
class FakeOptions:
    chart: str = "run"
    rules: str = "ihi"
    freeze: int | None = None
    phases: Any = None
    exclude: Any = None
    direction: str | None = None
    target: float | None = None
    multiply: float = 1
    screen_mr: bool = True
    shift_n: int | None = None
    trend_n: int | None = None


@dataclass(frozen=True)
class FakeResult:
    points: pd.DataFrame
    summary: pd.DataFrame
    options: FakeOptions


def _point_type(side: float, direction: str | None) -> str:
    if direction == "increase":
        return "special_cause_improvement" if side > 0 else "special_cause_concern"
    if direction == "decrease":
        return "special_cause_improvement" if side < 0 else "special_cause_concern"
    return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"


def make_result(
    y: Sequence[float],
    *,
    x: Sequence[Any] | None = None,
    chart: str = "run",
    rules: str = "ihi",
    direction: str | None = None,
    target: float | None = None,
    phases: Sequence[str] | None = None,
    freeze: int | None = None,
    excluded: Sequence[int] = (),
    shift: Sequence[int] = (),
    trend: Sequence[int] = (),
    sigma: Sequence[int] = (),
    two_of_three: Sequence[int] = (),
    runs_signal: bool = False,
    start: str = "2016-01-01",
) -> FakeResult:
    """Build an SPCResult-shaped object; signals are set where the caller says."""
    y = np.asarray(y, dtype=float)
    m = len(y)
    x = pd.date_range(start, periods=m, freq="MS") if x is None else pd.Series(list(x))
    phase = np.asarray(phases if phases is not None else ["1"] * m, dtype=object)
    excl = np.zeros(m, bool)
    excl[list(excluded)] = True
    base = np.ones(m, bool) if freeze is None else np.arange(m) < freeze
    pts = pd.DataFrame(
        {"x": x, "y": y, "n": np.nan, "phase": phase, "baseline": base, "excluded": excl}
    )
    for col in ("cl", "lcl", "ucl", "lcl_2s", "ucl_2s"):
        pts[col] = np.nan
    rows = []
    for p in dict.fromkeys(phase):
        sel = phase == p
        used = y[sel & ~excl & base]
        cl = float(np.median(used)) if chart == "run" else float(np.mean(used))
        pts.loc[sel, "cl"] = cl
        lcl = ucl = np.nan
        if chart != "run":
            sd = float(np.mean(np.abs(np.diff(used)))) / 1.128 if len(used) > 1 else 0.0
            lcl, ucl = cl - 3 * sd, cl + 3 * sd
            pts.loc[sel, ["lcl", "ucl", "lcl_2s", "ucl_2s"]] = [lcl, ucl, cl - 2 * sd, cl + 2 * sd]
        useful = int(np.sum(~np.isclose(y[sel & ~excl], cl)))
        rows.append(
            {
                "phase": p,
                "n_obs": int(sel.sum()),
                "n_useful": useful,
                "cl": cl,
                "lcl": lcl,
                "ucl": ucl,
                "runs_signal": runs_signal,
            }
        )
    for name, idx in (
        ("shift", shift),
        ("trend", trend),
        ("sigma_signal", sigma),
        ("two_of_three", two_of_three),
    ):
        pts[name] = False
        pts.loc[list(idx), name] = True
    pts["runs_signal"] = runs_signal
    signal = pts[["shift", "trend", "sigma_signal", "two_of_three"]].any(axis=1).to_numpy()
    side = np.sign(y - pts["cl"].to_numpy())
    pts["point_type"] = [
        _point_type(s, direction) if sig else "common_cause"
        for s, sig in zip(side, signal, strict=True)
    ]
    pts["signal_reason"] = np.where(signal, "signal", "")
    summary = pd.DataFrame(rows).reindex(columns=SUMMARY_COLUMNS)
    summary["runs_signal"] = summary["runs_signal"].astype(bool)
    opts = FakeOptions(
        chart=chart,
        rules=rules,
        freeze=freeze,
        direction=direction,
        target=target,
        exclude=list(excluded) or None,
    )
    return FakeResult(points=pts[POINT_COLUMNS], summary=summary, options=opts)


#: 24 months of days-to-recommendation: about 150 for a year, then about 100.
BEFORE = [152, 148, 160, 141, 155, 149, 158, 145, 151, 162, 147, 150]
AFTER = [104, 98, 110, 95, 101, 99, 107, 96, 103, 100, 94, 102]


@pytest.fixture
def make():
    return make_result


MONTHS = pd.date_range("2016-01-01", periods=24, freq="MS")


@pytest.fixture
def shift_down():
    """Run chart (real engine), lower is better, a shift below the median in the last year."""
    from paceqi.spc import spc

    return spc(BEFORE + AFTER, x=MONTHS, chart="run", direction="decrease")


@pytest.fixture
def flat():
    """Run chart (real engine) with no signal."""
    from paceqi.spc import spc

    y = [10, 12, 13, 11, 11, 13, 12, 10, 12, 13, 11, 10, 13, 12, 11, 10]
    return spc(y, x=MONTHS[:16], chart="run", direction="decrease")
