"""Analyse one change idea for one authority: extract -> measures -> SPC, with its PDSA ramp.

:func:`analyse_change_idea` does every computation a change-idea report needs, once; the
sections (:mod:`paceqi.changeidea.sections`) only format what it returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from paceqi.changeidea.params import ReportParams
from paceqi.errors import OptionsError, PaceqiError

__all__ = ["MeasureAnalysis", "ChangeIdeaAnalysis", "analyse_change_idea", "MIN_BASELINE"]

#: Fewest points before the test start for them to form a frozen baseline. Fewer than this and
#: the whole series is analysed as one phase (NHSRplotthedots' 12-point minimum for limits,
#: shared METHODS.md §4 "Baseline").
MIN_BASELINE = 12

#: Fewest points for any analysis at all; below it the measure is shown as "too few data".
MIN_POINTS = 2

#: Most children (or events) charted one point each. A larger authority's interval measure is
#: charted as the median days of the children who reached the end stage in each period (month
#: or quarter), and a days-between-events measure on a run or I chart as the median gap per
#: period: a run chart of hundreds of single points shows mostly noise (and makes a report
#: heavy), and QI teams chart medians per period at that volume (shared DOMAIN.md §1.4).
#: Children still waiting are reported beside the chart, never dropped silently.
MAX_CHILD_POINTS = 120


@dataclass(frozen=True)
class MeasureAnalysis:
    """One measure of the change idea: its definition, series and SPC result (or why not)."""

    definition: Any  # paceqi.measures.definitions.MeasureDefinition
    frame: pd.DataFrame
    result: Any | None  # paceqi.spc.SPCResult
    problem: str | None = None
    n_censored: int = 0
    per_period: bool = False
    x_label: str = ""

    @property
    def name(self) -> str:
        """The measure's name (key in the measures YAML)."""
        return str(self.definition.name)

    @property
    def family(self) -> str:
        """``outcome``, ``process`` or ``balancing``."""
        return str(self.definition.family)

    @property
    def unit(self) -> str:
        """The unit of the plotted values, for plain-language text."""
        return "" if self.definition.default_chart == "p" else "days"


@dataclass(frozen=True)
class ChangeIdeaAnalysis:
    """Everything a change-idea report shows, computed once."""

    params: ReportParams
    extract: Any  # paceqi.data.extract.Extract
    events: pd.DataFrame
    as_of: dt.date
    change_idea_label: str
    measures: tuple[MeasureAnalysis, ...]
    ramp: pd.DataFrame
    annotations: pd.DataFrame
    quality: pd.DataFrame
    document: dict[str, Any] = field(default_factory=dict)
    test_start: dt.date | None = None

    def measure(self, name: str) -> MeasureAnalysis:
        """Return one measure's analysis by name."""
        for m in self.measures:
            if m.name == name:
                return m
        known = ", ".join(m.name for m in self.measures)
        raise OptionsError(f"No measure '{name}' in this report. Measures: {known}")

    def family(self, family: str) -> tuple[MeasureAnalysis, ...]:
        """Return the measures of one family (outcome, process, balancing)."""
        return tuple(m for m in self.measures if m.family == family)


def analyse_change_idea(params: ReportParams) -> ChangeIdeaAnalysis:
    """Load the extract and PDSA records and analyse every measure of the change idea.

    Parameters
    ----------
    params : ReportParams
        From :func:`paceqi.changeidea.params.report_parameters`.

    Returns
    -------
    ChangeIdeaAnalysis

    Raises
    ------
    DataValidationError
        If the extract fails validation (the notebook shows ``err.failures``).
    OptionsError
        If the authority is not in the extract or the change idea has no measures.
    """
    from paceqi.data.load import load_extract
    from paceqi.measures.definitions import load_measures

    extract = load_extract(params.extract, params.mapping, as_of=params.as_of)
    as_of = params.as_of or extract.as_of
    events = extract.events
    if params.authority not in set(events["authority"]):
        found = ", ".join(sorted(set(events["authority"]))[:10])
        raise OptionsError(
            f"Authority '{params.authority}' is not in {Path(params.extract).name} "
            f"(authorities found: {found})"
        )
    events = events[events["authority"] == params.authority].reset_index(drop=True)
    definitions = load_measures(params.change_idea)
    pdsa = _pdsa_records(params)
    ramp, annotations, quality, document, label = pdsa
    test_start = params.test_start or _first_cycle_start(ramp)
    measures = tuple(
        _analyse_measure(d, events, as_of, params, test_start) for d in definitions.values()
    )
    return ChangeIdeaAnalysis(
        params=params,
        extract=extract,
        events=events,
        as_of=as_of,
        change_idea_label=label or params.change_idea.replace("_", " ").capitalize(),
        measures=measures,
        ramp=ramp,
        annotations=annotations,
        quality=quality,
        document=document,
        test_start=test_start,
    )


def _first_cycle_start(ramp: pd.DataFrame) -> dt.date | None:
    if ramp.empty or ramp["start_date"].isna().all():
        return None
    return pd.Timestamp(ramp["start_date"].dropna().min()).date()


def _pdsa_records(
    params: ReportParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any], str | None]:
    """Read the change idea's ramp, annotations, quality check and aim from the PDSA store."""
    from paceqi.pdsa.store import PDSAStore

    empty = pd.DataFrame(columns=["ramp", "cycle_no", "start_date", "end_date"])
    no_notes = pd.DataFrame(columns=["date", "label", "kind", "cycle_no"])
    if params.pdsa is None:
        return empty, no_notes, pd.DataFrame(), {}, None
    source = params.pdsa
    from_file = "://" not in source and Path(source).suffix.lower() in (".yaml", ".yml")
    store = PDSAStore("sqlite://" if from_file else source)
    try:
        if from_file:
            store.import_file(source)
        ideas = store.change_ideas(params.authority)
        match = ideas[ideas["notebook"] == params.change_idea] if len(ideas) else ideas
        if match.empty:  # the authority's aim still frames the report
            return empty, no_notes, pd.DataFrame(), store.document(params.authority), None
        name = str(match["name"].iloc[0])
        return (
            store.ramp(params.authority, name),
            store.annotations(params.authority, name),
            store.quality_check(params.authority, name),
            store.document(params.authority),
            name,
        )
    finally:
        store.close()


def _analyse_measure(
    d: Any, events: pd.DataFrame, as_of: dt.date, params: ReportParams, test_start: dt.date | None
) -> MeasureAnalysis:
    from paceqi.measures import measure

    period = params.period if d.period in ("month", "quarter") else None
    frame = measure(d, events, as_of=as_of, period=period)
    x_label = str(frame.attrs.get("x_label", ""))
    if "n" in frame:  # a period with no children in the denominator is not a data point
        frame = frame[frame["n"].fillna(0) > 0]
    frame = _chartable(frame)
    n_censored = int(frame["censored"].sum()) if "censored" in frame else 0
    many = "censored" in frame and len(frame) > MAX_CHILD_POINTS
    if many and _day_column(frame) and d.default_chart in ("run", "i"):
        per_period = _period_medians(frame, params.period)
        res = _spc_measure(d, per_period, params, test_start, n_censored, frame_all=frame)
        label = x_label.replace("Date", params.period.capitalize(), 1)
        return dataclasses.replace(res, x_label=label)
    res = _spc_measure(d, frame, params, test_start, n_censored)
    return dataclasses.replace(res, x_label=x_label)


def _excluded_rows(frame: pd.DataFrame) -> list[Any]:
    """Rows kept out of the centre line, limits and rules (frame-building; issue #12).

    Incomplete points (a cohort, or a child, whose target or follow-up has not passed yet:
    shared METHODS.md section 8) when the series flags them; otherwise, in a series without
    that flag, the children still waiting or the gap still running (``censored``).
    """
    if "incomplete" in frame:
        return list(frame.index[frame["incomplete"].astype(bool)])
    if "censored" in frame:
        return list(frame.index[frame["censored"].astype(bool)])
    return []


def _spc_measure(
    d: Any,
    frame: pd.DataFrame,
    params: ReportParams,
    test_start: dt.date | None,
    n_censored: int,
    frame_all: pd.DataFrame | None = None,
) -> MeasureAnalysis:
    from paceqi.spc import spc

    keep = frame if frame_all is None else frame_all
    left_out = _excluded_rows(frame)  # incomplete / censored points: see _excluded_rows
    usable = len(frame) - len(left_out)
    if usable < MIN_POINTS:
        return MeasureAnalysis(d, keep, None, f"too few points to analyse ({usable})", n_censored)
    exclude = left_out or None
    baseline = int((frame["x"] < pd.Timestamp(test_start)).sum()) if test_start else 0
    freeze = baseline if MIN_BASELINE <= baseline < len(frame) else None
    try:
        res = spc(
            y="y",
            n="n" if "n" in frame else None,
            x="x",
            data=frame,
            chart=d.default_chart,
            rules=params.rules,
            direction=d.direction,
            freeze=freeze,
            exclude=exclude,
        )
    except PaceqiError as exc:  # e.g. too few points for this chart: say so, don't fail
        return MeasureAnalysis(d, keep, None, str(exc), n_censored)
    return MeasureAnalysis(d, keep, res, None, n_censored, per_period=frame_all is not None)


def _period_medians(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Return the median days per period (see MAX_CHILD_POINTS), in the series' time order.

    Per child (a start-ordered :func:`paceqi.measures.child_series`): the median days of the
    children who **started** in the period (start cohort), children still waiting counted
    with their days so far; a period is ``incomplete`` when any of its children is (followed
    less than the series' horizon), so it is drawn hollow and kept out of limits and rules. Once a
    period is complete, a child still waiting has waited longer than the horizon (at least
    the 90th centile of finished waits), so the median is exact (shared METHODS.md section 8).
    Per event (days between events): the median of the gaps that ended in the period; the
    gap still running is left out.
    """
    freq = "M" if period == "month" else "Q"
    if "incomplete" in frame:  # per child, start cohort
        start = pd.to_datetime(frame["start_date"]).dt.to_period(freq).dt.start_time
        grouped = frame.assign(x=start).groupby("x", as_index=False)
        out = grouped.agg(
            y=("y", "median"),
            children=("y", "size"),
            still_waiting=("censored", "sum"),
            incomplete=("incomplete", "any"),
        )
        return out.assign(censored=False)
    done = frame[~frame["censored"]]
    start = pd.to_datetime(done[_day_column(frame)]).dt.to_period(freq).dt.start_time
    out = done.assign(x=start).groupby("x", as_index=False).agg(y=("y", "median"), k=("y", "size"))
    return out.rename(columns={"k": "children"}).assign(censored=False)


def _day_column(frame: pd.DataFrame) -> str | None:
    """Return the column of each point's calendar day (None for a per-period series).

    ``x_date`` in a per-child series, ``event_date`` in a days-between-events series.
    """
    return "x_date" if "x_date" in frame else "event_date" if "event_date" in frame else None


def _chartable(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a per-child or per-event series distinct dates on the x axis.

    ``spc`` aggregates rows that share ``x``; children who reached a stage on the same day (or
    two events on the same day, in a days-between-events series) are separate points, so they
    are spread by whole seconds within that day (invisible on a chart of months and years) and
    keep their order.
    """
    day = _day_column(frame)
    if day is None:
        return frame.reset_index(drop=True)
    out = frame.sort_values([day, "x"], kind="stable").reset_index(drop=True)
    offset = pd.to_timedelta(out.groupby(day).cumcount(), unit="s")
    return out.assign(x=pd.to_datetime(out[day]) + offset)
