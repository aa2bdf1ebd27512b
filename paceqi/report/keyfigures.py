"""The key figures of one report: one typed, frozen record written by the report and read back.

A change-idea report builds :class:`KeyFigures` once
(:func:`paceqi.changeidea.summary.key_figures`) and records it under :data:`RECORD_NAME` with
:func:`paceqi.report.record`; the batch stores it in the report's JSON result, and the batch
index and the national roll-up read it back with :meth:`KeyFigures.from_result`. Nothing on
those pages is recomputed, so an index cell shows the report's own answer and numbers.

Counts are stored as they are (the JSON result sits beside the executed notebook, which holds
the same data); every page that shows them passes them through :mod:`paceqi.privacy` first.
This module imports only the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["KeyFigures", "MeasureFigures", "StageFigures", "RECORD_NAME", "STATUSES"]

#: Name of the record in the notebook and of the entry in the JSON result's ``figures``.
RECORD_NAME = "key_figures"
#: Version of the record's layout; older results without it are read as "no key figures".
VERSION = 1
#: The report's answer, in the order of the decision table (docs/methods.md §8); also
#: :data:`paceqi.changeidea.answer.STATUSES`. Kept here so that reading a record needs only the
#: standard library.
STATUSES = (
    "not_tested",
    "too_few",
    "too_early",
    "began_before",
    "worse",
    "partly",
    "around_start",
    "yes",
    "no_sign",
)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


@dataclass(frozen=True)
class MeasureFigures:
    """One row of the report's summary table (one measure).

    Attributes
    ----------
    name, label, family : str
        The measure (``family``: outcome, process or balancing).
    anchor : str
        The ``id`` of the measure's heading in the report (its chart).
    n : int or None
        Children (or events) behind the charted points; shown suppressed (:mod:`paceqi.privacy`).
    noun : str
        What ``n`` counts: "children" or "events".
    baseline, latest : float or None
        The chart's centre statistic over the baseline points and over the points since the
        test started (or the last points when no test is recorded); percentages for a P chart.
    unit : str
        ``"%"`` or ``"days"``.
    target : str
        The aim or target in words ("aim 90%", "target 182 days"), or "".
    variation, assurance : str or None
        ``paceqi.spc`` vocabulary of the last phase.
    problem : str or None
        Why the measure was not analysed.
    """

    name: str
    label: str
    family: str
    anchor: str = ""
    n: int | None = None
    noun: str = "children"
    baseline: float | None = None
    latest: float | None = None
    unit: str = ""
    target: str = ""
    variation: str | None = None
    assurance: str | None = None
    problem: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasureFigures:
        """Inverse of :func:`dataclasses.asdict` (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("baseline", "latest"):
            values[key] = _number(values.get(key))
        values["n"] = _count(values.get("n"))
        return cls(**values)


@dataclass(frozen=True)
class StageFigures:
    """One segment of the journey: Kaplan–Meier median days, target, children behind it."""

    segment: str
    median_days: float | None = None
    target_days: float | None = None
    children: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StageFigures:
        """Inverse of :func:`dataclasses.asdict`."""
        return cls(
            segment=str(data.get("segment", "")),
            median_days=_number(data.get("median_days")),
            target_days=_number(data.get("target_days")),
            children=_count(data.get("children")),
        )


@dataclass(frozen=True)
class KeyFigures:
    """What one report answers, with the numbers behind it.

    Attributes
    ----------
    title : str
        The change idea's human name ("Two Week Planning Meeting").
    status : str
        One of :data:`STATUSES` (the verdict's :class:`~paceqi.changeidea.answer.Answer`).
    headline : str
        The answer's headline, as the report prints it.
    test_recorded : bool
        Whether a test of change (PDSA cycles or ``test_start``) is recorded.
    test_start, test_end : str or None
        ISO dates of the test period (first cycle start, last cycle end).
    primary : str
        Label of the primary outcome measure.
    baseline, latest : float or None
        The primary measure before the test and since it started.
    unit : str
        Unit of ``baseline`` / ``latest`` (``"%"`` or ``"days"``).
    variation, assurance : str or None
        The primary measure's last-phase icons.
    children, children_waiting : int or None
        Children in the authority's extract; children still waiting for the primary measure's
        end stage at the extract date.
    before_n, before_within, after_n, after_within : int or None
        Children whose wait for the primary stage was complete before / since the test start,
        and how many of them were within the target (for the national roll-up's pooled %).
    before_median, after_median : float or None
        Median days of those children.
    measures : tuple of MeasureFigures
        The summary table, one row a measure.
    stages : tuple of StageFigures
        "Where is the delay?": every segment of the journey (all routes).
    next_steps : tuple of str
        "What this suggests next".
    rules : str
        The rule set.
    kind : {"test", "baseline"}
        A test-of-change report (answers "has the change led to an improvement?") or a
        baseline report (answers "where is the delay?").
    delay : str
        The segment whose median is furthest past its target, or "".
    """

    title: str
    status: str
    headline: str
    test_recorded: bool = False
    test_start: str | None = None
    test_end: str | None = None
    primary: str = ""
    baseline: float | None = None
    latest: float | None = None
    unit: str = ""
    variation: str | None = None
    assurance: str | None = None
    children: int | None = None
    children_waiting: int | None = None
    before_n: int | None = None
    before_within: int | None = None
    before_median: float | None = None
    after_n: int | None = None
    after_within: int | None = None
    after_median: float | None = None
    measures: tuple[MeasureFigures, ...] = field(default_factory=tuple)
    stages: tuple[StageFigures, ...] = field(default_factory=tuple)
    next_steps: tuple[str, ...] = field(default_factory=tuple)
    rules: str = ""
    kind: str = "test"
    delay: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status '{self.status}' is not one of {', '.join(STATUSES)}")
        if self.kind not in ("test", "baseline"):
            raise ValueError(f"kind '{self.kind}' is not 'test' or 'baseline'")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready record (with its layout version)."""
        data = asdict(self)
        data["version"] = VERSION
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyFigures:
        """Read a recorded dict back (unknown keys ignored).

        Examples
        --------
        >>> k = KeyFigures("Idea", "yes", "Yes", measures=(MeasureFigures("m", "M", "outcome"),))
        >>> KeyFigures.from_dict(k.to_dict()) == k
        True
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["measures"] = tuple(MeasureFigures.from_dict(m) for m in data.get("measures") or ())
        values["stages"] = tuple(StageFigures.from_dict(s) for s in data.get("stages") or ())
        values["next_steps"] = tuple(str(s) for s in data.get("next_steps") or ())
        for key in ("baseline", "latest", "before_median", "after_median"):
            values[key] = _number(values.get(key))
        for key in ("children", "children_waiting", "before_n", "before_within", "after_n"):
            values[key] = _count(values.get(key))
        values["after_within"] = _count(values.get("after_within"))
        return cls(**values)

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> KeyFigures | None:
        """Return the key figures stored in a batch JSON result, or None (failed, or older)."""
        data = (result.get("figures") or {}).get(RECORD_NAME)
        if not isinstance(data, Mapping):
            return None
        try:
            return cls.from_dict(data)
        except (TypeError, ValueError):
            return None
