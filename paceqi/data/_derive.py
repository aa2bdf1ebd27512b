"""Derived tables and notes: canonical dtypes, plans from routes, data-quality notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from paceqi.catalogue import Catalogue
from paceqi.data.schema import CARE_EVENTS, CHILDREN_COLUMNS, EVENTS_COLUMNS, PLANS_COLUMNS, Route
from paceqi.data.validate import LOOKED_AFTER, Problems, row_list

__all__ = ["finish_children", "finish_events", "derive_plans", "quality_notes"]

_KEYS = ["_kid"]  # an integer per child (see _events.ids)
_IDS = ["authority", "child_id"]


def finish_events(ev: pd.DataFrame) -> pd.DataFrame:
    """Canonical events: EVENTS_COLUMNS with their dtypes, sorted per child by date."""
    out = ev.loc[:, list(EVENTS_COLUMNS)].copy()
    out["date"] = out["date"].astype("datetime64[ns]")
    out["occurrence"] = out["occurrence"].astype("int64")
    for col in ("authority", "child_id", "stage", "route", "outcome"):
        out[col] = out[col].astype(object)
    return out.reset_index(drop=True)


def finish_children(kids: pd.DataFrame) -> pd.DataFrame:
    """Canonical children: CHILDREN_COLUMNS (birth_month as datetime64[ns], first of month)."""
    out = kids.loc[:, list(CHILDREN_COLUMNS)].copy()
    out["birth_month"] = pd.to_datetime(out["birth_month"]).astype("datetime64[ns]")
    for col in ("authority", "child_id", "sex", "sibling_group_id"):
        out[col] = out[col].astype(object)
    return out.reset_index(drop=True)


def derive_plans(ev: pd.DataFrame, layout: str) -> pd.DataFrame:
    """Plans from the routes recorded on events.

    A wide extract has one route per child: one plan, decided at ``permanence_recommended`` when
    that is dated and the route is decided, otherwise at the child's first event. In a long
    extract each change of the route recorded on a child's events (in date order) starts a new
    plan, decided at the first event with the new route; it supersedes the previous plan.
    """
    routed = ev.loc[ev["route"].notna()]
    if routed.empty:
        return _empty_plans()
    if layout == "wide":
        first = routed.drop_duplicates(_KEYS)[[*_KEYS, *_IDS, "route", "date"]]
        rec = routed.loc[
            (routed["stage"] == "permanence_recommended") & (routed["occurrence"] == 1),
            [*_KEYS, "date"],
        ].rename(columns={"date": "_rec"})
        plans = first.merge(rec, on=_KEYS, how="left")
        use_rec = plans["_rec"].notna() & (plans["route"] != Route.UNDECIDED.value)
        plans["decided_date"] = plans["_rec"].where(use_rec, plans["date"])
        plans["plan_seq"] = 1
    else:
        prev = routed.groupby(_KEYS, sort=False)["route"].shift()
        change = routed["route"] != prev
        plans = routed.loc[change, [*_KEYS, *_IDS, "route", "date"]].rename(
            columns={"date": "decided_date"}
        )
        plans["plan_seq"] = plans.groupby(_KEYS, sort=False).cumcount() + 1
    plans["superseded_date"] = plans.groupby(_KEYS, sort=False)["decided_date"].shift(-1)
    plans["reason"] = np.nan
    out = plans.loc[:, list(PLANS_COLUMNS)].reset_index(drop=True)
    out["plan_seq"] = out["plan_seq"].astype("int64")
    for col in ("decided_date", "superseded_date"):
        out[col] = out[col].astype("datetime64[ns]")
    out["reason"] = out["reason"].astype(object)
    return out


def _empty_plans() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in PLANS_COLUMNS})
    return out.astype(
        {"plan_seq": "int64", "decided_date": "datetime64[ns]", "superseded_date": "datetime64[ns]"}
    )


def quality_notes(
    ev: pd.DataFrame,
    kids: pd.DataFrame,
    cat: Catalogue,
    labels: dict[str, str],
    notes: Problems,
) -> None:
    """Add non-fatal notes: children without looked_after or nothing after it; gaps; order.

    Notes are aggregated per check and stage (one note row each, listing at most
    MAX_ROWS_IN_MESSAGE rows), so a large extract gives a short list.
    """
    kid_rows = kids.set_index(_KEYS)["_row"]
    firsts = ev.loc[ev["occurrence"] == 1]
    stage_no = firsts["stage"].map({c: i for i, c in enumerate(cat.codes)}).to_numpy()
    kid_no = kid_rows.index.get_indexer(firsts["_kid"])
    grid = np.full((len(kid_rows), len(cat.codes)), np.datetime64("NaT"), dtype="datetime64[ns]")
    grid[kid_no, stage_no] = firsts["date"].to_numpy()  # occurrence 1 is unique per child+stage
    dated = pd.DataFrame(grid, index=kid_rows.index, columns=list(cat.codes))
    has = dated.notna()

    no_la = kid_rows[~has[LOOKED_AFTER]]
    if len(no_la):
        notes.add(
            "no_looked_after",
            f"{len(no_la)} child(ren) have no '{LOOKED_AFTER}' date, so no interval can start "
            f"from it ({row_list(no_la.sort_values())})",
            column=labels.get(LOOKED_AFTER),
        )
    only = kid_rows[has[LOOKED_AFTER] & (has.sum(axis=1) == 1)]
    if len(only):
        notes.add(
            "only_looked_after",
            f"{len(only)} child(ren) have no stage recorded after '{LOOKED_AFTER}' "
            f"({row_list(only.sort_values())})",
            column=labels.get(LOOKED_AFTER),
        )
    _gap_notes(ev, cat, has, kid_rows, labels, notes)
    _order_notes(cat, dated, kid_rows, labels, notes)


def _gap_notes(
    ev: pd.DataFrame,
    cat: Catalogue,
    has: pd.DataFrame,
    kid_rows: pd.Series,
    labels: dict[str, str],
    notes: Problems,
) -> None:
    """A stage on the child's route with no date although a later stage is dated.

    The optional care events (:data:`~paceqi.data.schema.CARE_EVENTS`: a placement move, a
    return to care) can happen at any point of a journey: they are not steps, so one is never
    "missing" and one does not show that the steps before it were reached. Nor is a journey's
    end (an order granted, permanence at home confirmed) missing because a stage later in the
    catalogue is dated: a child on a CSO at home has the plan review before the CSO ends.
    """
    from paceqi.measures.journeys import TERMINAL_STAGES

    order = np.arange(len(cat.codes))
    steps = np.array([c not in CARE_EVENTS for c in cat.codes])
    reached = np.where(has.to_numpy() & steps, order, -1).max(axis=1)
    route = ev.loc[ev["route"].notna()].groupby(_KEYS)["route"].last().reindex(kid_rows.index)
    tracked = has.any(axis=0)  # a stage nobody has a date for is not tracked by this extract
    for i, stage in enumerate(cat.stages):
        skip = stage.code == LOOKED_AFTER or stage.code in (*CARE_EVENTS, *TERMINAL_STAGES)
        if skip or not tracked[stage.code]:
            continue
        applies = route.isna() | route.isin(stage.routes)
        gap = (~has[stage.code]).to_numpy() & (reached > i) & applies.to_numpy()
        if gap.any():
            rows = kid_rows[gap].sort_values()
            notes.add(
                "missing_stage_date",
                f"'{stage.code}' has no date for {len(rows)} child(ren) who reached a later stage "
                f"({row_list(rows)}); a '% within target' measure ending at '{stage.code}' counts "
                "them as not met, they are not counted as waiting for it, and intervals "
                f"starting at '{stage.code}' leave them out",
                column=labels.get(stage.code),
            )


def _order_notes(
    cat: Catalogue,
    dated: pd.DataFrame,
    kid_rows: pd.Series,
    labels: dict[str, str],
    notes: Problems,
) -> None:
    """A stage dated before the stage its target counts from (a negative interval)."""
    for stage in cat.stages:
        start = stage.target_from
        if start is None or start == LOOKED_AFTER:  # before looked_after is a failure
            continue
        early = (dated[stage.code] < dated[start]).to_numpy()
        if early.any():
            rows = kid_rows[early].sort_values()
            notes.add(
                "stage_order",
                f"'{stage.code}' is dated before '{start}' for {len(rows)} child(ren) "
                f"({row_list(rows)}); its target is counted from '{start}'",
                column=labels.get(stage.code),
            )
