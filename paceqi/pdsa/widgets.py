"""Notebook widgets of the PDSA tracker: a cycle picker, the cycle form, ramp and diagram views.

The logic lives here, not in the notebook, and is tested from pytest by setting widget values
and pressing buttons. The form is built from the field table
(:data:`paceqi.pdsa.fields.CYCLE_FIELDS`): one labelled input per field, grouped in the
worksheet's sections, with full labels that wrap and a line of help under each. Predictions
are rows (prediction, result, met yes / no / not yet), so a result can never shift to another
prediction. Every field is checked with :func:`~paceqi.pdsa.fields.clean_record` (the same
rules as the store, the CLI and the importers); a refused save leaves everything typed in place.
User text shown in HTML is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w

from paceqi.charts import theme
from paceqi.errors import PaceqiError
from paceqi.pdsa.fields import (
    CYCLE_FIELD,
    CYCLE_FIELDS,
    SECTIONS,
    clean_record,
    parse_met,
    prediction_texts,
    section_fields,
)

__all__ = ["PredictionRow", "CycleForm", "CyclePicker", "RampView", "DiagramView", "Tracker"]

_FULL = {"width": "100%"}
_ERROR = f'<span style="color:{theme.ERROR_TEXT}">{{}}</span>'
_WARN = (
    f'<div role="alert" style="border-left:4px solid {theme.WARNING_BORDER};padding:4px 8px">'
    "{}</div>"
)
_MET = (("not yet", "not yet"), ("yes", "yes"), ("no", "no"))
#: Fields the form does not show (kept by the store itself).
_HIDDEN = ("predictions_recorded_at", "cycle_no")
#: Context inputs: where the cycle belongs (not worksheet fields).
_PLACE = {
    "change_idea": (
        "Change idea",
        "Its name or its notebook name, e.g. two_week_planning_meeting.",
    ),
    "ramp": ("Ramp", "The ramp's title (blank: the change idea's latest ramp)."),
}


def _label(text: str, helptext: str = "") -> w.HTML:
    """Return a full label that wraps (never truncated), with its help line under it."""
    small = f'<br><small style="color:#555">{html.escape(helptext)}</small>' if helptext else ""
    return w.HTML(
        f'<b style="white-space:normal">{html.escape(text)}</b>{small}',
        layout=w.Layout(width="100%"),
    )


def _input(kind: str, choices: tuple[str, ...] = ()) -> w.Widget:
    layout = w.Layout(**_FULL)
    if kind == "choice":
        return w.Dropdown(options=["", *choices], value="", layout=w.Layout(width="20em"))
    if kind == "bool":
        return w.Dropdown(options=["", "yes", "no"], value="", layout=w.Layout(width="20em"))
    if kind in ("note", "texts"):
        return w.Textarea(layout=w.Layout(width="100%", height="4.5em"))
    if kind == "date":
        return w.Text(placeholder="YYYY-MM-DD", layout=w.Layout(width="20em"))
    return w.Text(layout=layout)


class PredictionRow:
    """One prediction with its result and whether it was met (yes / no / not yet)."""

    def __init__(self, prediction: str = "", result: str = "", met: Any = None, on_remove=None):
        self.prediction = w.Textarea(
            value=prediction, placeholder="What do you predict will happen?",
            layout=w.Layout(width="100%", height="3.5em"),
        )  # fmt: skip
        self.result = w.Textarea(
            value=result, placeholder="What happened (after the test)",
            layout=w.Layout(width="100%", height="3.5em"),
        )  # fmt: skip
        word = {True: "yes", False: "no", None: "not yet"}[parse_met(met)]
        self.met = w.Dropdown(options=_MET, value=word, layout=w.Layout(width="8em"))
        for box, css in ((self.prediction, "prediction"), (self.result, "result"),
                         (self.met, "met")):  # fmt: skip
            box.add_class(f"paceqi-{css}")  # stable hooks for browser tests and styling
        self.remove = w.Button(description="Remove", icon="trash", layout=w.Layout(width="7em"))
        if on_remove is not None:
            self.remove.on_click(lambda _b: on_remove(self))
        self.widget = w.GridBox(
            [self.prediction, self.result, self.met, self.remove],
            layout=w.Layout(grid_template_columns="1fr 1fr 8em 7em", width="100%"),
        )

    def value(self) -> dict[str, Any]:
        """Return the row as ``{prediction, result, met}`` (blank text: None)."""
        return {
            "prediction": self.prediction.value.strip() or None,
            "result": self.result.value.strip() or None,
            "met": parse_met(self.met.value),
        }


class CycleForm:
    """A form to add or edit one PDSA cycle of an authority.

    Parameters
    ----------
    store : PDSAStore
    authority : str
    change_idea : str, optional
        Pre-filled change idea name.
    on_save : callable, optional
        Called with the cycle id after each successful save (the tracker refreshes its views).

    Attributes
    ----------
    inputs : dict of str to Widget
        One input per shown field of the field table, plus ``change_idea`` and ``ramp``.
    rows : list of PredictionRow
        The prediction rows; :meth:`add_row` adds one.
    messages : dict of str to HTML
        The inline validation message under each input (empty when the field is fine).
    save, new, clone, add_prediction : Button
    warning : HTML
        Shown when predictions of a cycle whose test has started are being changed.
    status : HTML
        The last outcome ("Saved cycle 2 ..." or what to fix).
    cycle_id : int or None
        The cycle being edited (None: the next save adds a cycle).
    """

    def __init__(self, store, authority: str, change_idea: str | None = None, on_save=None):
        self.store = store
        self.authority = authority
        self.on_save = on_save
        self.cycle_id: int | None = None
        self._loaded: dict[str, Any] | None = None
        self.inputs: dict[str, w.Widget] = {n: _input("text") for n in _PLACE}
        self.messages: dict[str, w.HTML] = {n: w.HTML("") for n in _PLACE}
        self.inputs["change_idea"].value = change_idea or ""
        for f in CYCLE_FIELDS:
            if f.name not in _HIDDEN and f.kind != "predictions":
                self.inputs[f.name] = _input(f.kind, f.choices)
            self.messages[f.name] = w.HTML("")
        for name, box in self.inputs.items():
            box.add_class(f"paceqi-field-{name}")
        self.messages["form"] = w.HTML("")
        self.rows: list[PredictionRow] = []
        self.rows_box = w.VBox([], layout=w.Layout(width="100%"))
        self.add_prediction = w.Button(description="Add a prediction", icon="plus")
        self.add_prediction.on_click(lambda _b: self.add_row())
        self.warning = w.HTML("")
        self.save = w.Button(description="Save cycle", button_style="primary", icon="check")
        self.new = w.Button(description="New cycle", icon="file")
        self.clone = w.Button(description="Clone as next cycle", icon="copy",
                              layout=w.Layout(width="auto"))  # fmt: skip
        self.status = w.HTML("")
        self.status.add_class("paceqi-status")
        self.save.add_class("paceqi-save")
        self.save.on_click(lambda _b: self.submit())
        self.new.on_click(lambda _b: self.clear())
        self.clone.on_click(lambda _b: self.clone_current())
        self.add_row()
        self.widget = w.VBox(self._layout(), layout=w.Layout(width="100%"))

    # -- layout -------------------------------------------------------------------------------

    def _field(self, name: str, label: str, helptext: str) -> w.VBox:
        return w.VBox(
            [_label(label, helptext), self.inputs[name], self.messages[name]],
            layout=w.Layout(width="100%", margin="0 0 6px 0"),
        )

    def _layout(self) -> list[w.Widget]:
        parts: list[w.Widget] = [self._field(n, *_PLACE[n]) for n in _PLACE]
        for section, title in SECTIONS.items():
            fields = [f for f in section_fields(section) if f.name not in _HIDDEN]
            if not fields:
                continue
            parts.append(w.HTML(f"<h4>{html.escape(title)}</h4>"))
            for f in fields:
                if f.kind == "predictions":
                    head = w.GridBox(
                        [w.HTML("<b>Prediction</b>"), w.HTML("<b>Result</b>"),
                         w.HTML("<b>Met?</b>"), w.HTML("")],
                        layout=w.Layout(grid_template_columns="1fr 1fr 8em 7em", width="100%"),
                    )  # fmt: skip
                    parts.append(
                        w.VBox(
                            [
                                _label(f.label, f.help),
                                head,
                                self.rows_box,
                                self.add_prediction,
                                self.messages[f.name],
                                self.warning,
                            ],
                            layout=w.Layout(width="100%", margin="0 0 6px 0"),
                        )  # fmt: skip
                    )
                else:
                    parts.append(self._field(f.name, f.label, f.help))
        buttons = w.HBox([self.save, self.new, self.clone])
        return [*parts, buttons, self.status, self.messages["form"]]

    # -- prediction rows ----------------------------------------------------------------------

    def add_row(self, prediction: str = "", result: str = "", met: Any = None) -> PredictionRow:
        """Add a prediction row (empty by default) and return it."""
        row = PredictionRow(prediction or "", result or "", met, on_remove=self.remove_row)
        row.prediction.observe(lambda _c: self._check_late(), names="value")
        self.rows.append(row)
        self.rows_box.children = [r.widget for r in self.rows]
        return row

    def remove_row(self, row: PredictionRow) -> None:
        """Remove one prediction row."""
        self.rows.remove(row)
        self.rows_box.children = [r.widget for r in self.rows]
        self._check_late()

    def _set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = []
        for r in rows or [{}]:
            self.add_row(r.get("prediction") or "", r.get("result") or "", r.get("met"))
        self.rows_box.children = [r.widget for r in self.rows]

    def _started(self) -> dt.date | None:
        if self._loaded is None or self._loaded.get("start_date") is None:
            return None
        start = self._loaded["start_date"]
        return start if start <= dt.date.today() else None

    def _check_late(self) -> bool:
        """Warn when predictions of a cycle whose test has started are being changed."""
        started = self._started()
        typed = [r.value() for r in self.rows if r.value()["prediction"]]
        if started is None or not self._loaded:
            late = False
        else:
            late = prediction_texts(self._loaded["predictions"]) != prediction_texts(typed)
        self.warning.value = (
            _WARN.format(
                f"<b>Warning:</b> this cycle's test started on {started.isoformat()}. "
                "Predictions are made <em>before</em> a test; a prediction changed now is "
                "recorded in the cycle's history as edited after the test started."
            )
            if started is not None and late
            else ""
        )
        return late

    # -- values <-> store ---------------------------------------------------------------------

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return (cycle fields as typed, problems found before the store's own checks)."""
        out: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for f in CYCLE_FIELDS:
            if f.name in _HIDDEN:
                continue
            if f.kind == "predictions":
                rows = [r.value() for r in self.rows]
                for i, r in enumerate(rows, 1):
                    if r["prediction"] is None and (r["result"] or r["met"] is not None):
                        problems[f.name] = f"row {i} has a result but no prediction"
                out[f.name] = [r for r in rows if r["prediction"] is not None]
                continue
            value = self.inputs[f.name].value
            if f.kind == "texts":
                value = [line for line in value.splitlines() if line.strip()]
            elif f.kind == "bool":
                value = {"yes": True, "no": False}.get(value)
            out[f.name] = value
        if not self.inputs["change_idea"].value.strip():
            problems["change_idea"] = "is required"
        return out, problems

    def _show(self, errors: dict[str, str]) -> None:
        for name, box in self.messages.items():
            box.value = _ERROR.format(html.escape(errors[name])) if name in errors else ""

    def submit(self) -> int | None:
        """Check the form; save it if every field is fine. Returns the cycle id or None."""
        fields, problems = self.values()
        _, errors = clean_record(dict(fields, cycle_no=1), CYCLE_FIELDS)
        errors = {**errors, **problems}
        label = {n: lab for n, (lab, _h) in _PLACE.items()}
        label |= {f.name: f.label for f in CYCLE_FIELDS}
        errors = {k: f"{label[k]} {m}" for k, m in errors.items() if k in label}
        if errors:
            self._show(errors)
            n = len(errors)
            self.status.value = _ERROR.format(f"Not saved: {n} field{'s' if n > 1 else ''} to fix.")
            return None
        idea = self.inputs["change_idea"].value.strip()
        ramp = self.inputs["ramp"].value.strip() or None
        late = False
        try:
            if self.cycle_id is None:
                self.cycle_id = self.store.add_cycle(self.authority, idea, ramp=ramp, **fields)
                changed = "new cycle"
            else:
                done = self.store.update_cycle(self.cycle_id, **fields)
                late = done["late_predictions"]
                changed = ", ".join(CYCLE_FIELD[k].label for k in done["changes"]) or "no change"
        except PaceqiError as exc:
            self._show({"form": str(exc)})
            self.status.value = _ERROR.format("Not saved.")
            return None
        self._show({})
        saved = self.store.cycle(self.cycle_id)
        self._loaded = saved
        self.inputs["change_idea"].value = saved["change_idea"]
        self.inputs["ramp"].value = saved["ramp"]
        self.warning.value = ""
        text = html.escape(
            f"Saved cycle {saved['cycle_no']} of ramp '{saved['ramp']}' (id {self.cycle_id}) "
            f"by {self.store.user or 'unknown'}: {changed}."
        )
        if late:
            text += _WARN.format(
                "<b>Predictions were changed after the test started</b>; the cycle's history "
                "records it."
            )
        self.status.value = text
        if self.on_save is not None:
            self.on_save(self.cycle_id)
        return self.cycle_id

    def load(self, cycle_id: int) -> None:
        """Fill the form from a stored cycle; the next save updates it."""
        c = self.store.cycle(cycle_id)
        self.cycle_id = cycle_id
        self._loaded = c
        for name, box in self.inputs.items():
            value = c.get(name)
            field = CYCLE_FIELD.get(name)
            if field is not None and field.kind == "bool":
                value = {True: "yes", False: "no"}.get(value, "")
            elif field is not None and field.kind == "texts":
                value = "\n".join(value or [])
            elif value is None:
                value = ""
            box.value = str(value)
        self._set_rows(c["predictions"])
        self._show({})
        self.warning.value = ""
        self.status.value = html.escape(
            f"Editing cycle {c['cycle_no']} of ramp '{c['ramp']}' (id {cycle_id})."
        )

    def clear(self) -> None:
        """Start a new cycle: keep the change idea and ramp, empty the rest."""
        for name, box in self.inputs.items():
            if name not in _PLACE:
                box.value = ""
        self._set_rows([])
        self.cycle_id = None
        self._loaded = None
        self._show({})
        self.warning.value = ""
        self.status.value = "New cycle."

    def clone_current(self) -> int | None:
        """Clone the cycle being edited into the next cycle of its ramp and edit the clone."""
        if self.cycle_id is None:
            self.status.value = _ERROR.format(
                "Pick a cycle above (or save this one), then clone it into the next cycle."
            )
            return None
        new = self.store.clone_cycle(self.cycle_id)
        self.load(new)
        if self.on_save is not None:
            self.on_save(new)
        return new


class CyclePicker:
    """Open any cycle: authority, then change idea, then ramp, then cycle.

    Attributes
    ----------
    authority, change_idea, ramp, cycle : Dropdown
        ``cycle`` options are (label, cycle id), plus ("New cycle", None).
    """

    def __init__(self, store, authority: str, change_idea: str | None = None, on_pick=None):
        self.store = store
        self.on_pick = on_pick
        style = {"description_width": "8em"}
        lay = w.Layout(width="100%")
        names = sorted({*store.authorities(), authority})
        self.authority = w.Dropdown(options=names, value=authority, description="Authority",
                                    style=style, layout=lay)  # fmt: skip
        self.change_idea = w.Dropdown(description="Change idea", style=style, layout=lay)
        self.ramp = w.Dropdown(description="Ramp", style=style, layout=lay)
        self.cycle = w.Dropdown(description="Cycle", style=style, layout=lay)
        for box in (self.authority, self.change_idea, self.ramp, self.cycle):
            box.add_class("paceqi-pick-" + box.description.lower().replace(" ", "-"))
        self._quiet = False
        self.refresh(change_idea)
        self.authority.observe(lambda _c: self._changed("authority"), names="value")
        self.change_idea.observe(lambda _c: self._changed("change_idea"), names="value")
        self.ramp.observe(lambda _c: self._changed("ramp"), names="value")
        self.cycle.observe(lambda _c: self._changed("cycle"), names="value")
        self.widget = w.VBox([self.authority, self.change_idea, self.ramp, self.cycle], layout=lay)

    def refresh(self, change_idea: str | None = None, cycle_id: int | None = None) -> None:
        """Reload the choices from the store, keeping (or setting) the selection."""
        self._quiet = True
        try:
            frame = self.store.cycles(self.authority.value)
            ideas = list(self.store.change_ideas(self.authority.value)["name"])
            want = change_idea or self.change_idea.value
            if want is not None and want not in ideas:
                want = self.store.find_change_idea(self.authority.value, want)
            self.change_idea.options = ideas
            self.change_idea.value = want if want in ideas else (ideas[0] if ideas else None)
            mine = frame[frame["change_idea"] == self.change_idea.value]
            ramps = list(dict.fromkeys(mine["ramp"]))
            if cycle_id is not None and cycle_id in set(mine["id"]):
                ramp = mine.loc[mine["id"] == cycle_id, "ramp"].iloc[0]
            else:
                ramp = self.ramp.value
            self.ramp.options = ramps
            self.ramp.value = ramp if ramp in ramps else (ramps[-1] if ramps else None)
            rows = mine[mine["ramp"] == self.ramp.value]
            options = [
                (f"Cycle {r.cycle_no}: {r.title or '(no title)'}"
                 f"{' (from ' + str(r.start_date) + ')' if r.start_date else ''}", int(r.id))
                for r in rows.itertuples()
            ]  # fmt: skip
            self.cycle.options = [("New cycle", None), *options]
            ids = [v for _lab, v in options]
            self.cycle.value = cycle_id if cycle_id in ids else None
        finally:
            self._quiet = False

    def _changed(self, what: str) -> None:
        if self._quiet:
            return
        if what != "cycle":
            keep = None if what == "authority" else self.change_idea.value
            if what == "authority":
                self.change_idea.value = None
            self.refresh(keep)
        if self.on_pick is not None:
            self.on_pick(what)


class RampView:
    """A formatted table of a change idea's ramp(s) and its PDSA quality check."""

    def __init__(self, store, authority: str, change_idea: str | None = None):
        self.store, self.authority, self.change_idea = store, authority, change_idea
        self.html = w.HTML("", layout=w.Layout(width="100%"))
        self.widget = w.VBox([self.html], layout=w.Layout(width="100%"))
        self.refresh()

    def refresh(self, change_idea: str | None = None, authority: str | None = None) -> None:
        """Redraw from the store (optionally for another change idea or authority)."""
        if change_idea is not None:
            self.change_idea = change_idea
        if authority is not None:
            self.authority = authority
        if not self.change_idea:
            self.html.value = "<p>No change idea chosen: no PDSA cycles to show.</p>"
            return
        try:
            ramp = self.store.ramp(self.authority, self.change_idea)
            from paceqi.pdsa.views import pdsa_quality_check

            qc = pdsa_quality_check(self.store, self.authority, self.change_idea)
        except PaceqiError as exc:
            self.html.value = html.escape(str(exc))
            return
        self.html.value = ramp_html(ramp, self.change_idea) + _quality_html(qc)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def ramp_html(ramp, change_idea: str) -> str:
    """Return a ramp (from :meth:`PDSAStore.ramp`) as a readable HTML table.

    One row per cycle: ramp, cycle, title, scale, dates, each prediction with its result and
    whether it was met, and the Act decision. User text is escaped.
    """
    e = html.escape
    if ramp.empty:
        return f"<p>No PDSA cycles recorded for {e(change_idea)} yet.</p>"
    rows = []
    cell = 'style="border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left"'
    for r in ramp.itertuples():
        pairs = []
        for p, res, met in zip(r.predictions, r.results, r.met, strict=True):
            mark = {True: "&#10004; met", False: "&#10008; not met", None: "not yet"}[met]
            pairs.append(
                f"<li><b>Predicted:</b> {e(p or '')}<br><b>Result:</b> "
                f"{e(res) if res else '<i>not recorded yet</i>'} ({mark})</li>"
            )
        start = r.start_date.isoformat() if r.start_date else "?"
        end = r.end_date.isoformat() if r.end_date else "…"
        rows.append(
            f"<tr><td {cell}>{e(r.ramp)}</td><td {cell}>{r.cycle_no}</td>"
            f"<td {cell}>{e(r.title or '')}</td><td {cell}>{e(r.scale or '')}</td>"
            f"<td {cell}>{start}&nbsp;– {end}</td><td {cell}><ul style='margin:0'>"
            f"{''.join(pairs) or '<li>no predictions</li>'}</ul></td>"
            f"<td {cell}>{e(r.act_decision or '')}</td></tr>"
        )
    head = "".join(
        f"<th {cell}>{h}</th>"
        for h in ("Ramp", "Cycle", "Title", "Scale", "Dates", "Predictions and results", "Act")
    )
    widths = "".join(f'<col style="width:{p}%">' for p in (12, 6, 14, 10, 12, 38, 8))
    return (
        f"<h4>{e(change_idea)}: PDSA ramp</h4>"
        '<table style="border-collapse:collapse;width:100%;table-layout:fixed;'
        f'overflow-wrap:anywhere"><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _quality_html(qc) -> str:
    e = html.escape
    checks = "".join(
        f"<li>{'&#10004;' if q.met else '&#10008;'} {e(q.label)}"
        f"{': ' + e(q.detail) if q.detail else ''}</li>"
        for q in qc.itertuples()
    )
    return f"<h4>PDSA quality check (Knudsen et al. 2019)</h4><ul>{checks}</ul>"


class DiagramView:
    """The authority's driver diagram, scaled to its container, redrawn on :meth:`refresh`."""

    def __init__(self, store, authority: str):
        self.store, self.authority = store, authority
        self.html = w.HTML("", layout=w.Layout(width="100%"))
        self.widget = w.VBox([self.html], layout=w.Layout(width="100%"))
        self.refresh()

    def refresh(self, authority: str | None = None) -> None:
        """Redraw from the store."""
        from paceqi.pdsa.diagram import driver_diagram

        if authority is not None:
            self.authority = authority
        svg = driver_diagram(self.store.document(self.authority)).svg
        self.html.value = f'<div style="width:100%;max-width:100%;overflow:hidden">{svg}</div>'


class Tracker:
    """The tracker: pick a cycle (authority, change idea, ramp, cycle), edit it, see the ramp.

    Attributes
    ----------
    picker : CyclePicker
    form : CycleForm
    ramp : RampView
        Refreshed after every save.
    diagram : DiagramView
    history : HTML
        The history of the cycle being edited (who, when, what changed).
    """

    def __init__(self, store, authority: str, change_idea: str | None = None):
        self.store = store
        self.picker = CyclePicker(store, authority, change_idea, on_pick=self._picked)
        start = self.picker.change_idea.value or change_idea
        self.form = CycleForm(store, authority, start, on_save=self._saved)
        self.ramp = RampView(store, authority, start)
        self.diagram = DiagramView(store, authority)
        self.history = w.HTML("")
        tabs = w.Tab([self.form.widget, self.ramp.widget, self.diagram.widget,
                      w.VBox([self.history])])  # fmt: skip
        for i, title in enumerate(("Cycle", "Ramp", "Driver diagram", "History")):
            tabs.set_title(i, title)
        self.tabs = tabs
        self.widget = w.VBox([self.picker.widget, tabs], layout=w.Layout(width="100%"))

    @property
    def authority(self) -> str:
        """The authority chosen in the picker."""
        return self.picker.authority.value

    def _picked(self, what: str) -> None:
        idea = self.picker.change_idea.value
        self.form.authority = self.authority
        if what == "cycle" and self.picker.cycle.value is not None:
            self.form.load(self.picker.cycle.value)
        elif what == "cycle" or what in ("authority", "change_idea", "ramp"):
            self.form.inputs["change_idea"].value = idea or ""
            self.form.inputs["ramp"].value = self.picker.ramp.value or ""
            self.form.clear()
        self.ramp.refresh(idea, self.authority)
        if what == "authority":
            self.diagram.refresh(self.authority)
        self._show_history()

    def _saved(self, cycle_id: int) -> None:
        c = self.store.cycle(cycle_id)
        self.picker.refresh(c["change_idea"], cycle_id)
        self.ramp.refresh(c["change_idea"], self.authority)
        self.diagram.refresh(self.authority)
        self._show_history()

    def _show_history(self) -> None:
        cid = self.form.cycle_id
        if cid is None:
            self.history.value = "<p>Pick a cycle to see its history.</p>"
            return
        e = html.escape
        items = []
        for h in self.store.history(cid).itertuples():
            fields = ", ".join(CYCLE_FIELD[f].label if f in CYCLE_FIELD else f for f in h.fields)
            note = f" <b>({e(h.note)})</b>" if h.note else ""
            items.append(
                f"<li>{h.changed_at:%Y-%m-%d %H:%M} UTC, {e(h.changed_by or 'unknown')}, "
                f"{e(h.action)}: {e(fields or '-')}{note}</li>"
            )
        self.history.value = f"<ul>{''.join(items)}</ul>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def refresh(self) -> None:
        """Reload the picker, the ramp view and the diagram from the store."""
        self.picker.refresh(self.form.inputs["change_idea"].value or None, self.form.cycle_id)
        self.ramp.refresh(self.picker.change_idea.value, self.authority)
        self.diagram.refresh(self.authority)
