"""The verdicts of ``paceqi.spc`` for many simulated series at once (for the Monte Carlo).

:func:`paceqi.teach.detection.detection_rates` needs, for thousands of series, only *which
points signal* and *whether the runs analysis signals*. ``paceqi.spc`` answers that one series
at a time (about 7 ms each, most of it building the result tables), so the largest setting of
the *how many points* exercise (36 000 series) would take minutes. This module applies the same
rules, with the same constants and the same rule-engine functions for the thresholds, to a
``(reps, points)`` matrix in a few vectorised numpy operations.

It covers the three default pairs of :data:`paceqi.teach.detection.DEFAULT_CHART` with a frozen
baseline and no phases, exclusions or missing values:

* ``ihi`` on a run chart: 6-point shift (points on the median skipped), 5-point trend, too few
  or too many runs (Swed–Eisenhart limits, when at least 10 useful points);
* ``anhoej`` on a run chart: longest run longer than round(log2 n) + 3 (as a shift of that
  length plus one), too few crossings;
* ``mdc`` on an XmR (I) chart: beyond the limits (mean ± 2.66·screened MR-bar), 7 points on one
  side of the mean (a point on the mean breaks the run), a 7-point trend (an unchanged value
  breaks it) and 2 of 3 beyond 2 sigma on the same side.

A series this fast path cannot treat exactly as ``paceqi.spc`` does (tied consecutive values,
or a number of points on the centre line different from the other series') is marked in
``exact``; :func:`paceqi.teach.detection.detection_rates` analyses those with ``paceqi.spc``
itself. ``tests/test_teach_batch.py`` checks, series by series, that the verdicts agree with
``paceqi.spc`` for every rule set on shifted, trending and stable processes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceqi.constants import (
    IHI_RUN_SHIFT,
    IHI_RUN_TREND,
    MDC_SHIFT,
    MDC_TREND,
    MIN_USEFUL_FOR_RUNS,
    MR_SCREEN_FACTOR,
    SIGMA_LIMITS,
    SIGMA_WARNING,
    TWO_OF_THREE_NEED,
    TWO_OF_THREE_WINDOW,
    XMR_LIMIT_FACTOR_MDC,
)
from paceqi.spcstats import rules as engine

__all__ = ["SUPPORTED", "BatchVerdicts", "batch_verdicts"]

#: (rule set, chart) pairs handled here; any other pair goes to ``paceqi.spc`` one by one.
SUPPORTED: frozenset[tuple[str, str]] = frozenset({("ihi", "run"), ("anhoej", "run"), ("mdc", "i")})


@dataclass(frozen=True)
class BatchVerdicts:
    """Signals of every series of a batch.

    Attributes
    ----------
    points : numpy.ndarray of bool, shape (reps, points)
        The point signals a special cause (shift, trend, beyond the limits or 2 of 3).
    runs : numpy.ndarray of bool, shape (reps,)
        The runs analysis signals (``summary.runs_signal``).
    exact : numpy.ndarray of bool, shape (reps,)
        The row was analysed exactly as ``paceqi.spc`` does; False rows must be re-analysed.
    """

    points: np.ndarray
    runs: np.ndarray
    exact: np.ndarray


def _run_lengths(values: np.ndarray) -> np.ndarray:
    """Length of the run of equal consecutive values each element belongs to, row by row."""
    reps, m = values.shape
    start = np.ones((reps, m), dtype=bool)
    start[:, 1:] = values[:, 1:] != values[:, :-1]
    ids = np.cumsum(start.ravel()) - 1  # a new run at every row start, too
    counts = np.bincount(ids)
    return counts[ids].reshape(reps, m)


def _moves_flags(y: np.ndarray, length: int) -> np.ndarray:
    """Points in a rising or falling sequence of ``length`` points (an unchanged value breaks)."""
    d = np.sign(np.diff(y, axis=1))
    lens = _run_lengths(d)
    hit = (d != 0) & (lens >= length - 1)
    flags = np.zeros(y.shape, dtype=bool)
    flags[:, 1:] |= hit
    flags[:, :-1] |= hit
    return flags


def _compact(side: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Drop the points on the line (side 0) when every row has the same number of them."""
    keep = side != 0
    k = keep.sum(axis=1)
    if k.size and (k != k[0]).any():
        return None
    cols = np.nonzero(keep)[1].reshape(len(side), -1)
    return side[keep].reshape(len(side), -1), cols, keep


def _scatter(flags: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=bool)
    np.put_along_axis(out, cols, flags, axis=1)
    return out


def _runs_stats(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """n_above, n_runs, longest run per row of a compacted ±1 matrix."""
    n_runs = 1 + (s[:, 1:] != s[:, :-1]).sum(axis=1) if s.shape[1] else np.zeros(len(s), int)
    longest = _run_lengths(s).max(axis=1) if s.shape[1] else np.zeros(len(s), int)
    return (s > 0).sum(axis=1), n_runs, longest, np.full(len(s), s.shape[1])


def _run_chart(y: np.ndarray, freeze: int, rules: str) -> BatchVerdicts:
    reps, m = y.shape
    cl = np.median(y[:, :freeze], axis=1, keepdims=True)
    side = np.sign(y - cl)
    exact = np.ones(reps, dtype=bool)
    packed = _compact(side)
    if packed is None:  # rows differ in points on the median: leave them all to paceqi.spc
        return BatchVerdicts(np.zeros((reps, m), bool), np.zeros(reps, bool), ~exact)
    s, cols, _ = packed
    n_above, n_runs, longest, n_useful = _runs_stats(s)
    lens = _run_lengths(s)
    n = int(n_useful[0]) if reps else 0
    if rules == "ihi":
        shift = lens >= IHI_RUN_SHIFT
        ties = (np.diff(y, axis=1) == 0).any(axis=1)  # IHI counts tied values once: not here
        exact &= ~ties
        points = _scatter(shift, cols, (reps, m)) | _moves_flags(y, IHI_RUN_TREND)
        runs = np.zeros(reps, dtype=bool)
        if n >= MIN_USEFUL_FOR_RUNS:
            for above in np.unique(n_above):
                low, high = engine.swed_eisenhart_limits(int(above), n - int(above))
                rows = n_above == above
                runs[rows] = (n_runs[rows] <= low) | (n_runs[rows] >= high)
        return BatchVerdicts(points, runs, exact)
    # anhoej: a run longer than the limit flags its points; the runs analysis adds crossings
    if n == 0:
        return BatchVerdicts(np.zeros((reps, m), bool), np.zeros(reps, bool), exact)
    lmax = engine.anhoej_longest_run_max(n)
    cmin = engine.anhoej_crossings_min(n)
    points = _scatter(lens >= lmax + 1, cols, (reps, m))
    runs = (longest > lmax) | (n_runs - 1 < cmin)
    return BatchVerdicts(points, runs, exact)


def _i_chart_mdc(y: np.ndarray, freeze: int) -> BatchVerdicts:
    reps, m = y.shape
    base = y[:, :freeze]
    cl = base.mean(axis=1, keepdims=True)
    mr = np.abs(np.diff(base, axis=1))
    amr = mr.mean(axis=1, keepdims=True)
    screened = np.where(mr < MR_SCREEN_FACTOR * amr, mr, np.nan)
    with np.errstate(invalid="ignore"):
        amr = np.where(amr > 0, np.nanmean(screened, axis=1, keepdims=True), amr)
    sigma = XMR_LIMIT_FACTOR_MDC * amr / SIGMA_LIMITS
    side = np.sign(y - cl)
    beyond3 = (y > cl + SIGMA_LIMITS * sigma) | (y < cl - SIGMA_LIMITS * sigma)
    beyond2 = {1: y > cl + SIGMA_WARNING * sigma, -1: y < cl - SIGMA_WARNING * sigma}
    shift = (side != 0) & (_run_lengths(side) >= MDC_SHIFT)
    trend = _moves_flags(y, MDC_TREND)
    w = TWO_OF_THREE_WINDOW
    two = np.zeros((reps, m), dtype=bool)
    if m >= w:
        for sign in (1, -1):
            close = beyond2[sign].astype(int)
            same = (side == sign).astype(int)
            windows = np.lib.stride_tricks.sliding_window_view
            hit = (windows(close, w, axis=1).sum(axis=2) >= TWO_OF_THREE_NEED) & (
                windows(same, w, axis=1).sum(axis=2) == w
            )
            inwin = np.zeros((reps, m), dtype=bool)
            for offset in range(w):
                inwin[:, offset : offset + hit.shape[1]] |= hit
            two |= inwin & close.astype(bool)
    exact = ~(amr[:, 0] == 0) & np.isfinite(sigma[:, 0])
    return BatchVerdicts(beyond3 | shift | trend | two, np.zeros(reps, dtype=bool), exact)


def batch_verdicts(y: np.ndarray, *, rules: str, chart: str, freeze: int) -> BatchVerdicts:
    """Point and runs signals of each row of ``y`` as ``paceqi.spc`` would give them.

    Parameters
    ----------
    y : numpy.ndarray, shape (reps, points)
        One series per row, no missing values. Not modified.
    rules, chart : str
        A pair of :data:`SUPPORTED`.
    freeze : int
        Baseline length (leading points used for the centre line and limits), 2 or more.

    Returns
    -------
    BatchVerdicts

    Raises
    ------
    ValueError
        For an unsupported pair or an array with missing values.

    Examples
    --------
    >>> y = np.r_[np.arange(8) % 2 + np.arange(8) / 100, 5 + np.arange(7) / 100][None, :]
    >>> v = batch_verdicts(y, rules="anhoej", chart="run", freeze=8)
    >>> bool(v.points[0, 8:].all()), bool(v.runs[0]), bool(v.exact[0])
    (True, True, True)
    """
    if (rules, chart) not in SUPPORTED:
        raise ValueError(f"batch_verdicts does not handle rules={rules!r} on chart={chart!r}")
    y = np.asarray(y, dtype=float)
    if y.ndim != 2 or np.isnan(y).any():
        raise ValueError("y must be a 2-D array without missing values")
    if chart == "run":
        return _run_chart(y, freeze, rules)
    return _i_chart_mdc(y, freeze)
