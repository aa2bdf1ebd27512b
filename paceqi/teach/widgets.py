"""ipywidgets UIs for the training notebooks, thin over the pure simulations.

Every builder takes ``interactive``. With ``interactive=True`` it returns an
:class:`ExerciseUI` (display it as the last expression of a cell); its callbacks call the
simulation functions and draw with :mod:`paceqi.teach.plots`. With ``interactive=False``
(papermill, HTML export: widget output vanishes from offline HTML, JUPYTER.md §5) it returns
the static default chart as a :class:`matplotlib.figure.Figure` instead.

**Predict first.** Every exercise asks for a prediction before it shows anything that answers
it; the buttons that would reveal the answer stay disabled until the prediction is recorded.
Notebook cells that would give the answer away on *Run All* wrap their output in
:func:`after_prediction`, which shows a placeholder until the exercise's prediction is
recorded.

**Feedback.** While a button's action runs, every button of the exercise is disabled and a
progress bar shows; a chart whose settings have changed is cleared (or redrawn at once when
that is quick), so a chart never sits under settings it was not drawn for.

The UIs keep their latest results in ``ui.state`` (``figure``, ``table``, ``message`` and
exercise-specific entries), so tests and trainers can drive them without a browser: set a
control's ``.value`` and call ``ui.buttons[name].click()``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import clear_output, display
from matplotlib.figure import Figure

from paceqi.errors import PaceqiError
from paceqi.teach import detection, funnel, journey_sim, plots, processes, red_beads
from paceqi.teach.pdsa_game import CoinSpinGame, play_rounds

__all__ = [
    "ExerciseUI",
    "after_prediction",
    "rules_explorer",
    "how_many_points",
    "red_bead_experiment",
    "funnel_experiment",
    "pdsa_game",
    "journey_simulator",
]

#: Scripted rounds used for the static (exported) PDSA chart.
DEFAULT_PDSA_ROUNDS: tuple[tuple[str, float, str], ...] = (
    ("spin on a hard, smooth table", 6.0, "adopt"),
    ("say a lucky word before spinning", 7.5, "abandon"),
    ("use a larger, heavier coin", 7.5, "adopt"),
    ("spin on the tablecloth", 7.0, "abandon"),
)

#: Beads in the bowl (Deming: 4000) – the red-fraction slider keeps the bowl size.
_BOWL = red_beads.BOWL_RED + red_beads.BOWL_WHITE

#: Placeholder shown by :func:`after_prediction` until the prediction is recorded.
WAITING = "Hidden until your prediction is recorded in the exercise above."

#: Layout that lets a button or label take the width of its full text (never "Run the exp…").
_FULL_TEXT = {"width": "auto", "min_width": "max-content"}
_STYLE = {"description_width": "initial"}


class _Gate(w.Output):
    """An output of :func:`after_prediction`; ``shown`` is what it displays (for tests)."""

    shown: Any = WAITING


@dataclass
class ExerciseUI:
    """A built exercise: the widget tree plus handles for driving it.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What the notebook displays.
    controls : dict
        Input widgets by name (sliders, dropdowns, text, the prediction).
    buttons : dict
        Buttons by name.
    output : ipywidgets.Output
        Where charts and tables are drawn.
    progress : ipywidgets.FloatProgress
        Shown while a button's action runs.
    state : dict
        Latest results: ``figure``, ``table``, ``message``, ``predicted`` (the gates opened so
        far) and exercise-specific entries.
    """

    widget: w.Widget
    controls: dict[str, w.Widget]
    buttons: dict[str, w.Button]
    output: w.Output
    progress: w.FloatProgress
    state: dict[str, Any] = field(default_factory=dict)
    #: Sets each button's ``disabled`` from the state (the next step of the exercise).
    sync: Callable[[], None] = lambda: None
    _gates: list[tuple[str, _Gate, Callable[[], Any]]] = field(default_factory=list)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def say(self, message: str) -> None:
        """Show a message above the chart (escaped) and remember it."""
        self.state["message"] = message
        self.controls["message"].value = f"<b>{html.escape(message)}</b>" if message else ""

    def show(self, fig: Figure | None, *tables: pd.DataFrame, message: str = "") -> None:
        """Replace the output with a figure, tables and a message, and remember them."""
        self.state["figure"] = fig
        self.state["table"] = tables[0] if tables else None
        self.say(message)
        with self.output:
            clear_output(wait=True)
            if fig is not None:
                display(fig)
            for t in tables:
                display(t)

    def clear(self, message: str) -> None:
        """Remove the chart and tables (they no longer match the settings) and say why."""
        self.show(None, message=message)

    def fail(self, exc: PaceqiError) -> None:
        """Show a user mistake as a message, keeping the last chart."""
        self.say(str(exc))

    # -- predict first ------------------------------------------------------------------
    def open_gate(self, name: str = "prediction") -> None:
        """Record that ``name`` was predicted: fill every :func:`after_prediction` output."""
        self.state.setdefault("predicted", set()).add(name)
        for gate, out, fn in self._gates:
            if gate == name:
                _fill(out, fn)

    def is_open(self, name: str = "prediction") -> bool:
        """Whether the prediction ``name`` has been recorded."""
        return name in self.state.get("predicted", set())

    def gate(self, name: str, fn: Callable[[], Any]) -> w.Output:
        """Return an output showing ``fn()`` once ``name`` is predicted (a placeholder before)."""
        out = _Gate()
        self._gates.append((name, out, fn))
        if self.is_open(name):
            _fill(out, fn)
        else:
            with out:
                display(w.HTML(f"<i>{html.escape(WAITING)}</i>"))
        return out

    # -- feedback while working ----------------------------------------------------------
    @contextmanager
    def busy(self, message: str = "Working…") -> Iterator[Callable[[float], None]]:
        """Disable every button and show the progress bar while the body runs.

        Yields a function taking the share done (0 to 1) that moves the bar.
        """
        for b in self.buttons.values():
            b.disabled = True
        self.progress.value = 0.0
        self.progress.description = message
        self.progress.layout.display = None

        def step(done: float) -> None:
            self.progress.value = max(0.0, min(1.0, float(done)))

        try:
            yield step
        finally:
            self.progress.layout.display = "none"
            for b in self.buttons.values():
                b.disabled = False
            self.sync()


def _fill(out: _Gate, fn: Callable[[], Any]) -> None:
    out.shown = fn()
    with out:
        clear_output(wait=True)
        display(out.shown)


def after_prediction(
    ui: ExerciseUI | Figure, what: Any, *args: Any, when: str = "prediction", **kwargs: Any
) -> Any:
    """Show ``what`` (or ``what(*args, **kwargs)``) only once the prediction is recorded.

    Use it in notebook cells that would otherwise give the answer away on *Run All*. With a
    static exercise (``interactive=False``, e.g. a printed handout) the value is returned at
    once.

    Parameters
    ----------
    ui : ExerciseUI or matplotlib.figure.Figure
        What the exercise's builder returned.
    what : callable or object
        What to show (a table or a figure), or a function computing it, called only when the
        prediction is recorded.
    *args, **kwargs
        Arguments of ``what`` when it is a function.
    when : str
        Which prediction opens it (``"prediction"``; the red beads also have ``"keep_best"``
        and ``"change_system"``; the PDSA game ``"revealed"``).

    Returns
    -------
    ipywidgets.Output or object
        An output that fills in when the prediction is recorded, or the value itself.
    """

    def value() -> Any:
        return what(*args, **kwargs) if callable(what) else what

    if not isinstance(ui, ExerciseUI):
        return value()
    return ui.gate(when, value)


def _button(description: str, style: str = "", tooltip: str = "") -> w.Button:
    return w.Button(
        description=description,
        button_style=style,
        tooltip=tooltip or description,
        layout=w.Layout(**_FULL_TEXT),
    )


def _choice(options: Sequence[Any], description: str) -> w.ToggleButtons:
    return w.ToggleButtons(
        options=list(options),
        value=None,
        description=description,
        style={**_STYLE, "button_width": "auto"},
    )


def _ui(
    controls: dict[str, w.Widget],
    buttons: dict[str, w.Button],
    title: str,
    *,
    seed: int | None = None,
) -> ExerciseUI:
    message = w.HTML("")
    output = w.Output()
    progress = w.FloatProgress(
        value=0.0, min=0.0, max=1.0, description="Working…", style=_STYLE,
        layout=w.Layout(display="none"),
    )  # fmt: skip
    seed_text = f" <small>(seed {seed})</small>" if seed is not None else ""
    box = w.VBox(
        [
            w.HTML(f"<h4>{html.escape(title)}{seed_text}</h4>"),
            w.VBox(list(controls.values())),
            w.HBox(list(buttons.values()), layout=w.Layout(flex_flow="row wrap")),
            progress,
            message,
            output,
        ]
    )
    return ExerciseUI(
        widget=box,
        controls={**controls, "message": message},
        buttons=buttons,
        output=output,
        progress=progress,
    )


def _guard(ui: ExerciseUI, fn: Callable[[], None], *, busy: bool = True) -> Callable:
    def handler(_: Any = None) -> None:
        try:
            if busy:
                with ui.busy():
                    fn()
            else:
                fn()
        except PaceqiError as exc:
            ui.fail(exc)

    return handler


def _slider(cls: type, value: Any, lo: Any, hi: Any, step: Any, label: str) -> w.Widget:
    return cls(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=label,
        style=_STYLE,
        continuous_update=False,
    )


# ---------------------------------------------------------------------------------------------
# run chart rules explorer


def rules_explorer(
    seed: int = 2014,
    interactive: bool = True,
    *,
    rules: Sequence[str] = detection.RULE_SETS,
) -> ExerciseUI | Figure:
    """Generate a process, predict whether the chart will signal, then reveal each rule set.

    Parameters
    ----------
    seed : int
        Seed of the first process; "New process" moves to the next seed.
    interactive : bool
        False returns the static chart of the default process with every rule set revealed.
    rules : sequence of str
        Rule sets to compare.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    if not interactive:
        p = processes.generate_process(20, 12, shift=1.5, seed=seed)
        cmp = detection.compare_rule_sets(p, rules, freeze=20)
        return plots.rules_figure(cmp, true_change_x=int(p.shift_start or 0) + 1)
    controls = {
        "n_baseline": _slider(w.IntSlider, 20, 6, 40, 1, "baseline points"),
        "n_after": _slider(w.IntSlider, 12, 0, 30, 1, "points after"),
        "shift": _slider(w.FloatSlider, 1.5, -3.0, 3.0, 0.25, "shift (sd)"),
        "shift_at": _slider(w.IntSlider, 21, 1, 70, 1, "shift starts at point"),
        "trend": _slider(w.FloatSlider, 0.0, -0.5, 0.5, 0.05, "trend (sd per point)"),
        "noise": _slider(w.FloatSlider, 1.0, 0.25, 3.0, 0.25, "noise (sd)"),
        "prediction": _choice(["no signal", "signal"], "Your prediction"),
    }
    buttons = {
        "new": _button("New process"),
        "reveal": _button("Reveal the rules", "primary"),
    }
    ui = _ui(controls, buttons, "Run chart rules: predict, then reveal", seed=seed)
    ui.state["seed"] = seed

    def new() -> None:
        c = ui.controls
        n = c["n_baseline"].value + c["n_after"].value
        shift_at = min(max(c["shift_at"].value - 1, 0), n - 1)
        p = processes.generate_process(
            c["n_baseline"].value,
            c["n_after"].value,
            shift=c["shift"].value,
            shift_at=shift_at,
            trend=c["trend"].value,
            noise=c["noise"].value,
            seed=ui.state["seed"],
        )
        ui.state.update(process=p, revealed=False)
        c["prediction"].value = None
        ui.show(plots.process_figure(p.data), message="Will any rule signal? Predict first.")

    def reveal() -> None:
        if ui.controls["prediction"].value is None:
            raise PaceqiError("Make your prediction (signal / no signal) before revealing.")
        p = ui.state["process"]
        cmp = detection.compare_rule_sets(p, rules, freeze=ui.controls["n_baseline"].value)
        table = detection.reveal(p, cmp).merge(cmp.summary[["rules", "reasons"]], on="rules")
        ui.state.update(comparison=cmp, revealed=True)
        truth = None if p.shift_start is None else p.shift_start + 1
        ui.show(
            plots.rules_figure(cmp, true_change_x=truth),
            table,
            message=f"You predicted: {ui.controls['prediction'].value}.",
        )
        ui.open_gate()

    def next_process() -> None:
        ui.state["seed"] += 1
        ui.state["stale"] = False
        new()

    def follow_baseline(change: dict[str, Any]) -> None:
        # by default the change starts straight after the baseline; move it with the baseline
        ui.controls["shift_at"].value = change["new"] + 1

    def sync() -> None:
        ready = ui.controls["prediction"].value is not None and not ui.state.get("stale")
        ui.buttons["reveal"].disabled = not ready

    def stale(_: Any) -> None:
        if ui.state.get("revealed") or not ui.state.get("stale"):
            ui.clear("Settings changed: press New process to generate a process with them.")
            ui.state.update(revealed=False, stale=True)
            sync()

    ui.sync = sync
    controls["n_baseline"].observe(follow_baseline, names="value")
    controls["prediction"].observe(lambda _: sync(), names="value")
    for name in ("n_baseline", "n_after", "shift", "shift_at", "trend", "noise"):
        controls[name].observe(stale, names="value")
    buttons["new"].on_click(_guard(ui, next_process))
    buttons["reveal"].on_click(_guard(ui, reveal))
    new()
    sync()
    return ui


# ---------------------------------------------------------------------------------------------
# how many points

#: The question the groups answer before the simulation runs.
HOW_MANY_QUESTION = "With a longer baseline, false alarms will be"
HOW_MANY_OPTIONS = ("more frequent", "about as frequent", "less frequent")


def how_many_points(
    seed: int = 2014,
    interactive: bool = True,
    *,
    reps: int = 100,
    baselines: Sequence[int] = (8, 12, 20),
    shifts: Sequence[float] = (0.0, 1.0, 2.0, 3.0),
    rules: Sequence[str] = detection.RULE_SETS,
    rates: pd.DataFrame | None = None,
) -> ExerciseUI | Figure:
    """Show detection probability and false alarms against baseline length and shift size.

    The groups first predict whether a longer baseline gives more or fewer false alarms;
    *Simulate* is enabled once they have. Changing a setting clears the chart (it no longer
    matches the settings) until *Simulate* is pressed again.

    Parameters
    ----------
    seed : int
        Seed of the simulation.
    interactive : bool
        False returns the static chart for the given defaults.
    reps : int
        Simulated series per combination.
    baselines, shifts, rules : sequence
        The grid simulated (see :func:`paceqi.teach.detection.detection_rates`).
    rates : pandas.DataFrame, optional
        Rates already simulated (:func:`~paceqi.teach.detection.detection_rates`) for these
        settings: shown once the prediction is recorded instead of simulating again.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """

    def simulate(
        bs: Sequence[int], rs: Sequence[str], n: int, progress: Any = None
    ) -> pd.DataFrame:
        return detection.detection_rates(bs, shifts, rs, reps=n, seed=seed, progress=progress)

    if not interactive:
        return plots.detection_figure(simulate(baselines, rules, reps) if rates is None else rates)
    controls = {
        "baselines": w.SelectMultiple(
            options=[6, 8, 12, 16, 20, 30],
            value=tuple(baselines),
            description="baselines (points)",
            style=_STYLE,
        ),
        "rules": w.SelectMultiple(
            options=list(detection.RULE_SETS),
            value=tuple(rules),
            description="rule sets",
            style=_STYLE,
        ),
        "reps": _slider(w.IntSlider, reps, 20, 500, 20, "series per setting"),
        "prediction": _choice(HOW_MANY_OPTIONS, HOW_MANY_QUESTION),
    }
    buttons = {"run": _button("Simulate", "primary")}
    ui = _ui(controls, buttons, "How many points do you need?", seed=seed)
    given = {"rates": rates}

    def run() -> None:
        c = ui.controls
        if c["prediction"].value is None:
            raise PaceqiError(f"Record your prediction first: {HOW_MANY_QUESTION.lower()} …")
        if not c["baselines"].value or not c["rules"].value:
            raise PaceqiError("Choose at least one baseline length and one rule set.")
        with ui.busy("Simulating…") as step:
            rates = simulate(
                sorted(c["baselines"].value), list(c["rules"].value), c["reps"].value, step
            )
        ui.state["rates"] = rates
        ui.show(
            plots.detection_figure(rates),
            rates,
            message=f"You predicted: {HOW_MANY_QUESTION.lower()} {c['prediction'].value}.",
        )
        ui.open_gate()

    def sync() -> None:
        ui.buttons["run"].disabled = ui.controls["prediction"].value is None

    def predicted(change: dict[str, Any]) -> None:
        sync()
        if change["new"] is None:
            return
        if given["rates"] is not None:
            ui.state["rates"] = given["rates"]
            ui.show(
                plots.detection_figure(given["rates"]),
                given["rates"],
                message=f"You predicted: {HOW_MANY_QUESTION.lower()} {change['new']}.",
            )
            ui.open_gate()
        else:
            _guard(ui, run, busy=False)()

    def stale(_: Any) -> None:
        given["rates"] = None  # the precomputed rates no longer match
        if ui.state.get("figure") is not None:
            ui.clear("Settings changed: press Simulate to see the chart for them.")

    controls["prediction"].observe(predicted, names="value")
    for name in ("baselines", "rules", "reps"):
        controls[name].observe(stale, names="value")
    ui.sync = sync
    buttons["run"].on_click(_guard(ui, run, busy=False))
    sync()
    ui.show(None, message=f"First predict: {HOW_MANY_QUESTION.lower()} …?")
    return ui


# ---------------------------------------------------------------------------------------------
# red beads

#: The predictions asked before each management action.
KEEP_QUESTION = "After we keep the best workers, their share of red beads will"
SYSTEM_QUESTION = "With fewer red beads in the bowl, every worker's share will"
DIRECTIONS = ("fall", "stay about the same", "rise")


def red_bead_experiment(seed: int = 2014, interactive: bool = True) -> ExerciseUI | Figure:
    """Deming's red beads: run the experiment, keep the best workers, change the system.

    Before *Keep best, fire worst* and before *Change the system* the group records what it
    expects to happen; each button stays disabled until its prediction is recorded. The
    worker table ranks workers by their proportion of red beads.

    Parameters
    ----------
    seed : int
        Seed; each button press draws on from the same generator.
    interactive : bool
        False returns the static chart: 4 days, 4 days with the best 3 workers, 4 days with
        half the red beads.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    if not interactive:
        beads = red_beads.draw_beads(seed=seed)
        beads = red_beads.keep_best_fire_worst(beads, keep=3, seed=seed + 1)
        beads = red_beads.change_system(beads, red=400, seed=seed + 2)
        return plots.red_beads_figure(beads, red_beads.red_beads_spc(beads))
    controls = {
        "workers": _slider(w.IntSlider, red_beads.WORKERS, 2, 12, 1, "willing workers"),
        "days": _slider(w.IntSlider, 4, 1, 10, 1, "days"),
        "paddle": _slider(w.IntSlider, red_beads.PADDLE_HOLES, 10, 100, 5, "paddle holes"),
        "red_fraction": _slider(w.FloatSlider, 0.2, 0.05, 0.5, 0.05, "red fraction"),
        "keep": _slider(w.IntSlider, 3, 1, 12, 1, "workers to keep"),
        "predict_keep": _choice(DIRECTIONS, KEEP_QUESTION),
        "new_red_fraction": _slider(w.FloatSlider, 0.1, 0.0, 0.5, 0.05, "new red fraction"),
        "predict_system": _choice(DIRECTIONS, SYSTEM_QUESTION),
    }
    buttons = {
        "run": _button("Run the experiment", "primary"),
        "keep_best": _button("Keep best, fire worst"),
        "change_system": _button("Change the system"),
    }
    ui = _ui(controls, buttons, "The red bead experiment", seed=seed)
    ui.state["seed"] = seed

    def draw(beads: pd.DataFrame, message: str = "") -> None:
        ui.state["beads"] = beads
        ui.state["seed"] += 1
        result = red_beads.red_beads_spc(beads)
        ui.state["result"] = result
        ui.show(
            plots.red_beads_figure(beads, result),
            red_beads.period_summary(beads),
            red_beads.worker_summary(beads),
            message=message,
        )

    def enable() -> None:
        have = "beads" in ui.state
        ui.buttons["keep_best"].disabled = not have or ui.controls["predict_keep"].value is None
        ui.buttons["change_system"].disabled = (
            not have or ui.controls["predict_system"].value is None
        )

    def run() -> None:
        c = ui.controls
        red = round(_BOWL * c["red_fraction"].value)
        draw(
            red_beads.draw_beads(
                c["workers"].value,
                c["days"].value,
                paddle=c["paddle"].value,
                red=red,
                white=_BOWL - red,
                seed=ui.state["seed"],
            ),
            "Workers are ranked by their share of red beads. Who is the best worker?",
        )

    def need(prediction: str, question: str) -> pd.DataFrame:
        if "beads" not in ui.state:
            raise PaceqiError("Run the experiment first.")
        if ui.controls[prediction].value is None:
            raise PaceqiError(f"Record your prediction first: {question.lower()} …")
        return ui.state["beads"]

    def keep_best() -> None:
        beads = need("predict_keep", KEEP_QUESTION)
        keep = min(ui.controls["keep"].value, beads["worker"].nunique())
        draw(
            red_beads.keep_best_fire_worst(
                beads, keep=keep, days=ui.controls["days"].value, seed=ui.state["seed"]
            ),
            f"You predicted their share would {ui.controls['predict_keep'].value}.",
        )
        ui.open_gate("keep_best")

    def change() -> None:
        beads = need("predict_system", SYSTEM_QUESTION)
        red = round(_BOWL * ui.controls["new_red_fraction"].value)
        draw(
            red_beads.change_system(
                beads, red=red, days=ui.controls["days"].value, seed=ui.state["seed"]
            ),
            f"You predicted every worker's share would {ui.controls['predict_system'].value}.",
        )
        ui.open_gate("change_system")

    ui.sync = enable
    enable()
    controls["predict_keep"].observe(lambda _: enable(), names="value")
    controls["predict_system"].observe(lambda _: enable(), names="value")
    buttons["run"].on_click(_guard(ui, run))
    buttons["keep_best"].on_click(_guard(ui, keep_best))
    buttons["change_system"].on_click(_guard(ui, change))
    ui.say("Press Run the experiment: six willing workers, four days.")
    return ui


# ---------------------------------------------------------------------------------------------
# funnel

FUNNEL_QUESTION = "Which rule will keep the marbles closest to the target?"


def funnel_experiment(seed: int = 2014, interactive: bool = True) -> ExerciseUI | Figure:
    """Deming's funnel: predict the best rule, then drop marbles and compare the spread.

    Nothing is drawn until the group has chosen the rule it expects to keep the marbles
    closest to the target; *Drop marbles* is disabled until then.

    Parameters
    ----------
    seed : int
        Seed of the drops.
    interactive : bool
        False returns the static chart of 100 drops under each rule.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    if not interactive:
        return plots.funnel_figure(funnel.drop_marbles(100, seed=seed))
    controls = {
        "prediction": _choice([f"Rule {r}" for r in funnel.FUNNEL_RULES], FUNNEL_QUESTION),
        "drops": _slider(w.IntSlider, 100, 10, 1000, 10, "drops"),
        "rules": w.SelectMultiple(
            options=list(funnel.FUNNEL_RULES),
            value=tuple(funnel.FUNNEL_RULES),
            description="rules",
            style=_STYLE,
        ),
    }
    buttons = {"drop": _button("Drop marbles", "primary")}
    ui = _ui(controls, buttons, "The funnel experiment", seed=seed)
    ui.state["seed"] = seed

    def drop() -> None:
        c = ui.controls
        if c["prediction"].value is None:
            raise PaceqiError(f"Record your prediction first: {FUNNEL_QUESTION}")
        drops = funnel.drop_marbles(
            c["drops"].value, rules=list(c["rules"].value), seed=ui.state["seed"]
        )
        ui.state["drops"] = drops
        ui.state["seed"] += 1
        ui.show(
            plots.funnel_figure(drops),
            funnel.compare_rules(drops),
            message=f"You predicted: {c['prediction'].value}.",
        )
        ui.open_gate()

    def sync() -> None:
        ui.buttons["drop"].disabled = ui.controls["prediction"].value is None

    def predicted(change: dict[str, Any]) -> None:
        sync()
        if change["new"] is not None:
            ui.say("Prediction recorded. Press Drop marbles.")

    def stale(_: Any) -> None:
        if ui.state.get("figure") is not None:
            ui.clear("Settings changed: press Drop marbles to drop with them.")

    controls["prediction"].observe(predicted, names="value")
    controls["drops"].observe(stale, names="value")
    controls["rules"].observe(stale, names="value")
    ui.sync = sync
    sync()
    buttons["drop"].on_click(_guard(ui, drop))
    ui.say(f"First predict: {FUNNEL_QUESTION}")
    return ui


# ---------------------------------------------------------------------------------------------
# PDSA game


def pdsa_game(seed: int = 2014, interactive: bool = True) -> ExerciseUI | Figure:
    """Play the coin-spin PDSA game: plan a change with a prediction, reveal, then act.

    Only the button of the next step of the cycle is enabled (Plan, then Do/Study, then Act).

    Parameters
    ----------
    seed : int
        Seed of the hidden process.
    interactive : bool
        False plays :data:`DEFAULT_PDSA_ROUNDS` and returns the run chart.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    game = CoinSpinGame(seed=seed)
    if not interactive:
        play_rounds(game, DEFAULT_PDSA_ROUNDS)
        return plots.pdsa_figure(game.spins, game.annotations())
    controls = {
        "change": w.Dropdown(
            options=game.changes,
            description="change idea",
            style=_STYLE,
            layout=w.Layout(width="auto"),
        ),
        "prediction": w.Text(
            value="",
            placeholder="e.g. 6.5",
            description="your prediction (seconds)",
            style=_STYLE,
        ),
    }
    buttons = {
        "predict": _button("Plan: record prediction", "info"),
        "reveal": _button("Do/Study: reveal", "primary"),
        "adopt": _button("Act: adopt"),
        "abandon": _button("Act: abandon"),
    }
    ui = _ui(controls, buttons, "Coin-spin PDSA game", seed=seed)
    ui.state["game"] = game
    steps = {"plan": ("predict",), "reveal": ("reveal",), "act": ("adopt", "abandon")}

    def sync() -> None:
        for name, b in ui.buttons.items():
            b.disabled = name not in steps[game.stage]

    def refresh(message: str) -> None:
        ui.controls["change"].options = game.changes
        hint = {
            "plan": "choose a change idea, type your prediction and press Plan: record prediction",
            "reveal": "press Do/Study: reveal",
            "act": "adopt or abandon the change",
        }[game.stage]
        ui.show(
            plots.pdsa_figure(game.spins, game.annotations()),
            game.history,
            message=f"{message} Next: {hint}.",
        )

    def predict() -> None:
        text = ui.controls["prediction"].value.strip()
        try:
            value = float(text) if text else None
        except ValueError:
            raise PaceqiError(f"Prediction must be a number of seconds, got '{text}'.") from None
        game.predict(ui.controls["change"].value, value)
        refresh(f"Prediction recorded: {value} s.")

    def reveal() -> None:
        if game.stage != "reveal":
            raise PaceqiError(
                "Make a prediction before revealing the result: type your predicted mean spin "
                "time and press Plan: record prediction. Predicting before seeing the data is "
                "what makes a PDSA cycle a test."
            )
        out = game.reveal()
        refresh(f"Result: {out['result']} s (you predicted {out['prediction']} s).")
        ui.open_gate("revealed")

    def act(decision: str) -> Callable[[], None]:
        def do() -> None:
            game.act(decision)
            ui.controls["prediction"].value = ""
            refresh(f"Change {decision}ed.")

        return do

    ui.sync = sync
    buttons["predict"].on_click(_guard(ui, predict))
    buttons["reveal"].on_click(_guard(ui, reveal))
    buttons["adopt"].on_click(_guard(ui, act("adopt")))
    buttons["abandon"].on_click(_guard(ui, act("abandon")))
    refresh("Baseline: 10 spins before any change.")
    sync()
    return ui


# ---------------------------------------------------------------------------------------------
# permanence journey simulator

JOURNEY_QUESTION = "For the children looked after after the change, the balancing measures will"
JOURNEY_OPTIONS = ("get worse", "stay the same", "get better")


def _scenario_label(change: str | None) -> str:
    if change is None:
        return "no change"
    return str(journey_sim.CHANGE_IDEAS[change]["label"])


def journey_simulator(
    seed: int = 2014,
    interactive: bool = True,
    *,
    change: str | None = "two_week_meeting",
    n_children: int = 200,
) -> ExerciseUI | Figure:
    """Choose a change idea and see its effect on time to permanence and balancing measures.

    The balancing bars compare the *same children* (those looked after after the change
    date) without and with the change idea, so "no change" shows two equal bars. For each
    scenario the group first predicts what will happen to the balancing measures; once a
    scenario has a prediction, choosing it (or moving the slider) redraws at once.

    Parameters
    ----------
    seed : int
        Seed of the synthetic children (the same children under every change idea).
    interactive : bool
        False returns the static chart for ``change``.
    change : str or None
        Default change idea (one of ``journey_sim.CHANGE_IDEAS``; None = no change).
    n_children : int
        Children looked after over the two simulated years.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """

    def draw(name: str | None, n: int) -> tuple[Figure, journey_sim.JourneyResult, pd.DataFrame]:
        res = journey_sim.simulate_journeys(n, name, seed=seed)
        table = journey_sim.with_and_without(n, name, seed=seed)
        return plots.journey_figure(res.children, res.change_date, table), res, table

    if not interactive:
        return draw(change, n_children)[0]
    options = [("no change", None)] + [
        (str(spec["label"]), key) for key, spec in journey_sim.CHANGE_IDEAS.items()
    ]
    controls = {
        "change": w.Dropdown(
            options=options,
            value=change,
            description="change idea",
            style=_STYLE,
            layout=w.Layout(width="auto"),
        ),
        "prediction": _choice(JOURNEY_OPTIONS, JOURNEY_QUESTION),
        "n_children": _slider(w.IntSlider, n_children, 20, 600, 10, "children"),
    }
    ui = _ui(controls, {}, "Permanence journey simulator", seed=seed)
    ui.state["predictions"] = {}

    def run() -> None:
        name = ui.controls["change"].value
        fig, res, table = draw(name, ui.controls["n_children"].value)
        ui.state["result"] = res
        guess = ui.state["predictions"][name]
        ui.show(
            fig,
            table,
            message=f"{_scenario_label(name)}: you predicted the balancing measures would {guess}.",
        )
        ui.open_gate()

    def ask() -> None:
        name = ui.controls["change"].value
        ui.state["syncing"] = True
        try:
            ui.controls["prediction"].value = ui.state["predictions"].get(name)
        finally:
            ui.state["syncing"] = False
        if name in ui.state["predictions"]:
            _guard(ui, run)()
        else:
            ui.clear(f"{_scenario_label(name)}: {JOURNEY_QUESTION.lower()} …? Record your "
                     "prediction to see the result.")  # fmt: skip

    def predicted(change: dict[str, Any]) -> None:
        if change["new"] is None or ui.state.get("syncing"):
            return
        ui.state["predictions"][ui.controls["change"].value] = change["new"]
        _guard(ui, run)()

    def resized(_: Any) -> None:
        if ui.controls["change"].value in ui.state["predictions"]:
            _guard(ui, run)()

    controls["change"].observe(lambda _: ask(), names="value")
    controls["prediction"].observe(predicted, names="value")
    controls["n_children"].observe(resized, names="value")
    ask()
    return ui
