"""Turn the user's ``y, n, x`` (arrays or column names) into checked subgroups.

Every problem raises :class:`~paceqi.errors.OptionsError` naming the argument, the positions
(0-based, at most ten listed) and what was expected. Values are never echoed: they may come
from children's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paceqi.errors import MAX_ROWS_IN_MESSAGE, OptionsError
from paceqi.spcstats.types import COUNT_CHARTS, RATIO_CHARTS, SUBGROUP_CHARTS, ChartType

__all__ = ["RawInput", "Points", "read_inputs", "aggregate", "listed"]


def _where(mask: np.ndarray) -> str:
    idx = np.flatnonzero(mask)
    noun = "position" if idx.size == 1 else "positions"
    return f"{noun} {listed(idx.tolist())} (0-based)"


def listed(values: list[int]) -> str:
    """'1, 2, 3' - at most MAX_ROWS_IN_MESSAGE values, then 'and N more'."""
    shown = ", ".join(str(v) for v in values[:MAX_ROWS_IN_MESSAGE])
    more = len(values) - MAX_ROWS_IN_MESSAGE
    return shown + (f" and {more} more" if more > 0 else "")


def _count(mask: np.ndarray, noun: str) -> str:
    k = int(np.count_nonzero(mask))
    return f"{k} {noun}{'' if k == 1 else 's'}"


@dataclass(frozen=True)
class RawInput:
    """The user's rows after column lookup and type checks (one entry per input row)."""

    y: np.ndarray
    n: np.ndarray | None
    x: pd.Series | None
    labels: np.ndarray | None


@dataclass(frozen=True)
class Points:
    """One entry per subgroup (rows sharing ``x`` combined)."""

    x: Any
    y: np.ndarray
    y_sum: np.ndarray
    n: np.ndarray
    size: np.ndarray
    sd: np.ndarray
    labels: np.ndarray | None


def _column(arg: str, value: Any, data: pd.DataFrame | None) -> Any:
    if isinstance(value, str):
        if data is None:
            raise OptionsError(
                f"{arg}={value!r} looks like a column name, but no data frame was given: pass "
                f"data=<DataFrame> or an array of values for {arg}"
            )
        if value not in data.columns:
            cols = ", ".join(map(str, list(data.columns)[:20]))
            raise OptionsError(f"{arg}: column {value!r} not in data. Columns in data: {cols}")
        return data[value]
    return value


def _as_1d(arg: str, value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        raise OptionsError(f"{arg} must be one column, not a table; pass a column name with data=")
    if np.ndim(value) == 0:
        raise OptionsError(f"{arg} must be a sequence of values (got a single value)")
    if np.ndim(value) > 1:
        raise OptionsError(f"{arg} must be one-dimensional (got shape {np.shape(value)})")
    return value


def _numeric(arg: str, value: Any) -> np.ndarray:
    s = pd.Series(np.asarray(value) if not isinstance(value, pd.Series) else value.to_numpy())
    if s.dtype == bool:
        return np.asarray(s.to_numpy(dtype=float))
    if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_timedelta64_dtype(s):
        raise OptionsError(f"{arg} must hold numbers, not dates or durations")
    num = pd.to_numeric(s, errors="coerce")
    out = num.to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(out) & s.notna().to_numpy()) | np.isinf(out)
    if bad.any():
        raise OptionsError(
            f"{arg}: {_count(bad, 'value')} not a finite number at {_where(bad)}; "
            f"expected numbers (missing values are allowed and skipped)"
        )
    return np.asarray(out)


def read_inputs(
    y: Any, n: Any, x: Any, data: pd.DataFrame | None, phases: Any, chart: ChartType
) -> tuple[RawInput, Any]:
    """Resolve column names, check lengths and types, and split off phase labels.

    Returns the raw input and the ``phases`` argument with labels removed (break positions, or
    None when labels were given).
    """
    if data is not None and not isinstance(data, pd.DataFrame):
        raise OptionsError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    yv = _as_1d("y", _column("y", y, data))
    nv = None if n is None else _as_1d("n", _column("n", n, data))
    xv = None if x is None else _as_1d("x", _column("x", x, data))
    labels = None
    if isinstance(phases, str):
        labels = _as_1d("phases", _column("phases", phases, data))
        phases = None
    length = len(yv)
    if phases is not None and np.ndim(phases) == 1 and len(phases) == length and length > 0:
        labels, phases = phases, None
    for arg, v in (("n", nv), ("x", xv), ("phases", labels)):
        if v is not None and len(v) != length:
            raise OptionsError(
                f"{arg} has {len(v)} values but y has {length}: y, n, x (and phase labels) "
                "must have one value per row"
            )
    if length == 0:
        raise OptionsError("y is empty: there are no values to analyse")
    yy = _numeric("y", yv)
    nn = None if nv is None else _numeric("n", nv)
    xs = None
    if xv is not None:
        xs = pd.Series(np.asarray(xv) if not isinstance(xv, pd.Series) else xv.to_numpy())
        if xs.isna().any():
            miss = xs.isna().to_numpy()
            raise OptionsError(f"x: {_count(miss, 'value')} missing at {_where(miss)}")
    lab = None
    if labels is not None:
        lab = pd.Series(np.asarray(labels, dtype=object)).to_numpy()
        if pd.isna(lab).any():
            raise OptionsError(f"phases: phase label missing at {_where(pd.isna(lab))}")
    _check_values(yy, nn, chart)
    return RawInput(yy, nn, xs, lab), phases


def _check_values(y: np.ndarray, n: np.ndarray | None, chart: ChartType) -> None:
    if chart in RATIO_CHARTS and n is None:
        raise OptionsError(
            f"chart={chart.value!r} needs a denominator n (the number of cases each count is "
            "out of)"
        )
    if chart in SUBGROUP_CHARTS and n is not None:
        raise OptionsError(
            f"n is not used by chart={chart.value!r}: the rows sharing x are the raw "
            "observations of one subgroup; leave n out"
        )
    if n is not None:
        miss = np.isnan(n) & ~np.isnan(y)
        if miss.any():
            raise OptionsError(f"n: {_count(miss, 'value')} missing at {_where(miss)}")
        bad = n <= 0
        if bad.any():
            raise OptionsError(
                f"n: {_count(bad, 'value')} zero or negative at {_where(bad)}; a denominator "
                "must be greater than zero (leave out periods with no cases)"
            )
    if chart in COUNT_CHARTS:
        with np.errstate(invalid="ignore"):
            neg = y < 0
        if neg.any():
            raise OptionsError(
                f"y: {_count(neg, 'value')} negative at {_where(neg)}; "
                f"chart={chart.value!r} needs counts of zero or more"
            )
    if chart in (ChartType.P, ChartType.PP) and n is not None:
        with np.errstate(invalid="ignore"):
            over = y > n
        if over.any():
            raise OptionsError(
                f"y: {_count(over, 'value')} larger than n at {_where(over)}; on a P chart y "
                "counts cases out of n, so y <= n"
            )
    if chart is ChartType.T:
        with np.errstate(invalid="ignore"):
            bad = y <= 0
        if bad.any():
            raise OptionsError(
                f"y: {_count(bad, 'value')} zero or negative at {_where(bad)}; a T chart needs "
                "times between events greater than zero"
            )


def _sortable(x: pd.Series) -> bool:
    return bool(
        pd.api.types.is_numeric_dtype(x)
        or pd.api.types.is_datetime64_any_dtype(x)
        or isinstance(x.dtype, pd.PeriodDtype)
    )


def aggregate(raw: RawInput, chart: ChartType) -> Points:
    """Combine rows with equal ``x`` into one subgroup each.

    Without ``x`` (and for already unique, increasing ``x``) every row is its own subgroup.
    Numbers, dates and periods are put in order; other ``x`` keep their first-appearance order.
    """
    if raw.x is None:
        if chart in SUBGROUP_CHARTS:
            raise OptionsError(
                f"chart={chart.value!r} needs x: the rows sharing x form one subgroup"
            )
        return _ungrouped(raw, np.arange(1, raw.y.size + 1))
    x = raw.x
    simple = x.is_unique and (x.is_monotonic_increasing or not _sortable(x))
    if simple and chart not in SUBGROUP_CHARTS:
        return _ungrouped(raw, x.to_numpy())
    return _grouped(raw, x, chart, sort=_sortable(x))


def _ungrouped(raw: RawInput, x: Any) -> Points:
    """Every row is its own subgroup."""
    y, n = raw.y, raw.n
    m = y.size
    return Points(
        x=x,
        y=y / n if n is not None else y,
        y_sum=y,
        n=n if n is not None else np.full(m, np.nan),
        size=(~np.isnan(y)).astype(np.int64),
        sd=np.full(m, np.nan),
        labels=raw.labels,
    )


def _grouped(raw: RawInput, x: pd.Series, chart: ChartType, *, sort: bool) -> Points:
    y = raw.y
    valid = ~np.isnan(y)
    df = pd.DataFrame({"x": x.to_numpy(), "y": y, "valid": valid})
    if raw.n is not None:
        df["n"] = raw.n
        df["n_valid"] = np.where(valid, raw.n, 0.0)
    g = df.groupby("x", sort=sort)
    agg = g["y"].agg(["sum", "count", "mean", "std"])
    y_sum = np.where(agg["count"].to_numpy() > 0, agg["sum"].to_numpy(), np.nan)
    size = agg["count"].to_numpy().astype(np.int64)
    if raw.n is not None:
        n_valid = g["n_valid"].sum().to_numpy()
        n_all = g["n"].sum().to_numpy()
        n_out = np.where(size > 0, n_valid, n_all)
        with np.errstate(invalid="ignore", divide="ignore"):
            yy = np.where(size > 0, y_sum / n_valid, np.nan)
    else:
        n_out = size.astype(float) if chart in SUBGROUP_CHARTS else np.full(size.size, np.nan)
        yy = agg["mean"].to_numpy()
    labels = None
    if raw.labels is not None:
        lab = pd.Series(raw.labels, index=df.index)
        per = lab.groupby(df["x"], sort=sort).agg(["first", "nunique"])
        mixed = per["nunique"].to_numpy() > 1
        if mixed.any():
            raise OptionsError(
                f"phases: {_count(mixed, 'subgroup')} (rows sharing x) carry more than one phase "
                f"label, at subgroup {_where(mixed)}"
            )
        labels = per["first"].to_numpy()
    return Points(
        x=agg.index.to_numpy(),
        y=yy,
        y_sum=y_sum,
        n=n_out,
        size=size,
        sd=agg["std"].to_numpy(),
        labels=labels,
    )
