import numpy as np
import pandas as pd
import pytest

from paceqi.catalogue import load_catalogue
from paceqi.errors import OptionsError
from paceqi.teach import journey_sim as js


def test_stages_follow_catalogue_order_and_routes():
    res = js.simulate_journeys(200, seed=1)
    cat = load_catalogue()
    order = {s.code: s.order for s in cat.stages}
    for _, g in res.events.groupby("child_id"):
        assert g["date"].is_monotonic_increasing
        assert g["stage"].map(order).is_monotonic_increasing
    home = res.children[res.children["route"] == "home"]
    assert home["panel"].isna().all() and home["legal_opinion"].isna().all()
    po = res.children[res.children["route"] == "po"]
    assert po[["legal_referral", "legal_opinion", "panel", "adm_decision"]].notna().all().all()
    kco = res.children[res.children["route"] == "kco"]
    assert kco["legal_referral"].isna().all() and kco["panel"].notna().all()


def test_events_are_canonical_long_rows():
    res = js.simulate_journeys(30, seed=2, authority="Test LA")
    assert list(res.events.columns) == [
        "authority",
        "child_id",
        "stage",
        "date",
        "occurrence",
        "route",
        "outcome",
    ]
    assert (res.events["authority"] == "Test LA").all()
    n_dates = res.children[[c for c in js.GAPS if c in res.children] + ["looked_after"]].notna()
    assert len(res.events) == int(n_dates.to_numpy().sum())


def test_reproducible_and_common_random_numbers():
    a = js.simulate_journeys(80, seed=4)
    assert a.children.equals(js.simulate_journeys(80, seed=4).children)
    b = js.simulate_journeys(80, "faster_legal_opinions", seed=4)
    before = a.children["period"] == "before"
    # children before the change are untouched by it
    pd.testing.assert_frame_equal(
        a.children[before].drop(columns="changed"), b.children[before].drop(columns="changed")
    )
    assert b.children.loc[~before, "changed"].all() and not b.children["changed"][before].any()


def test_no_change_means_before_and_after_look_alike():
    s = js.journey_summary(js.simulate_journeys(2000, seed=5).children).set_index("period")
    diff = (
        s.loc["after", "median_days_to_recommendation"]
        - s.loc["before", "median_days_to_recommendation"]
    )
    assert abs(diff) < 12


@pytest.mark.parametrize(
    ("change", "measure"),
    [
        ("two_week_meeting", "median_days_to_recommendation"),
        ("faster_legal_opinions", "median_days_to_recommendation"),
        ("more_panel_dates", "median_days_recommendation_to_panel"),
    ],
)
def test_each_change_idea_shortens_its_segment(change, measure):
    t = js.compare_change_ideas([change], n_children=800, seed=6).set_index("change")
    assert t.loc[change, measure] < t.loc["no change", measure] - 10


def test_legal_opinions_shorten_the_referral_to_opinion_gap_only_for_court_routes():
    base = js.simulate_journeys(600, seed=7).children
    fast = js.simulate_journeys(600, "faster_legal_opinions", seed=7).children
    after = base["period"] == "after"
    gap_b = (base["legal_opinion"] - base["legal_referral"]).dt.days[after].median()
    gap_f = (fast["legal_opinion"] - fast["legal_referral"]).dt.days[after].median()
    assert gap_f < 0.4 * gap_b
    home = after & (base["route"] == "home")
    assert (
        base.loc[home, "days_to_recommendation"] == fast.loc[home, "days_to_recommendation"]
    ).all()


def test_balancing_measures_move_the_wrong_way():
    t = js.compare_change_ideas(n_children=3000, seed=8).set_index("change")
    assert t.loc["two_week_meeting", "pct_reversed"] > t.loc["no change", "pct_reversed"] + 1
    assert t.loc["more_panel_dates", "pct_deferred"] > t.loc["no change", "pct_deferred"] + 3


def test_panel_dates_fall_on_the_panel_calendar():
    c = js.simulate_journeys(300, seed=9).children
    panel_days = (c["panel"].dropna() - pd.Timestamp("2024-04-01")).dt.days
    assert panel_days.mod(js.PANEL_INTERVAL_DAYS).nunique() == 1
    more = js.simulate_journeys(300, "more_panel_dates", seed=9).children
    treated = more["changed"] & more["panel"].notna()
    gaps = (more.loc[treated, "panel"] - pd.Timestamp("2024-04-01")).dt.days
    assert gaps.mod(14).nunique() == 1


def test_summary_uses_catalogue_targets_and_does_not_mutate():
    c = js.simulate_journeys(100, seed=10).children
    copy = c.copy()
    s = js.journey_summary(c)
    pd.testing.assert_frame_equal(c, copy)
    before = c[c["period"] == "before"]
    expected = 100 * (before["days_to_recommendation"] <= 182).mean()
    assert np.isclose(s.set_index("period").loc["before", "pct_recommended_in_target"], expected)


def test_bad_arguments():
    with pytest.raises(OptionsError, match="Unknown change idea 'magic'"):
        js.simulate_journeys(10, "magic", seed=1)
    with pytest.raises(OptionsError, match="n_children must be at least 2"):
        js.simulate_journeys(1, seed=1)
    with pytest.raises(OptionsError, match="ISO dates"):
        js.simulate_journeys(10, start="soon", seed=1)
