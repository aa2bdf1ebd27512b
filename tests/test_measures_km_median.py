"""``median_with_ci`` (the journey table's fast path) gives exactly kaplan_meier's numbers."""

import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.measures import kaplan_meier
from paceqi.measures.km import median_with_ci


def summary_of(t, e, alpha):
    s = kaplan_meier(pd.DataFrame({"days": t, "reached": e}), alpha=alpha).summary.iloc[0]
    return float(s["median"]), float(s["median_ci_lower"]), float(s["median_ci_upper"])


CASES = [
    (np.array([5, 8, 8, 12, 20.0]), np.array([1, 1, 0, 1, 0], dtype=bool)),
    (np.array([3.0, 3, 3, 3]), np.ones(4, dtype=bool)),  # everyone at once: S drops to 0
    (np.array([1.0, 2, 3]), np.zeros(3, dtype=bool)),  # nobody reached: inf
    (np.array([10.0, 20]), np.array([True, False])),  # S exactly 0.5
    (np.array([0.0, 0, 4]), np.array([True, False, True])),  # zero days
]


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.01])
def test_same_numbers_as_kaplan_meier(alpha):
    rng = np.random.default_rng(20140101)
    cases = list(CASES)
    for n in (1, 2, 5, 9, 40, 250, 1000):
        t = rng.integers(0, 400, n).astype(float)  # many ties
        cases.append((t, rng.random(n) < rng.random()))
    for t, e in cases:
        assert median_with_ci(t, e, alpha=alpha) == summary_of(t, e, alpha)
        # integer days and a pandas column give the same (the journey table passes columns)
        frame = pd.DataFrame({"days": t.astype(int), "reached": e})
        assert median_with_ci(frame["days"], frame["reached"], alpha=alpha) == summary_of(
            t, e, alpha
        )


def test_bad_input_is_refused_like_kaplan_meier():
    with pytest.raises(OptionsError, match="non-negative"):
        median_with_ci(np.array([1.0, -2.0]), np.array([True, True]))
    with pytest.raises(OptionsError, match="non-negative"):
        median_with_ci(np.array([1.0, np.nan]), np.array([True, True]))
    with pytest.raises(OptionsError, match="alpha"):
        median_with_ci(np.array([1.0]), np.array([True]), alpha=1.0)
