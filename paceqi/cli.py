"""The ``paceqi`` command: parses arguments, calls the package, sets the exit code.

Exit codes: 0 success, 1 a problem reported clearly (bad data, a failed report), 2 wrong usage.
No user mistake ends in a traceback. Each sub-command lives in a *command module* that must stay
light to import (argparse and the standard library only at top level), so ``paceqi --help``
starts fast; heavy libraries are imported inside the handlers.

A command module defines ``register(subparsers)``, which adds its sub-command(s) and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from paceqi.errors import PaceqiError

#: Optional libraries (top-level import name) -> the extra of ``pip install paceqi[...]`` that
#: provides them. ``pip install paceqi`` gives the analysis and the CLI; the commands that need
#: more say which extra to install.
EXTRAS: dict[str, str] = {
    "sqlalchemy": "store",
    "alembic": "store",
    "papermill": "notebooks",
    "nbclient": "notebooks",
    "nbconvert": "notebooks",
    "nbformat": "notebooks",
    "jupyter_client": "notebooks",
    "ipykernel": "notebooks",
    "IPython": "notebooks",
    "ipywidgets": "notebooks",
    "psycopg": "postgres",
    "dask": "cluster",
    "distributed": "cluster",
}

#: Modules that contribute sub-commands, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "paceqi.data.synth_commands",
    "paceqi.data.commands",
    "paceqi.report.commands",
    "paceqi.pdsa.commands",
    "paceqi.project",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command registered."""
    from paceqi import __version__

    parser = argparse.ArgumentParser(
        prog="paceqi",
        description="Quality Improvement workbench for permanence planning (PACE).",
    )
    parser.add_argument("--version", action="version", version=f"paceqi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``paceqi`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code = func(args)
        if type(code) is not int:  # a handler that forgets to return must not count as success
            raise TypeError(f"the handler returned {type(code).__name__}, not an exit code")
        return code
    except PaceqiError as exc:
        print(f"paceqi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("paceqi: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a user mistake: no data values in the message
        extra = EXTRAS.get((getattr(exc, "name", None) or "").partition(".")[0])
        if isinstance(exc, ModuleNotFoundError) and extra is not None:
            print(
                f"paceqi: '{args.command}' needs the optional package '{exc.name}': "
                f"pip install 'paceqi[{extra}]'",
                file=sys.stderr,
            )
            return 1
        if os.environ.get("PACEQI_DEBUG"):
            raise
        print(
            f"paceqi: internal error ({type(exc).__name__}) while running '{args.command}'. "
            "Please report it; set PACEQI_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
