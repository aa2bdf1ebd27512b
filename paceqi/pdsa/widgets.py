"""Notebook widgets of the PDSA tracker: a cycle form, a ramp view and the driver diagram.

The logic lives here, not in the notebook, and is tested from pytest by setting widget values
and pressing buttons. The form checks every field with :func:`paceqi.pdsa.fields.clean_record`
(the same rules as the store, the CLI and the importers) and shows what is wrong under each
field; a refused save leaves everything typed in place. User text shown in HTML is escaped.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from paceqi.charts import theme
from paceqi.errors import PaceqiError
from paceqi.pdsa.fields import CYCLE_FIELDS, clean_record
from paceqi.pdsa.vocab import ACT_DECISIONS, PURPOSES

__all__ = ["CycleForm", "RampView", "DiagramView", "Tracker"]

_LAYOUT = w.Layout(width="95%")
_ERROR = f'<span style="color:{theme.ERROR_TEXT}">{{}}</span>'
#: form field -> (label, widget kind); kinds: text, area, lines, choice:<vocab>, yesno
_FORM: dict[str, tuple[str, str]] = {
    "change_idea": ("Change idea", "text"),
    "ramp": ("Ramp (blank: the latest)", "text"),
    "title": ("Title", "text"),
    "purpose": ("This cycle will", "purpose"),
    "objective": ("Objective", "area"),
    "questions": ("Questions (one per line)", "lines"),
    "predictions": ("Predictions (one per line)", "lines"),
    "plan_who": ("Plan: who", "text"),
    "plan_what": ("Plan: what", "area"),
    "plan_when": ("Plan: when", "text"),
    "plan_where": ("Plan: where", "text"),
    "data_plan": ("Data to collect", "area"),
    "scale": ("Scale (e.g. 1 team, 2 children)", "text"),
    "start_date": ("Start date (YYYY-MM-DD)", "text"),
    "end_date": ("End date (YYYY-MM-DD)", "text"),
    "carried_out_as_planned": ("Carried out as planned?", "yesno"),
    "do_observations": ("Do: observations", "area"),
    "unexpected_events": ("Do: unexpected events", "area"),
    "results": ("Study: result per prediction (one line each, in order)", "lines"),
    "met": ("Study: prediction met? (one line each: yes / no / blank)", "lines"),
    "act_decision": ("Act", "act"),
    "next_steps": ("Next steps", "area"),
}


def _make(kind: str, label: str) -> w.Widget:
    style = {"description_width": "14em"}
    if kind == "purpose":
        return w.Dropdown(options=["", *PURPOSES], description=label, style=style)
    if kind == "act":
        return w.Dropdown(options=["", *ACT_DECISIONS], description=label, style=style)
    if kind == "yesno":
        return w.Dropdown(options=["", "yes", "no"], description=label, style=style)
    if kind in ("area", "lines"):
        return w.Textarea(description=label, layout=_LAYOUT, style=style)
    return w.Text(description=label, layout=_LAYOUT, style=style)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


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
        One input per field (see ``_FORM``); set ``.value`` to fill the form.
    messages : dict of str to HTML
        The inline validation message under each input (empty when the field is fine).
    save, new, clone : Button
        Save (add, or update the cycle being edited); start a new blank cycle; clone the cycle
        being edited into the next cycle of its ramp.
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
        self.inputs = {name: _make(kind, label) for name, (label, kind) in _FORM.items()}
        self.messages = {name: w.HTML("") for name in _FORM}
        self.messages["form"] = w.HTML("")
        self.inputs["change_idea"].value = change_idea or ""
        self.save = w.Button(description="Save cycle", button_style="primary", icon="check")
        self.new = w.Button(description="New cycle", icon="plus")
        self.clone = w.Button(description="Clone as next cycle", icon="copy")
        self.status = w.HTML("")
        self.save.on_click(lambda _b: self.submit())
        self.new.on_click(lambda _b: self.clear())
        self.clone.on_click(lambda _b: self.clone_current())
        rows = []
        for name in _FORM:
            rows += [self.inputs[name], self.messages[name]]
        self.widget = w.VBox(
            [*rows, w.HBox([self.save, self.new, self.clone]), self.status, self.messages["form"]]
        )

    # -- values <-> store ---------------------------------------------------------------------

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Return (cycle fields as typed, problems found before the store's own checks)."""
        v = {name: box.value for name, box in self.inputs.items()}
        problems: dict[str, str] = {}
        out: dict[str, Any] = {}
        for name in _FORM:
            if name in ("change_idea", "ramp", "results", "met", "carried_out_as_planned"):
                continue
            value = v[name]
            kind = _FORM[name][1]
            out[name] = _lines(value) if kind == "lines" else value
        out["carried_out_as_planned"] = {"yes": True, "no": False}.get(v["carried_out_as_planned"])
        predictions = out["predictions"]
        results, met = _lines(v["results"]), [m.strip().lower() for m in _lines(v["met"])]
        if len(results) > len(predictions):
            problems["results"] = "has more lines than there are predictions"
        bad_met = [m for m in met if m not in ("yes", "no", "?", "-")]
        if bad_met or len(met) > len(predictions):
            problems["met"] = "needs one line per prediction: yes, no, ? (or - for not judged)"
        n = max(len(results), len(met))
        out["study_results"] = [
            {
                "prediction": predictions[i] if i < len(predictions) else None,
                "result": results[i] if i < len(results) else None,
                "met": {"yes": True, "no": False}.get(met[i]) if i < len(met) else None,
            }
            for i in range(n)
        ]
        if not v["change_idea"].strip():
            problems["change_idea"] = "is required"
        return out, problems

    def _show(self, errors: dict[str, str]) -> None:
        for name, box in self.messages.items():
            box.value = _ERROR.format(html.escape(errors[name])) if name in errors else ""

    def submit(self) -> int | None:
        """Check the form; save it if every field is fine. Returns the cycle id or None."""
        fields, problems = self.values()
        check = dict(fields, cycle_no=1)
        _, errors = clean_record(check, CYCLE_FIELDS)
        errors = {("results" if k == "study_results" else k): m for k, m in errors.items()}
        errors = {k: f"{_FORM[k][0]} {m}" for k, m in {**errors, **problems}.items() if k in _FORM}
        if errors:
            self._show(errors)
            n = len(errors)
            self.status.value = _ERROR.format(f"Not saved: {n} field{'s' if n > 1 else ''} to fix.")
            return None
        idea = self.inputs["change_idea"].value.strip()
        ramp = self.inputs["ramp"].value.strip() or None
        try:
            if self.cycle_id is None:
                self.cycle_id = self.store.add_cycle(self.authority, idea, ramp=ramp, **fields)
            else:
                self.store.update_cycle(self.cycle_id, **fields)
        except PaceqiError as exc:
            self._show({"form": str(exc)})
            self.status.value = _ERROR.format("Not saved.")
            return None
        self._show({})
        saved = self.store.cycle(self.cycle_id)
        self.inputs["ramp"].value = saved["ramp"]
        self.status.value = html.escape(
            f"Saved cycle {saved['cycle_no']} of ramp '{saved['ramp']}' (id {self.cycle_id})."
        )
        if self.on_save is not None:
            self.on_save(self.cycle_id)
        return self.cycle_id

    def load(self, cycle_id: int) -> None:
        """Fill the form from a stored cycle; the next save updates it."""
        c = self.store.cycle(cycle_id)
        self.cycle_id = cycle_id
        for name, (_label, kind) in _FORM.items():
            if name in ("results", "met"):
                continue
            value = c.get(name)
            if name == "carried_out_as_planned":
                value = {True: "yes", False: "no"}.get(value, "")
            elif kind == "lines":
                value = "\n".join(value or [])
            elif value is None:
                value = ""
            self.inputs[name].value = str(value)
        results = c["study_results"]
        self.inputs["results"].value = "\n".join(r["result"] or "" for r in results)
        self.inputs["met"].value = "\n".join(
            {True: "yes", False: "no"}.get(r["met"], "?") for r in results
        )
        self._show({})
        self.status.value = html.escape(f"Editing cycle {c['cycle_no']} (id {cycle_id}).")

    def clear(self) -> None:
        """Start a new cycle: keep the change idea and ramp, empty the rest."""
        for name, box in self.inputs.items():
            if name not in ("change_idea", "ramp"):
                box.value = ""
        self.cycle_id = None
        self._show({})
        self.status.value = "New cycle."

    def clone_current(self) -> int | None:
        """Clone the cycle being edited into the next cycle of its ramp and edit the clone."""
        if self.cycle_id is None:
            self.status.value = _ERROR.format("Save or load a cycle first, then clone it.")
            return None
        new = self.store.clone_cycle(self.cycle_id)
        self.load(new)
        if self.on_save is not None:
            self.on_save(new)
        return new


class RampView:
    """An HTML table of a change idea's ramp(s) and its PDSA quality check."""

    def __init__(self, store, authority: str, change_idea: str | None = None):
        self.store, self.authority, self.change_idea = store, authority, change_idea
        self.html = w.HTML("")
        self.widget = w.VBox([self.html])
        self.refresh()

    def refresh(self, change_idea: str | None = None) -> None:
        """Redraw from the store (optionally for another change idea)."""
        if change_idea is not None:
            self.change_idea = change_idea
        if not self.change_idea:
            self.html.value = "<p>Choose a change idea.</p>"
            return
        try:
            ramp = self.store.ramp(self.authority, self.change_idea)
            qc = self.store.quality_check(self.authority, self.change_idea)
        except PaceqiError as exc:
            self.html.value = html.escape(str(exc))
            return
        e = html.escape
        rows = []
        for r in ramp.itertuples():
            pairs = []
            for i, p in enumerate(r.predictions):
                res = r.results[i] if i < len(r.results) else None
                met = r.met[i] if i < len(r.met) else None
                mark = {True: "&#10004; met", False: "&#10008; not met", None: "&ndash;"}[met]
                pairs.append(f"{e(p)} &rarr; {e(res or '–')} ({mark})")
            dates = f"{r.start_date or '?'} – {r.end_date or '?'}"
            rows.append(
                f"<tr><td>{e(r.ramp)}</td><td>{r.cycle_no}</td><td>{e(r.title or '')}</td>"
                f"<td>{e(r.scale or '')}</td><td>{e(dates)}</td><td>{'<br>'.join(pairs)}</td>"
                f"<td>{e(r.act_decision or '')}</td></tr>"
            )
        head = "<tr><th>Ramp</th><th>Cycle</th><th>Title</th><th>Scale</th><th>Dates</th>"
        head += "<th>Prediction &rarr; result</th><th>Act</th></tr>"
        checks = "".join(
            f"<li>{'&#10004;' if q.met else '&#10008;'} {e(q.label)}"
            f"{': ' + e(q.detail) if q.detail else ''}</li>"
            for q in qc.itertuples()
        )
        self.html.value = (
            f"<h4>{e(self.change_idea)}: PDSA ramp</h4><table>{head}{''.join(rows)}</table>"
            f"<h4>PDSA quality check (Knudsen et al. 2019)</h4><ul>{checks}</ul>"
        )


class DiagramView:
    """The authority's driver diagram, redrawn from the store on :meth:`refresh`."""

    def __init__(self, store, authority: str):
        self.store, self.authority = store, authority
        self.html = w.HTML("")
        self.widget = w.VBox([self.html])
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the store."""
        self.html.value = self.store.driver_diagram(self.authority).svg


class Tracker:
    """The tracker: choose a change idea; cycle form, ramp view and driver diagram in tabs."""

    def __init__(self, store, authority: str, change_idea: str | None = None):
        self.store, self.authority = store, authority
        ideas = list(store.change_ideas(authority)["name"])
        start = change_idea or (ideas[0] if ideas else None)
        self.choose = w.Dropdown(options=ideas, value=start if start in ideas else None,
                                 description="Change idea")  # fmt: skip
        self.form = CycleForm(store, authority, start, on_save=lambda _id: self.refresh())
        self.ramp = RampView(store, authority, start)
        self.diagram = DiagramView(store, authority)
        self.choose.observe(self._chosen, names="value")
        tabs = w.Tab([self.form.widget, self.ramp.widget, self.diagram.widget])
        for i, title in enumerate(("Cycle", "Ramp", "Driver diagram")):
            tabs.set_title(i, title)
        self.widget = w.VBox([self.choose, tabs])

    def _chosen(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.form.inputs["change_idea"].value = change["new"]
            self.form.clear()
            self.ramp.refresh(change["new"])

    def refresh(self) -> None:
        """Reload change ideas, the ramp view and the diagram from the store."""
        ideas = list(self.store.change_ideas(self.authority)["name"])
        current = self.form.inputs["change_idea"].value.strip()
        self.choose.unobserve(self._chosen, names="value")
        self.choose.options = ideas
        self.choose.value = current if current in ideas else None
        self.choose.observe(self._chosen, names="value")
        self.ramp.refresh(current or None)
        self.diagram.refresh()
