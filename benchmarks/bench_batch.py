"""Batch throughput: the papermill + nbconvert CLI loop vs the papermill API vs ``run_batch``.

One manifest of N (default 32) jobs: the same notebook for N authorities. The notebook defaults to
``tests/notebooks/normal.ipynb`` (imports pandas and matplotlib, draws a chart, records figures);
point ``--notebook`` at a real change-idea notebook (with ``--params`` for its extra parameters)
once it exists. Every strategy executes the notebook and writes a code-free HTML report.

(a) a shell-style loop: ``papermill`` CLI then ``jupyter nbconvert --to html --no-input`` per
    notebook. Slow, so only ``--cli-subset`` notebooks are timed and the total is extrapolated.
(b) sequential ``papermill.execute_notebook`` API calls (a fresh kernel each) + in-process export
    with one reused HTMLExporter (``--api-subset`` notebooks, extrapolated if fewer than N).
(c) ``paceqi.report.run_batch`` with 2 pooled kernels (pool start-up included).
(d) ``run_batch(..., isolate=True)``: a fresh kernel per notebook, the next one pre-started.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--n 32] [--cli-subset 4] [--api-subset 32]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paceqi.data.authorities import SCOTTISH_AUTHORITIES, slugify  # noqa: E402


def authorities(n: int) -> list[str]:
    names = list(SCOTTISH_AUTHORITIES)
    while len(names) < n:
        names.append(f"Extra authority {len(names) + 1}")
    return names[:n]


def cli_loop(notebook: Path, names: list[str], out: Path, extra: dict) -> float:
    bindir = Path(sys.executable).parent
    start = time.perf_counter()
    for name in names:
        target = out / f"{slugify(name)}.ipynb"
        params = json.dumps({"authority": name, **extra})
        subprocess.run(
            [
                str(bindir / "papermill"),
                str(notebook),
                str(target),
                "-k",
                "python3",
                "-y",
                params,
                "--no-progress-bar",
                "--log-level",
                "ERROR",
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        subprocess.run(
            [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
    return time.perf_counter() - start


def api_loop(notebook: Path, names: list[str], out: Path, extra: dict) -> float:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    exporter = HTMLExporter(exclude_input=True)
    for name in names:
        target = out / f"{slugify(name)}.ipynb"
        nb = papermill.execute_notebook(
            str(notebook),
            str(target),
            parameters={"authority": name, **extra},
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            cwd=str(ROOT),
        )
        body, _ = exporter.from_notebook_node(nbformat.from_dict(nb))
        target.with_suffix(".html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def pooled(notebook: Path, names: list[str], out: Path, extra: dict, isolate: bool) -> float:
    from paceqi.report.batch import run_batch
    from paceqi.report.jobs import RunSpec

    specs = [RunSpec(notebook, n, {"authority": n, **extra}, out, timeout=600) for n in names]
    start = time.perf_counter()
    results = run_batch(specs, jobs=2, force=True, isolate=isolate, progress=False)
    elapsed = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(
            f"run_batch: {len(failed)} failed, e.g. {failed[0].ename}: {failed[0].evalue}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebook", type=Path, default=ROOT / "tests" / "notebooks" / "normal.ipynb"
    )
    parser.add_argument("--params", default="{}", help="extra parameters as JSON")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--cli-subset", type=int, default=4)
    parser.add_argument("--api-subset", type=int, default=32)
    parser.add_argument("--skip-isolate", action="store_true")
    args = parser.parse_args()
    extra = json.loads(args.params)
    notebook = args.notebook.resolve()
    names = authorities(args.n)
    work = Path(tempfile.mkdtemp(prefix="paceqi-bench-"))
    # Two rounds, each timing half of (a) and (b) and a full (c)/(d) run, so that changes in the
    # machine's load during the benchmark hit every strategy alike.
    n_cli = min(args.cli_subset, len(names))
    n_api = min(args.api_subset, len(names))
    timed = {"a": 0.0, "b": 0.0, "c": [], "d": []}
    try:
        for r in range(2):
            part_a = names[r * n_cli // 2 : (r + 1) * n_cli // 2]
            part_b = names[r * n_api // 2 : (r + 1) * n_api // 2]
            (work / f"a{r}").mkdir()
            timed["a"] += cli_loop(notebook, part_a, work / f"a{r}", extra)
            timed["c"].append(pooled(notebook, names, work / f"c{r}", extra, isolate=False))
            timed["b"] += api_loop(notebook, part_b, (work / f"b{r}").resolve(), extra)
            if not args.skip_isolate:
                timed["d"].append(pooled(notebook, names, work / f"d{r}", extra, isolate=True))
            print(f"round {r + 1}: " + ", ".join(f"{k}={v}" for k, v in timed.items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(names)
    rows = [
        ("(a) papermill CLI + nbconvert CLI loop", n_cli, timed["a"], timed["a"] * n / n_cli),
        ("(b) papermill API, fresh kernel each", n_api, timed["b"], timed["b"] * n / n_api),
        ("(c) run_batch, 2 pooled kernels", n, sum(timed["c"]) / 2, sum(timed["c"]) / 2),
    ]
    if timed["d"]:
        rows.append(
            ("(d) run_batch --isolate, 2 kernels", n, sum(timed["d"]) / 2, sum(timed["d"]) / 2)
        )
    by = {r[0][:3]: r[3] for r in rows}
    print(
        f"\n{len(names)} jobs of {notebook.name}; {os.cpu_count()} CPUs; "
        f"python {sys.version.split()[0]}"
    )
    print("(c) and (d): mean of 2 full runs; (a) and (b): the timed reports, over 2 rounds")
    print(f"{'strategy':42} {'timed':>6} {'seconds':>8} {'total for N':>12} {'per report':>11}")
    for label, timed, t, total in sorted(rows):
        note = "" if timed == len(names) else " (extrapolated)"
        print(f"{label:42} {timed:6d} {t:8.1f} {total:12.1f} {total / len(names):10.2f}s{note}")
    c = by["(c)"]
    print(
        f"\n(c) is {by['(a)'] / c:.1f}x faster than (a) [target >= 15x] and "
        f"{by['(b)'] / c:.1f}x faster than (b) [target >= 4x]"
    )
    if "(d)" in by:
        print(
            f"(d) isolate: {by['(a)'] / by['(d)']:.1f}x vs (a), {by['(b)'] / by['(d)']:.1f}x vs (b)"
        )


if __name__ == "__main__":
    main()
