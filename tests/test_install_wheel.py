"""A wheel install runs a council's project folder from outside the checkout (issue #19).

Builds the wheel, installs it (``--no-deps``) into a fresh venv whose other packages come
from this environment's site-packages (a path-only ``.pth``: not the editable install's import
hook, so ``import paceqi`` finds the wheel), then, from a folder outside the checkout, runs
``paceqi init``, ``synth``, ``validate``, ``run`` and ``batch`` and reads the reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600):
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{cmd} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    env = {k: v for k, v in os.environ.items() if k not in ("PACEQI_HOME", "PYTHONPATH")}
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(CHECKOUT)],
        tmp,
        env,
    )
    (wheel,) = dist.glob("paceqi-*.whl")
    target = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    py = target / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # the dependencies, already installed here (a path only: no editable paceqi hook)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        tmp,
        env,
    )
    env["PATH"] = f"{target / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(target)
    # nbconvert's base templates are data files of this prefix (a real install puts them in
    # the venv's own share/jupyter)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    where = _run([str(py), "-c", "import paceqi; print(paceqi.__file__)"], tmp, env).stdout
    assert Path(where.strip()).is_relative_to(target), where  # the wheel, not the checkout
    return target, env


def test_wheel_ships_the_defaults(installed):
    target, env = installed
    code = (
        "from paceqi._paths import defaults_dir, templates_dir; "
        "print(defaults_dir()); print(templates_dir())"
    )
    out = _run([str(target / "bin" / "python"), "-c", code], target.parent, env).stdout
    defaults = Path(out.split()[0])
    assert defaults.is_relative_to(target) and defaults.name == "defaults"
    for rel in (
        "parameters/catalogues/scotland.yaml",
        "parameters/measures/baseline_journeys.yaml",
        "parameters/mappings/ssda903_episodes.yaml",
        "notebooks/change_ideas/baseline_journeys.ipynb",
        "templates/pages",
    ):
        assert (defaults / rel).exists(), rel


def test_init_synth_run_and_batch_outside_the_checkout(installed, tmp_path):
    target, env = installed
    paceqi = str(target / "bin" / "paceqi")
    _run([paceqi, "init", "council", "--authority", "Fife"], tmp_path, env)
    proj = tmp_path / "council"
    assert (proj / "paceqi-project.yaml").is_file()
    assert (proj / "workspace" / "paceqi.db").is_file()  # an empty PDSA store
    assert (proj / "parameters" / "mappings" / "fife.yaml").is_file()  # the mapping template
    _run([paceqi, "synth", "--out", "data/synthetic", "--authorities", "Fife"], proj, env)
    out = _run([paceqi, "validate", "data/synthetic/extracts/fife.csv"], proj, env).stdout
    assert "no problems" in out
    # one report, from a sub-folder: the project is found above it, paths resolve against it
    (proj / "elsewhere").mkdir()
    _run(
        [
            paceqi,
            "run",
            "../notebooks/change_ideas/baseline_journeys.ipynb",
            "--params",
            "../parameters/authorities/fife.yaml",
            "--out",
            "../reports",
        ],
        proj / "elsewhere",
        env,
    )
    html = (proj / "reports" / "baseline_journeys" / "fife.html").read_text(encoding="utf-8")
    assert "Where is the delay?" in html and "Traceback" not in html
    assert "Stages in this extract" in html
    manifest = proj / "parameters" / "batch" / "tiny.yaml"
    manifest.write_text(
        "notebooks: [two_week_planning_meeting]\nauthorities: [Fife]\ntimeout: 600\n"
        "parameters: {}\n"
    )
    _run(
        [paceqi, "batch", str(manifest), "--out", "batch_reports", "--jobs", "1", "--quiet"],
        proj,
        env,
    )
    page = proj / "batch_reports" / "two_week_planning_meeting" / "fife.html"
    text = page.read_text(encoding="utf-8")
    assert "Traceback" not in text
    assert "no pdsa cycles" in text.lower()  # the project's PDSA store is empty: normal
    assert (proj / "batch_reports" / "index.html").is_file()
    assert str(CHECKOUT) not in text
