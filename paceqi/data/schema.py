"""Canonical tables: the column names every part of paceqi relies on (DESIGN.md).

Extracts are loaded into these shapes; measures, charts and reports read only these.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Route",
    "ROUTES",
    "CHILDREN_COLUMNS",
    "CHILDREN_REQUIRED",
    "EVENTS_COLUMNS",
    "EVENTS_REQUIRED",
    "PLANS_COLUMNS",
    "PLANS_REQUIRED",
    "ID_COLUMNS",
    "CARE_EVENTS",
]


class Route(StrEnum):
    """The routes to permanence (CELCIS: four legal routes, plus not yet decided)."""

    HOME = "home"  # remain or return home with parents
    PO = "po"  # permanence order, with or without authority to adopt
    KCO = "kco"  # kinship care order (s11 Children (Scotland) Act 1995)
    ADOPTION = "adoption"
    UNDECIDED = "undecided"


ROUTES: tuple[str, ...] = tuple(r.value for r in Route)

#: Identify a child across the tables. ``child_id`` is pseudonymous and unique within an authority.
ID_COLUMNS = ("authority", "child_id")

CHILDREN_COLUMNS = ("authority", "child_id", "sex", "birth_month", "sibling_group_id")
CHILDREN_REQUIRED = ("authority", "child_id")

#: One row per milestone a child reached. ``occurrence`` is 1 the first time, 2+ for repeats.
EVENTS_COLUMNS = ("authority", "child_id", "stage", "date", "occurrence", "route", "outcome")
EVENTS_REQUIRED = ("authority", "child_id", "stage", "date")

#: Every plan a child had (routes can change); ``superseded_date`` empty for the current plan.
PLANS_COLUMNS = (
    "authority",
    "child_id",
    "plan_seq",
    "route",
    "decided_date",
    "superseded_date",
    "reason",
)
PLANS_REQUIRED = ("authority", "child_id", "plan_seq", "route", "decided_date")

#: Optional care events: stage codes of the catalogue that are not steps of a plan. An extract
#: may leave them out; when present they carry no route (blank) and feed balancing measures
#: (docs/data.md, "Optional care events"). ``placement_move`` repeats (occurrence 1, 2, ...)
#: each time the child moves placement; ``returned_to_care`` marks a child coming back into care
#: after going home (after ``home_confirmed``; validation check ``returned_before_home``).
CARE_EVENTS = ("placement_move", "returned_to_care")
