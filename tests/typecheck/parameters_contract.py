"""What type checkers see of a change-idea report's parameters (checked by mypy only).

``paceqi.change_idea_report(**parameters)`` takes the keys of
:class:`paceqi.changeidea.params.NotebookParameters`: mypy must reject an unknown name, a
missing required one and a value of the wrong JSON type. With ``warn_unused_ignores``, each
``type: ignore`` below fails ``make typecheck`` if mypy stops reporting that error. Nothing
here is called.
"""

from __future__ import annotations

import paceqi
from paceqi.changeidea.params import NotebookParameters, report_parameters


def never_called() -> None:
    """Calls that are wrong, each flagged by mypy (and two that are right)."""
    base: NotebookParameters = {"authority": "Fife", "extract": "x.csv", "change_idea": "twpm"}
    paceqi.change_idea_report(**base)
    paceqi.change_idea_report(
        authority="Fife", extract="x.csv", change_idea="twpm", test_start="2016-03-01"
    )
    paceqi.change_idea_report(
        authority="Fife",
        extract="x.csv",
        change_idea="twpm",
        test_strat="2016-03-01",  # type: ignore[call-arg]
    )
    paceqi.change_idea_report(authority="Fife", extract="x.csv")  # type: ignore[call-arg]
    report_parameters(
        authority="Fife",
        extract="x.csv",
        change_idea="twpm",
        min_cell="5",  # type: ignore[arg-type]
    )
