"""``spc()``: one pure function from data and options to an :class:`SPCResult`.

The steps: read and check the inputs, combine rows into subgroups, split into phases, compute
each phase's lines (the limits registry), apply the rule set, classify the points, summarise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.constants import (
    HCDG_HUGGING,
    MIN_POINTS_FOR_LIMITS,
    MIN_USEFUL_FOR_RUNS,
)
from paceqi.errors import OptionsError
from paceqi.spcstats import classify, rules
from paceqi.spcstats.inputs import Points, aggregate, read_inputs
from paceqi.spcstats.limits import Limits, LimitSettings, Subgroups, get_limits_fn
from paceqi.spcstats.options import SPCOptions, choices
from paceqi.spcstats.types import ChartType, RuleSet

__all__ = ["spc", "SPCResult", "POINT_COLUMNS", "SUMMARY_COLUMNS", "CAVEAT_COLUMNS"]

#: Columns of ``SPCResult.points`` fixed by DESIGN.md, in order.
POINT_COLUMNS = (
    "x", "y", "n", "phase", "baseline", "excluded", "cl", "lcl", "ucl", "lcl_2s", "ucl_2s",
    "sigma_signal", "shift", "trend", "two_of_three", "runs_signal", "point_type",
    "signal_reason",
)  # fmt: skip

#: Extra columns of ``SPCResult.points``: the rule of 15 points within 1 sigma and the caveats.
CAVEAT_COLUMNS = ("hugging", "limits_are_trial", "few_useful", "mr_zero", "all_on_cl")

#: Columns of ``SPCResult.summary`` (one row per phase), fixed by DESIGN.md, in order.
SUMMARY_COLUMNS = (
    "phase", "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
    "n_crossings_min", "n_runs", "runs_min", "runs_max", "runs_signal", "sigma_signals", "cl",
    "lcl", "ucl", "variation", "assurance", "suggested_phase_start",
)  # fmt: skip

_LINES = ("cl", "lcl", "ucl", "lcl_2s", "ucl_2s", "lcl_1s", "ucl_1s")


@dataclass(frozen=True)
class SPCResult:
    """The result of :func:`spc`: a per-point frame, a per-phase summary and the options used.

    Attributes
    ----------
    points : pandas.DataFrame
        One row per subgroup; columns :data:`POINT_COLUMNS` then :data:`CAVEAT_COLUMNS`.
    summary : pandas.DataFrame
        One row per phase; columns :data:`SUMMARY_COLUMNS`.
    options : SPCOptions
        The validated options; ``options.describe()`` is a footer a report can print.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    options: SPCOptions

    def __repr__(self) -> str:
        o = self.options
        return (
            f"SPCResult(chart={o.chart.value!r}, rules={o.rules.value!r}, "
            f"points={len(self.points)}, phases={len(self.summary)})"
        )


@dataclass
class _Phase:
    start: int
    stop: int
    label: Any
    stats: rules.RunsStats
    longest_run_max: float
    n_crossings_min: float
    runs_min: float
    runs_max: float
    runs_signal: bool
    limits_are_trial: bool
    mr_zero: bool
    all_on_cl: bool


def _phase_bounds(m: int, options: SPCOptions) -> list[tuple[int, int]]:
    edges = [0, *(options.phases or ()), m]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _labels_to_breaks(labels: np.ndarray) -> tuple[list[int], list[Any]]:
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = [0, *change.tolist()]
    return change.tolist(), [_plain(labels[i]) for i in starts]


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _centre_word(chart: ChartType) -> str:
    if chart is ChartType.RUN:
        return "median"
    if chart in (ChartType.I, ChartType.XBAR):
        return "mean"
    return "centre line"


def _side(y: np.ndarray, cl: np.ndarray, use: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        side = np.sign(y - cl)
    return np.where(use, side, np.nan)


def _signals_for_phase(
    y: np.ndarray, lim: Limits, use: np.ndarray, side: np.ndarray, options: SPCOptions
) -> dict[str, np.ndarray]:
    """Apply the rule set to one phase; ``use`` = included and not missing, ``side`` = _side()."""
    m = y.size
    zero = np.zeros(m, dtype=np.int64)
    # Zero-width limits (a P chart's baseline at 0 % or 100 %, MR-bar = 0) say nothing about
    # chance variation: a point off such a line is never a limit signal (METHODS.md §8 "Small
    # numbers"); the caveat columns say why the limits collapsed.
    with np.errstate(invalid="ignore"):
        width = np.asarray(lim.ucl, dtype=float) - np.asarray(lim.lcl, dtype=float)
    collapsed = np.broadcast_to(np.isfinite(width) & (width <= 0), y.shape)
    sigma = np.where(collapsed, 0, rules.outside_limits(y, lim.lcl, lim.ucl))
    out = {"sigma": sigma, "hugging": np.zeros(m, dtype=bool)}
    ruleset, chart = options.rules, options.chart
    runs_only_sigma = chart is ChartType.MR
    length = options.shift_length
    if length is None:  # Anhøj: longer than round(log2(n_useful)) + 3
        n_useful = int(np.count_nonzero(~np.isnan(side) & (side != 0)))
        length = int(rules.anhoej_longest_run_max(n_useful)) + 1 if n_useful else m + 1
    run = rules.shift(side, length, on_line_breaks=ruleset is RuleSet.MDC)
    out["shift"] = np.where(run.flag & (not runs_only_sigma), run.side, 0)
    out["shift_position"] = run.position
    out["trend"] = zero
    out["trend_length"] = zero
    out["two_of_three"] = zero
    if runs_only_sigma:
        return out
    if options.trend_length is not None:
        t = rules.trend(np.where(use, y, np.nan), options.trend_length,
                        ties_break=ruleset is RuleSet.MDC)  # fmt: skip
        out["trend"] = np.where(t.up, 1, np.where(t.down, -1, 0))
        out["trend_length"] = np.where(t.up, t.up_length, t.down_length)
    if options.has_limits and ruleset is not RuleSet.ANHOEJ:
        with np.errstate(invalid="ignore"):
            beyond = (y > lim.ucl_2s).astype(float) - (y < lim.lcl_2s).astype(float)
        beyond = np.where(use & ~collapsed, beyond, np.nan)
        up, low = rules.two_of_three(beyond, side if ruleset is RuleSet.MDC else None)
        out["two_of_three"] = np.where(up, 1, np.where(low, -1, 0))
        if ruleset is RuleSet.IHI:
            with np.errstate(invalid="ignore"):
                inside = ((y > lim.lcl_1s) & (y < lim.ucl_1s)).astype(float)
            out["hugging"] = rules.hugging(np.where(use, inside, np.nan), HCDG_HUGGING)
    return out


def _runs_for_phase(side: np.ndarray, options: SPCOptions) -> dict[str, Any]:
    """Compute the runs statistics and the phase's runs signal under the rule set."""
    st = rules.runs_stats(side)
    nan = float("nan")
    res = {"stats": st, "longest_run_max": nan, "n_crossings_min": nan, "runs_min": nan,
           "runs_max": nan, "runs_signal": False}  # fmt: skip
    if options.rules is RuleSet.ANHOEJ:
        lmax = (
            (options.shift_n - 1) if options.shift_n else rules.anhoej_longest_run_max(st.n_useful)
        )
        cmin = rules.anhoej_crossings_min(st.n_useful)
        res.update(longest_run_max=float(lmax), n_crossings_min=float(cmin))
        if st.n_useful:
            res["runs_signal"] = bool(st.longest_run > lmax or st.n_crossings < cmin)
    else:
        shift = options.shift_length  # an int for the IHI and MDC rule sets
        res["longest_run_max"] = float(shift - 1) if shift is not None else nan
        if options.rules is RuleSet.IHI and not options.has_limits:
            low, high = rules.swed_eisenhart_limits(st.n_above, st.n_below)
            res.update(runs_min=low, runs_max=high)
            if st.n_useful >= MIN_USEFUL_FOR_RUNS:
                res["runs_signal"] = bool(st.n_runs <= low or st.n_runs >= high)
    if options.chart is ChartType.MR:
        res["runs_signal"] = False  # moving ranges are correlated (qicharts2 does the same)
    return res


@dataclass
class _Series:
    """Whole-series arrays filled phase by phase."""

    y: np.ndarray
    lines: dict[str, np.ndarray]
    signals: dict[str, np.ndarray]
    phase_code: np.ndarray

    @classmethod
    def empty(cls, m: int) -> _Series:
        lines = {k: np.empty(m) for k in _LINES}
        return cls(np.empty(m), lines, {}, np.empty(m, dtype=np.int64))


def _masks(m: int, options: SPCOptions) -> tuple[np.ndarray, np.ndarray]:
    """Excluded points, and the baseline (the first ``freeze`` points of the first phase)."""
    excluded = np.zeros(m, dtype=bool)
    excluded[list(options.exclude)] = True
    baseline = np.ones(m, dtype=bool)
    if options.freeze is not None:
        first_stop = options.phases[0] if options.phases else m
        baseline[options.freeze : first_stop] = False
    return excluded, baseline


def _analyse_phase(
    i: int, sl: slice, g: Subgroups, excluded: np.ndarray, out: _Series, options: SPCOptions
) -> _Phase:
    """Lines, rules and runs analysis of one phase; fills ``out[sl]`` and returns the phase."""
    settings = LimitSettings(options.screen_mr, mdc_xmr=options.rules is RuleSet.MDC)
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN/inf propagate by design
        lim = get_limits_fn(options.chart)(g, settings)
    k = options.multiply
    y = lim.y * k if k != 1 else lim.y
    out.y[sl] = y  # always a copy: lim.y may be a view of the caller's data
    whole = sl.start == 0 and sl.stop == out.y.size  # one phase: keep the fresh arrays
    seen: set[int] = set()
    for name in _LINES:
        line = getattr(lim, name) * k if k != 1 else getattr(lim, name)
        if whole:  # a limits function may return one array for two lines: never share it
            out.lines[name] = line.copy() if id(line) in seen else line
            seen.add(id(line))
        else:
            out.lines[name][sl] = line
    ph = {name: out.lines[name][sl] for name in _LINES}
    scaled = Limits(
        y,
        ph["cl"],
        ph["lcl"],
        ph["ucl"],
        ph["lcl_2s"],
        ph["ucl_2s"],
        ph["lcl_1s"],
        ph["ucl_1s"],
        mr_zero=lim.mr_zero,
    )
    use = ~excluded[sl] & ~np.isnan(y)
    side = _side(y, scaled.cl, use)
    for key, val in _signals_for_phase(y, scaled, use, side, options).items():
        if whole:
            out.signals[key] = val
        else:
            out.signals.setdefault(key, np.zeros(out.y.size, dtype=val.dtype))[sl] = val
    out.phase_code[sl] = i
    r = _runs_for_phase(side, options)
    n_base = int(np.count_nonzero(g.base & ~np.isnan(y)))
    return _Phase(
        sl.start, sl.stop, options.phase_labels[i] if options.phase_labels else i + 1,
        r["stats"], r["longest_run_max"], r["n_crossings_min"], r["runs_min"], r["runs_max"],
        r["runs_signal"],
        limits_are_trial=options.has_limits and n_base < MIN_POINTS_FOR_LIMITS,
        mr_zero=bool(lim.mr_zero),
        all_on_cl=bool(use.any()) and r["stats"].n_useful == 0,
    )  # fmt: skip


def _analyse(pts: Points, options: SPCOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = pts.y.size
    excluded, baseline = _masks(m, options)
    out = _Series.empty(m)
    phases = []
    for i, (a, b) in enumerate(_phase_bounds(m, options)):
        sl = slice(a, b)
        g = Subgroups(pts.y[sl], pts.y_sum[sl], pts.n[sl], pts.size[sl], pts.sd[sl],
                      baseline[sl] & ~excluded[sl])  # fmt: skip
        phases.append(_analyse_phase(i, sl, g, excluded, out, options))
    signals = classify.Signals(**{f: out.signals[f] for f in classify.Signals.__dataclass_fields__})
    if options.phase_labels:
        table = np.empty(len(options.phase_labels), dtype=object)
        table[:] = list(options.phase_labels)
        phase_col = table[out.phase_code]  # plain labels (a label may return in a later phase)
    else:
        phase_col = out.phase_code + 1
    points = _points_frame(pts, out.y, out.lines, phase_col, baseline, excluded, signals, phases,
                           options)  # fmt: skip
    return points, _summary(points, phases, signals, options)


def _points_frame(
    pts: Points,
    y: np.ndarray,
    lines: dict[str, np.ndarray],
    phase_col: Any,
    baseline: np.ndarray,
    excluded: np.ndarray,
    s: classify.Signals,
    phases: list[_Phase],
    options: SPCOptions,
) -> pd.DataFrame:
    m = y.size

    def per_phase(attr: str) -> np.ndarray:
        out = np.zeros(m, dtype=bool)
        for p in phases:
            out[p.start : p.stop] = getattr(p, attr)
        return out

    few = np.zeros(m, dtype=bool)
    for p in phases:
        few[p.start : p.stop] = p.stats.n_useful < MIN_USEFUL_FOR_RUNS
    cols = {
        "x": np.array(pts.x, copy=True),  # never share memory with the caller's data
        "y": y,
        "n": np.array(pts.n, dtype=float, copy=True),
        "phase": phase_col,
        "baseline": baseline,
        "excluded": excluded,
        **{k: lines[k] for k in ("cl", "lcl", "ucl", "lcl_2s", "ucl_2s")},
        "sigma_signal": s.sigma != 0,
        "shift": s.shift != 0,
        "trend": s.trend != 0,
        "two_of_three": s.two_of_three != 0,
        "runs_signal": per_phase("runs_signal"),
        "point_type": classify.point_types(s, options.direction),
        "signal_reason": classify.signal_reasons(s, _centre_word(options.chart)),
        "hugging": s.hugging,
        "limits_are_trial": per_phase("limits_are_trial"),
        "few_useful": few,
        "mr_zero": per_phase("mr_zero"),
        "all_on_cl": per_phase("all_on_cl"),
    }
    # copy=False: every array above is private to this call; skipping pandas' block
    # consolidation saves a full copy of the frame (a third of the time at 10^6 points)
    return pd.DataFrame(cols, columns=[*POINT_COLUMNS, *CAVEAT_COLUMNS], copy=False)


def _suggested_start(s: classify.Signals, p: _Phase) -> Any:
    """First point of the first sustained shift that starts after the phase's first point."""
    sl = slice(p.start, p.stop)
    starts = np.flatnonzero((s.shift[sl] != 0) & (s.shift_position[sl] == 1))
    starts = starts[starts > 0]
    return int(p.start + starts[0]) if starts.size else pd.NA


def _summary(
    points: pd.DataFrame, phases: list[_Phase], s: classify.Signals, options: SPCOptions
) -> pd.DataFrame:
    rows = []
    y = points["y"].to_numpy()
    use = ~points["excluded"].to_numpy() & ~np.isnan(y)
    for p in phases:
        sl = slice(p.start, p.stop)
        live = np.flatnonzero(use[sl])
        last = p.start + live[-1] if live.size else None
        ptype = points["point_type"].iat[last] if last is not None else None
        lcl = points["lcl"].iat[last] if last is not None else np.nan
        ucl = points["ucl"].iat[last] if last is not None else np.nan
        st = p.stats
        rows.append({
            "phase": p.label,
            "n_obs": int(np.count_nonzero(~points["excluded"].to_numpy()[sl])),
            "n_useful": st.n_useful,
            "longest_run": st.longest_run,
            "longest_run_max": p.longest_run_max,
            "n_crossings": st.n_crossings,
            "n_crossings_min": p.n_crossings_min,
            "n_runs": st.n_runs,
            "runs_min": p.runs_min,
            "runs_max": p.runs_max,
            "runs_signal": p.runs_signal,
            "sigma_signals": int(points["sigma_signal"].to_numpy()[sl].sum()),
            "cl": _nanmean(points["cl"].to_numpy()[sl]),
            "lcl": _nanmean(points["lcl"].to_numpy()[sl]),
            "ucl": _nanmean(points["ucl"].to_numpy()[sl]),
            "variation": classify.variation(ptype, options.direction),
            "assurance": classify.assurance(options.target, lcl, ucl, options.direction),
            "suggested_phase_start": _suggested_start(s, p),
        })  # fmt: skip
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out["suggested_phase_start"] = out["suggested_phase_start"].astype("Int64")
    return out


def _nanmean(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(a.mean()) if a.size else float("nan")


def spc(
    y: Any,
    n: Any = None,
    *,
    x: Any = None,
    data: pd.DataFrame | None = None,
    chart: str = "run",
    rules: str | None = None,
    freeze: int | None = None,
    phases: Any = None,
    exclude: Any = None,
    direction: str | None = None,
    target: float | None = None,
    multiply: float = 1,
    screen_mr: bool = True,
    shift_n: int | None = None,
    trend_n: int | None = None,
) -> SPCResult:
    """Analyse a series with a run chart or a control chart.

    Parameters
    ----------
    y : array-like or str
        Values (or counts); a column name when ``data`` is given. Missing values are kept as
        points and left out of every calculation.
    n : array-like or str, optional
        Denominators (P, P', U, U' charts; optional for I). Rows with equal ``x`` are combined
        as Σy/Σn.
    x : array-like or str, optional
        Subgroup labels (dates, periods, numbers). Rows sharing ``x`` form one subgroup: their
        mean (Σy/Σn with ``n``; Σy on a C chart), or for ``xbar`` and ``s`` the raw observations.
        Default 1, 2, ..., one subgroup per row.
    data : pandas.DataFrame, optional
        Table whose columns ``y``, ``n``, ``x`` (and ``phases``) name.
    chart : {"run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t"}
        Chart type; limits as qicharts2 / Montgomery (``docs/methods.md``).
    rules : {"ihi", "anhoej", "mdc"}, optional
        Rule set; default "ihi".
    freeze : int, optional
        Number of leading points that form the baseline of the first phase.
    phases : list of int, str or array-like, optional
        0-based positions where a new phase starts, or one phase label per row (or the name of
        a column of labels). Each phase gets its own centre line, limits and runs analysis.
    exclude : list of int, optional
        0-based positions kept on the chart but left out of every calculation.
    direction : {"increase", "decrease", "neutral"}, optional
        Which direction is an improvement; default neutral.
    target : float, optional
        Target for the assurance icon (needs a direction).
    multiply : float, default 1
        Multiply y and every line (100 gives percentages).
    screen_mr : bool, default True
        Drop moving ranges >= ``MR_SCREEN_FACTOR``·MR-bar before computing I, T, P' and U'
        limits; False reproduces the Making Data Count Excel tool.
    shift_n, trend_n : int, optional
        Override the rule set's shift and trend lengths.

    Returns
    -------
    SPCResult
        ``points`` (one row per subgroup), ``summary`` (one row per phase) and ``options``.

    Raises
    ------
    OptionsError
        For an unknown chart or rule set, mismatched lengths, non-numeric values, zero or
        negative denominators, counts above n on a P chart, times <= 0 on a T chart, positions
        out of range, or no values at all.

    Examples
    --------
    >>> res = spc([5, 7, 6, 8, 9, 7, 6, 8], chart="i")
    >>> float(res.summary.loc[0, "cl"])
    7.0
    >>> res.points["point_type"].unique().tolist()
    ['common_cause']
    """
    chart_type, rule_set, improve = choices(chart, rules, direction)  # the user's strings
    options = SPCOptions(
        chart=chart_type, rules=rule_set, freeze=freeze,
        phases=None if _is_labels(phases, y, data) else phases, exclude=exclude,
        direction=improve,
        target=target, multiply=multiply, screen_mr=screen_mr,
        shift_n=shift_n, trend_n=trend_n,
    )  # fmt: skip
    raw, _ = read_inputs(y, n, x, data, phases, options.chart)
    pts = aggregate(raw, options.chart)
    m = pts.y.size
    if np.isnan(pts.y).all():
        raise OptionsError(f"y: no values to analyse (all {m} points are missing)")
    if pts.labels is not None:
        breaks, labels = _labels_to_breaks(pts.labels)
        options = options.with_phases(breaks, labels)
    options.check_against(m)
    points, summary = _analyse(pts, options)
    return SPCResult(points=points, summary=summary, options=options)


def _is_labels(phases: Any, y: Any, data: pd.DataFrame | None) -> bool:
    if phases is None:
        return False
    if isinstance(phases, str):
        return True
    try:
        length = len(data) if isinstance(y, str) and data is not None else len(y)
    except TypeError:
        return False
    return np.ndim(phases) == 1 and len(phases) == length and length > 0
