"""Import the notebook machinery without jsonschema's IRI checker (a 1.7 s import tax).

``nbformat`` imports ``jsonschema``, whose format module imports ``rfc3987_syntax`` when it is
installed (JupyterLab brings it: ``jupyter-events`` -> ``jsonschema[format-nongpl]``), and
``rfc3987_syntax`` builds a Lark grammar at import: 1.7 s of CPU on this project's machine,
more than the rest of the batch runner's imports together (shared JUPYTER.md §4.1;
python-jsonschema/jsonschema#1428). The notebook schema has no ``format`` keyword, so the IRI
checker is never used to validate a notebook. The batch commands (one process that runs many
reports, and each Dask worker) therefore import ``jsonschema`` with that optional import made to
fail, which is exactly how ``jsonschema`` behaves without the package: it skips the ``iri`` and
``iri-reference`` checkers. ``rfc3987_syntax`` itself stays importable afterwards.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["import_jsonschema_lean"]

_OPTIONAL = "rfc3987_syntax"


def import_jsonschema_lean() -> bool:
    """Import ``jsonschema`` (and so ``nbformat``'s validator) without ``rfc3987_syntax``.

    Returns
    -------
    bool
        True when this call imported ``jsonschema``; False when it was already imported (its
        checkers are then left as they are) or is not installed.

    Examples
    --------
    >>> import_jsonschema_lean() in (True, False)
    True
    """
    if "jsonschema" in sys.modules or _OPTIONAL in sys.modules:
        return False
    sys.modules[_OPTIONAL] = None  # type: ignore[assignment]  # makes its import raise ImportError
    try:
        importlib.import_module("jsonschema")
    except ImportError:
        return False
    finally:
        if sys.modules.get(_OPTIONAL, 0) is None:
            del sys.modules[_OPTIONAL]
    return True
