"""Engineering hygiene (issue #20): checks that can fail, types the tools can see."""

import ast
import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> list[str]:
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    out = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        out.append(line.strip())
    return out


def test_make_test_runs_lint_format_check_mypy_and_pytest_in_that_order():
    recipe = " | ".join(_recipe("test"))
    steps = ["ruff check", "ruff format --check", "bin/mypy", "-m pytest"]
    positions = [recipe.find(s) for s in steps]
    assert all(p >= 0 for p in positions), recipe
    assert positions == sorted(positions), recipe


def test_mypy_ignores_no_module_and_every_ignore_names_its_error():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    ignored = [o["module"] for o in mypy.get("overrides", []) if o.get("ignore_errors")]
    assert ignored == [], "typing debt: fix these modules instead of ignoring their errors"
    assert "ignore-without-code" in mypy["enable_error_code"]
    assert mypy["warn_unused_ignores"] is True


def test_make_typecheck_has_a_recipe():
    assert any("mypy" in line for line in _recipe("typecheck"))


def test_the_package_ships_py_typed():
    assert (ROOT / "paceqi" / "py.typed").is_file()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()


def _type_checking_names(module: str) -> set[str]:
    path = ROOT / Path(*module.split(".")) / "__init__.py"
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                names |= {a.asname or a.name for a in imp.names}
    return names


@pytest.mark.parametrize("package", ["paceqi", "paceqi.charts", "paceqi.report"])
def test_every_lazy_public_name_is_visible_to_type_checkers(package):
    mod = importlib.import_module(package)
    assert _type_checking_names(package) == set(mod._LAZY)


def test_every_lazy_teach_module_is_visible_to_type_checkers():
    import paceqi.teach

    assert _type_checking_names("paceqi.teach") == set(paceqi.teach.__all__)


def test_lazy_names_resolve_to_the_objects_their_modules_define():
    import paceqi

    for name, module in paceqi._LAZY.items():
        assert getattr(paceqi, name) is getattr(importlib.import_module(module), name)


def test_importing_report_files_leaves_the_umask_alone_and_writes_with_it(tmp_path):
    code = (
        "import os, pathlib, sys\n"
        "os.umask(0o027)\n"
        "from paceqi.report import _files\n"
        "assert os.umask(0o027) == 0o027, 'import changed the umask'\n"
        "p = pathlib.Path(sys.argv[1]) / 'a.txt'\n"
        "_files.atomic_write_text(p, 'x')\n"
        "print(oct(p.stat().st_mode & 0o777))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0o640"


def test_no_test_of_the_project_skips_when_its_own_modules_fail_to_import():
    bad = []
    for path in (ROOT / "tests").rglob("*.py"):
        for m in re.finditer(r"importorskip\(\s*[\"'](paceqi[\w.]*)", path.read_text()):
            bad.append(f"{path.relative_to(ROOT)}: {m.group(1)}")
    assert not bad


_BLOCK_EXTRAS = """
import importlib.abc, sys
from paceqi.cli import EXTRAS
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in EXTRAS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
"""


def test_the_core_install_gives_the_analysis_and_the_cli_names_the_missing_extra(tmp_path):
    # `pip install paceqi` without extras: simulated by refusing every extra's import
    code = _BLOCK_EXTRAS + (
        "import paceqi\n"
        "from paceqi.charts import spc_chart, to_svg\n"
        "res = paceqi.spc([5.0, 7, 6, 8, 5, 6, 7, 6, 5, 7, 6, 8], chart='i')\n"
        "assert to_svg(spc_chart(res, title='M')).startswith('<svg')\n"
        "from paceqi.cli import main\n"
        "code = main(['pdsa', 'list', '--db', sys.argv[1]])\n"
        "print('EXIT', code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "w.db")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "EXIT 1" in out.stdout
    assert "pip install 'paceqi[store]'" in out.stderr
    assert "Traceback" not in out.stderr


def test_make_reports_installs_the_notebooks_extra():
    makefile = (ROOT / "Makefile").read_text()
    assert '-e ".[notebooks]"' in makefile.split("$(VENV)/.ok-run:")[1].split("\n\n")[0]


def _subpackage(module: str) -> str:
    """``paceqi.report`` for ``paceqi.report.job``; a top-level module is its own unit."""
    return ".".join(module.split(".")[:2])


def test_no_module_imports_a_private_name_of_another_subpackage():
    found = []
    for path in sorted((ROOT / "paceqi").rglob("*.py")):
        here = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("paceqi."):
                targets = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("paceqi.")]
            else:
                continue
            for target in targets:
                inner = target.split(".")[2:]  # below the subpackage (paceqi._x is shared)
                private = any(p.startswith("_") and not p.startswith("__") for p in inner)
                if private and _subpackage(target) != _subpackage(here):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {target}")
    assert found == []
