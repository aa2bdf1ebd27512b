"""A real report and the batch index in headless Chromium: no console errors, no network
requests, a screenshot, and no serious or critical axe-core accessibility violations (#6).

Skips, saying how to install Chromium, where none is found (see ``docs/testing.md``).
"""

from __future__ import annotations

import re

import pytest
from _chromium import Browser, PageCheck, browser_marks, find_chromium, skip_reason

SKIP = skip_reason()  # checked at import, so a skip never waits for the report to be built
pytestmark = browser_marks(SKIP, timeout=240)


# Where the answer ("Has the change led to an improvement? Yes/No/...") sits on the page.
FIRST_SCREEN = """(() => {
  const answer = [...document.querySelectorAll('main p')]
    .find(e => e.textContent.trim().startsWith('Has the change led to an improvement?'));
  if (!answer) return null;
  const box = answer.getBoundingClientRect();
  return {bottom: box.bottom, viewport: window.innerHeight, text: answer.textContent.trim()};
})()"""


#: The first screen of a desktop browser (issue #14: "the first screen holds the answer with its
#: numbers, then a Making Data Count style summary table").
DESKTOP = {"width": 1280, "height": 900}
# Where the answer's headline and the summary table (its head and first row) sit on the page.
ANSWER_THEN_TABLE = """(() => {
  const head = document.querySelector('.paceqi-answer .headline');
  const table = document.querySelector('table.pq-summary');
  if (!head || !table) return null;
  const top = el => el.getBoundingClientRect().top + window.scrollY;
  const bottom = el => el.getBoundingClientRect().bottom + window.scrollY;
  const row = table.querySelector('tbody tr');
  return {headline: head.textContent.trim(), headline_bottom: bottom(head),
          table_top: top(table), first_row_bottom: row ? bottom(row) : null};
})()"""


@pytest.fixture(scope="module")
def browser():
    with Browser(find_chromium() or "chromium") as opened:
        yield opened


@pytest.fixture(scope="module")
def report_check(browser, built_report, tmp_path_factory) -> PageCheck:
    assert built_report.status == "ok", built_report.error
    shot = tmp_path_factory.mktemp("screens") / "report.png"
    return browser.check(built_report.html_path, screenshot=shot, probe=FIRST_SCREEN)


def _assert_clean(check: PageCheck) -> None:
    assert check.console_errors == [], check.console_errors
    assert check.requests == [], f"the page tried to fetch: {check.requests}"
    assert check.lang == "en"
    assert check.title.strip()
    blocking = check.blocking_violations
    assert blocking == [], "axe-core:\n" + check.describe_violations(blocking)
    if check.violations:  # minor/moderate ones are reported, not failed
        print("axe-core (minor/moderate):\n" + check.describe_violations())


def test_report_in_chromium(report_check):
    _assert_clean(report_check)
    shot = report_check.screenshot
    assert shot is not None and shot.stat().st_size > 5_000  # a real picture, not blank
    print(f"screenshot: {shot}")


def test_the_answer_is_on_the_first_screen(report_check):
    # "Done when": a manager reads the first screen and knows whether the change worked
    where = report_check.probe
    assert where is not None, "no 'Has the change led to an improvement? ...' answer"
    assert where["bottom"] <= where["viewport"], where
    answers = ("Yes", "No", "Not yet", "Too early", "Too few", "Partly", "Cannot tell")
    assert any(word in where["text"] for word in answers), where


@pytest.mark.parametrize(
    "notebook, numbers",
    [("two_week_planning_meeting", True), ("legal_opinion_turnaround", False)],
)
def test_answer_then_summary_table_on_the_first_desktop_screen(
    browser, fife_reports, notebook, numbers
):
    # a large authority with many measures and caveats: the longest answers of the demo
    path = fife_reports / notebook / "fife.html"
    assert path.is_file(), sorted(p.name for p in fife_reports.glob("*/*.html"))
    found = browser.probe(path, ANSWER_THEN_TABLE, viewport=DESKTOP)
    assert found is not None, "no answer headline or no summary table"
    assert found["headline_bottom"] < found["table_top"], found
    assert found["first_row_bottom"] is not None, found
    assert found["first_row_bottom"] <= DESKTOP["height"], found
    if numbers:  # a test recorded: the answer states the primary outcome's figures
        assert re.search(r"\d+ days? since the test", found["headline"]), found
    else:
        assert "Cannot tell" in found["headline"], found


def test_a_change_idea_ranks_its_authorities_from_the_index(browser, built_report):
    # the index links each tested change idea to its ranking; the ranking is a closed <details>
    # on the roll-up that the link opens without a script (the batch pages carry none)
    link = 'a.pq-rank[href="national.html#idea-two_week_planning_meeting"]'
    found = browser.follow(
        built_report.index_path,
        link,
        """(() => {
          const box = document.getElementById('idea-two_week_planning_meeting');
          const details = box && box.closest('details');
          return {open: !!(details && details.open), visible: !!(box && box.checkVisibility()),
                  rows: box ? box.querySelectorAll('tbody tr').length : 0};
        })()""",
    )
    assert found["hash"] == "#idea-two_week_planning_meeting", found
    assert found["value"] == {"open": True, "visible": True, "rows": 1}, found


@pytest.mark.parametrize("name", ["index.html", "national.html"])
def test_batch_pages_in_chromium(browser, built_report, tmp_path, name):
    page = built_report.index_path.parent / name
    assert page.is_file(), page
    check = browser.check(page, screenshot=tmp_path / f"{name}.png")
    _assert_clean(check)
    assert check.screenshot is not None and check.screenshot.stat().st_size > 2_000


def test_the_check_sees_requests_console_errors_and_violations(browser, tmp_path):
    # negative control: a page that fetches, logs an error and lacks alt text must be caught
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title>"
        '<script src="https://cdn.example.invalid/x.js"></script></head>'
        '<body><main><img src="other.png"><script>console.error("boom")</script>'
        "</main></body></html>",
        encoding="utf-8",
    )
    check = browser.check(bad)
    assert any(u.startswith("https://cdn.example.invalid/") for u in check.requests)
    assert any(u.endswith("/other.png") for u in check.requests)
    assert any("boom" in e for e in check.console_errors)
    rules = {v["id"] for v in check.blocking_violations}
    assert "image-alt" in rules and "html-has-lang" in rules
