"""Load a one-row extract with 10,000 columns: the header labels are made unique in linear time.

Before #19 each header cell was checked against a *list* of the labels so far (quadratic:
10,000 columns took 8.4 s). The obvious alternative, the list check, is timed in the same run
on the same header, beside the whole load.
Run: ``.venv/bin/python benchmarks/bench_wide_header.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from paceqi import load_extract
from paceqi.data._table import _labels, column_letter

N_COLUMNS = 10_000


def _labels_list(header: list[str]) -> list[str]:
    """The pre-#19 label check (``label in labels`` on a list)."""
    labels: list[str] = []
    for i, h in enumerate(header):
        label = h if h else f"(column {column_letter(i)})"
        if label in labels:
            label = f"{label} (column {column_letter(i)})"
        labels.append(label)
    return labels


def cpu(fn) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    header = ["authority", "child_id", "looked_after", *(f"c{i}" for i in range(N_COLUMNS))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide.csv"
        path.write_text(
            ",".join(header) + "\n" + ",".join(["A", "1", "2016-01-01", *[""] * N_COLUMNS]) + "\n"
        )
        t_load = cpu(lambda: load_extract(path, as_of="2021-01-01"))
    t_set = cpu(lambda: _labels(header))
    t_list = cpu(lambda: _labels_list(header))
    print(f"{N_COLUMNS:,} columns, CPU seconds (best of 3)")
    print(f"  load_extract, whole load           {t_load:8.3f}")
    print(f"  header labels, set (now)           {t_set:8.4f}")
    print(f"  header labels, list (before #19)   {t_list:8.4f}  ({t_list / t_set:,.0f}x slower)")


if __name__ == "__main__":
    main()
