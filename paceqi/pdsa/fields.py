"""Field rules of PDSA records: one place that says what each field may hold.

The store, the importers, the CLI and the notebook form all call :func:`clean_record`, so a
value is accepted or refused the same way everywhere. Messages name the field and what was
expected; they never repeat the value (PDSA notes can mention children).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from paceqi.pdsa.vocab import (
    ACT_DECISIONS,
    ANNOTATION_KINDS,
    CHANGE_IDEA_STATUSES,
    DRIVER_LEVELS,
    DRIVER_STRENGTHS,
    MEASURE_FAMILIES,
    PURPOSES,
)

__all__ = [
    "Field",
    "CYCLE_FIELDS",
    "AIM_FIELDS",
    "DRIVER_FIELDS",
    "CHANGE_IDEA_FIELDS",
    "ANNOTATION_FIELDS",
    "MEASURE_FIELDS",
    "clean_record",
    "parse_date",
    "parse_bool",
]


@dataclass(frozen=True)
class Field:
    """One field: its kind (text, texts, date, bool, int, float, choice, results) and rules."""

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()


def _f(name: str, kind: str = "text", required: bool = False, choices=()) -> Field:
    return Field(name, kind, required, tuple(choices))


#: PDSA cycle fields in worksheet order (IHI "Testing Changes"; DOMAIN.md 4.1 and A6).
CYCLE_FIELDS: tuple[Field, ...] = (
    _f("cycle_no", "int", required=True),
    _f("title"),
    _f("purpose", "choice", choices=PURPOSES),
    _f("objective"),
    _f("questions", "texts"),
    _f("predictions", "texts"),
    _f("plan_who"),
    _f("plan_what"),
    _f("plan_when"),
    _f("plan_where"),
    _f("data_plan"),
    _f("scale"),
    _f("start_date", "date"),
    _f("end_date", "date"),
    _f("carried_out_as_planned", "bool"),
    _f("do_observations"),
    _f("unexpected_events"),
    _f("study_results", "results"),
    _f("act_decision", "choice", choices=ACT_DECISIONS),
    _f("next_steps"),
    _f("predictions_recorded_at", "datetime"),
)

AIM_FIELDS: tuple[Field, ...] = (
    _f("statement", required=True),
    _f("measure"),
    _f("target_value", "float"),
    _f("target_date", "date"),
    _f("baseline_value", "float"),
)

DRIVER_FIELDS: tuple[Field, ...] = (
    _f("level", "choice", required=True, choices=DRIVER_LEVELS),
    _f("text", required=True),
    _f("strength", "choice", choices=DRIVER_STRENGTHS),
)

CHANGE_IDEA_FIELDS: tuple[Field, ...] = (
    _f("name", required=True),
    _f("description"),
    _f("notebook"),
    _f("status", "choice", choices=CHANGE_IDEA_STATUSES),
    _f("owner"),
)

ANNOTATION_FIELDS: tuple[Field, ...] = (
    _f("date", "date", required=True),
    _f("text", required=True),
    _f("kind", "choice", required=True, choices=ANNOTATION_KINDS),
    _f("measure"),
)

MEASURE_FIELDS: tuple[Field, ...] = (
    _f("name", required=True),
    _f("family", "choice", choices=MEASURE_FAMILIES),
    _f("operational_definition"),
)

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_date(value: Any) -> dt.date:
    """Return ``value`` as a date (a date, a midnight datetime or an ISO ``YYYY-MM-DD`` text).

    Raises ``ValueError`` otherwise.

    Examples
    --------
    >>> parse_date("2016-03-01")
    datetime.date(2016, 3, 1)
    """
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError("a date without a time")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise ValueError("a date YYYY-MM-DD")


def parse_bool(value: Any) -> bool:
    """Return ``value`` as a bool (True/False, or yes/no/true/false/1/0 text).

    Examples
    --------
    >>> parse_bool("Yes"), parse_bool(False)
    (True, False)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("true or false (yes/no)")


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError("text")
    if "\x00" in value:
        raise ValueError("text without NUL characters (databases cannot store them)")
    return value if value != "" else None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError("a list of texts")
    out = []
    for item in value:
        if not isinstance(item, str) or item == "":
            raise ValueError("a list of non-empty texts")
        _text(item)
        out.append(item)
    return out


def _results(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise ValueError("a list of {prediction, result, met}")
    out = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or set(item) - {"prediction", "result", "met"}:
            raise ValueError(f"a list of {{prediction, result, met}} (item {i} is not)")
        met = item.get("met")
        try:
            met = None if met is None or met == "" else parse_bool(met)
            prediction = None if item.get("prediction") is None else _text(item["prediction"])
            result = None if item.get("result") is None else _text(item["result"])
        except ValueError as exc:
            raise ValueError(f"item {i}: {exc}") from None
        if prediction is None and result is None and met is None:
            raise ValueError(f"a list of {{prediction, result, met}} (item {i} is empty)")
        out.append({"prediction": prediction, "result": result, "met": met})
    return out


def _convert(field: Field, value: Any) -> Any:
    kind = field.kind
    if kind == "text":
        return _text(value)
    if kind == "texts":
        return _texts(value)
    if kind == "results":
        return _results(value)
    if kind == "date":
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            raise ValueError("a date YYYY-MM-DD") from None
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        raise ValueError("a date and time YYYY-MM-DDTHH:MM:SS")
    if kind == "bool":
        return parse_bool(value)
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("a whole number 1 or more")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or value < 1:
            raise ValueError("a whole number 1 or more")
        return value
    if kind == "float":
        if isinstance(value, bool):
            raise ValueError("a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError("a number") from None
    if kind == "choice":
        if value not in field.choices:
            raise ValueError("one of " + ", ".join(field.choices))
        return value
    raise AssertionError(kind)  # pragma: no cover


def _empty(field: Field, value: Any) -> bool:
    if value is None:
        return True
    if field.kind in ("texts", "results"):
        return False
    return isinstance(value, str) and value == "" and field.kind != "text"


def clean_record(
    values: Mapping[str, Any], fields: tuple[Field, ...], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check and convert ``values`` against ``fields``.

    Parameters
    ----------
    values : mapping
        Field name -> value as typed or read from a file.
    fields : tuple of Field
        The record's fields (e.g. :data:`CYCLE_FIELDS`).
    partial : bool
        If True (an update), absent required fields are not reported.

    Returns
    -------
    clean : dict
        The converted values of every field present (empty text becomes None; lists stay lists).
    errors : dict
        Field name -> what was expected, for every bad field (unknown fields included). The
        values are never repeated.

    Examples
    --------
    >>> clean, errors = clean_record({"cycle_no": "2", "purpose": "tset"}, CYCLE_FIELDS)
    >>> clean
    {'cycle_no': 2}
    >>> errors
    {'purpose': 'must be one of collect_info, develop, test, implement'}
    """
    by_name = {f.name: f for f in fields}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in values:
        if name not in by_name:
            errors[name] = "is not a known field (known: " + ", ".join(by_name) + ")"
    for field in fields:
        if field.name not in values:
            if field.required and not partial:
                errors[field.name] = "is required"
            continue
        value = values[field.name]
        if _empty(field, value):
            if field.required:
                errors[field.name] = "is required"
            else:
                clean[field.name] = [] if field.kind in ("texts", "results") else None
            continue
        try:
            converted = _convert(field, value)
        except ValueError as exc:
            errors[field.name] = f"must be {exc}"
            continue
        if converted is None and field.required:
            errors[field.name] = "is required"
            continue
        clean[field.name] = converted
    start, end = clean.get("start_date"), clean.get("end_date")
    if start and end and end < start:
        errors["end_date"] = "must be on or after start_date"
    return clean, errors
