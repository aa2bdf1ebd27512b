"""The batch's front pages: ``index.html`` (who is improving) and ``national.html`` (Scotland).

Both pages are built only from the JSON results the batch writes next to each report
(``<notebook>/<slug>.json``, see :class:`paceqi.report.batch.RunResult`), and within them only
from each report's recorded :class:`~paceqi.report.keyfigures.KeyFigures`: an index cell shows
the report's own answer and numbers, never a recomputation. The HTML is in Jinja templates
(``templates/pages/``, autoescaped); this module prepares what they show. Every count and
percentage passes the privacy rule of :mod:`paceqi.privacy`; every page carries the handling
marking. The pages are self-contained (inline CSS and SVG, no script): the index groups the
reports by answer and filters "test recorded / not recorded" with CSS alone.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import statistics
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from paceqi.charts import theme
from paceqi.privacy import MIN_COUNT, count_text, handling_marking, percent
from paceqi.report._files import atomic_write_text
from paceqi.report.keyfigures import STATUSES, KeyFigures

__all__ = [
    "write_index",
    "load_results",
    "index_html",
    "national_html",
    "idea_title",
    "icon",
    "sparkline",
    "STATUS_TEXT",
    "STATUS_LABEL",
]

#: Each answer's short label in an index cell, and what it means (the legend). The keys are
#: the verdict's statuses (:data:`paceqi.report.keyfigures.STATUSES`) plus the index's own.
STATUS_LABEL: dict[str, tuple[str, str]] = {
    "failed": ("Failed", "The report did not finish: open it to see the failing step."),
    "yes": ("Yes", "A sustained improvement of the primary outcome after the test started."),
    "around_start": (
        "Yes, around the start",
        "A sustained improvement beginning around the test start.",
    ),
    "partly": ("Partly", "Part of the outcome improved after the test started."),
    "too_early": ("Too early", "Too few points since the test started to see a shift."),
    "no_sign": (
        "No sign yet",
        "Enough points since the test started, and no sustained improvement.",
    ),
    "worse": ("Worse", "The primary outcome got worse after the test started."),
    "began_before": ("Began before", "The improvement began before the test started."),
    "too_few": ("Too few data", "Too few data to judge the primary outcome."),
    "not_tested": (
        "No test",
        "No test of change is recorded, so before and after cannot be compared.",
    ),
    "baseline": (
        "Baseline",
        "A baseline report: where the delay sits before any change is tested.",
    ),
    "none": ("No answer recorded", "The report finished but recorded no key figures."),
}
STATUS_TEXT = {key: text for key, (_, text) in STATUS_LABEL.items()}
_ORDER = {
    s: i
    for i, s in enumerate(
        (
            "failed",
            "yes",
            "around_start",
            "partly",
            "too_early",
            "no_sign",
            "worse",
            "began_before",
            "too_few",
            "not_tested",
            "baseline",
            "none",
        )
    )
}


def load_results(folder: str | Path) -> list[dict[str, Any]]:
    """Read every ``<notebook>/<slug>.json`` result under ``folder`` (by notebook, authority)."""
    folder = Path(folder)
    results = []
    for path in sorted(folder.glob("*/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and {"notebook", "authority", "status"} <= set(data):
            results.append(data)
    return sorted(results, key=lambda r: (str(r["notebook"]), str(r["authority"]).lower()))


@lru_cache(maxsize=64)
def idea_title(notebook: str) -> str:
    """Return a change idea's human title: its notebook's ``# `` heading, before any colon.

    Falls back to the measures file's ``label``, then to the name with spaces.

    Examples
    --------
    >>> idea_title("two_week_planning_meeting")
    'Two Week Planning Meeting'
    """
    from paceqi._paths import notebooks_dir, parameters_dir
    from paceqi.report.render import notebook_title

    path = notebooks_dir() / "change_ideas" / f"{notebook}.ipynb"
    try:
        found = notebook_title(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        found = None
    if found:
        return found
    try:
        import yaml

        doc = yaml.safe_load((parameters_dir() / "measures" / f"{notebook}.yaml").read_text())
        if isinstance(doc, dict) and doc.get("label"):
            return str(doc["label"])
    except (OSError, ValueError, ImportError):
        pass
    return notebook.replace("_", " ")


def icon(kind: str, value: Any, size: int = 24) -> str:
    """Return the inline SVG icon of a variation or assurance value (escaped text if unknown).

    The icons are the ones every chart and report uses (:mod:`paceqi.charts.icons`), keyed to
    the ``paceqi.spc`` vocabulary (``res.summary.variation`` / ``.assurance``).
    """
    import html

    from paceqi.charts.icons import assurance_icon, variation_icon
    from paceqi.errors import OptionsError

    if value is None:
        return ""
    draw = variation_icon if kind == "variation" else assurance_icon
    try:
        svg = draw(str(value), size=size)
    except OptionsError:
        return html.escape(str(value))
    # inline SVG in HTML needs no namespace; keep the page free of any URL
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "")


def _symbol(kind: str, value: str) -> tuple[str, str, str] | None:
    """(id, viewBox, inner SVG) of an icon, to define once and ``<use>`` in every cell."""
    svg = icon(kind, value)
    found = re.match(r'<svg[^>]*viewBox="([^"]+)"[^>]*>(.*)</svg>$', svg, re.S)
    if not found:
        return None
    inner = re.sub(r"<title>.*?</title>", "", found.group(2), flags=re.S)
    return f"{kind[0]}-{value}", found.group(1), inner


def _icon_text(kind: str, value: str | None) -> str:
    from paceqi.charts.icons import ASSURANCE_TEXT, VARIATION_TEXT

    texts = VARIATION_TEXT if kind == "variation" else ASSURANCE_TEXT
    return texts.get(value or "", "")


def sparkline(values: Sequence[float], width: int = 160, height: int = 40) -> str:
    """Return an inline SVG line of ``values`` with a dashed line at their median."""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return round(height - 3 - (v - lo) / span * (height - 6), 1)

    points = " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values))
    median = statistics.median(values)
    return (
        f'<svg width="{width}" height="{height}" role="presentation" aria-hidden="true">'
        f'<line x1="0" x2="{width}" y1="{y(median)}" y2="{y(median)}" stroke="{theme.GREY}" '
        f'stroke-dasharray="3,3"/><polyline fill="none" stroke="{theme.BLUE}" stroke-width="1.5" '
        f'points="{points}"/></svg>'
    )


# -- formatting shared by both pages ------------------------------------------------------------
def _value(value: float | None, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return (
        f"{value:.0f}%"
        if unit == "%"
        else f"{value:.0f} days"
        if unit == "days"
        else f"{value:.1f}"
    )


def _numbers(k: KeyFigures) -> str:
    """Return the cell's numbers: the primary measure before → since the test."""
    if k.kind == "baseline":
        return ""
    if k.baseline is None and k.latest is None:
        return ""
    return f"{_value(k.baseline, k.unit)} → {_value(k.latest, k.unit)}"


def _error(r: dict[str, Any]) -> str:
    where = f"cell {r['execution_count']}: " if r.get("execution_count") else ""
    return f"{where}{r.get('ename') or 'Error'}: {r.get('evalue') or ''}"[:300]


def _cell(r: dict[str, Any]) -> dict[str, Any]:
    href = str(r.get("html_path") or "")
    k = KeyFigures.from_result(r) if r.get("status") == "ok" else None
    if r.get("status") != "ok":
        status = "failed"
    elif k is None:
        status = "none"
    elif k.kind == "baseline":
        status = "baseline"
    else:
        status = k.status
    headline = k.headline if k else ""
    if k and k.kind == "baseline":
        headline = f"Longest past target: {k.delay}" if k.delay else "No stage past its target"
    return {
        "notebook": r["notebook"],
        "idea": idea_title(str(r["notebook"])),
        "authority": r["authority"],
        "href": href if status != "failed" else (f"{href}#papermill-error-cell" if href else ""),
        "status": status,
        "label": STATUS_LABEL[status][0],
        "css": _css(status),
        "order": _ORDER[status],
        "headline": headline,
        "numbers": _numbers(k) if k else "",
        "variation": k.variation if k and k.kind == "test" else None,
        "assurance": k.assurance if k and k.kind == "test" else None,
        "test": "yes" if k and k.test_recorded else "no",
        "error": _error(r) if status == "failed" else "",
    }


def _css(status: str) -> str:
    return "pq-" + status.replace("_", "-")


def _ideas(results: Sequence[dict[str, Any]], cells: Sequence[dict[str, Any]]) -> list[dict]:
    names: dict[str, None] = {}
    for r in results:
        names.setdefault(str(r["notebook"]), None)
    baseline = {c["notebook"] for c in cells if c["status"] == "baseline"}
    tests = {n: sum(c["test"] == "yes" for c in cells if c["notebook"] == n) for n in names}
    ordered = sorted(names, key=lambda n: (n in baseline, -tests[n], idea_title(n).lower()))
    # the roll-up ranks the authorities of every change idea with a finished test-of-change report
    ranked = {c["notebook"] for c in cells if c["status"] not in ("baseline", "failed", "none")}
    return [{"notebook": n, "title": idea_title(n), "ranked": n in ranked} for n in ordered]


def _env() -> Any:
    import jinja2

    from paceqi._paths import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "pages")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["count"] = lambda n, noun="children": count_text(n, noun)
    return env


def _common(title: str) -> dict[str, Any]:
    from paceqi import __version__

    return {
        "title": title,
        "marking": handling_marking(),
        "version": __version__,
        "written": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "min_count": MIN_COUNT,
    }


def index_html(results: Sequence[dict[str, Any]]) -> str:
    """Return the index page: one grid of authorities × change ideas, each cell a report's answer.

    Parameters
    ----------
    results : list of dict
        Batch results (:func:`load_results`).
    """
    cells = [_cell(r) for r in results]
    ideas = _ideas(results, cells)
    by_key = {(c["authority"], c["notebook"]): c for c in cells}
    authorities = sorted({c["authority"] for c in cells}, key=str.lower)
    rows = [
        {"authority": a, "cells": [by_key.get((a, i["notebook"])) for i in ideas]}
        for a in authorities
    ]
    used = {("variation", c["variation"]) for c in cells if c["variation"]}
    used |= {("assurance", c["assurance"]) for c in cells if c["assurance"]}
    symbols = [s for kind, value in sorted(used) if (s := _symbol(kind, value))]
    texts = {f"{kind[0]}-{value}": _icon_text(kind, value) for kind, value in used}
    groups = []
    for status in sorted({c["status"] for c in cells}, key=_ORDER.__getitem__):
        members = sorted(
            (c for c in cells if c["status"] == status),
            key=lambda c: (idea_title(c["notebook"]).lower(), c["authority"].lower()),
        )
        groups.append({"label": STATUS_LABEL[status][0], "css": _css(status), "cells": members})
    legend = [
        {"label": label, "css": _css(s), "text": text}
        for s, (label, text) in STATUS_LABEL.items()
        if any(c["status"] == s for c in cells)
    ]
    icon_legend = [{"id": f"{k[0]}-{v}", "text": texts[f"{k[0]}-{v}"]} for k, v in sorted(used)]
    failed = [c for c in cells if c["status"] == "failed"]
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            **_common("paceqi reports: who is improving?"),
            ideas=ideas,
            rows=rows,
            groups=groups,
            legend=legend,
            icon_legend=icon_legend,
            symbols=symbols,
            icon_texts=texts,
            failed=failed,
            n_reports=len(cells),
            n_failed=len(failed),
            n_test=sum(c["test"] == "yes" for c in cells),
        )
    )


# -- national roll-up ---------------------------------------------------------------------------
def _pooled(items: Iterable[tuple[int | None, int | None]]) -> tuple[int | None, int | None]:
    """Sum counts over authorities; None where no authority has the figure (not zero)."""
    pairs = list(items)
    ns = [a for a, _ in pairs if a is not None]
    withins = [b for a, b in pairs if a is not None]
    if not ns:
        return None, None
    return sum(ns), (None if None in withins else sum(w for w in withins if w is not None))


def _n(n: int | None) -> str:
    """Return a count for a table cell: the number or "fewer than 5" (:mod:`paceqi.privacy`).

    "–" where the figure does not exist (a primary measure that is not counted per child).
    """
    if n is None:
        return "–"
    if not n:
        return "0"
    text = count_text(n, "children")
    return text.removesuffix(" children")


def _pct(within: int | None, n: int | None) -> str:
    value = percent(within, n)
    return "–" if value is None else f"{value:.0f}%"


def _median(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(found) if found else None


def _idea_rollup(notebook: str, figures: list[tuple[str, KeyFigures]]) -> dict[str, Any]:
    tests = [(a, k) for a, k in figures if k.test_recorded]
    before_n, before_within = _pooled((k.before_n, k.before_within) for _, k in tests)
    after_n, after_within = _pooled((k.after_n, k.after_within) for _, k in tests)
    ranked: list[dict[str, Any]] = []
    for authority, k in figures:
        after = percent(k.after_within, k.after_n)
        before = percent(k.before_within, k.before_n)
        ranked.append(
            {
                "authority": authority,
                "label": STATUS_LABEL[k.status][0],
                "css": _css(k.status),
                "test": k.test_recorded,
                "before": "–" if before is None else f"{before:.0f}%",
                "after": "–" if after is None else f"{after:.0f}%",
                "change": "–"
                if before is None or after is None
                else f"{after - before:+.0f} points",
                "before_n": _n(k.before_n) if k.test_recorded else "",
                "after_n": _n(k.after_n) if k.test_recorded else "",
                "sort": -1.0 if after is None else after,
                "primary": f"{_value(k.baseline, k.unit)} → {_value(k.latest, k.unit)}",
            }
        )
    ranked.sort(key=lambda r: (-r["sort"], r["authority"].lower()))
    statuses = {s: sum(k.status == s for _, k in figures) for s in _ORDER if s in STATUSES}
    return {
        "notebook": notebook,
        "title": idea_title(notebook),
        "primary": next((k.primary for _, k in figures if k.primary), ""),
        "authorities": len(figures),
        "with_test": len(tests),
        "statuses": [(STATUS_LABEL[s][0], _css(s), n) for s, n in statuses.items() if n],
        "before_n": _n(before_n),
        "after_n": _n(after_n),
        "before_pct": _pct(before_within, before_n),
        "after_pct": _pct(after_within, after_n),
        "before_median": _value(_median(k.before_median for _, k in tests), "days"),
        "after_median": _value(_median(k.after_median for _, k in tests), "days"),
        "ranked": ranked,
    }


def _stages(per_authority: dict[str, KeyFigures]) -> list[dict[str, Any]]:
    table: dict[str, list[Any]] = {}
    for k in per_authority.values():
        for s in k.stages:
            table.setdefault(s.segment, []).append(s)
    rows: list[dict[str, Any]] = []
    for segment, stages in table.items():
        medians = [s.median_days for s in stages if s.median_days is not None]
        target = _median(s.target_days for s in stages)
        over = sum(
            1
            for s in stages
            if s.median_days is not None and s.target_days is not None
            if s.median_days > s.target_days
        )
        median = _median(medians)
        rows.append(
            {
                "segment": segment,
                "median": _value(median, "days"),
                "target": _value(target, "days") if target is not None else "no target",
                "over": (median - target) if median is not None and target is not None else None,
                "past": over,
                "authorities": len(stages),
                "children": _n(sum(s.children or 0 for s in stages)),
            }
        )
    rows.sort(key=lambda r: (r["over"] is None, -(r["over"] or 0)))
    for r in rows:
        r["over"] = "" if r["over"] is None else f"{r['over']:+.0f} days"
    return rows


def national_html(results: Sequence[dict[str, Any]]) -> str:
    """Return the national roll-up: Scotland figures, before/after by change idea, by stage.

    Parameters
    ----------
    results : list of dict
        Batch results (:func:`load_results`).
    """
    figures: dict[str, list[tuple[str, KeyFigures]]] = {}
    failed = 0
    for r in results:
        k = KeyFigures.from_result(r) if r.get("status") == "ok" else None
        if k is None:
            failed += r.get("status") != "ok"
            continue
        figures.setdefault(str(r["notebook"]), []).append((str(r["authority"]), k))
    per_authority: dict[str, KeyFigures] = {}
    for notebook in sorted(figures):  # the baseline report's stages first, else any report
        for authority, k in figures[notebook]:
            if k.kind == "baseline" or authority not in per_authority:
                per_authority[authority] = k
    ideas = [
        _idea_rollup(n, rows)
        for n, rows in sorted(figures.items(), key=lambda kv: idea_title(kv[0]).lower())
        if any(k.kind == "test" for _, k in rows)
    ]
    children = sum(k.children or 0 for k in per_authority.values())
    return (
        _env()
        .get_template("national.html.j2")
        .render(
            **_common("paceqi national roll-up: Scotland"),
            authorities=len(per_authority),
            children=count_text(children),
            n_failed=failed,
            ideas=ideas,
            stages=_stages(per_authority),
            tested=[i for i in ideas if i["with_test"]],
            untested=[i for i in ideas if not i["with_test"]],
        )
    )


def write_index(folder: str | Path) -> Path:
    """Write ``index.html`` and ``national.html`` in ``folder``; return the index path."""
    folder = Path(folder)
    results = load_results(folder)
    atomic_write_text(folder / "index.html", index_html(results))
    atomic_write_text(folder / "national.html", national_html(results))
    return folder / "index.html"
