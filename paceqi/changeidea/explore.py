"""Interactive exploration for advisers in JupyterLab: pick a measure, period and rule set."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from paceqi.changeidea.analysis import ChangeIdeaAnalysis, _analyse_measure
from paceqi.changeidea.params import PERIODS, RULE_SETS

__all__ = ["explorer", "redraw"]


def redraw(a: ChangeIdeaAnalysis, measure: str, period: str, rules: str) -> Any:
    """Return the chart figure of one measure re-analysed with another period or rule set."""
    from paceqi.charts import spc_chart

    params = replace(a.params, period=period, rules=rules)
    m = _analyse_measure(a.measure(measure).definition, a.events, a.as_of, params, a.test_start)
    if m.result is None:
        return None
    return spc_chart(m.result, annotations=a.annotations, title=m.definition.label)


def explorer(a: ChangeIdeaAnalysis) -> Any:
    """Return an ipywidgets box: three dropdowns and the chart, redrawn on every change."""
    import ipywidgets as w
    from IPython.display import display

    measure = w.Dropdown(
        options=[(m.definition.label, m.name) for m in a.measures], description="Measure"
    )
    period = w.Dropdown(options=PERIODS, value=a.params.period, description="Period")
    rules = w.Dropdown(options=RULE_SETS, value=a.params.rules, description="Rules")
    out = w.Output()

    def update(_: Any = None) -> None:
        out.clear_output(wait=True)
        with out:
            fig = redraw(a, measure.value, period.value, rules.value)
            display(fig if fig is not None else "Too few points to analyse this measure.")

    for control in (measure, period, rules):
        control.observe(update, names="value")
    update()
    return w.VBox([w.HBox([measure, period, rules]), out])
