"""Load + validate a 10,000-child long extract (~100k events) against a bare pandas read.

The obvious alternative is ``pd.read_csv`` with date parsing and no checks at all: the gap is
the price of validation (every check listed in paceqi/data/validate.py) and the canonical shape.
Run: ``.venv/bin/python benchmarks/bench_load.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from paceqi import load_extract
from paceqi.catalogue import load_catalogue

N_CHILDREN = 10_000
REPEATS = 5


def make_extract(path: Path, n: int = N_CHILDREN, seed: int = 1) -> int:
    """Write a long canonical CSV: every child has looked_after then a run of later stages."""
    rng = np.random.default_rng(seed)
    codes = [c for c in load_catalogue().codes if c != "looked_after"]
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    k = rng.integers(5, 15, n)  # stages after looked_after
    child = np.repeat(np.arange(n), k + 1)
    step = np.concatenate([np.arange(m + 1) for m in k])
    gaps = rng.gamma(2.0, 30.0, len(child)).round().astype(int) * (step > 0)
    days = pd.Series(gaps).groupby(child).cumsum().to_numpy()
    stage = np.where(step == 0, "looked_after", np.array(codes)[np.minimum(step - 1, 14)])
    route = np.array(["home", "po", "kco", "adoption", "undecided"])[child % 5]
    df = pd.DataFrame(
        {
            "authority": "Fife",
            "child_id": [f"C{c:05d}" for c in child],
            "stage": stage,
            "date": (start[child] + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
            "occurrence": 1,
            "route": route,
            "outcome": "",
        }
    )
    df.to_csv(path, index=False)
    return len(df)


def best_of(fn, repeats: int = REPEATS) -> tuple[float, float]:
    """Best wall-clock and CPU times of ``repeats`` runs (CPU time is steadier on a busy box)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fife.csv"
        rows = make_extract(path)
        cat = load_catalogue()
        ex = load_extract(path, as_of="2030-01-01", catalogue=cat)  # warm up, and check it loads
        t_paceqi = best_of(lambda: load_extract(path, as_of="2030-01-01", catalogue=cat))
        t_pandas = best_of(lambda: pd.read_csv(path, parse_dates=["date"], dtype={"child_id": str}))
        print(f"{rows:,} events, {len(ex.children):,} children, {path.stat().st_size / 1e6:.1f} MB")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'':50} wall s   CPU s")
        for label, (wall, cpu) in (
            ("paceqi.load_extract (read, map, validate, notes)", t_paceqi),
            ("pandas.read_csv (parse dates, no checks)", t_pandas),
        ):
            print(f"{label:50} {wall:6.3f}  {cpu:6.3f}")
        print(f"ratio (CPU): {t_paceqi[1] / t_pandas[1]:.1f}x (best of {REPEATS})")


if __name__ == "__main__":
    main()
