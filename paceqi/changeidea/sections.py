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

__all__ = [
    "answer_html",
    "aim_html",
    "ramp_html",
    "measures_html",
    "journeys_html",
    "waiting_html",
    "data_quality_html",
    "method_html",
    "key_figures",
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
#: Findings quoted per measure in the answer section; the rest are under each chart.
MAX_EVIDENCE = 3


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="paceqi-chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _table(frame: pd.DataFrame, caption: str | None = None) -> str:
    head = "".join(f'<th scope="col">{_e(str(c))}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(_cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    body = f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
    return f'<table class="paceqi-table">{cap}{body}</table>'


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
    """Answer first: has the change led to an improvement? Then the evidence."""
    from paceqi.narrative import verdict

    start = a.test_start.strftime("%d %B %Y") if a.test_start else None
    parts = []
    for m in a.family("outcome") + a.family("process"):
        if m.result is None:
            parts.append(
                f"<li><strong>{_e(m.definition.label)}</strong>: {_e(m.problem or '')}</li>"
            )
            continue
        v = verdict(
            m.result,
            direction=m.result.options.direction,
            test_start=a.test_start,
            measure_label=m.definition.label.lower(),
        )
        evidence = " ".join(v.evidence[:MAX_EVIDENCE])
        if len(v.evidence) > MAX_EVIDENCE:
            evidence += f" (and {len(v.evidence) - MAX_EVIDENCE} more findings under the chart)"
        parts.append(
            f'<li><strong>{_e(m.definition.label)}</strong>: <span class="answer">{_e(v.answer)}'
            f"</span>. {_e(evidence)}</li>"
        )
    main = _main_measure(a)
    headline = "Too few data"
    if main is not None:
        headline = verdict(
            main.result, direction=main.result.options.direction, test_start=a.test_start
        ).answer
    met = _predictions_met(a.ramp)
    since = f"The test of change started on {start}." if start else "No test start date is known."
    return (
        f'<div class="paceqi-answer" role="note"><p class="headline">'
        f"Has the change led to an improvement? <strong>{_e(headline)}</strong></p>"
        f"<p>{_e(since)} {_e(met)}</p><ul>{''.join(parts)}</ul></div>"
    )


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
    idea = next(
        (c for c in doc.get("change_ideas") or [] if c.get("notebook") == a.params.change_idea),
        None,
    )
    path = []
    for did in (idea or {}).get("drivers") or []:
        chain, d = [], drivers.get(did)
        while d is not None:
            chain.append(f"{d.get('level', 'driver')} driver: {d.get('text', '')}")
            d = drivers.get(d.get("parent"))
        path.append(" ← ".join(reversed(chain)))
    path_html = "".join(f"<li>{_e(p)} → change idea: {_e(a.change_idea_label)}</li>" for p in path)
    return f"<p>Aim:</p><ul>{items}</ul><p>Driver path:</p><ul>{path_html}</ul>"


def ramp_html(a: ChangeIdeaAnalysis) -> str:
    """Return the PDSA ramp: timeline, predictions against results, act decisions, quality."""
    from paceqi.charts import ramp_chart, to_svg

    if a.ramp.empty:
        return "<p>No PDSA cycles are recorded for this change idea.</p>"
    alt = f"PDSA ramp of {len(a.ramp)} cycles of {a.change_idea_label}"
    fig = ramp_chart(a.ramp, as_of=a.as_of, title=f"PDSA ramp: {a.change_idea_label}")
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
    return _figure(to_svg(fig, title=alt, desc=alt), alt) + _table(rows, "Cycles") + quality


def measures_html(a: ChangeIdeaAnalysis, family: str) -> str:
    """Every measure of one family: chart with PDSA annotations, reading, definition."""
    from paceqi.charts import spc_chart, to_svg
    from paceqi.narrative import alt_text, reading

    blocks = []
    for m in a.family(family):
        title = m.definition.label
        if m.per_period:
            title += f" (median per {a.params.period})"
        head = f"<h3>{_e(title)}</h3>"
        definition = f'<p class="definition">{_e(m.definition.operational_definition.strip())}</p>'
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
        if m.n_censored and m.per_period:
            text += (
                f" Each point is the median of the children who reached the stage in that "
                f"{a.params.period}; {m.n_censored} children still waiting are counted under "
                "'Children still waiting'."
            )
        elif m.n_censored:
            text += (
                f" {m.n_censored} children still waiting are drawn as hollow points at the "
                "extract date with the days waited so far; they are left out of the median."
            )
        fig = spc_chart(m.result, annotations=a.annotations, title=title, y_label=_y_label(m))
        blocks.append(
            f"{head}{_figure(to_svg(fig, title=title, desc=alt), alt)}<p>{_e(text)}</p>{definition}"
        )
    if not blocks:
        return f"<p>No {family} measures are defined for this change idea.</p>"
    return "".join(blocks)


def _y_label(m: MeasureAnalysis) -> str:
    return "Proportion of children" if m.definition.default_chart == "p" else "Days"


def journeys_html(a: ChangeIdeaAnalysis) -> str:
    """Journeys of the children who became looked after since the test started."""
    from paceqi.charts import journeys_chart, to_svg
    from paceqi.measures import journeys
    from paceqi.privacy import pseudonymise

    frame = journeys(a.events, as_of=a.as_of)
    if a.test_start is not None:
        first = frame.groupby("child_id")["start_date"].transform("min")
        frame = frame[first >= pd.Timestamp(a.test_start)]
    n = int(frame["child_id"].nunique())
    if n < a.params.min_cell:
        return (
            f"<p>Fewer than {a.params.min_cell} children became looked after in the test period: "
            "their journeys are not shown, to protect their privacy.</p>"
        )
    frame = pseudonymise(frame, _report_id(a))
    recent = frame.groupby("child_id")["start_date"].min().nlargest(MAX_JOURNEYS).index
    shown = frame[frame["child_id"].isin(recent)]
    alt = (
        f"Journeys of the {shown['child_id'].nunique()} most recent of {n} children who became "
        "looked after since the test started; open bars are children still waiting"
    )
    lanes = shown.rename(columns={"start_date": "date", "stage_order": "order"}).assign(
        censored=shown.groupby("child_id")["open"].transform("any")
    )
    fig = journeys_chart(lanes, as_of=a.as_of, title="Journeys since the test started")
    return _figure(to_svg(fig, title="Journeys", desc=alt), alt)


def _report_id(a: ChangeIdeaAnalysis) -> str:
    return f"{a.params.change_idea}|{a.params.authority}|{a.extract.sha256}"


def waiting_html(a: ChangeIdeaAnalysis) -> str:
    """Children still waiting for each measure's end stage, with those past target."""
    from paceqi.privacy import suppress

    rows = []
    for m in a.measures:
        f = m.frame
        if "censored" not in f or "target_days" not in f:
            continue
        waiting = f[f["censored"]]
        past = waiting["days"] > waiting["target_days"].fillna(float("inf")).astype(float)
        rows.append(
            {
                "Waiting for": m.definition.label,
                "Children still waiting": len(waiting),
                "Already past target": int(past.sum()),
            }
        )
    if not rows:
        return "<p>No measure of this change idea follows children still waiting.</p>"
    table = suppress(
        pd.DataFrame(rows),
        a.params.min_cell,
        columns=["Children still waiting", "Already past target"],
        axis="none",
    )
    return _table(
        table,
        f"Children still waiting on {a.as_of:%d %B %Y} (counts below {a.params.min_cell} hidden)",
    )


def data_quality_html(a: ChangeIdeaAnalysis) -> str:
    """Data-quality notes from validating the extract."""
    notes = a.extract.notes
    if notes is None or notes.empty:
        return "<p>No data-quality notes: every check passed.</p>"
    return _table(
        notes[["column", "check", "message"]].rename(columns=str.capitalize), "Data-quality notes"
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
        f"Data: {_e(a.extract.source)} (SHA-256 {_e(a.extract.sha256[:12])}…).</p>"
    )


def key_figures(a: ChangeIdeaAnalysis) -> dict[str, Any]:
    """Figures for the batch index and the national roll-up (recorded by the notebook)."""
    figures: dict[str, Any] = {"children": int(a.events["child_id"].nunique())}
    main = _main_measure(a)
    if main is not None:
        done = main.frame[~main.frame["censored"]] if "censored" in main.frame else main.frame
        figures["median_days"] = float(done["y"].median()) if len(done) else None
        figures["children_waiting"] = main.n_censored
        last = main.result.summary.iloc[-1]
        figures["variation"] = last["variation"]
        figures["assurance"] = last["assurance"]
    for m in a.family("outcome"):
        if m.definition.default_chart == "p" and len(m.frame):
            recent = m.frame.tail(12)
            figures["pct_within_target"] = round(
                100 * recent["y"].sum() / max(recent["n"].sum(), 1), 1
            )
            break
    figures["rules"] = a.params.rules
    return figures
