"""The sections of a change-idea report, as HTML a notebook displays (and nbconvert keeps).

Each function takes a :class:`~paceqi.changeidea.analysis.ChangeIdeaAnalysis` and returns an
HTML string; :class:`ChangeIdeaReport` wraps them as displayable objects for notebooks. All
user-entered text (PDSA notes, aims) and all data-derived text is escaped. Child ids are
re-pseudonymised per report and small counts suppressed (:mod:`paceqi.privacy`).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from paceqi.changeidea.analysis import MIN_BASELINE, ChangeIdeaAnalysis, MeasureAnalysis
from paceqi.changeidea.casemix import ROUTE_ORDER
from paceqi.changeidea.summary import measure_anchor
from paceqi.privacy import count_text, public_path

__all__ = [
    "answer_html",
    "evidence_html",
    "aim_html",
    "ramp_html",
    "measures_html",
    "journeys_html",
    "waiting_html",
    "data_quality_html",
    "method_html",
    "key_figures",
    "delay_html",
    "segments_html",
    "headline",
    "route_html",
]

_e = html.escape
FAMILY_TITLES = {"outcome": "Outcome", "process": "Process", "balancing": "Balancing"}
#: Most children drawn on the journeys chart (the most recent ones); the rest are counted.
MAX_JOURNEYS = 40
#: How each rule set is described in the method notes (shared METHODS.md §6).
RULE_SET_TEXT = {
    "ihi": "IHI run chart rules (shift of 6, trend of 5, too few or too many runs from the exact "
    "Swed-Eisenhart distribution at one-sided 5%) and Health Care Data Guide rules on control "
    "charts",
    "anhoej": "Anhøj rules (longest run and number of crossings, as qicharts2) and 3-sigma limits",
    "mdc": "NHS Making Data Count rules (limits at 2.66 times the mean moving range, 7-point "
    "shift and trend, 2 of 3 points beyond 2 sigma)",
}


def _figure(chart: Any, caption: str, *, title: str | None = None, desc: str | None = None) -> str:
    """Return a chart as a ``<figure>``: inline SVG, caption, download link, its data.

    ``chart`` is an SVG string or a chart object (``paceqi.charts.spc_chart``'s
    :class:`~paceqi.charts.spcsvg.SPCChart`, rendered with ``title``/``desc``), whose plotted
    values then follow in a collapsed ``<details>`` table. The link carries the SVG itself as
    a ``data:`` URI, so keeping a chart for a board paper needs no script and no server.
    """
    from paceqi.charts.spcsvg import download_link

    if isinstance(chart, str):
        # A drawn figure (journeys, delay, ramp) has no download copy: the journeys chart is
        # child-level and not for board papers, and a copy of each would take a report of a
        # dozen charts past its 400 KB budget. The measure charts (SPC) carry one.
        svg, data, link = chart, "", ""
    else:
        from paceqi.charts import to_svg

        svg, data = to_svg(chart, title=title, desc=desc), chart.table_html()
        label = _svg_title(svg) or caption
        link = download_link(svg, _slug(label) + ".svg", name=label)
    return (
        f'<figure class="paceqi-chart" style="margin:1em 0">{svg}<figcaption>{_e(caption)} '
        f"{link}</figcaption></figure>{data}"
    )


def _svg_title(svg: str) -> str:
    start = svg.find("<title")
    if start < 0:
        return ""
    start = svg.index(">", start) + 1
    return html.unescape(svg[start : svg.index("</title>", start)])


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


def _chart_extras(a: ChangeIdeaAnalysis, m: MeasureAnalysis) -> dict[str, Any]:
    """Return what a measure's chart shows besides the result (target, n, incomplete).

    The target is the measure's ``target_days`` on charts of days (on proportion charts it is
    part of the measure's definition, not a level to reach). Points standing for fewer than
    ``min_cell`` children are drawn hollow (one child per point needs no such warning). Points
    of incomplete cohorts come from the measure frame's ``incomplete`` column, a point being
    incomplete when any row it stands for is.
    """
    import numpy as np

    res = m.result
    out: dict[str, Any] = {}
    if res is None:  # no result, no chart
        return out
    target = m.definition.target_days
    if target is None and "target_days" in m.frame:
        known = pd.to_numeric(m.frame["target_days"], errors="coerce").dropna().unique()
        target = known[0] if len(known) == 1 else None
    if target is not None and m.definition.default_chart in ("run", "i"):
        months = round(float(target) / 30.4)
        words = f" ({months} months)" if float(target) >= 60 else ""
        out.update(target=float(target), target_label=f"target {int(target)} days{words}")
    n = pd.to_numeric(res.points.get("n"), errors="coerce") if "n" in res.points else None
    if n is not None and n.notna().any() and not (n.dropna() == 1).all():
        out["min_n"] = a.params.min_cell
    elif n is not None:
        out["n"] = np.full(len(res.points), np.nan)  # one child a point: nothing to show
    if "incomplete" in m.frame and len(m.frame):
        when = "start_date" if m.per_period and "start_date" in m.frame else "x"
        rows = pd.to_datetime(m.frame[when], errors="coerce")
        xs = pd.to_datetime(res.points["x"], errors="coerce")
        if rows.notna().all() and xs.notna().all() and xs.is_monotonic_increasing:
            slot = np.searchsorted(xs.to_numpy(), rows.to_numpy(), side="right") - 1
            flagged = m.frame["incomplete"].fillna(False).astype(bool).to_numpy()
            out["incomplete"] = np.isin(np.arange(len(xs)), slot[flagged & (slot >= 0)])
    return out


def _table(frame: pd.DataFrame, caption: str | None = None) -> str:
    """Return an HTML table: numbers right-aligned, text left, every cell's text privacy-checked.

    Wrapped in a box that scrolls sideways on a narrow screen (the page itself never does).
    """
    from paceqi.privacy import redact_text

    numeric = [' class="num"' if _numeric(frame[c]) else "" for c in frame.columns]
    head = "".join(
        f'<th scope="col"{num}>{_e(str(c))}</th>'
        for c, num in zip(frame.columns, numeric, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{num}>{_e(redact_text(_cell(v)))}</td>"
            for v, num in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    body = f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
    return f'<div class="pq-scroll"><table class="paceqi-table">{cap}{body}</table></div>'


def _numeric(column: pd.Series) -> bool:
    """Return whether a column holds numbers (or "fewer than N" counts): right-aligned."""
    text = column.dropna().map(_cell)
    text = text[text != ""]
    if text.empty:
        return False
    pattern = r"(fewer than \d+|not reached|[\d.,]+( \([\d., ]+(to|–) ([\d.,]+|not reached)\))?)"
    return bool(text.str.fullmatch(pattern).all())


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%d %b %Y")
    if isinstance(v, list | tuple):
        return "; ".join(_cell(x) for x in v)
    return str(v)


def _main_measure(a: ChangeIdeaAnalysis) -> MeasureAnalysis | None:
    analysed = [m for m in a.family("outcome") if m.result is not None]
    return analysed[0] if analysed else None


def answer_html(a: ChangeIdeaAnalysis) -> str:
    """Answer first: has the change led to an improvement? With its numbers and caveats.

    Everything comes from one :class:`~paceqi.changeidea.answer.Answer`
    (:func:`paceqi.changeidea.answer.answer`), which also gives the index its status
    (:func:`key_figures`), so the report's headline and the index cannot disagree. The
    headline is led by the primary outcome measure, with its numbers; the caveats qualify it.
    Without a test start date the question cannot be answered: the report says so. The
    measure-by-measure judgements and the by-route table are :func:`evidence_html`, shown
    after the summary table so that the table stays on the first screen.
    """
    from paceqi.changeidea.answer import answer

    ans = answer(a)
    word, _, numbers = ans.headline.partition(". ")
    caveats = "".join(f"<li>{_e(c)}</li>" for c in ans.caveats)
    caveats_html = f'<ul class="caveats">{caveats}</ul>' if caveats else ""
    return (
        f'<div class="paceqi-answer" role="note" data-status="{_e(ans.status)}">'
        f'<p class="headline">Has the change led to an improvement? <strong>{_e(word)}</strong>'
        f"{'. ' + _e(numbers) if numbers else ''}</p>"
        f"<p>{_e(_context(a))}</p>{caveats_html}</div>"
    )


def evidence_html(a: ChangeIdeaAnalysis) -> str:
    """Return the answer's evidence: each measure's own judgement, and the primary outcome by route.

    Process measures say whether the change happened, balancing measures (listed only when
    worse) whether it cost something. Empty when there is nothing to list.
    """
    from paceqi.changeidea.answer import answer, primary_measure

    ans = answer(a)
    first = primary_measure(a)
    items = []
    for name, label, family, status in ans.measures:
        if family == "balancing" and status not in ("worse",):
            continue
        primary = " (primary outcome)" if first is not None and name == first.name else ""
        if name == ans.primary and not primary:  # the same wait in days stands in for it
            primary = " (leads the answer: the same wait in days)"
        items.append(
            f"<li><strong>{_e(label)}</strong>{_e(primary)}: "
            f'<span class="answer">{_e(MEASURE_WORDS.get(status, status))}</span></li>'
        )
    more = f"<ul>{''.join(items)}</ul>" if items else ""
    route = route_html(a)
    if not more and not route:
        return ""
    return (
        '<div class="pq-evidence"><p class="pq-evidence-title"><strong>Measure by measure'
        f"</strong></p>{more}{route}</div>"
    )


#: How one measure's judgement is worded in the measure-by-measure list.
MEASURE_WORDS = {
    "yes": "sustained improvement after the test started",
    "around_start": "sustained improvement beginning around the test start",
    "began_before": "improving before the test started",
    "worse": "sustained change for the worse",
    "no_sign": "no sustained change",
    "too_early": "too early to tell",
    "too_few": "too few data",
    "partly": "partly",
}


def route_html(a: ChangeIdeaAnalysis) -> str:
    """Return the primary outcome by route, baseline vs since the test (case mix), as a table.

    Empty when there is no test start or the primary outcome has no per-child routes.
    """
    from paceqi.changeidea.answer import baseline_cut, primary_measure
    from paceqi.changeidea.casemix import by_route, child_frame

    m = primary_measure(a)
    if m is None or a.test_start is None:
        return ""
    frame = child_frame(m)
    if frame is None or frame.empty:
        return ""
    table = by_route(frame, baseline_cut(a.test_start, None), a.params.min_cell)
    small = a.params.min_cell
    out = pd.DataFrame(
        {
            "Route": [ROUTE_LABELS.get(r, r) for r in table["route"]],
            "Children before the test": [_count(v, small) for v in table["n_baseline"]],
            "Median days before": [_days(v) for v in table["median_baseline"]],
            "Children since the test": [_count(v, small) for v in table["n_since"]],
            "Median days since": [_days(v) for v in table["median_since"]],
        }
    )
    return _table(
        out,
        f"{m.definition.label} by route, children who reached the stage before and since the "
        f"test started (medians of finished journeys; counts below {small} hidden, medians "
        f"need {small} children)",
    )


def headline(a: ChangeIdeaAnalysis) -> str:
    """Return the one-line answer for the report (the :class:`Answer`'s headline).

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The analysis.

    Returns
    -------
    str
        The status in words, then the primary outcome's numbers, e.g. "Yes. Days from becoming
        looked after to the permanence recommendation: baseline median 224 days → 157 days
        since the test; 77% within target since the test (aim 90%)."
    """
    from paceqi.changeidea.answer import answer

    return answer(a).headline


def _context(a: ChangeIdeaAnalysis) -> str:
    """One or two sentences on what the answer is measured from (PDSA ramp, test start)."""
    if a.test_start is None:
        return (
            "No PDSA cycles are recorded for this change idea and no test start date was given, "
            "so the charts cannot compare before and after a change: each treats the whole "
            "period as one phase, and the signals below describe the process, not the effect "
            "of a change. Record the PDSA cycles, or set test_start, to answer the question."
        )
    start = a.test_start.strftime("%d %B %Y")
    if a.ramp.empty:
        return (
            f"No PDSA cycles are recorded for this change idea; the test start date given, "
            f"{start}, splits each chart into before and after."
        )
    return f"The test of change started on {start}. {_predictions_met(a.ramp)}"


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") or not text else ".")


def _plural_fix(text: str) -> str:
    return text.replace("(1 points)", "(1 point)")


def _predictions_met(ramp: pd.DataFrame) -> str:
    if ramp.empty:
        return "No PDSA cycles are recorded for this change idea."
    total = int(ramp["n_predictions"].sum())
    met = int(ramp["n_met"].sum())
    return (
        f"{len(ramp)} PDSA cycle{'s' if len(ramp) != 1 else ''} recorded; "
        f"{met} of {total} predictions were met."
    )


def aim_html(a: ChangeIdeaAnalysis) -> str:
    """Return the aim and the driver path from the aim to this change idea."""
    doc = a.document or {}
    aims = doc.get("aims") or []
    if not aims:
        return "<p>No aim is recorded in the PDSA tracker for this authority.</p>"
    items = "".join(f"<li>{_e(str(x.get('statement', '')))}</li>" for x in aims)
    drivers = {d.get("id"): d for d in doc.get("drivers") or []}
    from paceqi.pdsa.store import idea_key

    want = idea_key(a.params.change_idea)
    idea = next(
        (
            c
            for c in doc.get("change_ideas") or []
            if want in (idea_key(c.get("notebook")), idea_key(c.get("name")))
        ),
        None,
    )
    path = []
    for did in (idea or {}).get("drivers") or []:
        chain, d = [], drivers.get(did)
        while d is not None:
            chain.append(f"{d.get('level', 'driver')} driver: {d.get('text', '')}")
            d = drivers.get(d.get("parent"))
        path.append(" ← ".join(reversed(chain)))
    if not path:
        return (
            f"<p>Aim:</p><ul>{items}</ul><p>This change idea is not yet linked to a driver in "
            "the PDSA tracker.</p>"
        )
    path_html = "".join(f"<li>{_e(p)} → change idea: {_e(a.change_idea_label)}</li>" for p in path)
    return f"<p>Aim:</p><ul>{items}</ul><p>Driver path:</p><ul>{path_html}</ul>"


def ramp_html(a: ChangeIdeaAnalysis) -> str:
    """Return the PDSA ramp: timeline, predictions against results, act decisions, quality."""
    from paceqi.charts import ramp_chart, to_svg

    store = pdsa_source_html(a)
    if a.ramp.empty:
        return store or "<p>No PDSA cycles recorded for this change idea.</p>"
    dated = a.ramp[a.ramp["start_date"].notna()]  # a planned cycle may have no date yet
    alt = f"PDSA ramp of {len(dated)} dated cycles of {a.change_idea_label}"
    chart = ""
    if not dated.empty:
        fig = ramp_chart(dated, as_of=a.as_of, title=f"PDSA ramp: {a.change_idea_label}")
        chart = _figure(to_svg(fig, title=alt, desc=alt), alt)
    rows = pd.DataFrame(
        {
            "Cycle": a.ramp["cycle_no"],
            "Title": a.ramp["title"],
            "Scale": a.ramp["scale"],
            "Dates": [
                f"{_cell(pd.Timestamp(s)) if pd.notna(s) else ''} to "
                f"{_cell(pd.Timestamp(e)) if pd.notna(e) else ''}"
                for s, e in zip(a.ramp["start_date"], a.ramp["end_date"], strict=True)
            ],
            "Predictions": a.ramp["predictions"],
            "Results": a.ramp["results"],
            "Predictions met": [
                f"{m} of {n}" for m, n in zip(a.ramp["n_met"], a.ramp["n_predictions"], strict=True)
            ],
            "Act": a.ramp["act_decision"],
        }
    )
    quality = ""
    if not a.quality.empty:
        q = a.quality.assign(met=a.quality["met"].map({True: "yes", False: "missing"}))
        quality = _table(
            q[["label", "met", "detail"]].rename(
                columns={
                    "label": "Feature of a well-run PDSA ramp",
                    "met": "Present",
                    "detail": "What is missing",
                }
            ),
            "PDSA quality check (Knudsen et al. 2019)",
        )
    return store + chart + _table(rows, "Cycles") + quality


def pdsa_source_html(a: ChangeIdeaAnalysis) -> str:
    """Return one paragraph naming the PDSA store read and how many cycles it held."""
    src = a.pdsa_source
    if src is None:
        return ""
    css = ' class="pdsa-problem" role="alert"' if src.problem else ' class="pdsa-source"'
    return f"<p{css}>{_e(src.sentence(a.params.authority))}</p>"


def pdsa_problem_html(a: ChangeIdeaAnalysis) -> str:
    """Return the banner for the top of a report when a named PDSA store could not be read."""
    src = a.pdsa_source
    if src is None or src.problem is None:
        return ""
    from paceqi.charts.theme import ERROR_TEXT

    return (
        f'<div class="pdsa-problem" role="alert" style="border:2px solid {ERROR_TEXT};padding:8px;'
        f'margin:8px 0"><strong>PDSA records not read.</strong> {_e(src.problem)}</div>'
    )


def measures_html(a: ChangeIdeaAnalysis, family: str) -> str:
    """Every measure of one family: chart with PDSA annotations, reading, definition."""
    from paceqi.charts import spc_chart
    from paceqi.narrative import alt_text, reading

    blocks = []
    for m in a.family(family):
        title = m.definition.label
        if m.per_period:
            title += f" (median per {a.params.period})"
        head = f'<h3 id="{measure_anchor(m)}">{_e(title)}</h3>'
        definition = f'<p class="definition">{_e(_definition_text(a, m))}</p>'
        if m.result is None:
            blocks.append(
                f'{head}<p class="caveat">Not analysed: {_e(m.problem or "")}.</p>{definition}'
            )
            continue
        label = title[0].lower() + title[1:]
        alt = alt_text(m.result, label, m.unit)
        text = reading(
            m.result,
            label,
            direction=m.result.options.direction,
            test_start=a.test_start,
            unit=m.unit,
            points_noun=f"{a.params.period}s" if m.per_period else None,
        )
        if m.per_period and "x_date" not in m.frame:
            text += (
                f" Each point is the median gap of the events in that {a.params.period}; the "
                "gap still running at the extract date is left out."
            )
        elif m.n_censored and m.per_period:
            waiting = count_text(m.n_censored, "children", a.params.min_cell)
            text += (
                f" Each point is the median days of the children who started in that "
                f"{a.params.period} (start cohort), the {waiting} still waiting "
                "counted with their days so far; grey points are incomplete cohorts (recent "
                "starters not yet followed long enough), left out of the median and the rules."
            )
        elif m.n_censored:
            waiting = count_text(m.n_censored, "children", a.params.min_cell)
            text += (
                f" Children are placed at their start date; {waiting} still "
                "waiting are drawn as hollow points with the days waited so far. Grey points "
                "are incomplete (started too recently to count), left out of the median and "
                "the rules."
            )
        fig = spc_chart(
            m.result,
            annotations=a.annotations,
            title=title,
            y_label=_y_label(m),
            x_label=m.x_label or None,  # the time order of the series (paceqi.measures)
            unit=m.unit,
            **_chart_extras(a, m),
        )
        text = " ".join([text, *m.notes])  # small numbers: pooled periods, run-chart fallback
        blocks.append(
            f"{head}{_figure(fig, alt, title=title, desc=alt)}<p>{_e(text)}</p>{definition}"
        )
    if not blocks:
        return f"<p>No {family} measures are defined for this change idea.</p>"
    return "".join(blocks)


def _complete_points(frame: pd.DataFrame) -> pd.DataFrame:
    """Points a median may use: complete children (start cohort, waits so far included).

    Same rule as the charts (:func:`paceqi.measures.child_series`): incomplete children are
    left out; a complete child still waiting counts with the days so far. A series without the
    flag leaves out its censored points.
    """
    if "incomplete" in frame:
        return frame[~frame["incomplete"].astype(bool)]
    return frame[~frame["censored"]] if "censored" in frame else frame


def _definition_text(a: ChangeIdeaAnalysis, m: MeasureAnalysis) -> str:
    """Return the operational definition, worded for the period its chart is drawn by."""
    text = m.definition.operational_definition.strip()
    if m.definition.period in ("month", "quarter") and a.params.period != m.definition.period:
        text = text.replace(f"in the {m.definition.period}", f"in the {a.params.period}")
    return text


def _y_label(m: MeasureAnalysis) -> str:
    return "Proportion of children" if m.definition.default_chart == "p" else "Days"


#: Stage-code words written as acronyms in the journeys chart's legend (not "Cso", "Scra").
ACRONYMS = {"cso": "CSO", "scra": "SCRA", "adm": "ADM", "lac": "LAC"}


def stage_name(code: Any) -> str:
    """Return a stage code as a short legend name: first word capitalised, acronyms kept.

    >>> stage_name("cso_home_review"), stage_name("scra_referral"), stage_name("panel")
    ('CSO home review', 'SCRA referral', 'Panel')
    """
    words = [ACRONYMS.get(w, w) for w in str(code).split("_")]
    first = words[0] if words[0].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def journeys_html(a: ChangeIdeaAnalysis) -> str:
    """Journeys of the children who became looked after in the test period.

    The window is the test period (first PDSA cycle's start to the last cycle's end; to the
    extract date when the test has no end); without a recorded test, the most recent children.
    One dated timeline per child is drawn only for a group of at least
    :data:`paceqi.privacy.MIN_TIMELINE_GROUP` children.
    """
    from paceqi.changeidea.summary import test_end
    from paceqi.charts import journeys_chart, to_svg
    from paceqi.measures import journeys
    from paceqi.privacy import MIN_TIMELINE_GROUP, pseudonymise

    frame = journeys(a.events, as_of=a.as_of)
    first = frame.groupby("child_id")["start_date"].transform("min")
    if a.test_start is not None:
        start = pd.Timestamp(a.test_start)
        end_iso = test_end(a)
        end = pd.Timestamp(end_iso) if end_iso else pd.Timestamp(a.as_of)
        frame = frame[(first >= start) & (first <= end)]
        window = f"between {start:%d %B %Y} and {end:%d %B %Y} (the test period)"
        title = f"Journeys of children looked after {start:%b %Y} to {end:%b %Y}"
    else:
        window = "most recently (no test of change is recorded)"
        title = "Journeys of the most recent children"
    n = int(frame["child_id"].nunique())
    group = max(MIN_TIMELINE_GROUP, a.params.min_cell)
    if n < group:
        return (
            f"<p>{_e(count_text(n, 'children', a.params.min_cell).capitalize())} became looked "
            f"after {_e(window)}. Journeys are drawn one child at a time only for a group of "
            f"at least {group} children, so that no child can be recognised from them.</p>"
        )
    frame = pseudonymise(frame, _report_id(a))
    recent = frame.groupby("child_id")["start_date"].min().nlargest(MAX_JOURNEYS).index
    shown = frame[frame["child_id"].isin(recent)]
    alt = (
        f"Journeys of the {shown['child_id'].nunique()} most recent of {n} children who became "
        f"looked after {window}; open bars are children still waiting"
    )
    lanes = shown.rename(columns={"start_date": "date", "stage_order": "order"}).assign(
        censored=shown.groupby("child_id")["open"].transform("any"),
        stage_label=shown["stage"].map(stage_name),
    )
    fig = journeys_chart(lanes, as_of=a.as_of, title=title)
    return _figure(to_svg(fig, title="Journeys", desc=alt), alt)


def _report_id(a: ChangeIdeaAnalysis) -> str:
    return f"{a.params.change_idea}|{a.params.authority}|{a.extract.sha256}"


def waiting_html(a: ChangeIdeaAnalysis) -> str:
    """Children still waiting for each measure's end stage, with those past target.

    Counted by :func:`paceqi.measures.waiting_summary`: a child who reached a later stage,
    whose journey ended, or whose route does not pass through the stage is not waiting; a
    child with no date for the stage after a later one is a data-quality count.
    """
    from paceqi.measures import waiting_summary
    from paceqi.privacy import suppress

    recorded = (  # stages the extract does not record are not waited for (#19)
        m.definition
        for m in a.measures
        if not {m.definition.start, m.definition.end} & a.unrecorded
    )
    summary = waiting_summary(recorded, a.events, as_of=a.as_of)
    if summary.empty:
        return "<p>No measure of this change idea follows children still waiting.</p>"
    cols = [
        "Children still waiting",
        "Already past target",
        "No date, but a later stage reached (data quality)",
    ]
    table = pd.DataFrame(
        {
            "Waiting for": summary["waiting_for"],
            cols[0]: summary["waiting"],
            cols[1]: summary["past_target"],
            cols[2]: summary["no_date_after_later_stage"],
        }
    )
    table = suppress(table, a.params.min_cell, columns=cols, axis="none")
    return _table(
        table,
        f"Children still waiting on {a.as_of:%d %B %Y} (counts below {a.params.min_cell} hidden). "
        "A child who reached a later stage, whose journey ended (home confirmed, order granted) "
        "or whose route does not pass through the stage is not waiting for it.",
    )


def data_quality_html(a: ChangeIdeaAnalysis) -> str:
    """Data-quality notes from validating the extract."""
    notes = a.extract.notes
    if notes is None or notes.empty:
        return "<p>No data-quality notes: every check passed.</p>"
    return _table(
        notes[["column", "check", "message"]].rename(columns=str.capitalize),
        "Data-quality notes (small counts and row numbers are left out here; "
        "`paceqi validate` lists the rows for the data officer)",
    )


def method_html(a: ChangeIdeaAnalysis) -> str:
    """Return how the charts were analysed (rule set and conventions)."""
    base = (
        f"Points before the test start ({a.test_start:%d %B %Y}) form the baseline when there "
        f"are at least {MIN_BASELINE} of them."
        if a.test_start
        else "There is no test start date, so all points form one phase."
    )
    return (
        f"<p>Rule set: {_e(RULE_SET_TEXT[a.params.rules])}. {_e(base)} Children still waiting "
        f"at the extract date ({a.as_of:%d %B %Y}) are shown but left out of medians and limits. "
        f"Data: {_e(public_path(a.extract.source))} (SHA-256 {_e(a.extract.sha256[:12])}…).</p>"
    )


def published_count(n: Any, min_cell: int) -> int | str:
    """Return a count fit to publish: the number, or "fewer than N" when it is 1 to N - 1.

    The batch index and the national roll-up are published outputs, so their counts are
    suppressed like every table in the report (:mod:`paceqi.privacy`).

    Examples
    --------
    >>> published_count(3, 5), published_count(0, 5), published_count(12, 5)
    ('fewer than 5', 0, 12)
    """
    n = int(n)
    return f"fewer than {min_cell}" if 0 < n < min_cell else n


def key_figures(a: ChangeIdeaAnalysis) -> Any:
    """Return the report's :class:`~paceqi.report.keyfigures.KeyFigures` (see :mod:`.summary`)."""
    from paceqi.changeidea.summary import key_figures as compute

    return compute(a)


# -- the diagnostic: every segment, every route, where is the delay ------------------------------
def _count(value: Any, min_cell: int) -> str:
    """Return a count as text, hidden when it is small (1 to min_cell - 1)."""
    if value is None or pd.isna(value):
        return ""
    n = int(value)
    return f"fewer than {min_cell}" if 0 < n < min_cell else str(n)


def _days(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return "not reached" if value == float("inf") else f"{value:.0f}"


def _km(row: Any) -> str:
    if row["suppressed"]:
        return ""
    median = _days(row["km_median"])
    lo, hi = _days(row["km_lower"]), _days(row["km_upper"])
    if median == "not reached" or not lo:
        return median
    return f"{median} ({lo} to {'not reached' if hi == 'not reached' else hi})"


def delay_html(a: ChangeIdeaAnalysis, summary: pd.DataFrame) -> str:
    """Answer "where is the delay?": segments ranked by how far past target, chart and table.

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The analysis (for the extract date and the minimum cell size).
    summary : pandas.DataFrame
        From :func:`paceqi.changeidea.segments.segment_summary`.
    """
    from paceqi.changeidea.delaychart import delay_chart
    from paceqi.changeidea.segments import where_is_the_delay
    from paceqi.charts import to_svg

    delay = where_is_the_delay(summary)
    if delay.empty:
        return (
            '<div class="paceqi-answer" role="note"><p class="headline">Where is the delay? '
            f"<strong>Too few data</strong></p><p>No segment of the journey has at least "
            f"{a.params.min_cell} children, so no median is shown (counts below "
            f"{a.params.min_cell} are hidden to protect children's privacy).</p></div>"
        )
    finite = delay["km_median"].map(lambda v: pd.notna(v) and v != float("inf"))
    late = delay[finite & (delay["over_target"] > 0)]
    open_ = delay[~finite]
    with_target = int((finite & delay["target_days"].notna()).sum())
    if len(late):
        top = late.iloc[0]
        headline = str(top["segment"])
        lead = (
            f"Median wait {_days(top['km_median'])} days against a target of "
            f"{int(top['target_days'])} days ({top['over_target']:.0f} days over). "
            f"{len(late)} of the {with_target} segments with a target and a median have a "
            "median past the target."
        )
    else:
        headline = "No segment's median is past its target"
        lead = "Every segment with a target and a median has a median wait within the target."
    if len(open_):
        names = "; ".join(str(x) for x in open_["segment"].head(3))
        lead += (
            f" In {len(open_)} segment{'s' if len(open_) != 1 else ''} more than half of the "
            f"children have not got there yet, so the median is not reached ({names}"
            f"{'; …' if len(open_) > 3 else ''})."
        )
    untargeted = delay[finite & delay["target_days"].isna()]
    if len(untargeted):
        longest = untargeted.iloc[0]
        lead += (
            f" Of the steps without a target, the longest is {longest['segment']} "
            f"(median {_days(longest['km_median'])} days)."
        )
    alt = "Median days per segment of the journey, with targets. " + lead
    caption = (
        "Bars: median days (Kaplan–Meier); whiskers: 95% interval; black ticks: targets. "
        "Orange: median past its target."
    )
    fig = delay_chart(delay)
    table = pd.DataFrame(
        {
            "Segment": delay["segment"],
            "Target (days)": [_days(t) for t in delay["target_days"]],
            "Median days (95% CI)": [_km(r) for _, r in delay.iterrows()],
            "Median of finished only": [_days(v) for v in delay["median_completed"]],
            "Children": [_count(v, a.params.min_cell) for v in delay["children"]],
            "Still waiting": [_count(v, a.params.min_cell) for v in delay["waiting"]],
            "Waiting past target": [
                _count(v, a.params.min_cell) if pd.notna(t) else ""
                for v, t in zip(delay["waiting_past_target"], delay["target_days"], strict=True)
            ],
            "Slowest route": [
                ROUTE_LABELS.get(r, r) if isinstance(r, str) else "" for r in delay["slowest_route"]
            ],
        }
    )
    return (
        f'<div class="paceqi-answer" role="note"><p class="headline">Where is the delay? '
        f"<strong>{_e(headline)}</strong></p><p>{_e(lead)}</p></div>"
        + _figure(to_svg(fig, title="Where is the delay?", desc=alt), caption)
        + _table(
            table,
            "Segments, furthest past target first. Median days: Kaplan–Meier, which counts "
            f"children still waiting on {a.as_of:%d %B %Y}; the median of finished journeys "
            "alone is shorter when many still wait. Each segment counts the children on a route "
            "through its end stage or not yet decided. "
            f"Counts below {a.params.min_cell} hidden.",
        )
    )


def segments_html(a: ChangeIdeaAnalysis, summary: pd.DataFrame) -> str:
    """Every segment by route: Kaplan–Meier median days (95% CI) and the children behind it.

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The analysis.
    summary : pandas.DataFrame
        From :func:`paceqi.changeidea.segments.segment_summary`.
    """
    from paceqi.changeidea.segments import ALL_ROUTES

    if summary.empty:
        return "<p>No child has started any segment of the journey in this extract.</p>"
    cell = [
        f"fewer than {a.params.min_cell} children"
        if r["suppressed"]
        else f"{_km(r)}; {_count(r['children'], a.params.min_cell)} children"
        for _, r in summary.iterrows()
    ]
    wide = summary.assign(cell=cell).pivot_table(
        index="segment", columns="route", values="cell", aggfunc="first", sort=False
    )
    routes = [ALL_ROUTES] + [r for r in ROUTE_ORDER if r in wide.columns]
    wide = wide.reindex(columns=routes).fillna("").reset_index()
    wide.columns = ["Segment"] + [ROUTE_LABELS.get(r, r) for r in routes]
    return _table(
        wide,
        "Median days (Kaplan–Meier, 95% CI) and number of children, per segment and route "
        "(a child's route is the one recorded most recently). Blank: no child of that route "
        "has started the segment.",
    )


#: Wording of the routes in the segment tables (in the order of casemix.ROUTE_ORDER).
ROUTE_LABELS = {
    "all routes": "All routes",
    "home": "Home",
    "kco": "Kinship care order",
    "po": "Permanence order",
    "adoption": "Adoption",
    "undecided": "Undecided",
}
