"""End to end, one trap at a time: a hand-built extract with a known truth -> the answer class.

Each test writes a tiny canonical extract (long layout: ``authority, child_id, stage, date,
occurrence, route, outcome``; docs/data.md) into ``tmp_path``, analyses the Two Week Planning
Meeting change idea for it exactly as the report does, and asserts the status of
:func:`paceqi.changeidea.answer.answer` (issue #12). Waits are short (tens of days) and every
child has finished long before the extract date, so whether a report orders children by start
or by end date moves no child by more than a quarter.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from paceqi.changeidea.analysis import analyse_change_idea
from paceqi.changeidea.answer import answer
from paceqi.changeidea.params import report_parameters
from paceqi.changeidea.sections import evidence_html

AUTHORITY = "Fife"
FIRST = dt.date(2012, 1, 1)
LAST = dt.date(2020, 12, 31)
AS_OF = "2021-03-31"
TEST_START = dt.date(2016, 7, 15)  # its quarter (from July 2016) is not baseline

#: days(start_date, rng) -> (days to the recommendation, route)
Waits = Callable[[dt.date, np.random.Generator], tuple[int, str]]


def write_extract(
    folder: Path,
    waits: Waits,
    *,
    per_quarter: int = 15,
    seed: int = 1,
    last: dt.date = LAST,
    end_stage: str = "permanence_recommended",
) -> Path:
    """Write ``per_quarter`` children per quarter from FIRST to ``last``; return the CSV path.

    Each child becomes looked after and, after ``waits`` days, reaches ``end_stage``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    child = 0
    quarter = dt.date(FIRST.year, FIRST.month, 1)
    while quarter <= last:
        for _ in range(per_quarter):
            child += 1
            start = quarter + dt.timedelta(days=int(rng.integers(0, 90)))
            days, route = waits(start, rng)
            cid = f"C{child:05d}"
            rows.append([AUTHORITY, cid, "looked_after", start.isoformat(), 1, "undecided", ""])
            end = start + dt.timedelta(days=int(days))
            if end > dt.date.fromisoformat(AS_OF):
                continue  # still waiting at the extract date
            rows.append([AUTHORITY, cid, end_stage, end.isoformat(), 1, route, ""])
        month = quarter.month + 3
        quarter = dt.date(quarter.year + (month > 12), (month - 1) % 12 + 1, 1)
    path = folder / "extract.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["authority", "child_id", "stage", "date", "occurrence", "route", "outcome"])
        w.writerows(rows)
    return path


def status_of(
    path: Path,
    test_start: dt.date | None = TEST_START,
    as_of: str = AS_OF,
    change_idea: str = "two_week_planning_meeting",
):
    params = report_parameters(
        authority=AUTHORITY,
        extract=str(path),
        change_idea=change_idea,
        test_start=test_start.isoformat() if test_start else "",
        as_of=as_of,
    )
    return answer(analyse_change_idea(params))


def noisy(centre: float) -> Callable[[np.random.Generator], int]:
    return lambda rng: max(1, int(round(rng.normal(centre, 6))))


def steady(start: dt.date, rng: np.random.Generator) -> tuple[int, str]:
    return noisy(40)(rng), "po"


def test_real_effect_is_yes(tmp_path):
    effect_from = dt.date(2016, 10, 1)

    def waits(start, rng):
        return (noisy(22)(rng) if start >= effect_from else noisy(40)(rng)), "po"

    ans = status_of(write_extract(tmp_path, waits))
    # "yes", or "around_start" when the last baseline quarter happens to be fast too
    assert ans.status in ("yes", "around_start") and ans.improved, ans
    assert ans.primary == "days_to_recommendation"
    assert ans.baseline == pytest.approx(40, abs=3) and ans.since == pytest.approx(22, abs=4)
    assert ans.headline.startswith("Yes") and "Days from becoming looked after" in ans.headline
    assert "baseline median 40 days → " in ans.headline or "baseline median 39" in ans.headline


def test_no_effect_is_no_sign(tmp_path):
    ans = status_of(write_extract(tmp_path, steady))
    assert ans.status == "no_sign", ans


def test_worsening_is_worse(tmp_path):
    def waits(start, rng):
        return (noisy(60)(rng) if start >= dt.date(2016, 10, 1) else noisy(40)(rng)), "po"

    assert status_of(write_extract(tmp_path, waits)).status == "worse"


def test_improvement_that_began_before_the_test(tmp_path):
    def waits(start, rng):  # a steady fall from 2012 to 2020, the test changes nothing
        years = (start - FIRST).days / 365.25
        return noisy(60 - 4.5 * years)(rng), "po"

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.status == "began_before", ans


def test_shift_one_quarter_before_the_start_began_around_it(tmp_path):
    def waits(start, rng):  # the change took hold a quarter before the recorded start
        return (noisy(22)(rng) if start >= dt.date(2016, 4, 1) else noisy(40)(rng)), "po"

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.status == "around_start", ans
    assert ans.headline.startswith("Yes, beginning around the test start")


def test_late_outlier_is_not_an_improvement(tmp_path):
    def waits(start, rng):  # one quarter, four years after the test, is blatantly fast
        if dt.date(2020, 7, 1) <= start < dt.date(2020, 10, 1):
            return 2, "po"
        return noisy(40)(rng), "po"

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.status == "no_sign", ans


def test_late_shift_is_not_put_down_to_the_test(tmp_path):
    def waits(start, rng):  # a real shift, but from 2019: more than two years after the test
        return (noisy(22)(rng) if start >= dt.date(2019, 1, 1) else noisy(40)(rng)), "po"

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.status == "no_sign", ans
    assert any("not put down to the change" in c for c in ans.caveats)


def test_route_mix_shift_is_not_an_improvement(tmp_path):
    def waits(start, rng):  # home is fast, adoption slow; home 30% -> 70%, both a bit slower
        after = start >= dt.date(2016, 7, 1)
        home = rng.random() < (0.7 if after else 0.3)
        slower = 3 if after else 0
        return (noisy(15 + slower)(rng), "home") if home else (noisy(60 + slower)(rng), "adoption")

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.status not in ("yes", "around_start"), ans
    assert ans.status == "no_sign"
    assert ans.mix is not None and ans.mix.material and ans.mix.route in ("home", "adoption")
    assert any("route mix changed" in c for c in ans.caveats)


def test_a_mix_change_against_a_real_improvement_does_not_qualify_it(tmp_path):
    def waits(start, rng):  # fewer fast home cases since the test, yet every route got faster
        after = start >= dt.date(2016, 7, 1)
        home = rng.random() < (0.3 if after else 0.5)
        faster = -20 if after else 0
        if home:
            return noisy(25 + faster)(rng), "home"
        return noisy(50 + faster)(rng), "adoption"

    ans = status_of(write_extract(tmp_path, waits))
    assert ans.mix is not None and ans.mix.material
    assert ans.mix.mix_only > ans.mix.baseline_median  # the mix alone would lengthen waits
    assert ans.status in ("yes", "around_start"), ans
    assert any("route mix changed" in c for c in ans.caveats)


def _analysis(path: Path):
    """The Two Week Planning Meeting analysis of an extract, the test started in October 2014."""
    return analyse_change_idea(
        report_parameters(
            authority=AUTHORITY,
            extract=str(path),
            change_idea="two_week_planning_meeting",
            test_start="2014-10-01",
            as_of=AS_OF,
        )
    )


def test_tiny_authority_is_too_few(tmp_path):
    path = write_extract(tmp_path, steady, per_quarter=1)
    ans = status_of(path, test_start=dt.date(2014, 10, 1))
    assert ans.status == "too_few", ans
    a = _analysis(path)
    p = a.measure("recommendation_within_6_months")
    # pooled to years and still about 4 children a year: a share of so few would reveal them,
    # so no point is charted (paceqi.privacy's rule) and the report says why
    assert p.result is None and "points of fewer than 5 children are not shown" in p.problem


def test_small_authority_pools_to_a_yearly_run_chart_of_five_or_more(tmp_path):
    path = write_extract(tmp_path, steady, per_quarter=2)
    a = _analysis(path)
    p = a.measure("recommendation_within_6_months")
    assert p.aggregated == "year" and p.result.options.chart == "run"  # pooled, no limits
    assert (p.result.points["n"] >= 5).all()  # a trailing year of 1-4 children is left out
    total = int(p.frame["n"].sum())
    assert total == int(p.result.points["n"].sum())  # the report's n: only charted children


def _kinship(tmp_path: Path, after: float, **kw) -> tuple:
    """A small authority (3 children a quarter) testing early kinship assessment.

    Kinship options are ruled in or out about 130 days after becoming looked after (a quarter
    of children within the 126-day target) until October 2016, then about ``after`` days.
    """

    def waits(start, rng):
        centre, sd = (after, 20) if start >= dt.date(2016, 10, 1) else (130, 30)
        return max(1, int(round(rng.normal(centre, sd)))), "po"

    path = write_extract(tmp_path, waits, per_quarter=3, end_stage="kinship_assessed", **kw)
    return status_of(path, change_idea="early_kinship_assessment"), path


def test_small_authority_kinship_effect_is_found_in_the_days_per_child(tmp_path):
    # The "% within 18 weeks" P chart is pooled by year (about 12 children a year): 4 yearly
    # baseline points, too few. The answer is led by the same wait, one point per child.
    ans, path = _kinship(tmp_path, 60)
    a = analyse_change_idea(
        report_parameters(authority=AUTHORITY, extract=str(path),
                          change_idea="early_kinship_assessment", test_start=TEST_START.isoformat(),
                          as_of=AS_OF)
    )  # fmt: skip
    assert a.measure("kinship_ruled_by_18_weeks").aggregated == "year"
    assert ans.status in ("yes", "around_start") and ans.improved, ans
    assert ans.primary == "days_to_kinship_assessment" and ans.unit == "days"
    assert ans.caveats[0].startswith("Too few points of kinship options ruled in or out")
    text = re.sub(r"<[^>]+>", "", evidence_html(a))  # what the reader sees, measure by measure
    assert "by the 18 week review (primary outcome): too few data" in text
    assert "kinship options ruled in or out (leads the answer: the same wait in days): " in text


def test_small_authority_kinship_without_an_effect_is_not_an_improvement(tmp_path):
    ans, _ = _kinship(tmp_path, 130)
    assert ans.status == "no_sign" and ans.primary == "days_to_kinship_assessment", ans


def test_small_authority_kinship_worsening_is_not_an_improvement(tmp_path):
    ans, _ = _kinship(tmp_path, 220)
    assert ans.status == "worse", ans


def test_immature_cohorts_do_not_make_an_improvement(tmp_path):
    # Waits of 100-260 days, no effect; children keep arriving until the extract date, so the
    # last cohorts hold only the children who were quick.
    def waits(start, rng):
        return int(rng.integers(100, 260)), "po"

    path = write_extract(tmp_path, waits, last=dt.date(2021, 3, 1))
    ans = status_of(path, test_start=dt.date(2018, 7, 1))
    assert ans.status in ("no_sign", "too_early"), ans


def test_no_test_start_is_not_tested(tmp_path, monkeypatch):
    # the default PDSA store must be an empty one, not a workspace that `make reports` filled
    monkeypatch.setenv("PACEQI_DB", str(tmp_path / "empty.db"))
    ans = status_of(write_extract(tmp_path, steady), test_start=None)
    assert ans.status == "not_tested"
    assert ans.headline == "Cannot tell: no test of change is recorded"


def test_report_answer_section_and_index_figure_agree(tmp_path):
    from paceqi.changeidea.sections import answer_html, evidence_html, headline, key_figures

    def waits(start, rng):  # the route mix moves to the fast route, no route gets faster
        after = start >= dt.date(2016, 7, 1)
        home = rng.random() < (0.7 if after else 0.3)
        return (noisy(15)(rng), "home") if home else (noisy(60)(rng), "adoption")

    params = report_parameters(
        authority=AUTHORITY,
        extract=str(write_extract(tmp_path, waits)),
        change_idea="two_week_planning_meeting",
        test_start=TEST_START.isoformat(),
        as_of=AS_OF,
    )
    a = analyse_change_idea(params)
    ans = answer(a)
    html = answer_html(a)
    figures = key_figures(a)  # the record the index reads (paceqi.report.keyfigures)
    assert figures.status == ans.status == "no_sign" and figures.headline == ans.headline
    assert headline(a) == ans.headline
    assert f'data-status="{ans.status}"' in html
    assert "<strong>No sign of improvement yet</strong>" in html
    assert "route mix changed" in html and "share of children going home went from" in html
    evidence = evidence_html(a)  # shown after the summary table (issue #14)
    assert "<table" not in html and "by route, children who reached" in evidence
    assert "<td>Home</td>" in evidence and "<td>Adoption</td>" in evidence
