"""Disclosure control for published tables, and per-report pseudonyms for child ids.

* :func:`suppress` hides small counts (primary suppression, default below 5) and then hides
  further cells so that no hidden cell can be worked out from row or column totals
  (secondary, or complementary, suppression).
* :func:`pseudonymise` replaces child ids with a keyed hash that is stable within one report and
  unlinkable across reports: ``HMAC-SHA256(report_key, authority | child_id)`` where
  ``report_key = HMAC-SHA256(secret, report_id)``. Without the secret, ids in two reports cannot
  be matched, nor traced back to the extract.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from paceqi._paths import project_root
from paceqi.errors import OptionsError

__all__ = ["suppress", "pseudonymise", "report_key", "MIN_COUNT", "SECRET_ENV"]

#: Smallest count published by default. Statistical disclosure practice in Scottish and UK
#: official statistics on children's social work (e.g. Scottish Government Children's Social
#: Work Statistics suppress counts below 5); configurable per report.
MIN_COUNT = 5

#: Environment variable holding the pseudonymisation secret.
SECRET_ENV = "PACEQI_PSEUDONYM_KEY"

_ID_LENGTH = 16  # hex digits = 64 bits: collision chance ~3e-8 for 10^6 ids


def suppress(
    table: pd.DataFrame,
    min_count: int = MIN_COUNT,
    *,
    columns: Sequence[str] | None = None,
    axis: str = "both",
    derived: Mapping[str, Sequence[str]] | None = None,
    zero: bool = False,
) -> pd.DataFrame:
    """Hide small counts and the cells that would reveal them.

    The cells are the ``columns`` of every row. Primary suppression hides each count with
    ``0 < count < min_count`` (also 0 if ``zero=True``). Secondary suppression then assumes
    each row's total and each column's total can be published or derived: wherever a row (or
    column) has exactly one hidden cell, the smallest other non-zero cell of that row (or
    column) is hidden too, repeated until no line has a single hidden cell. A row or column
    with only one cell cannot be protected this way; hide or drop its total yourself.

    Parameters
    ----------
    table : pandas.DataFrame
        Counts (e.g. a crosstab, or a by-period frame with ``numerator`` and a complement).
    min_count : int, default :data:`MIN_COUNT`
        Smallest count shown.
    columns : list of str, optional
        The count cells; default every integer column.
    axis : {"both", "rows", "columns", "none"}
        Which totals to protect against ("none": primary suppression only).
    derived : mapping, optional
        Columns computed from counts, hidden in a row when any listed count is hidden, e.g.
        ``{"proportion": ["numerator", "not_met"], "denominator": [...]}``.
    zero : bool, default False
        Also hide zero counts.

    Returns
    -------
    pandas.DataFrame
        A copy; hidden counts are ``<NA>`` (nullable Int64), hidden derived values NaN/``<NA>``.

    Examples
    --------
    >>> t = pd.DataFrame({"met": [12, 3, 20], "not_met": [8, 15, 9]}, index=["A", "B", "C"])
    >>> suppress(t)  # B's 3 is small; 15 would give it away from B's total, 12 and 8 from
    ...              # the column totals
        met  not_met
    A  <NA>     <NA>
    B  <NA>     <NA>
    C    20        9
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count < 1:
        raise OptionsError(f"min_count must be a positive whole number; got {min_count!r}")
    if axis not in ("both", "rows", "columns", "none"):
        raise OptionsError(f"axis '{axis}' is not one of both, rows, columns, none")
    if columns is None:
        columns = [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])]
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise OptionsError(f"suppress: column(s) {missing} not in the table")
    values = table[columns].to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any():
        raise OptionsError("suppress: counts must be non-negative numbers without gaps")
    hide = (values < min_count) & ((values > 0) | zero)
    if axis != "none":
        hide = _secondary(values, hide, axis)
    out = table.copy()
    for j, c in enumerate(columns):
        col = pd.array(table[c].to_numpy(), dtype="Int64")
        col[hide[:, j]] = pd.NA
        out[c] = col
    for name, sources in (derived or {}).items():
        if name not in out.columns:
            raise OptionsError(f"suppress: derived column '{name}' not in the table")
        bad = [s for s in sources if s not in columns]
        if bad:
            raise OptionsError(f"suppress: derived '{name}' refers to non-count column(s) {bad}")
        mask = hide[:, [columns.index(s) for s in sources]].any(axis=1)
        out[name] = out[name].mask(mask)
    return out


def _secondary(values: np.ndarray, hide: np.ndarray, axis: str) -> np.ndarray:
    hide = hide.copy()
    lines = {"both": (True, False), "rows": (True,), "columns": (False,)}[axis]
    changed = True
    while changed:
        changed = False
        for rows in lines:
            v, h = (values, hide) if rows else (values.T, hide.T)
            if v.shape[1] < 2:
                continue
            for i in np.flatnonzero(h.sum(axis=1) == 1):
                j = _complement(v[i], h[i])
                if j is not None:
                    h[i, j] = True
                    changed = True
    return hide


def _complement(v: np.ndarray, h: np.ndarray) -> int | None:
    """Index of the smallest visible cell, preferring non-zero ones (zeros reveal nothing)."""
    candidates = np.flatnonzero(~h & (v > 0))
    if candidates.size == 0:
        candidates = np.flatnonzero(~h)
    if candidates.size == 0:
        return None
    return int(candidates[np.argmin(v[candidates])])


def report_key(report_id: str, secret: str | bytes | None = None) -> bytes:
    """Derive the per-report key: ``HMAC-SHA256(secret, report_id)``.

    Parameters
    ----------
    report_id : str
        Identifies the report (e.g. ``"two_week_planning_meeting/aberdeen_city/2024-03-31"``).
        Same id, same pseudonyms; another id, unrelated pseudonyms.
    secret : str or bytes, optional
        Default: ``$PACEQI_PSEUDONYM_KEY``, else a random secret created once in
        ``workspace/.pseudonym_key`` (keep that file private; delete it to make every old
        pseudonym unlinkable).
    """
    if not isinstance(report_id, str) or not report_id:
        raise OptionsError("report_id must be a non-empty string naming the report")
    key = _secret(secret)
    return hmac.new(key, report_id.encode("utf-8"), hashlib.sha256).digest()


def pseudonymise(
    frame: pd.DataFrame,
    report_id: str,
    *,
    secret: str | bytes | None = None,
    column: str = "child_id",
    prefix: str = "C",
) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``column`` replaced by per-report pseudonyms.

    The pseudonym of a child is ``prefix`` + the first 16 hex digits of
    ``HMAC-SHA256(report_key(report_id), authority + US + child_id)``. It is the same for the
    same child in every table of one report, and unrelated across reports.

    Examples
    --------
    >>> f = pd.DataFrame({"authority": ["A", "A"], "child_id": ["x1", "x2"]})
    >>> p1 = pseudonymise(f, "report-1", secret="s")
    >>> p2 = pseudonymise(f, "report-2", secret="s")
    >>> p1["child_id"].str.len().tolist(), (p1["child_id"] != p2["child_id"]).all()
    ([17, 17], np.True_)
    """
    if column not in frame.columns:
        raise OptionsError(f"pseudonymise: column '{column}' not in the table")
    key = report_key(report_id, secret)
    authority = frame["authority"].astype(str) if "authority" in frame else ""
    raw = (authority + "\x1f" + frame[column].astype(str)).to_numpy()
    uniq, inv = np.unique(raw, return_inverse=True)
    names = np.array(
        [
            prefix + hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest()[:_ID_LENGTH]
            for u in uniq
        ],
        dtype=object,
    )
    if len(set(names)) != len(names):  # pragma: no cover - 64-bit collision
        raise OptionsError("pseudonymise: two ids collided; use another report_id")
    out = frame.copy()
    out[column] = names[inv.ravel()]
    return out


def _secret(secret: str | bytes | None) -> bytes:
    if secret is None:
        secret = os.environ.get(SECRET_ENV) or _workspace_secret()
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not secret:
        raise OptionsError(f"the pseudonymisation secret is empty; set {SECRET_ENV}")
    return secret


def _workspace_secret() -> bytes:
    path: Path = project_root() / "workspace" / ".pseudonym_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32).hex().encode("ascii"))
    return path.read_bytes().strip()
