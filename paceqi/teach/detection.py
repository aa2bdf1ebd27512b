"""False alarms and detection: how often each rule set signals, with and without a real shift.

Monte Carlo: simulate many processes with a baseline of ``n_baseline`` points followed by
``n_after`` points whose mean has moved by ``shift`` standard deviations, analyse each with
``paceqi.spc(y, chart=..., rules=..., freeze=n_baseline)`` and count the series with a signal.
With ``shift == 0`` that count is the false-alarm rate; otherwise it is the detection rate.

The analysis function is injectable (``analyse=``, default ``paceqi.spc`` imported when
called), so the simulation can be tested with a simple rule and reused with any engine that
follows the DESIGN.md contract: ``res.points`` with ``shift, trend, sigma_signal,
point_type`` (``two_of_three`` and ``signal_reason`` when present) and ``res.summary`` with
``runs_signal``.

The series are generated in one vectorised draw per baseline length, and the same random
numbers are reused for every shift size and rule set (common random numbers), so the
differences between rule sets are not blurred by different noise. The analysis is called
once per series (the rules engine works on one series at a time), so keep ``reps`` modest
(the default 200 gives a standard error of at most 3.5 percentage points).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.teach._checks import check_choice, check_int, rng_from
from paceqi.teach._spc import default_analyse
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

Analyse = Callable[..., Any]


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
    analyse: Analyse | None = None,
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
        Baseline length passed to the analysis.
    analyse : callable, optional
        Analysis function (default ``paceqi.spc``).

    Returns
    -------
    result, signals, runs_signal
        The analysis result, point signals (:func:`point_signals`) and whether the summary
        reports a runs signal.
    """
    check_choice("rules", rules, RULE_SETS)
    fn = default_analyse() if analyse is None else analyse
    kwargs: dict[str, Any] = {"chart": chart or DEFAULT_CHART[rules], "rules": rules}
    if freeze is not None:
        kwargs["freeze"] = freeze
    result = fn(np.asarray(y, dtype=float), **kwargs)
    return result, point_signals(result.points), _runs_signal(result)


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
    analyse: Analyse | None = None,
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
    analyse : callable, optional
        Analysis function with the signature of ``paceqi.spc`` (default ``paceqi.spc``).

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
    """
    baselines = [check_int("baseline", b, minimum=2) for b in baselines]
    n_after = check_int("n_after", n_after, minimum=1)
    reps = check_int("reps", reps, minimum=1)
    rules = [str(check_choice("rules", r, RULE_SETS)) for r in rules]
    fn = default_analyse() if analyse is None else analyse
    rng = rng_from(seed)
    rows = []
    for b in baselines:
        noise = rng.standard_normal((reps, b + n_after))  # shared by every shift and rule set
        for s in shifts:
            series = simulate_series(
                reps, b, n_after, shift=float(s), trend=trend, base_noise=noise
            )
            for r in rules:
                after = np.zeros(reps, dtype=bool)
                anywhere = np.zeros(reps, dtype=bool)
                runs = np.zeros(reps, dtype=bool)
                delay = np.full(reps, np.nan)
                for i in range(reps):
                    _, sig, run = analyse_one(series[i], rules=r, chart=chart, freeze=b, analyse=fn)
                    hits = np.flatnonzero(sig[b:])
                    after[i] = hits.size > 0 or run
                    anywhere[i] = bool(sig.any()) or run
                    runs[i] = run
                    if hits.size:
                        delay[i] = hits[0] + 1
                rows.append(
                    {
                        "rules": r,
                        "chart": chart or DEFAULT_CHART[r],
                        "baseline": b,
                        "shift": float(s),
                        "reps": reps,
                        "kind": "false alarm" if s == 0 and trend == 0 else "detection",
                        "signal_rate": float(after.mean()),
                        "any_signal_rate": float(anywhere.mean()),
                        "runs_signal_rate": float(runs.mean()),
                        "median_first_flagged": float(np.nanmedian(delay))
                        if np.isfinite(delay).any()
                        else float("nan"),
                    }
                )
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
    analyse: Analyse | None = None,
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
    analyse : callable, optional
        Analysis function (default ``paceqi.spc``).

    Returns
    -------
    RuleComparison
    """
    frame = data.data if isinstance(data, Process) else data
    fn = default_analyse() if analyse is None else analyse
    y = frame["y"].to_numpy(dtype=float)
    x = frame["x"].to_numpy() if "x" in frame.columns else np.arange(1, len(y) + 1)
    long, rows, results = [], [], {}
    for r in rules:
        res, sig, run = analyse_one(y, rules=r, chart=chart, freeze=freeze, analyse=fn)
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

    The values come from the rules engine (``paceqi.spc.rules``), not from a typed-in table:
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
    rules = importlib.import_module("paceqi.spc.rules")
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
