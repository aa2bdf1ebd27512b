"""``paceqi run`` and ``paceqi batch``: parse, call :mod:`paceqi.report.batch`, report.

Imports only argparse and the standard library at module level (``paceqi --help`` stays fast);
papermill, nbclient and nbconvert are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paceqi._argtypes import positive_seconds, whole_number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run`` and ``batch`` sub-commands."""
    run = subparsers.add_parser(
        "run",
        help="run one change-idea notebook and write its HTML report",
        description="Execute NOTEBOOK with the parameters in FILE and write "
        "DIR/<notebook>/<authority>.{html,ipynb,json}. Exit code 1 if the notebook fails.",
    )
    run.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb to run")
    run.add_argument(
        "--params", required=True, metavar="FILE", help="parameters YAML (an authority file)"
    )
    run.add_argument("--out", default="reports", metavar="DIR", help="output folder (reports)")
    run.add_argument(
        "--timeout", type=positive_seconds, default=None, metavar="S", help="per-cell timeout"
    )
    run.set_defaults(func=_run)

    batch = subparsers.add_parser(
        "batch",
        help="run every change idea for every authority in a manifest",
        description="Run every notebook x authority pair of MANIFEST on warm kernels (or a "
        "Dask cluster), write the reports, DIR/index.html and DIR/national.html. Unchanged "
        "reports are not re-run. Exit code 1 if any report failed.",
    )
    batch.add_argument("manifest", metavar="MANIFEST", help="batch manifest YAML")
    batch.add_argument(
        "--jobs", type=whole_number(1), default=2, metavar="N", help="kernels at once (2)"
    )
    batch.add_argument("--out", default="reports", metavar="DIR", help="output folder (reports)")
    batch.add_argument(
        "--only", nargs="+", metavar="AUTHORITY", help="run only these authorities (names or slugs)"
    )
    batch.add_argument("--force", action="store_true", help="re-run unchanged reports too")
    batch.add_argument(
        "--isolate", action="store_true", help="a fresh kernel for every report (slower, strict)"
    )
    batch.add_argument(
        "--executor",
        choices=("local", "dask"),
        default=None,
        help="where reports run: local warm kernels (default) or Dask (a --scheduler, or a "
        "local cluster of --jobs workers)",
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )
    batch.add_argument(
        "--timeout", type=positive_seconds, default=None, metavar="S", help="per-cell timeout"
    )
    batch.add_argument("--quiet", action="store_true", help="no progress line")
    batch.set_defaults(func=_batch)


def _use_project(path: str) -> None:
    """Run in the project folder that holds ``path`` (its parameters, also in the kernels)."""
    import os

    from paceqi._paths import PROJECT_MARKER, project_for

    root = project_for(path)
    if "PACEQI_HOME" not in os.environ and (root / PROJECT_MARKER).is_file():
        os.environ["PACEQI_HOME"] = str(root)


def _run(args: argparse.Namespace) -> int:
    from paceqi.report._lean import import_jsonschema_lean

    import_jsonschema_lean()  # this process is ours: skip the 1.7 s IRI checker (see _lean)
    from paceqi.report.batch import format_summary, run_report
    from paceqi.report.index import write_index
    from paceqi.report.jobs import DEFAULT_CELL_TIMEOUT, spec_from_parameters_file

    _use_project(args.params)
    spec = spec_from_parameters_file(
        args.notebook,
        args.params,
        output_dir=args.out,
        timeout=args.timeout or DEFAULT_CELL_TIMEOUT,
    )
    result = run_report(spec)
    write_index(spec.output_dir)
    print(format_summary([result]))
    print(f"Report: {spec.html_path}")
    return 0 if result.ok else 1


def _batch(args: argparse.Namespace) -> int:
    from paceqi.report._lean import import_jsonschema_lean

    import_jsonschema_lean()  # this process is ours: skip the 1.7 s IRI checker (see _lean)
    from paceqi.report.batch import format_summary, run_batch
    from paceqi.report.jobs import specs_from_manifest

    _use_project(args.manifest)
    specs = specs_from_manifest(
        args.manifest, output_dir=args.out, only=args.only, timeout=args.timeout
    )
    results = run_batch(
        specs,
        jobs=args.jobs,
        force=args.force,
        isolate=args.isolate,
        scheduler=args.scheduler,
        executor=args.executor,
        progress=not args.quiet,
    )
    print(format_summary(results))
    print(f"Reports index: {(Path(args.out) / 'index.html').resolve()}")
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"paceqi: {len(failed)} report(s) failed; see the index", file=sys.stderr)
    return 1 if failed else 0
