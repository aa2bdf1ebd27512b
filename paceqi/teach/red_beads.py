"""Deming's red bead experiment: the system, not the willing worker, makes the red beads.

The bowl holds 4000 beads, 800 red (20 %) and 3200 white; each "willing worker" dips a paddle
with 50 holes once a day and the red beads are counted as defects. The beads are mixed and
returned to the bowl after each dip, so each dip is a draw of ``paddle`` beads *without
replacement* from the full bowl: a hypergeometric count with mean ``paddle × red / total``
(10 red for the defaults). Sources: W. E. Deming, *Out of the Crisis* (1986) pp. 346–354;
*The New Economics* (1993) ch. 7; DOMAIN.md §5.

Two management responses are simulated on top of the basic experiment:

* :func:`keep_best_fire_worst` – keep the workers with the fewest red beads so far and let the
  rest go, then carry on: the kept workers' results regress to the system's 20 % (the
  "reward the best worker" lesson).
* :func:`change_system` – change the bowl (fewer red beads) and carry on: every worker improves
  (the only lever is the system).

:func:`p_chart_data` gives the numerator and denominator per worker-day for
``paceqi.spc(chart="p")``; :func:`red_beads_spc` calls it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError
from paceqi.spcstats import spc
from paceqi.teach._checks import check_int, rng_from

__all__ = [
    "BOWL_RED",
    "BOWL_WHITE",
    "PADDLE_HOLES",
    "WORKERS",
    "draw_beads",
    "keep_best_fire_worst",
    "change_system",
    "p_chart_data",
    "period_summary",
    "worker_summary",
    "red_beads_spc",
]

#: Beads in Deming's bowl: 4000 in all, 20 % red (Out of the Crisis, p. 347).
BOWL_RED = 800
BOWL_WHITE = 3200
#: Holes in the paddle (Out of the Crisis, p. 347: 50 beads per lot).
PADDLE_HOLES = 50
#: Deming hired six willing workers (Out of the Crisis, p. 347).
WORKERS = 6

COLUMNS = ("period", "day", "worker", "red", "paddle", "bowl_red", "bowl_white")


def _check_bowl(paddle: int, red: int, white: int) -> tuple[int, int, int]:
    paddle = check_int("paddle", paddle, minimum=1)
    red = check_int("red", red, minimum=0)
    white = check_int("white", white, minimum=0)
    if paddle > red + white:
        raise OptionsError(
            f"paddle ({paddle} holes) cannot hold more beads than the bowl has ({red + white})"
        )
    return paddle, red, white


def draw_beads(
    workers: int | list[str] = WORKERS,
    days: int = 4,
    *,
    paddle: int = PADDLE_HOLES,
    red: int = BOWL_RED,
    white: int = BOWL_WHITE,
    first_day: int = 1,
    period: str = "baseline",
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Run the red bead experiment: each worker dips the paddle once a day.

    Parameters
    ----------
    workers : int or list of str
        Number of willing workers (named ``W1, W2, ...``) or their names.
    days : int
        Working days, at least 1.
    paddle : int
        Holes in the paddle (beads drawn per dip).
    red, white : int
        Red and white beads in the bowl. Every dip draws ``paddle`` beads without replacement
        from the whole bowl (beads go back and are mixed between dips).
    first_day : int
        Number of the first day (so later periods continue the day count).
    period : str
        Label of this period (``baseline``, ``after keep/fire``, ...).
    seed : int or numpy.random.Generator, optional
        Seed; the same seed gives the same draws.

    Returns
    -------
    pandas.DataFrame
        One row per worker-day, in working order: ``period, day, worker, red, paddle,
        bowl_red, bowl_white``.

    Raises
    ------
    OptionsError
        If the paddle is bigger than the bowl or an argument is out of range.

    Examples
    --------
    >>> beads = draw_beads(6, 4, seed=1)
    >>> len(beads), beads["paddle"].unique().tolist()
    (24, [50])
    """
    if isinstance(workers, list | tuple):
        names = [str(w) for w in workers]
        if not names or len(set(names)) != len(names):
            raise OptionsError("workers must be a non-empty list of distinct names")
    else:
        n = check_int("workers", workers, minimum=1)
        names = [f"W{i}" for i in range(1, n + 1)]
    days = check_int("days", days, minimum=1)
    first_day = check_int("first_day", first_day, minimum=1)
    paddle, red, white = _check_bowl(paddle, red, white)
    counts = rng_from(seed).hypergeometric(red, white, paddle, size=(days, len(names)))
    return pd.DataFrame(
        {
            "period": period,
            "day": np.repeat(np.arange(first_day, first_day + days), len(names)),
            "worker": np.tile(names, days),
            "red": counts.ravel().astype(int),
            "paddle": paddle,
            "bowl_red": red,
            "bowl_white": white,
        }
    )


def worker_summary(beads: pd.DataFrame) -> pd.DataFrame:
    """Total red beads and proportion red per worker, best (lowest proportion red) first.

    Workers are ranked by the *proportion* of their beads that were red, not by the total:
    after *keep best, fire worst* the kept workers have dipped more often than the ones who
    left, so totals would rank the departed first for having worked fewer days.

    Parameters
    ----------
    beads : pandas.DataFrame
        Output of :func:`draw_beads` (or several periods concatenated). Not modified.

    Returns
    -------
    pandas.DataFrame
        ``worker, dips, red, drawn, proportion, rank`` (rank 1 = lowest proportion red; ties
        share a rank).

    Examples
    --------
    >>> worker_summary(draw_beads(3, 2, seed=2)).columns.tolist()
    ['worker', 'dips', 'red', 'drawn', 'proportion', 'rank']
    """
    g = beads.groupby("worker", sort=False).agg(
        dips=("red", "size"), red=("red", "sum"), drawn=("paddle", "sum")
    )
    g = g.reset_index()
    g["proportion"] = g["red"] / g["drawn"]
    g["rank"] = g["proportion"].rank(method="min").astype(int)
    return g.sort_values(["rank", "worker"], kind="stable").reset_index(drop=True)


def keep_best_fire_worst(
    beads: pd.DataFrame,
    keep: int = 3,
    days: int = 4,
    *,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Keep the best workers (lowest proportion red so far), let the rest go, and carry on.

    The bowl and paddle stay as they were in the last day of ``beads``.

    Parameters
    ----------
    beads : pandas.DataFrame
        The experiment so far (output of :func:`draw_beads`). Not modified.
    keep : int
        How many of the best workers to keep (1 to the number of workers).
    days : int
        Further working days with the kept workers.
    seed : int or numpy.random.Generator, optional
        Seed for the further draws.

    Returns
    -------
    pandas.DataFrame
        ``beads`` followed by the new days, period ``"kept best workers"``.

    Examples
    --------
    >>> before = draw_beads(6, 4, seed=3)
    >>> after = keep_best_fire_worst(before, keep=3, seed=4)
    >>> after.query("period == 'kept best workers'")["worker"].nunique()
    3
    """
    ranking = worker_summary(beads)
    keep = check_int("keep", keep, minimum=1, maximum=len(ranking))
    best = ranking["worker"].head(keep).tolist()
    last = beads.loc[beads["day"] == beads["day"].max()].iloc[0]
    more = draw_beads(
        best,
        days,
        paddle=int(last["paddle"]),
        red=int(last["bowl_red"]),
        white=int(last["bowl_white"]),
        first_day=int(beads["day"].max()) + 1,
        period="kept best workers",
        seed=seed,
    )
    return pd.concat([beads, more], ignore_index=True)


def change_system(
    beads: pd.DataFrame,
    red: int = BOWL_RED // 2,
    white: int | None = None,
    days: int = 4,
    *,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Change the system (the bowl) and carry on with the same workers.

    Parameters
    ----------
    beads : pandas.DataFrame
        The experiment so far. Not modified.
    red : int
        Red beads in the new bowl (default half of Deming's 800).
    white : int, optional
        White beads in the new bowl; by default the bowl keeps its size (4000 beads).
    days : int
        Further working days.
    seed : int or numpy.random.Generator, optional
        Seed for the further draws.

    Returns
    -------
    pandas.DataFrame
        ``beads`` followed by the new days, period ``"changed the system"``.

    Examples
    --------
    >>> out = change_system(draw_beads(6, 4, seed=5), red=400, seed=6)
    >>> sorted(out["bowl_red"].unique().tolist())
    [400, 800]
    """
    last = beads.loc[beads["day"] == beads["day"].max()].iloc[0]
    total = int(last["bowl_red"]) + int(last["bowl_white"])
    red = check_int("red", red, minimum=0)
    if white is None:
        if red > total:
            raise OptionsError(f"red ({red}) cannot exceed the bowl size ({total})")
        white = total - red
    workers = beads.loc[beads["day"] == beads["day"].max(), "worker"].tolist()
    more = draw_beads(
        workers,
        days,
        paddle=int(last["paddle"]),
        red=red,
        white=white,
        first_day=int(beads["day"].max()) + 1,
        period="changed the system",
        seed=seed,
    )
    return pd.concat([beads, more], ignore_index=True)


def period_summary(beads: pd.DataFrame) -> pd.DataFrame:
    """Proportion of red beads per period, with the proportion the bowl would predict.

    Parameters
    ----------
    beads : pandas.DataFrame
        One or more periods of the experiment. Not modified.

    Returns
    -------
    pandas.DataFrame
        ``period, workers, dips, red, drawn, proportion, expected`` in the order the periods
        happened; ``expected`` is red / (red + white) of the bowl used.

    Examples
    --------
    >>> period_summary(draw_beads(6, 4, seed=1))["expected"].tolist()
    [0.2]
    """
    order = pd.unique(beads["period"])
    g = beads.assign(expected=beads["bowl_red"] / (beads["bowl_red"] + beads["bowl_white"]))
    out = g.groupby("period", sort=False).agg(
        workers=("worker", "nunique"),
        dips=("red", "size"),
        red=("red", "sum"),
        drawn=("paddle", "sum"),
        expected=("expected", "first"),
    )
    out["proportion"] = out["red"] / out["drawn"]
    out = out.reindex(order).reset_index()
    return out[["period", "workers", "dips", "red", "drawn", "proportion", "expected"]]


def p_chart_data(beads: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator per worker-day, ready for ``paceqi.spc(chart="p")``.

    Parameters
    ----------
    beads : pandas.DataFrame
        Output of :func:`draw_beads` and friends. Not modified.

    Returns
    -------
    pandas.DataFrame
        One row per dip in working order: ``x`` (1-based dip number, unique so no two dips
        are aggregated), ``y`` (red beads), ``n`` (paddle holes), ``day, worker, period,
        label`` (e.g. ``"day 2 W3"``).

    Examples
    --------
    >>> d = p_chart_data(draw_beads(2, 2, seed=1))
    >>> d[["x", "n"]].values.tolist()
    [[1, 50], [2, 50], [3, 50], [4, 50]]
    """
    out = pd.DataFrame(
        {
            "x": np.arange(1, len(beads) + 1),
            "y": beads["red"].to_numpy(),
            "n": beads["paddle"].to_numpy(),
            "day": beads["day"].to_numpy(),
            "worker": beads["worker"].to_numpy(),
            "period": beads["period"].to_numpy(),
        }
    )
    out["label"] = "day " + out["day"].astype(str) + " " + out["worker"].astype(str)
    return out


def red_beads_spc(
    beads: pd.DataFrame,
    *,
    rules: str = "ihi",
    new_phase_per_period: bool = True,
) -> Any:
    """P chart of the red beads per worker-day (calls ``paceqi.spc(chart="p")``).

    Parameters
    ----------
    beads : pandas.DataFrame
        The experiment. Not modified.
    rules : str
        Rule set passed to ``paceqi.spc``.
    new_phase_per_period : bool
        Start a new phase (new limits) when the system changed. Keeping the best workers is
        not a change of system, so it does not start a phase.

    Returns
    -------
    paceqi.SPCResult
    """
    data = p_chart_data(beads)
    kwargs: dict[str, Any] = {}
    if new_phase_per_period:
        bowl = beads["bowl_red"].astype(str) + "/" + beads["bowl_white"].astype(str)
        starts = np.flatnonzero(bowl.to_numpy()[1:] != bowl.to_numpy()[:-1]) + 1
        if len(starts):
            kwargs["phases"] = starts.tolist()
    return spc("y", "n", x="x", data=data, chart="p", rules=rules, **kwargs)
