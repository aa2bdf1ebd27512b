"""Parsed extracts kept across the reports a warm kernel runs, keyed by the file's SHA-256.

A batch runs eight change-idea notebooks per authority on the same extract; parsing and
validating it takes 0.1-0.6 s each time. The batch's kernels keep ``paceqi`` imported between
reports (:mod:`paceqi.report.kernelpool`), so this module's cache lives on: the next report on
the same extract gets a copy of the parsed frames instead of parsing the file again. The key is
the file's *content* hash (plus the mapping's and the extract date), never its name or time
stamp, so a changed file is always parsed afresh; the cache holds a few extracts (least recently
used first out). Outside a batch (one notebook in JupyterLab) it behaves like
:func:`paceqi.data.load.load_extract`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping as MappingABC

    from paceqi.data.extract import Extract
    from paceqi.data.mapping import Mapping

    #: What load_extract accepts as a mapping (a file, a dict, a Mapping or None: the default)
    MappingArg = str | Path | MappingABC[str, Any] | Mapping | None

__all__ = ["load_extract_cached", "clear_cache", "MAX_EXTRACTS"]

#: Most parsed extracts kept (a batch sorted by authority needs one or two at a time).
MAX_EXTRACTS = 4

_EXTRACTS: OrderedDict[tuple[str, ...], Extract] = OrderedDict()
_LOCK = threading.Lock()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _key(
    path: str | Path, mapping: MappingArg, as_of: dt.date | str | None
) -> tuple[str, str, str] | None:
    """Return the cache key, or None when the inputs cannot be keyed by content."""
    try:
        source = Path(path)
        if not source.is_file():
            return None
        if mapping is None or mapping == "":
            mapping_key = ""
        elif isinstance(mapping, str | Path) and Path(mapping).is_file():
            mapping_key = _file_sha256(Path(mapping))
        elif isinstance(mapping, dict):
            mapping_key = json.dumps(mapping, sort_keys=True, default=str)
        else:  # a mapping named in parameters/mappings/, or an object: not keyed
            return None
        when = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of or "")
        return _file_sha256(source), mapping_key, when
    except (OSError, TypeError, ValueError):
        return None


def _copy(extract: Extract) -> Extract:
    """Return a copy whose frames a report may change without touching the cached one."""
    frames = {
        f.name: getattr(extract, f.name).copy()
        for f in dataclasses.fields(extract)
        if hasattr(getattr(extract, f.name), "copy") and hasattr(getattr(extract, f.name), "iloc")
    }
    return dataclasses.replace(extract, **frames)


def load_extract_cached(
    path: str | Path,
    mapping: MappingArg = None,
    *,
    as_of: dt.date | str | None = None,
    authority: str | None = None,
) -> Extract:
    """Like :func:`paceqi.data.load.load_extract`, reusing a parse of the same file content.

    Parameters
    ----------
    path : str or Path
        The extract (CSV or XLSX).
    mapping : str, Path or dict, optional
        Column mapping, as for ``load_extract``.
    as_of : datetime.date or str, optional
        The extract date.
    authority : str, optional
        Keep only this authority's rows (other authorities' rows are not checked).

    Returns
    -------
    Extract
        A copy of the cached extract (its frames can be modified freely).

    Raises
    ------
    DataValidationError, OptionsError
        As ``load_extract`` (failures are not cached).
    """
    from paceqi.data.load import load_extract

    files = _key(path, mapping, as_of)
    if files is None:
        return load_extract(path, mapping, as_of=as_of, authority=authority)
    key = (*files, authority or "")
    with _LOCK:
        hit = _EXTRACTS.get(key)
        if hit is not None:
            _EXTRACTS.move_to_end(key)
    if hit is None:
        hit = load_extract(path, mapping, as_of=as_of, authority=authority)
        with _LOCK:
            _EXTRACTS[key] = hit
            while len(_EXTRACTS) > MAX_EXTRACTS:
                _EXTRACTS.popitem(last=False)
    return _copy(hit)


def clear_cache() -> None:
    """Forget every cached extract."""
    with _LOCK:
        _EXTRACTS.clear()
