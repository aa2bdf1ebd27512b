"""The known truth of the synthetic data: which authority tests which change idea, and with what.

Every change idea of the demo batch (``parameters/batch/demo.yaml``, all but the diagnostic
``baseline_journeys``) is assigned, per authority, one *class*:

``effect``
    A real effect: from ``effect_start`` (the first PDSA cycle) the idea's stage gap shrinks by
    ``size`` (a fraction), ramping up linearly over ``RAMP_DAYS`` as the PDSA ramp spreads.
    The report should answer Yes (or Partly) once the authority is large enough.
``no_effect``
    The idea is tested (a PDSA ramp is recorded; for the Two Week Planning Meeting the meetings
    are held, so its process measure improves) but the outcome gap does not change.
``not_tested``
    No PDSA ramp; nothing changes.
``trap_case_mix``
    Tested with no effect on any route's waits, but from the test start more children take the
    fast route home: the pooled median falls with no improvement in any route.
``trap_prior``
    A real improvement of the same size that began ``PRIOR_DAYS`` before the test started: the
    change cannot be credited with it.
``trap_worsening``
    Tested, and the gap grows by ``-size`` after the test start.

Classes follow a documented rotation (:func:`assigned_class`) with the traps (and one effect)
placed by hand in large authorities, so that every change idea has effects in large and small
authorities.
Test start dates are drawn from the authority's set-up stream within each idea's window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from paceqi.data import _synth_params as P

EFFECT, NO_EFFECT, NOT_TESTED = "effect", "no_effect", "not_tested"
TRAP_CASE_MIX, TRAP_PRIOR, TRAP_WORSENING = "trap_case_mix", "trap_prior", "trap_worsening"
CLASSES = (EFFECT, NO_EFFECT, NOT_TESTED, TRAP_CASE_MIX, TRAP_PRIOR, TRAP_WORSENING)
#: Classes whose report should say Yes / Partly (the rest should not).
POSITIVE = (EFFECT,)

#: Days over which an effect ramps from nothing to its full size (the PDSA ramp spreads from one
#: team to every team over about six months).
RAMP_DAYS = 180
#: How long before the test start a ``trap_prior`` improvement began.
PRIOR_DAYS = 730
#: Share of children whose first plan is a return home, after a ``trap_case_mix`` test start
#: (before: ``ROUTE_SHARES['home']``).
CASE_MIX_HOME_SHARE = 0.72


@dataclass(frozen=True)
class IdeaSpec:
    """A change idea's effect in the simulation.

    Attributes
    ----------
    notebook, label : str
        Notebook name (as in the batch manifest and the PDSA YAML) and display name.
    gap : tuple of str
        The stage gap (start, end) that shrinks; the effect applies to a child when the gap's
        *anchor* event (its start stage) falls after the effect start.
    measures : tuple of str
        The outcome measures (``parameters/measures/<notebook>.yaml``) the effect moves.
    size : float
        Fraction by which the gap shrinks at full effect (``trap_worsening``: grows).
    window : tuple of datetime.date
        First and last possible test start (first of a month).
    anchor_offset : int
        Days from the gap's start stage to the anchor (0 for every demo idea: the CSO review
        idea books the two-year review when the child becomes looked after at home, matching
        its outcome measure, which groups children by the quarter they became looked after).
    """

    notebook: str
    label: str
    gap: tuple[str, str]
    measures: tuple[str, ...]
    size: float
    window: tuple[dt.date, dt.date]
    anchor_offset: int = 0


_D = dt.date
IDEAS: tuple[IdeaSpec, ...] = (
    IdeaSpec(
        "two_week_planning_meeting",
        "Two Week Planning Meeting",
        ("looked_after", "permanence_recommended"),
        ("days_to_recommendation", "recommendation_within_6_months"),
        0.5,
        (_D(2015, 1, 1), _D(2017, 12, 1)),
    ),
    IdeaSpec(
        "early_kinship_assessment",
        "Early kinship assessment",
        ("looked_after", "kinship_assessed"),
        ("kinship_ruled_by_18_weeks",),
        0.45,
        (_D(2015, 1, 1), _D(2017, 12, 1)),
    ),
    IdeaSpec(
        "legal_opinion_turnaround",
        "Legal opinion turnaround",
        ("legal_referral", "legal_opinion"),
        ("days_referral_to_opinion",),
        0.55,
        (_D(2015, 6, 1), _D(2018, 6, 1)),
    ),
    IdeaSpec(
        "panel_readiness",
        "Panel readiness and report writing",
        ("permanence_recommended", "panel"),
        ("days_recommendation_to_panel", "panel_within_12_weeks"),
        0.5,
        (_D(2015, 6, 1), _D(2018, 6, 1)),
    ),
    IdeaSpec(
        "panel_to_adm",
        "Panel to agency decision",
        ("panel", "adm_decision"),
        ("days_panel_to_adm", "adm_within_14_days"),
        0.6,
        (_D(2015, 6, 1), _D(2018, 6, 1)),
    ),
    IdeaSpec(
        "court_and_scra",
        "Court and SCRA",
        ("adm_decision", "order_granted"),
        ("days_adm_to_application", "days_application_to_order"),
        0.45,
        (_D(2015, 1, 1), _D(2017, 12, 1)),
    ),
    IdeaSpec(
        "cso_home_review",
        "Review of children on a CSO at home",
        ("looked_after", "cso_home_review"),
        ("cso_review_within_27_months",),
        0.75,
        (_D(2016, 1, 1), _D(2017, 6, 1)),
    ),
)
IDEA_NAMES: tuple[str, ...] = tuple(i.notebook for i in IDEAS)

#: Rotation of classes down the authorities ordered by size (largest first); change idea ``j``
#: starts ``j`` places further along, so each authority tests some ideas and not others.
_ROTATION = (EFFECT, NOT_TESTED, NO_EFFECT, EFFECT, NOT_TESTED)
#: Classes placed by hand (authority, notebook) -> class: the traps, in large authorities, and
#: Glasgow City's effects for the two ideas whose primary outcome is a quarterly proportion
#: (kinship options by 18 weeks; CSO reviews within 27 months), which only the largest
#: authorities have children enough to chart (docs/synth.md, "Large enough to detect").
OVERRIDES: dict[tuple[str, str], str] = {
    ("Glasgow City", "early_kinship_assessment"): EFFECT,
    ("Glasgow City", "cso_home_review"): EFFECT,
    ("City of Edinburgh", "cso_home_review"): TRAP_PRIOR,
    ("North Lanarkshire", "two_week_planning_meeting"): TRAP_CASE_MIX,
    ("South Lanarkshire", "two_week_planning_meeting"): TRAP_PRIOR,
    ("Aberdeen City", "early_kinship_assessment"): TRAP_WORSENING,
    ("Renfrewshire", "legal_opinion_turnaround"): TRAP_PRIOR,
    ("City of Edinburgh", "panel_readiness"): TRAP_PRIOR,
    ("Highland", "panel_to_adm"): TRAP_WORSENING,
    ("Fife", "court_and_scra"): TRAP_WORSENING,
}


def size_rank() -> tuple[str, ...]:
    """Authorities from the most looked-after children (2016) to the fewest (ties: by name)."""
    counts = P.LOOKED_AFTER_2016
    return tuple(sorted(counts, key=lambda a: (-counts[a], a)))


def assigned_class(authority: str, notebook: str) -> str:
    """Return the truth class of a change idea in an authority (fixed, whatever the seed).

    Examples
    --------
    >>> assigned_class("Glasgow City", "two_week_planning_meeting")
    'effect'
    >>> assigned_class("Fife", "court_and_scra")
    'trap_worsening'
    """
    if (authority, notebook) in OVERRIDES:
        return OVERRIDES[(authority, notebook)]
    j = IDEA_NAMES.index(notebook)
    r = size_rank().index(authority)
    return _ROTATION[(r + j) % len(_ROTATION)]


@dataclass(frozen=True)
class IdeaTruth:
    """One change idea in one authority: its class and the dates and size of what happens."""

    spec: IdeaSpec
    cls: str
    test_start: dt.date | None  # first PDSA cycle; None when not tested
    effect_start: dt.date | None  # when the gap starts to change; None when it never does
    size: float  # signed fraction of the gap removed at full effect (negative: it grows)

    @property
    def tested(self) -> bool:
        """Whether a PDSA ramp is recorded."""
        return self.cls != NOT_TESTED


def draw_truth(authority: str, rng: np.random.Generator) -> dict[str, IdeaTruth]:
    """Return every change idea's truth for one authority (test starts drawn from ``rng``).

    Always draws one start month per idea, tested or not, so the stream does not depend on the
    classes.
    """
    out: dict[str, IdeaTruth] = {}
    for spec in IDEAS:
        lo, hi = spec.window
        months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        m = int(rng.integers(months)) + lo.month - 1
        start = dt.date(lo.year + m // 12, m % 12 + 1, 1)
        cls = assigned_class(authority, spec.notebook)
        effect_start: dt.date | None = None
        size = 0.0
        if cls == EFFECT:
            effect_start, size = start, spec.size
        elif cls == TRAP_PRIOR:
            effect_start, size = start - dt.timedelta(days=PRIOR_DAYS), spec.size
        elif cls == TRAP_WORSENING:
            effect_start, size = start, -spec.size
        out[spec.notebook] = IdeaTruth(
            spec, cls, None if cls == NOT_TESTED else start, effect_start, size
        )
    return out


def factor(anchor_day: np.ndarray, truth: IdeaTruth | None) -> np.ndarray:
    """Multiplier of the idea's gap for children whose anchor event is on ``anchor_day``.

    1 before the effect start, ramping linearly to ``1 - size`` over :data:`RAMP_DAYS`.
    """
    anchor = np.asarray(anchor_day, dtype=float)
    if truth is None or truth.effect_start is None:
        return np.ones(anchor.shape)
    start = float(np.datetime64(truth.effect_start, "D").astype(np.int64))
    ramp = np.clip((anchor - start) / RAMP_DAYS, 0.0, 1.0)
    return 1.0 - truth.size * ramp
