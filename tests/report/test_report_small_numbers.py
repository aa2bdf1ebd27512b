"""No chart shows a percentage or rate of 1-4 children (issue #14): the demo reports of the three
smallest authorities and the largest, every change idea, read as a user gets them.

A point of a share or rate chart (P/U, or the run chart of yearly shares a report falls back
to) standing for fewer than 5 children reveals them ("1 of 3 = 33 %"), whatever its hover text
says about n. Checked on every place such a point could show: the inline SVG (points and their
hover titles), the chart's download copy (the SVG in a ``data:`` URI), and the data table
under the chart.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from report_build import build_demo

from paceqi.measures.definitions import load_measures
from paceqi.privacy import MIN_COUNT, small_count_phrases

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

#: The three smallest demo authorities (fewest children in the synthetic extracts) and the
#: largest, whose many small periods are pooled differently.
AUTHORITIES = ("Orkney Islands", "Na h-Eileanan Siar", "Shetland Islands", "Glasgow City")
#: Charts whose value is a share or rate of the point's children.
RATIO = {"p", "pp", "u", "up"}
_SECTION = re.compile(r'id="measure-([a-z0-9-]+)"')
_TITLE = re.compile(r"<title>([^<]*)</title>")
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_FEWER = f"fewer than {MIN_COUNT}"


def _svgs(section: str) -> list[str]:
    """The inline SVGs of a report section and the SVGs its download links carry."""
    inline = re.findall(r"<svg\b.*?</svg>", section, re.S)
    copies = [
        unquote(html.unescape(uri))
        for uri in re.findall(r'href="data:image/svg\+xml;charset=utf-8,([^"]*)"', section)
    ]
    return inline + copies


def _data_rows(section: str) -> list[dict[str, str]]:
    """Rows of the data tables under the charts, as {header: cell text}."""
    out = []
    for table in re.findall(r'<details class="paceqi-data">.*?</table>', section, re.S):
        rows = [[html.unescape(c).strip() for c in _CELL.findall(r)] for r in _ROW.findall(table)]
        out += [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    return out


def leaks(page: str, charts: dict[str, str]) -> list[str]:
    """Every place in ``page`` where a share or rate of 1 to 4 children is shown.

    ``charts`` maps a measure's anchor name (``measure-<name>``'s ``<name>``) to its chart code.
    A point's hover title on a ratio chart that speaks of "fewer than 5" (its value beside it),
    any hover title with a percentage of "fewer than 5", and a data-table row of a ratio chart
    with n "fewer than 5" and a value.
    """
    found = []
    for svg in _svgs(page):
        found += [t for t in _TITLE.findall(svg) if "%" in t and _FEWER in t]
    parts = _SECTION.split(page)
    for name, section in zip(parts[1::2], parts[2::2], strict=True):
        if charts.get(name) not in RATIO:
            continue
        for svg in _svgs(section):
            found += [f"{name}: {t}" for t in _TITLE.findall(svg) if _FEWER in t]
        for row in _data_rows(section):
            if row.get("n") == _FEWER and row.get("Value"):
                found.append(f"{name}: table row {row}")
    return found


def _charts() -> dict[str, str]:
    root = Path(__file__).resolve().parents[2] / "parameters" / "measures"
    out = {}
    for path in root.glob("*.yaml"):
        for name, d in load_measures(path).items():
            out[name.replace("_", "-")] = str(d.default_chart)
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    folder = build_demo(tmp_path_factory.mktemp("small"), AUTHORITIES)
    found = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.glob("*/*.html"))
    }
    assert len(found) == 8 * len(AUTHORITIES), sorted(found)
    found["national.html"] = (folder / "national.html").read_text(encoding="utf-8")
    return found


def test_no_chart_shows_a_share_of_fewer_than_five_children(reports):
    charts = _charts()
    assert {"recommendation-within-6-months": "p"}.items() <= charts.items()
    found = {name: leaks(page, charts) for name, page in reports.items()}
    assert {k: v[:3] for k, v in found.items() if v} == {}
    # the reports still chart shares: the check looked at real ratio charts
    ratio_sections = sum(
        charts.get(name) in RATIO for page in reports.values() for name in _SECTION.findall(page)
    )
    assert ratio_sections >= 2 * len(reports)


def test_no_small_count_of_children_in_chart_text(reports):
    for name, page in reports.items():
        texts = " | ".join(
            html.unescape(t)
            for svg in _svgs(page)
            for t in re.findall(r"<(?:text|title|desc)\b[^>]*>([^<]*)<", svg)
        )
        assert small_count_phrases(texts) == [], name
        # a count without the word "children" beside it: "40 children; 3 still waiting"
        assert re.findall(r"(?<![\d.,])\b[1-4] still waiting", texts) == [], name


def test_the_check_can_fail():
    charts = {"share": "p", "days": "run"}
    point = "<svg><circle><title>Mar 2016: {} (n = fewer than 5)</title></circle></svg>"
    table = (
        '<details class="paceqi-data"><table><tr><th>Period</th><th>n</th><th>Value</th></tr>'
        "<tr><td>Mar 2016</td><td>fewer than 5</td><td>{}</td></tr></table></details>"
    )
    assert leaks(f'<h3 id="measure-share"></h3>{point.format("0.7")}', charts)
    assert leaks(f'<h3 id="measure-days"></h3>{point.format("33%")}', charts)
    assert leaks(f'<h3 id="measure-share"></h3>{table.format("0.7")}', charts)
    assert not leaks(f'<h3 id="measure-days"></h3>{point.format("41")}', charts)
    assert not leaks(f'<h3 id="measure-share"></h3>{table.format("")}', charts)


def test_a_run_chart_of_proportions_reads_in_percent(reports):
    """Small authorities' P charts fall back to run charts of yearly proportions: still %."""
    page = reports["two_week_planning_meeting/shetland_islands.html"]
    words = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    assert "yearly proportions" in words  # the fallback is exercised
    assert re.search(r"median \(\d+%\)", words)
    assert not re.search(r"median \(0\.\d+\)", words)


def test_the_roll_up_has_before_and_after_for_percentage_outcomes(reports):
    """Kinship and CSO review lead with a percentage: the roll-up counts their own wait."""
    page = reports["national.html"]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        ]
        if cells and cells[0] in ("Early kinship assessment", "Advice hearing and court"):
            rows.setdefault(cells[0], cells)
    kinship = rows["Early kinship assessment"]
    children_before, pct_before, median_before = kinship[2:5]
    assert children_before.replace(",", "").isdigit()
    assert pct_before.endswith("%") and median_before.endswith("days"), kinship
