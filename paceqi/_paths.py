"""Where the project's folders are (parameters/, notebooks/, templates/).

paceqi is installed editable from its checkout (``pip install -e .``), so the project root is
the folder above the package. ``PACEQI_HOME`` overrides it (a copy of the folders elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root: ``$PACEQI_HOME`` if set, else the checkout holding the package."""
    env = os.environ.get("PACEQI_HOME")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def parameters_dir() -> Path:
    """Return the ``parameters/`` folder (catalogues, mappings, batch manifests)."""
    return project_root() / "parameters"


def notebooks_dir() -> Path:
    """Return the ``notebooks/`` folder."""
    return project_root() / "notebooks"


def templates_dir() -> Path:
    """Return the ``templates/`` folder (nbconvert templates)."""
    return project_root() / "templates"
