"""``record(name, value)``: a notebook states a key figure for the batch runner to read back.

The figure travels as a display output of the custom mimetype :data:`RECORD_MIMETYPE`, tagged
``paceqi-record``: the report template removes it from the HTML, and the batch runner reads
every record from the executed notebook (the approach scrapbook used; ``/work/shared/JUPYTER.md``
§3.4). A ``text/plain`` copy lets the author see the figure in JupyterLab.

This module imports only the standard library so notebooks can import it cheaply.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

RECORD_MIMETYPE = "application/vnd.paceqi.record+json"
RECORD_TAG = "paceqi-record"


def _jsonable(value: Any, name: str) -> Any:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        return _jsonable(value.item(), name)  # numpy / pandas scalars
    if hasattr(value, "isoformat"):
        return value.isoformat()  # dates and timestamps as ISO text
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, name) for k, v in value.items()}
    if isinstance(value, Sequence) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return [_jsonable(v, name) for v in items]
    raise TypeError(
        f"record('{name}', ...): a {type(value).__name__} cannot be recorded; record a number, "
        "text, true/false, None, or a list or mapping of those"
    )


def record(name: str, value: Any) -> Any:
    """Record a key figure of this report for the batch index and the national roll-up.

    Parameters
    ----------
    name : str
        Figure name, e.g. ``"median_days"``, ``"pct_within_target"``, ``"children_waiting"``,
        ``"variation"``, ``"assurance"`` (names the index knows are listed in ``docs/batch.md``).
    value : number, str, bool, None, or a list / mapping of those
        numpy and pandas scalars are converted; NaN and infinity become None; dates become
        ISO text.

    Returns
    -------
    The JSON value recorded.

    Raises
    ------
    TypeError
        If the value cannot be expressed as JSON.
    ValueError
        If the name is empty.

    Examples
    --------
    >>> record("median_days", 41.5)  # outside a notebook it only prints the plain copy
    median_days = 41.5
    41.5
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("record(name, value): name must be non-empty text")
    data = _jsonable(value, name)
    bundle = {RECORD_MIMETYPE: {"name": name, "value": data}, "text/plain": f"{name} = {data!r}"}
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency via ipykernel
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(bundle, raw=True, metadata={"tags": [RECORD_TAG]})
    else:
        print(bundle["text/plain"])
    return data


def read_records(nb: Any) -> dict[str, Any]:
    """Return ``{name: value}`` for every record output in an executed notebook (last wins)."""
    found: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            payload = data.get(RECORD_MIMETYPE)
            if isinstance(payload, Mapping) and isinstance(payload.get("name"), str):
                found[payload["name"]] = payload.get("value")
    return found
