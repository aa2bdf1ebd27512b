"""Report-level acceptance checks on a real Two Week Planning Meeting report (issue #6).

The report is built once per session (``conftest.built_report``) from synthetic data for one
authority whose PDSA notes contain ``<script>alert(1)</script>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from report_build import HOSTILE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

BUDGET_BYTES = 400 * 1024
# attributes that make a browser fetch something, and CSS that does
_RESOURCE_ATTR = re.compile(
    r"""\s(?:src|href|xlink:href|srcset|poster|data|action|formaction|background)\s*=\s*["']?\s*"""
    r"""(?:https?:)?//""",
    re.I,
)
_CSS_URL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", re.I)


class _Outline(HTMLParser):
    """Collect heading levels, svg accessibility facts, ids and links from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.svgs: list[dict[str, object]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[str] = []
        self._in_heading: int | None = None
        self._heading_text: list[str] = []
        self._svg_depth = 0
        self._svg_child: str | None = None
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if re.fullmatch(r"h[1-6]", tag) and self._svg_depth == 0:
            self._in_heading = int(tag[1])
            self._heading_text = []
        if tag == "svg":
            if self._svg_depth == 0:
                self.svgs.append({"role": a.get("role"), "title": "", "desc": "", "label": a})
            self._svg_depth += 1
        elif self._svg_depth and tag in ("title", "desc"):
            self._svg_child = tag

    def handle_endtag(self, tag: str) -> None:
        if self._in_heading is not None and tag == f"h{self._in_heading}":
            self.headings.append((self._in_heading, "".join(self._heading_text).strip()))
            self._in_heading = None
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        if tag in ("title", "desc"):
            self._svg_child = None

    def handle_data(self, data: str) -> None:
        if self._in_heading is not None:
            self._heading_text.append(data)
        if self._svg_child and self.svgs:
            self.svgs[-1][self._svg_child] = str(self.svgs[-1][self._svg_child]) + data


@pytest.fixture(scope="module")
def page(built_report) -> str:
    assert built_report.status == "ok", built_report.error
    return built_report.html


@pytest.fixture(scope="module")
def outline(page) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    parser.close()
    return parser


def test_report_is_within_budget(built_report, page):
    size = built_report.html_path.stat().st_size
    assert size < BUDGET_BYTES, f"report is {size / 1024:.0f} KB, budget 400 KB"


def test_report_references_no_external_resource(page):
    hits = _RESOURCE_ATTR.findall(page) + _CSS_URL.findall(page)
    assert hits == [], hits[:5]
    # no script, stylesheet or font is loaded from anywhere
    assert not re.search(r"<script[^>]*\ssrc=", page, re.I)
    assert not re.search(r"<link[^>]*rel=[\"']?stylesheet", page, re.I)
    # nothing that embeds or links another document either (MathJax/require.js come this way)
    assert not re.search(r"<(link|iframe|object|embed|base)\b", page, re.I)


def test_resource_pattern_catches_what_it_should():
    # the negative control: the checks above must be able to fail
    for bad in (
        '<script src="https://cdn.example/x.js">',
        "<img src='//example.org/a.png'>",
        '<link href="http://example.org/a.css" rel="stylesheet">',
        '<use xlink:href="https://example.org/s.svg#a"/>',
    ):
        assert _RESOURCE_ATTR.search(bad), bad
    assert _CSS_URL.search("body{background:url('https://example.org/a.png')}")
    assert _CSS_URL.search("@import 'x.css';")
    assert not _RESOURCE_ATTR.search('<svg xmlns="http://www.w3.org/2000/svg"><a href="#aim">')


def test_report_shows_no_input_code(page):
    body = page[page.index("<body") :]  # the stylesheet names the prompt classes to hide them
    for marker in ("jp-CodeMirrorEditor", "jp-InputPrompt", "jp-OutputPrompt", 'class="highlight'):
        assert marker not in body
    for code in ("import paceqi", "change_idea_report(", "report.answer()", "interactive ="):
        assert code not in page


def test_report_has_a_contents_list_that_links_to_its_sections(page, outline):
    nav = re.search(r'<nav class="pq-toc"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "no contents list"
    targets = re.findall(r'href="#([^"]+)"', nav.group(1))
    assert len(targets) >= 5
    missing = [t for t in targets if t not in outline.ids]
    assert missing == []
    assert "Has the change led to an improvement?" in nav.group(1)


def test_headings_start_at_h1_and_skip_no_level(outline):
    levels = [level for level, _ in outline.headings]
    assert levels and levels[0] == 1, outline.headings[:3]
    assert levels.count(1) == 1
    skips = [
        (outline.headings[i - 1], outline.headings[i])
        for i in range(1, len(levels))
        if levels[i] > levels[i - 1] + 1
    ]
    assert skips == []
    assert all(text for _, text in outline.headings)


def test_every_svg_is_an_image_with_a_text_alternative(outline):
    assert len(outline.svgs) >= 3  # ramp, outcome/process/balancing charts, journeys
    for svg in outline.svgs:
        if svg["label"].get("aria-hidden") == "true":  # an icon beside its text equivalent
            continue
        assert svg["role"] == "img", svg["label"]
        alt = f"{svg['title']} {svg['desc']}".strip() or str(svg["label"].get("aria-label") or "")
        assert alt.strip(), svg["label"]


def test_charts_have_alt_text_generated_from_the_analysis(outline):
    descs = " ".join(str(s["desc"]) for s in outline.svgs)
    # e.g. "Run chart of days to permanence recommendation, 64 children; ..."
    assert re.search(r"\d+ (children|cycles|months|quarters|points)", descs), descs[:300]


def test_provenance_footer(page):
    footer = page[page.rindex("<footer") :]
    for label in ("paceqi version", "Rule set", "Data file", "sha256", "Run time", "Parameters"):
        assert label in footer, label
    from paceqi import __version__

    assert __version__ in footer
    assert "ihi" in footer
    assert re.search(r"sha256 [0-9a-f]{16}", footer)
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", footer)  # run time, ISO


def test_user_text_is_escaped_never_markup(page, outline):
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert HOSTILE not in page
    # the aim statement and the study result are shown (the observations are not)
    assert page.count(escaped) >= 2, page.count(escaped)
    assert "script" not in outline.tags  # the report runs no script at all


def test_contents_list_nests_subsections_and_is_not_a_heading():
    from paceqi.report.render import add_contents

    page = add_contents(
        '<!--paceqi:toc--><main><h1>T</h1><h2 id="a">A</h2><h3 id="b">B</h3><h3 id="c">C</h3>'
        '<h2 id="d">D</h2></main><footer><h2 id="p">Provenance</h2></footer>'
    )
    nav = page[: page.index("<main>")]
    assert "<h2" not in nav and 'aria-labelledby="pq-toc-title"' in nav
    assert nav.count("<ol>") == 2  # one sub-list, under A
    assert nav.index('href="#a"') < nav.index('href="#b"') < nav.index("</ol>")
    assert nav.index("</ol>") < nav.index('href="#d"')
    assert 'href="#p"' not in nav  # the footer is not listed


def _luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_chart_text_has_enough_contrast(page):
    # axe-core cannot measure text drawn inside an SVG ("incomplete"), so check it here:
    # chart text on the white chart background must reach WCAG AA (4.5:1) for small text.
    assert round(_contrast("#767676", "#ffffff"), 2) == 4.54  # the known AA threshold grey
    texts = re.findall(r"<text\b[^>]*>", page)
    assert texts
    fills = {m.lower() for t in texts for m in re.findall(r"fill:\s*(#[0-9a-fA-F]{6})", t)}
    low = {f: round(_contrast(f, "#ffffff"), 2) for f in fills if _contrast(f, "#ffffff") < 4.5}
    assert low == {}


def test_tables_have_headers_and_captions(page):
    tables = re.findall(r"<table\b[^>]*>.*?</table>", page, re.S)
    assert len(tables) >= 3
    for table in tables:
        assert re.search(r'<th scope="(col|row)"', table), table[:200]
        if "pq-params" not in table:  # the parameters table sits under its <summary>
            assert "<caption>" in table, table[:200]


def test_page_has_its_landmarks_and_language(page, outline):
    assert re.search(r'<html lang="en"', page)
    assert outline.tags.count("main") == 1
    assert outline.tags.count("footer") == 1  # provenance (contentinfo)
    assert re.search(r'<nav class="pq-toc" aria-labelledby="pq-toc-title"', page)
    assert re.search(r'<header class="pq-masthead"', page)


def test_every_section_has_content_and_none_is_jupyterlab_only(page):
    main = page[page.index("<main") : page.index("<footer")]
    parts = re.split(r"<h2\b[^>]*>(.*?)</h2>", main, flags=re.S)
    sections = list(zip(parts[1::2], parts[2::2], strict=True))
    assert len(sections) >= 8
    for heading, body in sections:
        name = re.sub(r"<[^>]+>|¶", "", heading).strip()
        text = re.sub(r"<[^>]+>", " ", body)
        assert len(text.split()) >= 5 or "<svg" in body, f"section '{name}' is empty"
        assert "JupyterLab only" not in name
