"""The closed vocabularies of the QI statistics: chart types, rule sets, directions and results.

The *values* are fixed by DESIGN.md: charts and reports key colours, icons and captions to them.
"""

from __future__ import annotations

from enum import StrEnum


class ChartType(StrEnum):
    """Chart codes accepted by :func:`paceqi.spc` (qicharts2's codes)."""

    RUN = "run"
    I = "i"  # noqa: E741 - the chart's conventional name
    MR = "mr"
    XBAR = "xbar"
    S = "s"
    P = "p"
    PP = "pp"
    U = "u"
    UP = "up"
    C = "c"
    G = "g"
    T = "t"


class RuleSet(StrEnum):
    """Named sets of special-cause rules (see ``docs/methods.md``)."""

    IHI = "ihi"
    ANHOEJ = "anhoej"
    MDC = "mdc"


class Direction(StrEnum):
    """Which direction of change is an improvement."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class PointType(StrEnum):
    """What a point shows (NHSRplotthedots' vocabulary)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class Variation(StrEnum):
    """Variation icon of a phase: the type of its last point, read with the direction."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class Assurance(StrEnum):
    """Assurance icon of a phase: where the target lies relative to the limits."""

    CONSISTENT_PASS = "consistent_pass"
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


#: Charts drawn without control limits.
CHARTS_WITHOUT_LIMITS = frozenset({ChartType.RUN})

#: Charts whose rows sharing ``x`` are the raw observations of one subgroup.
SUBGROUP_CHARTS = frozenset({ChartType.XBAR, ChartType.S})

#: Charts whose y is a count and must not be negative.
COUNT_CHARTS = frozenset(
    {ChartType.P, ChartType.PP, ChartType.U, ChartType.UP, ChartType.C, ChartType.G}
)

#: Charts that need a denominator ``n``.
RATIO_CHARTS = frozenset({ChartType.P, ChartType.PP, ChartType.U, ChartType.UP})
