"""Synthetic PDSA ramps for the Two Week Planning Meeting, in PDSA YAML v1.

A ramp starts small (one team, two children), scales up over 3-6 cycles and ends in adopt or
adapt. Predictions carry numbers; study results sometimes miss them - and in authorities where
the meeting has no effect on timescales, the outcome predictions are not met. Counts quoted in
the text come from the authority's synthetic events where they can (children becoming looked
after during a cycle; the baseline median days to a permanence recommendation), so the ramp and
the charts tell one story. All text is invented and says nothing about a real council.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np

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
_SECONDARY = (
    "Early multi-agency planning after a child is accommodated",
    "Parents and carers involved early and kept informed",
    "Kinship options explored from the first weeks",
)
_OBS = (
    "The social workers said the agenda kept the discussion on permanence rather than on the "
    "crisis that led to accommodation.",
    "Health and education attended; the reviewing officer recorded a plan with named actions "
    "and dates.",
    "Parents attended {k} of {m} meetings; where they did not, the social worker met them "
    "separately the same week.",
    "Minutes were typed up within three working days for most meetings.",
    "Teams used the template as written; two asked for a shorter version for sibling groups.",
)
_UNEXPECTED = (
    "Finding a date within 14 days was hard when the child was placed out of the authority.",
    "Two children returned home before the meeting could be held.",
    "Annual leave over the summer meant one meeting slipped to day 19.",
    "Legal services asked to attend when a permanence plan away from home was already likely.",
    "None of note.",
    "An emergency placement at a weekend delayed the invitation letters.",
)
_NEXT = {
    "adapt": (
        "Shorten the agenda template and test with a second team.",
        "Send invitations from the business support team and test again with more children.",
        "Add a kinship-options section to the template and repeat with the same team.",
        "Extend to {teams} and measure days to the first review as well.",
    ),
    "adopt": (
        "Make the Two Week Planning Meeting standard for every child accommodated; monitor the "
        "run chart monthly.",
        "Adopted across the service; add the meeting to the case recording system and the "
        "monthly permanence tracking report.",
    ),
    "abandon": (
        "Abandon holding the meeting in the family home; return to the office venue with "
        "transport offered to parents.",
    ),
}


def pdsa_document(
    rng: np.random.Generator,
    authority: str,
    introduced: dt.date,
    effect: bool,
    la_days: np.ndarray,
    pr_days: np.ndarray,
    *,
    abandoned: bool = False,
    missing_study: bool = False,
) -> dict[str, Any]:
    """Return the authority's PDSA YAML v1 document (a plain dict).

    ``la_days`` and ``pr_days`` hold, per child, the day (since 1970) of becoming looked after
    and of the first permanence recommendation (NaN if none): they set the numbers quoted.
    """
    baseline = _baseline_median(la_days, pr_days, introduced)
    k = int(rng.integers(3, 7))
    cycles: list[dict[str, Any]] = []
    start = introduced
    abandon_at = int(rng.integers(2, k)) if abandoned else -1  # never the first or last cycle
    for no in range(1, k + 1):
        weeks = int(rng.integers(3, 6)) if no == 1 else int(rng.integers(4, 11))
        end = start + dt.timedelta(weeks=weeks)
        c = _cycle(rng, no, k, start, end, effect, baseline, la_days, no == abandon_at)
        if missing_study and no >= 2:  # the team stopped writing up Do and Study
            c["do_observations"] = ""
            c["study_results"] = []
        cycles.append(c)
        start = end + dt.timedelta(days=int(rng.integers(0, 15)))
    last = cycles[-1]["act_decision"]
    aim_date = dt.date(introduced.year + 2, 3, 31)
    target = float(rng.choice([0.7, 0.8, 0.9]))
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
        "drivers": [
            {"id": "pd-1", "aim": "aim-1", "level": "primary", "text": _pick(rng, _PRIMARY)},
            {"id": "sd-1", "parent": "pd-1", "level": "secondary", "text": _pick(rng, _SECONDARY)},
        ],
        "change_ideas": [
            {
                "id": "ci-1",
                "name": "Two Week Planning Meeting",
                "notebook": "two_week_planning_meeting",
                "drivers": ["sd-1"],
                "status": "adopted" if last == "adopt" else "implementing",
                "ramps": [
                    {"id": "ramp-1", "title": "Two Week Planning Meeting ramp", "cycles": cycles}
                ],
            }
        ],
        "annotations": _annotations(rng, cycles, introduced),
    }
    return doc


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _baseline_median(la_days: np.ndarray, pr_days: np.ndarray, introduced: dt.date) -> int:
    """Median days looked_after -> first recommendation, children starting 2 years before."""
    hi = _day(introduced)
    sel = (la_days >= hi - 730) & (la_days < hi) & ~np.isnan(pr_days)
    return int(np.median(pr_days[sel] - la_days[sel])) if sel.sum() >= 3 else 240


def _started(la_days: np.ndarray, start: dt.date, end: dt.date) -> int:
    return int(((la_days >= _day(start)) & (la_days <= _day(end))).sum())


def _cycle(rng, no, k, start, end, effect, baseline, la_days, abandon) -> dict[str, Any]:
    team = _pick(rng, _TEAMS)
    scale, m = _scale(no, k, team, _started(la_days, start, end))
    held = m if no == 1 and rng.random() < 0.5 else int(rng.binomial(m, min(0.6 + 0.07 * no, 0.95)))
    predictions, results = _study(rng, no, m, held, effect, baseline)
    act = "abandon" if abandon else ("adopt" if no == k and rng.random() < 0.85 else "adapt")
    nxt = _pick(rng, _NEXT[act]).format(teams=f"{no + 1} teams")
    if act == "adopt" and not effect:
        nxt += " The meeting is valued by staff, but timescales have not changed: look next at "
        nxt += "the legal referral and panel stages."
    as_planned = bool(rng.random() < 0.7)
    observed = _pick(rng, _OBS).format(k=max(held - 1, 0), m=m)
    if not as_planned:
        observed = f"Not fully as planned: {_pick(rng, _DEVIATIONS)} {observed}"
    cycle = {
        "cycle_no": no,
        "title": _title(no, k),
        "purpose": "implement" if no == k else ("develop" if no == 1 else "test"),
        "objective": _objective(no, k),
        "questions": [
            "Can the meeting be held within 14 days of a child being accommodated?",
            "Does the meeting produce a plan with named actions and dates?",
        ][: 1 + int(rng.integers(2))],
        "predictions": predictions,
        "plan_who": f"{team[0].upper()}{team[1:]}, chaired by {_pick(rng, _CHAIRS)}",
        "plan_what": "Hold a formal planning meeting within two weeks of accommodation using "
        "the agreed agenda template",
        "plan_when": f"{start:%d %B %Y} to {end:%d %B %Y}",
        "plan_where": _pick(rng, _VENUES),
        "data_plan": "Business support records the meeting date on the tracker; the data lead "
        "updates the run chart of days to permanence recommendation each month",
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
    return cycle | copy.deepcopy(_ABANDONED) if abandon else cycle


def _scale(no: int, k: int, team: str, started: int) -> tuple[str, int]:
    """The cycle's scale and how many meetings it covers (children accommodated meanwhile)."""
    if no == 1:
        return f"1 team ({team}), 2 children", 2
    if no == k:
        return "all fieldwork teams, every child accommodated", max(started, 3)
    teams = no
    return f"{teams} teams, every child they accommodate", max(started * teams // 6, 2)


def _study(rng, no, m, held, effect, baseline) -> tuple[list[str], list[dict[str, Any]]]:
    """Predictions with numbers, and results that miss them when the data say so."""
    target = max(int(baseline * 0.7) // 7 * 7, 84)
    outcome_met = effect and no >= 3
    shown = int(baseline * (0.55 + 0.15 * rng.random())) if outcome_met else baseline
    goal = min(70 + 5 * no, 95)
    predictions = [
        f"At least {goal}% of the meetings will be held within 14 days of accommodation",
        f"The median days from becoming looked after to a permanence recommendation will fall "
        f"from {baseline} towards {target}",
    ]
    pct = round(100 * held / m)
    if no < 3:
        outcome = "Too early to tell: no child in the test has reached a recommendation yet"
    else:
        outcome = f"Median {shown} days for children accommodated since the meeting started"
        outcome += "" if outcome_met else "; no shift on the run chart"
    results = [
        {
            "prediction": predictions[0],
            "result": f"{held} of {m} meetings ({pct}%) held within 14 days",
            "met": pct >= goal,
        },
        {"prediction": predictions[1], "result": outcome, "met": None if no < 3 else outcome_met},
    ]
    return predictions, results


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


def _objective(no: int, k: int) -> str:
    if no == 1:
        return "Find out whether a formal planning meeting can be arranged within 14 days"
    if no == k:
        return "Make the meeting standard practice and check it holds at full scale"
    return "Test the revised agenda and invitations with more teams and children"


def _annotations(rng, cycles: list[dict[str, Any]], introduced: dt.date) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for c in cycles:
        no = c["cycle_no"]
        for kind, key, verb in (
            ("pdsa_start", "start_date", "starts"),
            ("pdsa_end", "end_date", "ends"),
        ):
            notes.append(
                {"date": c[key], "text": f"PDSA {no} {verb}", "kind": kind, "change_idea": "ci-1"}
            )
    if cycles[-1]["act_decision"] == "adopt":
        notes.append(
            {
                "date": cycles[-1]["end_date"],
                "text": "Two Week Planning Meeting adopted as standard practice",
                "kind": "system_change",
                "change_idea": "ci-1",
            }
        )
    if rng.random() < 0.3:
        day = introduced - dt.timedelta(days=int(rng.integers(14, 60)))
        notes.append(
            {
                "date": day.isoformat(),
                "text": "Case recording system updated: the two week meeting is now recorded",
                "kind": "data_issue",
                "change_idea": "ci-1",
            }
        )
    return sorted(notes, key=lambda a: a["date"])
