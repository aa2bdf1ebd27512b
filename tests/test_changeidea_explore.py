"""The adviser's interactive path: widgets that pick measure, period and rule set (issue #7)."""

from __future__ import annotations

import pytest

import paceqi
from paceqi.data.authorities import slugify

AUTHORITY = "Clackmannanshire"


#: The smallest authority: its synthetic data have no ADM refusal (nothing to chart).
SMALL = "Orkney Islands"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from paceqi.data.synth import write_synthetic

    folder = tmp_path_factory.mktemp("explore")
    write_synthetic(folder, authorities=[AUTHORITY, SMALL])
    return folder


def _report(data, interactive, change_idea="two_week_planning_meeting", authority=AUTHORITY):
    slug = slugify(authority)
    return paceqi.change_idea_report(
        authority=authority,
        extract=str(data / "extracts" / f"{slug}.csv"),
        pdsa=str(data / "pdsa" / f"{slug}.yaml"),
        change_idea=change_idea,
        as_of="2021-03-31",
        interactive=interactive,
    )


def _chart(box):
    (item,) = box.children[1].outputs
    return item["data"]


def test_headless_report_has_no_widgets(data):
    assert _report(data, interactive=False).explore() is None


def test_widgets_redraw_the_chart_when_a_value_changes(data):
    import ipywidgets as w

    box = _report(data, interactive=True).explore()
    assert isinstance(box, w.VBox)
    measure, period, rules = box.children[0].children
    assert (measure.description, period.description, rules.description) == (
        "Measure",
        "Period",
        "Rules",
    )
    assert set(rules.options) == {"ihi", "anhoej", "mdc"}
    assert set(period.options) == {"month", "quarter"}

    first = _chart(box)
    assert first["image/svg+xml"].startswith("<svg")

    # another measure: another chart
    measure.value = measure.options[1][1]
    second = _chart(box)
    assert second["image/svg+xml"] != first["image/svg+xml"]
    assert measure.value in second["text/plain"]

    # another rule set: the chart is re-analysed (its description names the rules)
    rules.value = "mdc"
    third = _chart(box)
    assert "mdc rules" in third["image/svg+xml"]
    assert third["image/svg+xml"] != second["image/svg+xml"]

    # another period: a proportion measure is regrouped
    percentage = next(v for _, v in measure.options if "within" in v)
    measure.value = percentage
    period.value = "quarter"
    quarterly = _chart(box)["image/svg+xml"]
    period.value = "month"
    monthly = _chart(box)["image/svg+xml"]
    assert quarterly != monthly


def test_a_measure_with_too_few_points_says_so(data):
    from paceqi.changeidea.explore import redraw_svg

    # Orkney's synthetic data have no ADM refusal: nothing to chart.
    box = _report(data, interactive=True, change_idea="panel_to_adm", authority=SMALL).explore()
    measure = box.children[0].children[0]
    measure.value = "panels_between_adm_refusals"
    assert "Too few points" in _chart(box)["text/plain"]
    a = _report(data, interactive=False, change_idea="panel_to_adm", authority=SMALL).analysis
    assert redraw_svg(a, "panels_between_adm_refusals", "quarter", "ihi") == ""
