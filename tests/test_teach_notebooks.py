"""The training notebooks: thin, stored without outputs, and they run headless under papermill."""

import ast
from pathlib import Path

import nbformat
import pytest

from paceqi._paths import notebooks_dir

TRAINING = notebooks_dir() / "training"
NOTEBOOKS = [
    "run_chart_rules",
    "how_many_points",
    "red_beads",
    "funnel",
    "pdsa_game",
    "permanence_journey_simulator",
]
#: Small values so the notebooks run quickly in the test suite.
FAST = {"reps": 10, "n_children": 60}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(TRAINING / f"{name}.ipynb", as_version=4)


def test_every_training_notebook_is_listed():
    assert sorted(p.stem for p in TRAINING.glob("*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_shape(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "stored with outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    names = {
        t.id
        for n in ast.walk(ast.parse(params[0].source))
        if isinstance(n, ast.Assign)
        for t in n.targets
    }
    assert {"seed", "interactive"} <= names
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cells_only_call_the_package(name):
    for cell in _read(name).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{name}: define functions in paceqi, not in the notebook"
            assert not isinstance(
                node, ast.For | ast.While | ast.ListComp | ast.DictComp | ast.SetComp
            ), f"{name}: logic loops belong in paceqi"
            if isinstance(node, ast.Import):
                assert [a.name for a in node.names] == ["paceqi"]
            if isinstance(node, ast.ImportFrom):
                assert node.module == "paceqi", f"{name}: deep import {node.module}"


def _execute(name: str, out_dir: Path) -> nbformat.NotebookNode:
    import papermill

    nb = _read(name)
    source = "\n".join(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params = {"interactive": False, "seed": 7, **{k: v for k, v in FAST.items() if k in source}}
    out = out_dir / f"{name}.ipynb"
    try:
        papermill.execute_notebook(
            str(TRAINING / f"{name}.ipynb"),
            str(out),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
        )
    finally:
        _close_thread_event_loop()
    return nbformat.read(out, as_version=4)


def _close_thread_event_loop() -> None:
    """Close the event loop nbclient created for this worker thread (it never closes it)."""
    import asyncio

    policy = asyncio.get_event_loop_policy()
    loop = getattr(policy._local, "_loop", None)  # the thread's loop, without creating one
    if loop is not None and not loop.is_running() and not loop.is_closed():
        loop.close()


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run every runnable notebook once, three kernels at a time (kernel start-up dominates)."""
    from concurrent.futures import ThreadPoolExecutor

    out_dir = tmp_path_factory.mktemp("training")
    names = list(NOTEBOOKS)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {n: pool.submit(_execute, n, out_dir) for n in names}
    results = {}
    for n, f in futures.items():
        try:
            results[n] = f.result()
        except Exception as exc:  # reported by the test of that notebook
            results[n] = exc
    return results


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_headless_and_draws_a_figure(name, executed):
    result = executed[name]
    if isinstance(result, Exception):
        raise result
    outputs = [o for c in result["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert pngs, f"{name} produced no figure"
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(exclude_input=True).from_notebook_node(result)
    assert "data:image/png;base64" in html, "the exported HTML must show the static chart"
    widget_mime = "application/vnd.jupyter.widget-view+json"
    assert not [o for o in outputs if widget_mime in o.get("data", {})], (
        "interactive=False must not leave widgets in the report"
    )


def test_training_dir_is_inside_the_notebooks_dir():
    assert Path(TRAINING).is_dir()
