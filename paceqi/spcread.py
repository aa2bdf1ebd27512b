"""Read an SPCResult for charts and narrative: options, x values, caveats, signal episodes.

Everything here *reads* the typed :class:`paceqi.spcstats.SPCResult` (``points``,
``summary``, ``options``: the columns :data:`paceqi.spcstats.POINT_COLUMNS`,
:data:`paceqi.spcstats.CAVEAT_COLUMNS` and :data:`paceqi.spcstats.SUMMARY_COLUMNS`); nothing
recomputes limits, rules or caveats. Chart codes, point types and thresholds come from
:mod:`paceqi.spcstats` and :mod:`paceqi.constants`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.constants import MIN_POINTS_FOR_LIMITS, MIN_USEFUL_FOR_RUNS
from paceqi.errors import OptionsError
from paceqi.spcstats import POINT_COLUMNS, SPCResult
from paceqi.spcstats.types import CHARTS_WITHOUT_LIMITS, ChartType

#: Columns a chart cannot be drawn without.
REQUIRED_POINT_COLUMNS = ("x", "y", "cl", "point_type")
#: Trial limits under this many points, and the runs analysis needs this many useful points
#: (:data:`paceqi.constants.MIN_POINTS_FOR_LIMITS`, :data:`paceqi.constants.MIN_USEFUL_FOR_RUNS`).
TRIAL_LIMITS_BELOW = MIN_POINTS_FOR_LIMITS
RUNS_ANALYSIS_MIN_USEFUL = MIN_USEFUL_FOR_RUNS
#: Chart codes without control limits.
RUN_CHARTS = frozenset(str(c) for c in CHARTS_WITHOUT_LIMITS)
#: Chart codes whose y is a proportion (shown as a percentage when ``multiply`` is 1).
PROPORTION_CHARTS = frozenset({str(ChartType.P), str(ChartType.PP)})


def shows_percent(res: Any, unit: str = "") -> bool:
    """Whether the values of ``res`` are proportions (0-1) to show as percentages.

    True for P and P' charts (``multiply`` 1), and for any chart whose ``unit`` is ``"%"``: a
    run chart of yearly proportions, the fallback when a P chart has too few children per
    point (:mod:`paceqi.changeidea.analysis`), is still a chart of percentages. With
    ``multiply`` other than 1 the values are already scaled and shown as they are.

    >>> import paceqi
    >>> shows_percent(paceqi.spc([0.2, 0.4, 0.3]), unit="%")
    True
    >>> shows_percent(paceqi.spc([0.2, 0.4, 0.3]))
    False
    """
    proportion = chart_type(res) in PROPORTION_CHARTS or unit == "%"
    return proportion and option(res, "multiply", 1) == 1


def option(res: SPCResult, name: str, default: Any = None) -> Any:
    """Return ``res.options.<name>`` (``default`` when it is None)."""
    value = getattr(res.options, name, None)
    return default if value is None else value


def chart_type(res: Any) -> str:
    """Return the chart code of a result (``"run"`` when the options do not say)."""
    return str(option(res, "chart", "run"))


def rules_name(res: Any) -> str:
    """Return the rule set name of a result (``"ihi"`` when the options do not say)."""
    return str(option(res, "rules", "ihi"))


def check_result(res: Any, argument: str = "res") -> pd.DataFrame:
    """Return ``res.points`` after checking ``res`` is an :class:`~paceqi.spcstats.SPCResult`."""
    if not isinstance(res, SPCResult):
        raise OptionsError(
            f"{argument}: expected an SPCResult (as returned by paceqi.spc), got "
            f"{type(res).__name__}"
        )
    missing = [c for c in REQUIRED_POINT_COLUMNS if c not in res.points.columns]
    if missing:
        raise OptionsError(
            f"{argument}.points is missing column(s) {', '.join(missing)}; "
            f"expected the columns {', '.join(POINT_COLUMNS)}"
        )
    return res.points


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

#: The engine's caveat column of each caveat (:data:`paceqi.spcstats.CAVEAT_COLUMNS`, per point).
_CAVEAT_COLUMNS: Mapping[str, str] = {
    "trial_limits": "limits_are_trial",
    "too_few_useful": "few_useful",
    "all_on_centre": "all_on_cl",
    "mr_zero": "mr_zero",
}


@dataclass(frozen=True)
class Caveat:
    """One statistical caveat: its code, the phases it applies to, and the sentence."""

    code: str
    phases: tuple[str, ...]
    text: str


def phase_name(value: Any) -> str:
    """How a phase is named on a chart: "Phase 2" for the engine's numbers, else the label."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"Phase {value}"
    return str(value)


def caveats(res: SPCResult) -> list[Caveat]:
    """Return the caveats of a result, one per kind, naming the phases they apply to.

    Read from the engine's caveat columns; "too few points for any analysis" is a phase the
    summary counts fewer than 2 observations in.
    """
    points = check_result(res)
    summary = res.summary
    n_phases = max(len(summary), 1)
    found: dict[str, list[str]] = {code: [] for code in CAVEAT_TEXT}
    n_obs = pd.to_numeric(summary.get("n_obs"), errors="coerce") if len(summary) else None
    if n_obs is not None:
        found["too_few_points"] = [str(p) for p in summary.loc[n_obs < 2, "phase"]]
    for code, col in _CAVEAT_COLUMNS.items():
        if col in points.columns:
            hit = points.loc[points[col].fillna(False).astype(bool), "phase"]
            found[code] = sorted({str(p) for p in hit}, key=str)
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
    out = []
    for code, text in CAVEAT_TEXT.items():
        phases = tuple(found[code])
        if not phases:
            continue
        where = "the chart" if n_phases == 1 else _phase_list(phases)
        n = TRIAL_LIMITS_BELOW if code == "trial_limits" else RUNS_ANALYSIS_MIN_USEFUL
        out.append(Caveat(code, phases, text.format(where=where, n=n)))
    return out


def _phase_list(phases: tuple[str, ...]) -> str:
    names = [f"phase {p}" for p in phases]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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
    start: int | None = None
    last = 0
    for i, m in enumerate(mask):
        if m:
            if start is None:
                start = i
            last = i
        elif start is not None and not bridge[i]:
            blocks.append((start, last))
            start = None
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
