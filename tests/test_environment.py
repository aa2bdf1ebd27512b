"""environment.yml (conda route) stays in sync with pyproject.toml (the source of truth)."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# PyPI name -> conda-forge name, where they differ
CONDA_NAMES = {"dask[distributed]": "dask", "psycopg[binary]": "psycopg"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*(.*)$", req.strip())
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(doc["project"]["dependencies"])
    for extra in doc["project"]["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith("paceqi")]
    out = {}
    for r in reqs:
        name, spec = _split(r)
        out[CONDA_NAMES.get(name, name)] = spec
    return out


def _environment() -> dict[str, str]:
    doc = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in doc["dependencies"]:
        if isinstance(dep, str) and not dep.startswith(("python", "pip")):
            name, spec = _split(dep)
            out[name] = spec
        elif isinstance(dep, dict):  # PyPI-only packages, installed by pip
            for req in dep.get("pip", []):
                if not req.startswith("-"):
                    name, spec = _split(req.split("#")[0])
                    out[name] = spec
    return out


def test_environment_lists_every_pyproject_dependency_with_the_same_bound():
    assert _environment() == _pyproject()


def test_environment_installs_the_package_itself():
    doc = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for d in doc["dependencies"] if isinstance(d, dict)]
    assert pip and "-e ." in pip[0]["pip"]
