"""The plain-text table printed at the end of ``paceqi run`` and ``paceqi batch``."""

from __future__ import annotations

from collections.abc import Sequence

from paceqi.report.result import RunResult

__all__ = ["format_summary"]


def format_summary(results: Sequence[RunResult]) -> str:
    """Return a plain-text summary table: one line per report, then the totals."""
    rows = [("report", "authority", "status", "seconds", "detail")]
    for r in results:
        status = r.status + (" (unchanged)" if r.skipped else "")
        detail = ""
        if not r.ok:
            cell = f"cell {r.execution_count}: " if r.execution_count else ""
            detail = f"{cell}{r.ename}: {r.evalue or ''}".replace("\n", " ")[:80]
        rows.append((r.notebook, r.authority, status, f"{r.duration:.1f}", detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "-" * min(100, sum(widths) + 8 + 6))
    n_ok = sum(r.ok for r in results)
    n_skip = sum(r.skipped for r in results)
    n_fail = len(results) - n_ok
    lines.append(
        f"{len(results)} reports: {n_ok} ok, {n_fail} failed, {n_skip} unchanged (not re-run)"
    )
    return "\n".join(line.rstrip() for line in lines)
