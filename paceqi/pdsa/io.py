"""Import and export PDSA records as YAML, CSV and XLSX, without loss.

* **YAML**: PDSA YAML v1 (``format: paceqi-pdsa/1``), one document per authority (a file may
  hold several, separated by ``---``).
* **XLSX**: one workbook with the sheets ``aims, drivers, measures, change_ideas, ramps, cycles,
  annotations``; **CSV**: a folder with one file per sheet (``cycles.csv`` ...). A team's own
  PDSA log needs only the ``cycles`` sheet / a single ``cycles.csv``: change ideas and ramps
  named there are created. Each row names its ``authority``; change ideas are named by ``name``
  and ramps by title; aims and drivers keep the file's ``id`` keys. Lists become numbered
  columns derived from :data:`~paceqi.pdsa.fields.CYCLE_FIELDS`: ``question_1`` ... and one
  numbered group per prediction row, ``prediction_1, result_1, met_1`` (met: yes / no /
  not yet), so a result stays on its prediction's row. The older result columns
  ``study_1_prediction, study_1_result, study_1_met`` are still read.

Spreadsheets are made safe to open: a text cell that starts with ``= + - @``, a tab, a line
break or a quote gets a leading ``'`` (OWASP "CSV injection"), so a spreadsheet never runs it
as a formula; import removes exactly that one quote, so the text comes back unchanged. In
XLSX, characters XML cannot hold (control characters, carriage return) are written as
``_xHHHH_`` (the Office Open XML escape, ECMA-376 Part 1, 22.9.2.19) and restored on import.

A malformed file is rejected whole (:class:`~paceqi.errors.DataValidationError` naming the
file, record or row, and field); nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from paceqi.errors import DataValidationError, OptionsError
from paceqi.pdsa.document import FORMAT, Problem, validate
from paceqi.pdsa.fields import (
    AIM_FIELDS,
    ANNOTATION_FIELDS,
    CHANGE_IDEA_FIELDS,
    CYCLE_FIELDS,
    MEASURE_FIELDS,
)

__all__ = [
    "FORMATS",
    "SHEETS",
    "read_documents",
    "write_documents",
    "neutralise",
    "restore",
    "detect_format",
]

FORMATS = ("yaml", "csv", "xlsx")

#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), the
#: full-width forms some spreadsheets also accept, and the quote we add (so it is reversible).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "'", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_SIMPLE = [f.name for f in CYCLE_FIELDS if not f.is_list]
#: numbered columns of each list field: questions -> question_1 ...; predictions ->
#: prediction_1, result_1, met_1 ... (one prediction row per number)
_ROW_PARTS = ("prediction", "result", "met")
_LIST_PARTS: dict[str, tuple[str, ...]] = {
    f.name: (_ROW_PARTS if f.kind == "predictions" else (f.name.removesuffix("s"),))
    for f in CYCLE_FIELDS
    if f.is_list
}
_MET_TEXT = {True: "yes", False: "no", None: "not yet"}
SHEETS: dict[str, list[str]] = {
    "aims": ["authority", "id", *(f.name for f in AIM_FIELDS)],
    "drivers": ["authority", "id", "level", "text", "strength", "aim", "parents"],
    "measures": ["authority", *(f.name for f in MEASURE_FIELDS)],
    "change_ideas": ["authority", *(f.name for f in CHANGE_IDEA_FIELDS), "drivers"],
    "ramps": ["authority", "change_idea", "ramp"],
    "cycles": ["authority", "change_idea", "ramp", *_SIMPLE],
    "annotations": [
        "authority",
        *(f.name for f in ANNOTATION_FIELDS),
        "change_idea",
        "ramp",
        "cycle_no",
    ],  # fmt: skip
}
_LIST_COLUMN = re.compile(
    "^(" + "|".join(p for parts in _LIST_PARTS.values() for p in parts) + r")_([1-9][0-9]*)$"
)
#: study_1_prediction, study_1_result, study_1_met: the older (paceqi 0.1) result columns
_RESULT_COLUMN = re.compile(r"^study_([1-9][0-9]*)_(prediction|result|met)$")
_SEP = ";"

# -- cell text safety ----------------------------------------------------------------------------


def neutralise(text: str) -> str:
    r"""Return ``text`` safe for a spreadsheet cell: a leading ``'`` if it could start a formula.

    Examples
    --------
    >>> neutralise("=SUM(A1:A9)")
    "'=SUM(A1:A9)"
    >>> restore(neutralise("'quoted")), neutralise("plain")
    ("'quoted", 'plain')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise` (remove one leading ``'``)."""
    return text[1:] if text.startswith("'") else text


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESC = re.compile("_x([0-9A-Fa-f]{4})_")


def _xml_escape(text: str) -> str:
    return _XML_BAD.sub(lambda mt: f"_x{ord(mt.group()):04X}_", text)


def _xml_unescape(text: str) -> str:
    return _XML_ESC.sub(lambda mt: chr(int(mt.group(1), 16)), text)


# -- format detection ----------------------------------------------------------------------------


def detect_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """Return ``fmt`` or the format implied by the path (folder or ``.csv``: csv).

    Examples
    --------
    >>> detect_format("fife.yml"), detect_format("log.xlsx"), detect_format("out", "csv")
    ('yaml', 'xlsx', 'csv')
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise OptionsError(f"format must be one of {', '.join(FORMATS)}; got '{fmt}'.")
        return fmt
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".csv" or p.is_dir():
        return "csv"
    raise OptionsError(
        f"Cannot tell the format of '{p.name}': use .yaml/.yml, .xlsx, .csv or a folder of CSV "
        "files, or give --format."
    )


def _raise(file: str, problems: list[Problem]) -> None:
    import pandas as pd

    rows = [
        {
            "file": file,
            "row": record,
            "column": field,
            "check": "field",
            "message": f"{record}: field '{field}' {msg}" if field != "-" else f"{record} {msg}",
        }
        for record, field, msg in problems
    ]
    n = len(rows)
    raise DataValidationError(
        pd.DataFrame(rows, columns=["file", "row", "column", "check", "message"]),
        summary=f"{file} was not imported ({n} problem{'s' if n != 1 else ''}; nothing written)",
    )


# -- reading -------------------------------------------------------------------------------------


def read_documents(path: str | os.PathLike[str], fmt: str | None = None) -> list[dict[str, Any]]:
    """Read and validate every PDSA document in a file (or CSV folder).

    Raises
    ------
    DataValidationError
        Any problem in any record: the whole file is rejected.
    OptionsError
        The file does not exist or its format is unknown.
    """
    p = Path(path)
    if not p.exists():
        raise OptionsError(f"No such file or folder: '{p}'.")
    kind = detect_format(p, fmt)
    name = p.name
    problems: list[Problem] = []
    if kind == "yaml":
        raws = _read_yaml(p)
    else:
        sheets = _read_xlsx(p) if kind == "xlsx" else _read_csv(p)
        raws, problems = _from_sheets(sheets, p.name)
    docs = []
    for i, raw in enumerate(raws, 1):
        source = name if len(raws) == 1 else f"{name} document {i}"
        doc, found = validate(raw, source)
        problems += found
        if doc is not None:
            docs.append(doc)
    seen: set[str] = set()
    for doc in docs:
        if doc["authority"] in seen:
            problems.append((name, "authority", "appears in two documents of this file"))
        seen.add(doc["authority"])
    if problems:
        _raise(name, problems)
    return docs


def _read_yaml(path: Path) -> list[Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            raws = [d for d in yaml.load_all(fh, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "the file"
        _raise(path.name, [(where, "-", "is not valid YAML")])
    except UnicodeDecodeError:
        _raise(path.name, [("the file", "-", "is not UTF-8 text")])
    if not raws:
        _raise(path.name, [("the file", "-", f"is empty (expected format: {FORMAT})")])
    return raws


def _read_csv(path: Path) -> dict[str, tuple[str, list[str], list[dict[str, Any]]]]:
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    sheets = {}
    csv.field_size_limit(2**31 - 1)
    for f in files:
        sheet = f.stem if f.stem in SHEETS else "cycles"
        if path.is_dir() and f.stem not in SHEETS:
            _raise(f.name, [(f.name, "-", "is not a known sheet (" + ", ".join(SHEETS) + ")")])
        try:
            with f.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        except UnicodeDecodeError:
            _raise(f.name, [("the file", "-", "is not UTF-8 text")])
        sheets[sheet] = _rows(rows, f"{f.name}", lambda v: restore(v) if v != "" else None)
    return sheets


def _read_xlsx(path: Path) -> dict[str, tuple[str, list[str], list[dict[str, Any]]]]:
    import warnings
    import zipfile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError):
        _raise(path.name, [("the file", "-", "is not an XLSX workbook")])
    sheets = {}
    try:
        for ws in wb.worksheets:
            if ws.title not in SHEETS:
                if len(wb.worksheets) == 1:
                    name = "cycles"
                else:
                    msg = "is not a known sheet (" + ", ".join(SHEETS) + ")"
                    _raise(path.name, [(f"sheet '{ws.title}'", "-", msg)])
            else:
                name = ws.title
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets[name] = _rows(rows, f"sheet '{ws.title}'", _xlsx_cell)
    finally:
        wb.close()
    return sheets


def _xlsx_cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _xml_unescape(restore(value))
    return value


def _rows(rows: list[list[Any]], where: str, cell) -> tuple[str, list[str], list[dict[str, Any]]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
    out = []
    for n, row in enumerate(rows[1:], start=2):
        values = {h: cell(v) for h, v in zip(header, row, strict=False) if h}
        if all(v is None for v in values.values()):
            continue
        values["_where"] = f"{where} row {n}"
        out.append(values)
    return where, header, out


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    return [v.strip() for v in str(value).split(_SEP) if v.strip()]


def _from_sheets(sheets: dict[str, Any], name: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Turn spreadsheet rows into raw documents (one per authority) for :func:`validate`."""
    docs: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []

    def doc_for(row: dict[str, Any]) -> dict[str, Any] | None:
        auth = row.pop("authority", None)
        if not isinstance(auth, str) or not auth.strip():
            problems.append((row["_where"], "authority", "is required"))
            return None
        return docs.setdefault(auth, {"format": FORMAT, "authority": auth, "_ideas": {}})

    for sheet, (where, header, _) in sheets.items():
        for h in header:
            if (
                h
                and h not in SHEETS[sheet]
                and not (sheet == "cycles" and (_LIST_COLUMN.match(h) or _RESULT_COLUMN.match(h)))
            ):
                problems.append((f"{where} row 1", h, "is not a known column"))
                for row in sheets[sheet][2]:
                    row.pop(h, None)
    sheets = {sheet: rows for sheet, (_, _, rows) in sheets.items()}

    def idea(doc: dict[str, Any], nm: Any, where: str) -> dict[str, Any] | None:
        if not isinstance(nm, str) or not nm:
            problems.append((where, "change_idea", "is required (the change idea's name)"))
            return None
        ideas = doc["_ideas"]
        if nm not in ideas:
            ideas[nm] = {"id": f"ci-{len(ideas) + 1}", "name": nm, "status": "testing",
                         "ramps": [], "_auto": True, "_ramps": {}}  # fmt: skip
        return ideas[nm]

    def ramp(doc, ci: dict[str, Any], title: Any) -> dict[str, Any]:
        title = title if title is not None else f"{ci['name']} ramp"
        if title not in ci["_ramps"]:
            n = sum(len(c["_ramps"]) for c in doc["_ideas"].values()) + 1
            r = {"id": f"ramp-{n}", "title": title, "cycles": []}
            ci["_ramps"][title] = r
            ci["ramps"].append(r)
        return ci["_ramps"][title]

    for row in sheets.get("aims", []):
        if (doc := doc_for(row)) is not None:
            doc.setdefault("aims", []).append(row)
    for row in sheets.get("drivers", []):
        if (doc := doc_for(row)) is not None:
            row["parents"] = _split(row.get("parents"))
            doc.setdefault("drivers", []).append(row)
    for row in sheets.get("measures", []):
        if (doc := doc_for(row)) is not None:
            doc.setdefault("measures", []).append(row)
    for row in sheets.get("change_ideas", []):
        if (doc := doc_for(row)) is not None and (ci := idea(doc, row.get("name"), row["_where"])):
            if not ci.pop("_auto", False):
                problems.append((row["_where"], "name", "another row has the same change idea"))
            ci.update({k: v for k, v in row.items() if k not in ("drivers", "authority")})
            ci["drivers"] = _split(row.get("drivers"))
    for row in sheets.get("ramps", []):
        if (doc := doc_for(row)) is not None and (
            ci := idea(doc, row.get("change_idea"), row["_where"])
        ):
            r = ramp(doc, ci, row.get("ramp"))
            r["_where"] = row["_where"]
    for row in sheets.get("cycles", []):
        if (doc := doc_for(row)) is None:
            continue
        ci = idea(doc, row.pop("change_idea", None), row["_where"])
        title = row.pop("ramp", None)
        if ci is None:
            continue
        cycle = {
            k: v
            for k, v in row.items()
            if not _LIST_COLUMN.match(k) and not _RESULT_COLUMN.match(k)
        }
        for name, parts in _LIST_PARTS.items():
            nums = sorted(
                {int(mt.group(2)) for k in row if (mt := _LIST_COLUMN.match(k)) and mt[1] in parts}
            )
            if len(parts) == 1:
                cycle[name] = [row[f"{parts[0]}_{i}"] for i in nums if row[f"{parts[0]}_{i}"]]
                continue
            rows = [{p: row.get(f"{p}_{i}") for p in parts} for i in nums]
            cycle[name] = [r for r in rows if any(v is not None for v in r.values())]
        nums = sorted({int(mt.group(1)) for k in row if (mt := _RESULT_COLUMN.match(k))})
        results = []
        for i in nums:
            item = {p: row.get(f"study_{i}_{p}") for p in ("prediction", "result", "met")}
            if any(v is not None for v in item.values()):
                results.append(item)
        if results:  # an older file: texts in prediction_N, results in study_N_*
            cycle["predictions"] = [
                r["prediction"] for r in cycle["predictions"] if r["prediction"] is not None
            ]
            cycle["study_results"] = results
        ramp(doc, ci, title)["cycles"].append(cycle)
    for row in sheets.get("annotations", []):
        if (doc := doc_for(row)) is None:
            continue
        nm, title = row.pop("change_idea", None), row.pop("ramp", None)
        if nm is not None:
            ci = idea(doc, nm, row["_where"])  # None for a name that is not text: reported
            if ci is not None:
                row["change_idea"] = ci["id"]
            if ci is not None and title is not None:
                r = ci["_ramps"].get(title)
                row["ramp"] = r["id"] if r else f"(no ramp with this title in {name})"
        elif title is not None:
            problems.append((row["_where"], "change_idea", "is required when ramp is given"))
        doc.setdefault("annotations", []).append(row)
    out = []
    for doc in docs.values():
        ideas = doc.pop("_ideas")
        doc["change_ideas"] = [
            {k: v for k, v in ci.items() if k not in ("_ramps", "_auto")} for ci in ideas.values()
        ]
        out.append(doc)
    if not out and not problems:
        problems.append(("the file", "-", "has no records"))
    return out, problems


# -- writing -------------------------------------------------------------------------------------


def write_documents(
    docs: Iterable[Mapping[str, Any]], path: str | os.PathLike[str], fmt: str | None = None
) -> Path:
    """Write documents as YAML, a CSV folder or an XLSX workbook; return the path written."""
    p = Path(path)
    kind = detect_format(p, fmt)
    docs = list(docs)
    if kind == "yaml":
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as fh:
            yaml.dump_all(
                [_yaml_doc(d) for d in docs],
                fh,
                Dumper=_Dumper,
                sort_keys=False,
                allow_unicode=True,
                width=100,
            )
        return p
    tables = _to_sheets(docs)
    if kind == "csv":
        if p.suffix.lower() == ".csv":  # one file: the cycles sheet (a team's PDSA log)
            p.parent.mkdir(parents=True, exist_ok=True)
            _write_csv(p, *tables["cycles"])
            return p
        p.mkdir(parents=True, exist_ok=True)
        for sheet, (header, rows) in tables.items():
            _write_csv(p / f"{sheet}.csv", header, rows)
        return p
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, (header, rows) in tables.items():
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for r in rows:
            ws.append([_xlsx_value(r.get(h)) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def _write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([[_csv_cell(r.get(h)) for h in header] for r in rows])


def _yaml_str(dumper, text: str):
    # Line breaks other than \n (NEL, LS, PS, CR) and other non-printable characters are only
    # kept exactly in double-quoted style, where they are escaped.
    style = None if text.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


#: libyaml's C loader and emitter when PyYAML was built with them (about 10x faster).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


try:  # libyaml's C emitter
    from yaml import CSafeDumper as _SafeDumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _SafeDumper  # type: ignore[assignment]


class _Dumper(_SafeDumper):
    """The safe dumper with :func:`_yaml_str` for text (a subclass: the base stays as it is)."""


_Dumper.add_representer(str, _yaml_str)


def _yaml_doc(doc: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    for key in ("aims", "drivers", "measures", "change_ideas", "annotations"):
        if not out.get(key):
            out.pop(key, None)
    return out


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(_xml_escape(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()  # text: Excel would round the microseconds
    return value


def _to_sheets(docs: list[Mapping[str, Any]]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SHEETS}
    longest = dict.fromkeys(_LIST_PARTS, 0)
    for doc in docs:
        auth = doc["authority"]
        idea_name = {c["id"]: c["name"] for c in doc.get("change_ideas", [])}
        ramp_title = {}
        for a in doc.get("aims", []):
            rows["aims"].append({"authority": auth, **a})
        for d in doc.get("drivers", []):
            rows["drivers"].append({"authority": auth, **d, "parents": _SEP.join(d["parents"])})
        for x in doc.get("measures", []):
            rows["measures"].append({"authority": auth, **x})
        for c in doc.get("change_ideas", []):
            base = {k: v for k, v in c.items() if k not in ("id", "ramps")}
            rows["change_ideas"].append(
                {"authority": auth, **base, "drivers": _SEP.join(c["drivers"])}
            )
            for r in c["ramps"]:
                ramp_title[r["id"]] = r["title"]
                rows["ramps"].append(
                    {"authority": auth, "change_idea": c["name"], "ramp": r["title"]}
                )
                for cy in r["cycles"]:
                    row = {"authority": auth, "change_idea": c["name"], "ramp": r["title"]}
                    row |= {k: cy.get(k) for k in _SIMPLE}
                    for name, parts in _LIST_PARTS.items():
                        items = cy.get(name) or []
                        longest[name] = max(longest[name], len(items))
                        for i, item in enumerate(items, 1):
                            if len(parts) == 1:
                                row[f"{parts[0]}_{i}"] = item
                                continue
                            for part in parts:
                                value = item.get(part)
                                row[f"{part}_{i}"] = _MET_TEXT[value] if part == "met" else value
                    rows["cycles"].append(row)
        for a in doc.get("annotations", []):
            rows["annotations"].append(
                {
                    "authority": auth,
                    **a,
                    "change_idea": idea_name.get(a["change_idea"]),
                    "ramp": ramp_title.get(a["ramp"]),
                }  # fmt: skip
            )
    headers = {s: list(cols) for s, cols in SHEETS.items()}
    headers["cycles"] = ["authority", "change_idea", "ramp"]
    for f in CYCLE_FIELDS:  # the field table's order, list fields as numbered columns
        if not f.is_list:
            headers["cycles"].append(f.name)
            continue
        parts = _LIST_PARTS[f.name]
        headers["cycles"] += [f"{p}_{i}" for i in range(1, longest[f.name] + 1) for p in parts]
    return {s: (headers[s], rows[s]) for s in SHEETS}
