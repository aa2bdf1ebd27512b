"""PDSA store: write paths and file formats, against the obvious alternatives (same run).

* add_cycle (one transaction per cycle, as a notebook or CLI writes) vs. one bulk import
  transaction vs. raw sqlite3 executemany (the floor, no validation, no ORM);
* two processes adding N cycles each at once: WAL + BEGIN IMMEDIATE + busy timeout (the store) vs.
  sqlite3 defaults (rollback journal, deferred transactions, 5 s timeout): errors, lost rows and
  duplicate cycle numbers;
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
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])  # defaults: rollback journal, deferred, 5 s timeout
print("ready", flush=True)
while not os.path.exists(sys.argv[4]):
    time.sleep(0.001)
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
import os, sys, time
from paceqi.pdsa.store import PDSAStore
s = PDSAStore(sys.argv[1])
print("ready", flush=True)
while not os.path.exists(sys.argv[4]):
    time.sleep(0.001)
for i in range(int(sys.argv[2])):
    s.add_cycle("Fife", "TWPM", title=sys.argv[3])
print(0)
"""


def race(script, db, n):
    """Two writers, released together once both are ready; returns (errors, seconds)."""
    go = Path(tempfile.mkdtemp()) / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, db, str(n), t, str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for t in "AB"
    ]
    for p in procs:
        p.stdout.readline()
    t = time.perf_counter()
    go.touch()
    errors = sum(int(p.communicate()[0]) for p in procs)
    return errors, time.perf_counter() - t


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
    half = N
    raw = tmp / "race_raw.db"
    sqlite3.connect(raw).execute("CREATE TABLE c (id INTEGER PRIMARY KEY, cycle_no INT, tag TEXT)")
    errors, secs = race(RAW_WRITER, str(raw), half)
    rows, distinct = (
        sqlite3.connect(raw).execute("SELECT COUNT(*), COUNT(DISTINCT cycle_no) FROM c").fetchone()
    )
    print(f"2 processes x {half}, sqlite3 defaults:   {rows} of {2 * half} rows saved, "
          f"{errors} 'database is locked' errors, {rows - distinct} duplicate cycle numbers, "
          f"{secs:.2f} s")  # fmt: skip
    url = f"sqlite:///{tmp / 'race_store.db'}"
    PDSAStore(url).close()
    _, secs = race(STORE_WRITER, url, half)
    cycles = PDSAStore(url).cycles()
    dup = len(cycles) - cycles["cycle_no"].nunique()
    print(f"2 processes x {half}, PDSAStore (WAL):    {len(cycles)} of {2 * half} rows saved, "
          f"0 errors, {dup} duplicate cycle numbers, {secs:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
