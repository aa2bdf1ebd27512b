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
    _legal,
    day_number,
    simulate,
)
from paceqi.data._synth_pdsa import Journeys, pdsa_document
from paceqi.data._synth_truth import (
    CLASSES,
    IDEA_NAMES,
    IDEAS,
    RAMP_DAYS,
    IdeaTruth,
    assigned_class,
    factor,
)
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


def _truth(idea: str, cls: str, start: str, size: float | None = None) -> IdeaTruth:
    spec = next(i for i in IDEAS if i.notebook == idea)
    day = dt.date.fromisoformat(start)
    if size is None:
        size = spec.size if cls in ("effect", "trap_prior") else 0.0
    effect = day if size else None
    return IdeaTruth(spec, cls, None if cls == "not_tested" else day, effect, size)


@pytest.mark.parametrize("window", [0, 1, 5, 30, 400])
def test_legal_stages_come_before_the_decision_when_there_is_room(window):
    rng = np.random.default_rng(3)
    t0 = np.full(500, 1000, dtype=np.int64)
    decision = t0 + 14 + window
    referral, opinion = _legal(rng, 500, t0, decision, lambda d: np.ones(len(d)))
    assert (referral >= t0 + 14).all()
    assert (opinion > referral).all()
    # the caller moves the decision after the opinion when there was no room
    assert (opinion[referral > t0 + 14] <= decision[referral > t0 + 14]).all()


def test_legal_turnaround_shrinks_with_its_factor():
    rng = np.random.default_rng(4)
    t0 = np.zeros(4000, dtype=np.int64)
    decision = t0 + 2000
    r1, o1 = _legal(rng, 4000, t0, decision, lambda d: np.ones(len(d)))
    rng = np.random.default_rng(4)
    r2, o2 = _legal(rng, 4000, t0, decision, lambda d: np.full(len(d), 0.5))
    assert 30 <= np.median(o1 - r1) <= 40  # log-normal median 35 days
    np.testing.assert_array_equal(r1, r2)  # the referral stays; the opinion comes back sooner
    assert np.median(o2 - r2) == pytest.approx(np.median(o1 - r1) / 2, abs=1.5)


def test_factor_ramps_from_the_effect_start():
    t = _truth("panel_to_adm", "effect", "2016-01-01")
    start = day_number("2016-01-01")
    days = np.array([start - 10, start, start + RAMP_DAYS // 2, start + RAMP_DAYS, start + 999])
    np.testing.assert_allclose(factor(days, t), [1, 1, 1 - t.size / 2, 1 - t.size, 1 - t.size])
    np.testing.assert_allclose(factor(days, None), 1)
    worse = _truth("panel_to_adm", "trap_worsening", "2016-01-01", -0.6)
    assert factor(days, worse)[-1] == pytest.approx(1.6)


def test_assignment_is_fixed_and_covers_every_class():
    classes = {assigned_class(a, i) for a in SCOTTISH_AUTHORITIES for i in IDEA_NAMES}
    assert classes == set(CLASSES)
    # every authority tests something, and does not test something else
    for a in SCOTTISH_AUTHORITIES:
        mine = [assigned_class(a, i) for i in IDEA_NAMES]
        assert "not_tested" in mine and any(c != "not_tested" for c in mine), a


def test_no_children_gives_an_empty_frame():
    df = simulate(np.random.default_rng(1), 0, {}, EXTRACT)
    assert df.empty
    assert list(df.columns) == ["child", "stage", "day", "occurrence", "route", "outcome"]


def test_pdsa_for_an_authority_without_children_uses_the_default_baseline():
    empty = simulate(np.random.default_rng(1), 0, {}, EXTRACT)
    ideas = [_truth("two_week_planning_meeting", "no_effect", "2016-03-01")]
    doc = pdsa_document(
        np.random.default_rng(1), "Orkney Islands", ideas, Journeys.from_raw(0, empty, STAGES)
    )
    cycles = doc["change_ideas"][0]["ramps"][0]["cycles"]
    assert 3 <= len(cycles) <= 6
    # no baseline is quoted where none was measured (the 240-day default only sets the aim)
    assert "will be 180 or fewer (no child reached" in cycles[0]["predictions"][1]
    assert all(c["study_results"][-1]["met"] is None for c in cycles)  # nothing to quote


def test_setup_draws_sizes_and_test_starts_as_documented():
    starts: dict[str, list[dt.date]] = {i: [] for i in IDEA_NAMES}
    for seed in range(20):
        for i, name in enumerate(SCOTTISH_AUTHORITIES):
            n, truth = _setup(name, np.random.default_rng(_seed_sequence(seed, i).spawn(3)[0]))
            assert n > 0
            assert list(truth) == list(IDEA_NAMES)
            for idea, t in truth.items():
                assert t.cls == assigned_class(name, idea)  # the class never depends on the seed
                if t.test_start is not None:
                    starts[idea].append(t.test_start)
    for spec in IDEAS:
        got = starts[spec.notebook]
        assert min(got) >= spec.window[0] and max(got) <= spec.window[1]
        assert {d.day for d in got} == {1}
        assert len({d.year for d in got}) >= 2


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
    # within each route, later stages (catalogue order) never come before earlier ones, except
    # kinship options ruled in or out before a review, and a CSO ending after its review
    grp = df.groupby(["child", "route"], sort=False)["stage"]
    back = grp.diff() < 0
    steps = set(zip(grp.shift()[back].astype(int), df.loc[back, "stage"], strict=True))
    s = STAGES.index
    allowed = {
        (s("kinship_assessed"), s("first_review")),
        (s("kinship_assessed"), s("second_review")),
        (s("cso_home_review"), s("home_confirmed")),
    }
    assert steps <= allowed
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
    cls=st.sampled_from(CLASSES),
)
def test_journey_invariants_hold_for_any_seed(seed, n, intro, cls):
    start = intro.replace(day=1).isoformat()
    size = -0.5 if cls == "trap_worsening" else None
    truth = {i: _truth(i, cls, start, size) for i in IDEA_NAMES}
    df = simulate(np.random.default_rng(seed), n, truth, EXTRACT)
    _check_invariants(df, n)


def test_catalogue_routes_allow_every_generated_route():
    cat = load_catalogue()
    truth = {i: _truth(i, "effect", "2016-01-01") for i in IDEA_NAMES}
    df = simulate(np.random.default_rng(11), 2000, truth, EXTRACT)
    pairs = set(zip(df["stage"], df["route"], strict=True))
    for stage, route in pairs:
        if ROUTE_CODES[route] == "":  # care events carry no route
            assert STAGES[stage] in ("placement_move", "returned_to_care")
            continue
        assert ROUTE_CODES[route] in cat[STAGES[stage]].routes, (STAGES[stage], ROUTE_CODES[route])


def test_effect_shortens_early_stages_only_after_introduction():
    intro = day_number("2016-01-01")
    out = {}
    for cls in ("no_effect", "effect"):
        twm = "two_week_planning_meeting"
        truth = {twm: _truth(twm, cls, "2016-01-01")}
        df = simulate(np.random.default_rng(5), 4000, truth, EXTRACT)
        la = df[df["stage"] == 0].set_index("child")["day"]
        fr = df[df["stage"] == STAGES.index("first_review")].set_index("child")["day"]
        gap = (fr - la.reindex(fr.index)).dropna()
        late = la.reindex(gap.index) >= intro + RAMP_DAYS
        out[cls] = (gap[~late].median(), gap[late].median())
    assert abs(out["no_effect"][0] - out["no_effect"][1]) <= 3
    assert abs(out["effect"][0] - out["no_effect"][0]) <= 2  # before the introduction: the same
    assert out["effect"][1] <= out["effect"][0] - 5  # after: the first review comes sooner


@pytest.mark.parametrize("spec", IDEAS, ids=lambda s: s.notebook)
def test_each_idea_shrinks_only_its_own_gap(spec):
    # the same seed with and without the idea's effect: its gap shrinks by about its size
    # for children anchored after the full ramp; the gaps before the effect are identical
    start = "2014-01-01"
    base = simulate(np.random.default_rng(7), 3000, {}, EXTRACT)
    truth = {spec.notebook: _truth(spec.notebook, "effect", start)}
    eff = simulate(np.random.default_rng(7), 3000, truth, EXTRACT)
    a, b = spec.gap

    def gaps(df):
        first = df[df["occurrence"] == 1]
        s_ = first[first["stage"] == STAGES.index(a)].set_index("child")["day"]
        e_ = first[first["stage"] == STAGES.index(b)].set_index("child")["day"]
        g = (e_ - s_.reindex(e_.index)).dropna()
        anchor = s_.reindex(g.index) + spec.anchor_offset
        return g, anchor

    g0, anchor0 = gaps(base)
    g1, anchor1 = gaps(eff)
    cut = day_number(start)
    full = cut + RAMP_DAYS
    late = EXTRACT - 700
    pre0 = g0[anchor0 < cut - 30].median()
    pre1 = g1[anchor1 < cut - 30].median()
    assert pre1 == pytest.approx(pre0, rel=0.05)
    post0 = g0[(anchor0 >= full) & (anchor0 <= late)].median()
    post1 = g1[(anchor1 >= full) & (anchor1 <= late)].median()
    if spec.notebook == "cso_home_review":  # only the delay after the two years shrinks
        assert post0 - post1 > 0.5 * spec.size * (post0 - 730)
    else:
        assert post1 / post0 < 1 - 0.6 * spec.size, (post0, post1)
