"""False alarms and detection: how often each rule set signals, with and without a real shift.

Monte Carlo: simulate many processes with a baseline of ``n_baseline`` points followed by
``n_after`` points whose mean has moved by ``shift`` standard deviations, analyse each as
``paceqi.spc(y, chart=..., rules=..., freeze=n_baseline)`` would and count the series with a
signal. With ``shift == 0`` that count is the false-alarm rate; otherwise it is the detection
rate.

The series are generated in one vectorised draw per baseline length, and the same random
numbers are reused for every shift size and rule set (common random numbers), so the
differences between rule sets are not blurred by different noise. The verdicts of a whole
batch come from :func:`paceqi.teach.batch.batch_verdicts` (the rules of ``paceqi.spc`` applied
to a matrix, checked against ``paceqi.spc`` series by series in the tests); any series it cannot
treat exactly, and any rule set / chart pair it does not cover, is analysed by ``paceqi.spc``.
The largest setting of the *how many points* exercise (6 baselines, 4 shifts, 3 rule sets,
500 series each) takes well under 2 seconds (``benchmarks/bench_teach.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.errors import check_choice
from paceqi.spcstats import rules as spc_rules
from paceqi.spcstats import spc
from paceqi.teach._checks import check_int, rng_from
from paceqi.teach.batch import SUPPORTED, batch_verdicts
from paceqi.teach.processes import Process, simulate_series

__all__ = [
    "RULE_SETS",
    "DEFAULT_CHART",
    "point_signals",
    "analyse_one",
    "detection_rates",
    "RuleComparison",
    "compare_rule_sets",
    "reveal",
    "runs_thresholds",
]

#: The rule sets of ``paceqi.spc`` (DESIGN.md "QI statistics").
RULE_SETS: tuple[str, ...] = ("ihi", "anhoej", "mdc")

#: The chart each rule set is usually applied to: IHI and Anhøj rules on a run chart (median),
#: Making Data Count on an XmR (I) chart (NHS England MDC; NHSRplotthedots).
DEFAULT_CHART: dict[str, str] = {"ihi": "run", "anhoej": "run", "mdc": "i"}

#: Point-level signal columns of ``res.points`` (DESIGN.md); missing ones count as False.
SIGNAL_COLUMNS: tuple[str, ...] = ("shift", "trend", "sigma_signal", "two_of_three")

#: Called with the share of the simulation done (0 to 1) while :func:`detection_rates` runs.
Progress = Callable[[float], None]


def point_signals(points: pd.DataFrame) -> np.ndarray:
    """Which points carry a special-cause signal.

    A point signals when any of ``shift, trend, sigma_signal, two_of_three`` is True, or its
    ``point_type`` is not ``common_cause``.

    Parameters
    ----------
    points : pandas.DataFrame
        ``res.points`` of an SPC result. Not modified.

    Returns
    -------
    numpy.ndarray
        Boolean, one per point.

    Examples
    --------
    >>> pts = pd.DataFrame({"shift": [False, True], "point_type": ["common_cause"] * 2})
    >>> point_signals(pts).tolist()
    [False, True]
    """
    flags = np.zeros(len(points), dtype=bool)
    for col in SIGNAL_COLUMNS:
        if col in points.columns:
            flags |= points[col].fillna(False).to_numpy(dtype=bool)
    if "point_type" in points.columns:
        pt = points["point_type"].astype("string").fillna("common_cause")
        flags |= (pt != "common_cause").to_numpy(dtype=bool)
    return flags


def _runs_signal(result: Any) -> bool:
    summary = getattr(result, "summary", None)
    if summary is None or "runs_signal" not in summary.columns:
        return False
    return bool(summary["runs_signal"].fillna(False).astype(bool).any())


def analyse_one(
    y: np.ndarray | Sequence[float],
    *,
    rules: str,
    chart: str | None = None,
    freeze: int | None = None,
) -> tuple[Any, np.ndarray, bool]:
    """Analyse one series and return the result, the point signals and the runs signal.

    Parameters
    ----------
    y : array-like
        The series.
    rules : str
        One of :data:`RULE_SETS`.
    chart : str, optional
        Chart type; defaults to :data:`DEFAULT_CHART` for the rule set.
    freeze : int, optional
        Baseline length passed to ``paceqi.spc``.

    Returns
    -------
    result, signals, runs_signal
        The analysis result, point signals (:func:`point_signals`) and whether the summary
        reports a runs signal.
    """
    check_choice("rules", rules, RULE_SETS)
    kwargs: dict[str, Any] = {"chart": chart or DEFAULT_CHART[rules], "rules": rules}
    if freeze is not None:
        kwargs["freeze"] = freeze
    result = spc(np.asarray(y, dtype=float), **kwargs)
    return result, point_signals(result.points), _runs_signal(result)


def _verdicts(
    series: np.ndarray, rules: str, chart: str, freeze: int
) -> tuple[np.ndarray, np.ndarray]:
    """Point signals (reps, points) and runs signals (reps,) of a batch of series."""
    if (rules, chart) in SUPPORTED:
        fast = batch_verdicts(series, rules=rules, chart=chart, freeze=freeze)
        points, runs, redo = fast.points.copy(), fast.runs.copy(), ~fast.exact
    else:
        points = np.zeros(series.shape, dtype=bool)
        runs = np.zeros(len(series), dtype=bool)
        redo = np.ones(len(series), dtype=bool)
    for i in np.flatnonzero(redo):
        _, points[i], runs[i] = analyse_one(series[i], rules=rules, chart=chart, freeze=freeze)
    return points, runs


def detection_rates(
    baselines: Sequence[int] = (8, 12, 20),
    shifts: Sequence[float] = (0.0, 1.0, 2.0),
    rules: Sequence[str] = RULE_SETS,
    *,
    n_after: int = 12,
    reps: int = 200,
    chart: str | None = None,
    trend: float = 0.0,
    seed: int | np.random.Generator | None = 2014,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Simulate false-alarm and detection rates by rule set, baseline length and shift size.

    Parameters
    ----------
    baselines : sequence of int
        Baseline lengths (points used for the centre line and limits; ``freeze``).
    shifts : sequence of float
        Shift sizes in standard deviations after the baseline; 0 gives the false-alarm rate.
    rules : sequence of str
        Rule sets to compare (see :data:`RULE_SETS`).
    n_after : int
        Points after the baseline (the monitoring period), at least 1.
    reps : int
        Simulated series per combination (each is analysed once per rule set).
    chart : str, optional
        Chart type for every rule set; by default :data:`DEFAULT_CHART`.
    trend : float
        Drift after the baseline in standard deviations per point (0 = a pure step).
    seed : int or numpy.random.Generator, optional
        Seed; the default makes the result reproducible.
    progress : callable, optional
        Called with the share done (0 to 1) after each baseline, shift and rule set, so a
        notebook can move a progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per ``rules, chart, baseline, shift``: ``reps``, ``kind`` (``false alarm``
        when shift and trend are 0, else ``detection``), ``signal_rate`` (share of series with
        a point signal after the baseline, or a runs signal), ``any_signal_rate`` (a signal
        anywhere, baseline included), ``runs_signal_rate``, ``median_first_flagged``
        (among series with a point signal after the baseline, the position after the baseline
        of the first flagged point, 1 = the first point after it; a shift or trend flags every
        point of its pattern, so this is where the detected pattern starts, not the point at
        which it became visible).

    Examples
    --------
    >>> r = detection_rates([12], [0.0, 3.0], ["mdc"], reps=200, seed=1)
    >>> bool(r["signal_rate"].iloc[1] > r["signal_rate"].iloc[0])
    True
    """
    baselines = [check_int("baseline", b, minimum=2) for b in baselines]
    n_after = check_int("n_after", n_after, minimum=1)
    reps = check_int("reps", reps, minimum=1)
    rules = [str(check_choice("rules", r, RULE_SETS)) for r in rules]
    rng = rng_from(seed)
    rows = []
    total = max(1, len(baselines) * len(shifts) * len(rules))
    for b in baselines:
        noise = rng.standard_normal((reps, b + n_after))  # shared by every shift and rule set
        for s in shifts:
            series = simulate_series(
                reps, b, n_after, shift=float(s), trend=trend, base_noise=noise
            )
            for r in rules:
                kind = chart or DEFAULT_CHART[r]
                points, runs = _verdicts(series, r, kind, b)
                after_hits = points[:, b:]
                flagged = after_hits.any(axis=1)
                first = np.where(flagged, after_hits.argmax(axis=1) + 1.0, np.nan)
                rows.append(
                    {
                        "rules": r,
                        "chart": kind,
                        "baseline": b,
                        "shift": float(s),
                        "reps": reps,
                        "kind": "false alarm" if s == 0 and trend == 0 else "detection",
                        "signal_rate": float((flagged | runs).mean()),
                        "any_signal_rate": float((points.any(axis=1) | runs).mean()),
                        "runs_signal_rate": float(runs.mean()),
                        "median_first_flagged": float(np.nanmedian(first))
                        if flagged.any()
                        else float("nan"),
                    }
                )
                if progress is not None:
                    progress(len(rows) / total)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class RuleComparison:
    """The same series analysed under several rule sets.

    Attributes
    ----------
    points : pandas.DataFrame
        Long: one row per rule set and point: ``rules, x, y, signal, shift, trend,
        sigma_signal, two_of_three, point_type, signal_reason`` (missing columns filled).
    summary : pandas.DataFrame
        One row per rule set: ``rules, chart, signal, runs_signal, signal_points,
        first_signal_x, reasons``.
    results : dict
        The analysis result of each rule set.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    results: dict[str, Any]


def compare_rule_sets(
    data: pd.DataFrame | Process,
    rules: Sequence[str] = RULE_SETS,
    *,
    freeze: int | None = None,
    chart: str | None = None,
) -> RuleComparison:
    """Analyse one series with each rule set: which rules fire, where and why.

    Parameters
    ----------
    data : pandas.DataFrame or Process
        Columns ``x, y`` (a :class:`~paceqi.teach.processes.Process` uses its ``data``).
        Not modified.
    rules : sequence of str
        Rule sets to compare.
    freeze : int, optional
        Baseline length for the centre line and limits (default: all points).
    chart : str, optional
        Chart type for every rule set (default :data:`DEFAULT_CHART`).

    Returns
    -------
    RuleComparison
    """
    frame = data.data if isinstance(data, Process) else data
    y = frame["y"].to_numpy(dtype=float)
    x = frame["x"].to_numpy() if "x" in frame.columns else np.arange(1, len(y) + 1)
    long, rows, results = [], [], {}
    for r in rules:
        res, sig, run = analyse_one(y, rules=r, chart=chart, freeze=freeze)
        results[r] = res
        pts = res.points
        part = pd.DataFrame({"rules": r, "x": x, "y": y, "signal": sig})
        for col in (*SIGNAL_COLUMNS, "point_type", "signal_reason"):
            default: object = False if col in SIGNAL_COLUMNS else None
            part[col] = pts[col].to_numpy() if col in pts.columns else default
        long.append(part)
        reasons = _summarise_reasons(part.loc[part["signal"], "signal_reason"])
        if run:
            reasons.append("runs signal (too few crossings / runs or a long run)")
        rows.append(
            {
                "rules": r,
                "chart": chart or DEFAULT_CHART[r],
                "signal": bool(sig.any()) or run,
                "runs_signal": run,
                "signal_points": int(sig.sum()),
                "first_signal_x": x[sig][0] if sig.any() else None,
                "reasons": "; ".join(reasons),
            }
        )
    return RuleComparison(
        points=pd.concat(long, ignore_index=True), summary=pd.DataFrame(rows), results=results
    )


_ORDINAL = re.compile(r"^\d+(st|nd|rd|th) point (in|of) (an? |the )?", re.IGNORECASE)


def _summarise_reasons(reasons: pd.Series) -> list[str]:
    """List unique reasons with their point counts ("run above the median (9 points)")."""
    counts: dict[str, int] = {}
    for text in reasons.dropna().astype(str):
        for part in text.split("; "):
            key = _ORDINAL.sub("", part.strip())
            if key:
                counts[key] = counts.get(key, 0) + 1
    return [f"{k} ({n} point{'s' if n != 1 else ''})" for k, n in counts.items()]


def reveal(process: Process, comparison: RuleComparison) -> pd.DataFrame:
    """Compare each rule set's verdict with the truth of a generated process.

    Parameters
    ----------
    process : Process
        The generated process (knows where the change starts).
    comparison : RuleComparison
        :func:`compare_rule_sets` of the same process.

    Returns
    -------
    pandas.DataFrame
        One row per rule set: ``rules, signal, first_signal_x, true_change_x, verdict``,
        verdict one of ``detected``, ``missed``, ``false alarm``, ``correctly quiet``.
        A signal only before the true change counts as a false alarm.
    """
    true_x = None
    if process.shift_start is not None:
        true_x = int(process.data["x"].iloc[process.shift_start])
    out = comparison.summary[["rules", "signal", "first_signal_x"]].copy()
    out["true_change_x"] = true_x
    pts = comparison.points
    verdicts = []
    for r, fired in zip(out["rules"], out["signal"], strict=True):
        if true_x is None:
            verdicts.append("false alarm" if fired else "correctly quiet")
            continue
        late = pts.loc[(pts["rules"] == r) & (pts["x"] >= true_x), "signal"].any()
        runs = bool(comparison.summary.set_index("rules").loc[r, "runs_signal"])
        if late or runs:
            verdicts.append("detected")
        else:
            verdicts.append("false alarm" if fired else "missed")
    out["verdict"] = verdicts
    return out


def runs_thresholds(n_useful: Sequence[int] = tuple(range(10, 42, 2))) -> pd.DataFrame:
    """Tabulate the critical values of the runs rules by number of useful points.

    The values come from the rules engine (``paceqi.spcstats.rules``), not from a typed-in table:
    Anhøj (Schilling 2012; Chen 2010) and the IHI too-few / too-many runs limits from the exact
    Swed–Eisenhart distribution for balanced halves (n1 = n // 2 points above the centre
    line).

    Parameters
    ----------
    n_useful : sequence of int
        Numbers of useful points (not on the centre line), each at least 1.

    Returns
    -------
    pandas.DataFrame
        ``n_useful``; ``anhoej_longest_run_max`` (a longer run signals);
        ``anhoej_crossings_min`` (fewer crossings signal); ``ihi_runs_low`` (this many runs
        or fewer signal) and ``ihi_runs_high`` (this many or more signal), NaN where no run
        count is unlikely enough.
    """
    rules = spc_rules
    rows = []
    for n in n_useful:
        n = check_int("n_useful", n, minimum=1)
        low, high = rules.swed_eisenhart_limits(n // 2, n - n // 2)
        rows.append(
            {
                "n_useful": n,
                "anhoej_longest_run_max": rules.anhoej_longest_run_max(n),
                "anhoej_crossings_min": rules.anhoej_crossings_min(n),
                "ihi_runs_low": low,
                "ihi_runs_high": high,
            }
        )
    return pd.DataFrame(rows)
