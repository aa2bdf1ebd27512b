"""Field rules of PDSA records: one declarative table per record, and the checks they imply.

:data:`CYCLE_FIELDS` is the single list of a PDSA cycle's fields: name, label, help, worksheet
section, kind and command-line flag. The ORM columns (``models.Cycle``, checked by a test), the
CLI options (``commands``), the notebook form (``widgets``), the spreadsheet columns and the
import/export (``io``, ``document``) are all derived from it, so adding a field is one edit
here plus a migration.

The store, the importers, the CLI and the notebook form all call :func:`clean_record`, so a
value is accepted or refused the same way everywhere. Messages name the field and what was
expected; they never repeat the value (PDSA notes can mention children).

Predictions and their study results are **rows** (kind ``predictions``): each row holds one
prediction, the result observed for it and whether it was met (yes / no / not yet), so a result
cannot shift to another prediction. Files written by older paceqi (``predictions`` as texts
plus a separate ``study_results`` list) are still read: :func:`prediction_rows` attaches each
study result to its prediction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
    "KINDS",
    "SECTIONS",
    "CYCLE_FIELDS",
    "CYCLE_FIELD",
    "AIM_FIELDS",
    "DRIVER_FIELDS",
    "CHANGE_IDEA_FIELDS",
    "ANNOTATION_FIELDS",
    "MEASURE_FIELDS",
    "MET_WORDS",
    "clean_record",
    "parse_date",
    "parse_bool",
    "parse_met",
    "prediction_rows",
    "prediction_texts",
    "predictions_changed",
    "section_fields",
]

#: Field kinds: text, note (multi-line text), texts (list of texts), predictions (rows of
#: prediction, result, met), date, datetime, bool, int, float, choice.
KINDS = ("text", "note", "texts", "predictions", "date", "datetime", "bool", "int", "float",
         "choice")  # fmt: skip

#: Worksheet sections in order (IHI "Testing Changes"; DOMAIN.md 4.1), plus ``record`` for
#: fields the store keeps about the record itself.
SECTIONS = {
    "plan": "Plan",
    "do": "Do",
    "study": "Study",
    "act": "Act",
    "record": "Record",
}


@dataclass(frozen=True)
class Field:
    """One field of a record.

    Attributes
    ----------
    name : str
        Column and key name.
    kind : str
        One of :data:`KINDS`.
    required : bool
        The record cannot be saved without it.
    choices : tuple of str
        Allowed values of a ``choice`` field.
    label : str
        What the form and messages call it.
    help : str
        One line of guidance shown under the label.
    section : str
        Worksheet section (:data:`SECTIONS`).
    cli : str or None
        Command-line flag (``--start``); None: not set from the command line.
    """

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    label: str = ""
    help: str = ""
    section: str = ""
    cli: str | None = None

    @property
    def is_list(self) -> bool:
        """True for fields holding a list (texts, prediction rows)."""
        return self.kind in ("texts", "predictions")


def _f(name: str, kind: str = "text", required: bool = False, choices=(), **kw: Any) -> Field:
    return Field(name, kind, required, tuple(choices), **kw)


#: PDSA cycle fields in worksheet order (IHI "Testing Changes"; DOMAIN.md 4.1 and A6).
CYCLE_FIELDS: tuple[Field, ...] = (
    _f("cycle_no", "int", required=True, label="Cycle number", section="plan", cli="--cycle-no",
       help="Position in the ramp (blank: the next number)."),
    _f("title", label="Title", section="plan", cli="--title",
       help="A short name for this test."),
    _f("purpose", "choice", choices=PURPOSES, label="This cycle will", section="plan",
       cli="--purpose",
       help="collect_info: collect information; develop, test or implement a change."),
    _f("objective", "note", label="Objective of the test", section="plan", cli="--objective",
       help="What this cycle sets out to learn or do."),
    _f("questions", "texts", label="Questions", section="plan", cli="--question",
       help="What do we want to know? One per line (repeat --question)."),
    _f("predictions", "predictions", label="Predictions and results", section="plan",
       cli="--prediction",
       help="One row per prediction, written before the test starts; after the test, record "
            "what happened against each one and whether it was met (yes / no / not yet)."),
    _f("plan_who", label="Plan: who", section="plan", cli="--who",
       help="Who carries out the test."),
    _f("plan_what", "note", label="Plan: what", section="plan", cli="--what",
       help="What will be done."),
    _f("plan_when", label="Plan: when", section="plan", cli="--when",
       help="When it will be done."),
    _f("plan_where", label="Plan: where", section="plan", cli="--where",
       help="Where it will be done."),
    _f("data_plan", "note", label="Data to collect", section="plan", cli="--data-plan",
       help="What data will be collected, by whom and when."),
    _f("scale", label="Scale", section="plan", cli="--scale",
       help="How many teams, workers or children, e.g. '1 team, 2 children'. Start small."),
    _f("start_date", "date", label="Start date", section="plan", cli="--start",
       help="The day the test starts (YYYY-MM-DD)."),
    _f("end_date", "date", label="End date", section="do", cli="--end",
       help="The day the test ended (YYYY-MM-DD)."),
    _f("carried_out_as_planned", "bool", label="Carried out as planned?", section="do",
       cli="--carried-out", help="Yes or no."),
    _f("do_observations", "note", label="Do: what happened", section="do",
       cli="--observations", help="Observations while carrying out the test."),
    _f("unexpected_events", "note", label="Do: problems and unexpected events", section="do",
       cli="--unexpected", help="Anything that did not go to plan."),
    _f("act_decision", "choice", choices=ACT_DECISIONS, label="Act: decision", section="act",
       cli="--act", help="adopt (implement), adapt (improve and test again) or abandon."),
    _f("next_steps", "note", label="Act: next steps", section="act", cli="--next-steps",
       help="What the next cycle will change."),
    _f("predictions_recorded_at", "datetime", label="Predictions recorded at", section="record",
       help="When the predictions were first saved (set by the store)."),
)  # fmt: skip

#: Cycle field by name.
CYCLE_FIELD: dict[str, Field] = {f.name: f for f in CYCLE_FIELDS}


def section_fields(section: str) -> tuple[Field, ...]:
    """Return the cycle fields of one worksheet section, in order.

    Examples
    --------
    >>> [f.name for f in section_fields("act")]
    ['act_decision', 'next_steps']
    """
    return tuple(f for f in CYCLE_FIELDS if f.section == section)


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


#: Words accepted for "prediction met?": yes / no / not yet (None).
MET_WORDS: dict[str, bool | None] = {
    "yes": True, "y": True, "true": True, "1": True, "met": True,
    "no": False, "n": False, "false": False, "0": False, "not met": False,
    "not yet": None, "not_yet": None, "not-yet": None, "unknown": None, "?": None, "-": None,
    "": None,
}  # fmt: skip


def parse_met(value: Any) -> bool | None:
    """Return "prediction met?" as True (yes), False (no) or None (not yet).

    Examples
    --------
    >>> parse_met("Yes"), parse_met("no"), parse_met("not yet"), parse_met(None)
    (True, False, None, None)
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in MET_WORDS:
        return MET_WORDS[value.strip().lower()]
    raise ValueError("yes, no or not yet")


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


_ROW_KEYS = ("prediction", "result", "met")


def _row(item: Any, i: int) -> dict[str, Any] | None:
    """One prediction row, cleaned; None for an empty row."""
    if isinstance(item, str):
        item = {"prediction": item}
    if not isinstance(item, Mapping) or set(item) - set(_ROW_KEYS):
        raise ValueError(f"a list of {{prediction, result, met}} rows (row {i} is not)")
    try:
        prediction = None if item.get("prediction") is None else _text(item["prediction"])
        result = None if item.get("result") is None else _text(item["result"])
        met = parse_met(item.get("met"))
    except ValueError as exc:
        raise ValueError(f"row {i}: {exc}") from None
    if prediction is None and result is None and met is None:
        return None
    if prediction is None:
        raise ValueError(f"a prediction in every row (row {i} has a result but no prediction)")
    return {"prediction": prediction, "result": result, "met": met}


def _predictions(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str | Mapping):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError("a list of {prediction, result, met} rows")
    rows = [_row(item, i) for i, item in enumerate(value, start=1)]
    return [r for r in rows if r is not None]


def prediction_rows(
    predictions: Sequence[Any] | None, study_results: Sequence[Any] | None = None
) -> list[Any]:
    """Return prediction rows from the older shape (texts plus a separate results list).

    ``predictions`` may already be rows (they are returned as given). Each study result is
    attached to the first unfilled row with the same prediction text; a result without a
    prediction text goes to the row at its own position; any other result becomes a row of its
    own. Nothing is dropped and nothing moves to another prediction's row.

    Examples
    --------
    >>> rows = prediction_rows(["A", "B"], [{"prediction": "B", "result": "b", "met": True}])
    >>> rows[0], rows[1]["result"]
    ({'prediction': 'A', 'result': None, 'met': None}, 'b')
    """
    rows: list[Any] = []
    for p in predictions or []:
        rows.append({"prediction": p, "result": None, "met": None} if isinstance(p, str) else p)
    if not study_results:
        return rows
    if not isinstance(study_results, list | tuple):
        raise ValueError("study_results must be a list of {prediction, result, met}")
    filled: set[int] = set()
    for i, r in enumerate(study_results):
        if not isinstance(r, Mapping):
            rows.append(r)  # reported by the check
            continue
        target = None
        text = r.get("prediction")
        for j, row in enumerate(rows):
            if (
                j not in filled
                and isinstance(row, Mapping)
                and text is not None
                and row.get("prediction") == text
            ):
                target = j
                break
        if target is None and text is None and i < len(rows) and i not in filled:
            target = i
        if target is None:
            rows.append(dict(r))
            filled.add(len(rows) - 1)
            continue
        filled.add(target)
        row = dict(rows[target])
        row.update({k: r.get(k) for k in ("result", "met")})
        rows[target] = row
    return rows


def prediction_texts(rows: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """Return the prediction texts of prediction rows, in order.

    Examples
    --------
    >>> prediction_texts([{"prediction": "A", "result": "a", "met": True}])
    ['A']
    """
    return [r["prediction"] for r in rows or [] if r.get("prediction") is not None]


def predictions_changed(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> bool:
    """Return True when the prediction texts differ (results and met are not predictions).

    Examples
    --------
    >>> predictions_changed([{"prediction": "A"}], [{"prediction": "A", "result": "x"}])
    False
    """
    return prediction_texts(old) != prediction_texts(new)


def _convert(field: Field, value: Any) -> Any:
    kind = field.kind
    if kind in ("text", "note"):
        return _text(value)
    if kind == "texts":
        return _texts(value)
    if kind == "predictions":
        return _predictions(value)
    if kind == "date":
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            raise ValueError("a date YYYY-MM-DD") from None
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None)
            except ValueError:
                pass
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
    if field.is_list:
        return False
    return isinstance(value, str) and value == "" and field.kind not in ("text", "note")


def clean_record(
    values: Mapping[str, Any], fields: tuple[Field, ...], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check and convert ``values`` against ``fields``.

    Parameters
    ----------
    values : mapping
        Field name -> value as typed or read from a file. For cycles, the older
        ``study_results`` list is accepted and attached to the predictions
        (:func:`prediction_rows`).
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
    if "study_results" in values and "predictions" in by_name:
        values = dict(values)
        try:
            values["predictions"] = prediction_rows(
                values.get("predictions"), values.pop("study_results")
            )
        except (ValueError, TypeError):
            errors["predictions"] = "must be a list of {prediction, result, met} rows"
            values.pop("predictions", None)
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
                clean[field.name] = [] if field.is_list else None
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
