"""The notebook form, driven from pytest: set values, press buttons, check the store."""

import datetime as dt

import pytest

pytest.importorskip("ipywidgets")

from paceqi.pdsa.fields import CYCLE_FIELDS  # noqa: E402
from paceqi.pdsa.store import PDSAStore  # noqa: E402
from paceqi.pdsa.widgets import CycleForm, DiagramView, RampView, Tracker  # noqa: E402


@pytest.fixture
def mem():
    s = PDSAStore(":memory:", user="adviser")
    yield s
    s.close()


def _fill(form, **values):
    for name, value in values.items():
        form.inputs[name].value = value


def _rows(form, *rows):
    while len(form.rows) < len(rows):
        form.add_row()
    for row, (p, r, m) in zip(form.rows, rows, strict=False):
        row.prediction.value, row.result.value, row.met.value = p, r, m


def test_the_form_is_the_field_table():
    """Every shown field of the table has a labelled input; labels are complete, never cut."""
    form = CycleForm(PDSAStore(":memory:"), "Fife")
    shown = {f.name for f in CYCLE_FIELDS} - {"predictions", "predictions_recorded_at", "cycle_no"}
    assert shown | {"change_idea", "ramp"} == set(form.inputs)
    text = str(form.widget.children)
    labels = [c.value for box in form.widget.children if hasattr(box, "children")
              for c in box.children if hasattr(c, "value") and "<b" in str(c.value)]  # fmt: skip
    for f in CYCLE_FIELDS:
        if f.name not in ("predictions_recorded_at", "cycle_no"):
            assert any(f.label in lab and "white-space:normal" in lab for lab in labels), f.name
    assert "description_width" not in text  # no fixed-width truncated descriptions


def test_a_blank_result_stays_with_its_prediction(mem):
    """The bug of issue 17: a blank first result must not move the second one up."""
    form = CycleForm(mem, "Fife", "Two Week Planning Meeting")
    _fill(form, title="First", start_date="2016-03-01")
    _rows(form, ("Held within 14 days", "", "not yet"), ("Health attends", "Day 12", "yes"))
    assert form.submit() is not None
    rows = mem.cycle(form.cycle_id)["predictions"]
    assert rows == [
        {"prediction": "Held within 14 days", "result": None, "met": None},
        {"prediction": "Health attends", "result": "Day 12", "met": True},
    ]
    reopened = CycleForm(mem, "Fife")
    reopened.load(form.cycle_id)
    assert [(r.prediction.value, r.result.value, r.met.value) for r in reopened.rows] == [
        ("Held within 14 days", "", "not yet"),
        ("Health attends", "Day 12", "yes"),
    ]


def test_a_bad_field_is_shown_inline_and_nothing_typed_is_lost(mem):
    form = CycleForm(mem, "Fife", "Two Week Planning Meeting")
    typed = {
        "title": "First meeting",
        "purpose": "test",
        "objective": "Meet within 14 days",
        "scale": "1 team, 2 children",
        "start_date": "1st March",  # bad
        "end_date": "2016-03-28",
    }
    _fill(form, **typed)
    _rows(form, ("Held within 14 days", "", "not yet"), ("", "A result", "yes"))  # bad row 2
    form.save.click()
    assert "Start date" in form.messages["start_date"].value
    assert "must be a date" in form.messages["start_date"].value
    assert "row 2 has a result but no prediction" in form.messages["predictions"].value
    assert form.messages["title"].value == ""
    assert "Not saved: 2 fields" in form.status.value
    assert {k: form.inputs[k].value for k in typed} == typed  # nothing lost
    assert form.rows[1].result.value == "A result"
    assert mem.counts()["cycles"] == 0
    form.inputs["start_date"].value = "2016-03-01"
    form.rows[1].prediction.value = "Health attends"
    form.rows[1].met.value = "no"
    form.save.click()
    assert form.messages["start_date"].value == "" and "Saved cycle 1" in form.status.value
    c = mem.cycle(form.cycle_id)
    assert c["predictions"] == [
        {"prediction": "Held within 14 days", "result": None, "met": None},
        {"prediction": "Health attends", "result": "A result", "met": False},
    ]
    assert c["start_date"].isoformat() == "2016-03-01" and c["purpose"] == "test"


def test_edit_then_clone_then_new(mem):
    cid = mem.add_cycle("Fife", "TWPM", title="One", predictions=["p"], scale="1 team")
    form = CycleForm(mem, "Fife")
    form.load(cid)
    assert form.inputs["title"].value == "One" and form.inputs["change_idea"].value == "TWPM"
    form.inputs["act_decision"].value = "adapt"
    form.inputs["do_observations"].value = "Went well <b>mostly</b>"
    form.rows[0].result.value = "It held"
    form.save.click()
    assert "Act: decision" in form.status.value and "by adviser" in form.status.value
    assert mem.cycle(cid)["act_decision"] == "adapt"
    assert mem.cycle(cid)["predictions"][0]["result"] == "It held"
    assert mem.counts()["cycles"] == 1  # an edit, not a new cycle
    form.clone.click()
    assert form.cycle_id != cid and mem.cycle(form.cycle_id)["cycle_no"] == 2
    assert form.inputs["act_decision"].value == "" and form.inputs["title"].value == "One"
    assert [(r.prediction.value, r.result.value) for r in form.rows] == [("p", "")]
    form.new.click()
    assert form.cycle_id is None and form.inputs["title"].value == ""
    assert form.inputs["change_idea"].value == "TWPM"
    form.inputs["title"].value = "Three"
    form.save.click()
    assert mem.cycle(form.cycle_id)["cycle_no"] == 3


def test_editing_a_prediction_after_the_test_started_warns_and_is_recorded(mem):
    cid = mem.add_cycle("Fife", "TWPM", predictions=["Held in 14 days"], start_date="2016-03-01")
    form = CycleForm(mem, "Fife")
    form.load(cid)
    assert form.warning.value == ""
    form.rows[0].result.value = "Held on day 12"  # a result is not a prediction: no warning
    assert form.warning.value == ""
    form.rows[0].prediction.value = "Held in 21 days"
    assert "test started on 2016-03-01" in form.warning.value
    form.save.click()
    assert "changed after the test started" in form.status.value
    history = mem.history(cid)
    assert history["action"].tolist() == ["created", "updated"]
    assert history["changed_by"].tolist() == ["adviser", "adviser"]
    assert history.loc[1, "note"] == "predictions edited after the test started"
    old, new = history.loc[1, "changes"]["predictions"]
    assert old[0]["prediction"] == "Held in 14 days" and new[0]["prediction"] == "Held in 21 days"
    # a cycle that has not started yet: predictions may still change without a warning
    later = mem.add_cycle("Fife", "TWPM", predictions=["x"], start_date=dt.date.today().replace(
        year=dt.date.today().year + 1))  # fmt: skip
    form.load(later)
    form.rows[0].prediction.value = "y"
    assert form.warning.value == ""


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
    assert "[" not in view.html.value  # formatted, not raw lists
    diagram = DiagramView(mem, "Fife")
    assert "<svg" in diagram.html.value and 'width="100%"' in diagram.html.value


def test_pick_any_cycle_edit_it_and_the_views_refresh(mem):
    mem.add_cycle("Fife", "Two Week Planning Meeting", title="One", predictions=["p1"])
    two = mem.add_cycle("Fife", "Two Week Planning Meeting", title="Two", predictions=["p2"])
    mem.add_cycle("Angus", "Other", title="Elsewhere")
    tracker = Tracker(mem, "Fife", "two_week_planning_meeting")  # the notebook's spelling
    picker = tracker.picker
    assert picker.authority.options == ("Angus", "Fife")
    assert picker.change_idea.value == "Two Week Planning Meeting"
    assert [label for label, _ in picker.cycle.options] == [
        "New cycle", "Cycle 1: One", "Cycle 2: Two",
    ]  # fmt: skip
    picker.cycle.value = two
    assert tracker.form.cycle_id == two and tracker.form.inputs["title"].value == "Two"
    tracker.form.rows[0].result.value = "Result of two"
    tracker.form.inputs["act_decision"].value = "adopt"
    tracker.form.save.click()
    assert mem.cycle(two)["predictions"][0]["result"] == "Result of two"
    assert "Result of two" in tracker.ramp.html.value  # refreshed on save
    assert "adopt" in tracker.ramp.html.value
    assert "adviser" in tracker.history.value and "Act: decision" in tracker.history.value
    picker.authority.value = "Angus"
    assert picker.change_idea.value == "Other"
    assert "Elsewhere" in tracker.ramp.html.value


def test_a_new_change_idea_appears_in_the_picker_after_save(mem):
    tracker = Tracker(mem, "Fife")
    assert tracker.picker.change_idea.options == ()
    tracker.form.inputs["change_idea"].value = "New idea"
    tracker.form.inputs["title"].value = "First"
    tracker.form.save.click()
    assert tracker.picker.change_idea.options == ("New idea",)
    assert tracker.picker.cycle.value == tracker.form.cycle_id
    assert "First" in tracker.ramp.html.value
    assert "New idea" in tracker.diagram.html.value
