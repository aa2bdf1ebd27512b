"""The first screen of a change-idea report: key figures, summary table, "what next".

:func:`key_figures` computes the report's :class:`~paceqi.report.keyfigures.KeyFigures` once;
the summary table (:func:`summary_html`) and "what this suggests next" (:func:`next_html`) are
formatted from that record, and the same record is what the batch index and the national
roll-up read, so the three never disagree.

The answer itself (status, headline, primary outcome) is the verdict's
:class:`~paceqi.changeidea.answer.Answer`, and each measure's "baseline" and "since the test"
values are its :class:`~paceqi.changeidea.answer.Judgement` (the frozen baseline's centre line
and the same statistic since the test period began), so the report's headline, its summary
table, the index and the roll-up quote one number for one measure. Without a test, the whole
period and the last :data:`LATEST_POINTS` points are summarised with the same statistic.
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from paceqi.changeidea.analysis import ChangeIdeaAnalysis, MeasureAnalysis
from paceqi.privacy import count_text, is_small, redact_text
from paceqi.report.keyfigures import KeyFigures, MeasureFigures, StageFigures

if TYPE_CHECKING:
    from paceqi.spcstats import SPCResult

__all__ = [
    "key_figures",
    "summary_html",
    "next_html",
    "measure_anchor",
    "test_end",
    "LATEST_POINTS",
]

_e = html.escape
#: Without a recorded test, the "latest" column summarises this many most recent points.
LATEST_POINTS = 12
_FAMILY = {"outcome": "Outcome", "process": "Process", "balancing": "Balancing"}


def measure_anchor(m: MeasureAnalysis) -> str:
    """Return the ``id`` of a measure's heading (its chart) in the report."""
    return f"measure-{m.name.replace('_', '-')}"


def _whole_and_latest(res: SPCResult) -> tuple[float | None, float | None]:
    """Without a test: the chart's centre statistic over all points and the last ones."""
    from paceqi.changeidea.answer import _centre

    pts = res.points
    use = pd.to_numeric(pts["y"], errors="coerce").notna()
    if "excluded" in pts:
        use &= ~pts["excluded"].fillna(False).astype(bool)
    pts = pts[use]
    n = pts.get("n", None)
    chart = str(res.options.chart)
    whole = _centre(pts["y"], n, chart)
    tail = pts.tail(LATEST_POINTS)
    latest = _centre(tail["y"], None if n is None else tail["n"], chart)
    return whole, latest


def _n(m: MeasureAnalysis, points: pd.DataFrame | None = None) -> int:
    if m.definition.default_chart == "p":
        frame = m.frame if points is None else points
        return int(pd.to_numeric(frame["n"], errors="coerce").fillna(0).sum())
    return len(m.frame)


def _target(a: ChangeIdeaAnalysis, m: MeasureAnalysis) -> str:
    target = m.definition.target_days
    if target is None and "target_days" in m.frame:
        known = pd.to_numeric(m.frame["target_days"], errors="coerce").dropna()
        target = int(known.iloc[0]) if len(known) and known.nunique() == 1 else None
    aim = _aim_value(a)
    if m.definition.default_chart == "p" and m.family == "outcome" and aim is not None:
        within = f" within {target} days" if target else ""
        return f"aim {aim:.0f}%{within}"
    if target is None:
        return ""
    if m.definition.default_chart == "p":
        return f"within {target} days"
    return f"target {target} days"


def _aim_value(a: ChangeIdeaAnalysis) -> float | None:
    for aim in (a.document or {}).get("aims") or []:
        value = aim.get("target_value")
        if isinstance(value, int | float) and 0 < value <= 1:
            return 100.0 * float(value)
    return None


def _measure_figures(a: ChangeIdeaAnalysis, m: MeasureAnalysis) -> MeasureFigures:
    from paceqi.changeidea.answer import _judge_measure

    chart = m.definition.default_chart
    percent = chart == "p"
    noun = "events" if "event_date" in m.frame else "children"
    common = MeasureFigures(
        name=m.name,
        label=m.definition.label,
        family=m.family,
        anchor=measure_anchor(m),
        noun=noun,
        unit="%" if percent else "days",
        target=_target(a, m),
    )
    if m.result is None:
        return dataclasses.replace(common, n=_n(m), problem=m.problem)
    if a.test_start is not None:
        j = _judge_measure(m, a)
        before, latest = j.baseline, j.since
    else:
        before, latest = _whole_and_latest(m.result)
    last = m.result.summary.iloc[-1]

    def shown(value: float | None) -> float | None:
        if value is None or not pd.notna(value):
            return None
        return round(100 * value if percent else value, 1)

    small = percent and is_small(_n(m), a.params.min_cell)  # no % of 1-4 children
    return dataclasses.replace(
        common,
        n=_n(m),
        baseline=None if small else shown(before),
        latest=None if small else shown(latest),
        variation=None if pd.isna(last["variation"]) else str(last["variation"]),
        assurance=None if pd.isna(last["assurance"]) else str(last["assurance"]),
    )


#: Columns of a measure counted per child (one row per child, with its wait).
PER_CHILD = frozenset({"days", "censored", "within_target", "x_date"})


def _primary_children(a: ChangeIdeaAnalysis) -> tuple[MeasureAnalysis, float | None] | None:
    """Return the measure counted per child that before/after reads, and its target in days.

    The first outcome measure counted per child; when the outcomes are all percentages per
    period (kinship, CSO review), the days measure of the primary outcome's own wait, judged
    against the primary's target (:func:`~paceqi.changeidea.answer.days_of_the_same_wait`).
    The target is None when the measure's own ``within_target`` column applies.
    """
    from paceqi.changeidea.answer import days_of_the_same_wait, primary_measure

    for m in a.family("outcome"):
        if set(m.frame.columns) >= PER_CHILD:
            return m, None
    primary = primary_measure(a)
    if primary is None:
        return None
    twin = days_of_the_same_wait(primary, a)
    if twin is None or not set(twin.frame.columns) >= PER_CHILD:
        return None
    target = primary.definition.target_days
    return twin, None if target is None else float(target)


def _before_after(a: ChangeIdeaAnalysis) -> dict[str, Any]:
    found = _primary_children(a)
    if found is None:
        return {}
    m, target = found
    frame = m.frame
    if target is not None:  # the primary outcome's own target (CSO review: 821 days)
        frame = frame.assign(within_target=frame["days"] <= target)
    done = frame[~frame["censored"].astype(bool)]
    out: dict[str, Any] = {"children_waiting": int(frame["censored"].astype(bool).sum())}
    if a.test_start is None:
        return out
    ended = pd.to_datetime(done["x_date"])
    # a measure without a target (e.g. agency decision to court) has no "within target" count
    targeted = bool(frame["within_target"].notna().any())
    for name, part in (
        ("before", done[ended < pd.Timestamp(a.test_start)]),
        ("after", done[ended >= pd.Timestamp(a.test_start)]),
    ):
        within = part["within_target"].astype("boolean").fillna(False).astype(bool)
        out[f"{name}_n"] = len(part)
        out[f"{name}_within"] = int(within.sum()) if targeted else None
        out[f"{name}_median"] = float(part["days"].median()) if len(part) else None
    return out


def _stages(summary: pd.DataFrame) -> tuple[StageFigures, ...]:
    if summary is None or summary.empty:
        return ()
    rows = summary[(summary["route"] == "all routes") & ~summary["suppressed"].astype(bool)]
    out = []
    for _, r in rows.iterrows():
        median = r["km_median"]
        out.append(
            StageFigures(
                segment=str(r["segment"]),
                median_days=None if pd.isna(median) or median == float("inf") else float(median),
                target_days=None if pd.isna(r["target_days"]) else float(r["target_days"]),
                children=int(r["children"]),
            )
        )
    return tuple(out)


def _delay(segments: pd.DataFrame | None) -> str:
    """Return the segment whose median is furthest past its target ("" if none is)."""
    from paceqi.changeidea.segments import where_is_the_delay

    if segments is None or segments.empty:
        return ""
    ranked = where_is_the_delay(segments)
    finite = ranked["km_median"].map(lambda v: pd.notna(v) and v != float("inf"))
    late = ranked[finite & (ranked["over_target"] > 0)]
    return str(late["segment"].iloc[0]) if len(late) else ""


def test_end(a: ChangeIdeaAnalysis) -> str | None:
    """Return the ISO date the test period ends (last PDSA cycle end), or None."""
    if a.test_start is None or a.ramp.empty or a.ramp["end_date"].isna().all():
        return None
    return pd.Timestamp(a.ramp["end_date"].dropna().max()).date().isoformat()


def key_figures(
    a: ChangeIdeaAnalysis, segments: pd.DataFrame | None = None, kind: str = "test"
) -> KeyFigures:
    """Compute the report's key figures (the one record the summary, index and roll-up read).

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The analysis.
    segments : pandas.DataFrame, optional
        :func:`paceqi.changeidea.segments.segment_summary` (for the stage figures).
    kind : {"test", "baseline"}
        Whether the report answers "has the change led to an improvement?" or "where is the
        delay?" (see :class:`~paceqi.report.keyfigures.KeyFigures`).
    """
    from paceqi.changeidea.answer import answer

    ans = answer(a)
    rows = tuple(_measure_figures(a, m) for m in a.measures)
    primary = next((r for r in rows if r.name == ans.primary), None)
    before_after = _before_after(a)
    return KeyFigures(
        title=_title(a),
        status=ans.status,
        headline=ans.headline,
        test_recorded=a.test_start is not None,
        test_start=None if a.test_start is None else a.test_start.isoformat(),
        test_end=test_end(a),
        primary=primary.label if primary else "",
        baseline=primary.baseline if primary else None,
        latest=primary.latest if primary else None,
        unit=primary.unit if primary else "",
        variation=primary.variation if primary else None,
        assurance=primary.assurance if primary else None,
        children=int(a.events["child_id"].nunique()),
        measures=rows,
        stages=_stages(segments) if segments is not None else (),
        next_steps=tuple(_next_steps(a, rows, ans.status)),
        rules=a.params.rules,
        kind=kind,
        delay=_delay(segments),
        **before_after,
    )


def _title(a: ChangeIdeaAnalysis) -> str:
    import yaml

    from paceqi.measures.definitions import measures_dir

    path = measures_dir() / f"{a.params.change_idea}.yaml"
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        doc = {}
    label = str(doc.get("label") or a.change_idea_label)
    return label


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:.0f} days" if unit == "days" else f"{value:.1f}"


def _icon(kind: str, value: str | None, target: str | None = None) -> str:
    from paceqi.charts.icons import (
        ASSURANCE_TEXT,
        VARIATION_TEXT,
        assurance_icon,
        variation_icon,
    )

    if value is None:
        # a target shown beside a run chart (no limits) is not assessed, not absent
        if kind != "assurance":
            text = "Not analysed"
        else:
            aimed = bool(target) and str(target).startswith(("target", "aim"))
            text = "Not assessed" if aimed else "No target set"
        return f'<span class="pq-icon-text">{_e(text)}</span>'
    texts = VARIATION_TEXT if kind == "variation" else ASSURANCE_TEXT
    draw = variation_icon if kind == "variation" else assurance_icon
    if value not in texts:
        return _e(value)
    svg = draw(value, size=28).replace(' xmlns="http://www.w3.org/2000/svg"', "")
    svg = svg.replace('role="img"', 'aria-hidden="true"', 1)
    text = texts[value].split(": ", 1)[-1]
    return f'{svg}<span class="pq-icon-text">{_e(text)}</span>'


def _period_text(k: KeyFigures) -> str:
    start = pd.Timestamp(k.test_start)
    if k.test_end:
        return f" (test period {start:%d %B %Y} to {pd.Timestamp(k.test_end):%d %B %Y})"
    return f" (on {start:%d %B %Y})"


def summary_html(a: ChangeIdeaAnalysis, k: KeyFigures) -> str:
    """Return the Making Data Count style summary: one row a measure, linked to its chart."""
    if k.test_recorded:
        start = pd.Timestamp(k.test_start).strftime("%b %Y")
        before_head, latest_head = f"Before {start}", f"Since {start}"
    else:
        before_head, latest_head = "Whole period", f"Last {LATEST_POINTS} points"
    head = "".join(
        f'<th scope="col"{cls}>{_e(t)}</th>'
        for t, cls in (
            ("Measure", ""),
            ("n", ' class="num"'),
            (before_head, ' class="num"'),
            (latest_head, ' class="num"'),
            ("Aim or target", ""),
            ("Variation", ""),
            ("Assurance", ""),
        )
    )
    body = []
    for r in k.measures:
        link = f'<a href="#{_e(r.anchor)}">{_e(r.label)}</a>'
        family = f'<span class="pq-family">{_e(_FAMILY.get(r.family, r.family))}</span>'
        n = count_text(r.n, r.noun, a.params.min_cell) if r.n is not None else ""
        if r.problem:
            cells = f'<td colspan="6">Not analysed: {_e(redact_text(r.problem))}</td>'
        else:
            cells = (
                f'<td class="num">{_e(n)}</td>'
                f'<td class="num">{_e(_fmt(r.baseline, r.unit))}</td>'
                f'<td class="num">{_e(_fmt(r.latest, r.unit))}</td>'
                f"<td>{_e(r.target)}</td>"
                f'<td class="pq-icon">{_icon("variation", r.variation)}</td>'
                f'<td class="pq-icon">{_icon("assurance", r.assurance, r.target)}</td>'
            )
        body.append(f'<tr><th scope="row">{family}{link}</th>{cells}</tr>')
    caption = "Every measure at a glance" + (
        f", before and since the test started{_period_text(k)}."
        if k.test_recorded
        else f": no test is recorded, so the last {LATEST_POINTS} points beside the whole period."
    )
    note = (
        "Values are each chart's centre line (median of a run chart, mean of an I chart, pooled "
        "% of a P chart) over its points; each measure links to its chart. Assurance compares a "
        "target with a chart's control limits (a run chart has none). Percentages of fewer "
        f"than {a.params.min_cell} children are not shown (–)."
    )
    return (
        '<div class="pq-scroll"><table class="paceqi-table pq-summary">'
        f"<caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="pq-note">{_e(note)}</p>'
    )


def _next_steps(a: ChangeIdeaAnalysis, rows: tuple[MeasureFigures, ...], status: str) -> list[str]:
    steps: list[str] = []
    if a.test_start is None:
        steps.append(
            "Record the PDSA cycles of this change idea (or set test_start) so that the next "
            "report can compare before and after the change."
        )
    elif not a.ramp.empty:
        last = a.ramp.sort_values("cycle_no").iloc[-1]
        act = str(last.get("act_decision") or "").strip()
        plan = str(last.get("next_steps") or "").strip()
        if act:
            sentence = f"The last PDSA cycle (cycle {int(last['cycle_no'])}) decided to {act}"
            steps.append(sentence + (f": {plan}" if plan else "."))
    steps += [NEXT_STEP[status]] if status in NEXT_STEP else []
    for r in rows:
        if r.variation and r.variation.startswith("concern"):
            steps.append(
                f"{_FAMILY.get(r.family, r.family)} measure '{r.label}' shows a signal of "
                "concern: look at its chart and find out what happened."
            )
    return [redact_text(s) for s in steps]


#: What each answer (:data:`paceqi.changeidea.answer.STATUSES`) suggests doing next.
NEXT_STEP = {
    "yes": "The primary outcome improved after the test started: hold the gain, keep the chart "
    "going and watch the balancing measures.",
    "around_start": "The improvement began around the test start: check what else changed then "
    "before crediting the test, and keep the chart going.",
    "partly": "Only part of the outcome improved: look at the process measures to see where the "
    "change is not yet happening as planned.",
    "too_early": "Too few points since the test started to see a sustained shift: keep measuring.",
    "began_before": "The improvement began before the test: find out what started it, and do "
    "not credit the test with it.",
    "worse": "The primary outcome got worse after the test started: review the change with "
    "the team before scaling it up.",
    "no_sign": "No sustained improvement yet: check the process measures to see whether the "
    "change is happening as planned, and adapt it.",
    "too_few": "Too few data to judge: check the extract covers enough children and time.",
}


def next_html(k: KeyFigures) -> str:
    """Return 'what this suggests next': the PDSA act decision and what the signals call for."""
    if not k.next_steps:
        return ""
    items = "".join(f"<li>{_e(s)}</li>" for s in k.next_steps)
    return (
        '<div class="pq-next"><p class="pq-next-title"><strong>What this suggests next'
        f"</strong></p><ul>{items}</ul></div>"
    )
