"""notebooks/pdsa_tracker.ipynb: thin, stored clean, and runs with papermill on a store."""

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "pdsa_tracker.ipynb"


def test_notebook_is_thin_and_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    for cell in code:
        src = "".join(cell["source"])
        assert not cell.get("outputs") and cell.get("execution_count") is None
        assert "def " not in src and "class " not in src and "for " not in src
        for line in src.splitlines():
            if line.startswith(("import ", "from ")):
                assert line == "import paceqi" or line.startswith("from paceqi import")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_notebook_runs_with_papermill(tmp_path, fife_yaml):
    import papermill as pm

    db = tmp_path / "nb.db"
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={
            "db_url": str(db),
            "authority": "Fife",
            "change_idea": "Two Week Planning Meeting",
            "import_paths": [str(fife_yaml)],
        },
        kernel_name="python3",
        progress_bar=False,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    svg = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert svg and "Driver diagram: Fife" in "".join(svg[0]["data"]["image/svg+xml"])
    from paceqi.pdsa.store import PDSAStore

    with PDSAStore(db) as store:
        assert len(store.cycles("Fife")) == 3


def test_make_lab_registers_the_kernel_the_notebooks_name():
    import re

    root = NOTEBOOK.parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    (registered,) = re.findall(r"ipykernel install .*--name (\S+)", makefile)
    names = {
        json.loads(p.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
        for p in (root / "notebooks").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    }
    assert names == {registered}
