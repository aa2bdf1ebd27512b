"""The batch's front pages: ``index.html`` and ``national.html``.

``index.html`` lists every report with its status and key figures; ``national.html`` compares
authorities side by side. Both pages are built only from the JSON results the batch writes
next to each report (``<notebook>/<slug>.json``, see :class:`paceqi.report.batch.RunResult`),
so they list every report in the output folder, including those not re-run this time. They
are self-contained (inline CSS and SVG, no scripts, no external URL); every value is escaped.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from paceqi.charts import theme
from paceqi.report._files import atomic_write_text

__all__ = ["write_index", "load_results", "index_html", "national_html", "FIGURE_LABELS"]

#: Display names of the figures notebooks are asked to record (docs/batch.md).
FIGURE_LABELS: dict[str, str] = {
    "median_days": "Median days",
    "pct_within_target": "% within target",
    "children_waiting": "Children still waiting",
    "children": "Children",
}
#: Records that are not key figures (shown as icons, or in the report footer).
_NOT_FIGURES = {"variation", "assurance", "provenance", "rules"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
margin:0 auto;max-width:72rem;padding:0 1rem 2rem;line-height:1.45}
header{border-bottom:3px solid #0072B2;padding:.75rem 0 .5rem;margin-bottom:1rem}
h1{font-size:1.6rem;margin:.25rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
a{color:#0072B2}table{border-collapse:collapse;font-size:.92rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #d0d0d0;padding:.3rem .6rem;text-align:right;vertical-align:middle}
th{background:#f2f2f2}td.l,th.l{text-align:left}.ok{color:#006b45}.failed{color:#b00020;font-weight:600}
.err{color:#555;font-size:.85rem;text-align:left;max-width:28rem}.summary{color:#555}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem}
.card{border:1px solid #d0d0d0;padding:.4rem .5rem;font-size:.85rem}.card b{display:block}
svg.icon{vertical-align:middle}footer{margin-top:2rem;color:#555;font-size:.8rem}
@media print{body{max-width:none}a{color:inherit;text-decoration:none}table{break-inside:auto}
tr{break-inside:avoid}}
"""


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


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _label(name: str) -> str:
    return FIGURE_LABELS.get(name, name.replace("_", " ").capitalize())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_series(value: Any) -> bool:
    return isinstance(value, list) and len(value) >= 2 and all(_is_number(v) for v in value)


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, list):
        return ""
    return str(value)


def icon(kind: str, value: Any) -> str:
    """Return the inline SVG icon of a variation or assurance value (escaped text if unknown).

    The icons are the ones every chart and report uses (:mod:`paceqi.charts.icons`), keyed to
    the ``paceqi.spc`` vocabulary (``res.summary.variation`` / ``.assurance``).
    """
    from paceqi.charts.icons import assurance_icon, variation_icon
    from paceqi.errors import OptionsError

    if value is None:
        return ""
    draw = variation_icon if kind == "variation" else assurance_icon
    try:
        svg = draw(str(value), size=24)
    except OptionsError:
        return _e(value)
    # inline SVG in HTML needs no namespace; keep the page free of any URL
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "")


def _figure_names(results: Iterable[dict[str, Any]], series: bool = False) -> list[str]:
    names: dict[str, None] = {}
    for r in results:
        for name, value in (r.get("figures") or {}).items():
            if name in _NOT_FIGURES:
                continue
            if (series and _is_series(value)) or (not series and _is_number(value)):
                names.setdefault(name, None)
    return list(names)


def _status_cell(r: dict[str, Any]) -> str:
    href = r.get("html_path") or ""
    if r.get("status") == "ok":
        return f'<td class="l ok"><a href="{_e(href)}">ok</a></td>'
    target = f"{href}#papermill-error-cell" if href else ""
    link = f'<a href="{_e(target)}">failed</a>' if target else "failed"
    return f'<td class="l failed">{link}</td>'


def _error_cell(r: dict[str, Any]) -> str:
    if r.get("status") == "ok":
        return '<td class="err"></td>'
    where = f"cell {r['execution_count']}: " if r.get("execution_count") else ""
    text = f"{where}{r.get('ename') or 'Error'}: {r.get('evalue') or ''}"
    return f'<td class="err">{_e(text[:300])}</td>'


def _page(title: str, body: str, other: tuple[str, str] | None = None) -> str:
    when = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = f' · <a href="{_e(other[0])}">{_e(other[1])}</a>' if other else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{_e(title)}</h1></header><main>{body}</main>"
        f"<footer>Written by paceqi {_e(_version())} on {when}{nav}</footer></body></html>\n"
    )


def _version() -> str:
    from paceqi import __version__

    return __version__


def _groups(results: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(str(r["notebook"]), []).append(r)
    return groups


def index_html(results: Sequence[dict[str, Any]]) -> str:
    """Return the index page: one table per change idea, one row per authority."""
    n_fail = sum(r.get("status") != "ok" for r in results)
    parts = [
        f'<p class="summary">{len(results)} reports: {len(results) - n_fail} ok, '
        f'<span class="{"failed" if n_fail else ""}">{n_fail} failed</span>.</p>'
    ]
    for notebook, rows in _groups(results).items():
        figures = _figure_names(rows)
        has_var = any("variation" in (r.get("figures") or {}) for r in rows)
        has_ass = any("assurance" in (r.get("figures") or {}) for r in rows)
        head = ['<th class="l" scope="col">Authority</th>', '<th class="l" scope="col">Report</th>']
        head += [f'<th scope="col">{_e(_label(f))}</th>' for f in figures]
        head += ['<th scope="col">Variation</th>'] if has_var else []
        head += ['<th scope="col">Assurance</th>'] if has_ass else []
        head += ['<th class="l" scope="col">Problem</th>']
        body = []
        for r in rows:
            figs = r.get("figures") or {}
            cells = [f'<th class="l" scope="row">{_e(r["authority"])}</th>', _status_cell(r)]
            cells += [f"<td>{_e(_fmt(figs.get(f)))}</td>" for f in figures]
            cells += [f"<td>{icon('variation', figs.get('variation'))}</td>"] if has_var else []
            cells += [f"<td>{icon('assurance', figs.get('assurance'))}</td>"] if has_ass else []
            cells.append(_error_cell(r))
            body.append("<tr>" + "".join(cells) + "</tr>")
        title = notebook.replace("_", " ").capitalize()
        parts.append(
            f'<h2 id="{_e(notebook)}">{_e(title)}</h2><table><thead><tr>{"".join(head)}</tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>"
        )
    return _page("paceqi reports", "".join(parts), ("national.html", "National roll-up"))


def _bar(value: float, top: float, width: int = 160) -> str:
    length = 0 if top <= 0 else max(1, round(width * max(value, 0) / top))
    return (
        f'<svg width="{width}" height="12" role="presentation" aria-hidden="true">'
        f'<rect width="{length}" height="12" fill="{theme.BLUE}"/></svg>'
    )


def sparkline(values: Sequence[float], width: int = 160, height: int = 40) -> str:
    """Return an inline SVG line of ``values`` with a dashed line at their median."""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return round(height - 3 - (v - lo) / span * (height - 6), 1)

    points = " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values))
    ordered = sorted(values)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return (
        f'<svg width="{width}" height="{height}" role="presentation" aria-hidden="true">'
        f'<line x1="0" x2="{width}" y1="{y(median)}" y2="{y(median)}" stroke="{theme.GREY}" '
        f'stroke-dasharray="3,3"/><polyline fill="none" stroke="{theme.BLUE}" stroke-width="1.5" '
        f'points="{points}"/></svg>'
    )


def national_html(results: Sequence[dict[str, Any]]) -> str:
    """Return the national roll-up: each recorded figure compared across authorities."""
    parts = []
    for notebook, rows in _groups(results).items():
        ok_rows = [r for r in rows if r.get("status") == "ok"]
        title = notebook.replace("_", " ").capitalize()
        parts.append(f'<h2 id="{_e(notebook)}">{_e(title)}</h2>')
        missing = len(rows) - len(ok_rows)
        if missing:
            parts.append(
                f'<p class="summary">{missing} authorit{"y" if missing == 1 else "ies"} '
                'without a finished report (see the <a href="index.html">index</a>).</p>'
            )
        figures = _figure_names(ok_rows)
        if figures:
            head = '<th class="l" scope="col">Authority</th>' + "".join(
                f'<th scope="col" colspan="2">{_e(_label(f))}</th>' for f in figures
            )
            tops = {
                f: max(
                    [abs(r["figures"][f]) for r in ok_rows if _is_number(r["figures"].get(f))]
                    or [0]
                )
                for f in figures
            }
            body = []
            for r in ok_rows:
                figs = r.get("figures") or {}
                cells = [f'<th class="l" scope="row">{_e(r["authority"])}</th>']
                for f in figures:
                    value = figs.get(f)
                    bar = _bar(value, tops[f]) if _is_number(value) else ""
                    cells.append(f'<td>{_e(_fmt(value))}</td><td class="l">{bar}</td>')
                body.append("<tr>" + "".join(cells) + "</tr>")
            medians = []
            for f in figures:
                values = sorted(r["figures"][f] for r in ok_rows if _is_number(r["figures"].get(f)))
                if values:
                    m = len(values) // 2
                    med = values[m] if len(values) % 2 else (values[m - 1] + values[m]) / 2
                    medians.append(f"<td>{_e(_fmt(float(med)))}</td><td></td>")
                else:
                    medians.append("<td></td><td></td>")
            body.append(
                '<tr><th class="l" scope="row">Median of authorities</th>'
                + "".join(medians)
                + "</tr>"
            )
            parts.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
        for name in _figure_names(ok_rows, series=True):
            cards = []
            for r in ok_rows:
                value = (r.get("figures") or {}).get(name)
                if _is_series(value):
                    cards.append(
                        f'<div class="card"><b>{_e(r["authority"])}</b>{sparkline(value)}'
                        f"<span>last {_e(_fmt(value[-1]))}</span></div>"
                    )
            parts.append(f'<h3>{_e(_label(name))}</h3><div class="grid">{"".join(cards)}</div>')
        if not figures and not ok_rows:
            parts.append("<p>No finished reports yet.</p>")
    return _page("paceqi national roll-up", "".join(parts), ("index.html", "All reports"))


def write_index(folder: str | Path) -> Path:
    """Write ``index.html`` and ``national.html`` in ``folder``; return the index path."""
    folder = Path(folder)
    results = load_results(folder)
    atomic_write_text(folder / "index.html", index_html(results))
    atomic_write_text(folder / "national.html", national_html(results))
    return folder / "index.html"
