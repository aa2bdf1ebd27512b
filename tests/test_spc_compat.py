"""The old import path ``paceqi.spc`` (a compatibility module) against :mod:`paceqi.spcstats`.

Everything that imports ``paceqi.spc`` runs in a fresh interpreter: in this process the
attribute ``paceqi.spc`` must stay the function (see ``paceqi/spc.py``).
"""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import paceqi
import paceqi.spcstats

ROOT = Path(__file__).resolve().parents[1]
SHIM = ROOT / "paceqi" / "spc.py"
CONTRACT = ROOT / "tests" / "typecheck" / "spc_contract.py"
# an import of the compatibility module (not of paceqi.spcstats, not a call of paceqi.spc)
# (at the start of a line of code, or of a notebook's JSON source line)
OLD_IMPORT = re.compile(r'^[\s"]*(?:from|import)\s+paceqi\.spc(?![\w])', re.MULTILINE)


def test_the_typed_contract_holds_at_run_time():
    out = subprocess.run(
        [sys.executable, str(CONTRACT)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_mypy_checks_the_contract_and_pytest_imports_neither_file():
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    assert "tests/typecheck" in tool["mypy"]["files"]
    addopts = tool["pytest"]["ini_options"]["addopts"].split()
    assert {"--ignore=tests/typecheck", "--ignore=paceqi/spc.py"} <= set(addopts)


def test_the_old_path_reexports_every_public_name_of_spcstats():
    tree = ast.parse(SHIM.read_text())
    imported = {
        a.asname or a.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "paceqi.spcstats"
        for a in node.names
    }
    (declared,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__all__"]
    ]
    assert declared == paceqi.spcstats.__all__
    assert set(declared) <= imported


def test_paceqi_spc_is_the_function_in_a_process_that_never_imports_the_old_path():
    assert "paceqi.spc" not in sys.modules
    assert paceqi.spc is paceqi.spcstats.spc


def test_nothing_in_the_project_imports_the_old_path():
    allowed = {SHIM, CONTRACT, Path(__file__).resolve()}
    found = []
    for folder in ("paceqi", "tests", "benchmarks", "notebooks", "templates", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".ipynb", ".md"} or path.resolve() in allowed:
                continue
            if OLD_IMPORT.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_old_dotted_submodule_imports_keep_working():
    code = (
        "import paceqi.spc.rules, paceqi.spcstats.rules as r\n"
        "from paceqi.spc.limits import __name__ as limits_name\n"
        "import paceqi\n"
        "assert paceqi.spc.rules is r, 'not the same module'\n"
        "assert limits_name == 'paceqi.spcstats.limits'\n"
        "print(paceqi.spc([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).summary['cl'].iloc[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "6.5"
