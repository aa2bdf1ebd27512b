"""PDSA store: write paths and file formats, against the obvious alternatives (same run).

* add_cycle (one transaction per cycle, as a notebook or CLI writes) vs. one bulk import
  transaction vs. raw sqlite3 executemany (the floor, no validation, no ORM);
* two processes writing at once: WAL + BEGIN IMMEDIATE + busy timeout (the store) vs. SQLite
  defaults (rollback journal, deferred transactions, no busy timeout): errors and lost rows;
* export + import round trip of N cycles as YAML, CSV and XLSX.

Run: .venv/bin/python benchmarks/bench_pdsa_store.py [N]
"""

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paceqi.pdsa.document import validate
from paceqi.pdsa.store import PDSAStore

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500


def timed(label, fn):
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    print(f"{label:<58} {dt:7.2f} s  ({dt / N * 1000:6.2f} ms/cycle)")
    return out


def doc(n):
    cycles = [{"cycle_no": i + 1, "title": f"c{i}", "predictions": ["p"]} for i in range(n)]
    raw = {
        "format": "paceqi-pdsa/1",
        "authority": "Fife",
        "change_ideas": [
            {"id": "c", "name": "TWPM", "ramps": [{"id": "r", "title": "R", "cycles": cycles}]}
        ],
    }
    return validate(raw)[0]


RAW_WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])  # defaults: rollback journal, deferred, no busy timeout
errors = 0
for i in range(int(sys.argv[2])):
    try:
        with con:
            n = con.execute("SELECT COALESCE(MAX(cycle_no), 0) FROM c").fetchone()[0]
            con.execute("INSERT INTO c (cycle_no, tag) VALUES (?, ?)", (n + 1, sys.argv[3]))
    except sqlite3.OperationalError:
        errors += 1
print(errors)
"""

STORE_WRITER = """
import sys
from paceqi.pdsa.store import PDSAStore
s = PDSAStore(sys.argv[1])
for i in range(int(sys.argv[2])):
    s.add_cycle("Fife", "TWPM", title=sys.argv[3])
print(0)
"""


def race(script, db, n):
    procs = [
        subprocess.Popen([sys.executable, "-c", script, db, str(n), t], stdout=subprocess.PIPE)
        for t in "AB"
    ]
    return sum(int(p.communicate()[0]) for p in procs)


def main():
    tmp = Path(tempfile.mkdtemp())
    print(f"N = {N} cycles\n")
    s = PDSAStore(tmp / "a.db")
    timed(
        "store.add_cycle, one transaction each",
        lambda: [s.add_cycle("Fife", "TWPM") for _ in range(N)],
    )
    b = PDSAStore(tmp / "b.db")
    d = doc(N)
    timed("store.import_documents, one transaction", lambda: b.import_documents([d]))
    con = sqlite3.connect(tmp / "raw.db")
    con.execute(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, cycle_no INT, title TEXT, predictions TEXT)"
    )
    timed(
        "raw sqlite3 executemany (no validation; floor)",
        lambda: [con.executemany("INSERT INTO c (cycle_no, title, predictions) VALUES (?,?,?)",
                                 [(i, f"c{i}", '["p"]') for i in range(N)]), con.commit()],
    )  # fmt: skip
    print()
    for fmt, name in (("yaml", "x.yaml"), ("csv", "x"), ("xlsx", "x.xlsx")):
        path = timed(f"export {fmt}", lambda f=fmt, n=name: b.export(tmp / n, fmt=f))
        size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir()))
        c = PDSAStore(tmp / f"{fmt}.db")
        timed(
            f"import {fmt} ({size / 1024:.0f} KiB)",
            lambda p=path, f=fmt, c=c: c.import_file(p, fmt=f),
        )
        assert c.document("Fife") == b.document("Fife")
    print()
    half = max(N // 5, 20)
    raw = tmp / "race_raw.db"
    sqlite3.connect(raw).execute("CREATE TABLE c (id INTEGER PRIMARY KEY, cycle_no INT, tag TEXT)")
    t = time.perf_counter()
    errors = race(RAW_WRITER, str(raw), half)
    rows, distinct = (
        sqlite3.connect(raw).execute("SELECT COUNT(*), COUNT(DISTINCT cycle_no) FROM c").fetchone()
    )
    print(f"2 processes x {half}, sqlite3 defaults:   {rows} of {2 * half} rows saved, "
          f"{errors} 'database is locked' errors, {rows - distinct} duplicate cycle numbers, "
          f"{time.perf_counter() - t:.2f} s")  # fmt: skip
    url = f"sqlite:///{tmp / 'race_store.db'}"
    PDSAStore(url).close()
    t = time.perf_counter()
    race(STORE_WRITER, url, half)
    cycles = PDSAStore(url).cycles()
    dup = len(cycles) - cycles["cycle_no"].nunique()
    print(f"2 processes x {half}, PDSAStore (WAL):    {len(cycles)} of {2 * half} rows saved, "
          f"0 errors, {dup} duplicate cycle numbers, {time.perf_counter() - t:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
