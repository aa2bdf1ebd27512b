"""Where the project's folders are (parameters/, notebooks/, templates/, workspace/).

Two kinds of folder:

* **Defaults** ship with paceqi: the stage catalogue, measure definitions, example mappings,
  authority files, the change-idea notebooks and the report templates. In a checkout (an
  editable install) they are the checkout's own ``parameters/``, ``notebooks/`` and
  ``templates/``; a wheel carries a copy in ``paceqi/defaults/`` (``setup.py``'s build step).
* **The project folder** holds a council's own work: ``paceqi init DIR`` writes one (marked by
  ``paceqi-project.yaml``). It is ``$PACEQI_HOME`` if set, else the nearest folder at or above
  the current folder that holds ``paceqi-project.yaml``, else the checkout, else the current
  folder. A project's own ``parameters/``, ``notebooks/`` or ``templates/`` folder is used
  when it has one; otherwise the defaults are.

Relative paths in a parameters file resolve against the project folder that holds the file
(:func:`project_for`), or the file's own folder when it is in no project.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PACKAGE_DIR",
    "PROJECT_MARKER",
    "defaults_dir",
    "project_root",
    "project_for",
    "parameters_dir",
    "notebooks_dir",
    "templates_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parent

#: The file ``paceqi init`` writes at the top of a project folder.
PROJECT_MARKER = "paceqi-project.yaml"


def _checkout() -> Path | None:
    root = PACKAGE_DIR.parent
    if (root / "parameters" / "catalogues").is_dir() and (root / "pyproject.toml").is_file():
        return root
    return None


def defaults_dir() -> Path:
    """Return the folder holding the shipped defaults (the checkout, or ``paceqi/defaults``)."""
    return _checkout() or PACKAGE_DIR / "defaults"


def _marked(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    return None


def project_root() -> Path:
    """Return the project folder (see the module docstring for the order of the search)."""
    env = os.environ.get("PACEQI_HOME")
    if env:
        return Path(env).resolve()
    try:
        here = Path.cwd().resolve()
    except OSError:  # the current folder was deleted
        here = None
    found = _marked(here) if here is not None else None
    return found or _checkout() or here or PACKAGE_DIR


def project_for(path: str | Path) -> Path:
    """Return the folder relative paths in the file ``path`` resolve against.

    The project folder holding the file (``paceqi-project.yaml`` at or above it, or the
    checkout when the file is inside it); else ``$PACEQI_HOME``; else the file's own folder.
    """
    folder = Path(path).expanduser().resolve().parent
    found = _marked(folder)
    if found is not None:
        return found
    checkout = _checkout()
    if checkout is not None and folder.is_relative_to(checkout):
        return checkout
    env = os.environ.get("PACEQI_HOME")
    return Path(env).resolve() if env else folder


def _pick(name: str) -> Path:
    own = project_root() / name
    return own if own.is_dir() else defaults_dir() / name


def parameters_dir() -> Path:
    """Return the ``parameters/`` folder (catalogues, mappings, measures, authorities)."""
    return _pick("parameters")


def notebooks_dir() -> Path:
    """Return the ``notebooks/`` folder."""
    return _pick("notebooks")


def templates_dir() -> Path:
    """Return the ``templates/`` folder (nbconvert and page templates)."""
    return _pick("templates")
