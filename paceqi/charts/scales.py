"""Axis scales for charts drawn straight to SVG: round-number ticks and month/year date ticks.

Examples
--------
>>> nice_ticks(3, 97)
[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
>>> [label for _, label in date_ticks(pd.Timestamp("2016-01-01"), pd.Timestamp("2017-12-01"))]
['Jan 2016', 'Jul', 'Jan 2017', 'Jul']
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["nice_ticks", "date_ticks", "LinearScale"]

#: Month steps a date axis may use, smallest first.
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Return round-number ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering ``lo..hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi - lo < 1e-12:
        lo, hi = lo - (abs(lo) * 0.1 or 1), hi + (abs(hi) * 0.1 or 1)
    raw = (hi - lo) / max(most - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    n = int(round((last - first) / step))
    return [float(round(first + i * step, 10)) for i in range(n + 1)]


def date_ticks(lo: pd.Timestamp, hi: pd.Timestamp, most: int = 7) -> list[tuple[pd.Timestamp, str]]:
    """Month-start ticks between ``lo`` and ``hi``: "Jan 2017" at each year, else the month.

    With steps of a year or more only the year is written.
    """
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in _MONTH_STEPS if months / s <= most), _MONTH_STEPS[-1])
    start = pd.Timestamp(lo.year, lo.month, 1)
    if start < lo:
        start += pd.DateOffset(months=1)
    # Align to the step (January-based) so ticks fall on Jan/Apr/Jul/Oct and the like.
    shift = (-(start.month - 1)) % step if step <= 12 else (-(start.month - 1)) % 12
    start += pd.DateOffset(months=shift)
    if step > 12:
        years = step // 12
        start += pd.DateOffset(years=(-start.year) % years)
    out: list[tuple[pd.Timestamp, str]] = []
    t = start
    while t <= hi:
        if step >= 12:
            label = str(t.year)
        else:
            label = t.strftime("%b %Y") if t.month == 1 or not out else t.strftime("%b")
        out.append((t, label))
        t += pd.DateOffset(months=step)
    return out


class LinearScale:
    """Map data values ``d0..d1`` onto ``r0..r1`` (dates as nanoseconds)."""

    def __init__(self, d0: float, d1: float, r0: float, r1: float) -> None:
        if d1 == d0:
            d0, d1 = d0 - 1, d1 + 1
        self.d0, self.d1, self.r0, self.r1 = d0, d1, r0, r1
        self.k = (r1 - r0) / (d1 - d0)

    def __call__(self, v: float) -> float:
        """Map one value."""
        return self.r0 + (v - self.d0) * self.k

    def many(self, v: np.ndarray) -> np.ndarray:
        """Map an array (NaN stays NaN)."""
        return self.r0 + (np.asarray(v, dtype=float) - self.d0) * self.k
