"""What a report's provenance footer shows (``nb.metadata.paceqi``), and its title."""

from __future__ import annotations

from typing import Any

from paceqi.report.hashing import data_digests, paceqi_version
from paceqi.report.jobs import RunSpec
from paceqi.report.result import RunResult

__all__ = ["provenance", "title"]


def title(spec: RunSpec) -> str:
    """Return the report's title: the notebook's name in words."""
    return spec.name.replace("_", " ").capitalize()


def provenance(
    spec: RunSpec, digest: str, result: RunResult, figures: dict[str, Any]
) -> dict[str, Any]:
    """Return the provenance record the report template's footer shows.

    Everything comes from the job (notebook, parameters, data file hashes, inputs hash), the
    result, and what the notebook recorded (``rules``, ``provenance``): the runner itself knows
    no notebook's parameter names.
    """
    extra = figures.get("provenance")
    return {
        "version": paceqi_version(),
        "title": title(spec),
        "notebook": spec.notebook.name,
        "parameters": dict(spec.parameters),
        "run_time": result.finished,
        "duration": result.duration,
        "content_hash": digest,
        "data_files": {k: v[:16] for k, v in data_digests(spec).items()},
        "rules": figures.get("rules"),
        "provenance": extra if isinstance(extra, dict) else {},
        "status": result.status,
        "ename": result.ename,
        "evalue": result.evalue,
    }
