"""Every change-idea notebook, executed end to end on synthetic data (issue #7).

One small synthetic data set (two authorities: the notebooks' default Fife and, as the second
authority, an island with few children) is written once per session; all 16 reports then run in
one batch on two warm kernels (:func:`paceqi.report.run_batch`), and every test reads the
outputs. nbval then re-runs the island's executed notebooks.

- Fife runs with the notebook's defaults; only ``extract`` and ``pdsa`` are pointed at the
  session's copy of the synthetic data (so a fresh clone needs no ``make reports`` first).
  ``interactive`` keeps its default (True), so the widgets are built inside a real kernel too.
- The island runs as the batch does (``interactive: false``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paceqi._paths import notebooks_dir, project_root
from paceqi.data.authorities import slugify

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

NOTEBOOKS = sorted((notebooks_dir() / "change_ideas").glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
DEFAULT = "Fife"  # the authority in every notebook's parameters cell
ISLAND = "Orkney Islands"  # the second authority: an island with few children
AUTHORITIES = (DEFAULT, ISLAND)
MAX_REPORT_BYTES = 400_000
QUESTION = {"baseline_journeys": "Where is the delay?"}
HAS_THE_CHANGE = "Has the change led to an improvement?"


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> Path:
    from paceqi.data.synth import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, authorities=list(AUTHORITIES))
    return folder


@pytest.fixture(scope="session")
def reports(synthetic, tmp_path_factory):
    """Run every notebook for the three authorities once; return {(notebook, slug): result}."""
    from paceqi.report import run_batch
    from paceqi.report.jobs import RunSpec

    out = tmp_path_factory.mktemp("reports")
    specs = []
    for nb in NOTEBOOKS:
        for authority in AUTHORITIES:
            slug = slugify(authority)
            params = {
                "extract": str(synthetic / "extracts" / f"{slug}.csv"),
                "pdsa": str(synthetic / "pdsa" / f"{slug}.yaml"),
            }
            if authority != DEFAULT:
                params.update(authority=authority, interactive=False)
            specs.append(RunSpec(nb, authority, params, out, timeout=300))
    # a parameter no notebook declares: this job must fail, naming the key and the notebook
    specs.append(RunSpec(NOTEBOOKS[0], "Shetland Islands", {"rule_set": "ihi"}, out, timeout=60))
    results = run_batch(specs, jobs=2, force=True, progress=False, write_index=False)
    return {(r.notebook, r.slug): (r, out / r.html_path, out / r.ipynb_path) for r in results}


def _result(reports, name, authority):
    result, html_path, ipynb_path = reports[(name, slugify(authority))]
    assert result.ok, f"{name} for {authority} failed: {result.ename}: {result.evalue}"
    return html_path.read_text(encoding="utf-8"), json.loads(ipynb_path.read_text("utf-8"))


def _text(html: str) -> str:
    """Visible text of the report (tags and the inline SVG markup removed)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("authority", AUTHORITIES)
@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_and_answers_its_question(reports, name, authority):
    html, nb = _result(reports, name, authority)
    errors = [
        o
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert not errors
    text = _text(html)
    assert QUESTION.get(name, HAS_THE_CHANGE) in text
    assert len(html.encode()) < MAX_REPORT_BYTES, f"{len(html.encode())} bytes"


@pytest.mark.parametrize("name", NAMES)
def test_report_has_no_code(reports, name):
    html, nb = _result(reports, name, ISLAND)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            for line in "".join(cell["source"]).splitlines():
                code = line.split("#")[0].strip()
                if len(code) > 3:  # skip lone brackets, which any stylesheet contains
                    assert code not in html, f"code shown in the report: {code!r}"
    assert "paceqi.change_idea_report" not in html
    assert "Traceback" not in html


@pytest.mark.parametrize("name", NAMES)
def test_island_gets_too_few_points_captions_not_an_error(reports, name):
    html, _ = _result(reports, name, ISLAND)
    text = _text(html).lower()
    assert "too few" in text or "fewer than 5" in text


def test_headless_report_has_no_widgets_but_the_default_builds_them(reports):
    mime = "application/vnd.jupyter.widget-view+json"
    _, batch = _result(reports, "two_week_planning_meeting", ISLAND)
    _, default = _result(reports, "two_week_planning_meeting", DEFAULT)

    def widget_outputs(nb):
        return [
            o
            for c in nb["cells"]
            if c["cell_type"] == "code"
            for o in c.get("outputs", [])
            if mime in o.get("data", {})
        ]

    assert widget_outputs(batch) == []
    assert widget_outputs(default), "interactive=True (the default) should show the explorer"
    html = _result(reports, "two_week_planning_meeting", DEFAULT)[0]
    assert "Explore (JupyterLab only)" not in html and "VBox" not in html


def test_unknown_parameter_fails_naming_key_and_notebook(reports):
    result, html_path, _ = reports[(NOTEBOOKS[0].stem, "shetland_islands")]
    assert result.status == "failed" and result.ename == "ParameterError"
    assert "'rule_set'" in result.evalue and NOTEBOOKS[0].name in result.evalue
    assert "rule_set" in html_path.read_text(encoding="utf-8")


def test_no_pdsa_path_reads_cleanly(synthetic, reports):
    # The synthetic truth names the change ideas an authority does not test (no PDSA ramp).
    import pandas as pd

    truth = pd.read_csv(synthetic / "truth.csv")
    untested = truth[
        (truth["class"] == "not_tested")
        & truth["authority"].isin(AUTHORITIES)
        & truth["change_idea"].isin(NAMES)
    ]
    assert len(untested), "the synthetic truth should leave some change idea untested"
    row = untested.iloc[0]
    text = _text(_result(reports, row["change_idea"], row["authority"])[0])
    assert "Cannot tell: no test of change is recorded" in text
    assert "No PDSA cycles are recorded for this change idea" in text
    assert "no test start date" in text.lower()


def test_baseline_has_every_segment_and_route_table(reports):
    text = _text(_result(reports, "baseline_journeys", DEFAULT)[0])
    assert "Every segment, every route" in text
    assert "Adoption and permanence panel → Agency decision maker decision" in text
    assert "All routes" in text and "Permanence order" in text


@pytest.mark.timeout(300)
def test_notebooks_pass_nbval_lax(reports, tmp_path):
    """nbval re-runs the island's executed notebooks (parameters injected), two at a time."""
    pytest.importorskip("nbval")
    copies = []
    for name in NAMES:
        _, _, ipynb = reports[(name, slugify(ISLAND))]
        copy = tmp_path / f"{name}.ipynb"
        copy.write_bytes(ipynb.read_bytes())
        copies.append(str(copy))
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider"]
    command += ["-o", "addopts=", "-o", "filterwarnings=", "--rootdir", str(tmp_path)]
    halves = [copies[::2], copies[1::2]]  # two processes: the machine has two cores
    procs = [
        subprocess.Popen(
            [*command, *half],
            cwd=project_root(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for half in halves
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=280)
        assert proc.returncode == 0, out[-4000:]
        assert "passed" in out and "failed" not in out, out[-2000:]
