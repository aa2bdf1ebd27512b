"""Whole-file mutations of valid extracts: nothing but a DataValidationError (or, for a bad
mapping, an OptionsError) may escape ``load_extract``.

Each test starts from a valid extract (CSV or XLSX, with and without a mapping) and mutates it
as real files go wrong: bytes flipped, inserted or cut; another encoding; another delimiter;
header cells renamed; dates out of range, as Excel day numbers or text; numbers such as ``inf``
and ``1e20``; a workbook's zip damaged; the mapping's YAML changed. The number of examples is
``PACEQI_MUTATION_EXAMPLES`` (default 40 per test, a few hundred in all: CI stays quick; a long
local run sets it to thousands).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from _extract_files import write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paceqi.catalogue import load_catalogue
from paceqi.data.load import load_extract
from paceqi.errors import DataValidationError, OptionsError

DATA = Path(__file__).parent / "data"
MAPPINGS = Path(__file__).parents[1] / "parameters" / "mappings"
CATALOGUE = load_catalogue()
EXAMPLES = int(os.environ.get("PACEQI_MUTATION_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: (file, mapping) pairs that load without a problem before any mutation.
SOURCES = [
    ("long_canonical.csv", None),
    ("wide_canonical.csv", None),
    ("local_tracker.csv", MAPPINGS / "example_local_tracker.yaml"),
    ("ssda903_episodes.csv", MAPPINGS / "ssda903_episodes.yaml"),
]

#: Cells that break dates and numbers in the ways real files do.
NASTY_CELLS = [
    "0001-01-01",
    "9999-12-31",
    "1677-01-01",
    "2262-05-01",
    "31/02/2016",
    "43000",
    "43000.5",
    "-1",
    "0",
    "inf",
    "-inf",
    "nan",
    "1e20",
    "1e400",
    "2.5",
    "0x10",
    "2016-02-03T25:00:00",
    "03/02/16",
    "2016/02/03",
    "3 Feb 2016",
    "soon",
    "",
    '"',
    "\u00a3",
    "\ufeff",
    "%",
    "=1+1",
]

NASTY_XLSX_CELLS = [
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31),
    dt.date(1600, 6, 1),
    dt.datetime(2016, 2, 3, 12, 30),
    dt.time(12, 0),
    dt.timedelta(days=3),
    43000,
    43000.5,
    1e20,
    -1,
    True,
    "2016-02-03",
    "31/02/2016",
    None,
]


def _load(path: Path, mapping: object) -> None:
    try:
        load_extract(path, mapping, as_of="2021-03-31", catalogue=CATALOGUE)
    except DataValidationError as err:
        f = err.failures
        assert len(f) >= 1
        assert f["message"].map(lambda m: isinstance(m, str) and m != "").all()
        assert f["check"].map(lambda c: isinstance(c, str) and c != "").all()


def _rows(name: str) -> list[list[str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.split(",") for line in text.splitlines()]


def _join(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


@pytest.mark.parametrize(("name", "mapping"), SOURCES)
def test_sources_are_valid(name, mapping):
    load_extract(DATA / name, mapping, as_of="2021-03-31", catalogue=CATALOGUE)


source = st.sampled_from(SOURCES)


@SETTINGS
@given(
    src=source,
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["flip", "insert", "delete"]),
            st.binary(min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=6,
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_byte_mutations(tmp_path, src, edits, cut):
    name, mapping = src
    data = bytearray((DATA / name).read_bytes())
    for where, how, chunk in edits:
        i = int(where * (len(data) - 1))
        if how == "flip":
            data[i : i + len(chunk)] = chunk
        elif how == "insert":
            data[i:i] = chunk
        else:
            del data[i : i + len(chunk)]
    if cut is not None:
        data = data[: int(cut * len(data))]
    p = tmp_path / name
    p.write_bytes(bytes(data))
    _load(p, mapping)


@SETTINGS
@given(
    src=source,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]),
    sep=st.sampled_from([",", ";", "\t", "|", " ", ":"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    extra=st.sampled_from(["", "\u00a3\u2019\u2013", "\u00e9", "\U0001f600"]),
)
def test_encodings_and_delimiters(tmp_path, src, encoding, sep, newline, extra):
    name, mapping = src
    rows = _rows(name)
    rows[1][1] = rows[1][1] + extra
    text = _join(rows, sep).replace("\n", newline)
    p = tmp_path / name
    p.write_bytes(text.encode(encoding, errors="replace"))
    _load(p, mapping)


@SETTINGS
@given(
    src=source,
    header_edits=st.lists(
        st.tuples(
            st.integers(0, 20),
            st.one_of(
                st.sampled_from(["", "LA", "la_code", "child_id", "date", "2016-02-03", "x" * 50]),
                st.text(max_size=8),
            ),
        ),
        max_size=4,
    ),
    drop=st.one_of(st.none(), st.integers(0, 20)),
    title_rows=st.integers(0, 3),
)
def test_header_mutations(tmp_path, src, header_edits, drop, title_rows):
    name, mapping = src
    rows = _rows(name)
    for i, text in header_edits:
        if i < len(rows[0]):
            rows[0][i] = text.replace(",", " ").replace("\n", " ").replace("\r", " ")
    if drop is not None and drop < len(rows[0]):
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    rows = [["Title"]] * title_rows + rows
    p = tmp_path / name
    p.write_text(_join(rows), encoding="utf-8")
    _load(p, mapping)


@SETTINGS
@given(
    src=source,
    cells=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 20), st.sampled_from(NASTY_CELLS)),
        min_size=1,
        max_size=8,
    ),
    whole_column=st.one_of(st.none(), st.tuples(st.integers(0, 20), st.sampled_from(NASTY_CELLS))),
)
def test_cell_mutations(tmp_path, src, cells, whole_column):
    name, mapping = src
    rows = _rows(name)
    for r, c, text in cells:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = text
    if whole_column is not None:
        c, text = whole_column
        for r in rows[1:]:
            if c < len(r):
                r[c] = text
    p = tmp_path / name
    p.write_text(_join(rows), encoding="utf-8")
    _load(p, mapping)


def _xlsx_rows(name: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for r in _rows(name):
        out: list[object] = []
        for cell in r:
            try:
                out.append(dt.datetime.strptime(cell, "%Y-%m-%d"))
            except ValueError:
                out.append(cell)
        rows.append(out)
    return rows


@SETTINGS
@given(
    src=source,
    cells=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 20), st.sampled_from(NASTY_XLSX_CELLS)),
        max_size=6,
    ),
    zip_edit=st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["flip", "cut", "method", "member"]), st.floats(0, 1)),
    ),
)
def test_xlsx_mutations(tmp_path, src, cells, zip_edit):
    name, mapping = src
    rows = _xlsx_rows(name)
    for r, c, value in cells:
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = value
    p = tmp_path / (Path(name).stem + ".xlsx")
    try:
        write_xlsx(p, rows)
    except (ValueError, TypeError):  # openpyxl refuses some values: not the loader's concern
        return
    if zip_edit is not None:
        how, where = zip_edit
        data = bytearray(p.read_bytes())
        if how == "flip":
            i = int(where * (len(data) - 1))
            data[i] ^= 0xFF
        elif how == "cut":
            data = data[: int(where * len(data))]
        elif how == "method":  # an unsupported compression method in the first local header
            data[8:10] = (99).to_bytes(2, "little")
        else:  # drop one member of the archive
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
                members = zf.infolist()
                skip = members[int(where * (len(members) - 1))].filename
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w") as zo:
                    for m in members:
                        if m.filename != skip:
                            zo.writestr(m, zf.read(m.filename))
            data = bytearray(out.getvalue())
        p.write_bytes(bytes(data))
    _load(p, mapping)


YAML_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.sampled_from(
        [
            "%d/%m/%Y",
            "%d/%d/%m/%Y",
            "%d/%m/%Y%",
            "%",
            "%Y-%m-%d",
            "%q",
            "%%d/%m/%Y",
            "wide",
            "long",
            ";",
            "child_id",
            "looked_after",
            "po",
            "Sheet",
        ]
    ),
    st.lists(st.sampled_from(["%d/%m/%Y", "%y", "%d/%m/%y", "%Y-%m-%d %H:%M"]), max_size=3),
    st.dictionaries(
        st.sampled_from(["CHILD", "DECOM", "Child Ref", "x", "stage", "date"]),
        st.sampled_from(["child_id", "looked_after", "po", "nonsense", None]),
        max_size=3,
    ),
)


@SETTINGS
@given(
    src=source,
    changes=st.dictionaries(
        st.sampled_from(
            [
                "layout",
                "sheet",
                "header_row",
                "delimiter",
                "date_format",
                "authority",
                "columns",
                "stages",
                "routes",
                "events",
                "bogus",
            ]
        ),
        YAML_VALUES,
        max_size=3,
    ),
    garble=st.one_of(
        st.none(), st.tuples(st.floats(0, 1), st.sampled_from([":", "- ", "{", "\t"]))
    ),
)
def test_mapping_mutations(tmp_path, src, changes, garble):
    name, mapping = src
    doc = yaml.safe_load(mapping.read_text(encoding="utf-8")) if mapping else {}
    doc.update(changes)
    text = yaml.safe_dump(doc)
    if garble is not None:
        where, chunk = garble
        i = int(where * len(text))
        text = text[:i] + chunk + text[i:]
    m = tmp_path / "m.yaml"
    m.write_text(text, encoding="utf-8")
    try:
        _load(DATA / name, m)
    except OptionsError as err:
        assert str(err)


@SETTINGS
@given(
    fmt=st.text(alphabet="%dmyYbBHMS/-. qz", max_size=12),
    cells=st.lists(st.sampled_from(NASTY_CELLS + ["03/02/2016", "2016-02-03"]), max_size=5),
)
def test_date_formats_and_cells(tmp_path, fmt, cells):
    rows = [["authority", "child_id", "looked_after"]]
    rows += [["Fife", f"F{i}", c] for i, c in enumerate(cells or ["03/02/2016"])]
    p = tmp_path / "d.csv"
    p.write_text(_join(rows), encoding="utf-8")
    try:
        _load(p, {"date_format": fmt})
    except OptionsError as err:
        assert "date_format" in str(err)
