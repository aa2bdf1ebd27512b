"""The result of loading an extract: canonical tables plus provenance and data-quality notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

__all__ = ["Extract"]


@dataclass(frozen=True)
class Extract:
    """A loaded, validated extract in the canonical shape (DESIGN.md "Canonical data").

    Attributes
    ----------
    children : pandas.DataFrame
        One row per child: ``CHILDREN_COLUMNS`` of :mod:`paceqi.data.schema`.
    events : pandas.DataFrame
        One row per milestone: ``EVENTS_COLUMNS``; ``date`` is datetime64[ns] at midnight,
        ``occurrence`` an integer (1 the first time), ``route`` one of ``ROUTES`` or missing.
    plans : pandas.DataFrame
        Every plan a child had: ``PLANS_COLUMNS``. A wide extract gives one plan per child with a
        route; a long one a new ``plan_seq`` each time the route recorded on the events changes.
    source : str
        The file name the extract was read from.
    sha256 : str
        Hex SHA-256 digest of the file's bytes (report provenance).
    as_of : datetime.date
        The extract date: no event may be dated after it.
    notes : pandas.DataFrame
        Non-fatal data-quality notes, in the failure table's shape
        (``file, row, column, check, message``).
    recorded_stages : tuple of str
        The stages the extract records at all (a wide file's stage columns, a mapping's event
        rules; every stage for a long file), dated for some child or not; any other stage of the
        catalogue is "not in this extract" (:mod:`paceqi.data.coverage`). Empty: not known
        (the stages of ``events`` are used).
    """

    children: pd.DataFrame
    events: pd.DataFrame
    plans: pd.DataFrame
    source: str
    sha256: str
    as_of: dt.date
    notes: pd.DataFrame
    recorded_stages: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Extract(source={self.source!r}, children={len(self.children)}, "
            f"events={len(self.events)}, plans={len(self.plans)}, notes={len(self.notes)}, "
            f"as_of={self.as_of.isoformat()})"
        )
