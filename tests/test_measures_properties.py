"""Property tests: invariants of intervals, within_target and kaplan_meier on random events."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paceqi.measures import intervals, kaplan_meier, within_target

STAGES = ["looked_after", "two_week_meeting", "first_review"]

event = st.tuples(
    st.sampled_from(["A", "B"]),
    st.integers(0, 6).map(lambda i: f"c{i}"),
    st.sampled_from(STAGES),
    st.integers(0, 120),
    st.sampled_from([None, "home", "po"]),
)


def frame(rows):
    ev = pd.DataFrame(rows, columns=["authority", "child_id", "stage", "day", "route"])
    ev["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(ev["day"], unit="D")
    return ev.drop(columns="day")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, max_size=25), st.integers(0, 130), st.integers(1, 40))
def test_interval_invariants(rows, as_of_day, target):
    ev = frame(rows)
    as_of = pd.Timestamp("2024-01-01") + pd.Timedelta(days=as_of_day)
    iv = intervals(ev, "looked_after", "two_week_meeting", as_of=as_of, target_days=target)
    seen = ev[(ev["stage"] == "looked_after") & (ev["date"] <= as_of)]
    assert len(iv) == seen.groupby(["authority", "child_id"]).ngroups
    assert (iv["days"] >= 0).all()
    assert (iv["censored"] == iv["end_date"].isna()).all()
    r = iv[iv["reached"]]
    assert ((r["end_date"] - r["start_date"]).dt.days == r["days"]).all()
    c = iv[iv["censored"] & iv["exit"].isna()]  # still waiting (not moved on)
    assert ((as_of - c["start_date"]).dt.days == c["days"]).all()
    x = iv[iv["exit"].notna()]  # moved on (here: a first review without a meeting)
    assert ((x["exit_date"] - x["start_date"]).dt.days == x["days"]).all()
    assert (x["status"] == "missed").all()
    elapsed = (as_of - iv["start_date"]).dt.days
    assert (iv["mature"] == (elapsed >= target)).all()
    known = iv["within_target"].notna()
    assert (known == (iv["reached"] | iv["mature"])).all()
    if len(iv):
        wt = within_target(iv)
        assert wt["children"].sum() == len(iv)
        # every child of a cohort is counted once: in the denominator, or immature
        assert (wt["denominator"] + wt["immature"] == wt["children"]).all()
        assert (wt["incomplete"] == (wt["immature"] > 0)).all()
        assert wt["waiting_past_target"].sum() == int((c["days"] >= target).sum())
        km = kaplan_meier(iv, by="authority")
        assert (
            np.diff(km.curve["survival"].to_numpy())[km.curve["time"].to_numpy()[1:] > 0] <= 1e-12
        ).all()
        assert (
            (km.curve["ci_lower"] <= km.curve["survival"] + 1e-12)
            & (km.curve["survival"] <= km.curve["ci_upper"] + 1e-12)
        ).all()
    pd.testing.assert_frame_equal(ev, frame(rows))
