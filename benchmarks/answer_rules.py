"""False "yes"/"worse" rate and power of the answer's decision table on simulated series.

``python benchmarks/answer_rules.py [--reps N]``: quarterly series of 18 baseline and 18 test
quarters (median 40 days, normal noise SD 3), judged by :func:`paceqi.changeidea.answer.judge`
on a real :func:`paceqi.spc` run chart with the frozen baseline, for a fall of 0, 3 (7.5 %,
below the material 10 %) and 6 days (15 %). With ``--bare`` the rank-sum and materiality checks
are switched off (the bare IHI run rule against the frozen baseline), the obvious alternative.
docs/methods.md §8 quotes the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import paceqi.changeidea.answer as A  # noqa: E402
from paceqi.spcstats import spc  # noqa: E402

START = dt.date(2016, 8, 15)  # its quarter is the 19th: 18 baseline quarters
QUARTERS = pd.date_range("2012-01-01", periods=36, freq="QS")


def status(y: np.ndarray) -> str:
    """Judge one series as the report does."""
    res = spc(y, x=QUARTERS, chart="run", direction="decrease", freeze=18)
    return A.judge(res, direction="decrease", test_start=START, period="quarter").status


def main(argv: list[str] | None = None) -> int:
    """Print the answer classes per simulated fall."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--bare", action="store_true", help="no rank-sum or materiality check")
    args = ap.parse_args(argv)
    patches = []
    if args.bare:
        patches = [
            mock.patch.object(A, "_test_period_moved", lambda *a: True),
            mock.patch.object(A, "_material", lambda *a: True),
        ]
    for p in patches:
        p.start()
    for fall in (0, 3, 6):
        rng = np.random.default_rng(7 + fall)
        c = Counter(
            status(np.round(np.r_[rng.normal(40, 3, 18), rng.normal(40 - fall, 3, 18)]))
            for _ in range(args.reps)
        )
        print(f"fall {fall} days, {args.reps} series:", dict(sorted(c.items())))
    for p in patches:
        p.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
