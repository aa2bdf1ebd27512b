"""Print and phone in headless Chromium (issue #14): a report prints on A4 within a page budget,
and at 390 px nothing but a scrolling box is wider than the screen (report, index, roll-up).

Skips, saying how to install Chromium, where none is found (a failure under CI's
``PACEQI_REQUIRE_ALL=1``).
"""

from __future__ import annotations

import html
import re

import pytest
from _chromium import Browser, browser_marks, find_chromium, skip_reason

SKIP = skip_reason()
pytestmark = browser_marks(SKIP)

#: Most A4 pages a Two Week Planning Meeting report may print on (measured on 2026-12-04:
#: 12 for Shetland Islands, 14 for Fife; the issue found 14 half-empty US-Letter pages).
MAX_A4_PAGES = 16
#: Printed pages may exceed the content's own height in pages by this factor (space left at
#: the foot of a page when a figure or table row is kept whole), plus one page.
MAX_PRINT_WASTE = 1.35
#: The report's printed area: A4 less the margins of its ``@page`` rule (15 mm top and bottom,
#: 12 mm each side), in CSS px (96 per inch).
A4_CONTENT_PX = (round((210 - 24) / 25.4 * 96), round((297 - 30) / 25.4 * 96))
#: The batch pages print on A4 landscape with 12 mm margins: their printed width in CSS px.
A4_LANDSCAPE_CONTENT_PX = round((297 - 24) / 25.4 * 96)
PHONE = 390
#: The rule in both stylesheets that prints closed <details> whole.
PRINT_RULE = "@media print { details::details-content { content-visibility: visible; } }"


@pytest.fixture(scope="module")
def browser():
    with Browser(find_chromium() or "chromium") as opened:
        yield opened


def test_the_stylesheets_ask_for_a4_and_keep_rows_and_figures_whole(built_report):
    page = built_report.html
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert re.search(r"tr, th, td \{ break-inside: avoid", page)
    assert re.search(r"figure[^{]*\{ break-inside: avoid", page)
    index = built_report.index_path.read_text()
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", index)
    for css in (page, index):
        assert "details::details-content { content-visibility: visible; }" in css


def test_report_prints_on_a_bounded_number_of_a4_pages(browser, built_report, tmp_path):
    assert built_report.status == "ok", built_report.error
    pdf = tmp_path / "report.pdf"
    pages = browser.pdf_pages(built_report.html_path, pdf)
    # A4 is 210 x 297 mm = 595.3 x 841.9 points; Chromium writes each page's MediaBox
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    assert len(boxes) == pages
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}, boxes[:2]
    assert 1 <= pages <= MAX_A4_PAGES, pages
    # no half-empty pages: the page count stays close to the content's height in pages
    width, height = A4_CONTENT_PX
    content = browser.print_height(built_report.html_path, width) / height
    assert pages <= MAX_PRINT_WASTE * content + 1, (pages, round(content, 1))
    print(f"A4 pages: {pages} for {content:.1f} pages of content")


@pytest.mark.parametrize("name", ["report", "index.html", "national.html"])
def test_printed_columns_are_neither_cut_nor_broken_mid_word(
    browser, built_report, demo_reports, name
):
    # the batch pages of the demo: a grid column for each of the 8 change ideas
    path = built_report.html_path if name == "report" else demo_reports / name
    width = A4_CONTENT_PX[0] if name == "report" else A4_LANDSCAPE_CONTENT_PX
    found = browser.print_layout(path, width)
    assert found["wide"] == [], found
    assert found["split"] == [], found


@pytest.mark.parametrize("name", ["report", "index.html", "national.html"])
def test_nothing_is_wider_than_a_phone(browser, built_report, tmp_path, name):
    path = built_report.html_path if name == "report" else built_report.index_path.parent / name
    found = browser.narrow(path, PHONE, screenshot=tmp_path / f"{name}-390.png")
    assert found["scroll_width"] <= found["viewport"], found
    assert found["wide"] == [], found


def test_the_phone_check_can_fail(browser, tmp_path):
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
        '<title>t</title></head><body><table><tr><td style="min-width:900px">x</td></tr></table>'
        '<div style="overflow-x:auto"><p style="width:900px">scrolls inside</p></div></body></html>'
    )
    found = browser.narrow(page, PHONE)
    assert found["scroll_width"] > found["viewport"]
    assert any(w.startswith("td.") for w in found["wide"]) and not any(
        w.startswith("p.") for w in found["wide"]
    )


def test_collapsed_sections_print_in_the_report(browser, built_report):
    # the contents list and the Parameters block are closed <details> on screen
    assert re.search(r'<nav class="pq-toc"[^>]*><details>', built_report.html)
    assert "<details><summary>Parameters</summary>" in built_report.html
    text = browser.pdf_text(built_report.html_path)
    assert "Contents" in text and "Has the change led to an improvement?" in text
    assert "Parameters" in text and "as_of" in text and '"2021-03-31"' in text, text[-800:]


def test_collapsed_groups_and_rankings_print_on_the_batch_pages(browser, demo_reports):
    index = demo_reports / "index.html"
    page = index.read_text(encoding="utf-8")
    # a report's line in its (closed) "grouped by answer" list, and nowhere else on the page
    item = re.search(r'<details class="pq-group">.*?<li><a href="[^"]+">([^<]+)</a>', page, re.S)
    assert item, "no group of reports on the index"
    line = html.unescape(item.group(1))
    assert page.count(item.group(1)) == 1
    assert line in browser.pdf_text(index), line
    national = demo_reports / "national.html"
    page = national.read_text(encoding="utf-8")
    caption = re.search(
        r'<details class="pq-idea".*?<caption>([^<]+): authorities ranked', page, re.S
    )
    assert caption, "no ranking on the roll-up"
    text = browser.pdf_text(national)
    assert f"{html.unescape(caption.group(1))}: authorities ranked" in text


def test_the_print_check_sees_a_closed_section_left_out(browser, tmp_path):
    # negative control: without the print rule Chromium leaves a closed <details> out of a PDF
    page = tmp_path / "closed.html"
    body = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title><style>@page {{ size: A4 }} '
        "{rule}</style></head><body><p>Shown always</p><details><summary>More</summary>"
        "<p>Only when open</p></details></body></html>"
    )
    page.write_text(body.format(rule=""))
    text = browser.pdf_text(page)
    assert "Shown always" in text and "Only when open" not in text
    page.write_text(body.format(rule=PRINT_RULE))
    assert "Only when open" in browser.pdf_text(page)
