"""Who is at risk of a stage: the catalogue's routes, and the exits that end a wait.

One rule, used by every measure, the segment diagnostic and the "children still waiting" list
(shared METHODS.md section 8, "Who is at risk of a stage"):

* **Route.** A stage applies to a child whose current route passes through it (the stage
  catalogue's per-stage ``routes``), or whose route is still ``undecided`` (the stage may still
  happen). A child going home is not waiting for a panel or a court order.
* **Exits.** A child who has not reached the stage stops being at risk of it on the first date,
  on or after the start, that they reached a **later stage** of the journey (catalogue order
  after the end stage, other than the start stage itself), or their journey **ended**
  (:data:`JOURNEY_END_STAGES`: permanence at home confirmed, i.e. the CSO ended or the child
  ceased to be looked after, or the final order granted). A missing date for the stage after a
  later stage is then a data-quality matter (the step was skipped or not recorded), not a wait.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from paceqi.catalogue import Catalogue
from paceqi.measures.journeys import TERMINAL_STAGES

__all__ = [
    "JOURNEY_END_STAGES",
    "UNDECIDED",
    "EXIT_LATER_STAGE",
    "EXIT_JOURNEY_ENDED",
    "stage_routes",
    "route_applies",
    "exit_stages",
]

#: Stages that end a child's permanence journey: after them no earlier stage is awaited
#: (shared DOMAIN.md rows 15-16: home confirmed = CSO terminated / ceased to be looked after).
#: The same stages close a journey in :func:`paceqi.measures.journeys`.
JOURNEY_END_STAGES: tuple[str, ...] = tuple(TERMINAL_STAGES)

#: The route of a child whose plan is not decided yet: every stage may still happen to them.
UNDECIDED = "undecided"

#: Values of the ``exit`` column of :func:`paceqi.intervals`.
EXIT_LATER_STAGE = "later_stage"
EXIT_JOURNEY_ENDED = "journey_ended"


def stage_routes(catalogue: Catalogue, stage: str) -> tuple[str, ...] | None:
    """Return the routes a stage applies to: the catalogue's ``routes`` plus ``undecided``.

    Parameters
    ----------
    catalogue : Catalogue
        The stage catalogue.
    stage : str
        A stage code. A code the catalogue does not have (e.g. the derived ``route_change``)
        applies to every route: None is returned.

    Returns
    -------
    tuple of str or None

    Examples
    --------
    >>> from paceqi.catalogue import load_catalogue
    >>> stage_routes(load_catalogue(), "panel")
    ('po', 'kco', 'adoption', 'undecided')
    """
    if stage not in catalogue:
        return None
    return tuple(dict.fromkeys((*catalogue[stage].routes, UNDECIDED)))


def route_applies(
    catalogue: Catalogue, stage: str, routes: Iterable[str] | np.ndarray
) -> np.ndarray:
    """Return, per child, whether ``stage`` applies to the child's current route.

    Parameters
    ----------
    catalogue : Catalogue
        The stage catalogue.
    stage : str
        The stage awaited.
    routes : array-like of str
        Each child's current route (missing counts as ``undecided``).

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> from paceqi.catalogue import load_catalogue
    >>> route_applies(load_catalogue(), "panel", ["home", "po", None]).tolist()
    [False, True, True]
    """
    r = np.asarray(list(routes) if not isinstance(routes, np.ndarray) else routes, dtype=object)
    allowed = stage_routes(catalogue, stage)
    if allowed is None:
        return np.ones(len(r), dtype=bool)
    r = np.where(r == None, UNDECIDED, r)  # noqa: E711 - elementwise on an object array
    return np.isin(r.astype(str), allowed)


def exit_stages(
    catalogue: Catalogue, start: str, end: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the stages whose date ends a wait for ``end`` that began at ``start``.

    Parameters
    ----------
    catalogue : Catalogue
        The stage catalogue.
    start, end : str
        The interval's stages.

    Returns
    -------
    (later, ended) : tuple of tuple of str
        ``later``: stages after ``end`` in catalogue order (not ``start``, not a journey end);
        ``ended``: the :data:`JOURNEY_END_STAGES` of the catalogue (not ``start`` or ``end``).
        Both empty when ``end`` is not a catalogue stage (e.g. ``route_change``).

    Examples
    --------
    >>> from paceqi.catalogue import load_catalogue
    >>> later, ended = exit_stages(load_catalogue(), "looked_after", "adm_decision")
    >>> later[:3], ended
    (('scra_referral', 'advice_hearing', 'application_lodged'), ('order_granted', 'home_confirmed'))
    """
    if end not in catalogue:
        return (), ()
    order = catalogue[end].order
    skip = {start, end}
    ended = tuple(c for c in JOURNEY_END_STAGES if c in catalogue and c not in skip)
    later = tuple(
        s.code
        for s in catalogue.stages
        if s.order > order and s.code not in skip and s.code not in JOURNEY_END_STAGES
    )
    return later, ended
