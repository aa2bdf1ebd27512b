"""Generate a process for the run chart rules explorer: a stable baseline, then a known change.

A process is ``mean + noise`` for ``n_baseline`` points, then ``n_after`` points in which the
mean has moved by ``shift`` standard deviations and (optionally) drifts by ``trend`` standard
deviations per point. The learner sees only ``x, y``; the truth (where the change starts and
how big it is) is kept beside the data so the notebook can reveal it after the learner has
made a prediction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from paceqi.teach._checks import check_float, check_int, rng_from

__all__ = ["Process", "generate_process", "simulate_series"]


@dataclass(frozen=True)
class Process:
    """A generated series and the truth behind it.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``x`` (1-based point number) and ``y``.
    shift_start : int or None
        0-based position of the first point after the change, or None when the process
        never changes (``shift == 0`` and ``trend == 0``).
    params : dict
        The arguments used, so a chart caption can state them.
    """

    data: pd.DataFrame
    shift_start: int | None
    params: dict[str, float | int | None] = field(default_factory=dict)

    @property
    def changed(self) -> pd.Series:
        """Boolean Series, True for the points generated after the change."""
        n = len(self.data)
        flags = np.zeros(n, dtype=bool)
        if self.shift_start is not None:
            flags[self.shift_start :] = True
        return pd.Series(flags, index=self.data.index, name="changed")


def _signal_component(n: int, start: int, shift: float, trend: float, noise: float) -> np.ndarray:
    steps = np.arange(n) - start
    after = steps >= 0
    return np.where(after, shift * noise + trend * noise * (steps + 1), 0.0)


def generate_process(
    n_baseline: int = 20,
    n_after: int = 12,
    *,
    shift: float = 0.0,
    shift_at: int | None = None,
    trend: float = 0.0,
    noise: float = 1.0,
    mean: float = 10.0,
    seed: int | np.random.Generator | None = None,
) -> Process:
    """Generate one process with an optional shift and trend after a stable baseline.

    Parameters
    ----------
    n_baseline : int
        Points before the change (the baseline), at least 1.
    n_after : int
        Points after the baseline, at least 0.
    shift : float
        Size of the step change in the mean, in standard deviations (``noise``). 0 = none.
    shift_at : int, optional
        0-based position where the change starts; defaults to ``n_baseline`` (the first point
        after the baseline). Must be within the series.
    trend : float
        Drift of the mean after the change, in standard deviations per point. 0 = none.
    noise : float
        Standard deviation of the common-cause (normal) variation, greater than 0.
    mean : float
        Mean of the baseline.
    seed : int or numpy.random.Generator, optional
        Seed for the random numbers; the same seed gives the same series.

    Returns
    -------
    Process
        ``data`` with columns ``x, y``; ``shift_start`` (None when nothing changes).

    Raises
    ------
    OptionsError
        If an argument is out of range.

    Examples
    --------
    >>> p = generate_process(10, 5, shift=2.0, seed=1)
    >>> len(p.data), p.shift_start
    (15, 10)
    >>> generate_process(10, 5, seed=1).shift_start is None
    True
    """
    n_baseline = check_int("n_baseline", n_baseline, minimum=1)
    n_after = check_int("n_after", n_after, minimum=0)
    n = n_baseline + n_after
    start = n_baseline if shift_at is None else check_int("shift_at", shift_at, maximum=n - 1)
    shift = check_float("shift", shift)
    trend = check_float("trend", trend)
    noise = check_float("noise", noise, minimum=0.0, strict_min=True)
    mean = check_float("mean", mean)
    rng = rng_from(seed)
    y = mean + noise * rng.standard_normal(n) + _signal_component(n, start, shift, trend, noise)
    data = pd.DataFrame({"x": np.arange(1, n + 1), "y": y})
    changes = shift != 0.0 or trend != 0.0
    params: dict[str, float | int | None] = {
        "n_baseline": n_baseline,
        "n_after": n_after,
        "shift": shift,
        "shift_at": start,
        "trend": trend,
        "noise": noise,
        "mean": mean,
    }
    return Process(data=data, shift_start=start if changes else None, params=params)


def simulate_series(
    reps: int,
    n_baseline: int,
    n_after: int,
    *,
    shift: float = 0.0,
    trend: float = 0.0,
    noise: float = 1.0,
    mean: float = 10.0,
    seed: int | np.random.Generator | None = None,
    base_noise: np.ndarray | None = None,
) -> np.ndarray:
    """Generate many processes at once (vectorised): one row per replication.

    Parameters
    ----------
    reps : int
        Number of series (rows), at least 1.
    n_baseline, n_after : int
        Points before and after the change.
    shift, trend, noise, mean : float
        As in :func:`generate_process`; the change starts at ``n_baseline``.
    seed : int or numpy.random.Generator, optional
        Seed for the noise (ignored when ``base_noise`` is given).
    base_noise : numpy.ndarray, optional
        Standard-normal noise of shape ``(reps, n_baseline + n_after)`` to reuse, so that
        several shift sizes are compared on the same random numbers (common random numbers).
        It is not modified.

    Returns
    -------
    numpy.ndarray
        Shape ``(reps, n_baseline + n_after)``.

    Examples
    --------
    >>> simulate_series(3, 5, 2, seed=0).shape
    (3, 7)
    """
    reps = check_int("reps", reps, minimum=1)
    n_baseline = check_int("n_baseline", n_baseline, minimum=1)
    n_after = check_int("n_after", n_after, minimum=0)
    noise = check_float("noise", noise, minimum=0.0, strict_min=True)
    n = n_baseline + n_after
    if base_noise is None:
        base_noise = rng_from(seed).standard_normal((reps, n))
    elif base_noise.shape != (reps, n):
        raise ValueError(f"base_noise must have shape {(reps, n)}, got {base_noise.shape}")
    signal = _signal_component(n, n_baseline, float(shift), float(trend), noise)
    return mean + noise * base_noise + signal[None, :]
