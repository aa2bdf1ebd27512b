"""Lazy validation of extracts: every check collects its failures; all are raised together.

Failures and data-quality notes share one table shape, ``file, row, column, check, message``
(:data:`paceqi.errors.FAILURE_COLUMNS`, as pandera's failure cases). ``row`` is the row number a
spreadsheet user sees. Messages name the row, the column and what was expected; they never echo a
cell's value (no dates, ids or free text), since extracts hold children's data. Every check is
vectorised: no Python loop runs over the rows of a large extract.

Checks (the ``check`` names are stable; tests pin each message):

=========================  ===================================================================
``file_not_found``         the path does not exist
``not_a_file``             the path is a folder
``unreadable_file``        the file cannot be read (permissions, I/O error)
``empty_file``             the file has no bytes (or only blank space)
``not_a_table``            binary, an image, a Word document, a damaged workbook ...
``missing_sheet``          the mapping names a sheet the workbook does not have
``no_rows``                a header row but no data rows
``no_header``              no row looks like a header (with the row that comes closest)
``duplicate_column``       two columns with the same name (or mapped to the same name)
``missing_column``         a required column is absent
``extra_fields``           a row has more fields than the header
``missing_value``          a required cell is empty (authority, child id, stage, date)
``unknown_stage``          a stage label that is not in the catalogue or the mapping
``unknown_route``          a route label that is not a route or in the mapping
``bad_date``               a cell that is not a date in the expected format
``impossible_date``        a date that does not exist (31/02/2016)
``bad_occurrence``         an occurrence that is not a whole number of 1 or more
``future_date``            a date after the extract date
``before_looked_after``    a stage dated before the child became looked after
``returned_before_home``   a return to care dated before the child's first ``home_confirmed``
``duplicate_child``        a child id on more than one row of a wide extract
``duplicate_event``        the same event (child, stage, date or occurrence) twice in a long one
=========================  ===================================================================
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pandas as pd

from paceqi.errors import FAILURE_COLUMNS, MAX_ROWS_IN_MESSAGE, DataValidationError

__all__ = [
    "Problems",
    "single_failure",
    "parse_dates",
    "parse_date_cells",
    "ParsedDates",
    "suggest_format",
    "CANDIDATE_FORMATS",
    "describe_formats",
    "row_list",
    "check_future_dates",
    "check_before_looked_after",
    "check_returned_before_home",
    "check_duplicate_children",
    "check_duplicate_events",
]

LOOKED_AFTER = "looked_after"
HOME_CONFIRMED = "home_confirmed"
RETURNED_TO_CARE = "returned_to_care"


def _frame(rows: list[dict[str, object]] | None = None) -> pd.DataFrame:
    df = pd.DataFrame(rows or [], columns=list(FAILURE_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    return df


def single_failure(
    file: str, check: str, message: str, *, row: int | None = None, column: str | None = None
) -> NoReturn:
    """Raise a DataValidationError with one failure (a problem with the whole file)."""
    text = _where(row, column) + message if (row or column) else f"{file}: {message}"
    raise DataValidationError(
        _frame([{"file": file, "row": row, "column": column, "check": check, "message": text}])
    )


def _where(row: int | None, column: str | None) -> str:
    parts = []
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts) + ": " if parts else ""


def row_list(rows: pd.Series | np.ndarray | list[int]) -> str:
    """Return "rows 2, 5 and 9" with at most MAX_ROWS_IN_MESSAGE rows listed.

    Examples
    --------
    >>> row_list([4])
    'row 4'
    >>> row_list(range(2, 20))
    'rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 8 more'
    """
    values = [int(r) for r in rows]
    if len(values) == 1:
        return f"row {values[0]}"
    shown = values[:MAX_ROWS_IN_MESSAGE]
    more = len(values) - len(shown)
    if more:
        return f"rows {', '.join(map(str, shown))} and {more} more"
    return f"rows {', '.join(map(str, shown[:-1]))} and {shown[-1]}"


class Problems:
    """Collects failures (or notes) from many checks, then raises them together."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._parts: list[pd.DataFrame | dict[str, object]] = []

    def add(
        self, check: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        """Add one problem; the message is prefixed with its row and column."""
        # Kept as a plain record: building a one-row DataFrame per problem cost ~1 ms each.
        self._parts.append(
            {
                "file": self.file,
                "row": row,
                "column": column,
                "check": check,
                "message": _where(row, column) + message,
            }
        )

    def add_rows(
        self, check: str, rows: pd.Series, column: str | pd.Series | None, text: str | pd.Series
    ) -> None:
        """Add one problem per row (vectorised): "row R, column 'C': text"."""
        if len(rows) == 0:
            return
        rows = pd.Series(np.asarray(rows, dtype="int64"))
        cols = (
            pd.Series([column] * len(rows), dtype=object)
            if column is None or isinstance(column, str)
            else pd.Series(np.asarray(column, dtype=object))
        )
        texts = text if isinstance(text, str) else pd.Series(np.asarray(text, dtype=object))
        prefix = "row " + rows.astype(str)
        if column is not None:
            prefix = prefix + ", column '" + cols.astype(str) + "'"
        part = pd.DataFrame(
            {
                "file": self.file,
                "row": rows.astype("Int64"),
                "column": cols,
                "check": check,
                "message": prefix + ": " + texts,
            }
        )
        self._parts.append(part.loc[:, list(FAILURE_COLUMNS)])

    def __len__(self) -> int:
        return sum(1 if isinstance(p, dict) else len(p) for p in self._parts)

    def frame(self) -> pd.DataFrame:
        """Return every problem, ordered by row (whole-file problems first)."""
        if not self._parts:
            return _frame()
        frames: list[pd.DataFrame] = []
        records: list[dict[str, object]] = []
        for part in self._parts:  # consecutive records become one frame, order kept
            if isinstance(part, dict):
                records.append(part)
                continue
            if records:
                frames.append(_frame(records))
                records = []
            frames.append(part)
        if records:
            frames.append(_frame(records))
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
        df["row"] = df["row"].astype("Int64")
        order = df["row"].fillna(0).to_numpy()
        return df.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)

    def raise_if_any(self) -> None:
        """Raise DataValidationError listing every problem, if there is one."""
        if len(self):
            raise DataValidationError(self.frame())


# ---------------------------------------------------------------- dates

_HUMAN = {
    "%d": "DD",
    "%m": "MM",
    "%Y": "YYYY",
    "%y": "YY",
    "%b": "Mon",
    "%B": "Month",
    "%H": "hh",
    "%M": "mm",
    "%S": "ss",
    "%%": "%",
}
_PATTERN = {
    "%d": r"\d{1,2}",
    "%m": r"\d{1,2}",
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%b": r"[A-Za-z]{3}",
    "%B": r"[A-Za-z]{3,9}",
    "%H": r"\d{1,2}",
    "%M": r"\d{2}",
    "%S": r"\d{2}",
    "%%": "%",
}


def describe_formats(formats: tuple[str, ...]) -> str:
    """Return date formats as people write them.

    Examples
    --------
    >>> describe_formats(("%Y-%m-%d", "%d/%m/%Y"))
    'YYYY-MM-DD or DD/MM/YYYY'
    """
    human = [re.sub(r"%.", lambda m: _HUMAN.get(m.group(0), m.group(0)), f) for f in formats]
    return " or ".join(dict.fromkeys(human))


def _shape(fmt: str) -> str:
    out, i = [], 0
    for m in re.finditer(r"%.", fmt):
        out.append(re.escape(fmt[i : m.start()]))
        out.append(_PATTERN.get(m.group(0), ".+"))
        i = m.end()
    out.append(re.escape(fmt[i:]))
    return "".join(out)


#: Formats tried when a column's dates all fail the mapping's formats, to say which to set
#: (UK forms before US ones: a date that fits both is read the UK way).
CANDIDATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %B %Y",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)

#: The dates pandas can hold (nanoseconds since 1970 in 64 bits).
_MIN_DATE, _MAX_DATE = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")

#: Whole numbers in a date column that are Excel's day numbers (1927 to 2119).
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")


@dataclass(frozen=True)
class ParsedDates:
    """A column of date cells, parsed (see :func:`parse_date_cells`)."""

    dates: pd.Series  # datetime64[ns] at midnight, NaT where blank or bad
    bad: pd.Series  # not a usable date (includes the two masks below)
    impossible: pd.Series  # date-shaped, but no such day (31/02/2016)
    out_of_range: pd.Series  # a real day outside the years pandas holds (0001, 9999)
    serial: pd.Series  # a whole number like an Excel day number (43000)
    suggestion: str | None  # a format every bad cell fits, when there is one


def parse_dates(
    values: pd.Series, formats: tuple[str, ...]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of date cells.

    Parameters
    ----------
    values : pandas.Series
        Cells as read: strings (blank means no date) or, from a workbook, date objects.
    formats : tuple of str
        ``strptime`` formats tried in turn; ISO dates with a midnight time are also accepted
        for ``%Y-%m-%d``.

    Returns
    -------
    dates, bad, impossible : pandas.Series
        Dates (datetime64[ns], normalised to days, NaT where blank or bad); a mask of cells that
        are not dates in any format; a mask of cells shaped like a date that does not exist.

    Examples
    --------
    >>> d, bad, imp = parse_dates(pd.Series(["03/02/2016", "31/02/2016", "soon", ""]),
    ...                           ("%d/%m/%Y",))
    >>> d.dt.strftime("%Y-%m-%d").tolist(), bad.tolist(), imp.tolist()
    (['2016-02-03', nan, nan, nan], [False, True, True, False], [False, True, False, False])
    """
    p = parse_date_cells(values, formats)
    return p.dates, p.bad, p.impossible


def _to_stamp(value: dt.date) -> pd.Timestamp:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    day = dt.datetime(value.year, value.month, value.day)
    if not (_MIN_DATE <= day <= _MAX_DATE):
        return pd.NaT
    return pd.Timestamp(day)


def _try_format(text: pd.Series, fmt: str) -> pd.Series:
    """Parse text with one format; a format pandas rejects parses nothing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = pd.to_datetime(text, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    return got.astype("datetime64[ns]")


def _real_day(text: str, formats: list[str]) -> bool:
    """Whether a cell is a real day in a format (used for dates pandas cannot hold)."""
    for fmt in formats:
        try:
            dt.datetime.strptime(text, fmt)
        except (ValueError, TypeError, OverflowError):
            continue
        return True
    return False


def suggest_format(texts: pd.Series, formats: tuple[str, ...]) -> str | None:
    """Return a candidate format every text fits when none of ``formats`` does, else None.

    Examples
    --------
    >>> suggest_format(pd.Series(["2016-02-03", "2017-12-31"]), ("%d/%m/%Y",))
    '%Y-%m-%d'
    >>> suggest_format(pd.Series(["03/02/16"]), ("%d/%m/%Y",))
    '%d/%m/%y'
    >>> suggest_format(pd.Series(["soon"]), ("%d/%m/%Y",)) is None
    True
    """
    texts = texts.loc[texts != ""]
    if texts.empty:
        return None
    sample = texts.drop_duplicates().head(200)
    for fmt in CANDIDATE_FORMATS:
        if fmt in formats:
            continue
        if _try_format(sample, fmt).notna().all() and _try_format(texts, fmt).notna().all():
            return fmt
    return None


def parse_date_cells(values: pd.Series, formats: tuple[str, ...]) -> ParsedDates:
    """Parse a column of date cells, saying why each bad cell is bad.

    Parameters
    ----------
    values : pandas.Series
        Cells as read: strings (blank means no date) or, from a workbook, date objects.
    formats : tuple of str
        ``strptime`` formats tried in turn (``%Y-%m-%d`` also accepts a midnight time).

    Returns
    -------
    ParsedDates
        Dates and masks of bad cells: impossible days, days outside the years pandas holds
        (year 1 or 9999, from a workbook or text), Excel day numbers; and ``suggestion``, a
        format that every bad cell fits when the mapping's formats fit none of them.
    """
    values = values.reset_index(drop=True)
    # work on the distinct cells only: extracts repeat the same dates many times
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    uniq = pd.Series(np.asarray(uniq, dtype=object))
    is_date_u = uniq.map(lambda v: isinstance(v, dt.date)).astype(bool)
    text_u = uniq.where(~is_date_u, "").astype(str).str.strip()
    parsed_u = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    if is_date_u.any():
        parsed_u[is_date_u] = pd.Series(
            [_to_stamp(v) for v in uniq[is_date_u]], index=uniq.index[is_date_u], dtype=object
        ).astype("datetime64[ns]")
    all_formats = list(formats)
    if "%Y-%m-%d" in formats:
        all_formats += ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
    for fmt in all_formats:
        todo = parsed_u.isna() & (text_u != "")
        if not todo.any():
            break
        parsed_u[todo] = _try_format(text_u[todo], fmt)
    bad_u = ((text_u != "") | is_date_u) & parsed_u.isna()
    range_u = bad_u & is_date_u
    bad_text = bad_u & ~is_date_u
    if bad_text.any():
        texts = text_u[bad_text]
        range_u |= pd.Series(
            {i: _real_day(t, all_formats) for i, t in texts.items()}, dtype=bool
        ).reindex(uniq.index, fill_value=False)
    serial_u = bad_text & text_u.str.fullmatch(_SERIAL.pattern)
    suggestion = suggest_format(text_u[bad_text & ~range_u & ~serial_u], formats)
    if len(uniq) == 0:
        empty = pd.Series(False, index=values.index)
        nat = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        return ParsedDates(nat, empty, empty.copy(), empty.copy(), empty.copy(), None)
    take = np.where(codes >= 0, codes, 0)
    valid = codes >= 0

    def spread(mask: pd.Series) -> pd.Series:
        return pd.Series(valid & mask.to_numpy(dtype=bool)[take], index=values.index)

    dates = pd.Series(
        np.where(valid, parsed_u.to_numpy()[take], np.datetime64("NaT")),
        index=values.index,
        dtype="datetime64[ns]",
    ).dt.normalize()
    bad = spread(bad_u)
    out_of_range, serial = spread(range_u), spread(serial_u)
    text = pd.Series(np.where(valid, text_u.to_numpy()[take], ""), index=values.index)
    shaped = np.zeros(len(values), dtype=bool)
    check = bad & ~out_of_range & ~serial
    if check.any():
        pattern = "|".join(f"(?:{_shape(f)})" for f in formats)
        shaped[check.to_numpy()] = text[check].str.fullmatch(pattern).to_numpy(dtype=bool)
    impossible = pd.Series(shaped, index=values.index) & check
    return ParsedDates(dates, bad, impossible, out_of_range, serial, suggestion)


# ---------------------------------------------------------------- row-level checks on events
# ``ev`` is the internal events frame: canonical columns plus ``_row`` (spreadsheet row) and
# ``_col`` (the local name of the column that holds the date).


def check_future_dates(ev: pd.DataFrame, as_of: dt.date, problems: Problems) -> None:
    """Report dates after the extract date (they cannot have happened yet)."""
    late = ev["date"] > pd.Timestamp(as_of)
    sub = ev.loc[late]
    problems.add_rows(
        "future_date",
        sub["_row"],
        sub["_col"],
        f"dated after the extract date ({as_of.isoformat()}); expected a date on or before it",
    )


def check_before_looked_after(ev: pd.DataFrame, problems: Problems) -> None:
    """No stage can come before the child first became looked after."""
    keys = ["_kid"]
    la = ev.loc[ev["stage"] == LOOKED_AFTER]
    if la.empty:
        return
    first = la.sort_values("date").drop_duplicates(keys)[[*keys, "date", "_row"]]
    first = first.rename(columns={"date": "_la_date", "_row": "_la_row"})
    merged = ev.merge(first, on=keys, how="inner")
    early = merged.loc[(merged["stage"] != LOOKED_AFTER) & (merged["date"] < merged["_la_date"])]
    if early.empty:
        return
    same = early["_row"] == early["_la_row"]
    where = np.where(same, "on this row", "row " + early["_la_row"].astype(str))
    text = (
        "'"
        + early["stage"]
        + "' is dated before the child's 'looked_after' date ("
        + pd.Series(where, index=early.index)
        + "); expected it on or after that date"
    )
    problems.add_rows("before_looked_after", early["_row"], early["_col"], text)


def check_returned_before_home(ev: pd.DataFrame, problems: Problems) -> None:
    """Report a return to care (``returned_to_care``) dated before the child went home.

    Only children with a ``home_confirmed`` date are checked: a child whose going home is not
    recorded may still have returned to care (the missing date is the extract's gap, not an
    impossible order).
    """
    keys = ["_kid"]
    home = ev.loc[ev["stage"] == HOME_CONFIRMED]
    back = ev.loc[ev["stage"] == RETURNED_TO_CARE]
    if home.empty or back.empty:
        return
    first = home.sort_values("date").drop_duplicates(keys)[[*keys, "date", "_row"]]
    first = first.rename(columns={"date": "_home_date", "_row": "_home_row"})
    merged = back.merge(first, on=keys, how="inner")
    early = merged.loc[merged["date"] < merged["_home_date"]]
    if early.empty:
        return
    same = early["_row"] == early["_home_row"]
    where = np.where(same, "on this row", "row " + early["_home_row"].astype(str))
    text = (
        "'returned_to_care' is dated before the child's first 'home_confirmed' date ("
        + pd.Series(where, index=early.index)
        + "); expected a return to care after the child went home"
    )
    problems.add_rows("returned_before_home", early["_row"], early["_col"], text)


def check_duplicate_children(
    rows: pd.Series, ids: pd.DataFrame, column: str, problems: Problems
) -> None:
    """Report a child id repeated in a wide extract (on each later row)."""
    dup = ids.duplicated(keep="first")
    if not dup.any():
        return
    first_row = rows.groupby([ids[c] for c in ids.columns], sort=False).transform("first")
    text = (
        "the same child id is already on row "
        + first_row[dup].astype(str)
        + ("; expected one row per child in a wide extract")
    )
    problems.add_rows("duplicate_child", rows[dup], column, text)


def check_duplicate_events(ev: pd.DataFrame, by: list[str], what: str, problems: Problems) -> None:
    """Report the same event twice in a long extract (on each later row)."""
    dup = ev.duplicated(by, keep="first")
    if not dup.any():
        return
    first_row = ev.groupby(by, sort=False)["_row"].transform("first")
    text = f"the same event ({what}) is already on row " + first_row[dup].astype(str)
    problems.add_rows("duplicate_event", ev.loc[dup, "_row"], None, text)
