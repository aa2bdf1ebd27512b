"""Read an extract file into rows of cells, whatever state it is in.

Every problem with the file itself (missing, a folder, unreadable, empty, not a table, a Word
document renamed .csv) becomes a :class:`~paceqi.errors.DataValidationError` with one failure row;
nothing here lets an OSError or a parser exception escape. Cell values never appear in messages.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from paceqi.data.validate import single_failure
from paceqi.errors import DataValidationError

__all__ = ["RawFile", "Records", "read_file", "read_records"]

#: Extensions read as delimited text, and as Excel workbooks.
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")

#: File signatures of things people send instead of a table (first bytes -> what it is).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (Excel 97-2003 .xls or Word .doc)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3", "an SQLite database"),
)

_SNIFF_BYTES = 8192
_HEAD_CHARS = 65536
_EMPTY = "the file is empty; expected a header row, then one row per child or event"
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class RawFile:
    """The bytes of an extract and where they came from."""

    path: Path
    name: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Records:
    """Rows of cells as read (``rows[i]`` is spreadsheet row ``i + 1``) and how they were read."""

    rows: list[list[Any]]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    text: str | None = None  # decoded CSV text (rows then hold only its first lines)
    delimiter: str = ","
    name: str = ""

    def all_rows(self) -> list[list[Any]]:
        """Every row (a CSV's ``rows`` hold only the rows of its first 64 KB)."""
        if self.text is None or len(self.text) <= _HEAD_CHARS:
            return self.rows
        return _csv_rows(self.text, self.name, self.delimiter)


def read_file(path: str | Path) -> RawFile:
    """Read a file's bytes, turning every OS problem into a one-row DataValidationError."""
    p = Path(path)
    name = p.name or str(p)
    try:
        if not p.exists():
            single_failure(
                name, "file_not_found", "file not found; check the path and its spelling"
            )
        if p.is_dir():
            single_failure(name, "not_a_file", "is a folder, not a file; give a .csv or .xlsx file")
        data = p.read_bytes()
    except PermissionError:
        single_failure(name, "unreadable_file", "permission denied: the file cannot be read")
    except OSError as exc:
        single_failure(name, "unreadable_file", f"cannot be read ({type(exc).__name__})")
    return RawFile(path=p, name=name, data=data, sha256=hashlib.sha256(data).hexdigest())


def read_records(
    raw: RawFile,
    *,
    sheet: str | int | None = None,
    delimiter: str | None = None,
    score: Callable[[list[list[Any]]], int] | None = None,
) -> Records:
    """Turn a file's bytes into rows of cells (CSV text or an XLSX sheet).

    The content decides how the file is read, not its extension; a file that is neither a
    delimited text table nor an XLSX workbook is rejected with a message saying what it is.
    Without ``sheet``, a workbook's sheet with the best ``score`` (how header-like its first rows
    look) is read, the first sheet on a tie.
    """
    data, name = raw.data, raw.name
    if not data.strip():
        single_failure(name, "empty_file", _EMPTY)
    head = data[:_SNIFF_BYTES]
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_records(raw, sheet, score)
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            single_failure(
                name, "not_a_table", f"is {what}, not a CSV or XLSX table; save it as .xlsx or CSV"
            )
    text, encoding = _decode(data, name)
    if not text.strip(" \t\r\n\ufeff,;|"):
        single_failure(name, "empty_file", _EMPTY)
    delim = delimiter or _sniff_delimiter(text, raw.path.suffix)
    return Records(
        rows=_csv_rows(text[:_HEAD_CHARS], name, delim, head=len(text) > _HEAD_CHARS),
        kind="csv",
        encoding=encoding,
        text=text,
        delimiter=delim,
        name=name,
    )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text" is UTF-16
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            single_failure(name, "not_a_table", "is not readable text (broken UTF-16)")
    if b"\x00" in data[:_SNIFF_BYTES]:
        single_failure(name, "not_a_table", "is a binary file, not a CSV or XLSX table")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # what Excel on Windows writes ("CSV (Comma delimited)")
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix.lower() == ".tsv":
        return "\t"
    lines = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def fast_body(records: Records, header_idx: int, width: int) -> pd.DataFrame | None:
    """Read the data rows below the header with pandas' C parser, or None to use the rows.

    Only when every record up to the header is one physical line (so lines and rows agree)
    and no row has more fields than the header (else the C parser stops; the slow path then
    reports each such row).
    """
    if records.text is None or width == 0:
        return None
    import pandas as pd

    head = records.text.split("\n", header_idx + 1)
    if len(head) <= header_idx or any('"' in line for line in head[: header_idx + 1]):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = pd.read_csv(
                io.StringIO(head[header_idx + 1] if len(head) > header_idx + 1 else ""),
                sep=records.delimiter,
                header=None,
                names=list(range(width)),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                quoting=csv.QUOTE_MINIMAL,
            )
    except Exception:  # extra fields, odd quoting: the csv module path reports them
        return None
    return df


def _csv_rows(text: str, name: str, delim: str, *, head: bool = False) -> list[list[Any]]:
    """Parse CSV text into rows; with ``head``, the text is cut short: drop its last row."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        if head:  # the cut text's last row may be cut short; a header cut short: parse all
            return rows[:-1] if len(rows) > 1 else []
        return rows
    except csv.Error:
        if head:  # the cut may fall inside a quoted cell: let the full parse decide
            return []
        single_failure(name, "not_a_table", "cannot be read as a CSV table (malformed quoting)")
    finally:
        csv.field_size_limit(limit)
    raise AssertionError("unreachable")  # pragma: no cover


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # BadZipFile, NotImplementedError (odd compression), OSError, ...
        return "broken"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation (.pptx)"
    if "content.xml" in names:
        return "an OpenDocument file; save it as .xlsx or CSV"
    return "a zip archive"


def _xlsx_records(
    raw: RawFile, sheet: str | int | None, score: Callable[[list[list[Any]]], int] | None
) -> Records:
    name = raw.name
    kind = _zip_kind(raw.data)
    if kind == "broken":
        single_failure(name, "not_a_table", "is a damaged zip or XLSX file and cannot be opened")
    if kind != "xlsx":
        single_failure(name, "not_a_table", f"is {kind}, not a CSV or XLSX table")
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        single_failure(
            name, "not_a_table", f"is a workbook that cannot be opened ({type(exc).__name__})"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if sheet is None and score is not None and len(wb.sheetnames) > 1:
                tops = [_sheet_rows(wb[n], limit=30) for n in wb.sheetnames]
                scores = [score(t) for t in tops]
                ws_name = wb.sheetnames[scores.index(max(scores))]
            else:
                ws_name = _pick_sheet(wb.sheetnames, sheet, name)
            rows = _sheet_rows(wb[ws_name])
    except DataValidationError:
        raise
    except _RowError as err:
        single_failure(
            name,
            "not_a_table",
            f"the sheet's cells cannot be read here ({type(err.cause).__name__}: a date or "
            "number cell Excel itself cannot show?); correct or clear that row's cells",
            row=err.row,
        )
    except Exception as exc:  # a chart sheet, a damaged sheet
        single_failure(
            name, "not_a_table", f"has a sheet that cannot be read ({type(exc).__name__})"
        )
    finally:
        with contextlib.suppress(Exception):  # closing a damaged archive
            wb.close()
    return Records(rows=rows, kind="xlsx", sheet=ws_name, sheets=tuple(wb.sheetnames))


class _RowError(Exception):
    """A sheet's row that openpyxl cannot read (a cell it cannot convert)."""

    def __init__(self, row: int, cause: Exception) -> None:
        super().__init__(row)
        self.row, self.cause = row, cause


def _sheet_rows(ws: Any, limit: int | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    it = ws.iter_rows(max_row=limit, values_only=True)
    while True:
        try:
            row = next(it)
        except StopIteration:
            return rows
        except Exception as exc:  # a date cell beyond year 9999, a damaged cell
            raise _RowError(len(rows) + 1, exc) from None
        rows.append([_cell(v) for v in row])


def _pick_sheet(names: list[str], sheet: str | int | None, file: str) -> str:
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if 1 <= sheet <= len(names):
            return names[sheet - 1]
        single_failure(
            file, "missing_sheet", f"has {len(names)} sheet(s); there is no sheet {sheet}"
        )
    for n in names:
        if n.strip().casefold() == sheet.strip().casefold():
            return n
    single_failure(
        file, "missing_sheet", f"has no sheet named '{sheet}'; sheets: {', '.join(names)}"
    )
    raise AssertionError("unreachable")  # pragma: no cover


def _cell(value: Any) -> Any:
    """Normalise an XLSX cell: text stripped, whole floats as integers, dates kept as dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
