"""Deming's funnel experiment: the four rules of adjusting a process, and what tampering costs.

A marble is dropped through a funnel held over a target on a table; where it lands varies
around the point below the funnel. After each drop the operator may move the funnel:

1. **Rule 1** – never move it (leave the funnel over the target).
2. **Rule 2** – move it from its *last position* by minus the last error
   (``funnel += -(drop - target)``): compensates for the last error.
3. **Rule 3** – set it *relative to the target* opposite the last error
   (``funnel = target - (drop - target)``).
4. **Rule 4** – set it over the last drop (``funnel = drop``): "do it like last time".

Sources: W. E. Deming, *Out of the Crisis* (1986) and *The New Economics* (1993, ch. 9);
summaries in DOMAIN.md §5 (newsystemsthinking.com, symphonytech.com). With independent
normal drop errors of variance σ² per axis: rule 1 has variance σ²; rule 2 has 2σ²
(``d_k = e_k - e_{k-1}``); rule 3 oscillates with variance growing like kσ²
(``d_k = e_k - d_{k-1}``); rule 4 is a random walk with variance kσ² (drifts away).

All four rules are computed in closed form from the same noise (vectorised, no loop over
drops), so they can be compared on identical random numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError, check_choice
from paceqi.teach._checks import check_float, check_int, rng_from

__all__ = ["FUNNEL_RULES", "RULE_LABELS", "drop_marbles", "funnel_rule", "compare_rules"]

#: The four funnel rules (Deming, *The New Economics*, ch. 9).
FUNNEL_RULES: tuple[int, ...] = (1, 2, 3, 4)

RULE_LABELS: dict[int, str] = {
    1: "Rule 1: leave the funnel over the target",
    2: "Rule 2: move the funnel by minus the last error",
    3: "Rule 3: set the funnel opposite the last error, from the target",
    4: "Rule 4: set the funnel over the last drop",
}


def funnel_rule(rule: int, errors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Deviations from the target of the funnel and of each drop under one rule.

    Parameters
    ----------
    rule : int
        1, 2, 3 or 4.
    errors : numpy.ndarray
        Drop errors around the funnel position, shape ``(drops, ...)`` (the first axis is
        the drop order). Not modified.

    Returns
    -------
    funnel, drop : numpy.ndarray
        Funnel position and landing position relative to the target, same shape as
        ``errors``. The funnel starts over the target.

    Examples
    --------
    >>> e = np.array([1.0, -0.5, 0.25])
    >>> funnel_rule(2, e)[1].tolist()    # d_k = e_k - e_{k-1}
    [1.0, -1.5, 0.75]
    >>> funnel_rule(4, e)[1].tolist()    # random walk: cumulative sum
    [1.0, 0.5, 0.75]
    """
    check_choice("funnel rule", rule, FUNNEL_RULES)
    e = np.asarray(errors, dtype=float)
    if rule == 1:
        funnel = np.zeros_like(e)
    elif rule == 2:
        # f_{k+1} = f_k - d_k and d_k = f_k + e_k  =>  f_{k+1} = -e_k
        funnel = np.concatenate([np.zeros_like(e[:1]), -e[:-1]])
    elif rule == 3:
        # f_{k+1} = -d_k, d_k = f_k + e_k  =>  d_k = sum_j (-1)^(k-j) e_j
        sign = np.where(np.arange(len(e)) % 2 == 0, 1.0, -1.0).reshape((-1,) + (1,) * (e.ndim - 1))
        drop = sign * np.cumsum(sign * e, axis=0)
        funnel = np.concatenate([np.zeros_like(e[:1]), -drop[:-1]])
    else:
        # f_{k+1} = d_k  =>  d_k = e_1 + ... + e_k
        drop = np.cumsum(e, axis=0)
        funnel = np.concatenate([np.zeros_like(e[:1]), drop[:-1]])
    return funnel, funnel + e


def drop_marbles(
    drops: int = 100,
    *,
    rules: tuple[int, ...] | list[int] = FUNNEL_RULES,
    sigma: float = 1.0,
    target: tuple[float, float] = (0.0, 0.0),
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Drop marbles through the funnel under each rule, on the same random errors.

    Parameters
    ----------
    drops : int
        Number of drops per rule, at least 1.
    rules : sequence of int
        Which of the rules 1–4 to run.
    sigma : float
        Standard deviation of a drop around the funnel, per axis (greater than 0).
    target : (float, float)
        The target point on the table.
    seed : int or numpy.random.Generator, optional
        Seed; every rule uses the same drop errors.

    Returns
    -------
    pandas.DataFrame
        One row per rule and drop: ``rule, drop`` (1-based), ``funnel_x, funnel_y`` (where
        the funnel was), ``x, y`` (where the marble landed), ``distance`` (from the target).

    Raises
    ------
    OptionsError
        For an unknown rule or an out-of-range argument.

    Examples
    --------
    >>> df = drop_marbles(50, seed=1)
    >>> sorted(df["rule"].unique().tolist()), len(df)
    ([1, 2, 3, 4], 200)
    """
    drops = check_int("drops", drops, minimum=1)
    sigma = check_float("sigma", sigma, minimum=0.0, strict_min=True)
    rules = tuple(rules)
    if not rules:
        raise OptionsError("rules must name at least one funnel rule (1, 2, 3 or 4)")
    for r in rules:
        check_choice("funnel rule", r, FUNNEL_RULES)
    tx, ty = (check_float("target x", target[0]), check_float("target y", target[1]))
    errors = sigma * rng_from(seed).standard_normal((drops, 2))
    frames = []
    for r in rules:
        funnel, drop = funnel_rule(r, errors)
        frames.append(
            pd.DataFrame(
                {
                    "rule": r,
                    "drop": np.arange(1, drops + 1),
                    "funnel_x": tx + funnel[:, 0],
                    "funnel_y": ty + funnel[:, 1],
                    "x": tx + drop[:, 0],
                    "y": ty + drop[:, 1],
                    "distance": np.hypot(drop[:, 0], drop[:, 1]),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def compare_rules(drops: pd.DataFrame, target: tuple[float, float] = (0.0, 0.0)) -> pd.DataFrame:
    """Summarise the spread of the drops under each rule.

    Parameters
    ----------
    drops : pandas.DataFrame
        Output of :func:`drop_marbles` (columns ``rule, drop, x, y``). Not modified.
    target : (float, float)
        The target used.

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``rule, label, drops, variance`` (mean squared distance from the
        target per axis; σ² for rule 1 in the long run), ``variance_ratio`` (to rule 1, when
        rule 1 is present), ``rms_distance``, ``max_distance``, ``variance_late_vs_early``
        (second half over first half: about 1 for a stable rule, larger when the rule drifts
        or explodes).

    Examples
    --------
    >>> table = compare_rules(drop_marbles(2000, seed=3))
    >>> bool(1.8 < table.set_index("rule").loc[2, "variance_ratio"] < 2.2)
    True
    """
    missing = [c for c in ("rule", "drop", "x", "y") if c not in drops.columns]
    if missing:
        raise OptionsError(f"drops is missing column(s) {missing}; pass the output of drop_marbles")
    rows = []
    for rule, g in drops.sort_values(["rule", "drop"]).groupby("rule", sort=True):
        sq = ((g["x"] - target[0]) ** 2 + (g["y"] - target[1]) ** 2).to_numpy() / 2.0
        half = len(sq) // 2
        late_early = (
            float(sq[half:].mean() / sq[:half].mean())
            if half >= 1 and sq[:half].mean() > 0
            else float("nan")
        )
        rows.append(
            {
                "rule": int(rule),
                "label": RULE_LABELS[int(rule)],
                "drops": len(sq),
                "variance": float(sq.mean()),
                "rms_distance": float(np.sqrt(2.0 * sq.mean())),
                "max_distance": float(np.sqrt(2.0 * sq.max())),
                "variance_late_vs_early": late_early,
            }
        )
    out = pd.DataFrame(rows)
    base = out.loc[out["rule"] == 1, "variance"]
    out.insert(4, "variance_ratio", out["variance"] / base.iloc[0] if len(base) else np.nan)
    return out
