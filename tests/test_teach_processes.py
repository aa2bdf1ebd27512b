import numpy as np
import pytest

from paceqi.errors import OptionsError
from paceqi.teach.processes import generate_process, simulate_series


def test_same_seed_same_series_and_different_seed_differs():
    a = generate_process(12, 8, shift=1.5, seed=7).data
    b = generate_process(12, 8, shift=1.5, seed=7).data
    c = generate_process(12, 8, shift=1.5, seed=8).data
    assert a.equals(b)
    assert not a["y"].equals(c["y"])


def test_shape_columns_and_truth():
    p = generate_process(10, 6, shift=2.0, seed=1)
    assert list(p.data.columns) == ["x", "y"]
    assert p.data["x"].tolist() == list(range(1, 17))
    assert p.shift_start == 10
    assert p.changed.sum() == 6 and not p.changed.iloc[:10].any()


def test_no_change_has_no_truth():
    p = generate_process(10, 6, seed=1)
    assert p.shift_start is None
    assert not p.changed.any()


def test_shift_moves_the_mean_by_shift_sigma():
    # same noise with and without the shift: the difference is exactly the step
    base = generate_process(20, 30, noise=2.0, seed=3).data["y"].to_numpy()
    shifted = generate_process(20, 30, shift=1.5, noise=2.0, seed=3).data["y"].to_numpy()
    diff = shifted - base
    assert np.allclose(diff[:20], 0.0)
    assert np.allclose(diff[20:], 3.0)


def test_trend_drifts_linearly_after_start():
    base = generate_process(5, 4, seed=2).data["y"].to_numpy()
    tr = generate_process(5, 4, trend=0.5, seed=2).data["y"].to_numpy()
    assert np.allclose(tr - base, [0, 0, 0, 0, 0, 0.5, 1.0, 1.5, 2.0])


def test_shift_at_moves_the_change():
    p = generate_process(10, 10, shift=1.0, shift_at=4, seed=1)
    assert p.shift_start == 4


def test_baseline_statistics_over_many_draws():
    y = simulate_series(4000, 10, 0, noise=2.0, mean=5.0, seed=11)
    assert abs(y.mean() - 5.0) < 0.05
    assert abs(y.std() - 2.0) < 0.05


def test_simulate_series_reuses_noise_without_mutating_it():
    noise = np.random.default_rng(1).standard_normal((3, 7))
    copy = noise.copy()
    a = simulate_series(3, 5, 2, shift=1.0, base_noise=noise)
    b = simulate_series(3, 5, 2, shift=0.0, base_noise=noise)
    assert np.array_equal(noise, copy)
    assert np.allclose((a - b)[:, 5:], 1.0) and np.allclose((a - b)[:, :5], 0.0)


def test_simulate_series_rejects_wrong_noise_shape():
    with pytest.raises(ValueError, match="shape"):
        simulate_series(3, 5, 2, base_noise=np.zeros((2, 7)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_baseline": 0}, "n_baseline must be at least 1"),
        ({"n_after": -1}, "n_after must be at least 0"),
        ({"noise": 0}, "noise must be greater than 0"),
        ({"shift": "big"}, "shift must be a number"),
        ({"shift_at": 50}, "shift_at must be at least 0 and at most 31"),
        ({"seed": 1.5}, "seed must be a whole number"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(OptionsError, match=match):
        generate_process(**{"n_baseline": 20, "n_after": 12, **kwargs})
