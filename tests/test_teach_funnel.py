import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paceqi.errors import OptionsError
from paceqi.teach.funnel import compare_rules, drop_marbles, funnel_rule


def _loop_reference(rule, errors):
    """Straightforward simulation of the four rules, drop by drop (the definition)."""
    funnel = np.zeros(errors.shape[1])
    drops = []
    for e in errors:
        drop = funnel + e
        drops.append(drop)
        if rule == 2:
            funnel = funnel - drop
        elif rule == 3:
            funnel = -drop
        elif rule == 4:
            funnel = drop
    return np.array(drops)


@pytest.mark.parametrize("rule", [1, 2, 3, 4])
def test_closed_form_matches_the_drop_by_drop_definition(rule):
    errors = np.random.default_rng(rule).standard_normal((40, 2))
    _, drops = funnel_rule(rule, errors)
    assert np.allclose(drops, _loop_reference(rule, errors))


def test_funnel_rule_does_not_mutate_errors():
    e = np.random.default_rng(0).standard_normal((10, 2))
    copy = e.copy()
    for r in (1, 2, 3, 4):
        funnel_rule(r, e)
    assert np.array_equal(e, copy)


def test_frame_shape_target_and_reproducibility():
    a = drop_marbles(30, target=(5.0, -1.0), seed=2)
    b = drop_marbles(30, target=(5.0, -1.0), seed=2)
    assert a.equals(b)
    assert len(a) == 120
    r1 = a[a["rule"] == 1]
    assert (r1["funnel_x"] == 5.0).all() and (r1["funnel_y"] == -1.0).all()
    # every rule uses the same drop errors: the first drop is identical
    first = a[a["drop"] == 1][["x", "y"]].to_numpy()
    assert np.allclose(first, first[0])


def test_rule_2_doubles_the_variance_and_rule_1_is_smallest():
    # one long run and an ensemble, fixed seeds
    t = compare_rules(drop_marbles(5000, seed=10)).set_index("rule")
    assert t.loc[1, "variance"] == t["variance"].min()
    assert 1.85 < t.loc[2, "variance_ratio"] < 2.15
    assert 0.9 < t.loc[1, "variance"] < 1.1


def test_rules_3_and_4_explode_or_drift():
    t = compare_rules(drop_marbles(1000, seed=4)).set_index("rule")
    for rule in (3, 4):
        assert t.loc[rule, "variance_ratio"] > 20
    # averaged over 100 runs: the second half spreads about 3 times as much as the first
    # (E d_k^2 = k) for rules 3 and 4, and the same for the stable rules 1 and 2
    errors = np.random.default_rng(5).standard_normal((200, 100, 2))  # drops x runs x axes
    for rule, lo, hi in ((1, 0.85, 1.2), (2, 0.85, 1.2), (3, 2.0, 4.0), (4, 2.0, 4.0)):
        _, d = funnel_rule(rule, errors)
        sq = (d**2).sum(axis=2)
        ratio = (sq[100:].mean(axis=0) / sq[:100].mean(axis=0)).mean()
        assert lo < ratio < hi, (rule, ratio)


def test_rules_3_and_4_variance_grows_with_drop_number_across_an_ensemble():
    # variance at drop k across 2000 independent runs is about k (sigma = 1)
    errors = np.random.default_rng(99).standard_normal((100, 2000))
    for rule in (3, 4):
        _, d = funnel_rule(rule, errors)
        assert 80 < d[99].var() < 120
        assert 8 < d[9].var() < 12
    _, d2 = funnel_rule(2, errors)
    assert 1.8 < d2[99].var() < 2.2


def test_compare_rules_does_not_mutate_and_has_columns():
    df = drop_marbles(20, seed=1)
    copy = df.copy()
    out = compare_rules(df)
    pd.testing.assert_frame_equal(df, copy)
    assert {"rule", "label", "variance", "variance_ratio", "rms_distance"} <= set(out.columns)


def test_bad_rule_and_arguments():
    with pytest.raises(OptionsError, match="Unknown funnel rule 5. Available: 1, 2, 3, 4"):
        drop_marbles(10, rules=[1, 5])
    with pytest.raises(OptionsError, match="drops must be at least 1"):
        drop_marbles(0)
    with pytest.raises(OptionsError, match="sigma must be greater than 0"):
        drop_marbles(10, sigma=0)
    with pytest.raises(OptionsError, match="at least one funnel rule"):
        drop_marbles(10, rules=[])
    with pytest.raises(OptionsError, match="missing column"):
        compare_rules(pd.DataFrame({"rule": [1]}))


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.just(2)),
        elements=st.floats(-100, 100, allow_nan=False),
    ),
    st.sampled_from([1, 2, 3, 4]),
)
@settings(max_examples=60, deadline=None)
def test_closed_form_equals_definition_for_any_errors(errors, rule):
    _, drops = funnel_rule(rule, errors)
    assert np.allclose(drops, _loop_reference(rule, errors), atol=1e-9)
