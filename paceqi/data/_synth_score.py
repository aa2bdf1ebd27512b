"""Score the change-idea reports' answers against the synthetic truth (``truth.csv``).

Used by ``benchmarks/bench_verdicts.py`` (every change idea x every authority) and by the
accuracy test (the authorities that test each idea). Each report is analysed in-process with
:func:`paceqi.changeidea.analysis.analyse_change_idea` - the same call the notebook makes - and
its answer is read from :func:`paceqi.changeidea.answer.answer` when that module exists (the
record the report's headline and the batch index are built from), otherwise from the headline
the report prints (:func:`paceqi.changeidea.sections.answer_html`).

Why in-process rather than ``paceqi batch``: the batch runs every notebook in a Jupyter kernel
and renders charts and HTML, which the answer does not depend on; the analysis alone is the
part that decides the answer (``bench_verdicts.py --compare-batch`` measures the ratio).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from paceqi.data._synth_params import LOOKED_AFTER_FROM

#: Answers that claim an improvement (the verdict vocabulary, ``paceqi.changeidea.answer``).
POSITIVE = ("yes", "around_start", "partly")

#: "Large enough to detect" (docs/synth.md): at least this many children completed the idea's
#: stage gap with its anchor after the effect start, and as many before it ...
MIN_AFTER = MIN_BEFORE = 40
#: ... and, when the idea's primary outcome is a proportion by quarter (a P chart), at least
#: this many a year before it: 10 a quarter, the fewest per point before a P chart's periods
#: are pooled (``paceqi.changeidea.analysis.MIN_N_PER_POINT``), so that the outcome has the 12
#: baseline points a frozen baseline needs. Per-child interval charts need no such rate.
MIN_PER_YEAR_BEFORE = 40


def _primary_is_proportion(idea: str) -> bool:
    """Whether the change idea's first outcome measure is a proportion (a P chart)."""
    from paceqi.measures.definitions import load_measures

    outcomes = [d for d in load_measures(idea).values() if d.family == "outcome"]
    return bool(outcomes) and outcomes[0].kind.startswith("proportion")


#: The headline's first words -> status, for reports built before ``answer.py`` existed.
_HEADLINE_STATUS = (
    ("Cannot tell", "not_tested"),
    ("Too few", "too_few"),
    ("Too early", "too_early"),
    ("Not yet", "too_early"),
    ("No: the improvement began before", "began_before"),
    ("No: it got worse", "worse"),
    ("Partly", "partly"),
    ("Yes, beginning around", "around_start"),
    ("Yes", "yes"),
    ("No sign", "no_sign"),
)


def headline_status(headline: str) -> str:
    """Map a report headline to an answer status.

    Examples
    --------
    >>> headline_status("Partly: 1 of 2 outcome measures show an improvement")
    'partly'
    >>> headline_status("Cannot tell: no test of change is recorded")
    'not_tested'
    """
    for prefix, status in _HEADLINE_STATUS:
        if headline.startswith(prefix):
            return status
    return "unknown"


def report_status(a: Any) -> str:
    """The answer status of one analysed change idea (see the module docstring)."""
    try:
        from paceqi.changeidea.answer import answer
    except ImportError:
        from paceqi.changeidea.sections import answer_html

        html = answer_html(a)
        found = re.search(r'class="headline">.*?<strong>(.*?)</strong>', html, re.S)
        return headline_status(found.group(1) if found else "")
    return str(answer(a).status)


def read_truth(data: str | Path) -> pd.DataFrame:
    """Read ``truth.csv`` of a synthetic data folder (counts as integers)."""
    truth = pd.read_csv(Path(data) / "truth.csv", dtype=str, keep_default_na=False)
    for col in ("children", "n_before", "n_after"):
        truth[col] = truth[col].astype(int)
    split = pd.to_datetime(truth["effect_start"].where(truth["effect_start"] != "", None))
    split = split.fillna(pd.to_datetime(truth["test_start"].where(truth["test_start"] != "", None)))
    years = (split - pd.Timestamp(LOOKED_AFTER_FROM)).dt.days / 365.25
    truth["per_year_before"] = (truth["n_before"] / years).round(1)
    proportion_led = truth["change_idea"].map(_primary_is_proportion)
    enough_before = truth["n_before"] >= MIN_BEFORE
    enough_before = enough_before.where(
        ~proportion_led, truth["per_year_before"] >= MIN_PER_YEAR_BEFORE
    )
    truth["detectable"] = (truth["n_after"] >= MIN_AFTER) & enough_before
    return truth


def score(
    data: str | Path,
    *,
    ideas: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    authorities: Iterable[str] | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
    as_of: str = "2021-03-31",
) -> pd.DataFrame:
    """Analyse each (authority, change idea) of the truth file and return its answer.

    Parameters
    ----------
    data : str or Path
        A folder written by ``paceqi synth``.
    ideas, classes, authorities : iterable of str, optional
        Only these change ideas / truth classes / authorities (default: all).
    pairs : iterable of (authority, change idea), optional
        Only these reports.
    as_of : str
        Extract date.

    Returns
    -------
    pandas.DataFrame
        The truth rows with ``status``, ``positive`` and ``seconds`` (analysis time) added.
    """
    from paceqi.changeidea.analysis import analyse_change_idea
    from paceqi.changeidea.params import report_parameters

    root = Path(data)
    truth = read_truth(root)
    if ideas is not None:
        truth = truth[truth["change_idea"].isin(list(ideas))]
    if classes is not None:
        truth = truth[truth["class"].isin(list(classes))]
    if authorities is not None:
        truth = truth[truth["authority"].isin(list(authorities))]
    if pairs is not None:
        keys = pd.MultiIndex.from_tuples(list(pairs))
        here = pd.MultiIndex.from_frame(truth[["authority", "change_idea"]])
        truth = truth[here.isin(keys)]
    statuses, seconds = [], []
    for r in truth.itertuples(index=False):
        t0 = time.perf_counter()
        params = report_parameters(
            authority=r.authority,
            extract=str(root / "extracts" / f"{r.slug}.csv"),
            change_idea=r.change_idea,
            pdsa=str(root / "pdsa" / f"{r.slug}.yaml"),
            as_of=as_of,
        )
        statuses.append(report_status(analyse_change_idea(params)))
        seconds.append(time.perf_counter() - t0)
    out = truth.assign(status=statuses, seconds=seconds)
    out["positive"] = out["status"].isin(POSITIVE)
    return out.reset_index(drop=True)


def confusion(scored: pd.DataFrame) -> pd.DataFrame:
    """Truth class (rows) x answer status (columns): counts of reports."""
    return pd.crosstab(scored["class"], scored["status"], margins=True, margins_name="all")


def rates(scored: pd.DataFrame) -> pd.DataFrame:
    """Per change idea: sensitivity on detectable effects, and the false-positive rate.

    Sensitivity: share of ``effect`` rows that are large enough to detect whose answer claims
    an improvement. False-positive rate: share of ``no_effect`` and trap rows (tested, no real
    improvement after the test start) whose answer claims one.
    """
    rows = []
    for idea, g in scored.groupby("change_idea", sort=False):
        eff = g[(g["class"] == "effect") & g["detectable"]]
        neg = g[g["class"].str.startswith("trap") | (g["class"] == "no_effect")]
        rows.append(
            {
                "change_idea": idea,
                "effects_detectable": len(eff),
                "sensitivity": eff["positive"].mean() if len(eff) else float("nan"),
                "effects_small": int(((g["class"] == "effect") & ~g["detectable"]).sum()),
                "sensitivity_small": g.loc[
                    (g["class"] == "effect") & ~g["detectable"], "positive"
                ].mean(),
                "negatives": len(neg),
                "false_positive_rate": neg["positive"].mean() if len(neg) else float("nan"),
            }
        )
    return pd.DataFrame(rows)
