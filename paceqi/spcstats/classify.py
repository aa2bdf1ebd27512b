"""Point types, plain-English signal reasons, and the variation and assurance icons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceqi.constants import HCDG_HUGGING
from paceqi.spcstats.types import Assurance, Direction, PointType, Variation

__all__ = [
    "POINT_TYPE_CATEGORIES",
    "Signals",
    "point_types",
    "signal_reasons",
    "variation",
    "assurance",
    "ordinal",
]


@dataclass(frozen=True)
class Signals:
    """Per-point rule results for the whole series (arrays of equal length).

    ``sigma``, ``trend``, ``two_of_three`` and ``shift`` are signed: +1 upwards / above, -1
    downwards / below, 0 none. ``shift_position`` is the point's 1-based position in its run.
    """

    sigma: np.ndarray
    trend: np.ndarray
    trend_length: np.ndarray
    two_of_three: np.ndarray
    shift: np.ndarray
    shift_position: np.ndarray
    hugging: np.ndarray


def _direction_sign(direction: Direction) -> int:
    return {Direction.INCREASE: 1, Direction.DECREASE: -1}.get(direction, 0)


def combined_sign(s: Signals) -> np.ndarray:
    """Return the sign of the first rule that fires, in NHSRplotthedots' priority order.

    Beyond the limits, then trend, then 2 of 3, then shift.
    """
    out = s.sigma.copy()
    for part in (s.trend, s.two_of_three, s.shift):
        out = np.where(out == 0, part, out)
    return out


#: Categories of the ``point_type`` column, in code order.
POINT_TYPE_CATEGORIES = [t.value for t in PointType]
_POINT_TYPE_TABLE = np.array(POINT_TYPE_CATEGORIES, dtype=object)


def point_types(s: Signals, direction: Direction) -> np.ndarray:
    """Map the combined sign and the improvement direction to :class:`PointType` values.

    Returns an object array of plain ``str`` (looked up from one table, so cheap for long
    series; not a categorical, which would make every ``groupby`` warn about ``observed``).

    Examples
    --------
    >>> z = np.zeros(3, dtype=int)
    >>> sig = Signals(np.array([1, -1, 0]), z, z, z, z, z, z.astype(bool))
    >>> list(point_types(sig, Direction.DECREASE))
    ['special_cause_concern', 'special_cause_improvement', 'common_cause']
    """
    sign = combined_sign(s)
    d = _direction_sign(direction)
    code = {t: np.int8(i) for i, t in enumerate(PointType)}
    if d == 0:
        hi, lo = code[PointType.NEUTRAL_HIGH], code[PointType.NEUTRAL_LOW]
    else:
        sign = sign * d
        hi, lo = code[PointType.IMPROVEMENT], code[PointType.CONCERN]
    codes = np.where(sign > 0, hi, np.where(sign < 0, lo, code[PointType.COMMON_CAUSE]))
    return _POINT_TYPE_TABLE[codes]


def ordinal(k: np.ndarray) -> np.ndarray:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th' ..., as an object array of str.

    Examples
    --------
    >>> ordinal(np.array([1, 2, 3, 4, 11, 12, 13, 21, 102])).tolist()
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    return _texts(np.asarray(k, dtype=np.int64), "{}")


def _suffix(k: int) -> str:
    if 11 <= k % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")


def _texts(k: np.ndarray, template: str, *, as_ordinal: bool = True) -> np.ndarray:
    """Format ``template`` once per distinct value of ``k`` and look the texts up (fast)."""
    values, inverse = np.unique(k, return_inverse=True)
    words = [f"{v}{_suffix(v)}" if as_ordinal else str(v) for v in values.tolist()]
    table = np.array([template.format(w) for w in words], dtype=object)
    return table[inverse.reshape(-1)]


def _append(reason: np.ndarray, idx: np.ndarray, text: np.ndarray | str) -> None:
    if idx.size == 0:
        return
    cur = reason[idx]
    empty = cur == ""
    if empty.all():
        reason[idx] = text
    else:
        reason[idx] = np.where(empty, text, cur + "; " + text)


def signal_reasons(s: Signals, centre: str) -> np.ndarray:
    """Plain-English reason(s) per point, '; '-separated, '' when no rule fires.

    Parameters
    ----------
    s : Signals
    centre : str
        Name of the centre line in the text: "median", "mean" or "centre line".

    Examples
    --------
    >>> z = np.zeros(2, dtype=int)
    >>> shift, pos = np.array([0, -1]), np.array([0, 6])
    >>> sig = Signals(np.array([1, 0]), z, z, z, shift, pos, z.astype(bool))
    >>> signal_reasons(sig, "median").tolist()
    ['beyond the upper limit', '6th point in a run below the median']
    """
    reason = np.full(s.sigma.size, "", dtype=object)
    for sign, word in ((1, "upper"), (-1, "lower")):
        _append(reason, np.flatnonzero(s.sigma == sign), f"beyond the {word} limit")
    for sign, word in ((1, "rising"), (-1, "falling")):
        idx = np.flatnonzero(s.trend == sign)
        if idx.size:
            template = "part of a {}-point " + word + " trend"
            _append(reason, idx, _texts(s.trend_length[idx], template, as_ordinal=False))
    for sign, word in ((1, "upper"), (-1, "lower")):
        text = f"2 of 3 points beyond the {word} 2-sigma line"
        _append(reason, np.flatnonzero(s.two_of_three == sign), text)
    for sign, word in ((1, "above"), (-1, "below")):
        idx = np.flatnonzero(s.shift == sign)
        if idx.size:
            template = "{} point in a run " + f"{word} the {centre}"
            _append(reason, idx, _texts(s.shift_position[idx], template))
    text = f"part of {HCDG_HUGGING} or more points in a row within 1 sigma of the {centre}"
    _append(reason, np.flatnonzero(s.hugging), text)
    return reason


def variation(last_type: str | None, direction: Direction) -> str | None:
    """Variation icon from the type of a phase's last point (NHSRplotthedots ``geom_ptd_icon``).

    Examples
    --------
    >>> variation("special_cause_concern", Direction.INCREASE)
    'concern_low'
    >>> variation("special_cause_improvement", Direction.DECREASE)
    'improvement_low'
    """
    if last_type is None:
        return None
    high = direction is not Direction.DECREASE
    table = {
        PointType.COMMON_CAUSE: Variation.COMMON_CAUSE,
        PointType.IMPROVEMENT: Variation.IMPROVEMENT_HIGH if high else Variation.IMPROVEMENT_LOW,
        PointType.CONCERN: Variation.CONCERN_LOW if high else Variation.CONCERN_HIGH,
        PointType.NEUTRAL_HIGH: Variation.NEUTRAL_HIGH,
        PointType.NEUTRAL_LOW: Variation.NEUTRAL_LOW,
    }
    return table[PointType(last_type)].value


def assurance(target: float | None, lcl: float, ucl: float, direction: Direction) -> str | None:
    """Assurance icon: where the target lies relative to the last limits of a phase.

    Follows NHSRplotthedots ``ptd_calculate_assurance_type``: with an increase direction a
    target above the upper limit will consistently fail, below the lower limit consistently
    pass, between them the process is inconsistent; reversed for a decrease direction; None
    for a neutral direction, no target or no limits.

    Examples
    --------
    >>> assurance(4, 1, 3, Direction.INCREASE), assurance(4, 5, 7, Direction.DECREASE)
    ('consistent_fail', 'consistent_fail')
    """
    d = _direction_sign(direction)
    if target is None or d == 0 or not (np.isfinite(lcl) and np.isfinite(ucl)):
        return None
    if target > ucl:
        return (Assurance.CONSISTENT_FAIL if d > 0 else Assurance.CONSISTENT_PASS).value
    if target < lcl:
        return (Assurance.CONSISTENT_PASS if d > 0 else Assurance.CONSISTENT_FAIL).value
    return Assurance.INCONSISTENT.value
