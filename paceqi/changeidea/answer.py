"""The answer to "has this change shortened the time children wait?" — one decision table.

:func:`answer` reads a :class:`~paceqi.changeidea.analysis.ChangeIdeaAnalysis` and returns an
:class:`Answer`: a status from a fixed vocabulary (:data:`STATUSES`), a headline led by the
primary outcome measure with its numbers, and the caveats. The report's first screen, the
headline and the batch index's key figures all come from this one record, so they cannot
disagree. The decision table, with its sources, is in docs/methods.md §8; every constant below
is cited there and beside it.

Each measure is judged by :func:`judge` on its chart's points against the **frozen baseline**
(the points before the period that contains the test start; Provost & Murray, *The Health Care
Data Guide*, 2011, ch. 3): only a sustained shift (a run of at least the rule set's shift length
on one side of the baseline centre line) counts as evidence of a change (METHODS.md §8; Anhøj &
Olesen, PLoS ONE 2014;9:e113825 on the trend rule). A single point beyond a limit and a trend are
reported but never decide the answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from paceqi.changeidea.casemix import (
    MIX_ALPHA,
    MIX_MIN_SHARE_CHANGE,
    ROUTE_WORDS,
    MixCheck,
    by_route,
    child_frame,
    mix_check,
    within_routes_improved,
)
from paceqi.report.keyfigures import STATUSES as KEY_FIGURE_STATUSES

__all__ = [
    "Answer",
    "Judgement",
    "MixCheck",
    "STATUSES",
    "STATUS_WORDS",
    "answer",
    "judge",
    "mix_check",
    "by_route",
    "baseline_cut",
    "primary_measure",
    "same_gap_days",
    "days_of_the_same_wait",
    "ATTRIBUTION_WINDOW_DAYS",
    "MOVE_TEST_ALPHA",
    "MIN_BASELINE_POINTS",
    "MIN_MATERIAL_CHANGE",
    "MIN_MATERIAL_POINTS",
    "MIX_ALPHA",
    "MIX_MIN_SHARE_CHANGE",
]

#: The answer vocabulary, in the order of the decision table (docs/methods.md §8). Defined
#: once in :mod:`paceqi.report.keyfigures` (standard library only, so reading a record needs
#: no analysis code).
STATUSES = KEY_FIGURE_STATUSES

#: How each status reads in a headline (the first words the user sees).
STATUS_WORDS = {
    "not_tested": "Cannot tell: no test of change is recorded",
    "too_few": "Too few data to tell",
    "too_early": "Too early to tell",
    "began_before": "No: the improvement began before the test",
    "worse": "No: it got worse",
    "partly": "Partly",
    "around_start": "Yes, beginning around the test start",
    "yes": "Yes",
    "no_sign": "No sign of improvement yet",
}

#: Fewest useful points before the test start for a frozen baseline: NHSRplotthedots'
#: ``fix_after_n_points`` minimum and MDC guidance (METHODS.md §4 "Baseline"); equal to
#: :data:`paceqi.changeidea.analysis.MIN_BASELINE`.
MIN_BASELINE_POINTS = 12

#: A shift counts as evidence for the test only if it begins within this many days after the
#: test start (two years: PACE tests of change ran PDSA ramps of months, and a QI report
#: attributes a shift to a change only when it follows it closely — METHODS.md §8 "signals far
#: from the test start are not attributed"). Later shifts are reported, not credited.
ATTRIBUTION_WINDOW_DAYS = 730

#: A better-side run that straddles the start of the test period "began around the test
#: start" (METHODS.md §8) unless a full shift (the rule set's shift length) of it lies before
#: the test period: then the improvement began before the test.
#: A sustained run counts only when the test period as a whole moved the same way: one-sided
#: Mann-Whitney (rank-sum) test of the points since the test period began against the
#: baseline points, at this level. The frozen baseline (Provost & Murray 2011, ch. 3) is an
#: estimate; over a long test period a run of 6 on one side of it also happens by chance
#: (Anhøj & Olesen 2014 on the false-signal rate of fixed run lengths as n grows).
MOVE_TEST_ALPHA = 0.05


class _Figures(TypedDict):
    """The figures every :class:`Judgement` of a measure with enough points carries."""

    baseline: float | None
    since: float | None
    n_baseline: int
    n_since: int
    shift_length: int


@dataclass(frozen=True)
class Judgement:
    """What one measure's chart says about the test of change.

    Attributes
    ----------
    status : str
        ``too_few``, ``too_early``, ``began_before``, ``around_start``, ``yes`` (a sustained
        improvement that began after the start), ``worse``, or ``no_sign``.
    baseline, since : float or None
        The frozen baseline's reference line and the same statistic of the points since the
        start of the test period: Σy/Σn on P/U charts, else the median of the points.
    n_baseline, n_since : int
        Useful points in the baseline and since the start of the test period.
    shift_length : int
        Points in a row that make a shift under the chart's rule set.
    notes : tuple of str
        Plain sentences: the evidence and what was deliberately not counted.
    """

    status: str
    baseline: float | None = None
    since: float | None = None
    n_baseline: int = 0
    n_since: int = 0
    shift_length: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The answer to "has the change led to an improvement?", led by the primary outcome.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    headline : str
        One line: the status in words, then the primary outcome's numbers.
    primary : str or None
        The primary outcome measure's name (None when the change idea has no outcome measure).
    primary_label : str or None
        Its label.
    baseline, since : float or None
        Baseline centre line and the value since the test (days, or a proportion 0-1).
    unit : str
        ``"days"`` or ``"%"`` (``baseline``/``since`` are then proportions 0-1).
    within_target : float or None
        Percent of children within the target since the test (the change idea's outcome
        proportion-within-target measure), 0-100.
    aim : float or None
        The aim's target percent, when recorded.
    target_label : str or None
        What ``within_target`` counts (the measure's label).
    caveats : tuple of str
        Plain sentences qualifying the answer (mix shift, balancing cost, late signals...).
    measures : tuple of (name, label, family, status) tuples
        Every measure's own judgement, for the evidence list.
    mix : MixCheck or None
        The route-mix check of the primary outcome.
    rule : str
        The decision-table row that decided the answer (docs/methods.md §8), e.g. ``"R5"``.
    """

    status: str
    headline: str
    primary: str | None = None
    primary_label: str | None = None
    baseline: float | None = None
    since: float | None = None
    unit: str = "days"
    within_target: float | None = None
    aim: float | None = None
    target_label: str | None = None
    caveats: tuple[str, ...] = ()
    measures: tuple[tuple[str, str, str, str], ...] = field(default=())
    mix: MixCheck | None = None
    rule: str = ""

    @property
    def improved(self) -> bool:
        """Whether the primary outcome improved after (or around) the test start."""
        return self.status in ("yes", "around_start", "partly")

    @property
    def word(self) -> str:
        """The status in words (:data:`STATUS_WORDS`)."""
        return STATUS_WORDS[self.status]


# -- one measure -------------------------------------------------------------------------------


def baseline_cut(test_start: dt.date, period: str | None) -> pd.Timestamp:
    """Return the first date that is NOT baseline: the start of the test start's period.

    Parameters
    ----------
    test_start : date
        When the test of change started.
    period : {"month", "quarter", "half", "year"} or None
        The chart's period (None: one point per child or event; the cut is the test start).

    Examples
    --------
    >>> baseline_cut(dt.date(2016, 5, 10), "quarter")
    Timestamp('2016-04-01 00:00:00')
    >>> baseline_cut(dt.date(2016, 5, 10), None)
    Timestamp('2016-05-10 00:00:00')
    """
    ts = pd.Timestamp(test_start)
    freq = {"month": "M", "quarter": "Q", "half": "Q", "year": "Y"}.get(period or "")
    if freq is None:
        return ts
    start = ts.to_period(freq).start_time
    if period == "half":
        start = pd.Timestamp(start.year, 1 if start.month < 7 else 7, 1)
    return start


def _runs(side: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Maximal runs of one sign: (sign, first position, last position, useful points).

    Points on the centre line (0) and missing values (NaN) neither make nor break a run (Perla,
    Provost & Murray 2011).
    """
    out: list[tuple[int, int, int, int]] = []
    cur_sign, first, last, count = 0, -1, -1, 0
    for i, s in enumerate(side):
        if np.isnan(s) or s == 0:
            continue
        if s == cur_sign:
            last, count = i, count + 1
            continue
        if cur_sign:
            out.append((cur_sign, first, last, count))
        cur_sign, first, last, count = int(s), i, i, 1
    if cur_sign:
        out.append((cur_sign, first, last, count))
    return out


def _shift_length(res: Any) -> int:
    from paceqi.narrative import min_points_after

    return max(int(min_points_after(res)), 2)


def _centre(values: pd.Series, n: pd.Series | None, chart: str) -> float | None:
    values = values.dropna()
    if values.empty:
        return None
    if chart in ("p", "pp", "u", "up") and n is not None:
        n = n.loc[values.index].astype(float)
        total = float(n.sum())
        return float((values * n).sum() / total) if total > 0 else None
    return float(values.median())


def _when(x: Any) -> str:
    return pd.Timestamp(x).strftime("%B %Y")


def judge(
    res: Any,
    *,
    direction: str,
    test_start: dt.date | None,
    period: str | None = None,
    label: str = "the measure",
) -> Judgement:
    """Judge one measure's chart against its frozen baseline (decision table, docs/methods.md §8).

    Parameters
    ----------
    res : SPCResult or None
        The measure's analysis; None when it could not be analysed.
    direction : {"increase", "decrease", "neutral"}
        Which way is better.
    test_start : date or None
        When the test of change started.
    period : str or None
        The chart's period (``month``, ``quarter``, ``half``, ``year``), None for one point per
        child or event; decides the baseline cut (:func:`baseline_cut`).
    label : str
        Used in the notes.

    Returns
    -------
    Judgement
    """
    if res is None or test_start is None:
        return Judgement("too_few")
    pts = res.points.reset_index(drop=True)
    chart = str(getattr(res.options, "chart", "run"))
    x = pd.to_datetime(pts["x"], errors="coerce")
    if x.isna().all():
        return Judgement("too_few", notes=("The chart has no dates, so before/after is unknown.",))
    excluded = pts["excluded"].fillna(False).astype(bool) if "excluded" in pts else False
    useful = pts["y"].notna() & ~excluded
    cut = baseline_cut(test_start, period)
    start = pd.Timestamp(test_start)
    base = useful & (x < cut)
    after = useful & (x >= cut)
    n_base, n_after = int(base.sum()), int(after.sum())
    shift_n = _shift_length(res)
    n = pts.get("n", None)
    baseline = _centre(pts.loc[base, "y"], n, chart)
    since = _centre(pts.loc[after, "y"], n, chart)
    common: _Figures = {"baseline": baseline, "since": since, "n_baseline": n_base,
                        "n_since": n_after, "shift_length": shift_n}  # fmt: skip
    # R1: minimum points first.
    if n_base < MIN_BASELINE_POINTS:
        return Judgement(
            "too_few",
            notes=(
                f"Only {n_base} point{'s' if n_base != 1 else ''} of {label} before the test "
                f"period; a frozen baseline needs at least {MIN_BASELINE_POINTS}.",
            ),
            **common,
        )
    base_y = pts.loc[base, "y"].astype(float)
    if base_y.nunique() <= 1:
        return Judgement(
            "too_few",
            notes=(
                f"Every baseline point of {label} has the same value, so the baseline has no "
                "variation to judge a change against.",
            ),
            **common,
        )
    if n_after < shift_n:
        return Judgement(
            "too_early",
            notes=(
                f"{n_after} point{'s' if n_after != 1 else ''} of {label} since the test period "
                f"began; a shift needs at least {shift_n} in a row.",
            ),
            **common,
        )
    # The reference line: the baseline proportion (Σy/Σn) on P/U charts, else the baseline
    # median: the run-chart rule (Perla 2011) on any chart of days, robust to the outlying
    # waits that inflate an I chart's mean.
    cl = float(baseline) if baseline is not None else float("nan")
    with np.errstate(invalid="ignore"):
        side = np.sign(pts["y"].to_numpy(dtype=float) - cl)
    side = np.where(useful.to_numpy(), side, np.nan)
    good = {"increase": 1, "decrease": -1}.get(direction, 0)
    if good == 0:
        return Judgement(
            "no_sign",
            notes=("No improvement direction is set, so no change can be called better.",),
            **common,
        )
    window_end = start + pd.Timedelta(days=ATTRIBUTION_WINDOW_DAYS)
    is_after = (x >= cut).to_numpy()
    base_vals = pts.loc[base, "y"].to_numpy(dtype=float)
    after_vals = pts.loc[after, "y"].to_numpy(dtype=float)
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    for run in _runs(side):
        sign, first, last, count = run
        if count < shift_n:
            continue
        s, e = x.iloc[first], x.iloc[last]
        if e < cut:
            continue  # wholly in the baseline: history, judged by the baseline check
        part = side[first : last + 1]
        useful_part = ~np.isnan(part) & (part != 0)
        before_cut = int(np.count_nonzero(useful_part & ~is_after[first : last + 1]))
        if s < cut:
            # straddles the start: a full shift already before the test -> began before;
            # otherwise it began around the test start (METHODS.md §8).
            when = "before" if before_cut >= shift_n else "around"
        elif s <= window_end:
            when = "after"
        else:
            when = "late"
        if when in ("around", "after") and not _material(baseline, since, sign, chart):
            when = "small"
        elif when in ("around", "after") and not _test_period_moved(base_vals, after_vals, sign):
            when = "unconfirmed"
        found.setdefault(f"{'good' if sign == good else 'bad'}_{when}", []).append(run)
    notes = _side_notes(pts, x, after, start, window_end, good, found, label)
    prior = _baseline_improving(pts.loc[base], good, shift_n)
    earlier = found.get("good_before") or (
        prior and (found.get("good_after") or found.get("good_around"))
    )
    if earlier and _beyond_prior_trend(x, pts["y"], base, after, good):
        # improving before the test, but the test period is better than that earlier course
        # continued would give: a further change, counted as beginning around the start
        notes = (
            f"{label[:1].upper() + label[1:]} was already improving before the test period; "
            "the points since it began are better than that earlier trend, extended, would "
            "give (Theil–Sen line through the baseline; sign test).",
            *notes,
        )
        found.setdefault("good_around", []).extend(found.pop("good_before", []))
        earlier = False
    if earlier:
        before = found.get("good_before")
        if before:
            run = before[0]
            text = (
                f"A run of {run[3]} points on the better side of the baseline began in "
                f"{_when(x.iloc[run[1]])}, before the test period ({_when(cut)}): the "
                "improvement was already under way, so it cannot be put down to the change."
            )
        else:
            text = (
                f"{label[:1].upper() + label[1:]} was already improving within the baseline, so "
                "the later difference cannot be put down to the change."
            )
        return Judgement("began_before", notes=(text, *notes), **common)
    good_runs = found.get("good_after", []) + found.get("good_around", [])
    bad_runs = found.get("bad_after", []) + found.get("bad_around", [])
    last_good = max((r[1] for r in good_runs), default=-1)
    last_bad = max((r[1] for r in bad_runs), default=-1)
    if bad_runs and last_bad > last_good:
        run = max(bad_runs, key=lambda r: r[1])
        text = (
            f"From {_when(x.iloc[run[1]])}, {run[3]} points in a row were on the worse side of "
            "the baseline: a sustained change for the worse."
        )
        return Judgement("worse", notes=(text, *notes), **common)
    if good_runs:
        run = max(good_runs, key=lambda r: r[1])
        around = run in found.get("good_around", [])
        text = (
            f"From {_when(x.iloc[run[1]])}, {run[3]} points in a row were on the better side of "
            "the baseline"
            + (
                ", beginning around the test start (just before its period)."
                if around
                else ", after the test started."
            )
        )
        return Judgement("around_start" if around else "yes", notes=(text, *notes), **common)
    return Judgement("no_sign", notes=notes, **common)


#: The smallest change counted as material: 10 % of the baseline median on a chart of days, 5
#: percentage points on a percentage. A sustained change smaller than this is reported but
#: answered "no sign" (paceqi's choice: PACE stretch aims ask for changes of 25-50 %, shared
#: DOMAIN.md §1.3, and a run rule on hundreds of children detects a few days' drift).
MIN_MATERIAL_CHANGE = 0.10
MIN_MATERIAL_POINTS = 0.05


def _material(baseline: float | None, since: float | None, sign: int, chart: str) -> bool:
    """Whether the test period moved the measure by a material amount in direction ``sign``."""
    if baseline is None or since is None:
        return False
    diff = (since - baseline) * sign
    if chart in ("p", "pp", "u", "up"):
        return diff >= MIN_MATERIAL_POINTS
    return baseline != 0 and diff >= MIN_MATERIAL_CHANGE * abs(baseline)


def _test_period_moved(base_y: np.ndarray, after_y: np.ndarray, sign: int) -> bool:
    """Whether the test period's points as a whole moved to one side of the baseline's.

    One-sided Mann-Whitney (Wilcoxon rank-sum) test at :data:`MOVE_TEST_ALPHA`: the points since
    the test period began against the baseline points. A run of ``shift_n`` somewhere in a long
    test period also happens by chance, the more so because the frozen centre line is itself
    an estimate from the baseline; the rank-sum test allows for both.
    """
    from scipy.stats import mannwhitneyu

    base_y = base_y[~np.isnan(base_y)]
    after_y = after_y[~np.isnan(after_y)]
    if base_y.size == 0 or after_y.size == 0:
        return False
    alternative = "greater" if sign > 0 else "less"
    p = float(mannwhitneyu(after_y, base_y, alternative=alternative).pvalue)
    return p < MOVE_TEST_ALPHA


def _beyond_prior_trend(
    x: pd.Series, y: pd.Series, base: pd.Series, after: pd.Series, good: int
) -> bool:
    """Whether the test period is better than the baseline's own course, extended.

    A Theil–Sen line through the baseline points (time in days; a robust slope, Sen 1968),
    kept only when it slopes the better way (else the baseline median), is extended over the
    test period; a one-sided sign test at :data:`MOVE_TEST_ALPHA` asks whether the points since
    the test period began lie on its better side. An improvement that merely continues, or a
    level reached before the test, does not pass.
    """
    from scipy.stats import binom, theilslopes

    days = (x - x.min()).dt.days.to_numpy(dtype=float)
    yb, xb = y[base].to_numpy(dtype=float), days[base.to_numpy()]
    slope, intercept = theilslopes(yb, xb)[:2]
    if not np.isfinite(slope) or slope * good <= 0:
        slope, intercept = 0.0, float(np.median(yb))
    resid = y[after].to_numpy(dtype=float) - (intercept + slope * days[after.to_numpy()])
    resid = resid[np.isfinite(resid) & (resid != 0)]
    if resid.size == 0:
        return False
    k = int(np.count_nonzero(np.sign(resid) == good))
    return float(binom.sf(k - 1, resid.size, 0.5)) < MOVE_TEST_ALPHA


def _baseline_improving(base: pd.DataFrame, good: int, shift_n: int) -> bool:
    """Whether the baseline itself was already improving at its end.

    The baseline's own median splits it; a run of ``shift_n`` or more on the better side that
    reaches the baseline's last point means the series was improving before the test (the
    frozen centre line would then credit the test with an earlier change).
    """
    y = base["y"].astype(float).dropna().to_numpy()
    if y.size < 2 * shift_n:
        return False
    side = np.sign(y - np.median(y))
    runs = _runs(side)
    if not runs:
        return False
    sign, _first, last, count = runs[-1]
    return sign == good and count >= shift_n and last == y.size - 1


def _side_notes(
    pts: pd.DataFrame,
    x: pd.Series,
    after: pd.Series,
    start: pd.Timestamp,
    window_end: pd.Timestamp,
    good: int,
    found: dict[str, list[tuple[int, int, int, int]]],
    label: str,
) -> tuple[str, ...]:
    """Return what was seen but deliberately not counted: late shifts, single points, trends."""
    notes = []
    for sign, first, _last, count in found.get("good_small", []) + found.get("bad_small", []):
        notes.append(
            f"A run of {count} points on the {'better' if sign == good else 'worse'} side began "
            f"in {_when(x.iloc[first])}, but the change since the test is smaller than paceqi "
            f"counts as material ({MIN_MATERIAL_CHANGE:.0%} of the baseline median, or "
            f"{100 * MIN_MATERIAL_POINTS:.0f} percentage points on a percentage)."
        )
    for sign, first, _last, count in found.get("good_unconfirmed", []) + found.get(
        "bad_unconfirmed", []
    ):
        notes.append(
            f"A run of {count} points on the {'better' if sign == good else 'worse'} side began "
            f"in {_when(x.iloc[first])}, but the test period as a whole is not on that side of "
            "the baseline (rank-sum test), so it is not counted as a sustained change."
        )
    for sign, first, _last, count in found.get("good_late", []) + found.get("bad_late", []):
        notes.append(
            f"A run of {count} points on the {'better' if sign == good else 'worse'} side began "
            f"in {_when(x.iloc[first])}, more than {ATTRIBUTION_WINDOW_DAYS // 365} years after "
            "the test started, so it is not put down to the change."
        )
    if "sigma_signal" in pts:
        sig = pts.loc[after, "sigma_signal"].fillna(0)
        sig = sig[sig.astype(float) != 0]
        if len(sig):
            notes.append(
                f"{len(sig)} point{'s' if len(sig) != 1 else ''} since the test period began "
                f"{'is' if len(sig) == 1 else 'are'} beyond a control limit: a special cause to "
                "look into, not on its own evidence of a sustained change."
            )
    if "trend" in pts and (pts.loc[after, "trend"].fillna(0).astype(float) != 0).any():
        notes.append(
            "A trend since the test period began is shown on the chart but does not decide the "
            "answer (the trend rule adds false signals without adding power: Anhøj & Olesen "
            "2014)."
        )
    return tuple(notes)


# -- the whole change idea ---------------------------------------------------------------------


def _period_of(m: Any, a: Any) -> str | None:
    """Return the chart period of a measure (None: one point per child or event)."""
    agg = getattr(m, "aggregated", None)
    if agg:
        return str(agg)
    if getattr(m, "per_period", False):
        return str(a.params.period)
    if m.definition.period in ("month", "quarter", "year"):
        return str(a.params.period) if m.definition.period != "year" else "year"
    return None


def primary_measure(a: Any) -> Any | None:
    """Return the primary outcome: the one flagged ``primary``, else the first outcome measure."""
    outcomes = a.family("outcome")
    flagged = [m for m in outcomes if getattr(m.definition, "primary", False)]
    return (flagged or list(outcomes) or [None])[0]


def same_gap_days(m: Any, a: Any, judged: dict[str, Judgement]) -> Any | None:
    """Return the days measure of the same wait as a "% within target" outcome, if judged.

    A P chart of "% within T days" pooled by half-year or year (fewer than
    :data:`~paceqi.changeidea.analysis.MIN_N_PER_POINT` children a quarter) holds too few
    points for a frozen baseline. METHODS.md §8 "Small numbers" allows charting the children
    on a run chart instead: the change idea's ``interval_days`` measure with the same start,
    end and routes is the same wait, one point per child (or the median per period in a large
    authority) in start-cohort order with censoring. Returns that measure when its own
    judgement is not ``too_few``, else None.
    """
    other = days_of_the_same_wait(m, a)
    return other if other is not None and judged[other.name].status != "too_few" else None


def days_of_the_same_wait(m: Any, a: Any) -> Any | None:
    """Return the ``interval_days`` measure of the same wait as a proportion measure ``m``.

    Same start stage, end stage and routes ("% ruled in or out by 18 weeks" and "days to
    kinship options ruled in or out"); None for a measure that is not a proportion or has no
    such twin.
    """
    d = m.definition
    if not str(d.kind).startswith("proportion"):
        return None
    for other in a.measures:
        o = other.definition
        if (
            o.kind == "interval_days"
            and (getattr(o, "start", None), getattr(o, "end", None)) == (d.start, d.end)
            and tuple(getattr(o, "routes", None) or ()) == tuple(d.routes or ())
        ):
            return other
    return None


def _judge_measure(m: Any, a: Any) -> Judgement:
    if m.result is None:
        return Judgement("too_few", notes=(_sentence(m.problem or "not analysed"),))
    return judge(
        m.result,
        direction=str(m.result.options.direction),
        test_start=a.test_start,
        period=_period_of(m, a),
        label=_in_sentence(m.definition.label),
    )


def _in_sentence(label: str) -> str:
    """Return a measure's label for use inside a sentence (first letter lower-cased, acronyms kept).

    >>> _in_sentence("Children on a CSO at home for 2 years (PACE aim 1)")
    'children on a CSO at home for 2 years (PACE aim 1)'
    >>> _in_sentence("ADM decisions within 14 days")
    'ADM decisions within 14 days'
    """
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _within_target(a: Any) -> tuple[float | None, str | None, Any]:
    """Percent within target since the test, from the outcome within-target measure."""
    for m in a.family("outcome"):
        if m.definition.kind != "proportion_within_target" or m.result is None:
            continue
        pts = m.result.points
        use = pts["y"].notna() & pts.get("n", pd.Series(0, index=pts.index)).notna()
        if "excluded" in pts:
            use &= ~pts["excluded"].fillna(False).astype(bool)
        if a.test_start is not None:
            use &= pd.to_datetime(pts["x"]) >= baseline_cut(a.test_start, _period_of(m, a))
        n = float(pts.loc[use, "n"].sum()) if "n" in pts else 0.0
        if n <= 0:
            return None, m.definition.label, m
        met = float((pts.loc[use, "y"] * pts.loc[use, "n"]).sum())
        return round(100 * met / n, 1), m.definition.label, m
    return None, None, None


def _aim(a: Any, m: Any) -> float | None:
    """Return the aim's target percent: ``aim_percent``, else a "NN%" in a recorded aim."""
    import re

    if m is None:
        return None
    value = getattr(m.definition, "aim_percent", None)
    if value is not None:
        return float(value)
    for aim in (a.document or {}).get("aims") or []:
        target = aim.get("target_value")
        if isinstance(target, int | float) and 0 < target <= 100:
            return float(target) * (100 if target <= 1 else 1)
        text = str(aim.get("statement", ""))
        hit = re.search(r"(\d{1,3}(?:\.\d+)?)\s*%", text)
        if hit and float(hit.group(1)) <= 100:
            return float(hit.group(1))
    return None


def _fmt(value: float | None, unit: str) -> str:
    if value is None or not np.isfinite(value):
        return "not available"
    if unit == "%":
        return f"{100 * value:.0f}%"
    return f"{value:,.0f} days"


def answer(a: Any) -> Answer:
    """Answer "has the change led to an improvement?" for one change idea and authority.

    The decision table (docs/methods.md §8), first matching row wins:

    - R0 ``not_tested``: no test start (no PDSA cycle, no ``test_start``).
    - R1 ``too_few``: no primary outcome, or it could not be analysed, or fewer than
      :data:`MIN_BASELINE_POINTS` baseline points, or a baseline without variation. A "% within
      target" primary that is too few is first replaced by the days measure of the same wait
      (:func:`same_gap_days`), which then goes through the same table.
    - R2 ``too_early``: fewer points since the test period began than a shift needs.
    - R3 ``began_before``: a better-side run that runs on into the test period already had a
      full shift before it, or the baseline was already improving at its end.
    - R4 ``worse``: the latest sustained run within the window is on the worse side (with the
      same sign-test check).
    - R5 ``yes`` / ``around_start``: a sustained better-side run began after the test start
      (within :data:`ATTRIBUTION_WINDOW_DAYS`) or straddles it, and the test period as a
      whole is on the better side (rank-sum test, :data:`MOVE_TEST_ALPHA`). Downgraded to
      ``partly`` when a balancing measure got worse ("improved, but at a cost") or the route
      mix shifted with some route improving, and to ``no_sign`` when the route mix shifted and
      no route improved.
    - R6 ``no_sign``: otherwise (single points, trends and late shifts are reported only).

    Parameters
    ----------
    a : ChangeIdeaAnalysis

    Returns
    -------
    Answer
        Computed once per analysis: the answer section, the evidence list, the headline and
        the key figures all ask for it, and the analysis (a frozen record) cannot change.
    """
    memo = getattr(a, "__dict__", None)
    if memo is not None and isinstance(memo.get(_MEMO), Answer):
        return memo[_MEMO]
    ans = _answer(a)
    if memo is not None:
        memo[_MEMO] = ans  # beside the frozen dataclass's fields, as functools.cached_property
    return ans


#: Where :func:`answer` keeps an analysis's answer (in the analysis object's ``__dict__``).
_MEMO = "_paceqi_answer"


def _answer(a: Any) -> Answer:
    judged = {m.name: _judge_measure(m, a) for m in a.measures}
    listing = tuple(
        (m.name, m.definition.label, m.family, judged[m.name].status) for m in a.measures
    )
    primary = primary_measure(a)
    if a.test_start is None:
        return Answer(
            "not_tested",
            STATUS_WORDS["not_tested"],
            primary=primary.name if primary else None,
            primary_label=primary.definition.label if primary else None,
            caveats=(
                "No PDSA cycle and no test start date are recorded, so the charts cannot "
                "compare before and after a change.",
            ),
            measures=listing,
            rule="R0",
        )
    if primary is None:
        return Answer(
            "too_few",
            STATUS_WORDS["too_few"] + ": this change idea has no outcome measure",
            measures=listing,
            rule="R1",
        )
    j = judged[primary.name]
    led_by = same_gap_days(primary, a, judged) if j.status == "too_few" else None
    lead_note: list[str] = []
    if led_by is not None:
        per = f"the median per {a.params.period}" if led_by.per_period else "one point per child"
        lead_note = [
            f"Too few points of {_in_sentence(primary.definition.label)} for a frozen baseline "
            f"({j.n_baseline} before the test period, {MIN_BASELINE_POINTS} needed), so the "
            f"answer is led by {_in_sentence(led_by.definition.label)}: the same wait, {per} "
            "in start-cohort order, children still waiting censored.",
            *j.notes,
        ]
        primary, j = led_by, judged[led_by.name]
    unit = "%" if primary.definition.default_chart in ("p", "pp") else "days"
    pct, target_label, target_m = _within_target(a)
    aim = _aim(a, target_m)
    caveats = lead_note + list(j.notes) + list(getattr(primary, "notes", ()))
    status = j.status
    rule = {"too_few": "R1", "too_early": "R2", "began_before": "R3", "worse": "R4",
            "yes": "R5", "around_start": "R5", "no_sign": "R6"}[status]  # fmt: skip
    mix = None
    frame = child_frame(primary)
    if frame is not None and status not in ("too_few",):
        mix = mix_check(frame, baseline_cut(a.test_start, None))
    good = {"increase": 1, "decrease": -1}.get(
        str(primary.result.options.direction) if primary.result is not None else "", 0
    )
    if status in ("yes", "around_start"):
        mix_helps = (
            mix is not None
            and mix.mix_only is not None
            and mix.baseline_median is not None
            and (mix.mix_only - mix.baseline_median) * good > 0
        )
        if mix is not None and mix.material and mix_helps:
            mix_text = (
                f"The route mix changed between the baseline and the test period: the share of "
                f"{ROUTE_WORDS.get(mix.route or '', mix.route)} went from "
                f"{mix.share_before:.0%} to {mix.share_since:.0%} (chi-square p = "
                f"{mix.p_value:.3g}). Waits differ several-fold by route, so part or all of the "
                "change may come from the mix."
            )
            cut = baseline_cut(a.test_start, None)
            if within_routes_improved(frame, cut, good, a.params.min_cell):
                status, rule = "partly", "R5-mix"
                caveats.insert(0, mix_text + " Within at least one route the waits improved too.")
            else:
                status, rule = "no_sign", "R5-mix-only"
                caveats.insert(
                    0,
                    mix_text + " Within routes the waits did not improve (one-sided rank-sum "
                    "test per route): no sign that the change shortened waits.",
                )
        worse_bal = [m for m in a.family("balancing") if judged[m.name].status == "worse"]
        if worse_bal and status in ("yes", "around_start", "partly"):
            names = "; ".join(m.definition.label for m in worse_bal)
            caveats.insert(0, f"Improved, but at a cost: {names} got worse.")
            status, rule = "partly", rule + "-cost"
        process = a.family("process")
        if (
            status != "no_sign"
            and process
            and not any(judged[m.name].status in ("yes", "around_start") for m in process)
        ):
            caveats.append(
                "No process measure shows the change itself happening, so the improvement may "
                "have another cause."
            )
    elif (
        status == "no_sign"
        and mix is not None
        and mix.material
        and frame is not None
        and within_routes_improved(frame, baseline_cut(a.test_start, None), good,
                                    a.params.min_cell)
    ):  # fmt: skip
        caveats.insert(
            0,
            "Within routes the waits improved (one-sided rank-sum test per route), but the "
            f"route mix changed (share of {ROUTE_WORDS.get(mix.route or '', mix.route)}: "
            f"{mix.share_before:.0%} to {mix.share_since:.0%}) and the pooled figure did not "
            "show a sustained change: compare the routes in the table.",
        )
    if status in ("no_sign", "too_early"):
        better = [
            _in_sentence(m.definition.label)
            for m in a.family("process") + a.family("outcome")
            if m is not primary and judged[m.name].status in ("yes", "around_start")
        ]
        if better:
            listed = "; ".join(better[:-1]) + " and " + better[-1] if better[1:] else better[0]
            caveats.append(
                f"Mixed results: {listed} improved after the test started, but the primary "
                "outcome has not."
            )
    if mix is not None and mix.material and not rule.startswith("R5-mix"):
        # the mix moved the other way (or the answer is not an improvement): a caveat only
        caveats.append(
            f"The route mix changed (share of {ROUTE_WORDS.get(mix.route or '', mix.route)}: "
            f"{mix.share_before:.0%} to {mix.share_since:.0%}); compare the routes in the table."
        )
    head = _headline(status, primary, j, unit, pct, aim, target_label)
    return Answer(
        status,
        head,
        primary=primary.name,
        primary_label=primary.definition.label,
        baseline=j.baseline,
        since=j.since,
        unit=unit,
        within_target=pct,
        aim=aim,
        target_label=target_label,
        caveats=tuple(dict.fromkeys(caveats)),
        measures=listing,
        mix=mix,
        rule=rule,
    )


def _headline(
    status: str,
    primary: Any,
    j: Judgement,
    unit: str,
    pct: float | None,
    aim: float | None,
    target_label: str | None,
) -> str:
    word = STATUS_WORDS[status]
    label = primary.definition.label
    lower = label[:1].lower() + label[1:]
    if j.baseline is None:
        return f"{word} ({lower})"
    stat = "median" if unit == "days" else "rate"
    text = f"{word}. {label}: baseline {stat} {_fmt(j.baseline, unit)}"
    text += f" → {_fmt(j.since, unit)} since the test" if j.since is not None else ""
    if pct is not None:
        text += f"; {pct:.0f}% within target since the test"
        text += f" (aim {aim:.0f}%)" if aim is not None else ""
    return text + "."
