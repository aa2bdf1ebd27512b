"""Read an SPCResult for charts and narrative: options, x values, caveats, signal episodes.

Everything here *reads* the analysis (``res.points``, ``res.summary``, ``res.options``, with the
columns DESIGN.md "QI statistics" fixes); nothing recomputes limits or rules. Any object with
those three attributes works (duck typing), so charts do not import the engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError

POINT_COLUMNS = (
    "x", "y", "n", "phase", "baseline", "excluded", "cl", "lcl", "ucl", "lcl_2s", "ucl_2s",
    "sigma_signal", "shift", "trend", "two_of_three", "runs_signal", "point_type",
    "signal_reason",
)  # fmt: skip
SUMMARY_COLUMNS = (
    "phase", "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
    "n_crossings_min", "n_runs", "runs_min", "runs_max", "runs_signal", "sigma_signals", "cl",
    "lcl", "ucl", "variation", "assurance", "suggested_phase_start",
)  # fmt: skip
#: Columns a chart cannot be drawn without.
REQUIRED_POINT_COLUMNS = ("x", "y", "cl", "point_type")

#: Fallback thresholds, used only when the result carries no caveat columns of its own.
#: Trial limits under 12 points: NHSRplotthedots' ``fix_after_n_points`` default and MDC
#: guidance (METHODS.md §3.1/§4). Runs analysis needs 10 useful points: the smallest n in Perla,
#: Provost & Murray 2011, Table 1, and in the Anhøj critical-value table (METHODS.md §2).
TRIAL_LIMITS_BELOW = 12
RUNS_ANALYSIS_MIN_USEFUL = 10
#: Chart codes without control limits (DESIGN.md ``chart``).
RUN_CHARTS = frozenset({"run"})
#: Chart codes whose y is a proportion (shown as a percentage when ``multiply`` is 1).
PROPORTION_CHARTS = frozenset({"p", "pp"})


def option(res: Any, name: str, default: Any = None) -> Any:
    """Return ``res.options.<name>`` (dataclass, namespace or mapping), else ``default``."""
    opts = getattr(res, "options", None)
    if opts is None:
        return default
    get = opts.get if isinstance(opts, Mapping) else lambda k, d: getattr(opts, k, d)
    value = get(name, default)
    return default if value is None else value


def chart_type(res: Any) -> str:
    """Return the chart code of a result (``"run"`` when the options do not say)."""
    return str(option(res, "chart", "run"))


def rules_name(res: Any) -> str:
    """Return the rule set name of a result (``"ihi"`` when the options do not say)."""
    return str(option(res, "rules", "ihi"))


def check_result(res: Any, argument: str = "res") -> pd.DataFrame:
    """Return ``res.points`` after checking it has the columns a chart needs."""
    points = getattr(res, "points", None)
    if not isinstance(points, pd.DataFrame) or not hasattr(res, "summary"):
        raise OptionsError(
            f"{argument}: expected an SPCResult (an object with .points, .summary and .options "
            f"as returned by paceqi.spc), got {type(res).__name__}"
        )
    missing = [c for c in REQUIRED_POINT_COLUMNS if c not in points.columns]
    if missing:
        raise OptionsError(
            f"{argument}.points is missing column(s) {', '.join(missing)}; "
            f"columns present: {', '.join(map(str, points.columns))}"
        )
    return points


def x_values(points: pd.DataFrame) -> tuple[pd.Series, bool]:
    """Return the x column and whether it holds dates (parsed to ``datetime64``)."""
    x = points["x"]
    if pd.api.types.is_datetime64_any_dtype(x):
        return x, True
    if x.dtype == object and len(x) and all(hasattr(v, "year") for v in x.dropna()):
        return pd.to_datetime(x), True
    return x, False


def column(frame: pd.DataFrame, name: str, default: Any = np.nan) -> pd.Series:
    """Return ``frame[name]``, or a column of ``default`` when it is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


def flag(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return a boolean column as a numpy array (absent or missing values count as False)."""
    return column(frame, name, False).fillna(False).astype(bool).to_numpy()


def is_finite(value: Any) -> bool:
    """Return True for a finite real number."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# -- caveats ---------------------------------------------------------------------------------

#: Caveat codes, in the order captions list them, with their wording.
CAVEAT_TEXT: Mapping[str, str] = {
    "too_few_points": "Too few points for any analysis: the chart shows the data only.",
    "trial_limits": "Trial limits: fewer than {n} points in {where}; the limits will move as "
    "data arrive.",
    "too_few_useful": "Too few useful points for the runs analysis in {where} (fewer than "
    "{n} points off the centre line).",
    "all_on_centre": "All points lie on the centre line in {where}: runs cannot be analysed.",
    "mr_zero": "The average moving range is 0 in {where}: the limits collapse onto the centre "
    "line.",
}

#: Caveat columns the engine may provide (per summary row or per point), by caveat code.
_CAVEAT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "too_few_points": ("too_few_points", "no_analysis"),
    "trial_limits": ("limits_are_trial", "trial_limits"),
    "too_few_useful": ("few_useful", "few_points", "too_few_useful"),
    "all_on_centre": ("all_on_cl", "all_on_centre_line", "all_on_center_line"),
    "mr_zero": ("mr_zero", "mrbar_zero", "mr_bar_zero"),
}


@dataclass(frozen=True)
class Caveat:
    """One statistical caveat: its code, the phases it applies to, and the sentence."""

    code: str
    phases: tuple[str, ...]
    text: str


def _phase_label(value: Any) -> str:
    return str(value)


def phase_name(value: Any) -> str:
    """How a phase is named on a chart: "Phase 2" for the engine's numbers, else the label."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"Phase {value}"
    return str(value)


def _explicit(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in frame.columns:
            return name
    return None


def caveats(res: Any) -> list[Caveat]:
    """Return the caveats of a result, one per kind, naming the phases they apply to.

    Caveat columns of the engine are used when present; otherwise the caveats are read off the
    summary counts (``n_obs``, ``n_useful``) and limits, never recomputed from the data.
    """
    points = check_result(res)
    summary = res.summary if isinstance(res.summary, pd.DataFrame) else pd.DataFrame()
    n_phases = max(len(summary), 1)
    chart = chart_type(res)
    found: dict[str, list[str]] = {code: [] for code in CAVEAT_TEXT}
    for code, names in _CAVEAT_COLUMNS.items():
        for frame in (summary, points):
            col = _explicit(frame, names) if len(frame) else None
            if col is None:
                continue
            if "phase" in frame.columns:
                hit = frame.loc[frame[col].fillna(False).astype(bool), "phase"]
                found[code] = sorted({_phase_label(p) for p in hit}, key=str)
            else:
                found[code] = ["all"] if frame[col].fillna(False).astype(bool).any() else []
            break
        else:
            found[code] = _derived(code, summary, points, chart)
    out = []
    if found["too_few_points"]:
        # Nothing else can be said about a phase with too few points to analyse.
        skip = set(found["too_few_points"])
        for code in CAVEAT_TEXT:
            if code != "too_few_points":
                found[code] = [p for p in found[code] if p not in skip]
    # A phase with every point on the centre line has no useful points: say that, once.
    found["too_few_useful"] = [
        p for p in found["too_few_useful"] if p not in found["all_on_centre"]
    ]
    for code, text in CAVEAT_TEXT.items():
        phases = tuple(found[code])
        if not phases:
            continue
        where = "the chart" if n_phases == 1 or phases == ("all",) else _phase_list(phases)
        n = TRIAL_LIMITS_BELOW if code == "trial_limits" else RUNS_ANALYSIS_MIN_USEFUL
        out.append(Caveat(code, phases, text.format(where=where, n=n)))
    return out


def _phase_list(phases: tuple[str, ...]) -> str:
    names = [f"phase {p}" for p in phases]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _derived(code: str, summary: pd.DataFrame, points: pd.DataFrame, chart: str) -> list[str]:
    """Read one caveat off the summary counts (fallback when no caveat column exists)."""
    if not len(summary) or "phase" not in summary.columns:
        return ["all"] if code == "too_few_points" and len(points) < 2 else []
    out = []
    for _, row in summary.iterrows():
        n_obs = row.get("n_obs", np.nan)
        n_useful = row.get("n_useful", np.nan)
        phase = _phase_label(row["phase"])
        if code == "too_few_points":
            hit = is_finite(n_obs) and n_obs < 2
        elif code == "trial_limits":
            hit = chart not in RUN_CHARTS and is_finite(n_obs) and 2 <= n_obs < TRIAL_LIMITS_BELOW
        elif code == "too_few_useful":
            hit = is_finite(n_useful) and 0 < n_useful < RUNS_ANALYSIS_MIN_USEFUL
        elif code == "all_on_centre":
            hit = is_finite(n_useful) and n_useful == 0 and is_finite(n_obs) and n_obs > 0
        else:  # mr_zero
            lcl, ucl, cl = row.get("lcl"), row.get("ucl"), row.get("cl")
            hit = (
                chart in {"i", "mr"}
                and all(is_finite(v) for v in (lcl, ucl, cl))
                and float(ucl) == float(lcl) == float(cl)
            )
        if hit:
            out.append(phase)
    return out


# -- signal episodes (for the narrative) -----------------------------------------------------


@dataclass(frozen=True)
class Episode:
    """A run of points flagged by one rule: positions, side and the x values it spans."""

    rule: str  # "shift" | "trend" | "sigma" | "two_of_three" | "hugging"
    start: int  # 0-based position of the first point
    end: int  # 0-based position of the last point
    side: str  # "high" | "low"
    x_start: Any
    x_end: Any
    n_points: int


def _blocks(mask: np.ndarray, bridge: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous True blocks of ``mask``; positions where ``bridge`` is True do not break one."""
    blocks: list[tuple[int, int]] = []
    start = last = None
    for i, m in enumerate(mask):
        if m:
            if start is None:
                start = i
            last = i
        elif start is not None and not bridge[i]:
            blocks.append((start, last))
            start = last = None
    if start is not None:
        blocks.append((start, last))
    return blocks


def _split_by_side(sign: np.ndarray, s: int, e: int) -> list[tuple[int, int, str]]:
    """Split a flagged block where it crosses the centre line (a run above, then one below)."""
    out: list[tuple[int, int, str]] = []
    start, current = s, 0.0
    for i in range(s, e + 1):
        if sign[i] == 0:
            continue
        if current and sign[i] != current:
            out.append((start, i - 1, "high" if current > 0 else "low"))
            start = i
        current = sign[i]
    out.append((start, e, "high" if current > 0 else "low"))
    return out


def episodes(res: Any) -> list[Episode]:
    """Return the signal episodes of a result, in order of their first point."""
    points = check_result(res).reset_index(drop=True)
    x, _ = x_values(points)
    y = points["y"].to_numpy(dtype=float)
    cl = points["cl"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        on_cl = np.isclose(y, cl) | np.isnan(y)
    bridge = on_cl | flag(points, "excluded")
    out: list[Episode] = []

    def add(rule: str, s: int, e: int, side: str) -> None:
        flagged = flag(points, "sigma_signal" if rule == "sigma" else rule)[s : e + 1]
        out.append(Episode(rule, s, e, side, x.iloc[s], x.iloc[e], int(flagged.sum())))

    with np.errstate(invalid="ignore"):
        sign = np.nan_to_num(np.sign(y - cl))
    for rule in ("shift", "two_of_three"):
        for s, e in _blocks(flag(points, rule), bridge):
            for a, b, side in _split_by_side(sign, s, e):
                add(rule, a, b, side)
    for s, e in _blocks(flag(points, "trend"), np.zeros(len(points), bool)):
        add("trend", s, e, "high" if y[e] > y[s] else "low")
    for s, e in _blocks(flag(points, "hugging"), np.zeros(len(points), bool)):
        add("hugging", s, e, "high")
    for i in np.flatnonzero(flag(points, "sigma_signal")):
        add("sigma", int(i), int(i), "high" if y[i] > cl[i] else "low")
    return sorted(out, key=lambda ep: (ep.start, ep.rule))
