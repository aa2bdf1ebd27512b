"""Unit and property tests of the synthetic generator's building blocks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paceqi.catalogue import load_catalogue
from paceqi.data import _synth_params as P
from paceqi.data._synth_journeys import (
    OUTCOMES,
    ROUTE_CODES,
    STAGES,
    _codes,
    _legal_before,
    day_number,
    simulate,
)
from paceqi.data._synth_pdsa import pdsa_document
from paceqi.data.authorities import SCOTTISH_AUTHORITIES
from paceqi.data.synth import _seed_sequence, _setup

EXTRACT = day_number(P.EXTRACT_DATE)
PR = STAGES.index("permanence_recommended")
UNDECIDED = ROUTE_CODES.index("undecided")


def test_day_number():
    assert day_number("1970-01-02") == 1
    assert day_number(dt.date(2021, 3, 31)) == 18717


def test_codes_scalar_and_array():
    assert int(_codes("po", ROUTE_CODES)) == 1
    np.testing.assert_array_equal(
        _codes(np.array(["home", "adoption", "kco"], dtype=object), ROUTE_CODES), [0, 3, 2]
    )
    assert int(_codes("", OUTCOMES)) == 0


@pytest.mark.parametrize("window", [0, 1, 5, 30, 400])
def test_legal_stages_fit_between_lower_bound_and_decision(window):
    rng = np.random.default_rng(3)
    lower = np.full(500, 1000, dtype=np.int64)
    decision = lower + window
    referral, opinion = _legal_before(rng, 500, lower, decision)
    assert (referral >= lower).all()
    assert (opinion >= referral).all()
    assert (opinion <= decision).all()


def test_legal_stages_keep_their_own_gaps_when_there_is_room():
    rng = np.random.default_rng(4)
    lower = np.zeros(2000, dtype=np.int64)
    referral, opinion = _legal_before(rng, 2000, lower, lower + 2000)
    assert 20 <= np.median(opinion - referral) <= 32  # log-normal median 26 days


def test_no_children_gives_an_empty_frame():
    df = simulate(np.random.default_rng(1), 0, day_number("2016-01-01"), True, EXTRACT)
    assert df.empty
    assert list(df.columns) == ["child", "stage", "day", "occurrence", "route", "outcome"]


def test_pdsa_for_an_authority_without_children_uses_the_default_baseline():
    empty = np.array([], dtype=float)
    doc = pdsa_document(
        np.random.default_rng(1), "Orkney Islands", dt.date(2016, 3, 1), False, empty, empty
    )
    cycles = doc["change_ideas"][0]["ramps"][0]["cycles"]
    assert 3 <= len(cycles) <= 6
    assert "from 240 towards" in cycles[0]["predictions"][1]


def test_setup_draws_sizes_dates_and_effects_as_documented():
    effects, dates = [], []
    for seed in range(40):
        for i, name in enumerate(SCOTTISH_AUTHORITIES):
            n, intro, effect = _setup(
                name, np.random.default_rng(_seed_sequence(seed, i).spawn(3)[0])
            )
            assert n > 0
            effects.append(effect)
            dates.append(intro)
    assert 0.55 <= np.mean(effects) <= 0.65  # TWM_EFFECT_SHARE, 1280 draws
    assert min(dates) >= P.TWM_FROM and max(dates) <= P.TWM_TO
    assert {d.day for d in dates} == {1}
    assert len({d.year for d in dates}) == 4


def test_seed_sequences_are_keyed_by_authority_index():
    # the same as SeedSequence(seed).spawn(32)[i], so adding authorities reshuffles nothing
    spawned = np.random.SeedSequence(9).spawn(32)
    for i in (0, 14, 31):
        a = np.random.default_rng(_seed_sequence(9, i)).random(3)
        b = np.random.default_rng(spawned[i]).random(3)
        np.testing.assert_array_equal(a, b)


def _check_invariants(df: pd.DataFrame, n: int) -> None:
    assert (df.groupby("child")["stage"].first() == 0).all()  # looked_after comes first
    assert df["child"].nunique() == n
    t0 = df.loc[df["stage"] == 0].set_index("child")["day"]
    assert t0.index.is_unique
    assert (df["day"].to_numpy() >= t0.loc[df["child"]].to_numpy()).all()
    assert (df["day"] <= EXTRACT).all()
    # within each route, later stages (catalogue order) never come before earlier ones
    assert not (df.groupby(["child", "route"], sort=False)["stage"].diff() < 0).any()
    # undecided only up to the first recommendation
    first_pr = df[df["stage"] == PR].groupby("child")["day"].min()
    und = df[df["route"] == UNDECIDED]
    limit = first_pr.reindex(und["child"]).to_numpy()
    known = ~np.isnan(limit)
    assert (und["day"].to_numpy()[known] <= limit[known]).all()
    # rows sorted by child then day
    assert (np.diff(df["child"].to_numpy() * 100_000 + df["day"].to_numpy()) >= 0).all()
    assert not df.duplicated(["child", "stage", "occurrence"]).any()


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    intro=st.dates(dt.date(2013, 1, 1), dt.date(2020, 6, 1)),
    effect=st.booleans(),
)
def test_journey_invariants_hold_for_any_seed(seed, n, intro, effect):
    df = simulate(np.random.default_rng(seed), n, day_number(intro), effect, EXTRACT)
    _check_invariants(df, n)


def test_catalogue_routes_allow_every_generated_route():
    cat = load_catalogue()
    df = simulate(np.random.default_rng(11), 2000, day_number("2016-01-01"), True, EXTRACT)
    pairs = set(zip(df["stage"], df["route"], strict=True))
    for stage, route in pairs:
        assert ROUTE_CODES[route] in cat[STAGES[stage]].routes, (STAGES[stage], ROUTE_CODES[route])


def test_effect_shortens_early_stages_only_after_introduction():
    intro = day_number("2016-01-01")
    out = {}
    for effect in (False, True):
        df = simulate(np.random.default_rng(5), 4000, intro, effect, EXTRACT)
        la = df[df["stage"] == 0].set_index("child")["day"]
        fr = df[df["stage"] == STAGES.index("first_review")].set_index("child")["day"]
        gap = (fr - la.reindex(fr.index)).dropna()
        late = la.reindex(gap.index) >= intro + P.TWM_EFFECT_RAMP_DAYS
        out[effect] = (gap[~late].median(), gap[late].median())
    assert abs(out[False][0] - out[False][1]) <= 2
    assert abs(out[True][0] - out[False][0]) <= 2  # before the introduction: the same
    assert out[True][1] <= out[True][0] - 5  # after: the first review comes sooner
