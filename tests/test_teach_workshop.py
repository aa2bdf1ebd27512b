"""Workshop mode in a real browser: Voilà serves the six exercises, headless Chromium uses them.

The test starts Voilà on localhost with the arguments of ``make workshop``, loads each of the
six training notebooks as a web app in Debian's Chromium (driven by playwright), and checks that
the page shows no code, shows its own seed, answers a click on a control, and truncates no button
or label at the width of a notebook (a 1024-pixel window). Then it stops the server.

It fails, never skips, when Chromium or Voilà is missing (.ci/run installs Chromium; Voilà comes
with ``pip install -e '.[test]'``). Requests to any other host (Voilà's template links an icon
font on a CDN) are blocked, so the pages are shown to work offline.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import nbformat
import pytest

from paceqi._paths import notebooks_dir
from paceqi.teach import workshop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[1]
TRAINING = notebooks_dir() / "training"
#: The window of a laptop showing a notebook at its default width.
VIEWPORT = {"width": 1024, "height": 800}

#: Per page: a control to use and the text that proves the page answered.
ACTIONS: dict[str, list[tuple[str, str]]] = {
    "funnel": [("click", "Rule 1"), ("click", "Drop marbles"), ("see", "You predicted: Rule 1")],
    "run_chart_rules": [
        ("click", "signal"),
        ("click", "Reveal the rules"),
        ("see", "You predicted: signal"),
    ],
    "how_many_points": [("click", "less frequent"), ("see", "You predicted")],
    "red_beads": [("click", "Run the experiment"), ("see", "Who is the best worker?")],
    "pdsa_game": [
        ("fill", "6.5"),
        ("click", "Plan: record prediction"),
        ("see", "Prediction recorded: 6.5 s"),
    ],
    "permanence_journey_simulator": [
        ("click", "get worse"),
        ("see", "you predicted the balancing measures would get worse"),
    ],
}

#: Visible elements whose text overflows their box (a truncated button or label).
TRUNCATED = """(() => [...document.querySelectorAll(
    'button, .widget-label, .widget-label-basic, .widget-html-content, .widget-readout')]
  .filter(e => e.offsetParent !== null && e.clientWidth > 0 && e.textContent.trim())
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => ({text: e.textContent.trim().slice(0, 60), scroll: e.scrollWidth,
              client: e.clientWidth})))()"""

#: Visible code editors or input prompts (Voilà must strip them).
CODE = """(() => [...document.querySelectorAll(
    '.jp-InputArea-editor, .CodeMirror, .cm-editor, .jp-InputPrompt, .input_area')]
  .filter(e => e.offsetParent !== null && e.textContent.trim()).length)()"""


def _chromium() -> str:
    path = os.environ.get("PACEQI_CHROMIUM") or shutil.which("chromium")
    assert path and Path(path).is_file(), (
        "Chromium is missing: install Debian's package (apt-get install chromium, as .ci/run "
        "does) or set PACEQI_CHROMIUM"
    )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_make_workshop_serves_the_training_notebooks_with_voila():
    recipe = (ROOT / "Makefile").read_text().split("\nworkshop:", 1)[1].split("\n\n", 1)[0]
    assert "voila notebooks/training" in recipe and "--no-browser" in recipe
    assert "--Voila.ip=$(HOST)" in recipe and "--port=$(PORT)" in recipe


class VoilaServer:
    """A Voilà server on a free port, its output in ``.pytest-voila.log``; restartable."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.log = open(ROOT / ".pytest-voila.log", "w")  # noqa: SIM115 - closed in close()

    def start(self) -> None:
        port = _free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(TRAINING), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=True"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert self.proc.poll() is None, (ROOT / ".pytest-voila.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, "Voilà did not answer within 90 s"
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # Voilà and the kernels it started
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        """A server that stopped answering (see :data:`LOAD_ATTEMPTS`) is replaced."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        self.log.close()
        (ROOT / ".pytest-voila.log").unlink(missing_ok=True)


@pytest.fixture()
def server():
    """A Voilà server of its own for each test: after a browser session closes, Voilà shuts its
    kernel down on the server's event loop, and a page requested meanwhile could wait minutes."""
    assert find_spec("voila") is not None, "voila is missing: pip install -e '.[test]'"
    voila = VoilaServer()
    try:
        voila.start()
        yield voila
    finally:
        voila.close()
    assert voila.proc is None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


#: Attempts to load a page, each in a fresh browser session. Now and then Voilà 0.5 does not
#: answer a render request at all, and then no other request either (seen for a different page
#: each run, on an idle machine, with a server of its own per test): the next attempt gets a
#: new server, which answers in seconds.
LOAD_ATTEMPTS = 3


def _only_from(base: str):
    """A route handler: requests to ``base`` go through, any other host is refused."""

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            r.abort()  # the room may be offline: nothing may depend on another host

    return route


def _open(browser, server: VoilaServer, name: str, query: str = ""):
    for attempt in range(1, LOAD_ATTEMPTS + 1):
        base = server.base
        context = browser.new_context(viewport=VIEWPORT)  # a new session, as a participant's
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))

        page.route("**/*", _only_from(base))
        try:
            # the widgets, not the "load" event, say the page is ready
            page.goto(
                f"{base}/voila/render/{name}.ipynb{query}",
                wait_until="domcontentloaded",
                timeout=30_000,  # a page that answers does so in seconds
            )
            page.wait_for_selector(".widget-button, .widget-toggle-button", timeout=120_000)
        except Exception:
            context.close()
            if attempt == LOAD_ATTEMPTS:
                raise
            server.restart()
            continue
        return context, page, errors
    raise AssertionError("unreachable")


def _code_lines(name: str) -> list[str]:
    """Every line of the notebook's code cells (what must not appear on the page)."""
    nb = nbformat.read(TRAINING / f"{name}.ipynb", as_version=4)
    lines = [ln.strip() for c in nb.cells if c.cell_type == "code" for ln in c.source.split("\n")]
    return [ln for ln in lines if len(ln) > 8]


def _seed(page) -> int:
    titles = page.locator("h4").all_inner_texts()
    found = [re.search(r"\(seed (\d+)\)", t) for t in titles]
    seeds = [int(m.group(1)) for m in found if m]
    assert len(seeds) == 1, titles
    return seeds[0]


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_exercise_works_as_a_web_app(server, browser, name):
    context, page, errors = _open(browser, server, name)
    try:
        text = page.inner_text("body")
        for line in _code_lines(name):
            assert line not in text, f"{name}: code is visible: {line}"
        assert page.evaluate(CODE) == 0
        assert 0 < _seed(page) < workshop.SEED_RANGE  # its own random seed, on screen
        for kind, arg in ACTIONS[name]:
            if kind == "click":
                button = page.get_by_role("button", name=arg, exact=True)
                button.wait_for(timeout=120_000)
                page.wait_for_function(
                    "b => !b.disabled", arg=button.element_handle(), timeout=120_000
                )
                button.click()
            elif kind == "fill":
                page.locator("input[type=text]").first.fill(arg)
            else:
                page.get_by_text(arg).first.wait_for(timeout=120_000)
        page.wait_for_timeout(500)  # let the output (chart, tables) settle before measuring
        truncated = page.evaluate(TRUNCATED)
        assert truncated == [], f"{name}: text cut off at {VIEWPORT['width']} px: {truncated}"
        assert errors == [], errors
    finally:
        context.close()


def test_each_browser_session_gets_its_own_seed_and_a_url_seed_replays(server, browser):
    # The three sessions stay open until all have loaded, as in a room of participants: closing
    # one makes Voilà shut its kernel down on the server's event loop, and the next page
    # requested meanwhile could wait minutes (see the server fixture).
    seeds, contexts = [], []
    try:
        for query in ("", "", "?seed=4321"):
            context, page, _ = _open(browser, server, "funnel", query)
            contexts.append(context)
            seeds.append(_seed(page))
    finally:
        for context in contexts:
            context.close()
    assert seeds[0] != seeds[1]
    assert seeds[2] == 4321


def test_the_truncation_check_sees_a_cut_off_button(browser):
    # negative control: ipywidgets' default fixed-width button cuts "Keep best, fire worst"
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content(
            "<button style='width:100px;overflow:hidden;white-space:nowrap;"
            "text-overflow:ellipsis'>Keep best, fire worst</button>"
            "<button style='width:auto'>Keep best, fire worst</button>"
        )
        found = page.evaluate(TRUNCATED)
        assert [f["text"] for f in found] == ["Keep best, fire worst"]
    finally:
        context.close()


def test_a_server_that_stopped_answering_is_replaced(server):
    # what _open does when a page does not load: a new Voilà process that answers
    first = server.proc.pid
    server.restart()
    assert server.proc.pid != first
    with urllib.request.urlopen(server.base + "/", timeout=10) as r:
        assert r.status == 200
