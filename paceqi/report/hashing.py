"""What makes a report up to date: a SHA-256 over everything it depends on.

The notebook file, its parameters, the per-cell timeout, the contents of every file or folder a
path parameter names, the report template and the paceqi version. An unchanged hash and the
report's files still present mean the job is skipped (its stored result is reused).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from paceqi.report._files import canonical_json, path_digest, tree_digest
from paceqi.report.jobs import RunSpec, is_path_parameter
from paceqi.report.result import RESULT_VERSION, RunResult

__all__ = ["content_hash", "data_digests", "previous_result", "paceqi_version"]


def paceqi_version() -> str:
    """Return the installed paceqi version."""
    from paceqi import __version__

    return __version__


def data_digests(spec: RunSpec) -> dict[str, str]:
    """Return ``{parameter: sha256}`` for each path parameter naming an existing file/folder."""
    found: dict[str, str] = {}
    for name, value in sorted(spec.parameters.items()):
        if is_path_parameter(name) and isinstance(value, str) and value:
            digest = path_digest(Path(value))
            if digest is not None:
                found[name] = digest
    return found


def content_hash(spec: RunSpec, template_dir: Path | None = None) -> str:
    """Hash of everything that determines a report: notebook, parameters, data, template, version.

    Parameters
    ----------
    spec : RunSpec
        The job.
    template_dir : Path, optional
        Report templates folder (default: the project's ``templates/``).
    """
    from paceqi._paths import templates_dir

    digest = hashlib.sha256()
    digest.update(f"paceqi {paceqi_version()} result {RESULT_VERSION}\n".encode())
    digest.update(spec.notebook.read_bytes())
    digest.update(canonical_json(spec.parameters).encode())
    digest.update(canonical_json({"timeout": spec.timeout}).encode())
    digest.update(canonical_json(data_digests(spec)).encode())
    folder = template_dir or templates_dir()
    if folder.is_dir():
        digest.update(tree_digest(folder).encode())
    return digest.hexdigest()


def previous_result(spec: RunSpec, digest: str) -> RunResult | None:
    """Return the stored result when it is up to date (same hash, files present), else None."""
    try:
        data = json.loads(spec.result_path.read_text(encoding="utf-8"))
        previous = RunResult.from_dict(data)
    except (OSError, ValueError, TypeError):
        return None
    if previous.content_hash != digest:
        return None
    if not spec.html_path.is_file() or not spec.ipynb_path.is_file():
        return None
    return replace(previous, skipped=True)
