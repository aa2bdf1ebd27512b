"""Analyse one change idea for one authority: extract -> measures -> SPC, with its PDSA ramp.

:func:`analyse_change_idea` does every computation a change-idea report needs, once; the
sections (:mod:`paceqi.changeidea.sections`) only format what it returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from paceqi.changeidea.params import ReportParams
from paceqi.errors import OptionsError, PaceqiError

if TYPE_CHECKING:
    from paceqi.measures.definitions import MeasureDefinition
    from paceqi.spcstats import SPCResult

__all__ = [
    "MeasureAnalysis",
    "ChangeIdeaAnalysis",
    "PDSASource",
    "analyse_change_idea",
    "MIN_BASELINE",
]

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

    definition: MeasureDefinition
    frame: pd.DataFrame
    result: SPCResult | None
    problem: str | None = None
    n_censored: int = 0
    per_period: bool = False
    x_label: str = ""
    #: The coarser period the points were pooled to because of small numbers (``"half"``,
    #: ``"year"``), or None; see :data:`MIN_N_PER_POINT`.
    aggregated: str | None = None
    #: Plain sentences about how the chart was built (pooled periods, run-chart fallback).
    notes: tuple[str, ...] = ()

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
        """The unit of the plotted values: ``"%"`` or ``"days"``.

        ``"%"`` means proportions 0-1, also on the run chart that small numbers fall back to.
        """
        return "%" if self.definition.default_chart in ("p", "pp") else "days"


@dataclass(frozen=True)
class PDSASource:
    """Which PDSA store a report read and how many cycles it found there.

    Attributes
    ----------
    label : str
        The store's file name (never an absolute path) or database name.
    n_cycles : int
        Cycles of this change idea read from the store.
    n_authority : int
        Cycles of the authority (every change idea) in the store.
    exists : bool
        False when the default store has not been created yet (no cycles: normal).
    problem : str or None
        Why a store the user named could not be read (shown at the top of the report).
    """

    label: str
    n_cycles: int = 0
    n_authority: int = 0
    exists: bool = True
    problem: str | None = None

    def sentence(self, authority: str) -> str:
        """Return one plain sentence naming the store and what was read from it."""
        if self.problem is not None:
            return self.problem
        if not self.exists:
            return (
                f"No PDSA cycles recorded for this change idea: the PDSA store {self.label} "
                "has not been created yet (the PDSA tracker notebook or `paceqi pdsa` creates "
                "it)."
            )
        if self.n_cycles == 0:
            return (
                f"No PDSA cycles recorded for this change idea in the PDSA store {self.label} "
                f"({self.n_authority} cycle{'s' if self.n_authority != 1 else ''} of other "
                f"change ideas for {authority})."
            )
        return (
            f"Read {self.n_cycles} PDSA cycle{'s' if self.n_cycles != 1 else ''} of this change "
            f"idea from the PDSA store {self.label} ({self.n_authority} for {authority} in all)."
        )


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
    pdsa_source: PDSASource | None = None
    #: stages the extract does not record at all (left out of medians, waiting and headlines)
    unrecorded: frozenset[str] = frozenset()

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
    from paceqi.data.coverage import unrecorded_stages
    from paceqi.measures.definitions import load_measures
    from paceqi.report.cache import load_extract_cached

    # parsed once per file content on a warm batch kernel (paceqi.report.cache)
    # only this authority's rows are checked: other councils' rows in the file cannot block it
    extract = load_extract_cached(
        params.extract, params.mapping, as_of=params.as_of, authority=params.authority
    )
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
    ramp, annotations, quality, document, label, source = _pdsa_records(params)
    test_start = params.test_start or _first_cycle_start(ramp)
    measures = tuple(
        analyse_measure(d, events, as_of, params, test_start) for d in definitions.values()
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
        pdsa_source=source,
        unrecorded=unrecorded_stages(extract),
    )


def _first_cycle_start(ramp: pd.DataFrame) -> dt.date | None:
    if ramp.empty or ramp["start_date"].isna().all():
        return None
    return pd.Timestamp(ramp["start_date"].dropna().min()).date()


def _pdsa_records(
    params: ReportParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any], str | None, PDSASource]:
    """Read the change idea's ramp, annotations, quality check and aim from the PDSA store.

    The store is the ``pdsa`` parameter when given (a SQLite file, a database URL or a PDSA
    YAML file), else the project's store (``$PACEQI_DB`` or ``workspace/paceqi.db``), the one
    the tracker and ``paceqi pdsa`` write. No store yet, or no cycles for this change idea, is
    normal: the report says so. A store the user named that cannot be read is reported (at the
    top of the report), never raised.
    """
    from paceqi.errors import DataValidationError
    from paceqi.pdsa.store import PDSAStore, default_url, normalise_url, store_label
    from paceqi.pdsa.views import pdsa_quality_check

    empty = pd.DataFrame(columns=["ramp", "cycle_no", "start_date", "end_date"])
    no_notes = pd.DataFrame(columns=["date", "label", "kind", "cycle_no"])
    named = params.pdsa is not None
    source = params.pdsa if params.pdsa is not None else default_url()
    from_file = "://" not in source and Path(source).suffix.lower() in (".yaml", ".yml")
    url = "sqlite://" if from_file else normalise_url(source)
    label = Path(source).name if from_file else store_label(url)
    local = Path(source) if from_file else _sqlite_file(url)

    def nothing(src: PDSASource, document: dict[str, Any] | None = None):
        return empty, no_notes, pd.DataFrame(), document or {}, None, src

    if local is not None and not local.exists():
        if not named:
            return nothing(PDSASource(label, exists=False))
        return nothing(PDSASource(label, problem=_missing(label, "does not exist")))
    try:
        store = PDSAStore(url)
    except PaceqiError as exc:
        return nothing(PDSASource(label, problem=_missing(label, f"cannot be opened ({exc})")))
    try:
        if from_file:
            try:
                store.import_file(source)
            except DataValidationError as exc:
                problem = _missing(label, f"was not read: {exc.summary or exc}")
                return nothing(PDSASource(label, problem=problem))
        with store.reading():  # one read transaction for every read below
            n_authority = len(store.cycles(params.authority))
            name = store.find_change_idea(params.authority, params.change_idea)
            if name is None:  # the authority's aim still frames the report
                src = PDSASource(label, 0, n_authority)
                return nothing(src, store.document(params.authority))
            ramp = store.ramp(params.authority, name)
            return (
                ramp,
                store.annotations(params.authority, name),
                pdsa_quality_check(store, params.authority, name),
                store.document(params.authority),
                name,
                PDSASource(label, len(ramp), n_authority),
            )
    finally:
        store.close()


def _sqlite_file(url: str) -> Path | None:
    """Return the file of a SQLite URL (None for other databases and in-memory SQLite)."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _missing(label: str, what: str) -> str:
    return (
        f"The PDSA store named by the pdsa parameter, {label}, {what}: this report shows no "
        "PDSA cycles. Check the pdsa parameter (a relative path is read from the project "
        "folder), or leave it empty to read the project's store (workspace/paceqi.db, or "
        "$PACEQI_DB)."
    )


def analyse_measure(
    d: Any, events: pd.DataFrame, as_of: dt.date, params: ReportParams, test_start: dt.date | None
) -> MeasureAnalysis:
    """Compute one measure's series, SPC result and verdict for a change-idea report.

    Shared by :func:`analyse` (every measure) and :mod:`paceqi.changeidea.explore` (one measure
    with other parameters).
    """
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


def _spc_measure(
    d: Any,
    frame: pd.DataFrame,
    params: ReportParams,
    test_start: dt.date | None,
    n_censored: int,
    frame_all: pd.DataFrame | None = None,
) -> MeasureAnalysis:
    from paceqi.spcstats import spc

    keep = frame if frame_all is None else frame_all
    chart = d.default_chart
    period = _chart_period(d, params, frame_all is not None)
    aggregated: str | None = None
    notes: tuple[str, ...] = ()
    hidden: str | None = None
    if chart in SMALL_N_CHARTS and "n" in frame and period in AGGREGATION_STEPS:
        frame, aggregated, chart, notes = _pool_small_numbers(frame, period)
        if aggregated:
            period = aggregated
    if d.default_chart in SMALL_N_CHARTS and "n" in frame:
        frame, keep, hidden = _suppress_small_points(frame, keep, period, params.min_cell)
        notes = (*notes, hidden) if hidden else notes
    frame = frame.reset_index(drop=True)
    left_out = _left_out(frame)
    usable = len(frame) - int(left_out.sum())
    if usable < MIN_POINTS:
        problem = f"too few points to analyse ({usable})"
        if hidden:
            problem += f"; points of fewer than {params.min_cell} children are not shown"
        return MeasureAnalysis(d, keep, None, problem, n_censored, notes=notes)
    exclude = list(frame.index[left_out]) if left_out.any() else None
    baseline = _baseline_points(frame, test_start, period)
    freeze = baseline if MIN_BASELINE <= baseline < len(frame) else None
    try:
        res = spc(
            y="y",
            n="n" if "n" in frame and chart != "run" else None,
            x="x",
            data=frame,
            chart=chart,
            rules=params.rules,
            direction=d.direction,
            freeze=freeze,
            exclude=exclude,
        )
    except PaceqiError as exc:  # e.g. too few points for this chart: say so, don't fail
        return MeasureAnalysis(d, keep, None, str(exc), n_censored, notes=notes)
    _attach_n(res, frame)
    return MeasureAnalysis(
        d,
        keep,
        res,
        None,
        n_censored,
        per_period=frame_all is not None,
        aggregated=aggregated,
        notes=notes,
    )


#: Charts whose points are proportions or rates of a denominator ``n``.
SMALL_N_CHARTS = frozenset({"p", "pp", "u", "up"})

#: Fewest children (denominator) per point of a P or U chart. Below it (as the median over
#: the points) the periods are pooled, quarter -> half-year -> year (month -> quarter -> ...),
#: until the median n per point reaches it; if even yearly points are smaller, the chart falls
#: back to a run chart of the proportions (no limits) with a caveat. With n < 10 one child
#: moves a point by more than 10 percentage points and 3-sigma limits for p near 0 or 1 are
#: of zero width or meaningless (METHODS.md §8 "Small numbers"; The Health Care Data Guide,
#: Provost & Murray 2011, ch. 6, advises subgroups large enough for the limits to be useful).
MIN_N_PER_POINT = 10

#: The next coarser period when pooling small numbers.
AGGREGATION_STEPS = {"month": "quarter", "quarter": "half", "half": "year"}


#: Columns that mark a point as shown but left out of limits and rules: children still waiting
#: (``censored``) and cohorts not yet complete (``incomplete``/``immature``: METHODS.md §8
#: "Cohort maturity").
LEFT_OUT_COLUMNS = ("censored", "incomplete", "immature")


def _left_out(frame: pd.DataFrame) -> pd.Series:
    """Rows kept on the chart but excluded from limits and rules.

    Incomplete points (a cohort, or a child, whose target or follow-up has not passed yet:
    METHODS.md section 8) when the series flags them; a child still waiting inside a mature
    cohort then counts (as not met) and is not left out. In a series without that flag, the
    children still waiting or the gap still running (``censored``) are left out.
    """
    out = pd.Series(False, index=frame.index)
    flags = [c for c in LEFT_OUT_COLUMNS[1:] if c in frame] or [
        c for c in LEFT_OUT_COLUMNS[:1] if c in frame
    ]
    for c in flags:
        out |= frame[c].fillna(False).astype(bool)
    return out


def _chart_period(d: Any, params: ReportParams, per_period: bool) -> str | None:
    """Return the period of one point (None: one point per child or event)."""
    if per_period or d.period in ("month", "quarter"):
        return params.period
    if d.period == "year":
        return "year"
    return None


def _baseline_points(frame: pd.DataFrame, test_start: dt.date | None, period: str | None) -> int:
    """Points before the period that contains the test start (the frozen baseline).

    The test's own start period is never baseline: its points mix before and after
    (METHODS.md §8 "Baseline"; Provost & Murray 2011, ch. 3).
    """
    if test_start is None:
        return 0
    from paceqi.changeidea.answer import baseline_cut

    cut = baseline_cut(test_start, period)
    return int((pd.to_datetime(frame["x"]) < cut).sum())


def _pool_small_numbers(
    frame: pd.DataFrame, period: str
) -> tuple[pd.DataFrame, str | None, str, tuple[str, ...]]:
    """Pool periods of a P/U series until the median n per point reaches MIN_N_PER_POINT.

    Returns the (possibly pooled) frame, the period pooled to (None if unchanged), the chart
    to draw (``"run"`` when even yearly points are too small) and notes for the caveats.
    """
    counted = frame[frame["n"].fillna(0) > 0]
    if counted.empty or float(counted["n"].median()) >= MIN_N_PER_POINT:
        return frame, None, "p", ()
    current, pooled = period, frame
    while current in AGGREGATION_STEPS:
        current = AGGREGATION_STEPS[current]
        pooled = _pool(frame, current)
        if float(pooled["n"].median()) >= MIN_N_PER_POINT:
            note = (
                f"Fewer than {MIN_N_PER_POINT} children per {period} (median), so the points "
                f"are pooled by {PERIOD_WORDS[current]}."
            )
            return pooled, current, "p", (note,)
    run = pooled.assign(y=pooled["y"] / pooled["n"])
    note = (
        f"Fewer than {MIN_N_PER_POINT} children per year (median), too few for control limits: "
        "shown as a run chart of the yearly proportions, without limits."
    )
    return run, current, "run", (note,)


PERIOD_WORDS = {"month": "month", "quarter": "quarter", "half": "half-year", "year": "year"}


def _suppress_small_points(
    frame: pd.DataFrame, rows: pd.DataFrame, period: str | None, min_count: int
) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """Leave out of a P/U chart every point of 1 to ``min_count - 1`` children.

    A percentage (or rate) of so few children reveals each of them ("1 of 3 = 33 %"), so the
    point is neither drawn, tabled nor used for the centre line, limits and rules: one
    suppression rule for the whole report (:func:`paceqi.privacy.is_small`). ``rows`` (the
    measure's unpooled series, whose ``n`` the report sums) loses the rows of those periods
    too, so no total gives the hidden children away by subtraction.

    Returns the chart's frame, the rows kept and a note for the caveats (None if none hidden).
    """
    from paceqi.privacy import is_small

    small = frame["n"].map(lambda v: is_small(v, min_count)).to_numpy(dtype=bool)
    if not small.any():
        return frame, rows, None
    if rows is frame:
        rows = frame[~small]
    else:  # pooled: the rows of every hidden period
        hidden = pd.to_datetime(frame.loc[small, "x"])
        x = pd.to_datetime(rows["x"])
        starts = x if period is None else _period_start(x, period)
        rows = rows[~starts.isin(hidden).to_numpy()]
    words = PERIOD_WORDS.get(period or "", "point")
    note = (
        f"{int(small.sum())} {words}{'' if small.sum() == 1 else 's'} with fewer than "
        f"{min_count} children are left out of the chart and its calculations: a percentage "
        "of so few children would reveal them."
    )
    return frame[~small].reset_index(drop=True), rows.reset_index(drop=True), note


def _period_start(x: pd.Series, period: str) -> pd.Series:
    """Return the first day of the month, quarter, half-year or year of each date."""
    if period == "month":
        return x.dt.to_period("M").dt.start_time
    if period == "quarter":
        return x.dt.to_period("Q").dt.start_time
    if period == "half":
        return pd.to_datetime(
            {"year": x.dt.year, "month": np.where(x.dt.month < 7, 1, 7), "day": 1}
        )
    return x.dt.to_period("Y").dt.start_time


def _pool(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Sum y and n (and the other counts) over coarser periods starting at their first day."""
    start = _period_start(pd.to_datetime(frame["x"]), period)
    sums = {c: "sum" for c in frame.columns if c not in ("x",) and _is_count(frame[c])}
    flags = {c: "max" for c in ("censored", "partial", "incomplete", "immature") if c in frame}
    out = frame.assign(x=start).groupby("x", as_index=False).agg({**sums, **flags})
    return out.reset_index(drop=True)


def _is_count(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _attach_n(res: Any, frame: pd.DataFrame) -> None:
    """Give every point its number of children (``n``) for the chart to show.

    P/U charts already carry their denominator; a per-period median carries the children it is
    the median of; a per-child point is one child.
    """
    pts = res.points
    if "n" in pts and pts["n"].notna().any():
        return
    if "children" in frame:
        by_x = frame.groupby("x")["children"].sum()
        pts["n"] = pts["x"].map(by_x).astype(float)
    elif "n" in frame:
        by_x = frame.groupby("x")["n"].sum()
        pts["n"] = pts["x"].map(by_x).astype(float)
    else:
        pts["n"] = 1.0


def _period_medians(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Return the median days per period (see MAX_CHILD_POINTS), in the series' time order.

    Per child (a start-ordered :func:`paceqi.measures.child_series`): the median days of the
    children who **started** in the period (start cohort), children still waiting counted
    with their days so far; a period is ``incomplete`` when any of its children is (followed
    less than the series' horizon), so it is greyed and kept out of limits and rules. Once a
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
