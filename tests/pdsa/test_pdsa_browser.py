"""The tracker in JupyterLab, driven in a real browser: open, pick a cycle, edit, save.

JupyterLab (the project's ``lab`` extra, part of ``test``) serves a copy of
``notebooks/pdsa_tracker.ipynb`` from a temporary folder; the kernel reads the store from
``$PACEQI_DB``. Headless Debian Chromium, driven by Python ``playwright`` (see
``tests/report/_chromium.py``), runs the notebook, picks cycle 2 of the ramp, edits its title
and the result of its first prediction, and saves. The test then opens the store: the edit is
there, and the other prediction rows kept their own results. Every request other than the
local JupyterLab server is aborted.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from paceqi._paths import notebooks_dir
from paceqi.pdsa.store import PDSAStore

_spec = importlib.util.spec_from_file_location(
    "_paceqi_chromium", Path(__file__).resolve().parents[1] / "report" / "_chromium.py"
)
_chromium = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_chromium)  # registered first: its dataclasses look themselves up


def _skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is missing: pip install -e '.[test]'"
    if importlib.util.find_spec("jupyterlab") is None:
        return "jupyterlab is missing: pip install -e '.[test]' (the lab extra)"
    if _chromium.find_chromium() is None:
        return _chromium.INSTALL_HINT
    return None


SKIP = _skip_reason()
pytestmark = _chromium.browser_marks(SKIP)
TOKEN = "paceqi-browser-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path, fife_yaml):
    """A JupyterLab server on a folder holding the tracker notebook and a store with a ramp."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(notebooks_dir() / "pdsa_tracker.ipynb", root / "pdsa_tracker.ipynb")
    db = tmp_path / "paceqi.db"
    with PDSAStore(db) as store:
        store.import_file(fife_yaml)
    port = _free_port()
    env = dict(os.environ, PACEQI_DB=str(db), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
        "--ip=127.0.0.1", f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", "--allow-root",
    ]  # fmt: skip
    log = (tmp_path / "lab.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(
                        "JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
        log.close()


def _accept_kernel_dialog(page) -> None:
    """JupyterLab may ask which kernel to start (preselecting the notebook's): accept it."""
    select = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select.wait_for(state="visible", timeout=5_000)
    except Exception:  # no dialog this time
        return
    select.click()


def test_open_edit_and_save_a_cycle_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, db = lab
    with PDSAStore(db) as store:
        cycles = store.cycles("Fife")
        target = cycles[cycles["cycle_no"] == 2].iloc[0]
        rows_before = store.cycle(int(target["id"]))["predictions"]
    assert len(rows_before) >= 1
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith(base.replace("http", "ws")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=_chromium.find_chromium(), headless=True,
            args=list(_chromium.CHROMIUM_FLAGS),
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.route("**/*", route)
            page.goto(f"{base}/lab/tree/pdsa_tracker.ipynb?reset&token={TOKEN}")
            expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=60_000)
            _accept_kernel_dialog(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            _accept_kernel_dialog(page)
            picker = page.locator(".paceqi-pick-cycle select")
            try:
                expect(picker).to_be_visible(timeout=90_000)
            except AssertionError:
                page.screenshot(path=str(tmp_path / "fail.png"), full_page=True)
                outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
                raise AssertionError(f"no tracker; cell outputs: {outputs}") from None
            label = page.locator(".paceqi-pick-cycle option", has_text="Cycle 2:")
            picker.select_option(label=label.inner_text().strip())
            title = page.locator(".paceqi-field-title input")
            expect(title).to_have_value(str(target["title"]), timeout=20_000)
            title.fill("Cycle 2, edited in the browser")
            result = page.locator(".paceqi-result textarea").first
            # the rows are redrawn after the title: wait for cycle 2's own first result
            expect(result).to_have_value(rows_before[0]["result"] or "", timeout=20_000)
            expect(page.locator(".paceqi-result textarea")).to_have_count(len(rows_before))
            result.fill("Recorded in JupyterLab")
            page.locator(".paceqi-met select").first.select_option("yes")
            page.locator("button.paceqi-save").click()
            expect(page.locator(".paceqi-status")).to_contain_text("Saved cycle 2", timeout=20_000)
            # the label of the save names what changed, and the labels are whole
            status = page.locator(".paceqi-status").inner_text()
            assert "Title" in status and "Predictions and results" in status
            page.screenshot(path=str(tmp_path / "tracker.png"))
            # the form fits: no label is cut off (each fits the width it is given)
            cut = page.evaluate(
                """() => [...document.querySelectorAll('.widget-html b')]
                    .filter(b => b.scrollWidth > b.clientWidth + 1 ||
                                 b.getBoundingClientRect().right >
                                 b.closest('.jp-OutputArea-output').getBoundingClientRect().right)
                    .map(b => b.textContent)"""
            )
            assert cut == []
            # the driver diagram scales to its container
            page.locator(".lm-TabBar-tabLabel", has_text="Driver diagram").first.click()
            svg = page.locator(".widget-html svg").first
            expect(svg).to_be_visible()
            fit = svg.evaluate(
                "s => [s.getBoundingClientRect().width,"
                " s.closest('.jp-OutputArea-output').getBoundingClientRect().width]"
            )
            assert 0 < fit[0] <= fit[1], fit
        finally:
            browser.close()
    assert outside == []
    with PDSAStore(db) as store:
        saved = store.cycle(int(target["id"]))
        history = store.history(int(target["id"]))
    assert saved["title"] == "Cycle 2, edited in the browser"
    assert saved["predictions"][0]["result"] == "Recorded in JupyterLab"
    assert saved["predictions"][0]["met"] is True
    assert saved["predictions"][1:] == rows_before[1:]  # the other rows kept their results
    assert history["action"].tolist()[-1] == "updated"
