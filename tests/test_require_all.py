"""PACEQI_REQUIRE_ALL turns skips into failures (issue #20: CI cannot pass by skipping)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")


def _run(tmp_path: Path, require: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_x.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_ok():
                pass

            def test_skipped():
                pytest.skip("no chromium here")

            @pytest.mark.xfail(reason="known", strict=True)
            def test_xfail():
                raise AssertionError
            """
        ),
        encoding="utf-8",
    )
    return _pytest_in(tmp_path, require)


def _pytest_in(folder: Path, require: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on ``folder`` (its own conftest) with ``PACEQI_REQUIRE_ALL=require``."""
    env = {**os.environ, "PACEQI_REQUIRE_ALL": require}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull, "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_skip_fails_the_run_when_every_part_is_required(tmp_path: Path) -> None:
    done = _run(tmp_path, "1")
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed, 1 xfailed" in done.stdout
    assert "no chromium here" in done.stdout


def test_a_skip_is_only_a_skip_for_developers(tmp_path: Path) -> None:
    done = _run(tmp_path, "0")
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped, 1 xfailed" in done.stdout


def _run_module_skip(tmp_path: Path, require: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_m.py").write_text(
        'import pytest\nlib = pytest.importorskip("no_such_optional_library")\n\n'
        "def test_uses_it():\n    pass\n",
        encoding="utf-8",
    )
    (tmp_path / "test_ok.py").write_text("def test_ok():\n    pass\n", encoding="utf-8")
    return _pytest_in(tmp_path, require)


def test_a_module_skipped_at_import_fails_the_run_when_every_part_is_required(tmp_path):
    done = _run_module_skip(tmp_path, "1")
    assert done.returncode != 0, done.stdout
    assert "no_such_optional_library" in done.stdout
    # a collection error: the run stops at once, naming the missing library
    assert done.stdout.splitlines()[-1].startswith("1 error")


def test_a_module_skipped_at_import_is_only_a_skip_for_developers(tmp_path):
    done = _run_module_skip(tmp_path, "0")
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped" in done.stdout
