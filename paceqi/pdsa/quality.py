"""PDSA quality check: the four features of Knudsen et al. (2019) per change idea.

Knudsen SV, Laursen HVB, Johnsen SP, Bartels PD, Ehlers LH, Mainz J. "Can quality improvement
improve the quality of care? A systematic review of reported effects and methodological rigor
in plan-do-study-act projects." BMC Health Services Research 2019;19:683
(doi:10.1186/s12913-019-4482-6). Of 120 PDSA projects only 3 showed all the key features of
the method. paceqi checks, from the tracker's records:

``iterative``
    Iterative cycles: a ramp of at least two cycles where each cycle before the last has an
    Act decision (what was learned carries into the next) and cycles do not go back in time.
``prediction_before_test``
    A prediction recorded for every cycle, and (where the store knows when predictions were
    entered) entered no later than the day the test started.
``data_over_time``
    Data collected over time rather than once before and once after: every cycle has a data
    plan and study results were recorded at :data:`MIN_TIME_POINTS` or more different dates.
``started_small``
    Testing started small: the first cycle records its scale, it was not an ``implement``
    cycle, and no count in its scale exceeds :data:`SMALL_SCALE_MAX` (IHI: "early PDSA cycles
    should be scoped as small as possible"; "what change can we test by next Tuesday?").

The thresholds are paceqi's operationalisation of the paper's features, not numbers from the
paper; each is a named constant here so it can be changed in one place.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "FEATURES",
    "MIN_TIME_POINTS",
    "SMALL_SCALE_MAX",
    "quality_check",
    "scale_size",
]

#: Feature code -> label shown in the tracker and the report (Knudsen et al. 2019).
FEATURES: dict[str, str] = {
    "iterative": "Iterative cycles (a ramp, each building on the last)",
    "prediction_before_test": "Prediction recorded before each test",
    "data_over_time": "Data collected over time (not just before/after)",
    "started_small": "Testing started small",
}

#: Fewest dates with study results that show data over time; two points are a before/after
#: comparison (paceqi's operationalisation of Knudsen et al.'s "continuous data collection").
MIN_TIME_POINTS = 3

#: Largest count (children, families, workers, teams) a first test may involve to count as
#: small. PACE first tests were typically one team and one to three children (DOMAIN.md 1.5).
SMALL_SCALE_MAX = 5

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20,
}  # fmt: skip
_ALL_WORDS = {"all", "every", "whole", "entire", "service-wide", "authority-wide"}
COLUMNS = ["authority", "change_idea", "feature", "label", "met", "detail"]


def scale_size(scale: str | None) -> int | None:
    """Return the largest count in a scale text, a large number for "all ...", None if unknown.

    Examples
    --------
    >>> scale_size("1 team, 2 children"), scale_size("one social worker"), scale_size("all teams")
    (2, 1, 1000000)
    >>> scale_size("the duty team") is None
    True
    """
    if not scale:
        return None
    words = re.findall(r"[\w-]+", scale.lower())
    if any(w in _ALL_WORDS for w in words):
        return 1_000_000
    counts = [int(w) for w in words if w.isdigit()]
    counts += [_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS and w not in ("a", "an")]
    if not counts and any(w in ("a", "an") for w in words):
        counts = [1]
    return max(counts) if counts else None


def _nos(cycles: pd.DataFrame) -> str:
    return ", ".join(str(n) for n in cycles["cycle_no"])


def _iterative(idea: pd.DataFrame) -> tuple[bool, str]:
    missing = []
    longest = idea.groupby("ramp", sort=False).size().max()
    if longest < 2:
        missing.append("only one cycle in each ramp: test again, building on what was learned")
    for ramp, cycles in idea.groupby("ramp", sort=False):
        cycles = cycles.sort_values("cycle_no")
        gaps = cycles.iloc[:-1][cycles["act_decision"].iloc[:-1].isna()]
        if len(gaps):
            missing.append(f"ramp '{ramp}': no Act decision on cycle {_nos(gaps)} before the next")
        starts = cycles["start_date"].tolist()
        back = [
            cycles["cycle_no"].iloc[i]
            for i in range(1, len(starts))
            if starts[i] is not None and starts[i - 1] is not None and starts[i] < starts[i - 1]
        ]
        if back:
            nos = ", ".join(map(str, back))
            missing.append(f"ramp '{ramp}': cycle {nos} starts before the cycle it follows")
    return not missing, "; ".join(missing)


def _prediction(idea: pd.DataFrame) -> tuple[bool, str]:
    missing = []
    none = idea[idea["predictions"].map(len) == 0]
    if len(none):
        missing.append(f"no prediction recorded for cycle {_nos(none)}")
    late = idea[
        idea.apply(
            lambda c: bool(
                len(c["predictions"])
                and _known(c["predictions_recorded_at"])
                and _known(c["start_date"])
                and c["predictions_recorded_at"].date() > c["start_date"]
            ),
            axis=1,
        )
    ]
    if len(late):
        missing.append(f"predictions of cycle {_nos(late)} were entered after the test started")
    return not missing, "; ".join(missing)


def _known(value: Any) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and value is not pd.NaT
    )


def _over_time(idea: pd.DataFrame) -> tuple[bool, str]:
    missing = []
    no_plan = idea[idea["data_plan"].isna()]
    if len(no_plan):
        missing.append(f"no data plan for cycle {_nos(no_plan)}")
    has_result = idea["predictions"].map(
        lambda rows: any(r.get("result") is not None or r.get("met") is not None for r in rows)
    )
    studied = idea[has_result]
    dates = {
        c["end_date"] if _known(c["end_date"]) else c["start_date"]
        for _, c in studied.iterrows()
        if _known(c["end_date"]) or _known(c["start_date"])
    }
    if len(dates) < MIN_TIME_POINTS:
        missing.append(
            f"study results at {len(dates)} date{'s' if len(dates) != 1 else ''}; "
            f"at least {MIN_TIME_POINTS} are needed to see change over time"
        )
    return not missing, "; ".join(missing)


def _small(idea: pd.DataFrame) -> tuple[bool, str]:
    dated = idea.assign(
        _d=idea["start_date"].map(lambda d: d if _known(d) else pd.Timestamp.max.date())
    )
    first = dated.sort_values(["_d", "cycle_no"], kind="stable").iloc[0]
    no = first["cycle_no"]
    if first["purpose"] == "implement":
        return False, f"the first cycle ({no}) was an implementation, not a small test"
    size = scale_size(first["scale"])
    if first["scale"] is None:
        return (
            False,
            f"the first cycle ({no}) does not record its scale (e.g. '1 team, 2 children')",
        )
    if size is None:
        return (
            False,
            f"the scale of the first cycle ({no}) gives no count (e.g. '1 team, 2 children')",
        )
    if size > SMALL_SCALE_MAX:
        return (
            False,
            f"the first cycle ({no}) involved more than {SMALL_SCALE_MAX} "
            "(children, staff or teams)",
        )
    return True, ""


_CHECKS = {
    "iterative": _iterative,
    "prediction_before_test": _prediction,
    "data_over_time": _over_time,
    "started_small": _small,
}


def quality_check(cycles: pd.DataFrame, ideas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check each change idea's PDSA record against the four Knudsen et al. (2019) features.

    Parameters
    ----------
    cycles : DataFrame
        As returned by :meth:`PDSAStore.cycles` (not modified).
    ideas : DataFrame, optional
        Change ideas (columns ``authority, name``) to include even without cycles.

    Returns
    -------
    DataFrame
        One row per change idea and feature: ``authority, change_idea, feature, label, met,
        detail`` where ``detail`` says what is missing (empty when met).

    Examples
    --------
    >>> import datetime as dt
    >>> row = dict(authority="Fife", change_idea="TWPM", ramp="r", cycle_no=1,
    ...            predictions=[{"prediction": "p", "result": None, "met": None}],
    ...            predictions_recorded_at=None, start_date=dt.date(2016, 3, 1),
    ...            end_date=None, act_decision=None, data_plan="weekly",
    ...            purpose="test", scale="1 team, 2 children")
    >>> qc = quality_check(pd.DataFrame([row]))
    >>> qc[["feature", "met"]].to_dict("records")[-1]
    {'feature': 'started_small', 'met': True}
    """
    rows = []
    keys = set()
    for (authority, name), idea in cycles.groupby(["authority", "change_idea"], sort=True):
        keys.add((authority, name))
        for feature, check in _CHECKS.items():
            met, detail = check(idea)
            rows.append([authority, name, feature, FEATURES[feature], met, detail])
    if ideas is not None:
        for authority, name in ideas[["authority", "name"]].itertuples(index=False):
            if (authority, name) not in keys:
                for feature in FEATURES:
                    rows.append(
                        [
                            authority,
                            name,
                            feature,
                            FEATURES[feature],
                            False,
                            "no PDSA cycles recorded",
                        ]
                    )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["met"] = out["met"].astype(bool)
    return out.sort_values(["authority", "change_idea"], kind="stable").reset_index(drop=True)
