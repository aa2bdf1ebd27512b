"""The batch index and national roll-up read each report's recorded key figures (issue #14)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from paceqi.report.batch import RunResult
from paceqi.report.index import idea_title, index_html, national_html
from paceqi.report.keyfigures import RECORD_NAME, KeyFigures, MeasureFigures, StageFigures

PRIMARY = MeasureFigures(
    "days_to_recommendation",
    "Days from becoming looked after to the permanence recommendation",
    "outcome",
    anchor="measure-days-to-recommendation",
    n=80,
    baseline=220.0,
    latest=181.0,
    unit="days",
    target="target 182 days",
    variation="improvement_low",
)
FIGURES = KeyFigures(
    title="Two Week Planning Meeting",
    status="yes",
    headline="Yes. Days from becoming looked after: baseline median 220 days → 181 days.",
    test_recorded=True,
    test_start="2016-08-01",
    test_end="2017-05-11",
    primary=PRIMARY.label,
    baseline=220.0,
    latest=181.0,
    unit="days",
    variation="improvement_low",
    children=120,
    children_waiting=9,
    before_n=40,
    before_within=10,
    before_median=230.0,
    after_n=60,
    after_within=30,
    after_median=180.0,
    measures=(PRIMARY,),
    stages=(StageFigures("Looked after → Recommendation", 240.0, 182.0, 120),),
    rules="ihi",
)


def result(authority, figures=FIGURES, notebook="two_week_planning_meeting", status="ok", **kw):
    slug = authority.lower().replace(" ", "_")
    data = {RECORD_NAME: figures.to_dict()} if figures is not None else {}
    return RunResult(
        notebook,
        authority,
        slug,
        status,
        html_path=f"{notebook}/{slug}.html",
        figures=data,
        **kw,
    ).to_dict()


def cell(page: str, authority: str) -> str:
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(authority)}</th>(.*?)</tr>", page, re.S)
    assert row, authority
    return row.group(1)


def test_key_figures_round_trip_and_reject_an_unknown_status():
    assert KeyFigures.from_dict(FIGURES.to_dict()) == FIGURES
    assert KeyFigures.from_result(result("Fife")) == FIGURES
    assert KeyFigures.from_result(result("Fife", figures=None)) is None
    with pytest.raises(ValueError, match="status 'Maybe'"):
        replace(FIGURES, status="Maybe")
    with pytest.raises(Exception, match="cannot assign"):
        FIGURES.status = "no_sign"  # type: ignore[misc]


def test_index_cell_is_the_reports_own_answer_with_numbers_and_icon():
    no_test = replace(
        FIGURES,
        status="not_tested",
        headline="Cannot tell: no test of change is recorded",
        test_recorded=False,
        variation=None,
    )
    page = index_html([result("Fife"), result("Angus", no_test)])
    fife, angus = cell(page, "Fife"), cell(page, "Angus")
    assert ">Yes<" in fife and "220 days → 181 days" in fife
    assert 'aria-label="Special-cause variation: improvement, lower values"' in fife
    assert 'href="two_week_planning_meeting/fife.html"' in fife
    assert ">No test<" in angus and 'data-test="no"' in angus and 'data-test="yes"' in fife
    # legend for every answer shown and every icon used; filters for test recorded or not
    assert "Key to the answers and icons" in page
    assert "Enough points since the test started" not in page  # "no_sign" is not used here
    assert "No test of change is recorded" in page
    assert 'id="f-test"' in page and 'id="f-none"' in page
    # grouped by answer without a script
    assert re.search(r'<summary><span class="pq-status pq-yes">Yes</span> 1 report</summary>', page)
    assert "<script" not in page


def test_index_headings_are_the_notebooks_titles_not_capitalised_names():
    assert idea_title("two_week_planning_meeting") == "Two Week Planning Meeting"
    page = index_html([result("Fife", notebook="panel_to_adm")])
    assert (
        '>Panel to agency decision <a class="pq-rank" href="national.html#idea-panel_to_adm"'
        in page
    )
    assert "Panel to adm" not in page
    assert idea_title("no_such_idea") == "no such idea"


def test_failed_reports_are_listed_first_and_escaped():
    rows = [
        result("<script>alert(1)</script>"),
        result(
            "Fife", None, status="failed", ename="ValueError", evalue="bad <b>", execution_count=3
        ),
    ]
    page = index_html(rows)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index("Reports that did not finish (1)") < page.index("Answers by authority")
    assert 'href="two_week_planning_meeting/fife.html#papermill-error-cell"' in page
    assert "cell 3: ValueError: bad &lt;b&gt;" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_national_roll_up_pools_before_and_after_and_suppresses_small_numbers():
    small = replace(FIGURES, before_n=3, before_within=1, after_n=4, after_within=4)
    page = national_html([result("Fife"), result("Angus", small), result("Moray")])
    assert "Scotland" in page and "OFFICIAL-SENSITIVE" in page
    # pooled over children: (10 + 1 + 10) / (40 + 3 + 40), and (30 + 4 + 30) / (60 + 4 + 60)
    row = re.search(r"<tr><th scope=\"row\"><a href=\"#idea-two_week.*?</tr>", page, re.S).group(0)
    assert ">83</td>" in row and ">25%</td>" in row and ">124</td>" in row and ">52%</td>" in row
    ranked = page[page.index('id="ranked"') :]
    angus = re.search(r"Angus</th>.*?</tr>", ranked, re.S).group(0)
    assert "fewer than 5" in angus and "%" not in angus  # no percentage of 1-4 children
    assert ranked.index("Fife") < ranked.index("Angus")  # ranked by % within target since
    assert "Where does delay sit?" in page and "+58 days" in page
    assert not re.search(r"\b[1-4] children", page)


def test_key_figures_statuses_are_the_verdicts():
    from paceqi.changeidea.answer import STATUSES as VERDICT
    from paceqi.report.index import STATUS_LABEL
    from paceqi.report.keyfigures import STATUSES

    assert STATUSES == VERDICT
    assert set(STATUSES) <= set(STATUS_LABEL)


def test_roll_up_shows_a_dash_not_zero_where_a_figure_does_not_exist():
    # a primary measure with no target has no "% within target"; one that is not counted per
    # child (a proportion) has no children before/after: "–", never "0" or "0%"
    no_target = replace(FIGURES, before_within=None, after_within=None)
    page = national_html([result("Fife", no_target), result("Angus", no_target)])
    row = re.search(r"<tr><th scope=\"row\"><a href=\"#idea-two_week.*?</tr>", page, re.S).group(0)
    assert ">80</td>" in row and ">120</td>" in row  # children pooled
    assert "0%" not in row and row.count(">–</td>") == 2, row
    not_per_child = replace(FIGURES, before_n=None, before_within=None, after_n=None)
    page = national_html([result("Fife", replace(not_per_child, after_within=None))])
    row = re.search(r"<tr><th scope=\"row\"><a href=\"#idea-two_week.*?</tr>", page, re.S).group(0)
    assert ">0</td>" not in row and row.count(">–</td>") == 4, row
