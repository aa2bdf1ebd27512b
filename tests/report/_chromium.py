"""Open a local HTML page in headless Chromium and report what a browser check needs.

Driver: Python ``playwright`` (PyPI) launching the system Chromium (Debian's
``/usr/bin/chromium``) -- Playwright's own browser downloads are never used. Accessibility:
axe-core as vendored by the ``axe-playwright-python`` package (injected from the installed
file, never fetched). Every request other than the page's own ``file://`` URL is recorded and
aborted, so a page that would reach the network (or fetch another file) fails the check even
on a machine that is offline.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Flags the brief fixes for every launch (plus a fresh ``--user-data-dir`` per launch).
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "no Chromium found: install Debian's package (`apt-get install chromium`, as .ci/run does) "
    "or set PACEQI_CHROMIUM=/path/to/chromium; the browser tests are skipped"
)
#: axe-core impact levels that fail the check.
FAILING_IMPACTS = frozenset({"serious", "critical"})


#: Run in a narrow page: elements wider than the viewport outside any scrolling box.
NARROW_PROBE = """(() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).display === 'none') continue;
    if (box.right > vw + 1 && !scrolls(el)) {
      const name = el.className.baseVal ?? el.className;
      wide.push(`${el.tagName.toLowerCase()}.${name} ${Math.round(box.right)}px`);
    }
  }
  const width = document.documentElement.scrollWidth;
  return {viewport: vw, scroll_width: width, wide: wide.slice(0, 10)};
})()"""


#: Run in a page laid out for print: what a printed page would cut or break.
PRINT_PROBE = """(() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).display === 'none') continue;
    if (box.right > vw + 1) wide.push(`${el.tagName.toLowerCase()} ${Math.round(box.right)}px`);
  }
  const split = [];
  for (const th of document.querySelectorAll('th')) {
    const words = th.innerText.trim().split(/\\s+/).filter(Boolean).length;
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (words && tops.size > words) split.push(th.textContent.trim().slice(0, 40));
  }
  return {viewport: vw, wide: wide.slice(0, 10), split: split.slice(0, 10)};
})()"""


def find_chromium() -> str | None:
    """Return the Chromium executable: ``$PACEQI_CHROMIUM`` or the first on ``PATH``."""
    given = os.environ.get("PACEQI_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def skip_reason() -> str | None:
    """Why the browser checks cannot run here (None when they can): say how to fix it."""
    from importlib.util import find_spec

    for module in ("playwright", "axe_playwright_python", "pypdf"):
        if find_spec(module) is None:
            return f"{module} is missing: pip install -e '.[test]' (the browser tests are skipped)"
    if find_chromium() is None:
        return INSTALL_HINT
    return None


def browser_marks(reason: str | None, timeout: int = 300) -> list[Any]:
    """The marks of a browser test module: ``browser``, ``slow``, a timeout, and a skip that
    names ``reason`` (a failure under CI's ``PACEQI_REQUIRE_ALL=1``) when it is not None."""
    import pytest

    return [
        pytest.mark.browser,
        pytest.mark.slow,
        pytest.mark.timeout(timeout),
        pytest.mark.skipif(reason is not None, reason=reason or ""),
    ]


@dataclass
class PageCheck:
    """What one page did in the browser."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    lang: str = ""
    screenshot: Path | None = None
    probe: Any = None

    @property
    def blocking_violations(self) -> list[dict[str, Any]]:
        """axe violations of serious or critical impact."""
        return [v for v in self.violations if v.get("impact") in FAILING_IMPACTS]

    def describe_violations(self, which: list[dict[str, Any]] | None = None) -> str:
        """One line per violation: rule, impact, help text and the first offending nodes."""
        lines = []
        for v in self.violations if which is None else which:
            targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]]
            lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} -- {targets}")
        return "\n".join(lines)


class Browser:
    """One headless Chromium (fresh profile) for several page checks; use as a context manager."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._profile = tempfile.TemporaryDirectory(prefix="paceqi-chromium-")
        self._pw: Any = None
        self._context: Any = None

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._context = self._pw.chromium.launch_persistent_context(
            self._profile.name,  # becomes --user-data-dir
            executable_path=self.executable,
            headless=True,
            args=list(CHROMIUM_FLAGS),
            offline=True,
            viewport={"width": 1200, "height": 900},
        )
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._context is not None:
                self._context.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            self._profile.cleanup()

    def pdf_pages(self, page_path: Path, out: Path | None = None) -> int:
        """Print ``page_path`` as Chromium does (the page's own ``@page`` size); return pages."""
        import re

        page = self._context.new_page()
        try:
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            data = page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            page.close()
        if out is not None:
            out.write_bytes(data)
        return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))

    def pdf_text(self, page_path: Path) -> str:
        """Print ``page_path`` to PDF as :meth:`pdf_pages` does; return the PDF's text (pypdf).

        Whitespace runs are folded to one space, so a phrase broken across lines still matches.
        """
        import io
        import re
        import tempfile

        from pypdf import PdfReader

        with tempfile.TemporaryDirectory(prefix="paceqi-pdf-") as tmp:
            out = Path(tmp) / "page.pdf"
            self.pdf_pages(page_path, out)
            reader = PdfReader(io.BytesIO(out.read_bytes()))
            text = " ".join(page.extract_text() or "" for page in reader.pages)
        return re.sub(r"\s+", " ", text)

    def print_layout(self, page_path: Path, width_px: int) -> Any:
        """Lay the page out for print at ``width_px``; return what a printed page would cut.

        ``wide``: elements past the right edge (print has no scrolling box); ``split``: table
        header cells drawn on more lines than they have words (a word broken mid-way).
        """
        page = self._context.new_page()
        try:
            page.set_viewport_size({"width": width_px, "height": 1000})
            page.emulate_media(media="print")
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            return page.evaluate(PRINT_PROBE)
        finally:
            page.close()

    def print_height(self, page_path: Path, width_px: int) -> int:
        """Height in CSS px of the page laid out for print at ``width_px`` (no page breaks)."""
        page = self._context.new_page()
        try:
            page.set_viewport_size({"width": width_px, "height": 1000})
            page.emulate_media(media="print")
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            return int(page.evaluate("document.documentElement.scrollHeight"))
        finally:
            page.close()

    def probe(
        self, page_path: Path, expression: str, viewport: dict[str, int] | None = None
    ) -> Any:
        """Open the page (at ``viewport`` size when given); return ``expression``'s JSON value."""
        page = self._context.new_page()
        try:
            if viewport is not None:
                page.set_viewport_size(viewport)
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            return page.evaluate(expression)
        finally:
            page.close()

    def follow(self, page_path: Path, selector: str, expression: str) -> Any:
        """Open the page, click the link ``selector`` (as a reader would), wait for the page it
        leads to, and return ``expression``'s JSON value there (with ``location.hash``)."""
        page = self._context.new_page()
        try:
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            page.click(selector)
            page.wait_for_load_state("load")
            return {"hash": page.evaluate("location.hash"), "value": page.evaluate(expression)}
        finally:
            page.close()

    def narrow(self, page_path: Path, width: int = 390, screenshot: Path | None = None) -> Any:
        """Open the page ``width`` px wide; return what overflows and the smallest chart text.

        ``wide``: elements whose right edge passes the viewport and that no scrolling box
        (``overflow-x: auto/scroll/hidden``) contains; ``scroll_width``: the page's width.
        """
        page = self._context.new_page()
        try:
            page.set_viewport_size({"width": width, "height": 844})
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=False)
            return page.evaluate(NARROW_PROBE)
        finally:
            page.close()

    def check(
        self, page_path: Path, screenshot: Path | None = None, probe: str | None = None
    ) -> PageCheck:
        """Load ``page_path``; record console errors and requests; run axe; screenshot.

        ``probe`` is a JavaScript expression evaluated in the loaded page (before axe runs);
        its JSON value is kept as ``PageCheck.probe``.
        """
        from axe_playwright_python.sync_playwright import Axe

        url = Path(page_path).resolve().as_uri()
        result = PageCheck(url=url)
        page = self._context.new_page()

        def on_request(route: Any) -> None:
            request_url = route.request.url
            if request_url == url:
                route.continue_()
            else:
                result.requests.append(request_url)
                route.abort()

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                result.console_errors.append(msg.text)

        page.route("**/*", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: result.console_errors.append(f"uncaught: {exc}"))
        # requests the route cannot see (e.g. from workers) still show up here
        page.on(
            "request",
            lambda r: (
                result.requests.append(r.url)
                if r.url != url and not r.url.startswith("data:") and r.url not in result.requests
                else None
            ),
        )
        try:
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            result.title = page.title()
            result.lang = page.evaluate("document.documentElement.lang")
            if probe is not None:
                result.probe = page.evaluate(probe)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=False)
                result.screenshot = screenshot
            axe = Axe().run(page, options={"resultTypes": ["violations"]})
            result.violations = list(axe.response.get("violations", []))
        finally:
            page.close()
        return result
