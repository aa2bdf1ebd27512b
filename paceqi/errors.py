"""The exceptions paceqi raises for problems a user can fix.

Every user-facing problem is a :class:`PaceqiError`; the ``paceqi`` command turns them into a
clear message and exit code 1 instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "PaceqiError",
    "DataValidationError",
    "OptionsError",
    "ReportError",
    "FAILURE_COLUMNS",
]

#: Columns of :attr:`DataValidationError.failures` (fixed by DESIGN.md).
FAILURE_COLUMNS = ("file", "row", "column", "check", "message")

#: How many rows a message lists before it says "and N more" (as pandera caps categories).
MAX_ROWS_IN_MESSAGE = 10


class PaceqiError(Exception):
    """Base class of every error paceqi reports to a user."""


class OptionsError(PaceqiError, ValueError):
    """An argument or option has a value paceqi cannot use.

    The message names the argument, the value given and what is allowed.
    """


class ReportError(PaceqiError):
    """A report could not be produced (notebook failed, template missing, bad parameters)."""


class DataValidationError(PaceqiError):
    """An extract failed one or more checks.

    Parameters
    ----------
    failures : pandas.DataFrame
        One row per problem, with columns ``file, row, column, check, message``. ``row`` is
        the row number a spreadsheet user sees (the header is row 1), or missing for a problem
        with the whole file or column.
    summary : str, optional
        A first line for the message; by default "<file> failed N checks".
    """

    def __init__(self, failures: pd.DataFrame, summary: str | None = None) -> None:
        missing = [c for c in FAILURE_COLUMNS if c not in failures.columns]
        if missing:
            raise TypeError(f"failures is missing columns {missing}")
        self.failures = failures.loc[:, list(FAILURE_COLUMNS)].reset_index(drop=True)
        self.summary = summary
        super().__init__(self._message())

    def _message(self) -> str:
        f = self.failures
        files = sorted({str(x) for x in f["file"].dropna()})
        where = ", ".join(files) if files else "the extract"
        head = self.summary or f"{where} failed {len(f)} check{'s' if len(f) != 1 else ''}"
        lines = [head + ":"]
        for msg in f["message"].head(MAX_ROWS_IN_MESSAGE):
            lines.append(f"  * {msg}")
        if len(f) > MAX_ROWS_IN_MESSAGE:
            lines.append(f"  ... and {len(f) - MAX_ROWS_IN_MESSAGE} more (see .failures)")
        return "\n".join(lines)


_T = TypeVar("_T")


def check_choice(name: str, value: object, choices: Iterable[_T]) -> _T:
    """Return the choice equal to ``value``, or raise :class:`OptionsError` listing the choices.

    The one check of a closed set of options in paceqi (argument name first).

    Examples
    --------
    >>> check_choice("period", "month", ("month", "quarter"))
    'month'
    >>> check_choice("period", "week", ("month", "quarter"))
    Traceback (most recent call last):
    ...
    paceqi.errors.OptionsError: Unknown period 'week'. Available: month, quarter
    """
    options = list(choices)
    for option in options:
        if option == value:
            return option
    raise OptionsError(f"Unknown {name} {value!r}. Available: {', '.join(map(str, options))}")
