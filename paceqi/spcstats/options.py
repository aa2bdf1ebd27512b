"""The options of one analysis: a frozen dataclass validated once, carried with the result."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

from paceqi.constants import (
    HCDG_SHIFT,
    HCDG_TREND,
    IHI_RUN_SHIFT,
    IHI_RUN_TREND,
    MDC_SHIFT,
    MDC_TREND,
)
from paceqi.errors import OptionsError
from paceqi.spcstats.inputs import listed
from paceqi.spcstats.types import CHARTS_WITHOUT_LIMITS, ChartType, Direction, RuleSet

__all__ = ["SPCOptions"]


def _choices(enum: type[Enum]) -> str:
    return ", ".join(sorted(m.value for m in enum))


_E = TypeVar("_E", bound=Enum)


def _enum(enum: type[_E], name: str, value: object, what: str) -> _E:
    try:
        return enum(value.lower() if isinstance(value, str) else value)
    except ValueError:
        raise OptionsError(
            f"Unknown {what} {value!r} for {name}. Available: {_choices(enum)}"
        ) from None


def choices(
    chart: str | ChartType, rules: str | RuleSet | None, direction: str | Direction | None
) -> tuple[ChartType, RuleSet, Direction]:
    """Return the chart, rule set and direction a user typed as the engine's enums.

    Case is ignored; None means the default (IHI rules, no direction). Raises
    :class:`~paceqi.errors.OptionsError` naming the argument and the values allowed.

    Examples
    --------
    >>> choices("I", None, "decrease")
    (<ChartType.I: 'i'>, <RuleSet.IHI: 'ihi'>, <Direction.DECREASE: 'decrease'>)
    """
    return (
        _enum(ChartType, "chart", chart, "chart"),
        _enum(RuleSet, "rules", RuleSet.IHI if rules is None else rules, "rule set"),
        _enum(
            Direction,
            "direction",
            Direction.NEUTRAL if direction is None else direction,
            "direction",
        ),
    )


def _int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OptionsError(f"{name} must be a whole number (got {value!r})")
    if value < minimum:
        raise OptionsError(f"{name} must be at least {minimum} (got {value!r})")
    return int(value)


def _positions(name: str, value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = [value]
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence | range)
        and not hasattr(value, "__array__")
    ):
        raise OptionsError(
            f"{name} must be a list of 0-based positions (got {type(value).__name__})"
        )
    out = []
    for v in list(value):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            hint = (
                " or one phase label per row (as many labels as values of y)"
                if name == "phases"
                else ""
            )
            raise OptionsError(f"{name} must hold 0-based whole-number positions{hint} (got {v!r})")
        out.append(int(v))
    return tuple(sorted(set(out)))


def _number(name: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionsError(f"{name} must be a number (got {value!r})")
    v = float(value)
    if not math.isfinite(v) or (positive and v <= 0):
        need = "a positive finite number" if positive else "a finite number"
        raise OptionsError(f"{name} must be {need} (got {value!r})")
    return v


@dataclass(frozen=True)
class SPCOptions:
    """Validated options of :func:`paceqi.spc` (see its docstring for their meaning).

    Construct it with the user's values: ``__post_init__`` checks types and ranges and raises
    :class:`~paceqi.errors.OptionsError` naming the argument, the value and what is allowed.
    :meth:`check_against` checks positions against the number of points.

    Examples
    --------
    >>> SPCOptions(chart="i", rules="mdc").shift_length
    7
    >>> SPCOptions(chart="bar")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paceqi.errors.OptionsError: Unknown chart 'bar' for chart. Available: c, g, i, mr, p, ...
    """

    # Annotated with the validated types (what every reader of the options sees);
    # ``__post_init__`` also accepts their string values and None, as the user typed them.
    chart: ChartType = ChartType.RUN
    rules: RuleSet = RuleSet.IHI
    freeze: int | None = None
    phases: tuple[int, ...] | None = None
    exclude: tuple[int, ...] = ()
    direction: Direction = Direction.NEUTRAL
    target: float | None = None
    multiply: float = 1.0
    screen_mr: bool = True
    shift_n: int | None = None
    trend_n: int | None = None
    phase_labels: tuple[Any, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        chart, rules, direction = choices(self.chart, self.rules, self.direction)
        set_(self, "chart", chart)
        set_(self, "rules", rules)
        set_(self, "direction", direction)
        if self.freeze is not None:
            set_(self, "freeze", _int("freeze", self.freeze, 1))
        phases = _positions("phases", self.phases) if self.phases is not None else None
        set_(self, "phases", phases or None)
        set_(self, "exclude", _positions("exclude", self.exclude))
        if self.target is not None:
            set_(self, "target", _number("target", self.target))
        set_(self, "multiply", _number("multiply", self.multiply, positive=True))
        if not isinstance(self.screen_mr, bool):
            raise OptionsError(f"screen_mr must be True or False (got {self.screen_mr!r})")
        if self.shift_n is not None:
            set_(self, "shift_n", _int("shift_n", self.shift_n, 2))
        if self.trend_n is not None:
            set_(self, "trend_n", _int("trend_n", self.trend_n, 3))
            if self.rules is RuleSet.ANHOEJ:
                raise OptionsError(
                    f"trend_n={self.trend_n!r} cannot be used with rules='anhoej': the Anhøj "
                    "rules have no trend rule. Use rules='ihi' or 'mdc'."
                )

    # --- derived settings -------------------------------------------------------------------

    @property
    def has_limits(self) -> bool:
        """Whether the chart has control limits (every chart but the run chart)."""
        return self.chart not in CHARTS_WITHOUT_LIMITS

    @property
    def shift_length(self) -> int | None:
        """Points in a row on one side that signal; None = Anhøj's length-dependent limit."""
        if self.shift_n is not None:
            return self.shift_n
        if self.rules is RuleSet.MDC:
            return MDC_SHIFT
        if self.rules is RuleSet.IHI:
            return HCDG_SHIFT if self.has_limits else IHI_RUN_SHIFT
        return None

    @property
    def trend_length(self) -> int | None:
        """Points in a row going up (or down) that signal; None = no trend rule (Anhøj)."""
        if self.trend_n is not None:
            return self.trend_n
        if self.rules is RuleSet.MDC:
            return MDC_TREND
        if self.rules is RuleSet.IHI:
            return HCDG_TREND if self.has_limits else IHI_RUN_TREND
        return None

    # --- checks against the data --------------------------------------------------------------

    def check_against(self, n_points: int) -> None:
        """Check positions (``freeze``, ``phases``, ``exclude``) against the number of points."""
        bad = [i for i in self.exclude if i < 0 or i >= n_points]
        if bad:
            raise OptionsError(
                f"exclude: positions {listed(bad)} are out of range; the data have "
                f"{n_points} points (valid positions 0 to {n_points - 1})"
            )
        phases = self.phases or ()
        bad = [i for i in phases if i < 1 or i >= n_points]
        if bad:
            raise OptionsError(
                f"phases: break positions {listed(bad)} are out of range; a new phase must start "
                f"at a position from 1 to {n_points - 1} (the data have {n_points} points)"
            )
        if self.freeze is not None:
            first = phases[0] if phases else n_points
            if self.freeze > first:
                where = "the first phase" if phases else "the data"
                raise OptionsError(
                    f"freeze={self.freeze} is larger than {where} ({first} points): freeze is "
                    "the number of leading points that form the baseline"
                )

    def with_phases(self, breaks: Sequence[int], labels: Sequence[Any]) -> SPCOptions:
        """Return a copy with phase breaks and labels taken from a label column."""
        return replace(self, phases=tuple(breaks) or None, phase_labels=tuple(labels))

    # --- reporting ----------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Return the options as plain Python values, with the resolved rule lengths."""
        d = {k: (v.value if hasattr(v, "value") else v) for k, v in asdict(self).items()}
        d["shift_length"] = self.shift_length
        d["trend_length"] = self.trend_length
        return d

    def describe(self) -> str:
        """One paragraph a report footer can print so the chart can be reproduced.

        Examples
        --------
        >>> print(SPCOptions(chart="i").describe())  # doctest: +NORMALIZE_WHITESPACE
        Chart: i. Rules: ihi (Health Care Data Guide rules on control charts: beyond 3 sigma,
        8 in a row on one side, 6 going up or down, 2 of 3 beyond 2 sigma, 15 within 1 sigma).
        Limits: CL ± 3/1.128·MR-bar, moving ranges screened. Direction: neutral.
        """
        parts = [f"Chart: {self.chart.value}."]
        parts.append(f"Rules: {self.rules.value} ({self._rules_text()}).")
        if self.chart in (ChartType.I, ChartType.T):
            factor = "2.66·MR-bar" if self.rules is RuleSet.MDC else "3/1.128·MR-bar"
            screen = "screened" if self.screen_mr else "not screened"
            parts.append(f"Limits: CL ± {factor}, moving ranges {screen}.")
        elif self.chart in (ChartType.PP, ChartType.UP):
            screen = "screened" if self.screen_mr else "not screened"
            parts.append(f"Laney's sigma_z from moving ranges of z ({screen}).")
        if self.freeze is not None:
            parts.append(f"Baseline: first {self.freeze} points (freeze).")
        if self.phases:
            parts.append(f"New phases start at positions {', '.join(map(str, self.phases))}.")
        if self.exclude:
            parts.append(f"Excluded positions: {listed(list(self.exclude))}.")
        parts.append(f"Direction: {self.direction.value}.")
        if self.target is not None:
            parts.append(f"Target: {self.target:g}.")
        if self.multiply != 1:
            parts.append(f"Values multiplied by {self.multiply:g}.")
        return " ".join(parts)

    def _rules_text(self) -> str:
        s, t = self.shift_length, self.trend_length
        if self.rules is RuleSet.ANHOEJ:
            shift = f"longest run > {s - 1}" if s else "longest run > round(log2 n) + 3"
            sigma = "; points beyond 3 sigma" if self.has_limits else ""
            return f"Anhøj runs analysis: {shift} or too few crossings{sigma}"
        if self.rules is RuleSet.MDC:
            return (
                f"Making Data Count: beyond the process limits, {t} going up or down, 2 of 3 "
                f"beyond 2 sigma on the same side, {s} on one side of the mean"
            )
        if not self.has_limits:
            return (
                f"IHI run chart rules: {s} or more on one side of the median, {t} or more going "
                "up or down, too few or too many runs (exact Swed-Eisenhart limits, one-sided 5%)"
            )
        return (
            f"Health Care Data Guide rules on control charts: beyond 3 sigma, {s} in a row on "
            f"one side, {t} going up or down, 2 of 3 beyond 2 sigma, 15 within 1 sigma"
        )
