"""Accept events as a DataFrame or an extract, check columns, resolve ``as_of`` (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from paceqi._paths import parameters_dir
from paceqi.catalogue import Catalogue, load_catalogue
from paceqi.data.schema import EVENTS_REQUIRED, ROUTES
from paceqi.errors import OptionsError

DAY = np.timedelta64(1, "D")


def events_and_as_of(events: Any, as_of: Any) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Return the events frame and the as-of date as a midnight Timestamp.

    ``events`` is a DataFrame or any object with ``.events`` (an ``Extract``); the extract's
    ``as_of`` is used when ``as_of`` is None, else today.
    """
    frame = events
    if not isinstance(frame, pd.DataFrame):
        frame = getattr(events, "events", None)
        if not isinstance(frame, pd.DataFrame):
            raise OptionsError(
                "events must be a pandas DataFrame or an extract with an .events DataFrame; "
                f"got {type(events).__name__}"
            )
        if as_of is None:
            as_of = getattr(events, "as_of", None)
    missing = [c for c in EVENTS_REQUIRED if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"events is missing required column(s) {missing}; "
            f"columns present: {', '.join(map(str, frame.columns))}"
        )
    for col in ("authority", "child_id", "stage"):
        missing_rows = np.flatnonzero(frame[col].isna().to_numpy())
        if missing_rows.size:
            shown = ", ".join(str(r) for r in missing_rows[:10])
            more = f" and {missing_rows.size - 10} more" if missing_rows.size > 10 else ""
            raise OptionsError(
                f"events column '{col}' is empty in {missing_rows.size} row(s) "
                f"(positions {shown}{more}); every event needs {', '.join(EVENTS_REQUIRED)}"
            )
    return frame, to_day(as_of if as_of is not None else dt.date.today(), "as_of")


def to_day(value: Any, name: str) -> pd.Timestamp:
    """Parse a date-like argument to a midnight Timestamp, or raise OptionsError naming it."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = None
    if ts is None or ts is pd.NaT:
        raise OptionsError(f"{name} must be a date (e.g. '2024-03-31'); got {value!r}")
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


def dates(frame: pd.DataFrame) -> np.ndarray:
    """Return the ``date`` column as datetime64[D] (NaT kept), checking it is a date column."""
    col = frame["date"]
    if not pd.api.types.is_datetime64_any_dtype(col):
        try:
            col = pd.to_datetime(col)
        except (TypeError, ValueError):
            raise OptionsError(
                "events column 'date' must hold dates (datetime64); it could not be parsed"
            ) from None
    if getattr(col.dt, "tz", None) is not None:
        col = col.dt.tz_localize(None)
    return np.asarray(col.to_numpy(dtype="datetime64[D]"))


def check_routes(routes: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """Validate a route filter argument."""
    if routes is None:
        return None
    if isinstance(routes, str):
        routes = [routes]
    routes = tuple(routes)
    bad = [r for r in routes if r not in ROUTES]
    if bad:
        raise OptionsError(f"routes: unknown route(s) {bad}; allowed: {', '.join(ROUTES)}")
    return routes


def default_catalogue() -> Catalogue:
    """Return the default stage catalogue, re-read only when its file changes."""
    path = parameters_dir() / "catalogues" / "scotland.yaml"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _cached_catalogue(str(path), stamp)


@lru_cache(maxsize=4)
def _cached_catalogue(path: str, stamp: int) -> Catalogue:
    return load_catalogue(path)
