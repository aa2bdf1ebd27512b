"""The notebook written for a report that could not even start (e.g. an undeclared parameter).

It is the notebook as parameterised (when that works) with papermill's error markup on top, so
the HTML renders as the same kind of error page as a failing cell and the index links to it.
"""

from __future__ import annotations

import html
from typing import Any

from paceqi.report.jobs import RunSpec

__all__ = ["parameter_error_notebook"]


def parameter_error_notebook(spec: RunSpec, message: str) -> Any:
    """Return a notebook whose first cells say why the report could not run."""
    import nbformat
    from papermill.execute import ERROR_MARKER_TAG

    from paceqi.report.execute import parameterize

    try:
        nb = parameterize(spec.notebook, spec.parameters)
    except Exception:
        nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell(
        f"<h2>This report could not run</h2><p>{html.escape(message)}</p>"
    )
    cell.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor = nbformat.v4.new_markdown_cell('<span id="papermill-error-cell"></span>')
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells[0:0] = [cell, anchor]
    return nb
