"""The first screen of a change-idea report: key figures, summary table, "what next".

:func:`key_figures` computes the report's :class:`~paceqi.report.keyfigures.KeyFigures` once;
the summary table (:func:`summary_html`) and "what this suggests next" (:func:`next_html`) are
formatted from that record, and the same record is what the batch index and the national
roll-up read, so the three never disagree.

Each measure's "baseline" and "since the test" values are the chart's own centre statistic
(median of the points on a run chart, mean on an I chart, pooled proportion Σy/Σn on a P chart)
over the points before and since the test start; a measure charted as medians per period is
summarised as the median of those period medians, as its chart's centre line is.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from paceqi.changeidea.analysis import ChangeIdeaAnalysis, MeasureAnalysis
from paceqi.privacy import count_text, is_small, redact_text
from paceqi.report.keyfigures import KeyFigures, MeasureFigures, StageFigures

__all__ = [
    "key_figures",
    "key_numbers_html",
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


def _status(head: str) -> str:
    for status in ("Partly", "Cannot tell"):
        if head.startswith(status):
            return status
    return head


def _centre(points: pd.DataFrame, chart: str) -> float | None:
    """Return the chart's centre statistic over ``points`` (see the module notes)."""
    y = pd.to_numeric(points["y"], errors="coerce")
    if chart == "p":
        n = pd.to_numeric(points["n"], errors="coerce")
        total = float(n.sum())
        if total <= 0:
            return None
        # y is the proportion of each point; weight it back to counts
        return 100.0 * float((y * n).sum()) / total
    y = y.dropna()
    if y.empty:
        return None
    return float(y.mean()) if chart == "i" else float(y.median())


def _n(m: MeasureAnalysis, points: pd.DataFrame | None = None) -> int:
    if m.definition.default_chart == "p":
        frame = m.frame if points is None else points
        return int(pd.to_numeric(frame["n"], errors="coerce").fillna(0).sum())
    return len(m.frame)


def _windows(a: ChangeIdeaAnalysis, points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(baseline points, latest points): before/since the test start, else whole/last N."""
    used = points[~points["excluded"].astype(bool)] if "excluded" in points else points
    used = used[pd.to_numeric(used["y"], errors="coerce").notna()]
    if a.test_start is None:
        return used, used.tail(LATEST_POINTS)
    start = pd.Timestamp(a.test_start)
    x = pd.to_datetime(used["x"])
    return used[x < start], used[x >= start]


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
    chart = m.definition.default_chart
    noun = "events" if "event_date" in m.frame else "children"
    common = {
        "name": m.name,
        "label": m.definition.label,
        "family": m.family,
        "anchor": measure_anchor(m),
        "noun": noun,
        "unit": "%" if chart == "p" else "days",
        "target": _target(a, m),
    }
    if m.result is None:
        return MeasureFigures(n=_n(m), problem=m.problem, **common)
    before, latest = _windows(a, m.result.points)
    last = m.result.summary.iloc[-1]

    def guarded(points: pd.DataFrame) -> float | None:
        if chart == "p" and (is_small(_n(m, points), a.params.min_cell) or points.empty):
            return None  # a percentage of 1-4 children is never shown
        value = _centre(points, chart) if len(points) else None
        return None if value is None else round(value, 1)

    return MeasureFigures(
        n=_n(m),
        baseline=guarded(before),
        latest=guarded(latest),
        variation=None if pd.isna(last["variation"]) else str(last["variation"]),
        assurance=None if pd.isna(last["assurance"]) else str(last["assurance"]),
        **common,
    )


def _outcome_answers(a: ChangeIdeaAnalysis) -> list[str]:
    from paceqi.narrative import verdict

    answers = []
    for m in a.family("outcome"):
        if m.result is None:
            answers.append("Too few data")
            continue
        v = verdict(m.result, direction=m.result.options.direction, test_start=a.test_start)
        answers.append(v.answer)
    return answers


def _primary_children(a: ChangeIdeaAnalysis) -> MeasureAnalysis | None:
    """Return the first outcome measure counted per child with a target (for before/after)."""
    for m in a.family("outcome"):
        if {"days", "censored", "within_target", "x_date"} <= set(m.frame.columns):
            return m
    return None


def _before_after(a: ChangeIdeaAnalysis) -> dict[str, Any]:
    m = _primary_children(a)
    if m is None:
        return {}
    done = m.frame[~m.frame["censored"].astype(bool)]
    out: dict[str, Any] = {"children_waiting": int(m.frame["censored"].astype(bool).sum())}
    if a.test_start is None:
        return out
    ended = pd.to_datetime(done["x_date"])
    for name, part in (
        ("before", done[ended < pd.Timestamp(a.test_start)]),
        ("after", done[ended >= pd.Timestamp(a.test_start)]),
    ):
        within = part["within_target"].astype("boolean").fillna(False).astype(bool)
        out[f"{name}_n"] = len(part)
        out[f"{name}_within"] = int(within.sum())
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
    from paceqi.changeidea.sections import headline

    head = headline(_outcome_answers(a), a.test_start is not None)
    rows = tuple(_measure_figures(a, m) for m in a.measures)
    primary = next((r for r in rows if r.family == "outcome" and r.problem is None), None)
    before_after = _before_after(a)
    return KeyFigures(
        title=_title(a),
        status=_status(head),
        headline=head,
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
        next_steps=tuple(_next_steps(a, rows, head)),
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


def _icon(kind: str, value: str | None) -> str:
    from paceqi.charts.icons import (
        ASSURANCE_TEXT,
        VARIATION_TEXT,
        assurance_icon,
        variation_icon,
    )

    if value is None:
        text = "No target set" if kind == "assurance" else "Not analysed"
        return f'<span class="pq-icon-text">{_e(text)}</span>'
    texts = VARIATION_TEXT if kind == "variation" else ASSURANCE_TEXT
    draw = variation_icon if kind == "variation" else assurance_icon
    if value not in texts:
        return _e(value)
    svg = draw(value, size=28).replace(' xmlns="http://www.w3.org/2000/svg"', "")
    svg = svg.replace('role="img"', 'aria-hidden="true"', 1)
    text = texts[value].split(": ", 1)[-1]
    return f'{svg}<span class="pq-icon-text">{_e(text)}</span>'


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
                f'<td class="pq-icon">{_icon("assurance", r.assurance)}</td>'
            )
        body.append(f'<tr><th scope="row">{family}{link}</th>{cells}</tr>')
    caption = (
        "Every measure at a glance. Values are each chart's centre line (median of a run chart, "
        "mean of an I chart, pooled % of a P chart) over its points"
        + (
            " before and since the test started."
            if k.test_recorded
            else f"; no test is recorded, so the last {LATEST_POINTS} points are shown beside "
            "the whole period."
        )
        + f" Percentages of fewer than {a.params.min_cell} children are not shown (–)."
    )
    return (
        '<div class="pq-scroll"><table class="paceqi-table pq-summary">'
        f"<caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _next_steps(a: ChangeIdeaAnalysis, rows: tuple[MeasureFigures, ...], head: str) -> list[str]:
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
    status = _status(head)
    if status == "Yes":
        steps.append(
            "The primary outcome improved after the test started: hold the gain, keep the "
            "chart going and watch the balancing measures."
        )
    elif status == "Not yet":
        steps.append(
            "Too few points since the test started to see a sustained shift: keep measuring."
        )
    elif status in ("No sign", "Partly") and a.test_start is not None:
        steps.append(
            "No sustained improvement in every outcome measure yet: check the process measures "
            "to see whether the change is happening as planned."
        )
    for r in rows:
        if r.variation and r.variation.startswith("concern"):
            steps.append(
                f"{_FAMILY.get(r.family, r.family)} measure '{r.label}' shows a signal of "
                "concern: look at its chart and find out what happened."
            )
    return [redact_text(s) for s in steps]


def key_numbers_html(a: ChangeIdeaAnalysis, k: KeyFigures) -> str:
    """Return the answer's numbers: the primary outcome before and since the test, the aim."""
    primary = next((r for r in k.measures if r.label == k.primary), None)
    if primary is None:
        return ""
    tiles: list[tuple[str, str]] = []
    if k.test_recorded:
        start = pd.Timestamp(k.test_start)
        until = f" (test to {pd.Timestamp(k.test_end):%b %Y})" if k.test_end else ""
        tiles.append((f"Before {start:%b %Y}", _fmt(primary.baseline, primary.unit)))
        tiles.append((f"Since {start:%b %Y}{until}", _fmt(primary.latest, primary.unit)))
    else:
        tiles.append(("Whole period", _fmt(primary.baseline, primary.unit)))
        tiles.append((f"Last {LATEST_POINTS} points", _fmt(primary.latest, primary.unit)))
    if primary.target:
        tiles.append(("Aim or target", primary.target))
    for r in k.measures:
        if r is not primary and r.family == "outcome" and r.unit == "%" and r.target:
            tiles.append(
                (
                    f"{r.label} ({r.target})",
                    f"{_fmt(r.baseline, r.unit)} → {_fmt(r.latest, r.unit)}",
                )
            )
            break
    if k.children_waiting is not None:
        waiting = count_text(k.children_waiting, "children", a.params.min_cell)
        tiles.append((f"Still waiting on {a.as_of:%d %b %Y}", waiting))
    items = "".join(f"<div><dt>{_e(t)}</dt><dd>{_e(v)}</dd></div>" for t, v in tiles)
    return (
        f'<p class="pq-keynumbers">Primary outcome: <strong>{_e(primary.label)}</strong></p>'
        f'<dl class="pq-tiles">{items}</dl>'
    )


def next_html(k: KeyFigures) -> str:
    """Return 'what this suggests next': the PDSA act decision and what the signals call for."""
    if not k.next_steps:
        return ""
    items = "".join(f"<li>{_e(s)}</li>" for s in k.next_steps)
    return (
        '<div class="pq-next"><p class="pq-next-title"><strong>What this suggests next'
        f"</strong></p><ul>{items}</ul></div>"
    )
