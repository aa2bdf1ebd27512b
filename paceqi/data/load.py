"""Load an extract (CSV or XLSX, wide or long, local names) into the canonical tables.

``load_extract`` reads the file whatever its state, maps local columns and labels through an
optional mapping YAML (``docs/data.md``), runs every validation check lazily and either raises
one :class:`~paceqi.errors.DataValidationError` listing every problem or returns an
:class:`~paceqi.data.extract.Extract`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any

import pandas as pd

from paceqi.catalogue import Catalogue, load_catalogue
from paceqi.data import _events
from paceqi.data._derive import derive_plans, finish_children, finish_events, quality_notes
from paceqi.data._read import read_file, read_records
from paceqi.data._table import (
    DATELIKE,
    Table,
    build_table,
    displayable,
    header_score,
    resolve_columns,
)
from paceqi.data.extract import Extract
from paceqi.data.mapping import Mapping, load_mapping, normalise_name
from paceqi.data.validate import (
    Problems,
    check_before_looked_after,
    check_duplicate_children,
    check_duplicate_events,
    check_future_dates,
    check_returned_before_home,
)
from paceqi.errors import OptionsError

__all__ = ["load_extract"]

_WHAT = {
    "authority": "the local authority (or set 'authority:' in the mapping)",
    "child_id": "the child's pseudonymous id",
    "stage": "the stage each row records",
    "date": "the date of each event",
    "looked_after": "the date the child became looked after",
}


def load_extract(
    path: str | Path,
    mapping: str | Path | MappingABC[str, Any] | Mapping | None = None,
    *,
    as_of: dt.date | str | None = None,
    catalogue: Catalogue | str | Path | None = None,
    authority: str | None = None,
) -> Extract:
    """Load and validate an extract.

    Parameters
    ----------
    path : str or Path
        A CSV (UTF-8, UTF-8 with BOM, Windows-1252 or UTF-16 as Excel writes them) or XLSX file,
        **wide** (one row per child: ``authority, child_id``, optional ``route`` and one date
        column per stage code) or **long** (one row per event: ``authority, child_id, stage,
        date`` and optional ``occurrence, route, outcome``).
    mapping : str, Path or dict, optional
        A mapping YAML (path, or name in ``parameters/mappings/``) or the same as a dict: local
        column names, date format, route and stage labels, header row, sheet, event rules.
    as_of : datetime.date or str, optional
        The extract date (``YYYY-MM-DD``); no event may be later. Default: the extract's own
        date, the latest date it records (the end of the data; no event may be after today).
        ``paceqi validate``, ``paceqi run`` and the notebooks use the same default.
    catalogue : Catalogue, str or Path, optional
        The stage catalogue (default: Scottish).
    authority : str, optional
        Keep only this authority's rows (names compared ignoring case); other authorities' rows
        are neither checked nor returned, and a note counts them. Default: every row.

    Returns
    -------
    Extract
        ``children, events, plans`` (canonical columns), ``source, sha256, as_of, notes``.

    Raises
    ------
    DataValidationError
        If the file or its rows fail any check; ``.failures`` lists every problem with
        ``file, row, column, check, message`` (rows as a spreadsheet shows them).
    OptionsError
        If the mapping, catalogue or ``as_of`` is not usable, or ``authority`` has no rows.

    Examples
    --------
    >>> from paceqi._paths import project_root
    >>> ex = load_extract(project_root() / "tests/data/wide_canonical.csv", as_of="2021-01-01")
    >>> len(ex.children), sorted(ex.events.columns) == sorted(
    ...     ["authority", "child_id", "stage", "date", "occurrence", "route", "outcome"])
    (4, True)
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    m = load_mapping(mapping, cat.codes)
    given = as_of is not None
    as_of_date = _as_of(as_of)
    raw = read_file(path)
    records = read_records(
        raw, sheet=m.sheet, delimiter=m.delimiter, score=header_score(m, cat.codes)
    )
    problems, notes = Problems(raw.name), Problems(raw.name)
    if m.sheet is None and len(records.sheets) > 1:
        notes.add(
            "sheet_chosen",
            f"read sheet '{records.sheet}' of {len(records.sheets)} "
            f"({', '.join(records.sheets)}); set sheet in a mapping to choose another",
        )
    if records.kind == "xlsx" and raw.path.suffix.lower() not in (".xlsx", ".xlsm"):
        notes.add("file_type", "is an XLSX workbook despite its file name; it was read as one")
    table = build_table(records, m, cat.codes, problems, notes)
    if table.data.empty:
        problems.add("no_rows", "the file has a header row but no data rows")
        problems.raise_if_any()
    resolve_columns(table, m, cat.codes, problems, notes)
    layout = _layout(table, m, cat)
    _check_columns(table, m, cat, layout, problems)
    problems.raise_if_any()

    ids = _events.ids(table, m, problems)
    if authority is not None:
        table, ids = _one_authority(table, ids, authority, raw.name, notes)
    else:
        _check_pooled(table, m, ids, problems, notes)
    if layout == "wide":
        ev = _events.wide_events(table, m, cat, ids, problems)
    elif layout == "long":
        ev = _events.long_events(table, m, cat, ids, problems, notes)
    else:
        ev = _events.rule_events(table, m, ids, problems)
        _episode_notes(table, ids, ev, notes)
    kids = _events.children_frame(table, m, ids, problems)
    _row_checks(table, ev, ids, layout, as_of_date, problems)
    for col in table.local("birth_month"):
        born = kids.loc[kids["birth_month"].notna(), ["birth_month", "_row"]]
        check_future_dates(
            born.rename(columns={"birth_month": "date"}).assign(_col=col), as_of_date, problems
        )
    problems.raise_if_any()

    if not given and ev["date"].notna().any():  # the extract's own date: the end of its data
        as_of_date = min(as_of_date, pd.Timestamp(ev["date"].max()).date())
        notes.add(
            "as_of",
            f"no extract date given: the latest date in the file ({as_of_date.isoformat()}) is "
            "the end of the data (journeys still open are followed up to it); give as_of / "
            "--as-of to use another date",
        )
    ev = _events.add_occurrence(ev, {code: i for i, code in enumerate(cat.codes)})
    labels = {t: h for h, t in table.targets.items()} if layout == "wide" else {}
    quality_notes(ev, kids, cat, labels, notes)
    return Extract(
        children=finish_children(kids),
        events=finish_events(ev),
        plans=derive_plans(ev, layout),
        source=raw.name,
        sha256=raw.sha256,
        as_of=as_of_date,
        notes=notes.frame(),
        recorded_stages=_recorded_stages(table, m, cat, ev, layout),
    )


def _episode_notes(table: Table, ids: pd.DataFrame, ev: pd.DataFrame, notes: Problems) -> None:
    """Add notes for episode files: stacked returns counted once; children already in care."""
    cols = [h for h in table.headers if h in table.data.columns]
    repeated = table.data.duplicated(cols, keep="first") if cols else pd.Series(dtype=bool)
    if repeated.any():
        notes.add(
            "repeated_rows",
            f"{int(repeated.sum()):,} row(s) repeat an earlier row exactly (annual returns "
            "stacked in one file?): each episode is counted once",
        )
    starts = set(ev.loc[ev["stage"] == "looked_after", "_kid"])
    kids = ids.loc[ids["child_id"] != "", "_kid"].drop_duplicates()
    already = kids.loc[~kids.isin(starts)]
    if len(already):
        notes.add(
            "already_in_care",
            f"{len(already):,} child(ren) were already in care when the file starts (no episode "
            "of theirs starts a period of care): they get no 'looked_after' date, so nothing is "
            "timed from a false start",
        )


def _recorded_stages(
    table: Table, m: Mapping, cat: Catalogue, ev: pd.DataFrame, layout: str
) -> tuple[str, ...]:
    """Return the stages the file records at all: stage columns, stages, rules' stages."""
    if layout == "wide":
        have = {t for t in table.targets.values() if t in cat}
    elif layout == "rules":
        have = {r.stage for r in m.events}
    else:  # a long file lists events, not columns: a stage with no row may just not be reached
        have = set(cat.codes)
    have |= set(ev["stage"].dropna().astype(str))
    return tuple(c for c in cat.codes if c in have)


#: Column names (normalised) that hold a local authority in files people send.
AUTHORITY_LIKE = frozenset(
    {
        "la",
        "la_code",
        "la_name",
        "lacode",
        "laname",
        "local_authority",
        "local_authority_name",
        "local_authority_code",
        "council",
        "council_name",
        "authority_name",
        "authority_code",
        "lea",
        "new_la_code",
        "old_la_code",
    }
)


def _authority_like(table: Table) -> list[str]:
    return [
        h for h in table.headers if h not in table.targets and normalise_name(h) in AUTHORITY_LIKE
    ]


def _check_pooled(
    table: Table, m: Mapping, ids: pd.DataFrame, problems: Problems, notes: Problems
) -> None:
    """Name an unmapped column that looks like the authority (several councils pooled?)."""
    if table.local("authority"):
        return
    for col in _authority_like(table):
        values = _events.text_cells(table.data[col])
        n = values.loc[values != ""].nunique()
        fix = f"map it: columns: {{{col}: authority}} in the mapping"
        if n > 1:
            problems.add(
                "authority_column",
                f"looks like the local authority and holds {n} different values, but no column "
                f"gives the authority, so {n} councils would be pooled as one; {fix}",
                column=col,
            )
        else:
            notes.add(
                "authority_column",
                f"looks like the local authority but is not used (the authority is "
                f"'{m.authority}' from the mapping); to use it, {fix}",
                column=col,
            )


def _one_authority(
    table: Table, ids: pd.DataFrame, authority: str, file: str, notes: Problems
) -> tuple[Table, pd.DataFrame]:
    """Keep one authority's rows; a note counts the others' (they are not checked)."""
    auth = ids["authority"].astype(str).str.strip().str.casefold()
    keep = auth == authority.strip().casefold()
    if not keep.any():
        found = sorted({str(a) for a in ids["authority"].dropna() if str(a).strip()})
        shown = ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
        raise OptionsError(
            f"Authority '{authority}' is not in {file} (authorities found: {shown or 'none'})"
        )
    if keep.all():
        return table, ids
    others = ids.loc[~keep, "authority"]
    n_auth = others.loc[others.astype(str).str.strip() != ""].nunique()
    notes.add(
        "other_authorities",
        f"{int((~keep).sum()):,} row(s) of {n_auth} other authorit"
        f"{'y' if n_auth == 1 else 'ies'} (or with no authority) were left out, unchecked: "
        f"this is {authority}'s report",
    )
    table.data = table.data.loc[keep].reset_index(drop=True)
    return table, ids.loc[keep].reset_index(drop=True)


def _row_checks(
    table: Table,
    ev: pd.DataFrame,
    ids: pd.DataFrame,
    layout: str,
    as_of: dt.date,
    problems: Problems,
) -> None:
    """Run the checks across rows: future dates, stages before looked_after, duplicates."""
    valid = ev.loc[(ev["child_id"] != "") & ev["stage"].notna() & ev["date"].notna()]
    check_future_dates(valid, as_of, problems)
    check_before_looked_after(valid, problems)
    check_returned_before_home(valid, problems)
    keys = ["_kid"]
    if layout == "wide":
        has_id = ids["child_id"] != ""
        check_duplicate_children(
            table.data.loc[has_id, "_row"],
            ids.loc[has_id, ["authority", "child_id"]],
            table.local("child_id")[0],
            problems,
        )
    elif layout == "long":
        check_duplicate_events(valid, [*keys, "stage", "date"], "child, stage and date", problems)
        if "occurrence" in valid.columns:
            counted = valid.loc[valid["occurrence"] > 0]
            check_duplicate_events(
                counted.drop_duplicates([*keys, "stage", "date"]),
                [*keys, "stage", "occurrence"],
                "child, stage and occurrence",
                problems,
            )


def _as_of(as_of: dt.date | str | None) -> dt.date:
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise OptionsError(f"as_of must be a date as YYYY-MM-DD; got '{as_of}'") from None


def _layout(table: Table, m: Mapping, cat: Catalogue) -> str:
    if m.events:
        return "rules"
    if m.layout != "auto":
        return m.layout
    targets = set(table.targets.values())
    if {"stage", "date"} & targets:
        return "long"
    if any(t in cat for t in targets):
        return "wide"
    return "unknown"


def _check_columns(
    table: Table, m: Mapping, cat: Catalogue, layout: str, problems: Problems
) -> None:
    if not any(displayable(h) for h in table.headers) or any(
        DATELIKE.search(h) for h in table.headers
    ):
        problems.add(
            "missing_column",
            f"row {table.header_row} looks like data, not a header; expected a header row naming "
            "the columns (add one, or set header_row in a mapping)" + table.hint,
        )
        return
    found = [h for h in table.headers if displayable(h)]
    hidden = len(table.headers) - len(found)
    present = ", ".join(repr(h) for h in found[:30]) or "none that can be shown"
    if hidden or len(found) > 30:
        present += f" and {hidden + max(0, len(found) - 30)} other(s)"
    tail = f"; columns found: {present}{table.hint}"
    keys = {normalise_name(h) for h in table.headers}
    if m.path is None and not m.events and {"child", "decom", "rne"} <= keys:
        tail += (
            "; this looks like an SSDA903 episodes file: a mapping for it ships, use "
            "--mapping ssda903_episodes (mapping='ssda903_episodes' in Python)"
        )
    if layout == "unknown":
        problems.add(
            "missing_column",
            "no stage columns: expected 'stage' and 'date' columns (one row per event) or one "
            "date column per stage code such as 'looked_after' (one row per child)" + tail,
        )
        return
    required = ["child_id"] + ([] if m.authority else ["authority"])
    required += {"wide": ["looked_after"], "long": ["stage", "date"], "rules": []}[layout]
    targets = set(table.targets.values())
    for name in required:
        if name in targets:
            continue
        local = [k for k, v in m.columns.items() if v == name]
        via = f" (the mapping names it {', '.join(repr(x) for x in local)})" if local else ""
        problems.add(
            "missing_column",
            f"missing required column '{name}'{via}: {_WHAT[name]}" + tail,
        )
    if layout == "rules":
        for col in _events.missing_rule_columns(table, m):
            problems.add(
                "missing_column",
                f"missing column '{col}' named by the mapping's event rules" + tail,
            )
