"""Special-cause and run-chart rules as vector-in, vector-out functions.

Every function takes numpy arrays for one phase and returns arrays of the same length; none
loops over points in Python (run lengths come from ``diff`` / ``cumsum``). Points that must be
*skipped* (missing values, exclusions) are marked with ``NaN`` in the input and are left out of
the pattern: they neither make nor break it, and are never flagged.

The rule lengths and thresholds live in :mod:`paceqi.constants`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import comb, lgamma

import numpy as np

from paceqi.constants import (
    ANHOEJ_CROSSINGS_ALPHA,
    ANHOEJ_LONGEST_RUN_OFFSET,
    RUNS_TEST_ALPHA,
    TWO_OF_THREE_NEED,
    TWO_OF_THREE_WINDOW,
)

__all__ = [
    "RunInfo",
    "TrendInfo",
    "RunsStats",
    "run_lengths",
    "backfill",
    "shift",
    "trend",
    "two_of_three",
    "two_in_three_windows",
    "outside_limits",
    "hugging",
    "runs_stats",
    "anhoej_longest_run_max",
    "anhoej_crossings_min",
    "swed_eisenhart_limits",
    "runs_distribution",
]


@dataclass(frozen=True)
class RunInfo:
    """Result of :func:`shift`: one entry per input point.

    Attributes
    ----------
    flag : numpy.ndarray of bool
        The point belongs to a run of at least the required length.
    position : numpy.ndarray of int
        1-based position of the point within its run (0 for skipped points).
    length : numpy.ndarray of int
        Length of the run the point belongs to (0 for skipped points).
    side : numpy.ndarray of int
        +1 above, -1 below, 0 on the line or skipped.
    """

    flag: np.ndarray
    position: np.ndarray
    length: np.ndarray
    side: np.ndarray


@dataclass(frozen=True)
class TrendInfo:
    """Result of :func:`trend`: rising and falling flags and the trend length per point."""

    up: np.ndarray
    down: np.ndarray
    up_length: np.ndarray
    down_length: np.ndarray


@dataclass(frozen=True)
class RunsStats:
    """Runs statistics of one phase (points on the centre line and skipped points left out)."""

    n_useful: int
    n_above: int
    n_below: int
    longest_run: int
    n_runs: int
    n_crossings: int


def run_lengths(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position within, and length of, the run of equal values each element belongs to.

    Parameters
    ----------
    values : numpy.ndarray
        Any 1-D array; consecutive equal elements form a run.

    Returns
    -------
    position, length : numpy.ndarray of int
        1-based position of each element in its run, and the run's length.

    Examples
    --------
    >>> pos, length = run_lengths(np.array([1, 1, -1, 1, 1, 1]))
    >>> pos.tolist(), length.tolist()
    ([1, 2, 1, 1, 2, 3], [2, 2, 1, 3, 3, 3])
    """
    values = np.asarray(values)
    starts, lengths = _runs(values)
    if starts.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    position = np.arange(values.size) - np.repeat(starts, lengths) + 1
    return position, np.repeat(lengths, lengths)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of every run of equal consecutive values."""
    n = values.size
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    return starts, np.diff(np.append(starts, n))


def backfill(completing: np.ndarray, length: int) -> np.ndarray:
    """Flag each completing point and the ``length - 1`` points before it.

    This is NHSRplotthedots' ``ptd_part_of_seven`` generalised to any length.

    Examples
    --------
    >>> backfill(np.array([0, 0, 0, 1, 0], dtype=bool), 3).astype(int).tolist()
    [0, 1, 1, 1, 0]
    """
    completing = np.asarray(completing, dtype=bool)
    n = completing.size
    marks = np.zeros(n + 1, dtype=np.int64)
    idx = np.flatnonzero(completing)
    np.add.at(marks, np.maximum(idx - length + 1, 0), 1)
    np.add.at(marks, idx + 1, -1)
    return np.cumsum(marks[:n]) > 0


def _scatter(n: int, keep: np.ndarray, values: np.ndarray, fill: object = 0) -> np.ndarray:
    out = np.full(n, fill, dtype=values.dtype)
    out[keep] = values
    return out


def shift(side: np.ndarray, length: int, *, on_line_breaks: bool = False) -> RunInfo:
    """Find runs of consecutive points on one side of the centre line.

    Parameters
    ----------
    side : numpy.ndarray of float
        ``sign(y - cl)``: +1 above, -1 below, 0 on the line, ``NaN`` for a skipped point
        (missing value or exclusion: neither makes nor breaks a run).
    length : int
        Minimum run length that signals (e.g. :data:`paceqi.constants.IHI_RUN_SHIFT`).
    on_line_breaks : bool, default False
        False (IHI, Health Care Data Guide, Anhøj): a point on the line is skipped like a
        missing value. True (Making Data Count, NHSRplotthedots): a point exactly on the line
        breaks the run.

    Returns
    -------
    RunInfo
        ``flag`` marks every point of every run of ``length`` or more (not only the last).

    Examples
    --------
    >>> info = shift(np.array([1, 1, 0, 1, -1, -1]), 3)
    >>> info.flag.astype(int).tolist()
    [1, 1, 0, 1, 0, 0]
    >>> shift(np.array([1, 1, 0, 1, -1, -1]), 3, on_line_breaks=True).flag.any()
    np.False_
    """
    side = np.asarray(side, dtype=float)
    n = side.size
    keep = ~np.isnan(side) if on_line_breaks else ~np.isnan(side) & (side != 0)
    s = side[keep]
    pos, lens = run_lengths(s)
    flag = (s != 0) & (lens >= length)
    zeros = np.zeros(n, dtype=np.int64)
    position = zeros.copy()
    run_len = zeros.copy()
    position[keep] = np.where(s != 0, pos, 0)
    run_len[keep] = np.where(s != 0, lens, 0)
    sides = np.zeros(n, dtype=np.int64)
    sides[keep] = s.astype(np.int64)
    return RunInfo(
        flag=_scatter(n, keep, flag, False),
        position=position,
        length=run_len,
        side=sides,
    )


def _monotone_flags(values: np.ndarray, length: int) -> tuple[np.ndarray, ...]:
    """Rising/falling flags and lengths for a gap-free sequence; a zero difference breaks."""
    m = values.size
    up = np.zeros(m, dtype=bool)
    down = np.zeros(m, dtype=bool)
    up_len = np.zeros(m, dtype=np.int64)
    down_len = np.zeros(m, dtype=np.int64)
    if m < 2:
        return up, down, up_len, down_len
    d = np.sign(np.diff(values))
    _, dlen = run_lengths(d)
    need = length - 1  # a trend of `length` points has `length - 1` moves
    for sign, flags, lens in ((1, up, up_len), (-1, down, down_len)):
        hit = (d == sign) & (dlen >= need)
        tl = np.where(hit, dlen + 1, 0)
        # a point is in the trend when the move into it or the move out of it is
        flags[1:] |= hit
        flags[:-1] |= hit
        lens[1:] = np.maximum(lens[1:], tl)
        lens[:-1] = np.maximum(lens[:-1], tl)
    return up, down, up_len, down_len


def trend(y: np.ndarray, length: int, *, ties_break: bool = False) -> TrendInfo:
    """Find runs of consecutive increases or decreases.

    Parameters
    ----------
    y : numpy.ndarray of float
        Values; ``NaN`` marks a skipped point (missing or excluded).
    length : int
        Number of points (not moves) that make a trend, e.g.
        :data:`paceqi.constants.IHI_RUN_TREND`.
    ties_break : bool, default False
        False (IHI, Perla 2011): "if two or more successive values are equal, count only one of
        them" - like values neither make nor break a trend, and all of them are flagged when
        inside a trend. True (Making Data Count, NHSRplotthedots, PowerBI-SPC): an unchanged
        value ends the trend.

    Returns
    -------
    TrendInfo
        ``up``/``down`` flag every point of a rising/falling trend; ``*_length`` give the number
        of points in it (counting tied values once).

    Examples
    --------
    >>> t = trend(np.array([1, 2, 2, 3, 4, 5, 3.0]), 5)
    >>> t.up.astype(int).tolist(), t.up_length.max().item()
    ([1, 1, 1, 1, 1, 1, 0], 5)
    >>> trend(np.array([1, 2, 2, 3, 4, 5, 3.0]), 5, ties_break=True).up.any()
    np.False_
    """
    y = np.asarray(y, dtype=float)
    n = y.size
    keep = ~np.isnan(y)
    v = y[keep]
    if ties_break:
        up, down, up_len, down_len = _monotone_flags(v, length)
    else:
        first = np.ones(v.size, dtype=bool)
        if v.size:
            np.not_equal(v[1:], v[:-1], out=first[1:])
        group = np.cumsum(first) - 1
        flags = _monotone_flags(v[first], length)
        up, down, up_len, down_len = (f[group] for f in flags)
    return TrendInfo(
        up=_scatter(n, keep, up, False),
        down=_scatter(n, keep, down, False),
        up_length=_scatter(n, keep, up_len, 0),
        down_length=_scatter(n, keep, down_len, 0),
    )


def _window_hits(hit: np.ndarray, width: int) -> np.ndarray:
    """Mark every point that lies in at least one window (of ``width`` points) that hit."""
    m = hit.size + width - 1
    out = np.zeros(m, dtype=bool)
    for offset in range(width):
        out[offset : offset + hit.size] |= hit
    return out


def _window_sum(a: np.ndarray, width: int) -> np.ndarray:
    c = np.concatenate(([0], np.cumsum(a, dtype=np.int64)))
    return c[width:] - c[:-width]


def two_in_three_windows(close: np.ndarray, rtm: np.ndarray) -> np.ndarray:
    """NHSRplotthedots' ``ptd_two_in_three``: points in a 3-window with >= 2 close and one side.

    Parameters
    ----------
    close : numpy.ndarray of bool
        The point lies beyond a 2-sigma line.
    rtm : numpy.ndarray of int
        Side of the mean (+1, -1, 0).

    Returns
    -------
    numpy.ndarray of bool
        Every point of every 3-point window holding at least two close points and whose three
        points all lie on the same side of the mean. Combine with ``close`` to flag only the
        close points (``ptd_part_of_two_in_three``).

    Examples
    --------
    >>> two_in_three_windows(np.array([1, 0, 1]), np.array([1, 1, 1])).astype(int).tolist()
    [1, 1, 1]
    """
    close = np.asarray(close).astype(np.int64)
    rtm = np.asarray(rtm).astype(np.int64)
    w = TWO_OF_THREE_WINDOW
    if close.size < w:
        return np.zeros(close.size, dtype=bool)
    hit = (_window_sum(close, w) >= TWO_OF_THREE_NEED) & (np.abs(_window_sum(rtm, w)) == w)
    return _window_hits(hit, w)


def two_of_three(
    beyond: np.ndarray, rtm: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two (or three) of three consecutive points beyond the same 2-sigma line.

    Parameters
    ----------
    beyond : numpy.ndarray of float
        +1 beyond the upper 2-sigma line, -1 beyond the lower one, 0 inside, ``NaN`` skipped.
        Points beyond 3 sigma count as beyond 2 sigma (Western Electric, Health Care Data Guide
        and the 2023 Making Data Count change).
    rtm : numpy.ndarray of float, optional
        Side of the centre line of every point. When given (Making Data Count) the rule also
        needs all three points of the window on the same side; when None (Health Care Data
        Guide) the third point may lie anywhere.

    Returns
    -------
    upper, lower : numpy.ndarray of bool
        The points beyond the upper (lower) 2-sigma line that make a pattern. Only points
        beyond the line are flagged, never the third point of the window.

    Examples
    --------
    >>> up, low = two_of_three(np.array([1, 0, 1, 0, 0.0]))
    >>> up.astype(int).tolist(), low.any()
    ([1, 0, 1, 0, 0], np.False_)
    """
    beyond = np.asarray(beyond, dtype=float)
    n = beyond.size
    keep = ~np.isnan(beyond)
    if rtm is not None:
        keep &= ~np.isnan(np.asarray(rtm, dtype=float))
    b = beyond[keep]
    w = TWO_OF_THREE_WINDOW
    out = []
    for sign in (1, -1):
        c = b == sign
        if b.size < w:
            flags = np.zeros(b.size, dtype=bool)
        else:
            hit = _window_sum(c, w) >= TWO_OF_THREE_NEED
            if rtm is not None:
                r = np.asarray(rtm, dtype=float)[keep] == sign
                hit &= _window_sum(r, w) == w
            flags = _window_hits(hit, w) & c
        out.append(_scatter(n, keep, flags, False))
    return out[0], out[1]


def outside_limits(y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray) -> np.ndarray:
    """+1 above the upper limit, -1 below the lower limit (strict), else 0; NaN never signals.

    Examples
    --------
    >>> outside_limits(np.array([0.0, 5, -5, 3]), np.full(4, -3.0), np.full(4, 3.0)).tolist()
    [0, 1, -1, 0]
    """
    y = np.asarray(y, dtype=float)
    with np.errstate(invalid="ignore"):
        above = y > np.asarray(ucl, dtype=float)
        below = y < np.asarray(lcl, dtype=float)
    return above.astype(np.int64) - below.astype(np.int64)


def hugging(inside: np.ndarray, length: int) -> np.ndarray:
    """Flag runs of ``length`` or more consecutive points inside the 1-sigma band.

    Parameters
    ----------
    inside : numpy.ndarray of float
        1 inside the band, 0 outside, ``NaN`` skipped.
    length : int
        e.g. :data:`paceqi.constants.HCDG_HUGGING`.

    Examples
    --------
    >>> hugging(np.array([1, 1, np.nan, 1, 0]), 3).astype(int).tolist()
    [1, 1, 0, 1, 0]
    """
    inside = np.asarray(inside, dtype=float)
    keep = ~np.isnan(inside)
    v = inside[keep]
    _, lens = run_lengths(v)
    return _scatter(inside.size, keep, (v == 1) & (lens >= length), False)


def runs_stats(side: np.ndarray) -> RunsStats:
    """Count useful observations, the longest run, runs and crossings of one phase.

    Points on the centre line (0) and skipped points (``NaN``) are left out, as in Perla 2011
    and qicharts2's ``runs.analysis``.

    Examples
    --------
    >>> runs_stats(np.array([1, 1, 0, -1, np.nan, 1]))
    RunsStats(n_useful=4, n_above=3, n_below=1, longest_run=2, n_runs=3, n_crossings=2)
    """
    side = np.asarray(side, dtype=float)
    s = side[~np.isnan(side) & (side != 0)]
    n = int(s.size)
    if n == 0:
        return RunsStats(0, 0, 0, 0, 0, 0)
    _, lens = _runs(s)
    above = int(np.count_nonzero(s > 0))
    return RunsStats(n, above, n - above, int(lens.max()), int(lens.size), int(lens.size) - 1)


def anhoej_longest_run_max(n_useful: int) -> float:
    """Longest run expected by chance: ``round(log2(n_useful)) + 3`` (Schilling 2012).

    Returns NaN when there are no useful observations.

    Examples
    --------
    >>> anhoej_longest_run_max(24)
    8
    """
    if n_useful < 1:
        return float("nan")
    return int(np.round(np.log2(n_useful))) + ANHOEJ_LONGEST_RUN_OFFSET


@lru_cache(maxsize=4096)
def anhoej_crossings_min(n_useful: int) -> float:
    """Fewest crossings expected by chance: the 5 % quantile of Binomial(n_useful - 1, 1/2).

    Computed exactly (smallest c with P(X <= c) >= 0.05, R's ``qbinom``); Chen 2010.

    Examples
    --------
    >>> anhoej_crossings_min(24)
    8
    """
    if n_useful < 1:
        return float("nan")
    m = n_useful - 1
    if m > 1000:
        return _binom_quantile_large(m, ANHOEJ_CROSSINGS_ALPHA)
    alpha = Fraction(ANHOEJ_CROSSINGS_ALPHA).limit_denominator(10**6)
    total = 2**m
    cum = 0
    for c in range(m + 1):
        cum += comb(m, c)
        if cum >= alpha * total:
            return c
    return m  # pragma: no cover - the loop always returns


def _binom_quantile_large(m: int, alpha: float) -> int:
    """Smallest c with P(X <= c) >= alpha, X ~ Binomial(m, 1/2), for large m.

    Starts from the normal approximation and steps with the exact CDF (a handful of calls,
    whereas ``scipy.stats.binom.ppf`` searches slowly for m near 10^6 and scipy.stats is
    slow to import).
    """
    from scipy.special import bdtr, ndtri  # binomial CDF and normal quantile

    c = int(np.floor(m / 2 + ndtri(alpha) * np.sqrt(m) / 2))
    while bdtr(c, m, 0.5) < alpha:
        c += 1
    while c > 0 and bdtr(c - 1, m, 0.5) >= alpha:
        c -= 1
    return c


def runs_distribution(n1: int, n2: int) -> tuple[np.ndarray, list[int], int]:
    """Exact distribution of the number of runs for n1 points above and n2 below.

    Returns the possible run counts ``r = 2 .. n1+n2``, the number of arrangements giving each
    (Python ints, exact) and the total number of arrangements C(n1+n2, n1); Swed & Eisenhart 1943.

    Examples
    --------
    >>> r, ways, total = runs_distribution(2, 2)
    >>> r.tolist(), ways, total
    ([2, 3, 4], [2, 2, 2], 6)
    """
    r = np.arange(2, n1 + n2 + 1)
    ways = []
    for runs in r.tolist():
        k, odd = divmod(runs, 2)
        if odd:
            w = comb(n1 - 1, k) * comb(n2 - 1, k - 1) + comb(n1 - 1, k - 1) * comb(n2 - 1, k)
        else:
            w = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        ways.append(w)
    return r, ways, comb(n1 + n2, n1)


def _log_comb(a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
    from scipy.special import gammaln

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = (b >= 0) & (b <= a)
    with np.errstate(invalid="ignore"):
        out = gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)
    return np.where(ok, out, -np.inf)


def _limits_log_space(n1: int, n2: int, alpha: float) -> tuple[float, float]:
    """Compute the runs limits with log-gamma for large counts (> EXACT_MAX)."""
    n = n1 + n2
    mean = 2 * n1 * n2 / n + 1
    sd = np.sqrt(2 * n1 * n2 * (2 * n1 * n2 - n) / (n**2 * (n - 1)))
    # only mean ± 12 sd: the mass outside is below 1e-30, far from the alpha boundary
    lo_r = max(2, int(mean - 12 * sd))
    hi_r = min(2 * min(n1, n2) + 1, int(mean + 12 * sd) + 1)
    r = np.arange(lo_r, hi_r + 1)
    k = r // 2
    odd = (r % 2).astype(bool)
    even_w = np.log(2.0) + _log_comb(n1 - 1, k - 1) + _log_comb(n2 - 1, k - 1)
    a = _log_comb(n1 - 1, k) + _log_comb(n2 - 1, k - 1)
    b = _log_comb(n1 - 1, k - 1) + _log_comb(n2 - 1, k)
    odd_w = np.logaddexp(a, b)
    logp = np.where(odd, odd_w, even_w) - (lgamma(n1 + n2 + 1) - lgamma(n1 + 1) - lgamma(n2 + 1))
    p = np.exp(logp)
    lower = np.cumsum(p)
    upper = np.cumsum(p[::-1])[::-1]
    lo = r[lower <= alpha]
    hi = r[upper <= alpha]
    return (
        float(lo.max()) if lo.size else float("nan"),
        float(hi.min()) if hi.size else float("nan"),
    )


#: Above this many useful points the runs limits are computed in log space (float) instead of
#: with exact integers; the two agree on every n up to this size (tested).
EXACT_MAX = 600


@lru_cache(maxsize=4096)
def swed_eisenhart_limits(n1: int, n2: int, alpha: float = RUNS_TEST_ALPHA) -> tuple[float, float]:
    """Too-few / too-many runs limits from the exact runs distribution.

    Parameters
    ----------
    n1, n2 : int
        Useful points above and below the centre line.
    alpha : float
        One-sided risk, :data:`paceqi.constants.RUNS_TEST_ALPHA`.

    Returns
    -------
    low, high : float
        ``low`` is the largest r with P(R <= r) <= alpha (too few runs if n_runs <= low);
        ``high`` the smallest r with P(R >= r) <= alpha (too many if n_runs >= high). NaN when
        no attainable r qualifies (for example when every point is on one side, or too few
        points for any run count to be that unlikely).

    Examples
    --------
    >>> swed_eisenhart_limits(10, 10)
    (6.0, 16.0)
    >>> swed_eisenhart_limits(12, 12)
    (8.0, 18.0)
    """
    if n1 < 1 or n2 < 1:
        return float("nan"), float("nan")
    if n1 + n2 > EXACT_MAX:
        return _limits_log_space(n1, n2, alpha)
    r, ways, total = runs_distribution(n1, n2)
    attainable = 2 * min(n1, n2) + (n1 != n2)  # more runs than this cannot happen
    ways = ways[: attainable - 1]
    r = r[: attainable - 1]
    a = Fraction(alpha).limit_denominator(10**6)
    low = high = float("nan")
    cum = 0
    for runs, w in zip(r.tolist(), ways, strict=True):
        cum += w
        if cum <= a * total:
            low = float(runs)
        else:
            break
    cum = 0
    for runs, w in zip(reversed(r.tolist()), reversed(ways), strict=True):
        cum += w
        if cum <= a * total:
            high = float(runs)
        else:
            break
    return low, high
