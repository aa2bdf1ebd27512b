"""Turn the rows of a table into canonical children and events (wide, long or rule-based)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.data._table import Table
from paceqi.data.mapping import Mapping, normalise_name
from paceqi.data.schema import ROUTES
from paceqi.data.validate import Problems, describe_formats, parse_date_cells

__all__ = [
    "ids",
    "children_frame",
    "missing_rule_columns",
    "wide_events",
    "long_events",
    "rule_events",
    "add_occurrence",
]

_IGNORE = "\x00ignore"
_EV_COLS = ["authority", "child_id", "_kid", "stage", "date", "route", "outcome", "_row", "_col"]
_OPTIONAL_CHILD = ("sex", "birth_month", "sibling_group_id")
_BIRTH_MONTH_FORMATS = ("%Y-%m", "%m/%Y")
#: The largest occurrence accepted (a stage reached more often is a typing slip).
MAX_OCCURRENCE = 10_000


def _text(s: pd.Series) -> pd.Series:
    """Cells as stripped text ('' for blank); the work is done once per distinct cell."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    stripped = pd.Series(np.asarray(uniq, dtype=object)).astype(str).str.strip().to_numpy()
    out = stripped[np.where(codes >= 0, codes, 0)] if len(stripped) else np.full(len(s), "")
    return pd.Series(np.where(codes >= 0, out, ""), index=s.index, dtype=object)


def text_cells(s: pd.Series) -> pd.Series:
    """Cells as stripped text ('' for blank)."""
    return _text(s)


def _blank_to_nan(s: pd.Series) -> pd.Series:
    return s.mask(s == "").astype(object)


def _column(table: Table, target: str) -> str | None:
    local = table.local(target)
    return local[0] if local else None


def ids(table: Table, m: Mapping, problems: Problems) -> pd.DataFrame:
    """authority and child_id for every data row (blank required cells are failures)."""
    d = table.data
    out = pd.DataFrame(index=d.index)
    auth_col = _column(table, "authority")
    if auth_col is not None:
        auth = _text(d[auth_col])
        if m.authority is not None:
            auth = auth.mask(auth == "", m.authority)
        _missing(problems, d, auth, auth_col, "the authority")
        out["authority"] = auth
    else:
        out["authority"] = m.authority
    id_col = _column(table, "child_id")
    ids = _text(d[id_col]) if id_col else pd.Series("", index=d.index)
    if id_col:
        _missing(problems, d, ids, id_col, "the child's id")
    out["child_id"] = ids
    # one integer per child: grouping, sorting and merging on it is much faster than on text
    out["_kid"] = out.groupby(["authority", "child_id"], sort=False, dropna=False).ngroup()
    return out


def _missing(problems: Problems, d: pd.DataFrame, values: pd.Series, col: str, what: str) -> None:
    blank = values == ""
    problems.add_rows(
        "missing_value", d.loc[blank, "_row"], col, f"empty; expected {what} on every row"
    )


def _dates(
    table: Table, col: str, m: Mapping, problems: Problems, *, required: bool = False
) -> pd.Series:
    d = table.data
    p = parse_date_cells(d[col], m.date_formats)
    dates, bad, impossible = p.dates, p.bad, p.impossible
    dates.index = d.index
    for mask in (bad, impossible, p.out_of_range, p.serial):
        mask.index = d.index
    fmt = describe_formats(m.date_formats)
    if p.suggestion is not None:
        problems.add(
            "wrong_date_format",
            _suggestion_text(p.suggestion, m, all_bad=not (dates.notna()).any()),
            column=col,
        )
    problems.add_rows(
        "impossible_date",
        d.loc[impossible, "_row"],
        col,
        f"not a real calendar date (that day does not exist); expected a date in the format {fmt}",
    )
    problems.add_rows(
        "date_out_of_range",
        d.loc[p.out_of_range, "_row"],
        col,
        "a date before 1678 or after 2261 (a typing slip such as year 0016 or 9999?); "
        "expected the real date",
    )
    problems.add_rows(
        "bad_date",
        d.loc[p.serial, "_row"],
        col,
        "a number, not a date (an Excel day number? format the column as dates in the "
        f"spreadsheet); expected a date in the format {fmt}",
    )
    plain = bad & ~impossible & ~p.out_of_range & ~p.serial
    problems.add_rows("bad_date", d.loc[plain, "_row"], col, f"not a date in the format {fmt}")
    if required:
        blank = dates.isna() & ~bad
        problems.add_rows(
            "missing_value", d.loc[blank, "_row"], col, "empty; expected the date of the event"
        )
    return dates


def _suggestion_text(fmt: str, m: Mapping, *, all_bad: bool) -> str:
    """Say which date_format to set when the column's bad dates all fit another format."""
    human = describe_formats((fmt,))
    if all_bad:
        setting = f'date_format: "{fmt}"'
        what = "every date in this column"
    else:
        setting = "date_format: [" + ", ".join(f'"{f}"' for f in (*m.date_formats, fmt)) + "]"
        what = "every date here that does not fit the expected format"
    where = f"in the mapping ({m.name})" if m.path is not None else "in a mapping (--mapping)"
    return (
        f"{what} is written {human}, not {describe_formats(m.date_formats)}; set {setting} {where}"
    )


def _routes(table: Table, col: str | None, m: Mapping, problems: Problems) -> pd.Series:
    d = table.data
    if col is None:
        return pd.Series(np.nan, index=d.index, dtype=object)
    text = _text(d[col]).str.casefold()
    lookup = {r: r for r in ROUTES} | m.routes
    routes = text.map(lookup)
    unknown = (text != "") & routes.isna()
    problems.add_rows(
        "unknown_route",
        d.loc[unknown, "_row"],
        col,
        f"not a route; expected one of {', '.join(ROUTES)} "
        "or a label listed under 'routes' in the mapping",
    )
    return routes.astype(object)


def wide_events(
    table: Table, m: Mapping, cat: Catalogue, ids: pd.DataFrame, problems: Problems
) -> pd.DataFrame:
    """One event per dated stage cell of a wide extract (route: the child's route column)."""
    d = table.data
    route = _routes(table, _column(table, "route"), m, problems)
    parts = []
    for label, target in table.targets.items():
        if target not in cat:
            continue
        dates = _dates(table, label, m, problems)
        keep = dates.notna()
        parts.append(
            pd.DataFrame(
                {
                    "authority": ids.loc[keep, "authority"],
                    "child_id": ids.loc[keep, "child_id"],
                    "_kid": ids.loc[keep, "_kid"],
                    "stage": target,
                    "date": dates[keep],
                    "route": route[keep],
                    "outcome": np.nan,
                    "_row": d.loc[keep, "_row"],
                    "_col": label,
                }
            )
        )
    return _concat(parts)


def long_events(
    table: Table, m: Mapping, cat: Catalogue, ids: pd.DataFrame, problems: Problems, notes: Problems
) -> pd.DataFrame:
    """One event per row of a long extract (stage, date, optional occurrence/route/outcome)."""
    d = table.data
    stage_col, date_col = _column(table, "stage"), _column(table, "date")
    assert stage_col is not None and date_col is not None
    text = _text(d[stage_col])
    folded = text.str.casefold()
    lookup = {c.casefold(): c for c in cat.codes}
    lookup |= {s.label.casefold(): s.code for s in cat.stages}
    lookup |= {k: (v if v is not None else _IGNORE) for k, v in m.stages.items()}
    stage = folded.map(lookup)
    _missing(problems, d, text, stage_col, "a stage")
    unknown = (text != "") & stage.isna()
    problems.add_rows(
        "unknown_stage",
        d.loc[unknown, "_row"],
        stage_col,
        f"not a stage; expected a stage code of the '{cat.name}' catalogue "
        f"({', '.join(cat.codes)}) or a label listed under 'stages' in the mapping",
    )
    ignored = stage == _IGNORE
    if ignored.any():
        notes.add(
            "ignored_rows",
            f"{int(ignored.sum())} row(s) skipped: their stage label is mapped to null (ignored)",
            column=stage_col,
        )
    dates = _dates(table, date_col, m, problems, required=True)
    outcome_col = _column(table, "outcome")
    outcome = _blank_to_nan(_text(d[outcome_col])) if outcome_col else np.nan
    ev = pd.DataFrame(
        {
            "authority": ids["authority"],
            "child_id": ids["child_id"],
            "_kid": ids["_kid"],
            "stage": stage,
            "date": dates,
            "route": _routes(table, _column(table, "route"), m, problems),
            "outcome": outcome,
            "_row": d["_row"],
            "_col": date_col,
        }
    )
    occ_col = _column(table, "occurrence")
    if occ_col is not None:
        occ = pd.to_numeric(_text(d[occ_col]), errors="coerce").astype("float64")
        # inf, 1e20 and 2.5 are not occurrences (1e20 would wrap round to a negative integer)
        bad = ~((occ >= 1) & (occ <= MAX_OCCURRENCE) & (occ % 1 == 0))
        problems.add_rows(
            "bad_occurrence",
            d.loc[bad, "_row"],
            occ_col,
            f"not a whole number from 1 to {MAX_OCCURRENCE:,}; expected 1 the first time a stage "
            "is reached, "
            "2 the second time, ...",
        )
        ev["occurrence"] = occ.where(~bad, 0).astype("int64")
    return ev.loc[~ignored].reset_index(drop=True)


def rule_events(table: Table, m: Mapping, ids: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Events from an episode-style file through the mapping's ``events`` rules."""
    d = table.data
    by_key = {normalise_name(h): h for h in table.headers}
    by_key |= {normalise_name(t): h for h, t in table.targets.items()}
    dates_cache: dict[str, pd.Series] = {}
    parts = []
    for rule in m.events:
        date_col = by_key[normalise_name(rule.date)]
        if date_col not in dates_cache:
            dates_cache[date_col] = _dates(table, date_col, m, problems)
        dates = dates_cache[date_col]
        keep = dates.notna()
        for col, allowed in rule.when:
            keep &= _text(d[by_key[normalise_name(col)]]).str.casefold().isin(allowed)
        ev = pd.DataFrame(
            {
                "authority": ids.loc[keep, "authority"],
                "child_id": ids.loc[keep, "child_id"],
                "_kid": ids.loc[keep, "_kid"],
                "stage": rule.stage,
                "date": dates[keep],
                "route": rule.route if rule.route is not None else np.nan,
                "outcome": rule.outcome if rule.outcome is not None else np.nan,
                "_row": d.loc[keep, "_row"],
                "_col": date_col,
            }
        )
        if rule.first:
            ev = ev.sort_values(["date", "_row"]).drop_duplicates(["_kid"])
        parts.append(ev)
    ev = _concat(parts)
    # rules are a union: the same event found by two rules is one event
    return ev.sort_values("_row", kind="stable").drop_duplicates(["_kid", "stage", "date"])


def missing_rule_columns(table: Table, m: Mapping) -> list[str]:
    """Columns named by the mapping's rules that the file does not have."""
    have = {normalise_name(h) for h in table.headers} | {
        normalise_name(t) for t in table.targets.values()
    }
    names = [r.date for r in m.events] + [c for r in m.events for c, _ in r.when]
    return list(dict.fromkeys(n for n in names if normalise_name(n) not in have))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _EV_COLS}).astype(
            {"date": "datetime64[ns]", "_row": "int64", "_kid": "int64"}
        )
    return pd.concat(parts, ignore_index=True)


def add_occurrence(ev: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Sort events per child by date and stage order; number repeats of a stage 1, 2, ..."""
    ev = ev.assign(_order=ev["stage"].map(order))
    ev = ev.sort_values(["_kid", "date", "_order", "_row"], kind="stable")
    if "occurrence" not in ev.columns:
        ev["occurrence"] = ev.groupby(["_kid", "stage"]).cumcount() + 1
    return ev.drop(columns="_order").reset_index(drop=True)


def children_frame(table: Table, m: Mapping, ids: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """One row per child (first row it appears on), with the optional child columns."""
    d = table.data
    kids = ids.assign(_row=d["_row"])
    for name in _OPTIONAL_CHILD:
        col = _column(table, name)
        if col is None:
            kids[name] = np.nan
        elif name == "birth_month":
            bm = Mapping(date_formats=(*_BIRTH_MONTH_FORMATS, *m.date_formats))
            months = _dates(table, col, bm, problems)
            kids[name] = months.dt.to_period("M").dt.to_timestamp()
        else:
            kids[name] = _blank_to_nan(_text(d[col]))
    kids = kids.loc[(kids["child_id"] != "") & kids["authority"].notna()]
    first = kids.drop_duplicates(["_kid"]).set_index("_kid")
    present = [c for c in _OPTIONAL_CHILD if kids[c].notna().any()]
    if len(first) < len(kids) and present:  # long files: the first recorded value of each
        first[present] = kids.groupby("_kid", sort=False)[present].first().reindex(first.index)
    return first.reset_index()
