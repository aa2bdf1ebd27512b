"""Which stages an extract records: a stage it does not record is not a stage nobody reached.

A council's extract rarely records every stage of the catalogue (England's SSDA903 return has
no Two Week Planning Meeting, no first review, no kinship assessment). A stage the extract does
not record must be named as such and left out of medians, "still waiting" counts and
headlines; otherwise every child looks as if they are still waiting for it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

__all__ = ["COVERAGE_COLUMNS", "stage_coverage", "unrecorded_stages"]

#: Columns of :func:`stage_coverage`.
COVERAGE_COLUMNS = ("stage", "label", "recorded", "children", "coverage")


def _recorded(extract_or_events: Any, recorded: Collection[str] | None) -> set[str]:
    if recorded is not None:
        return set(recorded)
    given = getattr(extract_or_events, "recorded_stages", None)
    events = getattr(extract_or_events, "events", extract_or_events)
    found = set(events["stage"].dropna().astype(str)) if len(events) else set()
    return set(given) | found if given else found


def unrecorded_stages(
    extract_or_events: Any, recorded: Collection[str] | None = None, catalogue: Any = None
) -> frozenset[str]:
    """Stage codes of the catalogue that the extract does not record at all.

    Parameters
    ----------
    extract_or_events : Extract or pandas.DataFrame
        A loaded extract (its ``recorded_stages``: the stage columns of a wide file, the stages
        of a long file, the stages of a mapping's event rules) or canonical events (then the
        stages that appear in them).
    recorded : collection of str, optional
        The recorded stages, when known otherwise.
    catalogue : Catalogue, optional
        Default: the Scottish catalogue.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> ev = pd.DataFrame({"stage": ["looked_after", "panel"]})
    >>> sorted(unrecorded_stages(ev))[:3]
    ['adm_decision', 'advice_hearing', 'application_lodged']
    """
    from paceqi.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    have = _recorded(extract_or_events, recorded)
    return frozenset(code for code in cat.codes if code not in have)


def stage_coverage(
    extract_or_events: Any,
    recorded: Collection[str] | None = None,
    *,
    catalogue: Any = None,
    authority: str | None = None,
) -> pd.DataFrame:
    """Return the coverage table: each stage, recorded for N children or not in this extract.

    Parameters
    ----------
    extract_or_events : Extract or pandas.DataFrame
        As for :func:`unrecorded_stages`.
    recorded : collection of str, optional
        The recorded stages, when known otherwise.
    catalogue : Catalogue, optional
        Default: the Scottish catalogue.
    authority : str, optional
        Count only this authority's children.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COVERAGE_COLUMNS`, one row per catalogue stage in order: ``recorded``
        (bool), ``children`` (with a date for the stage; 0 when not recorded) and ``coverage``
        in words ("recorded for 12 children", "recorded, no child yet", "not in this extract").

    Examples
    --------
    >>> ev = pd.DataFrame({"authority": "A", "child_id": ["1", "2", "1"],
    ...                    "stage": ["looked_after", "looked_after", "panel"]})
    >>> t = stage_coverage(ev, recorded=["looked_after", "panel", "adm_decision"])
    >>> words = t.set_index("stage")["coverage"]
    >>> words[["looked_after", "adm_decision", "first_review"]].tolist()
    ['recorded for 2 children', 'recorded, no child yet', 'not in this extract']
    """
    from paceqi.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    events = getattr(extract_or_events, "events", extract_or_events)
    have = _recorded(extract_or_events, recorded)
    if authority is not None and len(events):
        events = events.loc[events["authority"] == authority]
    counts = (
        events.drop_duplicates(["authority", "child_id", "stage"])["stage"].value_counts()
        if len(events)
        else pd.Series(dtype="int64")
    )
    rows = []
    for s in cat.stages:
        n = int(counts.get(s.code, 0))
        is_rec = s.code in have
        if not is_rec:
            words = "not in this extract"
        elif n == 0:
            words = "recorded, no child yet"
        else:
            words = f"recorded for {n:,} child{'ren' if n != 1 else ''}"
        rows.append(
            {
                "stage": s.code,
                "label": s.label,
                "recorded": is_rec,
                "children": n,
                "coverage": words,
            }
        )
    return pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))
