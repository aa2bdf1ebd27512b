"""Column mappings: how a local extract's columns, labels and dates map to the canonical tables.

A mapping is a small YAML file (``parameters/mappings/*.yaml``, documented in ``docs/data.md``).
It is checked once, here, when it is loaded: an unknown key is an error naming the key, so a
typo never silently changes how an extract is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paceqi import _yaml
from paceqi._paths import parameters_dir
from paceqi.data.schema import CHILDREN_COLUMNS, EVENTS_COLUMNS, ROUTES
from paceqi.errors import OptionsError

__all__ = [
    "EventRule",
    "Mapping",
    "load_mapping",
    "normalise_name",
    "DEFAULT_DATE_FORMATS",
    "LAYOUTS",
    "MAPPING_KEYS",
]

#: Date formats tried when a mapping states none: ISO (what paceqi writes) and the UK format.
DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")

#: How the rows of an extract are laid out.
LAYOUTS = ("auto", "wide", "long")

#: Top-level keys a mapping may have (anything else is an error).
MAPPING_KEYS = (
    "description",
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
)

_RULE_KEYS = ("stage", "date", "when", "first", "route", "outcome")

#: Canonical names a local column may be renamed to (besides stage codes).
CANONICAL_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys((*CHILDREN_COLUMNS, *EVENTS_COLUMNS, "route"))
)


def normalise_name(name: object) -> str:
    """Return the key a column name is matched by: lower case, runs of other characters as ``_``.

    Examples
    --------
    >>> normalise_name("  Date LAC ")
    'date_lac'
    >>> normalise_name("Child-ID")
    'child_id'
    """
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().casefold()).strip("_")


@dataclass(frozen=True)
class EventRule:
    """Turn the rows of an episode-style file into events (one rule, one possible event per row).

    A row yields a ``stage`` event dated by its ``date`` column when every ``when`` condition
    holds (column value among the listed codes). ``first`` keeps only each child's earliest such
    row. ``route`` and ``outcome`` are recorded on the event.
    """

    stage: str
    date: str
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    first: bool = False
    route: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A checked column mapping (see ``docs/data.md`` for the YAML format)."""

    name: str = "none"
    layout: str = "auto"
    sheet: str | int | None = None
    header_row: int | None = None
    delimiter: str | None = None
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    authority: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    stages: dict[str, str | None] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)
    events: tuple[EventRule, ...] = ()
    path: Path | None = None


def load_mapping(
    mapping: str | Path | MappingABC[str, Any] | Mapping | None, stage_codes: tuple[str, ...]
) -> Mapping:
    """Load and check a mapping.

    Parameters
    ----------
    mapping : str, Path, dict, Mapping or None
        A YAML file, the name of one in ``parameters/mappings/``, an already-parsed dict, or
        None (canonical column names, ISO or DD/MM/YYYY dates).
    stage_codes : tuple of str
        Stage codes of the catalogue in use; mapped stage names must be among them.

    Returns
    -------
    Mapping

    Raises
    ------
    OptionsError
        If the file cannot be read, or a key or value is not allowed (the message names it).

    Examples
    --------
    >>> m = load_mapping({"date_format": "%d/%m/%Y", "columns": {"Ref": "child_id"}},
    ...                  ("looked_after",))
    >>> m.date_formats, m.columns
    (('%d/%m/%Y',), {'ref': 'child_id'})
    """
    if mapping is None:
        return Mapping()
    if isinstance(mapping, Mapping):
        return mapping
    path: Path | None = None
    if isinstance(mapping, str | Path):
        path = _resolve(mapping)
        try:
            doc = _yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise OptionsError(f"Cannot read mapping {path}: {type(exc).__name__}") from None
        name = path.name
    else:
        doc, name = mapping, "mapping"
    if doc is None:
        doc = {}
    if not isinstance(doc, MappingABC):
        raise OptionsError(f"{name}: a mapping must be a YAML mapping of keys to values")
    return _parse(doc, name, path, stage_codes)


def _resolve(mapping: str | Path) -> Path:
    p = Path(mapping)
    if p.suffix not in (".yaml", ".yml") and not p.exists():
        p = parameters_dir() / "mappings" / f"{p.name}.yaml"
    if not p.is_file():
        raise OptionsError(f"Mapping file not found: {p}")
    return p


def _parse(
    doc: MappingABC[str, Any], name: str, path: Path | None, codes: tuple[str, ...]
) -> Mapping:
    unknown = [str(k) for k in doc if k not in MAPPING_KEYS]
    if unknown:
        raise OptionsError(
            f"{name}: unknown key(s) {', '.join(repr(k) for k in unknown)}; "
            f"allowed: {', '.join(MAPPING_KEYS)}"
        )
    layout = doc.get("layout", "auto")
    if layout not in LAYOUTS:
        raise OptionsError(f"{name}: layout must be one of {', '.join(LAYOUTS)}")
    return Mapping(
        name=name,
        layout=layout,
        sheet=_sheet(doc.get("sheet"), name),
        header_row=_header_row(doc.get("header_row"), name),
        delimiter=_delimiter(doc.get("delimiter"), name),
        date_formats=_date_formats(doc.get("date_format"), name),
        authority=_optional_text(doc.get("authority"), name, "authority"),
        columns=_columns(doc.get("columns"), name, codes),
        stages=_stages(doc.get("stages"), name, codes),
        routes=_routes(doc.get("routes"), name),
        events=_rules(doc.get("events"), name, codes),
        path=path,
    )


def _dict(value: Any, name: str, key: str) -> MappingABC[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, MappingABC):
        raise OptionsError(f"{name}: '{key}' must be a mapping of local names to canonical names")
    return value


def _optional_text(value: Any, name: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        raise OptionsError(f"{name}: '{key}' must be a non-empty text")
    return str(value).strip()


def _sheet(value: Any, name: str) -> str | int | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise OptionsError(f"{name}: 'sheet' must be a sheet name or a sheet number (1 = first)")


def _header_row(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise OptionsError(f"{name}: 'header_row' must be a row number (1 = the first row)")


def _delimiter(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if value in (",", ";", "\t", "|"):
        return str(value)
    raise OptionsError(f"{name}: 'delimiter' must be one of ',', ';', '|' or a tab")


_ALLOWED_DIRECTIVES = {"%d", "%m", "%Y", "%y", "%b", "%B", "%H", "%M", "%S", "%%"}


def _date_formats(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_DATE_FORMATS
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise OptionsError(f"{name}: 'date_format' must be a format such as '%d/%m/%Y' or a list")
    for fmt in values:
        problem = _format_problem(fmt)
        if problem:
            raise OptionsError(
                f"{name}: date_format '{fmt}' {problem}; expected a format such as '%d/%m/%Y' "
                "with a day (%d), month (%m, %b or %B) and year (%Y or %y), each once, and no "
                "other directives than %H, %M, %S (write %% for a percent sign)"
            )
    return tuple(values)


def _format_problem(fmt: str) -> str | None:
    """Return what is wrong with a date format, or None (repeats, stray %, missing parts)."""
    found: list[str] = []
    i = 0
    while i < len(fmt):
        if fmt[i] != "%":
            i += 1
            continue
        if i + 1 >= len(fmt):
            return "ends with a stray %"
        found.append(fmt[i : i + 2])
        i += 2
    unknown = sorted({d for d in found if d not in _ALLOWED_DIRECTIVES})
    if unknown:
        return f"has directive(s) {', '.join(unknown)} that a date format cannot use"
    twice = sorted({d for d in found if d != "%%" and found.count(d) > 1})
    groups = ({"%m", "%b", "%B"}, {"%Y", "%y"}, {"%d"})
    if twice or any(len(set(found) & g) > 1 for g in groups):
        return "gives a part of the date more than once"
    if "%d" not in found or not set(found) & groups[0] or not set(found) & groups[1]:
        return "lacks a day, a month or a year"
    import datetime as dt

    sample = dt.datetime(2016, 2, 3, 4, 5, 6)
    try:  # the strongest check: pandas reads back what the format writes
        import pandas as pd

        back = pd.to_datetime(pd.Series([sample.strftime(fmt)]), format=fmt)
        ok = back.iloc[0].date() == sample.date()
    except (ValueError, TypeError, OverflowError):
        ok = False
    return None if ok else "cannot be read back (pandas rejects it)"


def _columns(value: Any, name: str, codes: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for local, target in _dict(value, name, "columns").items():
        if target not in CANONICAL_COLUMNS and target not in codes:
            raise OptionsError(
                f"{name}: columns: '{local}' maps to '{target}', which is neither a canonical "
                f"column ({', '.join(CANONICAL_COLUMNS)}) nor a stage code of the catalogue "
                f"({', '.join(codes)})"
            )
        key = normalise_name(local)
        if key in out:
            raise OptionsError(f"{name}: columns: '{local}' is listed twice")
        out[key] = str(target)
    canonical = [t for t in out.values() if t in CANONICAL_COLUMNS]
    twice = sorted({t for t in canonical if canonical.count(t) > 1})
    if twice:
        raise OptionsError(f"{name}: columns: more than one column maps to {', '.join(twice)}")
    return out


def _stages(value: Any, name: str, codes: tuple[str, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for local, target in _dict(value, name, "stages").items():
        if target is not None and target not in codes:
            raise OptionsError(
                f"{name}: stages: '{local}' maps to '{target}', which is not a stage code of the "
                f"catalogue ({', '.join(codes)}); use null to ignore rows with that label"
            )
        out[str(local).strip().casefold()] = target
    return out


def _routes(value: Any, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for local, target in _dict(value, name, "routes").items():
        if target not in ROUTES:
            raise OptionsError(
                f"{name}: routes: '{local}' maps to '{target}', which is not a route "
                f"({', '.join(ROUTES)})"
            )
        out[str(local).strip().casefold()] = str(target)
    return out


def _rules(value: Any, name: str, codes: tuple[str, ...]) -> tuple[EventRule, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise OptionsError(f"{name}: 'events' must be a list of rules (stage, date, when, ...)")
    return tuple(_rule(raw, f"{name}: events rule {i}", codes) for i, raw in enumerate(value, 1))


def _rule(raw: Any, where: str, codes: tuple[str, ...]) -> EventRule:
    if not isinstance(raw, MappingABC):
        raise OptionsError(f"{where}: expected a mapping with keys {', '.join(_RULE_KEYS)}")
    unknown = [str(k) for k in raw if k not in _RULE_KEYS]
    if unknown:
        raise OptionsError(
            f"{where}: unknown key(s) {', '.join(repr(k) for k in unknown)}; "
            f"allowed: {', '.join(_RULE_KEYS)}"
        )
    if raw.get("stage") not in codes:
        raise OptionsError(f"{where}: 'stage' must be a stage code ({', '.join(codes)})")
    if not isinstance(raw.get("date"), str) or not raw["date"].strip():
        raise OptionsError(f"{where}: 'date' must name the column that dates the event")
    when = _dict(raw.get("when"), where, "when")
    conditions = []
    for col, allowed in when.items():
        allowed_list = allowed if isinstance(allowed, list) else [allowed]
        if not allowed_list or not all(isinstance(a, str | int) for a in allowed_list):
            raise OptionsError(f"{where}: when: '{col}' must list the codes that match")
        conditions.append((str(col), tuple(str(a).strip().casefold() for a in allowed_list)))
    route = raw.get("route")
    if route is not None and route not in ROUTES:
        raise OptionsError(f"{where}: 'route' must be one of {', '.join(ROUTES)}")
    first = raw.get("first", False)
    if not isinstance(first, bool):
        raise OptionsError(f"{where}: 'first' must be true or false")
    return EventRule(
        stage=raw["stage"],
        date=raw["date"].strip(),
        when=tuple(conditions),
        first=first,
        route=route,
        outcome=_optional_text(raw.get("outcome"), where, "outcome"),
    )
