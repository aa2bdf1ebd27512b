"""What makes a report up to date: a SHA-256 over everything it depends on.

The notebook file, its parameters, the per-cell timeout, the contents of every file or folder a
path parameter names, the report template, the paceqi version and the installed paceqi source
itself (:func:`source_digest`: an editable checkout changes its code without changing its
version). An unchanged hash and the report's files still present mean the job is skipped (its
stored result is reused).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from paceqi.report._files import canonical_json, file_digest, path_digest, tree_digest
from paceqi.report.jobs import RunSpec, is_path_parameter
from paceqi.report.result import RESULT_VERSION, RunResult

__all__ = ["content_hash", "data_digests", "previous_result", "paceqi_version", "source_digest"]


def paceqi_version() -> str:
    """Return the installed paceqi version."""
    from paceqi import __version__

    return __version__


def source_digest(package: Path | None = None) -> str:
    """Return a SHA-256 over the installed paceqi package: every file's relative name and bytes.

    Byte-code (``__pycache__``, ``*.pyc``) and hidden files are left out: they follow the
    source. File contents are memoised on path, size and modification time, so a second call
    costs a walk of the folder (a few milliseconds); a batch computes it once.

    Parameters
    ----------
    package : Path, optional
        The package folder (default: the folder of the imported ``paceqi``).
    """
    import paceqi

    folder = package or Path(paceqi.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") or p == "__pycache__" for p in parts):
            continue
        if path.suffix in (".pyc", ".pyo") or not path.is_file():
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(file_digest(path).encode())
    return digest.hexdigest()


def data_digests(spec: RunSpec) -> dict[str, str]:
    """Return ``{parameter: sha256}`` for each path parameter naming an existing file/folder."""
    found: dict[str, str] = {}
    for name, value in sorted(spec.parameters.items()):
        if is_path_parameter(name) and isinstance(value, str) and value:
            digest = path_digest(Path(value))
            if digest is not None:
                found[name] = digest
    return found


def content_hash(
    spec: RunSpec, template_dir: Path | None = None, *, source: str | None = None
) -> str:
    """Hash of everything that determines a report: notebook, parameters, data, template, code.

    Parameters
    ----------
    spec : RunSpec
        The job.
    template_dir : Path, optional
        Report templates folder (default: the project's ``templates/``).
    source : str, optional
        :func:`source_digest` of the paceqi code (computed here when not given; a batch
        computes it once for all its jobs).
    """
    from paceqi._paths import templates_dir

    digest = hashlib.sha256()
    digest.update(f"paceqi {paceqi_version()} result {RESULT_VERSION}\n".encode())
    digest.update(f"source {source or source_digest()}\n".encode())
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
