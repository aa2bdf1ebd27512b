"""Build the binary and broken extract files the data tests need (at test time, not committed)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / "data"

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def write_xlsx(
    path: Path, rows: list[list[object]], *, sheet: str = "Tracker", first: str = ""
) -> Path:
    """Write rows to an XLSX sheet (optionally after a first, unrelated sheet)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if first:
        ws.title = first
        ws.append(["This sheet is a cover page"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def tracker_rows() -> list[list[object]]:
    """A small wide tracker: real date cells, two title rows and a blank row above the header."""
    d = dt.datetime
    return [
        ["Permanence tracker", None, None, None],
        ["Example Council, exported for the data team", None, None, None],
        [None, None, None, None],
        ["authority", "child_id", "looked_after", "panel"],
        ["Moray", "M1", d(2016, 2, 3), d(2016, 10, 1)],
        ["Moray", 1002, d(2017, 5, 1), None],
        ["Moray", "M3", "10/01/2018", None],
    ]


def make_files(tmp: Path) -> dict[str, Path]:
    """Write every generated fixture into ``tmp``; return them by a short name."""
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        files[name] = tmp / name
        files[name].write_bytes(data)

    put("png_renamed.csv", PNG)
    put("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    put("random_binary.csv", bytes(range(256)) * 8)
    put("damaged.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)
    put("blank.csv", b"  \r\n\r\n ")
    put(
        "huge_line.csv",
        b"authority,child_id,looked_after,notes\nMoray,M1,2016-02-03," + b"x" * 3_000_000 + b"\n",
    )
    put(
        "utf16.txt",
        "authority\tchild_id\tlooked_after\r\nMoray\tM1\t03/02/2016\r\n".encode("utf-16"),
    )
    put(
        "semicolon.csv",
        b"authority;child_id;looked_after;panel\nMoray;M1;03/02/2016;01/10/2016\n",
    )
    put("bom.csv", "authority,child_id,looked_after\nMoray,M1,2016-02-03\n".encode("utf-8-sig"))
    docx = tmp / "report.docx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    files["report.docx"] = docx
    files["docx_renamed.csv"] = tmp / "docx_renamed.csv"
    files["docx_renamed.csv"].write_bytes(docx.read_bytes())
    files["tracker.xlsx"] = write_xlsx(tmp / "tracker.xlsx", tracker_rows())
    files["two_sheets.xlsx"] = write_xlsx(
        tmp / "two_sheets.xlsx", tracker_rows()[3:], sheet="Data", first="Cover"
    )
    files["xlsx_renamed.csv"] = tmp / "xlsx_renamed.csv"
    files["xlsx_renamed.csv"].write_bytes(files["tracker.xlsx"].read_bytes())
    folder = tmp / "a_folder.csv"
    folder.mkdir()
    files["a_folder.csv"] = folder
    files["missing.csv"] = tmp / "missing.csv"
    locked = tmp / "locked.csv"
    locked.write_bytes((DATA / "wide_canonical.csv").read_bytes())
    locked.chmod(0)
    files["locked.csv"] = locked
    return files
