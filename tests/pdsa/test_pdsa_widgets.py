"""The notebook form, driven from pytest: set values, press buttons, check the store."""

import pytest

pytest.importorskip("ipywidgets")

from paceqi.pdsa.store import PDSAStore  # noqa: E402
from paceqi.pdsa.widgets import CycleForm, DiagramView, RampView, Tracker  # noqa: E402


@pytest.fixture
def mem():
    s = PDSAStore(":memory:")
    yield s
    s.close()


def _fill(form, **values):
    for name, value in values.items():
        form.inputs[name].value = value


def test_a_bad_field_is_shown_inline_and_nothing_typed_is_lost(mem):
    form = CycleForm(mem, "Fife", "Two Week Planning Meeting")
    typed = {
        "title": "First meeting",
        "purpose": "test",
        "objective": "Meet within 14 days",
        "predictions": "Held within 14 days\nHealth attends",
        "scale": "1 team, 2 children",
        "start_date": "1st March",  # bad
        "end_date": "2016-03-28",
        "met": "yes\nperhaps",  # bad
    }
    _fill(form, **typed)
    form.save.click()
    assert "Start date" in form.messages["start_date"].value
    assert "must be a date" in form.messages["start_date"].value
    assert "one line per prediction" in form.messages["met"].value
    assert form.messages["title"].value == ""
    assert "Not saved: 2 fields" in form.status.value
    assert {k: form.inputs[k].value for k in typed} == typed  # nothing lost
    assert mem.counts()["cycles"] == 0
    form.inputs["start_date"].value = "2016-03-01"
    form.inputs["met"].value = "yes\nno"
    form.inputs["results"].value = "Held day 12\nHealth absent"
    form.save.click()
    assert form.messages["start_date"].value == "" and "Saved cycle 1" in form.status.value
    c = mem.cycle(form.cycle_id)
    assert c["predictions"] == ["Held within 14 days", "Health attends"]
    assert c["study_results"] == [
        {"prediction": "Held within 14 days", "result": "Held day 12", "met": True},
        {"prediction": "Health attends", "result": "Health absent", "met": False},
    ]
    assert c["start_date"].isoformat() == "2016-03-01" and c["purpose"] == "test"


def test_edit_then_clone_then_new(mem):
    cid = mem.add_cycle("Fife", "TWPM", title="One", predictions=["p"], scale="1 team")
    form = CycleForm(mem, "Fife")
    form.load(cid)
    assert form.inputs["title"].value == "One" and form.inputs["change_idea"].value == "TWPM"
    form.inputs["act_decision"].value = "adapt"
    form.inputs["do_observations"].value = "Went well <b>mostly</b>"
    form.save.click()
    assert mem.cycle(cid)["act_decision"] == "adapt"
    assert mem.counts()["cycles"] == 1  # an edit, not a new cycle
    form.clone.click()
    assert form.cycle_id != cid and mem.cycle(form.cycle_id)["cycle_no"] == 2
    assert form.inputs["act_decision"].value == "" and form.inputs["title"].value == "One"
    form.new.click()
    assert form.cycle_id is None and form.inputs["title"].value == ""
    assert form.inputs["change_idea"].value == "TWPM"
    form.inputs["title"].value = "Three"
    form.save.click()
    assert mem.cycle(form.cycle_id)["cycle_no"] == 3


def test_change_idea_is_required(mem):
    form = CycleForm(mem, "Fife")
    form.inputs["title"].value = "x"
    form.save.click()
    assert "required" in form.messages["change_idea"].value
    assert mem.counts()["cycles"] == 0


def test_ramp_view_and_diagram_escape_user_text(mem):
    mem.add_cycle("Fife", "TWPM", title="<script>alert(1)</script>", predictions=["a & b"])
    view = RampView(mem, "Fife", "TWPM")
    assert "<script>" not in view.html.value and "&lt;script&gt;" in view.html.value
    assert "a &amp; b" in view.html.value and "quality check" in view.html.value
    diagram = DiagramView(mem, "Fife")
    assert diagram.html.value.startswith("<svg")


def test_tracker_refreshes_after_a_save(mem):
    tracker = Tracker(mem, "Fife")
    assert tracker.choose.options == ()
    tracker.form.inputs["change_idea"].value = "New idea"
    tracker.form.inputs["title"].value = "First"
    tracker.form.save.click()
    assert tracker.choose.options == ("New idea",) and tracker.choose.value == "New idea"
    assert "First" in tracker.ramp.html.value
    assert "New idea" in tracker.diagram.html.value
    mem.add_cycle("Fife", "Other", title="Elsewhere")
    tracker.refresh()
    tracker.choose.value = "Other"
    assert "Elsewhere" in tracker.ramp.html.value
    assert tracker.form.inputs["change_idea"].value == "Other"
