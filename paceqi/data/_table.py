"""Find the header row, name the columns and resolve them against the mapping."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paceqi.data._read import Records, fast_body
from paceqi.data.mapping import CANONICAL_COLUMNS, Mapping, normalise_name
from paceqi.data.validate import Problems

__all__ = [
    "header_score",
    "Table",
    "build_table",
    "resolve_columns",
    "column_letter",
    "displayable",
]

#: How many rows from the top are searched for the header.
HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    """Data rows of an extract with spreadsheet row numbers and resolved column names."""

    data: pd.DataFrame  # columns: local header labels (unique); plus "_row"
    header_row: int  # spreadsheet row of the header
    headers: list[str]
    targets: dict[str, str] = field(default_factory=dict)  # local label -> canonical/stage code
    hint: str = ""  # "row N looks like a header" when the header seems elsewhere

    def local(self, target: str) -> list[str]:
        """Local labels that give a canonical name or stage code."""
        return [h for h, t in self.targets.items() if t == target]


def column_letter(i: int) -> str:
    """Return the spreadsheet letter of a 0-based column index.

    Examples
    --------
    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


DATELIKE = re.compile(r"\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}")


def displayable(header: str) -> bool:
    """Whether a header cell is safe to name in a message (not a date, number or long text)."""
    h = header.strip()
    return 0 < len(h) <= 40 and re.search(r"[A-Za-z]{2}", h) is not None and not DATELIKE.search(h)


def _expected_names(m: Mapping, codes: tuple[str, ...]) -> set[str]:
    names = set(CANONICAL_COLUMNS) | set(codes) | set(m.columns)
    for rule in m.events:
        names.add(normalise_name(rule.date))
        names.update(normalise_name(c) for c, _ in rule.when)
    return names


def _score(row: list[Any], expected: set[str]) -> int:
    return len({normalise_name(c) for c in row if isinstance(c, str)} & expected)


def header_score(m: Mapping, codes: tuple[str, ...]) -> Callable[[list[list[Any]]], int]:
    """Return a function scoring how header-like the best of some rows is (for sheet choice)."""
    expected = _expected_names(m, codes)
    return lambda rows: max((_score(r, expected) for r in rows[:HEADER_SEARCH_ROWS]), default=0)


def build_table(
    records: Records, m: Mapping, codes: tuple[str, ...], problems: Problems, notes: Problems
) -> Table:
    """Choose the header row, build the data frame and report extra fields.

    The header is ``m.header_row`` if given; otherwise the row among the first
    :data:`HEADER_SEARCH_ROWS` with the most recognised column names (row 1 on a tie).
    """
    rows = records.rows or records.all_rows()
    if not rows or not any(str(c).strip() for r in rows[:HEADER_SEARCH_ROWS] for c in r):
        problems.add(
            "empty_file",
            "no header row in the first rows of the file; expected a header row, then one row "
            "per child or event",
        )
        problems.raise_if_any()
    expected = _expected_names(m, codes)
    scores = [_score(r, expected) for r in rows[:HEADER_SEARCH_ROWS]]
    best = int(np.argmax(scores)) if scores else 0
    hint = ""
    if m.header_row is not None:
        idx = m.header_row - 1
        if idx >= len(rows):
            rows = records.all_rows()
        if idx >= len(rows):
            problems.add(
                "no_header",
                f"header_row {m.header_row} is beyond the last row ({len(rows)}) of the file",
            )
            problems.raise_if_any()
        if scores and scores[best] > _score(rows[idx], expected):
            hint = f" (row {best + 1} looks like a header row)"
    else:
        idx = best if scores and scores[best] > scores[0] else 0
        if idx > 0:
            notes.add(
                "header_found",
                f"the header is on row {idx + 1}; the {idx} row(s) above it were skipped "
                "(set header_row in a mapping to say so explicitly)",
            )
    header = ["" if c is None else str(c).strip() for c in rows[idx]]
    fast = fast_body(records, idx, len(header))
    if fast is not None:
        return _frame_table(header, fast, idx + 1, hint)
    body = records.all_rows()[idx + 1 :]
    return _make_table(header, body, idx + 1, hint, problems)


def _frame_table(header: list[str], body: pd.DataFrame, header_row: int, hint: str) -> Table:
    labels = _labels(header)
    body.columns = labels
    body["_row"] = np.arange(header_row + 1, header_row + 1 + len(body))
    blank = body[labels].eq("").all(axis=1)
    data = body.loc[~blank].reset_index(drop=True) if blank.any() else body
    return Table(data=data, header_row=header_row, headers=labels, hint=hint)


def _make_table(
    header: list[str], body: list[list[Any]], header_row: int, hint: str, problems: Problems
) -> Table:
    width = len(header)
    lengths = np.fromiter((len(r) for r in body), dtype=np.int64, count=len(body))
    rows_no = np.arange(header_row + 1, header_row + 1 + len(body))
    if (lengths != width).any():
        long_idx = np.flatnonzero(lengths > width)
        extra = [i for i in long_idx if any(str(c).strip() for c in body[i][width:])]
        if extra:
            problems.add_rows(
                "extra_fields",
                pd.Series(rows_no[extra]),
                None,
                pd.Series(lengths[extra]).astype(str)
                + f" fields but the header has {width}; expected one field per column "
                "(is there an unquoted comma or a stray cell?)",
            )
        body = [r[:width] if len(r) >= width else [*r, *[""] * (width - len(r))] for r in body]
    labels = _labels(header)
    data = (
        pd.DataFrame(body, columns=labels, dtype=object)
        if body
        else pd.DataFrame(columns=labels, dtype=object)
    )
    data["_row"] = rows_no
    blank = data[labels].eq("").all(axis=1) if labels else pd.Series(True, index=data.index)
    data = data.loc[~blank].reset_index(drop=True)
    return Table(data=data, header_row=header_row, headers=labels, hint=hint)


def _labels(header: list[str]) -> list[str]:
    """Unique labels for the header cells (a set keeps this linear: 10,000 columns took 8 s)."""
    labels: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(header):
        label = h if h else f"(column {column_letter(i)})"
        if label in seen:
            label = f"{label} (column {column_letter(i)})"
        n = 2
        while label in seen:  # "A (column C)" may itself be a header cell
            label = f"{h or '(column)'} (column {column_letter(i)}, {n})"
            n += 1
        seen.add(label)
        labels.append(label)
    return labels


def resolve_columns(
    table: Table, m: Mapping, codes: tuple[str, ...], problems: Problems, notes: Problems
) -> None:
    """Fill ``table.targets``: local label -> canonical column or stage code."""
    mapped = set(m.columns.values())
    unused: list[str] = []
    for label in table.headers:
        key = normalise_name(label)
        target = m.columns.get(key)
        if target is None and key not in mapped and (key in CANONICAL_COLUMNS or key in codes):
            target = key
        if target is None:
            if not label.startswith("(column ") or table.data[label].astype(bool).any():
                unused.append(label)
            continue
        table.targets[label] = target
    for target in sorted({t for t in table.targets.values() if t in CANONICAL_COLUMNS}):
        local = table.local(target)
        if len(local) > 1:
            problems.add(
                "duplicate_column",
                f"columns {', '.join(repr(x) for x in local)} all give '{target}'; "
                "expected exactly one",
            )
    rule_cols = {normalise_name(r.date) for r in m.events} | {
        normalise_name(c) for r in m.events for c, _ in r.when
    }
    unused = [u for u in unused if normalise_name(u) not in rule_cols]
    if unused:
        shown = [u for u in unused if displayable(u)]
        hidden = len(unused) - len(shown)
        text = ", ".join(repr(u) for u in shown[:20])
        if hidden or len(shown) > 20:
            text += f" and {hidden + max(0, len(shown) - 20)} other(s)"
        notes.add(
            "ignored_columns",
            f"{len(unused)} column(s) not used (not canonical names, stage codes or mapped): "
            + text,
        )
