"""Simulations for the training notebooks (issues #9, #18): pure, seeded and unit-tested.

Each module has one exercise; the notebooks in ``notebooks/training/`` call them through
:mod:`paceqi.teach.widgets` (ipywidgets, or a static chart when ``interactive=False``).

* :mod:`~paceqi.teach.processes` – processes with a known shift for the rules explorer
* :mod:`~paceqi.teach.detection` – false-alarm and detection rates of the rule sets
* :mod:`~paceqi.teach.red_beads` – Deming's red bead experiment
* :mod:`~paceqi.teach.funnel` – Deming's funnel experiment (the four rules)
* :mod:`~paceqi.teach.pdsa_game` – a coin-spin PDSA game with forced predictions
* :mod:`~paceqi.teach.journey_sim` – children flowing through the permanence stages
* :mod:`~paceqi.teach.plots` – plain matplotlib charts of the simulations
* :mod:`~paceqi.teach.widgets` – the notebook UIs (predict first)
* :mod:`~paceqi.teach.batch` – the rules of ``paceqi.spc`` applied to many series at once
* :mod:`~paceqi.teach.workshop` – a seed per browser session under Voilà (``make workshop``)

Every random function takes ``seed`` (an int or a ``numpy.random.Generator``); nothing uses
global random state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paceqi._lazy import lazy_attributes

__all__ = [
    "batch",
    "detection",
    "funnel",
    "journey_sim",
    "pdsa_game",
    "plots",
    "processes",
    "red_beads",
    "widgets",
    "workshop",
]


__getattr__, __dir__ = lazy_attributes(__name__, {}, globals(), submodules=__all__)

if TYPE_CHECKING:  # the same submodules, for type checkers and IDEs (never run)
    from paceqi.teach import batch as batch
    from paceqi.teach import detection as detection
    from paceqi.teach import funnel as funnel
    from paceqi.teach import journey_sim as journey_sim
    from paceqi.teach import pdsa_game as pdsa_game
    from paceqi.teach import plots as plots
    from paceqi.teach import processes as processes
    from paceqi.teach import red_beads as red_beads
    from paceqi.teach import widgets as widgets
    from paceqi.teach import workshop as workshop
