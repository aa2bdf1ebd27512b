"""Batch throughput on real change-idea reports: CLI loop, papermill API, ``paceqi batch``, floor.

The same N reports (default: the Two Week Planning Meeting notebook for the first 8 authorities
of the demo manifest, on the synthetic demo data) produced in one run, every way:

(a) ``papermill`` CLI then ``jupyter nbconvert --to html`` CLI per report (the shell loop);
(b) ``papermill.execute_notebook`` API, a fresh kernel per report, one reused HTML exporter;
(c) ``paceqi batch --jobs 2`` (the command, process start-up and kernel start included);
(c1) ``paceqi batch --jobs 1``;
(d1, d2) ``paceqi batch --executor dask --jobs 1 / 2``: a Dask LocalCluster of 1 or 2 workers;
(f) the analysis-only floor: the notebook's own paceqi calls in one process (imports included),
    no kernel, no notebook files, no HTML - what a report cannot cost less than.

Every strategy runs as a child process, so its CPU time (its processes and their kernels) is
measured as well as its wall time: on a machine shared with other work the CPU figures are the
steadier ones. (c) and (f) run twice (start and end) and are averaged, so a load change during
the run hits them like the others. Targets (issue #16): (c) >= 15x faster than (a), >= 4x
faster than (b), and (c) per report <= 1.5x the floor per report.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--n 8] [--notebook NAME] [--skip-dask]
[--only a,b,c,f]`` (``--only``: run just these strategies; the ratios need a, b, c and f).
Needs the demo data (``make reports`` makes it; generated here when missing).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "parameters" / "batch" / "demo.yaml"


def ensure_demo_data() -> None:
    if (ROOT / "data" / "synthetic" / "extracts").is_dir() and (
        ROOT / "workspace" / "paceqi.db"
    ).is_file():
        return
    paceqi = str(BIN / "paceqi")
    subprocess.run([paceqi, "synth", "--out", "data/synthetic", "--seed", "20140101"], cwd=ROOT)
    pdsa = sorted(str(p) for p in (ROOT / "data" / "synthetic" / "pdsa").glob("*.yaml"))
    subprocess.run([paceqi, "pdsa", "import", *pdsa, "--db", "workspace/paceqi.db"], cwd=ROOT)


def the_specs(notebook: str, n: int, out: Path) -> list:
    from paceqi.report.jobs import specs_from_manifest

    specs = [s for s in specs_from_manifest(DEMO, output_dir=out) if s.name == notebook]
    return specs[:n]


def write_manifest(specs: list, folder: Path) -> Path:
    import yaml

    from paceqi.report.jobs import load_manifest

    info = load_manifest(DEMO)
    path = folder / "bench.yaml"
    data = {
        "notebooks": [specs[0].name],
        "authorities": [s.authority for s in specs],
        "timeout": info["timeout"],
        "parameters": info["parameters"],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# -- strategies, each run as a child process ------------------------------------------------------
def measured(run) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds of the child processes) of ``run()``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check(cmd: list[str], **kwargs) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kwargs)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd[:3])} ... failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )


def cli_loop(specs: list, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        target = out / f"{spec.slug}.ipynb"
        check(
            [str(BIN / "papermill"), str(spec.notebook), str(target), "-k", "python3"]
            + ["-y", json.dumps(spec.parameters), "--no-progress-bar", "--log-level", "ERROR"]
        )
        check(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input"]
            + [
                "--template",
                "paceqi",
                f"--TemplateExporter.extra_template_basedirs={ROOT}/templates",
            ]
            + [str(target)]
        )


def paceqi_batch(manifest: Path, out: Path, *extra: str) -> None:
    # the manifest lives in a temporary folder: its relative paths are the checkout's
    check(
        [str(BIN / "paceqi"), "batch", str(manifest), "--out", str(out), "--force", "--quiet"]
        + list(extra),
        env={**os.environ, "PACEQI_HOME": str(ROOT)},
    )


def worker(mode: str, specs_file: Path, out: Path) -> None:
    """Run (b) or (f) in this child process."""
    check([sys.executable, __file__, f"--{mode}-worker", str(specs_file), str(out)])


def _load_specs(specs_file: str, out: str) -> list:
    from paceqi.report.jobs import RunSpec

    data = json.loads(Path(specs_file).read_text())
    return [RunSpec(d["notebook"], d["authority"], d["parameters"], out) for d in data]


def api_worker(specs_file: str, out: str) -> None:
    """(b): papermill.execute_notebook per report (fresh kernel), one reused exporter."""
    import papermill

    from paceqi.report.render import Renderer

    renderer = Renderer()
    for spec in _load_specs(specs_file, out):
        spec.folder.mkdir(parents=True, exist_ok=True)
        nb = papermill.execute_notebook(
            str(spec.notebook),
            str(spec.ipynb_path),
            parameters=spec.parameters,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            cwd=str(ROOT),
        )
        spec.html_path.write_text(renderer.render(nb), encoding="utf-8")


def floor_worker(specs_file: str, out: str) -> None:
    """(f): the notebook's cells in this process: the paceqi calls only (no kernel, no HTML)."""
    import matplotlib

    matplotlib.use("agg")
    import paceqi  # noqa: F401

    specs = _load_specs(specs_file, out)
    cells = []
    for cell in json.loads(specs[0].notebook.read_text())["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and "interactive-only" not in tags:
            cells.append(("parameters" in tags, "".join(cell["source"])))
    for spec in specs:
        namespace: dict = {}
        for is_parameters, source in cells:
            tree = ast.parse(source)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(tree, "<cell>", "exec"), namespace)
                if is_parameters:
                    namespace.update(spec.parameters)
                if last is not None:
                    value = eval(compile(last, "<cell>", "eval"), namespace)
                    if hasattr(value, "_repr_html_"):
                        value._repr_html_()  # what Jupyter's display does with a section


# -- the run ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="two_week_planning_meeting")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated strategies, e.g. a,b,c,f")
    parser.add_argument("--api-worker", nargs=2, metavar=("SPECS", "OUT"))
    parser.add_argument("--floor-worker", nargs=2, metavar=("SPECS", "OUT"))
    args = parser.parse_args()
    if args.api_worker:
        return api_worker(*args.api_worker)
    if args.floor_worker:
        return floor_worker(*args.floor_worker)

    ensure_demo_data()
    work = Path(tempfile.mkdtemp(prefix="paceqi-bench-"))
    specs = the_specs(args.notebook, args.n, work)
    n = len(specs)
    specs_file = work / "specs.json"
    specs_file.write_text(
        json.dumps(
            [
                {"notebook": str(s.notebook), "authority": s.authority, "parameters": s.parameters}
                for s in specs
            ]
        )
    )
    manifest = write_manifest(specs, work)

    def batch(out: str, *extra: str):
        return lambda: paceqi_batch(manifest, work / out, *extra)

    plan = [
        ("f", "(f) floor: paceqi calls in one process", lambda: worker("floor", specs_file, work)),
        ("c", "(c) paceqi batch --jobs 2", batch("c", "--jobs", "2")),
        ("b", "(b) papermill API, fresh kernel each", lambda: worker("api", specs_file, work)),
        ("a", "(a) papermill CLI + nbconvert CLI loop", lambda: cli_loop(specs, work / "a")),
        ("c1", "(c1) paceqi batch --jobs 1", batch("c1", "--jobs", "1")),
    ]
    if not args.skip_dask:
        plan += [
            (
                "d1",
                "(d1) Dask LocalCluster, 1 worker",
                batch("d1", "--executor", "dask", "--jobs", "1"),
            ),
            (
                "d2",
                "(d2) Dask LocalCluster, 2 workers",
                batch("d2", "--executor", "dask", "--jobs", "2"),
            ),
        ]
    plan += [plan[1], plan[0]]  # (c) and (f) again at the end
    if args.only:
        wanted = set(args.only.split(","))
        plan = [step for step in plan if step[0] in wanted]
    times: dict[str, list[tuple[float, float]]] = {}
    labels = {}
    load_before = os.getloadavg()[0]
    try:
        for key, label, run in plan:
            wall, cpu = measured(run)
            times.setdefault(key, []).append((wall, cpu))
            labels[key] = label
            print(f"  {label}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mean = {k: tuple(sum(x[i] for x in v) / len(v) for i in range(2)) for k, v in times.items()}
    print(
        f"\n{n} reports of {args.notebook}; {os.cpu_count()} CPUs; python "
        f"{sys.version.split()[0]}; load average {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(f"{'strategy':46} {'wall s':>7} {'CPU s':>7} {'wall/report':>12} {'CPU/report':>11}")
    for key in sorted(mean, key=lambda k: -mean[k][0]):
        wall, cpu = mean[key]
        print(f"{labels[key]:46} {wall:7.1f} {cpu:7.1f} {wall / n:11.2f}s {cpu / n:10.2f}s")
    if not {"a", "b", "c", "f"} <= set(mean):
        return
    c, f = mean["c"], mean["f"]
    print(
        f"\npaceqi batch (c) is {mean['a'][0] / c[0]:.1f}x faster than the CLI loop (a) "
        f"[target >= 15x; {mean['a'][1] / c[1]:.1f}x in CPU] and {mean['b'][0] / c[0]:.1f}x "
        f"faster than the papermill API (b) [target >= 4x; {mean['b'][1] / c[1]:.1f}x in CPU];"
        f"\n(c) per report is {c[0] / f[0]:.2f}x the floor (f) in wall time "
        f"[target <= 1.5x] and {c[1] / f[1]:.2f}x in CPU time."
    )
    if "d1" in mean and "d2" in mean:
        print(
            f"Dask LocalCluster: 2 workers take {mean['d2'][0] / mean['d1'][0]:.2f}x the wall "
            f"time of 1 worker ({mean['d1'][0]:.1f} s -> {mean['d2'][0]:.1f} s)."
        )


if __name__ == "__main__":
    main()
