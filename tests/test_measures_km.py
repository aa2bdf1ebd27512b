import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.measures import kaplan_meier

lifelines = pytest.importorskip("lifelines")
from lifelines.utils import median_survival_times  # noqa: E402


def lifelines_fit(t, e):
    kmf = lifelines.KaplanMeierFitter().fit(t, e)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    lo = ci.filter(like="lower").iloc[:, 0]
    hi = ci.filter(like="upper").iloc[:, 0]
    med_ci = median_survival_times(ci)
    # precondition: no value exactly at 0.5, where lifelines' float product is ambiguous
    for v in (sf, lo, hi):
        assert not np.isclose(v.to_numpy(dtype=float), 0.5, atol=1e-9).any()
    return kmf, sf, lo, hi, med_ci


def random_sample(seed, n):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 60, n).astype(float)  # many ties
    e = rng.random(n) < 0.7
    return t, e


@pytest.mark.parametrize(("seed", "n"), [(6, 9), (2, 40), (3, 250), (5, 1000)])
def test_agrees_with_lifelines(seed, n):
    t, e = random_sample(seed, n)
    km = kaplan_meier(pd.DataFrame({"days": t, "reached": e}))
    kmf, sf, lo, hi, med_ci = lifelines_fit(t, e)
    curve = km.curve.set_index("time")
    assert list(curve.index) == list(sf.index)
    np.testing.assert_allclose(curve["survival"], sf.to_numpy(), rtol=1e-12, atol=1e-12)
    ok = sf.to_numpy() > 0  # lifelines leaves the band undefined (NaN) where S = 0
    np.testing.assert_allclose(curve["ci_lower"][ok], lo[ok], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(curve["ci_upper"][ok], hi[ok], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(curve["at_risk"], kmf.event_table["at_risk"].to_numpy())
    np.testing.assert_array_equal(curve["events"], kmf.event_table["observed"].to_numpy())
    s = km.summary.iloc[0]
    assert s["median"] == kmf.median_survival_time_
    assert s["median_ci_lower"] == med_ci.iloc[0, 0]
    assert s["median_ci_upper"] == med_ci.iloc[0, 1]


def test_groups_are_independent_and_match_lifelines_per_group():
    rng = np.random.default_rng(11)
    frames = []
    for a, n in [("A", 30), ("B", 200), ("C", 1)]:
        t, e = random_sample(int(rng.integers(100)), n)
        frames.append(pd.DataFrame({"authority": a, "days": t, "reached": e}))
    data = pd.concat(frames, ignore_index=True)
    km = kaplan_meier(data, by="authority")
    assert list(km.summary["authority"]) == ["A", "B", "C"]
    for a, g in data.groupby("authority"):
        kmf, sf, *_ = lifelines_fit(g["days"], g["reached"])
        c = km.curve[km.curve["authority"] == a]
        np.testing.assert_allclose(c["survival"], sf.to_numpy(), atol=1e-12)
        assert km.summary.set_index("authority").loc[a, "median"] == kmf.median_survival_time_


def test_known_small_example_and_completed_median():
    d = pd.DataFrame({"days": [5, 8, 8, 12, 20], "reached": [True, True, False, True, False]})
    s = kaplan_meier(d).summary.iloc[0]
    assert (s["n"], s["events"], s["censored"]) == (5, 3, 2)
    assert s["median"] == 12  # S(12) = 0.3
    assert s["median_completed"] == 8  # completed only: 5, 8, 12 -> biased low


def test_survival_exactly_one_half_gives_that_time():
    # S(30) = 7/8 * 6/7 * 5/6 * 4/5 = 0.5 exactly; lifelines' float product lands just above
    # 0.5 and reports 56 here, the textbook rule (first t with S(t) <= 0.5) gives 30
    d = pd.DataFrame(
        {
            "days": [28, 30, 45, 57, 2, 8, 49, 56],
            "reached": [True, True, False, True, True, True, False, True],
        }
    )
    assert kaplan_meier(d).summary["median"].iloc[0] == 30
    d2 = pd.DataFrame({"days": [1, 2, 3, 4], "reached": True})
    assert kaplan_meier(d2).summary["median"].iloc[0] == 2  # S(2) = 0.5


def test_median_not_reached_is_inf():
    d = pd.DataFrame({"days": [10, 20, 30, 40], "reached": [True, False, False, False]})
    assert np.isinf(kaplan_meier(d).summary["median"].iloc[0])


def test_everyone_reaches_at_the_same_time():
    d = pd.DataFrame({"days": [3, 3, 3], "reached": True})
    km = kaplan_meier(d)
    assert km.curve["survival"].tolist() == [1.0, 0.0]
    assert km.summary["median"].iloc[0] == 3


def test_no_rows_by_group_gives_empty_frames():
    d = pd.DataFrame({"authority": pd.Series(dtype=object), "days": [], "reached": []})
    km = kaplan_meier(d, by="authority")
    assert km.curve.empty and km.summary.empty


def test_bad_input():
    with pytest.raises(OptionsError, match="column"):
        kaplan_meier(pd.DataFrame({"days": [1]}))
    with pytest.raises(OptionsError, match="non-negative"):
        kaplan_meier(pd.DataFrame({"days": [-1], "reached": [True]}))


def test_does_not_mutate_input():
    d = pd.DataFrame({"g": ["x", "y"], "days": [1, 2], "reached": [True, False]})
    before = d.copy()
    kaplan_meier(d, by="g")
    pd.testing.assert_frame_equal(d, before)


def test_per_authority_and_period():
    from measures_fixtures import AS_OF, hand_events

    from paceqi.measures import intervals

    iv = intervals(hand_events(), "looked_after", "permanence_recommended", as_of=AS_OF)
    km = kaplan_meier(iv, by="authority", period="quarter")
    s = km.summary.set_index(["authority", "period"])
    assert s.loc[("A", pd.Timestamp("2024-01-01")), "n"] == 4  # c1, c2, c3, c4
    assert s.loc[("A", pd.Timestamp("2024-04-01")), "n"] == 2  # c5, c6
    assert s["n"].sum() == len(iv)
    with pytest.raises(OptionsError, match="period"):
        kaplan_meier(iv, period="week")
