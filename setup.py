"""Build step: ship the project's defaults inside the package (issue #19).

The checkout keeps ``templates/``, ``notebooks/`` and ``parameters/`` at its top level (an
editable install reads them there). A wheel copies them into ``paceqi/defaults/`` so that an
installed paceqi can render reports and ``paceqi init`` can write a project folder; see
``paceqi/_paths.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

#: Folders (relative to the checkout) copied into ``paceqi/defaults/``.
DEFAULTS = (
    "templates",
    "notebooks/change_ideas",
    "notebooks/pdsa_tracker.ipynb",
    "parameters/catalogues",
    "parameters/measures",
    "parameters/mappings",
    "parameters/authorities",
)


class BuildWithDefaults(build_py):
    """``build_py`` that also copies the project's defaults into the built package."""

    def run(self) -> None:
        """Build the package, then copy the defaults into it (not for editable installs)."""
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "paceqi" / "defaults"
        for rel in DEFAULTS:
            src, dst = ROOT / rel, target / rel
            if src.is_dir():
                shutil.copytree(
                    src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*", "__pycache__")
                )
            elif src.is_file():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)


setup(cmdclass={"build_py": BuildWithDefaults})
