"""``change_idea_report``: what a change-idea notebook calls, one method per report section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Unpack

from paceqi.changeidea import sections
from paceqi.changeidea.analysis import ChangeIdeaAnalysis, analyse_change_idea
from paceqi.changeidea.params import NotebookParameters, report_parameters

__all__ = ["ChangeIdeaReport", "change_idea_report", "Section"]


@dataclass(frozen=True, repr=False)
class Section:
    """A block of report HTML that Jupyter displays (and nbconvert keeps in the report).

    Its plain-text form (the ``text/plain`` copy Jupyter stores beside the HTML) is one short
    line, not the HTML again: a full copy doubled every executed notebook and the kernel's
    messages (``benchmarks/bench_batch.py``).

    >>> Section("<p>Hello</p>")
    <report section: 12 characters of HTML>
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<report section: {len(self.html):,} characters of HTML>"

    def __str__(self) -> str:
        return self.html


class ChangeIdeaReport:
    """The sections of one authority's report on one change idea.

    Build it with :func:`change_idea_report`; each method returns a displayable section, so a
    notebook cell is one call.
    """

    def __init__(self, analysis: ChangeIdeaAnalysis) -> None:
        self.analysis = analysis
        self._segments: Any = None
        self._figures: Any = None
        self._answered = False

    def segment_summary(self) -> Any:
        """Return the per-segment, per-route table (computed once; see :mod:`.segments`)."""
        if self._segments is None:
            from paceqi.changeidea.segments import segment_summary

            a = self.analysis
            summary = segment_summary(a.events, a.as_of, min_cell=a.params.min_cell)
            # a stage the extract does not record is not a stage nobody reached (#19)
            skip = summary["start"].isin(a.unrecorded) | summary["end"].isin(a.unrecorded)
            self._segments = summary.loc[~skip].reset_index(drop=True)
        return self._segments

    def delay(self) -> Section:
        """Answer "where is the delay?": segments ranked by how far their median is past target."""
        return Section(sections.delay_html(self.analysis, self.segment_summary()))

    def segments(self) -> Section:
        """Show every segment of the journey by route: Kaplan–Meier median days with 95% CI."""
        return Section(sections.segments_html(self.analysis, self.segment_summary()))

    def key_figures(self) -> Any:
        """Return the report's :class:`~paceqi.report.keyfigures.KeyFigures` (computed once).

        A report that showed :meth:`answer` is a test-of-change report (``kind="test"``); one
        that did not (the baseline journeys report) records ``kind="baseline"``.
        """
        if self._figures is None:
            from paceqi.changeidea.summary import key_figures

            kind = "test" if self._answered else "baseline"
            self._figures = key_figures(self.analysis, self.segment_summary(), kind=kind)
        return self._figures

    def answer(self) -> Section:
        """Answer first: the answer with its numbers, the summary table, what to do next.

        The measure-by-measure evidence and the by-route table follow the summary table, so
        that the answer and the table are both on the first screen of a desktop browser.
        """
        from paceqi.changeidea.summary import next_html, summary_html

        self._answered = True
        figures = self.key_figures()
        return Section(
            sections.answer_html(self.analysis)
            + summary_html(self.analysis, figures)
            + next_html(figures)
            + sections.evidence_html(self.analysis)
        )

    def aim(self) -> Section:
        """Show the aim and the driver path to this change idea."""
        return Section(sections.aim_html(self.analysis))

    def ramp(self) -> Section:
        """Show the PDSA ramp with predictions against results and act decisions."""
        return Section(sections.ramp_html(self.analysis))

    def measures(self, family: str) -> Section:
        """Show charts and plain-language readings of the outcome, process or balancing measures."""
        return Section(sections.measures_html(self.analysis, family))

    def journeys(self) -> Section:
        """Show the journeys of the children who became looked after in the test period."""
        return Section(sections.journeys_html(self.analysis))

    def waiting(self) -> Section:
        """Show the children still waiting, and how many are already past target."""
        return Section(sections.waiting_html(self.analysis))

    def data_quality(self) -> Section:
        """Show the data-quality notes from validating the extract, and the stages it records."""
        from paceqi.changeidea.coverage import coverage_html

        return Section(sections.data_quality_html(self.analysis) + coverage_html(self.analysis))

    def coverage(self) -> Section:
        """Show which stages the extract records (for how many children) and which it does not."""
        from paceqi.changeidea.coverage import coverage_html

        return Section(coverage_html(self.analysis))

    def method(self) -> Section:
        """Show the rule set and conventions used."""
        return Section(sections.method_html(self.analysis))

    def record(self) -> dict[str, Any]:
        """Record the key figures for the batch index and national roll-up; return them.

        One record, :data:`paceqi.report.keyfigures.RECORD_NAME`, holding
        :meth:`KeyFigures.to_dict`: the index and the roll-up read it back, never recompute it.
        """
        from paceqi.report import record
        from paceqi.report.keyfigures import RECORD_NAME

        figures = self.key_figures().to_dict()
        record(RECORD_NAME, figures)
        record("rules", figures["rules"])  # the provenance footer's rule set
        return figures

    def explore(self) -> Any:
        """In JupyterLab (``interactive=True``): widgets to pick measure, period and rule set.

        Returns None when not interactive: widget output would vanish from an exported report.
        """
        if not self.analysis.params.interactive:
            return None
        from paceqi.changeidea.explore import explorer

        return explorer(self.analysis)


def change_idea_report(**parameters: Unpack[NotebookParameters]) -> ChangeIdeaReport:
    """Validate a notebook's parameters, analyse the change idea and return its report.

    Parameters
    ----------
    **parameters : NotebookParameters
        The notebook's parameters (see :class:`~paceqi.changeidea.params.NotebookParameters`
        and :func:`~paceqi.changeidea.params.report_parameters`); an unknown name raises
        :class:`~paceqi.errors.OptionsError`.

    Returns
    -------
    ChangeIdeaReport

    Raises
    ------
    OptionsError
        A parameter is unknown or invalid.
    DataValidationError
        The extract failed validation; ``.failures`` lists every problem.

    Notes
    -----
    A PDSA store named by the ``pdsa`` parameter that cannot be read is not an error: the
    report shows a banner first (in a notebook) and in its PDSA section, and no cycles. No
    store, or no cycles, is normal ("no PDSA cycles recorded for this change idea").
    """
    report = ChangeIdeaReport(analyse_change_idea(report_parameters(**parameters)))
    problem = sections.pdsa_problem_html(report.analysis)
    if problem:  # shown at the top of the report (this is the notebook's first output)
        _display(Section(problem))
    return report


def _display(section: Section) -> None:
    """Display ``section`` when running in IPython (a notebook); otherwise do nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    if get_ipython() is not None:
        display(section)
