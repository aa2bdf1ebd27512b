"""Measure definitions: one YAML file per change idea in ``parameters/measures/``.

Each file holds ``change_idea``, ``label`` and a ``measures`` list. Each measure has the fields
of :class:`MeasureDefinition`; unknown keys, unknown stages or routes and missing fields are
an :class:`~paceqi.errors.OptionsError` naming the file and the measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from paceqi import _yaml
from paceqi._paths import parameters_dir
from paceqi.catalogue import Catalogue
from paceqi.data.schema import ROUTES
from paceqi.errors import OptionsError
from paceqi.measures._inputs import default_catalogue
from paceqi.measures.journeys import ROUTE_CHANGE

__all__ = [
    "MeasureDefinition",
    "load_measures",
    "find_measure",
    "measures_dir",
    "KINDS",
    "FAMILIES",
    "DIRECTIONS",
    "CHARTS",
]

FAMILIES = ("outcome", "process", "balancing")
#: improvement_direction -> the ``direction`` argument of ``paceqi.spc``.
DIRECTIONS = {"lower": "decrease", "higher": "increase", "neutral": "neutral"}
CHARTS = ("run", "i", "p", "t", "g")
PERIOD_VALUES = ("child", "event", "month", "quarter", "year")

#: kind -> (required fields, allowed charts, allowed periods)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "interval_days": (("start", "end"), ("run", "i"), ("child",)),
    "proportion_within_target": (("start", "end"), ("p", "run"), ("month", "quarter", "year")),
    "proportion_reached": (("start", "end"), ("p", "run"), ("month", "quarter", "year")),
    "days_between_events": (("event",), ("t", "run", "i"), ("event",)),
    "count_between_events": (("event", "opportunity"), ("g", "run"), ("event",)),
}

_FIELDS = (
    "name",
    "label",
    "family",
    "operational_definition",
    "kind",
    "start",
    "end",
    "event",
    "outcome",
    "opportunity",
    "target_days",
    "due_days",
    "routes",
    "cohort",
    "working_days",
    "improvement_direction",
    "default_chart",
    "period",
)
_REQUIRED = (
    "name",
    "label",
    "family",
    "operational_definition",
    "kind",
    "improvement_direction",
    "default_chart",
    "period",
)


@dataclass(frozen=True)
class MeasureDefinition:
    """One measure of a change idea (a row of ``parameters/measures/<change_idea>.yaml``).

    Attributes
    ----------
    name, label : str
        Identifier (unique in its file) and human label.
    family : {"outcome", "process", "balancing"}
    operational_definition : str
        Plain words: who is counted, from which event to which, what counts as met.
    kind : str
        One of :data:`KINDS`: ``interval_days`` (days per child, run / I chart),
        ``proportion_within_target`` (P chart by period), ``proportion_reached`` (share of a
        start cohort that reached ``end``, e.g. a ``route_change``), ``days_between_events``
        (T chart) or ``count_between_events`` (G chart, ``opportunity`` events counted).
    start, end : str, optional
        Stage codes (``end`` may also be the derived ``route_change``).
    event, outcome, opportunity : str, optional
        For the between-events kinds: the rare event's stage, an optional outcome filter, and
        the stage counted as opportunities (G chart).
    target_days : int, optional
        Target in days; default the catalogue's target for ``end`` when it runs from ``start``.
    due_days : int, optional
        A child whose journey ended (home confirmed, order granted) without ``end`` before
        ``start + due_days`` is out of the denominator of "% within target" (default: the
        target). PACE aim 1 counts children still on a CSO at home at day 730 (``due_days:
        730``) whose review window has passed (``target_days: 821``).
    routes : tuple of str, optional
        Only children whose current route is one of these.
    cohort : {"start", "end"}
        For proportions: which date places a child in a period.
    working_days : bool
        Count working days (Scottish bank holidays) instead of calendar days.
    improvement_direction : {"lower", "higher", "neutral"}
        Mapped to ``spc``'s ``direction`` by :attr:`direction`.
    default_chart : {"run", "i", "p", "t", "g"}
    period : {"child", "event", "month", "quarter", "year"}
    change_idea, source : str
        The file's change idea and path (set on load).
    """

    name: str
    label: str
    family: str
    operational_definition: str
    kind: str
    improvement_direction: str
    default_chart: str
    period: str
    start: str | None = None
    end: str | None = None
    event: str | None = None
    outcome: str | None = None
    opportunity: str | None = None
    target_days: int | None = None
    due_days: int | None = None
    routes: tuple[str, ...] | None = None
    cohort: str = "start"
    working_days: bool = False
    change_idea: str = ""
    source: str = field(default="", compare=False)

    def stages(self) -> tuple[str, str]:
        """Return ``(start, end)`` of an interval measure.

        Raises
        ------
        ValueError
            If the definition has no start or no end (a between-events measure).
        """
        if self.start is None or self.end is None:
            raise ValueError(f"measure {self.name!r} ({self.kind}) has no start and end stages")
        return self.start, self.end

    def rare_event(self) -> str:
        """Return the rare event's stage of a between-events measure.

        Raises
        ------
        ValueError
            If the definition has no event (an interval measure).
        """
        if self.event is None:
            raise ValueError(f"measure {self.name!r} ({self.kind}) has no event stage")
        return self.event

    @property
    def direction(self) -> str:
        """The ``direction`` argument for ``paceqi.spc`` (increase, decrease or neutral)."""
        return DIRECTIONS[self.improvement_direction]


def measures_dir() -> Path:
    """Return ``parameters/measures/``."""
    return parameters_dir() / "measures"


def load_measures(
    change_idea: str | Path, *, catalogue: Catalogue | None = None
) -> dict[str, MeasureDefinition]:
    """Load and validate the measures of one change idea.

    Parameters
    ----------
    change_idea : str or Path
        A change-idea name (file ``parameters/measures/<name>.yaml``) or a path to a YAML file.
    catalogue : Catalogue, optional
        Stage codes are checked against it (default: the Scottish catalogue).

    Returns
    -------
    dict of str to MeasureDefinition
        In file order.

    Examples
    --------
    >>> m = load_measures("two_week_planning_meeting")
    >>> d = m["days_to_recommendation"]
    >>> d.start, d.end, d.default_chart, d.direction
    ('looked_after', 'permanence_recommended', 'run', 'decrease')
    """
    path = Path(change_idea)
    if path.suffix not in (".yaml", ".yml"):
        path = measures_dir() / f"{change_idea}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in measures_dir().glob("*.yaml")))
        raise OptionsError(f"No measures file for change idea '{change_idea}'. Known: {known}")
    try:
        doc = _yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OptionsError(f"Cannot read measures file {path.name}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("measures"), list):
        raise OptionsError(f"{path.name}: expected a mapping with a 'measures' list")
    unknown = sorted(set(doc) - {"change_idea", "label", "description", "measures"})
    if unknown:
        raise OptionsError(f"{path.name}: unknown top-level key(s) {unknown}")
    cat = catalogue if catalogue is not None else default_catalogue()
    idea = str(doc.get("change_idea", path.stem))
    out: dict[str, MeasureDefinition] = {}
    for i, raw in enumerate(doc["measures"], start=1):
        m = _definition(path, i, raw, cat, idea)
        if m.name in out:
            raise OptionsError(f"{path.name}: measure '{m.name}' is defined twice")
        out[m.name] = m
    return out


def find_measure(name: str, change_idea: str | None = None) -> MeasureDefinition:
    """Find a measure by name, in one change idea's file or across all of them.

    Raises
    ------
    OptionsError
        If the name is unknown, or defined differently in several files without
        ``change_idea`` to choose.
    """
    if change_idea is not None:
        found = load_measures(change_idea)
        if name not in found:
            raise OptionsError(
                f"Measure '{name}' is not in {change_idea}.yaml. Measures there: {', '.join(found)}"
            )
        return found[name]
    hits = []
    for p in sorted(measures_dir().glob("*.yaml")):
        found = load_measures(p)
        if name in found:
            hits.append(found[name])
    if not hits:
        raise OptionsError(f"Unknown measure '{name}': not defined in any file of {measures_dir()}")
    if len({_sans_idea(h) for h in hits}) > 1:
        files = ", ".join(h.change_idea for h in hits)
        raise OptionsError(
            f"Measure '{name}' is defined differently in {files}; pass change_idea= to choose"
        )
    return hits[0]


def _sans_idea(m: MeasureDefinition) -> tuple[object, ...]:
    return (
        m.kind,
        m.start,
        m.end,
        m.event,
        m.outcome,
        m.opportunity,
        m.target_days,
        m.due_days,
        m.routes,
        m.cohort,
        m.working_days,
    )


def _definition(path: Path, i: int, raw: object, cat: Catalogue, idea: str) -> MeasureDefinition:
    where = f"{path.name}, measure {i}"
    if not isinstance(raw, dict):
        raise OptionsError(f"{where}: expected a mapping")
    if raw.get("name"):
        where = f"{path.name}, measure '{raw['name']}'"
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise OptionsError(f"{where}: unknown key(s) {unknown}; allowed: {', '.join(_FIELDS)}")
    for key in _REQUIRED:
        if raw.get(key) in (None, ""):
            raise OptionsError(f"{where}: field '{key}' is required")
    _one_of(where, "family", raw["family"], FAMILIES)
    _one_of(where, "kind", raw["kind"], KINDS)
    _one_of(where, "improvement_direction", raw["improvement_direction"], DIRECTIONS)
    required, charts, periods = KINDS[raw["kind"]]
    _one_of(where, "default_chart", raw["default_chart"], charts)
    _one_of(where, "period", raw["period"], periods)
    _one_of(where, "cohort", raw.get("cohort", "start"), ("start", "end"))
    for key in required:
        if not raw.get(key):
            raise OptionsError(f"{where}: kind '{raw['kind']}' needs field '{key}'")
    for key in ("start", "end", "event", "opportunity"):
        code = raw.get(key)
        if code is not None and code not in cat and code != ROUTE_CHANGE:
            raise OptionsError(
                f"{where}: {key} '{code}' is not a stage of catalogue '{cat.name}' "
                f"(stages: {', '.join(cat.codes)}, or '{ROUTE_CHANGE}')"
            )
    if raw.get("start") is not None and raw.get("start") == raw.get("end"):
        raise OptionsError(f"{where}: start and end are the same stage")
    days = raw.get("target_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days <= 0):
        raise OptionsError(f"{where}: target_days must be a positive whole number of days")
    due = raw.get("due_days")
    if due is not None and (isinstance(due, bool) or not isinstance(due, int) or due <= 0):
        raise OptionsError(f"{where}: due_days must be a positive whole number of days")
    routes = raw.get("routes")
    if routes is not None:
        if isinstance(routes, str):
            routes = [routes]
        if not isinstance(routes, list) or any(r not in ROUTES for r in routes):
            raise OptionsError(f"{where}: routes must be a list drawn from {', '.join(ROUTES)}")
        routes = tuple(routes)
    if not isinstance(raw.get("working_days", False), bool):
        raise OptionsError(f"{where}: working_days must be true or false")
    return MeasureDefinition(
        name=str(raw["name"]),
        label=str(raw["label"]),
        family=raw["family"],
        operational_definition=str(raw["operational_definition"]).strip(),
        kind=raw["kind"],
        improvement_direction=raw["improvement_direction"],
        default_chart=raw["default_chart"],
        period=raw["period"],
        start=raw.get("start"),
        end=raw.get("end"),
        event=raw.get("event"),
        outcome=raw.get("outcome"),
        opportunity=raw.get("opportunity"),
        target_days=days,
        due_days=due,
        routes=routes,
        cohort=raw.get("cohort", "start"),
        working_days=bool(raw.get("working_days", False)),
        change_idea=idea,
        source=str(path),
    )


def _one_of(where: str, key: str, value: object, allowed: Iterable[str]) -> None:
    names = tuple(allowed)  # a mapping's keys, or the names themselves
    if value not in names:
        raise OptionsError(f"{where}: {key} '{value}' is not one of {', '.join(names)}")
