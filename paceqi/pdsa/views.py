"""What the tracker shows, computed from a store: quality check, driver diagram, tracker form.

:class:`~paceqi.pdsa.store.PDSAStore` only reads and writes records; these functions read
through it and compute or build what a person looks at. They are the public entry points
``paceqi.pdsa_quality_check``, ``paceqi.driver_diagram`` and ``paceqi.pdsa_tracker``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from paceqi.pdsa.diagram import DriverDiagram
    from paceqi.pdsa.store import PDSAStore
    from paceqi.pdsa.widgets import Tracker

__all__ = ["pdsa_quality_check", "driver_diagram", "pdsa_tracker"]


def pdsa_quality_check(
    store: PDSAStore, authority: str | None = None, change_idea: str | None = None
) -> pd.DataFrame:
    """Return the Knudsen et al. (2019) quality check per change idea of a store.

    Parameters
    ----------
    store : PDSAStore
    authority : str, optional
        One authority (default: every authority).
    change_idea : str, optional
        One change idea, by its name or notebook name (needs ``authority``).

    Returns
    -------
    DataFrame
        See :func:`paceqi.pdsa.quality.quality_check`.

    Examples
    --------
    >>> from paceqi.pdsa.store import PDSAStore
    >>> with PDSAStore(":memory:") as s:
    ...     _ = s.add_cycle("Fife", "TWPM", predictions=["p"], scale="1 team")
    ...     qc = pdsa_quality_check(s, "Fife")
    >>> qc["feature"].tolist()[:2]
    ['iterative', 'prediction_before_test']
    """
    from paceqi.pdsa.quality import quality_check

    ideas = store.change_ideas(authority)
    if change_idea is not None:
        name = store.find_change_idea(authority, change_idea) if authority else change_idea
        ideas = ideas[ideas["name"] == name]
    return quality_check(store.cycles(authority, change_idea), ideas)


def driver_diagram(store: PDSAStore, authority: str) -> DriverDiagram:
    """Return an authority's driver diagram (``.svg`` text; shows itself in Jupyter)."""
    from paceqi.pdsa.diagram import driver_diagram as draw

    return draw(store.document(authority))


def pdsa_tracker(store: PDSAStore, authority: str, change_idea: str | None = None) -> Tracker:
    """Return the notebook tracker (cycle picker, form, ramp view, driver diagram, history).

    It displays itself in Jupyter; its ``ramp`` view can be shown again in another cell and is
    redrawn after every save.
    """
    from paceqi.pdsa.widgets import Tracker

    return Tracker(store, authority, change_idea)
