"""The batch verdicts agree with paceqi.spc series by series (the fast path is not a new rule)."""

import numpy as np
import pytest

from paceqi.spcstats import spc
from paceqi.teach import batch
from paceqi.teach.detection import DEFAULT_CHART, point_signals
from paceqi.teach.processes import simulate_series


def _reference(series, rules, chart, freeze):
    points, runs = [], []
    for y in series:
        res = spc(y, chart=chart, rules=rules, freeze=freeze)
        points.append(point_signals(res.points))
        runs.append(bool(res.summary["runs_signal"].any()))
    return np.array(points), np.array(runs)


@pytest.mark.parametrize("rules", ["ihi", "anhoej", "mdc"])
@pytest.mark.parametrize(
    ("baseline", "shift", "trend"),
    [(7, 0.0, 0.0), (12, 1.0, 0.0), (20, 2.0, 0.0), (9, 0.0, 0.3), (30, 0.5, 0.0)],
)
def test_batch_verdicts_match_paceqi_spc(rules, baseline, shift, trend):
    chart = DEFAULT_CHART[rules]
    y = simulate_series(40, baseline, 12, shift=shift, trend=trend, seed=baseline + int(10 * shift))
    fast = batch.batch_verdicts(y, rules=rules, chart=chart, freeze=baseline)
    ref_points, ref_runs = _reference(y, rules, chart, baseline)
    assert fast.exact.all()
    np.testing.assert_array_equal(fast.points, ref_points)
    np.testing.assert_array_equal(fast.runs, ref_runs)
    # the cases are not all quiet: the comparison covers series that signal
    if shift >= 1 or trend:
        assert ref_points[:, baseline:].any(axis=1).mean() > 0.2


@pytest.mark.parametrize("rules", ["ihi", "anhoej"])
def test_runs_signals_are_exercised(rules):
    # a long series with a slow oscillation: few crossings, so the runs analysis fires
    x = np.arange(40)
    y = np.sin(x / 3.0)[None, :] + 0.01 * np.random.default_rng(3).standard_normal((30, 40))
    fast = batch.batch_verdicts(y, rules=rules, chart="run", freeze=20)
    ref_points, ref_runs = _reference(y, rules, "run", 20)
    assert ref_runs.any()
    np.testing.assert_array_equal(fast.runs, ref_runs)
    np.testing.assert_array_equal(fast.points, ref_points)


def test_ties_are_left_to_paceqi_spc():
    y = simulate_series(5, 8, 6, seed=1).round(0)  # whole numbers: ties on the median and trend
    fast = batch.batch_verdicts(y, rules="ihi", chart="run", freeze=8)
    assert not fast.exact.all()


def test_unsupported_pairs_and_missing_values_are_refused():
    with pytest.raises(ValueError, match="does not handle"):
        batch.batch_verdicts(np.zeros((2, 5)), rules="mdc", chart="run", freeze=3)
    with pytest.raises(ValueError, match="missing"):
        batch.batch_verdicts(np.full((2, 5), np.nan), rules="ihi", chart="run", freeze=3)
