"""``paceqi validate PATH [--mapping FILE] [--as-of YYYY-MM-DD]``: check an extract.

Light to import (argparse and the standard library only); pandas loads inside the handler.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

__all__ = ["register"]

#: Notes listed even without --notes: they change which rows or dates a report uses.
LOUD_NOTES = ("authority_column", "other_authorities", "as_of", "coverage")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def register(subparsers: Any) -> None:
    """Add the ``validate`` sub-command."""
    p = subparsers.add_parser(
        "validate",
        help="check an extract and list every problem",
        description="Load an extract (CSV or XLSX, wide or long), run every check and print "
        "either a one-line summary (exit 0) or a table of failures (exit 1).",
    )
    p.add_argument("path", metavar="PATH", help="the extract file (.csv or .xlsx)")
    p.add_argument(
        "--mapping", metavar="FILE", help="mapping YAML (or its name in parameters/mappings/)"
    )
    p.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_date,
        default=None,
        help="the extract date: no event may be later (default: the extract's own date, the "
        "latest date it records, as for paceqi run and the notebooks)",
    )
    p.add_argument(
        "--authority",
        metavar="NAME",
        default=None,
        help="check only this authority's rows (as its report does); others are counted in a note",
    )
    p.add_argument("--notes", action="store_true", help="also list the data-quality notes")
    p.add_argument(
        "--max-rows",
        metavar="N",
        type=int,
        default=50,
        help="list at most N failures (default 50; 0 lists all)",
    )
    p.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    from paceqi.data.load import load_extract
    from paceqi.errors import DataValidationError

    try:
        ex = load_extract(args.path, args.mapping, as_of=args.as_of, authority=args.authority)
    except DataValidationError as err:
        failures = err.failures
        shown = failures if args.max_rows <= 0 else failures.head(args.max_rows)
        n = len(failures)
        print(f"{_file_label(failures, args.path)}: {n:,} problem{'s' if n != 1 else ''} found")
        print(format_table(shown))
        if len(shown) < n:
            print(f"... and {n - len(shown):,} more (use --max-rows 0 to list all)")
        return 1
    stages = ex.events["stage"].nunique()
    notes = len(ex.notes)
    print(
        f"{ex.source}: {len(ex.children):,} children, {len(ex.events):,} events, "
        f"{stages} stage{'s' if stages != 1 else ''}, {notes} data-quality "
        f"note{'s' if notes != 1 else ''}; no problems"
        + ("" if args.notes or not notes else " (use --notes to list the notes)")
    )
    if args.notes and notes:
        print(format_table(ex.notes))
    elif notes:  # notes that change what the report shows are always listed
        loud = ex.notes.loc[ex.notes["check"].isin(LOUD_NOTES)]
        if len(loud):
            print(format_table(loud))
    return 0


def _file_label(failures: Any, path: str) -> str:
    files = failures["file"].dropna().unique()
    return str(files[0]) if len(files) == 1 else str(path)


def format_table(frame: Any) -> str:
    """Return the failure table as aligned plain text (file, row, column, check, message)."""
    cols = ["file", "row", "column", "check", "message"]
    rows = [
        ["" if _missing(v) else str(v) for v in rec]
        for rec in frame.loc[:, cols].itertuples(index=False, name=None)
    ]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(cols[:-1])]
    lines = []
    for rec in [cols, *rows]:
        cells = [rec[i].ljust(widths[i]) for i in range(len(widths))]
        lines.append("  ".join([*cells, rec[-1]]).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 7)
    return "\n".join(lines)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) == "<NA>"
