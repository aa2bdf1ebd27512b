"""Every committed notebook is thin, clean and parameterised (STYLE.md §11, issue #7).

- stored without outputs or execution counts;
- kernelspec ``python3`` (the batch passes kernel_name explicitly; this keeps Lab consistent);
- exactly one cell tagged ``parameters`` (change-idea and training notebooks), holding only
  simple assignments of JSON-type literals;
- code cells contain no ``def``, ``class``, ``for``/``while`` loops, ``lambda`` or imports other
  than ``paceqi`` — logic lives in the package, where it is unit-tested.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
PARAMETERISED = [p for p in NOTEBOOKS if p.parent.name in ("change_ideas", "training")]


def _ids(paths):
    return [str(p.relative_to(ROOT / "notebooks")) for p in paths]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict):
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            yield i, cell, "".join(cell["source"])


def forbidden_constructs(source: str) -> list[str]:
    """Return the reasons a code cell is not thin (empty list when it is)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(f"def {node.name}")
        elif isinstance(node, ast.ClassDef):
            found.append(f"class {node.name}")
        elif isinstance(node, ast.For | ast.AsyncFor | ast.While):
            found.append("a loop")
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            found.append("a comprehension")
        elif isinstance(node, ast.Lambda):
            found.append("a lambda")
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] != "paceqi"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] != "paceqi":
            found.append(f"from {node.module} import")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = paceqi.spc(y)", []),
        ("def f():\n    pass", ["def f"]),
        ("class A:\n    pass", ["class A"]),
        ("for a in b:\n    print(a)", ["a loop"]),
        ("while True:\n    break", ["a loop"]),
        ("y = [a for a in b]", ["a comprehension"]),
        ("import pandas as pd", ["import pandas"]),
        ("from matplotlib import pyplot", ["from matplotlib import"]),
        ("import paceqi\nfrom paceqi.teach import widgets", []),
    ],
)
def test_the_thinness_check_itself(source, expected):
    assert forbidden_constructs(source) == expected


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "change_ideas" / "two_week_planning_meeting.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    nb = _load(path)
    for i, cell, _ in _code_cells(nb):
        assert cell.get("outputs") == [], f"cell {i} has outputs: clear them before committing"
        assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_kernelspec_is_python3(path):
    assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_code_cells_are_thin(path):
    for i, _, src in _code_cells(_load(path)):
        bad = forbidden_constructs(src)
        assert not bad, f"cell {i} contains {', '.join(bad)}: move that logic into the package"


@pytest.mark.parametrize("path", PARAMETERISED, ids=_ids(PARAMETERISED))
def test_one_parameters_cell_of_literal_assignments(path):
    cells = [
        c for _, c, _ in _code_cells(_load(path)) if "parameters" in c["metadata"].get("tags", [])
    ]
    assert len(cells) == 1, "exactly one cell must be tagged 'parameters'"
    tree = ast.parse("".join(cells[0]["source"]))
    for node in tree.body:
        assert isinstance(node, ast.Assign | ast.AnnAssign), "parameters cell: assignments only"
        value = node.value
        assert value is not None
        json.dumps(ast.literal_eval(value))  # JSON types only (dates as ISO strings)
