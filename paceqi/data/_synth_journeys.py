"""Synthetic permanence journeys for one authority, vectorised over its children.

Each child gets a date of becoming looked after, a first permanence route and a chain of stage
dates built from skewed (log-normal / gamma) gaps, so dates follow the catalogue's stage order
within each route. Route changes add a second permanence recommendation (``occurrence`` 2).
Events after the extract date are cut off (children still waiting are censored, not dropped).
All random draws have the size of the whole cohort and come in a fixed order, so a seed gives
the same journeys whatever the masks select.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from paceqi.data import _synth_params as P
from paceqi.data._synth_truth import (
    CASE_MIX_HOME_SHARE,
    IDEAS,
    RAMP_DAYS,
    TRAP_CASE_MIX,
    IdeaTruth,
    factor,
)

HOME, PO, KCO, ADOPTION, UNDECIDED = "home", "po", "kco", "adoption", "undecided"
#: The route of events that are not steps of a plan (placement moves, returns to care): blank.
NONE = ""
_FIRST_ROUTES = tuple(P.ROUTE_SHARES)


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 of a date."""
    return int(np.datetime64(d, "D").astype(np.int64))


#: Stage codes in catalogue order (``parameters/catalogues/scotland.yaml``; a test checks it).
STAGES = (
    "looked_after",
    "two_week_meeting",
    "first_review",
    "second_review",
    "kinship_assessed",
    "legal_referral",
    "legal_opinion",
    "permanence_recommended",
    "panel",
    "adm_decision",
    "scra_referral",
    "advice_hearing",
    "application_lodged",
    "order_granted",
    "home_confirmed",
    "cso_home_review",
    "placement_move",
    "returned_to_care",
)
ROUTE_CODES = (HOME, PO, KCO, ADOPTION, UNDECIDED, NONE)
#: A stage gap's multiplier for children by their anchor day (see :func:`factor`).
_FactorOf = Callable[[np.ndarray], np.ndarray]
OUTCOMES = ("", "deferred", "superseded", "refused", "continued")


@dataclass
class _Events:
    """Integer-coded columns of events under construction (one array per added stage)."""

    n: int
    parts: list[tuple[np.ndarray, ...]]

    def add(
        self,
        mask: ArrayLike,
        stage: str,
        day: ArrayLike,
        route: str | np.ndarray,
        occ: ArrayLike = 1,
        outcome: str | np.ndarray = "",
    ) -> None:
        idx = np.flatnonzero(mask)
        full = np.broadcast_to
        self.parts.append(
            (
                idx,
                np.full(idx.size, STAGES.index(stage), dtype=np.int64),
                np.asarray(day, dtype=np.int64)[idx],
                full(np.asarray(occ, dtype=np.int64), self.n)[idx],
                full(_codes(route, ROUTE_CODES), self.n)[idx],
                full(_codes(outcome, OUTCOMES), self.n)[idx],
            )
        )

    def frame(self) -> pd.DataFrame:
        cols = ("child", "stage", "day", "occurrence", "route", "outcome")
        columns = zip(*self.parts, strict=True)
        return pd.DataFrame({c: np.concatenate(p) for c, p in zip(cols, columns, strict=True)})


def _codes(values: str | np.ndarray, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Integer codes of a string or array of strings in ``vocabulary``."""
    if isinstance(values, str):
        return np.asarray(vocabulary.index(values), dtype=np.int64)
    arr = np.asarray(values, dtype=object)
    out = np.zeros(arr.shape, dtype=np.int64)
    for i, v in enumerate(vocabulary):
        out[arr == v] = i
    return out


def _lognormal(rng: np.random.Generator, median: ArrayLike, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma, n)


def _days(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.rint(x), dtype=np.int64)


def _legal(
    rng: np.random.Generator,
    n: int,
    t0: np.ndarray,
    decision: np.ndarray,
    turnaround_factor_of: _FactorOf,
) -> tuple[np.ndarray, np.ndarray]:
    """Legal referral and opinion before the decision; the opinion's turnaround can shrink.

    The referral is placed as if the opinion took its usual time (the authority refers papers
    ahead of the options appraisal review), then ``turnaround_factor_of(referral_day)`` scales
    the turnaround: a faster opinion comes back earlier, the review date stays.
    """
    to_decision = rng.gamma(2.0, 4.0, n)  # opinion back about a week before the review
    turnaround = _lognormal(rng, P.LEGAL_MEDIAN, P.LEGAL_SIGMA, n)
    referral = np.maximum(decision - _days(to_decision + turnaround), t0 + 14)
    opinion = referral + np.maximum(_days(turnaround * turnaround_factor_of(referral)), 1)
    return referral, opinion


def simulate(
    rng: np.random.Generator,
    n: int,
    truth: Mapping[str, IdeaTruth],
    extract_day: int,
) -> pd.DataFrame:
    """Return one authority's events with integer ``child`` and ``day`` (days since 1970).

    Parameters
    ----------
    rng : numpy.random.Generator
        The authority's own child stream.
    n : int
        Number of children.
    truth : mapping of str to IdeaTruth
        Per change idea (notebook name), what happens in this authority
        (:func:`paceqi.data._synth_truth.draw_truth`); a missing idea changes nothing.
    extract_day : int
        Day of the extract; later events are not recorded.

    Returns
    -------
    pandas.DataFrame
        Integer columns ``child, stage, day, occurrence, route, outcome`` (stage, route and
        outcome index ``STAGES``, ``ROUTE_CODES`` and ``OUTCOMES``), children numbered in order
        of becoming looked after, rows sorted by child, day and catalogue order.
    """
    t = dict(truth)
    start, end = day_number(P.LOOKED_AFTER_FROM), day_number(P.LOOKED_AFTER_TO)
    t0 = np.sort(rng.integers(start, end + 1, n))
    r1 = _first_routes(rng, n, t0, t.get("two_week_planning_meeting"))

    # --- the Two Week Planning Meeting: held once tested, whatever its effect ---------------
    twm_t = t.get("two_week_planning_meeting")
    tested_from = _day_or_never(twm_t.test_start if twm_t is not None else None)
    held = np.where(t0 >= tested_from, P.TWM_RATE_AFTER, P.TWM_RATE_BEFORE)
    has_twm = rng.random(n) < held
    twm = t0 + _days(np.minimum(7.0 + rng.gamma(3.0, 3.0, n), 35.0))
    f_twm = factor(t0, twm_t)  # the gap to the recommendation, by day looked after

    # --- reviews (reg 45) -------------------------------------------------------------------
    # the first review comes sooner in proportion to the meeting's effect (40 -> 33 days)
    share = (1.0 - f_twm) / IDEA_SIZE["two_week_planning_meeting"]
    fr_before, fr_after = P.FIRST_REVIEW_MEDIAN
    fr_med = fr_before - (fr_before - fr_after) * share
    fr = t0 + _days(_lognormal(rng, fr_med, 0.18, n))
    fr = np.where(has_twm, np.maximum(fr, twm + 3), fr)
    sr = fr + _days(_lognormal(rng, P.SECOND_REVIEW_GAP_MEDIAN, 0.1, n))

    # --- kinship options ruled in or out (early, before the recommendation) ----------------
    ka_gap = _lognormal(rng, P.KINSHIP_MEDIAN, P.KINSHIP_SIGMA, n)
    # not before the two week meeting (held by day 35 at the latest)
    ka = t0 + np.maximum(_days(ka_gap * factor(t0, t.get("early_kinship_assessment"))), 36)
    home = r1 == HOME
    u_ka = rng.random(n)

    # --- first permanence recommendation ----------------------------------------------------
    # drift: a few plans stall for months (the children who wait longest)
    drift = np.where(rng.random(n) < P.DRIFT, _lognormal(rng, P.DRIFT_FACTOR, 0.3, n), 1.0)
    ready = t0 + _lognormal(rng, P.HOME_DECISION_MEDIAN, 0.7, n) * drift * f_twm
    # a return home is recommended at the first meeting after the plan is ready
    meetings = np.column_stack(
        [np.where(has_twm, twm, fr), fr, sr] + [sr + 182 * k for k in range(1, 7)]
    )
    reached = meetings >= ready[:, None]
    at_meeting = meetings[np.arange(n), np.argmax(reached, axis=1)]
    pr_home = np.where(reached.any(axis=1), at_meeting, np.ceil(ready).astype(np.int64))
    away_gap = _lognormal(rng, P.AWAY_DECISION_GAP_MEDIAN, 0.6, n) * drift
    # the away gap runs from looked after (the meeting's effect shortens the whole wait)
    away_total = (sr - t0) + away_gap
    pr_away = t0 + _days(away_total * f_twm)
    pr_away = np.maximum(pr_away, np.minimum(sr, t0 + 60))
    has_ka = np.where(home, (u_ka < 0.4) & (ka < pr_home), u_ka < 0.85)
    pr = np.where(home, pr_home, np.maximum(pr_away, np.where(has_ka, ka + 1, pr_away)))

    legal1 = np.isin(r1, (PO, ADOPTION)) & (rng.random(n) < 0.92)
    f_legal = _factor_of(t.get("legal_opinion_turnaround"))
    lr1, lo1 = _legal(rng, n, t0, pr, f_legal)
    pr = np.where(legal1, np.maximum(pr, lo1 + 1), pr)

    # --- route changes ----------------------------------------------------------------------
    u = rng.random(n)
    replan = (home & (u < P.REPLAN_HOME)) | ((r1 == KCO) & (u < P.REPLAN_KCO_TO_PO))
    to = np.array(tuple(P.REPLAN_HOME_TO), dtype=object)
    to_p = np.array(tuple(P.REPLAN_HOME_TO.values()))
    r2 = np.where(home, to[rng.choice(len(to), n, p=to_p)], PO)
    pr2 = pr + _days(_lognormal(rng, np.where(home, 200.0, 150.0), 0.5, n))
    legal2 = replan & np.isin(r2, (PO, ADOPTION))
    lr2, lo2 = _legal(rng, n, pr, pr2, f_legal)
    pr2 = np.where(legal2, np.maximum(pr2, lo2 + 1), pr2)
    final = np.where(replan, r2, r1)
    decided = np.where(replan, pr2, pr)
    to_adoption = (final == PO) & (rng.random(n) < P.PO_TO_ADOPTION)
    after = np.where(to_adoption, ADOPTION, final)

    ev = _Events(n, [])
    ev.add(np.ones(n, bool), "looked_after", t0, UNDECIDED)
    ev.add(has_twm & (twm <= pr), "two_week_meeting", twm, UNDECIDED)
    ev.add(fr <= pr, "first_review", fr, UNDECIDED)
    ev.add(sr <= pr, "second_review", sr, UNDECIDED)
    ev.add(has_ka & (ka <= pr), "kinship_assessed", ka, UNDECIDED)
    ev.add(legal1, "legal_referral", lr1, r1)
    ev.add(legal1, "legal_opinion", lo1, r1)
    known_later = replan & (pr2 <= extract_day)
    ev.add(
        np.ones(n, bool),
        "permanence_recommended",
        pr,
        r1,
        1,
        np.where(known_later, "superseded", ""),
    )
    ev.add(legal2, "legal_referral", lr2, r2)
    ev.add(legal2, "legal_opinion", lo2, r2)
    ev.add(replan, "permanence_recommended", pr2, r2, 2)
    home_day = _after_decision(rng, ev, t0, after, decided, t)
    _care_events(rng, ev, t0, after, decided, home_day)

    df = ev.frame()
    return _finish(rng, df, extract_day)


#: Full effect size of each idea (for the Two Week Planning Meeting's smaller first-review
#: effect, which scales with the recommendation's).
IDEA_SIZE = {spec.notebook: spec.size for spec in IDEAS}


def _day_or_never(d: dt.date | None) -> int:
    return day_number(d) if d is not None else np.iinfo(np.int64).max


def _factor_of(truth: IdeaTruth | None) -> _FactorOf:
    return lambda anchor: factor(anchor, truth)


def _first_routes(
    rng: np.random.Generator, n: int, t0: np.ndarray, twm: IdeaTruth | None
) -> np.ndarray:
    """First plan per child; after a case-mix trap's start, more children go home."""
    shares = np.array([P.ROUTE_SHARES[r] for r in _FIRST_ROUTES])
    u = rng.random(n)
    home_share = np.full(n, P.ROUTE_SHARES[HOME])
    if twm is not None and twm.cls == TRAP_CASE_MIX and twm.test_start is not None:
        ramp = np.clip((t0 - day_number(twm.test_start)) / RAMP_DAYS, 0.0, 1.0)
        home_share = home_share + (CASE_MIX_HOME_SHARE - home_share) * ramp
    # home first, then the other routes in proportion to their usual shares
    rest = shares[1:] / shares[1:].sum()
    v = (u - home_share) / np.maximum(1.0 - home_share, 1e-9)
    idx = 1 + np.minimum(np.searchsorted(np.cumsum(rest), v, side="right"), len(rest) - 1)
    idx = np.where(u < home_share, 0, idx)
    return np.array(_FIRST_ROUTES, dtype=object)[idx]


def _after_decision(
    rng: np.random.Generator,
    ev: _Events,
    t0: np.ndarray,
    route: np.ndarray,
    decided: np.ndarray,
    t: Mapping[str, IdeaTruth],
) -> np.ndarray:
    """Stages after the (last) permanence recommendation, by the route then in force.

    Returns the day each child went home for good (``home_confirmed``), or a large number.
    """
    n = ev.n
    away = route != HOME
    has_panel = away & (rng.random(n) < np.where(route == KCO, P.KCO_PANEL, 0.97))
    f_panel = factor(decided, t.get("panel_readiness"))
    panel1 = decided + _days(_lognormal(rng, P.PANEL_MEDIAN, P.PANEL_SIGMA, n) * f_panel)
    panel1 = np.maximum(panel1, decided + 7)
    deferred = has_panel & (rng.random(n) < P.PANEL_DEFERRED)
    panel2 = panel1 + _days(7.0 + rng.gamma(2.0, 25.0, n))
    panel = np.where(deferred, panel2, panel1)
    f_adm = factor(panel, t.get("panel_to_adm"))
    adm = panel + _days(1.0 + _lognormal(rng, P.ADM_MEDIAN, P.ADM_SIGMA, n) * f_adm)
    refused = has_panel & (rng.random(n) < P.ADM_REFUSED)
    legal_route = np.isin(route, (PO, ADOPTION))
    has_scra = legal_route & has_panel & ~refused & (rng.random(n) < 0.75)  # child on a CSO
    scra = adm + _days(_lognormal(rng, P.SCRA_MEDIAN, 0.4, n))
    advice1 = scra + _days(_lognormal(rng, P.ADVICE_MEDIAN, 0.3, n))
    continued = has_scra & (rng.random(n) < P.HEARING_CONTINUED)
    advice2 = advice1 + _days(_lognormal(rng, 35.0, 0.4, n))
    advice = np.where(continued, advice2, advice1)
    court_t = t.get("court_and_scra")
    base = np.where(has_scra, advice, np.where(has_panel, adm, decided))
    lodge_med = np.select(
        [route == ADOPTION, route == KCO],
        [P.LODGE_MEDIAN[ADOPTION], P.LODGE_MEDIAN[KCO]],
        P.LODGE_MEDIAN[PO],
    )
    anchor = np.where(has_panel, adm, decided)
    lodge_gap = (base - anchor) + _lognormal(rng, lodge_med, 0.5, n)
    lodged = anchor + np.maximum(_days(lodge_gap * factor(anchor, court_t)), base - anchor + 1)
    order_med = np.select(
        [route == ADOPTION, route == KCO],
        [P.ORDER_MEDIAN[ADOPTION], P.ORDER_MEDIAN[KCO]],
        P.ORDER_MEDIAN[PO],
    )
    granted = lodged + np.maximum(
        _days(_lognormal(rng, order_med, 0.5, n) * factor(lodged, court_t)), 1
    )
    has_court = away & ~refused & (rng.random(n) < 0.95)

    ev.add(has_panel, "panel", panel1, route, 1, np.where(deferred, "deferred", ""))
    ev.add(deferred, "panel", panel2, route, 2)
    ev.add(has_panel, "adm_decision", adm, route, 1, np.where(refused, "refused", ""))
    ev.add(has_scra, "scra_referral", scra, route)
    ev.add(has_scra, "advice_hearing", advice1, route, 1, np.where(continued, "continued", ""))
    ev.add(continued, "advice_hearing", advice2, route, 2)
    ev.add(has_court, "application_lodged", lodged, route)
    ev.add(has_court, "order_granted", granted, route)

    # at home: the CSO ends, or the plan is reviewed after two years on a CSO (PACE aim 1),
    # after which some CSOs end
    home = ~away
    confirmed = decided + _days(_lognormal(rng, P.HOME_CONFIRMED_MEDIAN, 0.6, n))
    due = t0 + 730
    delay = _lognormal(rng, P.CSO_REVIEW_DELAY_MEDIAN, P.CSO_REVIEW_DELAY_SIGMA, n)
    # the change books the review when the child becomes looked after at home (anchor t0)
    review = np.maximum(due + _days(delay * factor(t0, t.get("cso_home_review"))), decided + 1)
    early = home & (confirmed <= due)
    reviewed = home & ~early
    after_review = reviewed & (rng.random(n) < P.CONFIRMED_AFTER_REVIEW)
    confirmed2 = review + _days(_lognormal(rng, P.CONFIRMED_AFTER_REVIEW_MEDIAN, 0.5, n))
    ev.add(early, "home_confirmed", confirmed, HOME)
    ev.add(reviewed, "cso_home_review", review, HOME)
    ev.add(after_review, "home_confirmed", confirmed2, HOME)
    never = np.iinfo(np.int64).max // 4
    return np.where(early, confirmed, np.where(after_review, confirmed2, never))


def _care_events(
    rng: np.random.Generator,
    ev: _Events,
    t0: np.ndarray,
    route: np.ndarray,
    decided: np.ndarray,
    home_day: np.ndarray,
) -> None:
    """Optional care events: placement moves and returning to care after going home.

    Moves fall in the first two years looked after, before a return home is recommended;
    a child who went home for good may come back into care (``returned_to_care``). Neither
    carries a route (they are not steps of a plan).
    """
    n = ev.n
    k = rng.poisson(P.PLACEMENT_MOVES_MEAN, n)
    limit = np.where(route == HOME, decided, t0 + P.PLACEMENT_WINDOW_DAYS)
    width = np.maximum(limit - t0 - 7, 0)
    k_max = int(k.max()) if n else 0
    moves = t0[:, None] + 7 + _days(np.sort(rng.random((n, k_max)), axis=1) * width[:, None])
    steps = np.arange(k_max)
    moves = np.maximum.accumulate(moves - steps, axis=1) + steps  # one move a day at most
    for j in range(k_max):
        ev.add((k > j) & (width > 0), "placement_move", moves[:, j], NONE, j + 1)
    back = (home_day < np.iinfo(np.int64).max // 4) & (rng.random(n) < P.RETURNED_TO_CARE)
    day = np.where(back, home_day, 0) + _days(_lognormal(rng, P.RETURNED_TO_CARE_MEDIAN, 0.7, n))
    ev.add(back, "returned_to_care", day, NONE)


def _finish(rng: np.random.Generator, df: pd.DataFrame, extract_day: int) -> pd.DataFrame:
    """Drop missing dates and events after the extract; sort by child, day, stage order."""
    stage = df["stage"].to_numpy()
    p_miss = np.select(
        [
            stage == STAGES.index("looked_after"),
            stage == STAGES.index("permanence_recommended"),
        ],
        [0.0, P.MISSING_RECOMMENDATION],
        P.MISSING_STAGE,
    )
    keep = (rng.random(len(df)) >= p_miss) & (df["day"].to_numpy() <= extract_day)
    df = df.loc[keep]
    order = np.lexsort((df["occurrence"], df["stage"], df["day"], df["child"]))
    return df.iloc[order].reset_index(drop=True)
