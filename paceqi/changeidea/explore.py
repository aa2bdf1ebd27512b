"""Interactive exploration for advisers in JupyterLab: pick a measure, period and rule set.

The chart is put into the ``Output`` widget as an inline SVG display item (``out.outputs``)
rather than by printing inside ``with out:``: that works the same in JupyterLab and outside a
kernel, so a test can set the dropdowns and read what the adviser would see. In a batch
(``interactive=False``) the report never builds widgets: output inside widgets is lost from an
exported report (shared JUPYTER.md §5).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from paceqi.changeidea.analysis import ChangeIdeaAnalysis, analyse_measure
from paceqi.changeidea.params import PERIODS, RULE_SETS

__all__ = ["explorer", "redraw", "redraw_svg"]


def redraw(a: ChangeIdeaAnalysis, measure: str, period: str, rules: str) -> Any:
    """Return the chart figure of one measure re-analysed with another period or rule set.

    Returns None when the measure has too few points to analyse.
    """
    from paceqi.charts import spc_chart

    params = replace(a.params, period=period, rules=rules)
    m = analyse_measure(a.measure(measure).definition, a.events, a.as_of, params, a.test_start)
    if m.result is None:
        return None
    return spc_chart(m.result, annotations=a.annotations, title=m.definition.label)


def redraw_svg(a: ChangeIdeaAnalysis, measure: str, period: str, rules: str) -> str:
    """Return the redrawn chart as inline SVG, or a sentence saying why there is none."""
    from paceqi.charts import to_svg

    fig = redraw(a, measure, period, rules)
    if fig is None:
        return ""
    label = a.measure(measure).definition.label
    return to_svg(fig, title=label, desc=f"{label}: {rules} rules, {period} periods")


def explorer(a: ChangeIdeaAnalysis) -> Any:
    """Return an ipywidgets ``VBox``: three dropdowns and the chart, redrawn on every change.

    Parameters
    ----------
    a : ChangeIdeaAnalysis
        The analysed report.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` holds the Measure, Period and Rules dropdowns, ``children[1]`` the
        ``Output`` widget with the chart.
    """
    import html

    import ipywidgets as w

    measure = w.Dropdown(
        options=[(m.definition.label, m.name) for m in a.measures], description="Measure"
    )
    period = w.Dropdown(options=PERIODS, value=a.params.period, description="Period")
    rules = w.Dropdown(options=RULE_SETS, value=a.params.rules, description="Rules")
    out = w.Output()

    def update(_: Any = None) -> None:
        svg = redraw_svg(a, measure.value, period.value, rules.value)
        if svg:
            data = {"image/svg+xml": svg, "text/plain": f"Chart of {measure.value}"}
        else:
            text = "Too few points to analyse this measure."
            data = {"text/html": f"<p>{html.escape(text)}</p>", "text/plain": text}
        out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    for control in (measure, period, rules):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([measure, period, rules]), out])
