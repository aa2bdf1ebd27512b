"""The outcome of one report job, :class:`RunResult`, stored next to the report as JSON."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paceqi.report.jobs import RunSpec

__all__ = ["RunResult", "RESULT_VERSION", "now", "failed_result"]

#: Version of the stored result format (part of every content hash).
RESULT_VERSION = 1


def now() -> str:
    """Return the current UTC time as ISO text (seconds)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunResult:
    """The outcome of one report job (also stored next to the report as ``<slug>.json``).

    Attributes
    ----------
    notebook, authority, slug : str
        Which report.
    status : str
        ``"ok"`` or ``"failed"``.
    ename, evalue : str or None
        Exception name and message of a failure.
    failed_cell : int or None
        Index of the failing cell in the executed notebook, counted as papermill does
        (before its banner cells); ``execution_count`` is its ``In [N]``.
    duration : float
        Seconds for the job (execute + render + write).
    html_path, ipynb_path : str
        Output files, relative to the batch's output folder.
    figures : dict
        Values the notebook recorded with :func:`paceqi.report.record`.
    content_hash : str
        Hash of the job's inputs; an unchanged hash means the job can be skipped.
    skipped : bool
        True when this result was reused from an earlier run (inputs unchanged).
    timed_out : bool
        True when a cell exceeded the per-cell timeout.
    finished : str
        ISO time the job finished (UTC).
    """

    notebook: str
    authority: str
    slug: str
    status: str
    ename: str | None = None
    evalue: str | None = None
    failed_cell: int | None = None
    execution_count: int | None = None
    duration: float = 0.0
    html_path: str = ""
    ipynb_path: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    skipped: bool = False
    timed_out: bool = False
    finished: str = ""

    @property
    def ok(self) -> bool:
        """True when the report ran to the end."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``skipped`` is not stored: it describes one batch run)."""
        data = asdict(self)
        data.pop("skipped")
        data["result_version"] = RESULT_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """Inverse of :meth:`to_dict`."""
        known = {f for f in cls.__dataclass_fields__ if f != "skipped"}
        return cls(**{k: v for k, v in data.items() if k in known})


def failed_result(spec: RunSpec, ename: str, evalue: str, duration: float = 0.0) -> RunResult:
    """Return the result of a job the runner itself could not complete (never up to date)."""
    return RunResult(
        notebook=spec.name,
        authority=spec.authority,
        slug=spec.slug,
        status="failed",
        ename=ename,
        evalue=evalue[:500],
        duration=round(duration, 3),
        content_hash="",  # never treated as up to date
        finished=now(),
    )
