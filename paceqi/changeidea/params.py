"""Parse and validate a change-idea notebook's parameters, once, in tested code.

papermill injects JSON types only (dates arrive as ISO strings: a ``datetime.date`` passed
through papermill's API breaks the notebook save — shared JUPYTER.md §1.2). This module turns
them into typed values, resolves relative paths against the project root (so the same defaults
work in JupyterLab, under papermill and in the batch), and rejects anything unknown.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Required, TypedDict, Unpack

from paceqi._paths import project_root
from paceqi.errors import OptionsError

__all__ = ["NotebookParameters", "ReportParams", "report_parameters", "RULE_SETS", "PERIODS"]

RULE_SETS = ("ihi", "anhoej", "mdc")
PERIODS = ("month", "quarter")


class NotebookParameters(TypedDict, total=False):
    """A change-idea notebook's parameters as papermill injects them (JSON types).

    The names and types of the ``parameters`` cell of every notebook in
    ``notebooks/change_ideas/`` (a test keeps the three in step with :class:`ReportParams`).
    Empty strings (or None) mean "not given"; dates are ISO strings. Type checkers reject an
    unknown name in a call of :func:`report_parameters` or
    :func:`paceqi.changeidea.report.change_idea_report`; at run time it is an
    :class:`~paceqi.errors.OptionsError` naming it and the closest known name.
    """

    authority: Required[str]
    extract: Required[str]
    change_idea: Required[str]
    mapping: str | None
    pdsa: str | None
    period: str
    rules: str
    test_start: str | None
    min_cell: int
    as_of: str | None
    interactive: bool


@dataclass(frozen=True)
class ReportParams:
    """The validated parameters of one change-idea report."""

    authority: str
    extract: Path
    change_idea: str
    mapping: Path | None = None
    pdsa: str | None = None
    period: str = "quarter"
    rules: str = "ihi"
    test_start: dt.date | None = None
    min_cell: int = 5
    as_of: dt.date | None = None
    interactive: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the parameters as JSON types (for the provenance footer)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = (
                v.isoformat() if isinstance(v, dt.date) else (str(v) if isinstance(v, Path) else v)
            )
        return out


def report_parameters(**parameters: Unpack[NotebookParameters]) -> ReportParams:
    """Validate a notebook's parameters and return them typed.

    Parameters
    ----------
    **parameters : NotebookParameters
        The notebook's parameters: ``authority``, ``extract``, ``change_idea`` (required) and
        ``mapping``, ``pdsa``, ``period``, ``rules``, ``test_start``, ``min_cell``, ``as_of``,
        ``interactive``. Empty strings mean "not given". Dates are ISO strings (YYYY-MM-DD).
        Relative paths are resolved against the project root.

    Returns
    -------
    ReportParams

    Raises
    ------
    OptionsError
        Naming the parameter, the value and what is allowed.

    Examples
    --------
    >>> p = report_parameters(authority="Fife", extract="data/x.csv",
    ...                       change_idea="two_week_planning_meeting", test_start="2016-03-01")
    >>> p.test_start
    datetime.date(2016, 3, 1)
    """
    raw: dict[str, Any] = dict(parameters)  # values of any type may arrive at run time
    known = {f.name for f in fields(ReportParams)}
    unknown = sorted(set(raw) - known)
    if unknown:
        close = [m for u in unknown for m in difflib.get_close_matches(u, known, n=1)]
        hint = f" (did you mean {', '.join(repr(m) for m in close)}?)" if close else ""
        raise OptionsError(
            f"Unknown parameter(s) {', '.join(unknown)}{hint}. "
            f"Known parameters: {', '.join(sorted(known))}"
        )
    for name in ("authority", "extract", "change_idea"):
        if not _text(raw.get(name)):
            raise OptionsError(f"Parameter '{name}' is required")
    period = _choice(raw, "period", PERIODS, "quarter")
    rules = _choice(raw, "rules", RULE_SETS, "ihi")
    min_cell = raw.get("min_cell", 5)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 0:
        raise OptionsError(f"Parameter 'min_cell' must be a whole number >= 0, got {min_cell!r}")
    interactive = raw.get("interactive", False)
    if not isinstance(interactive, bool):
        raise OptionsError(f"Parameter 'interactive' must be True or False, got {interactive!r}")
    mapping = _text(raw.get("mapping"))
    return ReportParams(
        authority=_text(raw["authority"]),
        extract=_path(raw["extract"]),
        change_idea=_text(raw["change_idea"]),
        mapping=_path(mapping) if mapping else None,
        pdsa=_pdsa(raw.get("pdsa")),
        period=period,
        rules=rules,
        test_start=_date(raw, "test_start"),
        min_cell=min_cell,
        as_of=_date(raw, "as_of"),
        interactive=interactive,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OptionsError(f"Expected text, got {type(value).__name__} {value!r}")
    return value.strip()


def _choice(raw: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(raw.get(name)) or default
    if value not in allowed:
        raise OptionsError(f"Parameter '{name}' is '{value}'; use one of: {', '.join(allowed)}")
    return value


def _date(raw: dict[str, Any], name: str) -> dt.date | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise OptionsError(
            f"Parameter '{name}' must be an ISO date string like '2016-03-01', "
            f"got {type(value).__name__}"
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise OptionsError(
            f"Parameter '{name}' is '{value}', not a date in the form YYYY-MM-DD"
        ) from None


def _path(value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else project_root() / p


def _pdsa(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if "://" in text:  # a database URL (sqlite:///…, postgresql+psycopg://…)
        return text
    return str(_path(text))
