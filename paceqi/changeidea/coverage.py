"""The report's coverage table: which stages the extract records, and for how many children."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["coverage_html"]


def coverage_html(a: Any) -> str:
    """Stage -> "recorded for N children" or "not in this extract" (small counts hidden).

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The report's analysis (its extract, events, ``unrecorded`` stages and ``min_cell``).

    Returns
    -------
    str
        An HTML heading, a sentence naming the stages left out, and the table.
    """
    import pandas as pd

    from paceqi.changeidea.sections import _table
    from paceqi.data.coverage import stage_coverage

    cov = stage_coverage(a.events, recorded=_recorded(a))
    min_cell = a.params.min_cell
    small = cov["recorded"] & (cov["children"] > 0) & (cov["children"] < min_cell)
    words = cov["coverage"].where(~small, f"recorded for fewer than {min_cell} children")
    table = pd.DataFrame({"Stage": cov["label"], "In this extract": words})
    missing = cov.loc[~cov["recorded"], "label"].tolist()
    if missing:
        lead = (
            f"This extract does not record {len(missing)} stage"
            f"{'s' if len(missing) != 1 else ''} ({', '.join(missing)}). They are left out of "
            "medians, “still waiting” counts and headlines: no child is counted as waiting for "
            "a stage the extract cannot show."
        )
    else:  # the usual case of a full tracker: one sentence, no table (reports stay small)
        return (
            "<h3>Stages in this extract</h3><p>This extract records every stage of the "
            "catalogue; none is left out of the medians, counts or headlines.</p>"
        )
    return f"<h3>Stages in this extract</h3><p>{escape(lead)}</p>" + _table(
        table, f"Stages recorded in the extract (counts below {min_cell} hidden)."
    )


def _recorded(a: Any) -> list[str]:
    from paceqi.catalogue import load_catalogue

    return [c for c in load_catalogue().codes if c not in a.unrecorded]
