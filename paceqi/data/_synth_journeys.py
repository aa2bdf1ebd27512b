"""Synthetic permanence journeys for one authority, vectorised over its children.

Each child gets a date of becoming looked after, a first permanence route and a chain of stage
dates built from skewed (log-normal / gamma) gaps, so dates follow the catalogue's stage order
within each route. Route changes add a second permanence recommendation (``occurrence`` 2).
Events after the extract date are cut off (children still waiting are censored, not dropped).
All random draws have the size of the whole cohort and come in a fixed order, so a seed gives
the same journeys whatever the masks select.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from paceqi.data import _synth_params as P

HOME, PO, KCO, ADOPTION, UNDECIDED = "home", "po", "kco", "adoption", "undecided"
_FIRST_ROUTES = tuple(P.ROUTE_SHARES)


def day_number(d: object) -> int:
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
)
ROUTE_CODES = (HOME, PO, KCO, ADOPTION, UNDECIDED)
OUTCOMES = ("", "deferred", "superseded")


@dataclass
class _Events:
    """Integer-coded columns of events under construction (one array per added stage)."""

    n: int
    parts: list[tuple[np.ndarray, ...]]

    def add(self, mask, stage, day, route, occ=1, outcome="") -> None:
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


def _codes(values, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Integer codes of a string or array of strings in ``vocabulary``."""
    if isinstance(values, str):
        return np.asarray(vocabulary.index(values), dtype=np.int64)
    arr = np.asarray(values, dtype=object)
    out = np.zeros(arr.shape, dtype=np.int64)
    for i, v in enumerate(vocabulary):
        out[arr == v] = i
    return out


def _lognormal(rng: np.random.Generator, median, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma, n)


def _days(x: np.ndarray) -> np.ndarray:
    return np.rint(x).astype(np.int64)


def _legal_before(rng, n, lower, decision):
    """Legal referral and opinion squeezed between ``lower`` and the decision date."""
    to_decision = rng.gamma(2.0, 4.0, n)  # opinion back about a week before the review
    turnaround = _lognormal(rng, 26.0, 0.4, n)  # catalogue: opinion within 28 days (local)
    room = np.maximum(decision - lower, 0) * 0.95
    total = to_decision + turnaround
    scale = np.where(total > room, room / np.maximum(total, 1e-9), 1.0)
    opinion = decision - _days(to_decision * scale)
    referral = np.maximum(opinion - _days(turnaround * scale), lower)
    return referral, np.maximum(opinion, referral)


def simulate(
    rng: np.random.Generator,
    n: int,
    twm_introduced: int,
    twm_effect: bool,
    extract_day: int,
) -> pd.DataFrame:
    """Return one authority's events with integer ``child`` and ``day`` (days since 1970).

    Parameters
    ----------
    rng : numpy.random.Generator
        The authority's own child stream.
    n : int
        Number of children.
    twm_introduced : int
        Day the Two Week Planning Meeting was introduced.
    twm_effect : bool
        Whether the meeting shortens the early stages in this authority.
    extract_day : int
        Day of the extract; later events are not recorded.

    Returns
    -------
    pandas.DataFrame
        Integer columns ``child, stage, day, occurrence, route, outcome`` (stage, route and
        outcome index ``STAGES``, ``ROUTE_CODES`` and ``OUTCOMES``), children numbered in order
        of becoming looked after, rows sorted by child, day and catalogue order.
    """
    start, end = day_number(P.LOOKED_AFTER_FROM), day_number(P.LOOKED_AFTER_TO)
    t0 = np.sort(rng.integers(start, end + 1, n))
    shares = np.array([P.ROUTE_SHARES[r] for r in _FIRST_ROUTES])
    r1 = np.array(_FIRST_ROUTES, dtype=object)[rng.choice(len(shares), n, p=shares)]

    # --- the Two Week Planning Meeting and its effect -------------------------------------
    post = t0 >= twm_introduced
    ramp = np.clip(0.4 + 0.6 * (t0 - twm_introduced) / P.TWM_EFFECT_RAMP_DAYS, 0.0, 1.0)
    eff = post & bool(twm_effect) & (rng.random(n) < ramp)
    has_twm = rng.random(n) < np.where(post, P.TWM_RATE_AFTER, P.TWM_RATE_BEFORE)
    twm = t0 + _days(np.minimum(7.0 + rng.gamma(3.0, 3.0, n), 35.0))

    # --- reviews (reg 45) -------------------------------------------------------------------
    fr_med = np.where(eff, P.FIRST_REVIEW_MEDIAN[1], P.FIRST_REVIEW_MEDIAN[0])
    fr = t0 + _days(_lognormal(rng, fr_med, 0.18, n))
    fr = np.where(has_twm, np.maximum(fr, twm + 3), fr)
    sr = fr + _days(_lognormal(rng, P.SECOND_REVIEW_GAP_MEDIAN, 0.1, n))

    # --- first permanence recommendation ----------------------------------------------------
    home = r1 == HOME
    # drift: a few plans stall for months (the children who wait longest)
    drift = np.where(rng.random(n) < P.DRIFT, _lognormal(rng, P.DRIFT_FACTOR, 0.3, n), 1.0)
    home_med = np.where(eff, P.HOME_DECISION_MEDIAN[1], P.HOME_DECISION_MEDIAN[0])
    ready = t0 + _lognormal(rng, home_med, 0.7, n) * drift
    # a return home is recommended at the first meeting after the plan is ready
    meetings = np.column_stack(
        [np.where(has_twm, twm, fr), fr, sr] + [sr + 182 * k for k in range(1, 7)]
    )
    reached = meetings >= ready[:, None]
    at_meeting = meetings[np.arange(n), np.argmax(reached, axis=1)]
    pr_home = np.where(reached.any(axis=1), at_meeting, np.ceil(ready).astype(np.int64))
    away_med = np.where(eff, P.AWAY_DECISION_GAP_MEDIAN[1], P.AWAY_DECISION_GAP_MEDIAN[0])
    away_gap = _lognormal(rng, away_med, 0.6, n) * drift
    pr = np.where(home, pr_home, sr + _days(away_gap))

    ka_frac = np.where(r1 == KCO, rng.uniform(0.2, 0.8, n), rng.uniform(0.0, 0.35, n))
    has_ka = ~home & (rng.random(n) < 0.85)
    ka = sr + _days(away_gap * ka_frac)
    legal1 = np.isin(r1, (PO, ADOPTION)) & (rng.random(n) < 0.92)
    lr1, lo1 = _legal_before(rng, n, np.where(has_ka, ka, sr), pr)

    # --- route changes ----------------------------------------------------------------------
    u = rng.random(n)
    replan = (home & (u < P.REPLAN_HOME)) | ((r1 == KCO) & (u < P.REPLAN_KCO_TO_PO))
    to = np.array(tuple(P.REPLAN_HOME_TO), dtype=object)
    to_p = np.array(tuple(P.REPLAN_HOME_TO.values()))
    r2 = np.where(home, to[rng.choice(len(to), n, p=to_p)], PO)
    pr2 = pr + _days(_lognormal(rng, np.where(home, 200.0, 150.0), 0.5, n))
    legal2 = replan & np.isin(r2, (PO, ADOPTION))
    lr2, lo2 = _legal_before(rng, n, pr, pr2)
    final = np.where(replan, r2, r1)
    decided = np.where(replan, pr2, pr)
    to_adoption = (final == PO) & (rng.random(n) < P.PO_TO_ADOPTION)
    after = np.where(to_adoption, ADOPTION, final)

    ev = _Events(n, [])
    ev.add(np.ones(n, bool), "looked_after", t0, UNDECIDED)
    ev.add(has_twm & (twm <= pr), "two_week_meeting", twm, UNDECIDED)
    ev.add(fr <= pr, "first_review", fr, UNDECIDED)
    ev.add(sr <= pr, "second_review", sr, UNDECIDED)
    ev.add(has_ka, "kinship_assessed", ka, UNDECIDED)
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
    _after_decision(rng, ev, t0, after, decided)

    df = ev.frame()
    return _finish(rng, df, extract_day)


def _after_decision(rng, ev: _Events, t0, route, decided) -> None:
    """Stages after the (last) permanence recommendation, by the route then in force."""
    n = ev.n
    away = route != HOME
    has_panel = away & (rng.random(n) < np.where(route == KCO, P.KCO_PANEL, 0.97))
    panel1 = decided + _days(_lognormal(rng, 100.0, 0.45, n))  # catalogue target 84 days
    deferred = has_panel & (rng.random(n) < P.PANEL_DEFERRED)
    panel2 = panel1 + _days(7.0 + rng.gamma(2.0, 25.0, n))
    panel = np.where(deferred, panel2, panel1)
    adm = panel + _days(1.0 + rng.gamma(2.0, 5.5, n))  # reg 13: within 14 days
    legal_route = np.isin(route, (PO, ADOPTION))
    has_scra = legal_route & has_panel & (rng.random(n) < 0.75)  # child on a CSO
    scra = adm + _days(_lognormal(rng, 30.0, 0.4, n))
    advice = scra + _days(_lognormal(rng, 24.0, 0.3, n))
    base = np.where(has_scra, advice, np.where(has_panel, adm, decided))
    lodge_med = np.select([route == ADOPTION, route == KCO], [110.0, 90.0], 60.0)
    lodged = base + _days(_lognormal(rng, lodge_med, 0.5, n))
    order_med = np.select([route == ADOPTION, route == KCO], [120.0, 100.0], 150.0)
    granted = lodged + _days(_lognormal(rng, order_med, 0.5, n))
    has_court = away & (rng.random(n) < 0.95)

    ev.add(has_panel, "panel", panel1, route, 1, np.where(deferred, "deferred", ""))
    ev.add(deferred, "panel", panel2, route, 2)
    ev.add(has_panel, "adm_decision", adm, route)
    ev.add(has_scra, "scra_referral", scra, route)
    ev.add(has_scra, "advice_hearing", advice, route)
    ev.add(has_court, "application_lodged", lodged, route)
    ev.add(has_court, "order_granted", granted, route)

    # at home: the CSO ends, or the plan is reviewed after two years on a CSO (PACE aim 1)
    confirmed = decided + _days(_lognormal(rng, 330.0, 0.6, n))
    review = np.maximum(t0 + 730 + _days(rng.gamma(2.0, 10.0, n)), decided)
    home = ~away
    ev.add(home & (confirmed <= t0 + 730), "home_confirmed", confirmed, HOME)
    ev.add(home & (confirmed > t0 + 730), "cso_home_review", review, HOME)


def _finish(rng, df: pd.DataFrame, extract_day: int) -> pd.DataFrame:
    """Drop missing dates and events after the extract; sort by child, day, stage order."""
    stage = df["stage"].to_numpy()
    p_miss = np.select(
        [stage == STAGES.index("looked_after"), stage == STAGES.index("permanence_recommended")],
        [0.0, P.MISSING_RECOMMENDATION],
        P.MISSING_STAGE,
    )
    keep = (rng.random(len(df)) >= p_miss) & (df["day"].to_numpy() <= extract_day)
    df = df.loc[keep]
    order = np.lexsort((df["occurrence"], df["stage"], df["day"], df["child"]))
    return df.iloc[order].reset_index(drop=True)
