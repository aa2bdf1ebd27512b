"""Synthetic PDSA ramps, one per change idea an authority tests, in PDSA YAML v1.

A ramp starts on the idea's test start (``paceqi.data._synth_truth``) small (one team, two
children), scales up over 3-6 cycles and ends in adopt or adapt. Predictions carry numbers
(a process share, and the outcome's baseline and aim); the outcome results are computed from
the authority's synthetic journeys (children who entered the test during the cycle, followed
up to the extract date), so they are met where the change has an effect and missed where it
has none, and the ramp and the charts tell one story. All text is invented and says nothing
about a real council.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from paceqi.data import _synth_params as P

if TYPE_CHECKING:
    from paceqi.data._synth_truth import IdeaTruth

FORMAT = "paceqi-pdsa/1"

_TEAMS = (
    "Children and Families Team 1",
    "the North locality team",
    "the East fieldwork team",
    "the Family Placement and Permanence team",
    "the Intake and Assessment team",
    "the Central locality team",
)
_CHAIRS = ("an independent reviewing officer", "a team manager", "the permanence lead")
_VENUES = ("the area office", "the family centre", "the locality office", "the council offices")
_PRIMARY = (
    "Confident and timely decisions",
    "Clear, shared plans from the start",
    "Decisions made at the right time by the right people",
)
_OBS = (
    "The social workers said the new way of working kept the discussion on permanence rather "
    "than on the latest crisis.",
    "Health and education colleagues were kept informed; the reviewing officer recorded "
    "named actions and dates.",
    "Parents were told about the change for {k} of {m} children; the others were contacted "
    "the same week.",
    "Paperwork was typed up within three working days for most children.",
    "Teams used the template as written; two asked for a shorter version for sibling groups.",
)
_UNEXPECTED = (
    "Finding a date in time was hard when the child was placed out of the authority.",
    "Two children returned home before the test step was reached.",
    "Annual leave over the summer meant one date slipped by a week.",
    "Legal services asked to be involved earlier than planned.",
    "None of note.",
    "An emergency placement at a weekend delayed the letters.",
)
_NEXT = {
    "adapt": (
        "Shorten the agenda template and test with a second team.",
        "Hand the booking to the business support team and test again with more children.",
        "Revise the template and repeat with the same team.",
        "Extend to {teams} and keep the run chart going.",
    ),
    "adopt": (
        "Make the change standard for every child; monitor the run chart monthly.",
        "Adopted across the service; add the meeting to the case recording system and the "
        "monthly permanence tracking report.",
    ),
    "abandon": (
        "Abandon holding the meeting in the family home; return to the office venue with "
        "transport offered to parents.",
    ),
}


@dataclass(frozen=True)
class IdeaText:
    """What a change idea's PDSA cycles say: the question, the plan and the measures quoted.

    ``start`` and ``end`` are the stages of the outcome the team predicts (``target`` days
    apart, or a median when ``target`` is None); ``anchor_offset`` days after ``start`` the
    child enters the test (a CSO review falls due two years after becoming looked after).
    """

    question: str
    plan_what: str
    process: str  # "{held} of {m} <process> as planned"
    start: str
    end: str
    target: int | None
    anchor_offset: int = 0
    start_label: str = ""
    end_label: str = ""
    reached_only: bool = False  # share within target among children who reached the end


TEXTS: dict[str, IdeaText] = {
    "two_week_planning_meeting": IdeaText(
        "Can the meeting be held within 14 days of a child being accommodated?",
        "Hold a formal planning meeting within two weeks of accommodation using the agreed "
        "agenda template",
        "meetings held within 14 days",
        "looked_after",
        "permanence_recommended",
        182,
        start_label="becoming looked after",
        end_label="a permanence recommendation",
    ),
    "early_kinship_assessment": IdeaText(
        "Can kinship options be ruled in or out by the 18 week review?",
        "Start the kinship assessment at the first review, with a family group decision "
        "making meeting booked within four weeks",
        "assessments started at the first review",
        "looked_after",
        "kinship_assessed",
        126,
        start_label="becoming looked after",
        end_label="kinship options ruled in or out",
    ),
    "legal_opinion_turnaround": IdeaText(
        "Can legal services return an opinion within 28 days of the papers arriving?",
        "Send a shortened legal referral form with the options appraisal; the solicitor books "
        "the opinion slot when the papers arrive",
        "referrals sent with complete papers",
        "legal_referral",
        "legal_opinion",
        28,
        start_label="the legal referral",
        end_label="the legal opinion",
        reached_only=True,
    ),
    "panel_readiness": IdeaText(
        "Can the panel paperwork be ready within 12 weeks of the recommendation?",
        "Use the report-writing template and a fixed panel booking at the recommendation review",
        "reports submitted complete by the panel deadline",
        "permanence_recommended",
        "panel",
        84,
        start_label="the permanence recommendation",
        end_label="panel",
        reached_only=True,
    ),
    "panel_to_adm": IdeaText(
        "Can the agency decision be made within 14 days of the panel?",
        "Book the agency decision maker's slot on the day of the panel and send the minute "
        "within three working days",
        "minutes sent within three working days",
        "panel",
        "adm_decision",
        14,
        start_label="panel",
        end_label="the agency decision",
        reached_only=True,
    ),
    "court_and_scra": IdeaText(
        "Can the application be lodged sooner after the agency decision?",
        "Agree a joint timetable with the Reporter and legal services at the agency decision, "
        "with the petition drafted in parallel with the advice hearing",
        "timetables agreed at the agency decision",
        "adm_decision",
        "application_lodged",
        None,
        start_label="the agency decision",
        end_label="the application lodged",
    ),
    "cso_home_review": IdeaText(
        "Can every child on a CSO at home for two years have their plan reviewed in time?",
        "Book the two-year plan review when a child becomes looked after at home on a CSO, "
        "and flag it on the tracker a month ahead",
        "reviews booked from the tracker",
        "looked_after",
        "cso_home_review",
        821,
        start_label="becoming looked after at home",
        end_label="the plan review",
        reached_only=True,
    ),
}


@dataclass(frozen=True)
class Journeys:
    """Per child, the first day of each stage (NaN if none) - what PDSA text quotes."""

    first: dict[str, np.ndarray]
    n: int

    @classmethod
    def from_raw(cls, n: int, raw: Any, stages: tuple[str, ...]) -> Journeys:
        """Build from the integer-coded events of :func:`paceqi.data._synth_journeys.simulate`."""
        child = raw["child"].to_numpy()
        stage = raw["stage"].to_numpy()
        day = raw["day"].to_numpy().astype(float)
        first: dict[str, np.ndarray] = {}
        for i, code in enumerate(stages):
            out = np.full(n, np.inf)
            sel = stage == i
            np.minimum.at(out, child[sel], day[sel])
            first[code] = np.where(np.isinf(out), np.nan, out)
        return cls(first, n)

    def gaps(self, text: IdeaText) -> tuple[np.ndarray, np.ndarray]:
        """Anchor day (entering the test) and days from start to end (NaN if not reached)."""
        s, e = self.first[text.start], self.first[text.end]
        gap = np.where(e >= s, e - s, np.nan)
        return s + text.anchor_offset, gap


def pdsa_document(
    rng: np.random.Generator,
    authority: str,
    ideas: Sequence[IdeaTruth],
    journeys: Journeys,
    *,
    abandoned: str | None = None,
    missing_study: bool = False,
) -> dict[str, Any]:
    """Return the authority's PDSA YAML v1 document (a plain dict).

    Parameters
    ----------
    rng : numpy.random.Generator
        The authority's PDSA stream.
    authority : str
        Authority name.
    ideas : sequence of IdeaTruth
        The change ideas the authority tests (``paceqi.data._synth_truth``), in demo order.
    journeys : Journeys
        The authority's synthetic journeys; the numbers quoted come from them.
    abandoned : str, optional
        Notebook of the change idea one of whose cycles is abandoned.
    missing_study : bool
        The team wrote up only the first cycle of its first change idea.
    """
    first_start = min((_test_start(t) for t in ideas), default=dt.date(2016, 1, 1))
    aim_date = dt.date(first_start.year + 2, 3, 31)
    target = float(rng.choice([0.7, 0.8, 0.9]))
    drivers: list[dict[str, Any]] = [
        {"id": "pd-1", "aim": "aim-1", "level": "primary", "text": _pick(rng, _PRIMARY)},
    ]
    change_ideas: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for i, truth in enumerate(ideas, start=1):
        spec = truth.spec
        ci, sd = f"ci-{i}", f"sd-{i}"
        drivers.append({"id": sd, "parent": "pd-1", "level": "secondary", "text": spec.label})
        cycles = _ramp(
            rng,
            truth,
            journeys,
            abandon=spec.notebook == abandoned,
            missing_study=missing_study and i == 1,
        )
        last = cycles[-1]["act_decision"]
        change_ideas.append(
            {
                "id": ci,
                "name": spec.label,
                "notebook": spec.notebook,
                "drivers": [sd],
                "status": "adopted" if last == "adopt" else "implementing",
                "ramps": [{"id": f"ramp-{i}", "title": f"{spec.label} ramp", "cycles": cycles}],
            }
        )
        notes += _annotations(rng, cycles, _test_start(truth), ci, spec.label)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "authority": authority,
        "aims": [
            {
                "id": "aim-1",
                "statement": (
                    f"By {aim_date:%B %Y}, {target:.0%} of children who become looked after and "
                    "accommodated will have a permanence recommendation within 6 months"
                ),
                "measure": "days_to_permanence_recommendation",
                "target_value": target,
                "target_date": aim_date.isoformat(),
            }
        ],
        "drivers": drivers,
        "change_ideas": change_ideas,
        "annotations": sorted(notes, key=lambda a: (a["date"], a["change_idea"])),
    }
    return doc


def _test_start(truth: IdeaTruth) -> dt.date:
    """The first cycle's date of a tested change idea (only those get PDSA records)."""
    if truth.test_start is None:
        raise ValueError(f"'{truth.spec.notebook}' is not tested: it has no PDSA ramp")
    return truth.test_start


def _ramp(
    rng: np.random.Generator,
    truth: IdeaTruth,
    journeys: Journeys,
    *,
    abandon: bool,
    missing_study: bool,
) -> list[dict[str, Any]]:
    """3-6 cycles from the test start: one team and two children, then more, then all."""
    text = TEXTS[truth.spec.notebook]
    k = int(rng.integers(3, 7))
    abandon_at = int(rng.integers(2, k)) if abandon else -1  # never the first or last cycle
    start = _test_start(truth)
    base = _baseline(journeys, text, start)
    cycles: list[dict[str, Any]] = []
    for no in range(1, k + 1):
        weeks = int(rng.integers(3, 6)) if no == 1 else int(rng.integers(4, 11))
        end = start + dt.timedelta(weeks=weeks)
        c = _cycle(rng, no, k, start, end, truth, text, base, journeys, no == abandon_at)
        if missing_study and no >= 2:  # the team stopped writing up Do and Study
            c["do_observations"] = ""
            c["study_results"] = []
        cycles.append(c)
        start = end + dt.timedelta(days=int(rng.integers(0, 15)))
    return cycles


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


@dataclass(frozen=True)
class _Baseline:
    """The two years before the test: median days and % within target (None: no target)."""

    median: int
    within: float | None
    #: whether ``median`` was measured (False: a default, for an authority with no children)
    measured: bool = True


def _summary(
    anchor: np.ndarray, gap: np.ndarray, lo: int, hi: int, text: IdeaText, extract: int
) -> tuple[int | None, float | None, int]:
    """Median days and share within target of children who entered the test in [lo, hi].

    A child counts towards the share once their target date has passed by ``extract`` (the
    target runs from the gap's start, ``anchor - anchor_offset``); with ``reached_only`` only
    children who reached the end stage count (the end stage is on some routes only).
    """
    target = text.target
    sel = (anchor >= lo) & (anchor <= hi)
    done = gap[sel & ~np.isnan(gap)]
    med = int(np.median(done)) if done.size >= 3 else None
    if target is None:
        return med, None, int(done.size)
    mature = sel & (anchor - text.anchor_offset + target <= extract)
    if text.reached_only:
        mature &= ~np.isnan(gap)
    n = int(mature.sum())
    within = float(np.mean(np.nan_to_num(gap[mature], nan=np.inf) <= target)) if n >= 3 else None
    return med, within, n


def _baseline(journeys: Journeys, text: IdeaText, start: dt.date) -> _Baseline:
    anchor, gap = journeys.gaps(text)
    hi = _day(start) - 1
    med, within, _ = _summary(anchor, gap, hi - 730, hi, text, hi)
    return _Baseline(med if med is not None else 240, within, med is not None)


def _started(journeys: Journeys, text: IdeaText, start: dt.date, end: dt.date) -> int:
    anchor, _ = journeys.gaps(text)
    return int(((anchor >= _day(start)) & (anchor <= _day(end))).sum())


def _cycle(
    rng: np.random.Generator,
    no: int,
    k: int,
    start: dt.date,
    end: dt.date,
    truth: IdeaTruth,
    text: IdeaText,
    base: _Baseline,
    journeys: Journeys,
    abandon: bool,
) -> dict[str, Any]:
    team = _pick(rng, _TEAMS)
    scale, m = _scale(no, k, team, _started(journeys, text, start, end))
    held = m if no == 1 and rng.random() < 0.5 else int(rng.binomial(m, min(0.6 + 0.07 * no, 0.95)))
    predictions, results = _study(rng, no, m, held, truth, text, base, journeys, end)
    act = "abandon" if abandon else ("adopt" if no == k and rng.random() < 0.85 else "adapt")
    label = truth.spec.label
    nxt = _pick(rng, _NEXT[act]).format(teams=f"{no + 1} teams", idea=label)
    outcome_met = [r["met"] for r in results[1:]]
    if act == "adopt" and outcome_met and outcome_met[-1] is False:
        nxt += " Staff value the new way of working, but the outcome has not changed: look "
        nxt += "next at the other stages of the journey."
    as_planned = bool(rng.random() < 0.7)
    observed = _pick(rng, _OBS).format(k=max(held - 1, 0), m=m)
    if not as_planned:
        observed = f"Not fully as planned: {_pick(rng, _DEVIATIONS)} {observed}"
    cycle = {
        "cycle_no": no,
        "title": _title(no, k),
        "purpose": "implement" if no == k else ("develop" if no == 1 else "test"),
        "objective": _objective(no, k, label),
        "questions": [
            text.question,
            "Does the new way of working fit alongside the team's other work?",
        ][: 1 + int(rng.integers(2))],
        "predictions": predictions,
        "plan_who": f"{team[0].upper()}{team[1:]}, chaired by {_pick(rng, _CHAIRS)}",
        "plan_what": text.plan_what,
        "plan_when": f"{start:%d %B %Y} to {end:%d %B %Y}",
        "plan_where": _pick(rng, _VENUES),
        "data_plan": "Business support records the dates on the tracker; the data lead "
        f"updates the run chart of days from {text.start_label} to {text.end_label} each month",
        "scale": scale,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "carried_out_as_planned": as_planned,
        "do_observations": observed,
        "unexpected_events": _pick(rng, _UNEXPECTED),
        "study_results": results,
        "act_decision": act,
        "next_steps": nxt,
    }
    if abandon:
        return cycle | copy.deepcopy(_ABANDONED)
    return cycle


def _scale(no: int, k: int, team: str, started: int) -> tuple[str, int]:
    """The cycle's scale and how many children it covers (entering the test meanwhile)."""
    if no == 1:
        return f"1 team ({team}), 2 children", 2
    if no == k:
        return "all fieldwork teams, every child", max(started, 3)
    teams = no
    return f"{teams} teams, every child they work with", max(started * teams // 6, 2)


def _study(
    rng: np.random.Generator,
    no: int,
    m: int,
    held: int,
    truth: IdeaTruth,
    text: IdeaText,
    base: _Baseline,
    journeys: Journeys,
    end: dt.date,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Predictions with numbers, and results taken from the synthetic data.

    The outcome result quotes the children who entered the test in the six months to the
    cycle's end (not before the test start), followed up to the extract date: met when their
    median (or share within the target) reaches the predicted value. So results follow the
    data: met where the change has an effect (or where a trap makes the pooled figure look
    better), missed where it has none.
    """
    goal = min(70 + 5 * no, 95)
    anchor, gap = journeys.gaps(text)
    since = max(_test_start(truth), end - dt.timedelta(days=182))
    lo, hi = _day(since), _day(end)
    med, within, n_in = _summary(anchor, gap, lo, hi, text, _EXTRACT_DAY)
    if text.target is not None and base.within is not None:
        aim = min(round(100 * base.within) + 15, 95)
        outcome_p = (
            f"At least {aim}% of children will have {text.end_label} within {text.target} days "
            f"of {text.start_label} (baseline {base.within:.0%} in the 2 years before the test)"
        )
        value = None if within is None else 100 * within
        shown = None if value is None else f"{value:.0f}% within {text.target} days"
        met = None if value is None else value >= aim
    else:
        aim = max(int(base.median * 0.75), 1)
        outcome_p = f"The median days from {text.start_label} to {text.end_label} will " + (
            f"fall from {base.median} (in the 2 years before the test) towards {aim}"
            if base.measured
            else f"be {aim} or fewer (no child reached the stage in the 2 years before the test)"
        )
        shown = None if med is None else f"median {med} days"
        met = None if med is None else med <= aim
    predictions = [f"At least {goal}% of {text.process} in the test", outcome_p]
    pct = round(100 * held / m)
    if no < 3 or shown is None:
        outcome = "Too early to tell: too few children in the test have reached the stage yet"
        met = None
    else:
        outcome = f"{n_in} children entered the test from {since:%B %Y} to {end:%B %Y}: {shown}"
        outcome += "" if met else "; no shift on the run chart"
    results: list[dict[str, Any]] = [
        {
            "prediction": predictions[0],
            "result": f"{held} of {m} ({pct}%): {text.process}",
            "met": pct >= goal,
        },
        {"prediction": predictions[1], "result": outcome, "met": met},
    ]
    return predictions, results


_EXTRACT_DAY = _day(P.EXTRACT_DATE)

_DEVIATIONS = (
    "one team joined two weeks late because of a staff vacancy.",
    "the chair changed part way through the cycle.",
    "two meetings were held by phone during a period of severe weather.",
)

_ABANDON_PREDICTION = "At least 3 of 4 families will attend when the meeting is held at home"
#: The cycle that one authority abandons: a variation tested and dropped, not a failed ramp.
_ABANDONED: dict[str, Any] = {
    "title": "Holding the meeting in the family home",
    "purpose": "test",
    "objective": "Test whether holding the meeting in the family home increases parents' "
    "attendance",
    "predictions": [_ABANDON_PREDICTION],
    "plan_what": "Hold the two week planning meeting in the family home for four families",
    "plan_where": "the family home",
    "scale": "1 team, 4 families",
    "carried_out_as_planned": False,
    "do_observations": "Two meetings were held at home; the other two moved back to the office "
    "at the parents' request.",
    "unexpected_events": "Parents found a meeting at home intrusive so soon after removal; one "
    "family refused entry.",
    "study_results": [
        {
            "prediction": _ABANDON_PREDICTION,
            "result": "1 of 4 families attended the meeting at home",
            "met": False,
        }
    ],
}


def _title(no: int, k: int) -> str:
    if no == 1:
        return "First test: two children in one team"
    if no == k:
        return "Spread to every team"
    return f"Scale up to {no} teams"


def _objective(no: int, k: int, label: str) -> str:
    if no == 1:
        return f"Find out whether the {label.lower()} change can be made to work for two children"
    if no == k:
        return "Make the change standard practice and check it holds at full scale"
    return "Test the revised approach with more teams and children"


def _annotations(
    rng: np.random.Generator, cycles: list[dict[str, Any]], introduced: dt.date, ci: str, label: str
) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for c in cycles:
        no = c["cycle_no"]
        for kind, key, verb in (
            ("pdsa_start", "start_date", "starts"),
            ("pdsa_end", "end_date", "ends"),
        ):
            text = f"PDSA {no} {verb}"
            notes.append({"date": c[key], "text": text, "kind": kind, "change_idea": ci})
    if cycles[-1]["act_decision"] == "adopt":
        notes.append(
            {
                "date": cycles[-1]["end_date"],
                "text": f"{label} adopted as standard practice",
                "kind": "system_change",
                "change_idea": ci,
            }
        )
    if rng.random() < 0.3:
        day = introduced - dt.timedelta(days=int(rng.integers(14, 60)))
        notes.append(
            {
                "date": day.isoformat(),
                "text": "Case recording system updated: the new dates are now recorded",
                "kind": "data_issue",
                "change_idea": ci,
            }
        )
    return notes
