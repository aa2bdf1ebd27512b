"""Plain-language reading of an SPC analysis: alt text, a paragraph, and the verdict.

Written for a social-work manager who has never seen a run chart. Everything is generated from
the analysis (``res.points``, ``res.summary``, ``res.options`` as DESIGN.md "QI statistics"
fixes them); nothing is recomputed.

Examples
--------
>>> import paceqi
>>> res = paceqi.spc([5.0, 6, 6, 5, 6, 5, 5, 6, 5, 6, 6, 5])
>>> alt_text(res, "days to panel", points_noun="children")
'Run chart of days to panel, 12 children (median 5.5 days); no signals.'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.constants import IHI_RUN_SHIFT
from paceqi.errors import OptionsError
from paceqi.spcread import (
    RUN_CHARTS,
    RUNS_ANALYSIS_MIN_USEFUL,
    Episode,
    caveats,
    chart_type,
    check_result,
    episodes,
    flag,
    is_finite,
    option,
    phase_name,
    rules_name,
    shows_percent,
    x_values,
)

__all__ = ["alt_text", "reading", "verdict", "Verdict", "ANSWERS"]

#: The four answers to "Has the change led to an improvement?".
ANSWERS = ("Yes", "Not yet", "No sign", "Too few data")
DIRECTIONS = ("increase", "decrease", "neutral")

# -- small formatters ------------------------------------------------------------------------


def _when(x: Any, position: int) -> str:
    if isinstance(x, (pd.Timestamp, dt.date, np.datetime64)):
        return pd.Timestamp(x).strftime("%B %Y")
    return f"point {position + 1}"


def _value(res: Any, v: Any, unit: str) -> str:
    if not is_finite(v):
        return "not available"
    v = float(v)
    if shows_percent(res, unit):
        return f"{v:.0%}"
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}".rstrip() if unit else text


def _noun(points: pd.DataFrame, unit: str, points_noun: str | None) -> str:
    if points_noun:
        return points_noun
    x, is_date = x_values(points)
    if is_date and len(x) > 2 and x.is_unique:
        gap = float(
            np.median(np.diff(x.sort_values().to_numpy()).astype("timedelta64[D]").astype(float))
        )
        for lo, hi, word in (
            (6, 8, "weeks"),
            (28, 31, "months"),
            (89, 92, "quarters"),
            (365, 366, "years"),
        ):
            if lo <= gap <= hi:
                return word
    return "children" if unit == "days" else "points"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Chart names in plain text.
CHART_NAMES = {
    "run": "Run chart",
    "i": "I chart",
    "mr": "Moving-range chart",
    "xbar": "X-bar chart",
    "s": "S chart",
    "p": "P chart",
    "pp": "P′ chart",
    "u": "U chart",
    "up": "U′ chart",
    "c": "C chart",
    "g": "G chart",
    "t": "T chart",
}


def _kind(res: Any) -> str:
    chart = chart_type(res)
    return CHART_NAMES.get(chart, f"{chart.upper()} chart")


def _centre(res: Any) -> str:
    return "median" if chart_type(res) in RUN_CHARTS | {"g"} else "mean"


def _direction(res: Any, direction: str | None) -> str:
    opt = option(res, "direction")
    if direction is None:
        return str(opt) if opt is not None else "neutral"
    if direction not in DIRECTIONS:
        raise OptionsError(f"direction: got {direction!r}; expected one of {', '.join(DIRECTIONS)}")
    # An analysis run without a direction (neutral) can still be read with one.
    if opt is not None and str(opt) not in (direction, "neutral") and str(opt) in DIRECTIONS:
        raise OptionsError(
            f"direction: got {direction!r} but the analysis was run with "
            f"direction={str(opt)!r}; pass the same direction (or none)"
        )
    return direction


def _judge(ep: Episode, direction: str) -> str:
    """Return "improvement", "concern" or "neutral" for an episode."""
    if ep.rule == "hugging":
        return "neutral"
    if direction == "increase":
        return "improvement" if ep.side == "high" else "concern"
    if direction == "decrease":
        return "improvement" if ep.side == "low" else "concern"
    return "neutral"


def _describe(ep: Episode, res: Any) -> str:
    """Return a short phrase for alt text: "shift below the median from March 2017"."""
    start = _when(ep.x_start, ep.start)
    limit = "upper" if ep.side == "high" else "lower"
    if ep.rule == "shift":
        return f"shift {'above' if ep.side == 'high' else 'below'} the {_centre(res)} from {start}"
    if ep.rule == "trend":
        end = _when(ep.x_end, ep.end)
        return f"{'upward' if ep.side == 'high' else 'downward'} trend from {start} to {end}"
    if ep.rule == "two_of_three":
        return f"2 of 3 points close to the {limit} limit in {start}"
    if ep.rule == "hugging":
        return f"{ep.n_points} points in a row close to the {_centre(res)} from {start}"
    return f"point {'above the upper' if ep.side == 'high' else 'below the lower'} limit in {start}"


def _runs_phrases(res: Any) -> list[str]:
    """Runs-analysis signals from the summary (too few / too many runs, long run, crossings)."""
    summary = res.summary if isinstance(res.summary, pd.DataFrame) else pd.DataFrame()
    if "runs_signal" not in summary.columns:
        return []
    out = []
    multi = len(summary) > 1
    for _, row in summary[summary["runs_signal"].fillna(False).astype(bool)].iterrows():
        where = f" in phase {row['phase']}" if multi and "phase" in row else ""
        n_runs, lo, hi = row.get("n_runs"), row.get("runs_min"), row.get("runs_max")
        if all(is_finite(v) for v in (n_runs, lo)) and n_runs <= lo:
            out.append(
                f"too few runs{where} ({int(n_runs)}): the points cross the centre line less "
                "often than chance would allow"
            )
        elif all(is_finite(v) for v in (n_runs, hi)) and n_runs >= hi:
            out.append(
                f"too many runs{where} ({int(n_runs)}): the points cross the centre line more "
                "often than chance would allow"
            )
        elif (
            is_finite(row.get("n_crossings"))
            and is_finite(row.get("n_crossings_min"))
            and (row["n_crossings"] < row["n_crossings_min"])
        ):
            out.append(f"too few crossings of the centre line{where} ({int(row['n_crossings'])})")
        elif is_finite(row.get("longest_run")):
            out.append(f"an unusually long run{where} ({int(row['longest_run'])} points)")
        else:
            out.append(f"a runs signal{where}")
    return out


def _centre_values(res: Any, points: pd.DataFrame, unit: str) -> list[tuple[str, str]]:
    """(phase label, centre-line value) per phase, in chart order."""
    if "phase" not in points.columns:
        return [
            (
                "",
                _value(
                    res, points["cl"].dropna().iloc[0] if points["cl"].notna().any() else None, unit
                ),
            )
        ]
    out = []
    for phase in dict.fromkeys(points["phase"]):
        cl = points.loc[points["phase"] == phase, "cl"].dropna()
        out.append((phase_name(phase), _value(res, cl.iloc[-1] if len(cl) else None, unit)))
    return out


# -- alt text --------------------------------------------------------------------------------


def alt_text(
    res: Any, measure_label: str, unit: str = "days", *, points_noun: str | None = None
) -> str:
    """Return one-sentence alt text for the chart of an analysis.

    Parameters
    ----------
    res : SPCResult
        The analysis (any object with ``points``, ``summary``, ``options``).
    measure_label : str
        What is measured, e.g. "days to permanence recommendation".
    unit : str
        Unit of the centre-line value ("days"; "" for none). Proportion charts, and any chart
        whose unit is ``"%"`` (values 0-1), show percentages.
    points_noun : str, optional
        What one point is ("children", "months"). By default inferred: regular monthly,
        quarterly, weekly or yearly dates give the period; otherwise "children" when the unit is
        days (one point per child), else "points".

    Returns
    -------
    str
        e.g. "Run chart of days to permanence recommendation, 64 children (median 142 days);
        shift below the median from March 2017."
    """
    points = check_result(res).reset_index(drop=True)
    n = int(points["y"].notna().sum())
    centres = _centre_values(res, points, unit)
    if len(centres) == 1:
        centre = f"{_centre(res)} {centres[0][1]}"
    else:
        centre = f"{_centre(res)} " + ", then ".join(f"{v} ({p})" for p, v in centres)
    head = f"{_kind(res)} of {measure_label}, {n} {_noun(points, unit, points_noun)} ({centre})"
    if any(c.code == "too_few_points" for c in caveats(res)):
        return f"{head}; too few points to analyse."
    phrases = [_describe(ep, res) for ep in _merge_sigma(episodes(res))] + _runs_phrases(res)
    if not phrases:
        return f"{head}; no signals."
    more = f" and {len(phrases) - 3} more signals" if len(phrases) > 3 else ""
    return f"{head}; " + "; ".join(phrases[:3]) + more + "."


def _merge_sigma(eps: list[Episode]) -> list[Episode]:
    """Keep shifts/trends as they are; several points beyond limits on one side count once."""
    out: list[Episode] = []
    seen: set[str] = set()
    for ep in eps:
        if ep.rule == "sigma":
            if ep.side in seen:
                continue
            seen.add(ep.side)
        out.append(ep)
    return out


# -- the verdict -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The answer to "Has the change led to an improvement?" with the evidence.

    Attributes
    ----------
    answer : str
        One of ``ANSWERS``: "Yes", "Not yet", "No sign", "Too few data".
    evidence : tuple of str
        Plain sentences supporting the answer (signals after the test started, caveats).
    """

    answer: str
    evidence: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.answer}. " + " ".join(self.evidence)


def _test_start(test_start: Any, is_date: bool) -> Any:
    if test_start is None:
        return None
    if is_date:
        try:
            return pd.Timestamp(test_start)
        except (TypeError, ValueError) as err:
            raise OptionsError(f"test_start: {test_start!r} is not a date") from err
    if not is_finite(test_start):
        raise OptionsError(
            f"test_start: the chart's x values are not dates, so test_start must be a number on "
            f"the x axis; got {test_start!r}"
        )
    return test_start


def min_points_after(res: Any) -> int:
    """Points needed after the test start before a shift could show (the shift length)."""
    for name in ("shift_n", "shift_length"):  # engine option, then its derived property
        value = option(res, name)
        if is_finite(value):
            return int(value)
    # Anhøj rules have no fixed shift length: the longest-run limit depends on n
    summary = res.summary if isinstance(res.summary, pd.DataFrame) else pd.DataFrame()
    if "longest_run_max" in summary.columns and summary["longest_run_max"].notna().any():
        return int(summary["longest_run_max"].dropna().iloc[-1]) + 1
    return IHI_RUN_SHIFT


#: Shifts that begin more than this many days after the test start are not attributed to it
#: (docs/methods.md §8; paceqi.changeidea.answer.ATTRIBUTION_WINDOW_DAYS).
ATTRIBUTION_WINDOW_DAYS = 730


def _late_from(start: Any, is_date: bool) -> Any:
    """Return the last x at which a shift may begin and still be credited to the test."""
    if start is None or not is_date:
        return None
    return start + pd.Timedelta(days=ATTRIBUTION_WINDOW_DAYS)


def _timed(res: Any, direction: str, start: Any) -> dict[str, list[Episode]]:
    """Episodes grouped by judgement and timing relative to the test start."""
    groups: dict[str, list[Episode]] = {}
    for ep in episodes(res):
        judged = _judge(ep, direction)
        if start is None:
            when = "unknown"
        elif ep.x_start >= start:
            when = "after"
        elif ep.x_end >= start:
            when = "across"
        else:
            when = "before"
        groups.setdefault(f"{judged}_{when}", []).append(ep)
    return groups


def verdict(
    res: Any,
    *,
    direction: str | None = None,
    test_start: Any = None,
    measure_label: str = "the measure",
) -> Verdict:
    """Answer "Has the change led to an improvement?" from the analysis.

    Parameters
    ----------
    res : SPCResult
        The analysis of the outcome or process measure.
    direction : {"increase", "decrease", "neutral"}, optional
        Which way is better; by default ``res.options.direction``.
    test_start : date-like or number, optional
        When the test of change started (a date when x holds dates). Signals that begin on or
        after it count as evidence; without it timing is not checked.
    measure_label : str
        Used in the evidence sentences.

    Returns
    -------
    Verdict
        ``answer`` is "Too few data" (fewer than 10 useful points: checked first), "Yes" (a
        sustained shift in the better direction that began after the test started, within two
        years of it; a trend alone or points beyond a limit never give "Yes"),
        "Not yet" (no such shift, and fewer points since the start than a shift needs) or
        "No sign" (enough points since the start, no such shift). The report's own answer is
        :func:`paceqi.changeidea.answer.answer`, which also freezes the baseline.
    """
    points = check_result(res).reset_index(drop=True)
    direction = _direction(res, direction)
    x, is_date = x_values(points)
    start = _test_start(test_start, is_date)
    groups = _timed(res, direction, start)
    evidence: list[str] = []
    caveat_list = caveats(res)
    when_start = "" if start is None else _when(start, 0)
    if direction == "neutral":
        evidence.append(
            "No improvement direction was set, so signals cannot be called better or worse."
        )
    late_from = _late_from(start, is_date)
    candidates = groups.get("improvement_after", []) + groups.get("improvement_unknown", [])
    improved = [
        ep
        for ep in candidates
        if ep.rule == "shift" and (late_from is None or ep.x_start <= late_from)
    ]
    for ep in candidates:
        after = f", after the test started in {when_start}" if start is not None else ""
        count = f" ({ep.n_points} points)" if ep.rule in ("shift", "trend") else ""
        text = f"{_cap(_describe(ep, res))}{count}{after}."
        if ep.rule == "shift" and ep not in improved:
            text += (
                " It began more than two years after the test started, so it is not put down "
                "to the change."
            )
        elif ep.rule == "trend":
            text += (
                " A trend alone does not show a sustained improvement (Anhøj & Olesen 2014), so "
                "it does not decide the answer."
            )
        elif ep.rule != "shift":
            text += (
                " One point (or two of three) beyond a line is a special cause to look into, "
                "not evidence of a sustained improvement."
            )
        evidence.append(text)
    if improved and start is None:
        evidence.append(
            "No test start date was given, so whether this followed the change was not checked."
        )
    for ep in groups.get("improvement_across", []) + groups.get("improvement_before", []):
        evidence.append(
            f"A {_describe(ep, res)} began before the test started ({when_start}), so it cannot be "
            "put down to the change."
        )
    for key in ("concern_after", "concern_unknown", "concern_across"):
        for ep in groups.get(key, []):
            evidence.append(f"Signal of concern: {_describe(ep, res)}.")
    if "phase" in points.columns and points["phase"].nunique() > 1:
        evidence.append(
            "The chart is split into phases and signals are judged within each phase, so the "
            "step from one phase to the next is not itself a signal; to test whether the change "
            "moved the measure, analyse the series without phases."
        )
    evidence += [c.text for c in caveat_list if c.code != "too_few_points"]
    n_valid = int((points["y"].notna().to_numpy() & ~flag(points, "excluded")).sum())
    # Minimum points first: no answer but "Too few data" below the runs-analysis minimum.
    if any(c.code == "too_few_points" for c in caveat_list) or n_valid < RUNS_ANALYSIS_MIN_USEFUL:
        return Verdict(
            "Too few data",
            (
                f"Only {n_valid} points of {measure_label}; at least "
                f"{RUNS_ANALYSIS_MIN_USEFUL} are needed to see a pattern.",
                *evidence,
            ),
        )
    if improved:
        return Verdict("Yes", tuple(evidence))
    if start is not None:
        n_after = int(
            (
                (x >= start).to_numpy() & points["y"].notna().to_numpy() & ~flag(points, "excluded")
            ).sum()
        )
        need = min_points_after(res)
        if n_after < need:
            return Verdict(
                "Not yet",
                (
                    f"{n_after} point{'s' if n_after != 1 else ''} since the test started in "
                    f"{when_start}; "
                    f"a shift needs at least {need} in a row, so it is too early to tell.",
                    *evidence,
                ),
            )
        head = (
            f"{n_after} points since the test started in {when_start}, "
            "and no signal of improvement."
        )
    else:
        head = "No signal of improvement on the chart."
    return Verdict("No sign", (head, *evidence))


# -- the reading -----------------------------------------------------------------------------


def _rules_sentence(res: Any) -> str:
    rules = rules_name(res)
    run = chart_type(res) in RUN_CHARTS
    centre = _centre(res)
    shift_n = option(res, "shift_n", option(res, "shift_length"))
    trend_n = option(res, "trend_n", option(res, "trend_length"))
    if rules == "anhoej":
        return (
            f"Chance alone rarely produces an unusually long run of points on one side of the "
            f"{centre} or too few crossings of it; either pattern is a signal that something has "
            "changed."
        )
    # the lengths of SPCOptions (shift_length, trend_length: paceqi.constants, cited there)
    shift, trend = int(shift_n), int(trend_n)
    text = (
        f"Chance alone rarely produces {shift} or more points in a row on one side of the "
        f"{centre} (a shift) or {trend} or more going steadily up or down (a trend)"
    )
    if not run:
        text += ", or a point outside the control limits"
    return text + "; such a pattern is a signal that something has changed."


def _signal_sentence(ep: Episode, res: Any, direction: str, start: Any) -> str:
    when = _when(ep.x_start, ep.start)
    centre = _centre(res)
    side = "above" if ep.side == "high" else "below"
    limit = "upper" if ep.side == "high" else "lower"
    if ep.rule == "shift":
        text = f"From {when}, {ep.n_points} points in a row were {side} the {centre} (a shift)."
    elif ep.rule == "trend":
        way = "up" if ep.side == "high" else "down"
        text = f"From {when}, {ep.n_points} points in a row went steadily {way} (a trend)."
    elif ep.rule == "two_of_three":
        text = f"In {when}, 2 of 3 points were close to the {limit} limit."
    elif ep.rule == "hugging":
        text = (
            f"From {when}, {ep.n_points} points in a row stayed very close to the {centre}: "
            "less variation than the limits expect, often a sign that data from different "
            "sources are mixed."
        )
    else:
        text = f"In {when}, a point was {side} the {limit} control limit."
    judged = _judge(ep, direction)
    better = "Higher" if direction == "increase" else "Lower"
    if judged == "improvement":
        text += f" {better} is better here, so this is an improvement."
    elif judged == "concern":
        text += f" {better} is better here, so this is a change for the worse."
    if start is not None:
        start_txt = _when(start, 0)
        if ep.x_start >= start:
            text += f" It came after the test of change started ({start_txt})."
        elif ep.x_end >= start:
            text += f" It began before the test of change started ({start_txt})."
        else:
            text += f" It happened before the test of change started ({start_txt})."
    return text


def _suggested_phases(res: Any, points: pd.DataFrame, x: pd.Series) -> list[str]:
    """Sentences for the engine's suggested new phases (advice, never applied silently)."""
    summary = res.summary if isinstance(res.summary, pd.DataFrame) else pd.DataFrame()
    if "suggested_phase_start" not in summary.columns:
        return []
    out = []
    for pos in summary["suggested_phase_start"].dropna():
        if is_finite(pos) and 0 <= int(pos) < len(points):
            when = _when(x.iloc[int(pos)], int(pos))
            out.append(
                f"The shift is sustained, so the chart could start a new phase in {when} with its "
                "own centre line; this is a suggestion and has not been applied."
            )
    return out


def reading(
    res: Any,
    measure_label: str,
    *,
    direction: str | None = None,
    test_start: Any = None,
    unit: str = "days",
    points_noun: str | None = None,
) -> str:
    """Return a plain-language paragraph explaining what the chart shows.

    Parameters
    ----------
    res : SPCResult
        The analysis.
    measure_label : str
        What is measured, e.g. "days from becoming looked after to the permanence
        recommendation".
    direction : {"increase", "decrease", "neutral"}, optional
        Which way is better; by default ``res.options.direction``.
    test_start : date-like or number, optional
        When the test of change started.
    unit, points_noun : str
        As in :func:`alt_text`.

    Returns
    -------
    str
        One paragraph: what the chart and its lines are, how it is read, the signals (when,
        which way, before or after the test started, better or worse) and the caveats.
    """
    points = check_result(res).reset_index(drop=True)
    direction = _direction(res, direction)
    x, is_date = x_values(points)
    start = _test_start(test_start, is_date)
    n = int(points["y"].notna().sum())
    noun = _noun(points, unit, points_noun)
    kind = _kind(res)
    kind = "run chart" if kind == "Run chart" else f"{kind} (a control chart)"
    span = ""
    if is_date and n:
        span = f", from {_when(x.min(), 0)} to {_when(x.max(), 0)}"
    parts = [f"This {kind} shows {measure_label} for {n} {noun} in time order{span}."]
    caveat_list = caveats(res)
    if any(c.code == "too_few_points" for c in caveat_list):
        parts.append("There are too few points to say anything about patterns yet.")
        return " ".join(parts)
    centres = _centre_values(res, points, unit)
    centre = _centre(res)
    if len(centres) == 1:
        base = flag(points, "baseline")
        partial = bool(base.any() and not base.all())
        scope = f"the first {int(base.sum())} points (the baseline)" if partial else "the points"
        if centre == "median":
            what = f" of {scope}: half of those points lie above it and half below"
        else:
            what = f", the average of {scope}"
        if partial:
            what += "; it is extended across the chart"
        parts.append(f"The line across the middle is the {centre} ({centres[0][1]}){what}.")
    else:
        listing = "; ".join(f"{p}: {v}" for p, v in centres)
        parts.append(
            f"The chart is split into {len(centres)} phases, each with its own {centre} "
            f"({listing})."
        )
    if chart_type(res) not in RUN_CHARTS:
        parts.append(
            "The dashed lines are the control limits: while nothing changes, nearly all points "
            "fall between them, scattered at random."
        )
    parts.append(_rules_sentence(res))
    eps = _merge_sigma(episodes(res))
    runs = _runs_phrases(res)
    if not eps and not runs:
        parts.append(
            "There are no signals: the ups and downs are what chance alone would produce "
            "(common-cause variation), so the chart gives no evidence that "
            f"{measure_label} has changed."
        )
    else:
        parts += [_signal_sentence(ep, res, direction, start) for ep in eps]
        if runs:
            parts.append("The runs analysis also signals " + " and ".join(runs) + ".")
    parts += _suggested_phases(res, points, x)
    if start is not None and not any(ep.x_start >= start for ep in eps):
        parts.append(
            f"No signal has appeared since the test of change started ({_when(start, 0)})."
        )
    parts += [c.text for c in caveat_list]
    return " ".join(parts)
