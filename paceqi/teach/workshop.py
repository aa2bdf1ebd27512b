"""Workshop mode: each participant's browser session gets its own seed.

``make workshop`` serves ``notebooks/training/`` with Voilà: every page load starts a fresh
kernel and shows only the markdown and the widgets, never the code. Voilà tells the kernel
about the request through environment variables (``VOILA_REQUEST_URL``, ``QUERY_STRING``);
:func:`session_seed` reads them, so the same notebooks give

* in JupyterLab or under papermill: the notebook's ``seed`` parameter, unchanged;
* under Voilà: the seed in the page address (``...?seed=123``) when there is one, so a table
  can replay a run or two tables can compare the same simulation; otherwise a fresh random
  seed for this browser session (drawn from the operating system's entropy).

The exercises print their seed in their title, so a participant can read it out and reload the
same run with ``?seed=...``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs

import numpy as np

__all__ = ["SEED_RANGE", "in_voila", "session_seed"]

#: Random session seeds are drawn from 1 .. SEED_RANGE - 1 (short enough to read out).
SEED_RANGE = 100_000


def in_voila(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel was started by Voilà for a page request.

    Examples
    --------
    >>> in_voila({}), in_voila({"VOILA_REQUEST_URL": "http://localhost:8866/voila/render/a"})
    (False, True)
    """
    env = os.environ if environ is None else environ
    return bool(env.get("VOILA_REQUEST_URL"))


def session_seed(default: int, environ: Mapping[str, str] | None = None) -> int:
    """Return the seed for this session: ``default`` outside Voilà, else from the URL or random.

    Parameters
    ----------
    default : int
        The notebook's ``seed`` parameter.
    environ : mapping, optional
        Environment to read (default ``os.environ``); for tests.

    Returns
    -------
    int
        ``default`` outside Voilà; under Voilà the whole number given as ``?seed=`` in the
        page address (0 to 2**32 - 1), or a new random seed from 1 to ``SEED_RANGE - 1``.

    Examples
    --------
    >>> session_seed(2014, {})
    2014
    >>> session_seed(2014, {"VOILA_REQUEST_URL": "x", "QUERY_STRING": "seed=77"})
    77
    >>> 0 < session_seed(2014, {"VOILA_REQUEST_URL": "x", "QUERY_STRING": ""}) < SEED_RANGE
    True
    """
    env = os.environ if environ is None else environ
    if not in_voila(env):
        return default
    given = parse_qs(env.get("QUERY_STRING", "")).get("seed", [])
    if given and given[0].isdigit() and int(given[0]) < 2**32:
        return int(given[0])
    return int(np.random.default_rng().integers(1, SEED_RANGE))
