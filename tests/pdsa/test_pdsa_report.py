"""One store for the tracker and the reports; no PDSA store yet is normal (issues 17, 19.2).

The reports are built as the notebooks build them: with the notebook's own parameter defaults
(read from its parameters cell). Only ``extract`` is pointed at a synthetic copy (a fresh clone
has no ``data/synthetic``) and ``$PACEQI_DB`` at a temporary project store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import paceqi
from paceqi._paths import notebooks_dir
from paceqi.cli import main
from paceqi.pdsa.store import PDSAStore

NOTEBOOKS = sorted((notebooks_dir() / "change_ideas").glob("*.ipynb"))
TWPM = notebooks_dir() / "change_ideas" / "two_week_planning_meeting.ipynb"


def defaults(notebook: Path) -> dict:
    """The parameters cell's values, as a user who changes nothing runs the notebook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    values: dict = {}
    exec("".join(cell["source"]), {}, values)  # the cell only assigns literals
    return {k: v for k, v in values.items() if not k.startswith("__")}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    from paceqi.data.synth import write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, authorities=["Fife"])
    return folder


@pytest.fixture
def project_store(tmp_path, monkeypatch) -> Path:
    """``$PACEQI_DB``: the project's store, as the tracker, the CLI and the reports see it."""
    path = tmp_path / "workspace" / "paceqi.db"
    monkeypatch.setenv("PACEQI_DB", str(path))
    return path


def _report(notebook: Path, synthetic: Path, **changes):
    params = defaults(notebook) | {"extract": str(synthetic / "extracts" / "fife.csv")}
    params |= {"interactive": False} | changes
    return paceqi.change_idea_report(**params)


def test_every_notebook_defaults_to_the_project_store():
    for nb in NOTEBOOKS:
        assert defaults(nb)["pdsa"] == "", nb.name


def test_a_cycle_saved_in_the_tracker_is_in_the_next_report(synthetic, project_store, capsys):
    # as `make reports` does: the demo PDSA YAML imported into the project's store
    assert main(["pdsa", "import", str(synthetic / "pdsa" / "fife.yaml")]) == 0
    before = _report(TWPM, synthetic).ramp().html
    n = int(re.search(r"Read (\d+) PDSA cycles of this change idea", before)[1])
    assert "from the PDSA store paceqi.db" in before and str(project_store) not in before

    from paceqi.pdsa.widgets import Tracker

    with PDSAStore() as store:  # the tracker notebook's default store
        tracker = Tracker(store, "Fife", "two_week_planning_meeting")
        tracker.picker.cycle.value = None  # "New cycle"
        tracker.form.inputs["title"].value = "Saved from the tracker"
        tracker.form.rows[0].prediction.value = "Meetings held within 14 days for 4 of 5"
        assert tracker.form.submit() is not None

    after = _report(TWPM, synthetic).ramp().html
    assert f"Read {n + 1} PDSA cycles of this change idea" in after
    assert "Saved from the tracker" in after


def test_no_store_yet_is_normal_for_every_change_idea(synthetic, project_store):
    for nb in NOTEBOOKS:
        report = _report(nb, synthetic)
        text = report.ramp().html
        assert "No PDSA cycles recorded for this change idea" in text, nb.name
        assert "has not been created yet" in text
        for section in ("answer", "aim", "journeys", "waiting", "method"):
            getattr(report, section)()
    assert not project_store.exists()  # reading never creates the store


def test_an_empty_store_is_normal_too(synthetic, project_store):
    PDSAStore().close()  # created, no records
    text = _report(TWPM, synthetic).ramp().html
    assert "No PDSA cycles recorded for this change idea in the PDSA store paceqi.db" in text


@pytest.mark.parametrize("name", ["nowhere.db", "nowhere.yaml"])
def test_a_missing_store_named_by_the_user_is_a_clear_problem(synthetic, tmp_path, name):
    report = _report(TWPM, synthetic, pdsa=str(tmp_path / name))
    text = report.ramp().html
    assert f"The PDSA store named by the pdsa parameter, {name}, does not exist" in text
    assert str(tmp_path) not in text and not (tmp_path / name).exists()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_reports_as_html(synthetic, project_store, tmp_path):
    """As a user sees it: the store line in the report; a missing named file at the top."""
    from paceqi.report import run_batch
    from paceqi.report.jobs import RunSpec

    assert main(["pdsa", "import", str(synthetic / "pdsa" / "fife.yaml")]) == 0
    extract = {"extract": str(synthetic / "extracts" / "fife.csv"), "interactive": False}
    missing = extract | {"pdsa": str(tmp_path / "our_pdsa.db")}
    out = tmp_path / "reports"
    results = [
        run_batch([RunSpec(TWPM, "Fife", params, out / sub, timeout=300)], jobs=1, force=True,
                  progress=False, write_index=False)[0]
        for sub, params in (("default", extract), ("missing", missing))
    ]  # fmt: skip
    assert all(r.ok for r in results), [(r.ename, r.evalue) for r in results]
    ok = (out / "default" / results[0].html_path).read_text(encoding="utf-8")
    assert re.search(r"Read \d+ PDSA cycles of this change idea from the PDSA store paceqi\.db", ok)
    bad = (out / "missing" / results[1].html_path).read_text(encoding="utf-8")
    banner = bad.index("PDSA records not read")
    assert banner < bad.index('<h2 id="Has-the-change-led')  # before the report's first section
    text = bad[banner : bad.index("</div>", banner)]
    assert "our_pdsa.db, does not exist" in text and str(tmp_path) not in text
    assert "Traceback" not in bad and "OptionsError" not in bad
