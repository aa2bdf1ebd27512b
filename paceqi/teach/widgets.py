"""ipywidgets UIs for the training notebooks, thin over the pure simulations.

Every builder takes ``interactive``. With ``interactive=True`` it returns an
:class:`ExerciseUI` (display it as the last expression of a cell); its callbacks call the
simulation functions and draw with :mod:`paceqi.teach.plots`. With ``interactive=False``
(papermill, HTML export: widget output vanishes from offline HTML, JUPYTER.md §5) it returns
the static default chart as a :class:`matplotlib.figure.Figure` instead.

The UIs keep their latest results in ``ui.state`` (``figure``, ``table``, ``message`` and
exercise-specific entries), so tests and trainers can drive them without a browser: set a
control's ``.value`` and call ``ui.buttons[name].click()``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
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


@dataclass
class ExerciseUI:
    """A built exercise: the widget tree plus handles for driving it.

    Attributes
    ----------
    widget : ipywidgets.Widget
        What the notebook displays.
    controls : dict
        Input widgets by name (sliders, dropdowns, text).
    buttons : dict
        Buttons by name.
    output : ipywidgets.Output
        Where charts and tables are drawn.
    state : dict
        Latest results: ``figure``, ``table``, ``message`` and exercise-specific entries.
    """

    widget: w.Widget
    controls: dict[str, w.Widget]
    buttons: dict[str, w.Button]
    output: w.Output
    state: dict[str, Any] = field(default_factory=dict)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def show(self, fig: Figure | None, *tables: pd.DataFrame, message: str = "") -> None:
        """Replace the output with a figure, tables and a message, and remember them."""
        self.state["figure"] = fig
        self.state["table"] = tables[0] if tables else None
        self.state["message"] = message
        self.controls["message"].value = f"<b>{html.escape(message)}</b>" if message else ""
        with self.output:
            clear_output(wait=True)
            if fig is not None:
                display(fig)
            for t in tables:
                display(t)

    def fail(self, exc: PaceqiError) -> None:
        """Show a user mistake as a message, keeping the last chart."""
        self.state["message"] = str(exc)
        self.controls["message"].value = f"<b>{html.escape(str(exc))}</b>"


def _ui(controls: dict[str, w.Widget], buttons: dict[str, w.Button], title: str) -> ExerciseUI:
    message = w.HTML("")
    output = w.Output()
    box = w.VBox(
        [
            w.HTML(f"<h4>{title}</h4>"),
            w.HBox([w.VBox(list(controls.values())), w.VBox(list(buttons.values()))]),
            message,
            output,
        ]
    )
    return ExerciseUI(
        widget=box, controls={**controls, "message": message}, buttons=buttons, output=output
    )


def _guard(ui: ExerciseUI, fn: Callable[[], None]) -> Callable[[Any], None]:
    def handler(_: Any = None) -> None:
        try:
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
        style={"description_width": "initial"},
        continuous_update=False,
    )


# ---------------------------------------------------------------------------------------------
# run chart rules explorer


def rules_explorer(
    seed: int = 2014,
    interactive: bool = True,
    *,
    rules: Sequence[str] = detection.RULE_SETS,
    analyse: Callable[..., Any] | None = None,
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
    analyse : callable, optional
        Analysis function (default ``paceqi.spc``).

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    if not interactive:
        p = processes.generate_process(20, 12, shift=1.5, seed=seed)
        cmp = detection.compare_rule_sets(p, rules, freeze=20, analyse=analyse)
        return plots.rules_figure(cmp, true_change_x=int(p.shift_start or 0) + 1)
    controls = {
        "n_baseline": _slider(w.IntSlider, 20, 6, 40, 1, "baseline points"),
        "n_after": _slider(w.IntSlider, 12, 0, 30, 1, "points after"),
        "shift": _slider(w.FloatSlider, 1.5, -3.0, 3.0, 0.25, "shift (sd)"),
        "shift_at": _slider(w.IntSlider, 21, 1, 70, 1, "shift starts at point"),
        "trend": _slider(w.FloatSlider, 0.0, -0.5, 0.5, 0.05, "trend (sd per point)"),
        "noise": _slider(w.FloatSlider, 1.0, 0.25, 3.0, 0.25, "noise (sd)"),
        "prediction": w.ToggleButtons(
            options=["no signal", "signal"], value=None, description="Your prediction"
        ),
    }
    buttons = {
        "new": w.Button(description="New process"),
        "reveal": w.Button(description="Reveal the rules", button_style="primary"),
    }
    ui = _ui(controls, buttons, "Run chart rules: predict, then reveal")
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
        cmp = detection.compare_rule_sets(
            p, rules, freeze=ui.controls["n_baseline"].value, analyse=analyse
        )
        table = detection.reveal(p, cmp).merge(cmp.summary[["rules", "reasons"]], on="rules")
        ui.state.update(comparison=cmp, revealed=True)
        truth = None if p.shift_start is None else p.shift_start + 1
        ui.show(
            plots.rules_figure(cmp, true_change_x=truth),
            table,
            message=f"You predicted: {ui.controls['prediction'].value}.",
        )

    def next_process() -> None:
        ui.state["seed"] += 1
        new()

    def follow_baseline(change: dict[str, Any]) -> None:
        # by default the change starts straight after the baseline; move it with the baseline
        ui.controls["shift_at"].value = change["new"] + 1

    controls["n_baseline"].observe(follow_baseline, names="value")
    buttons["new"].on_click(_guard(ui, next_process))
    buttons["reveal"].on_click(_guard(ui, reveal))
    new()
    return ui


# ---------------------------------------------------------------------------------------------
# how many points


def how_many_points(
    seed: int = 2014,
    interactive: bool = True,
    *,
    reps: int = 100,
    baselines: Sequence[int] = (8, 12, 20),
    shifts: Sequence[float] = (0.0, 1.0, 2.0, 3.0),
    rules: Sequence[str] = detection.RULE_SETS,
    rates: pd.DataFrame | None = None,
    analyse: Callable[..., Any] | None = None,
) -> ExerciseUI | Figure:
    """Show detection probability and false alarms against baseline length and shift size.

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
        Rates already simulated (:func:`~paceqi.teach.detection.detection_rates`): drawn at
        once instead of simulating again.
    analyse : callable, optional
        Analysis function (default ``paceqi.spc``).

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """

    def simulate(bs: Sequence[int], rs: Sequence[str], n: int) -> pd.DataFrame:
        return detection.detection_rates(bs, shifts, rs, reps=n, seed=seed, analyse=analyse)

    if not interactive:
        return plots.detection_figure(simulate(baselines, rules, reps) if rates is None else rates)
    controls = {
        "baselines": w.SelectMultiple(
            options=[6, 8, 12, 16, 20, 30], value=tuple(baselines), description="baselines"
        ),
        "rules": w.SelectMultiple(
            options=list(detection.RULE_SETS), value=tuple(rules), description="rule sets"
        ),
        "reps": _slider(w.IntSlider, reps, 20, 500, 20, "series per setting"),
    }
    buttons = {"run": w.Button(description="Simulate", button_style="primary")}
    ui = _ui(controls, buttons, "How many points do you need?")

    def run() -> None:
        c = ui.controls
        if not c["baselines"].value or not c["rules"].value:
            raise PaceqiError("Choose at least one baseline length and one rule set.")
        rates = simulate(sorted(c["baselines"].value), list(c["rules"].value), c["reps"].value)
        ui.state["rates"] = rates
        ui.show(plots.detection_figure(rates), rates)

    buttons["run"].on_click(_guard(ui, run))
    if rates is None:
        ui.show(None, message="Choose the settings, then Simulate (it takes a few seconds).")
    else:
        ui.state["rates"] = rates
        ui.show(plots.detection_figure(rates), rates)
    return ui


# ---------------------------------------------------------------------------------------------
# red beads


def red_bead_experiment(
    seed: int = 2014,
    interactive: bool = True,
    *,
    analyse: Callable[..., Any] | None = None,
) -> ExerciseUI | Figure:
    """Deming's red beads: run the experiment, keep the best workers, change the system.

    Parameters
    ----------
    seed : int
        Seed; each button press draws on from the same generator.
    interactive : bool
        False returns the static chart: 4 days, 4 days with the best 3 workers, 4 days with
        half the red beads.
    analyse : callable, optional
        Analysis function for the p chart (default ``paceqi.spc``).

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """
    if not interactive:
        beads = red_beads.draw_beads(seed=seed)
        beads = red_beads.keep_best_fire_worst(beads, keep=3, seed=seed + 1)
        beads = red_beads.change_system(beads, red=400, seed=seed + 2)
        return plots.red_beads_figure(beads, red_beads.red_beads_spc(beads, analyse=analyse))
    controls = {
        "workers": _slider(w.IntSlider, red_beads.WORKERS, 2, 12, 1, "willing workers"),
        "days": _slider(w.IntSlider, 4, 1, 10, 1, "days"),
        "paddle": _slider(w.IntSlider, red_beads.PADDLE_HOLES, 10, 100, 5, "paddle holes"),
        "red_fraction": _slider(w.FloatSlider, 0.2, 0.05, 0.5, 0.05, "red fraction"),
        "keep": _slider(w.IntSlider, 3, 1, 12, 1, "workers to keep"),
        "new_red_fraction": _slider(w.FloatSlider, 0.1, 0.0, 0.5, 0.05, "new red fraction"),
    }
    buttons = {
        "run": w.Button(description="Run the experiment", button_style="primary"),
        "keep_best": w.Button(description="Keep best, fire worst"),
        "change_system": w.Button(description="Change the system"),
    }
    ui = _ui(controls, buttons, "The red bead experiment")
    ui.state["seed"] = seed

    def draw(beads: pd.DataFrame) -> None:
        ui.state["beads"] = beads
        ui.state["seed"] += 1
        result = red_beads.red_beads_spc(beads, analyse=analyse)
        ui.state["result"] = result
        ui.show(
            plots.red_beads_figure(beads, result),
            red_beads.period_summary(beads),
            red_beads.worker_summary(beads),
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
            )
        )

    def need_beads() -> pd.DataFrame:
        if "beads" not in ui.state:
            raise PaceqiError("Run the experiment first.")
        return ui.state["beads"]

    def keep_best() -> None:
        beads = need_beads()
        keep = min(ui.controls["keep"].value, beads["worker"].nunique())
        draw(
            red_beads.keep_best_fire_worst(
                beads, keep=keep, days=ui.controls["days"].value, seed=ui.state["seed"]
            )
        )

    def change() -> None:
        red = round(_BOWL * ui.controls["new_red_fraction"].value)
        draw(
            red_beads.change_system(
                need_beads(), red=red, days=ui.controls["days"].value, seed=ui.state["seed"]
            )
        )

    buttons["run"].on_click(_guard(ui, run))
    buttons["keep_best"].on_click(_guard(ui, keep_best))
    buttons["change_system"].on_click(_guard(ui, change))
    return ui


# ---------------------------------------------------------------------------------------------
# funnel


def funnel_experiment(seed: int = 2014, interactive: bool = True) -> ExerciseUI | Figure:
    """Deming's funnel: drop marbles under the four rules and compare the spread.

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
        "drops": _slider(w.IntSlider, 100, 10, 1000, 10, "drops"),
        "rules": w.SelectMultiple(
            options=list(funnel.FUNNEL_RULES), value=tuple(funnel.FUNNEL_RULES), description="rules"
        ),
    }
    buttons = {"drop": w.Button(description="Drop marbles", button_style="primary")}
    ui = _ui(controls, buttons, "The funnel experiment")
    ui.state["seed"] = seed

    def drop() -> None:
        c = ui.controls
        drops = funnel.drop_marbles(
            c["drops"].value, rules=list(c["rules"].value), seed=ui.state["seed"]
        )
        ui.state["drops"] = drops
        ui.state["seed"] += 1
        ui.show(plots.funnel_figure(drops), funnel.compare_rules(drops))

    buttons["drop"].on_click(_guard(ui, drop))
    drop()
    return ui


# ---------------------------------------------------------------------------------------------
# PDSA game


def pdsa_game(seed: int = 2014, interactive: bool = True) -> ExerciseUI | Figure:
    """Play the coin-spin PDSA game: plan a change with a prediction, reveal, then act.

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
            options=game.changes, description="change idea", style={"description_width": "initial"}
        ),
        "prediction": w.Text(
            value="", placeholder="mean seconds, e.g. 6.5", description="prediction"
        ),
    }
    buttons = {
        "predict": w.Button(description="Plan: record prediction", button_style="info"),
        "reveal": w.Button(description="Do/Study: reveal", button_style="primary"),
        "adopt": w.Button(description="Act: adopt"),
        "abandon": w.Button(description="Act: abandon"),
    }
    ui = _ui(controls, buttons, "Coin-spin PDSA game")
    ui.state["game"] = game

    def refresh(message: str) -> None:
        ui.controls["change"].options = game.changes
        ui.show(
            plots.pdsa_figure(game.spins, game.annotations()),
            game.history,
            message=f"{message} Next step: {game.stage}.",
        )

    def predict() -> None:
        text = ui.controls["prediction"].value.strip()
        try:
            value = float(text) if text else None
        except ValueError:
            raise PaceqiError(f"Prediction must be a number of seconds, got '{text}'.") from None
        game.predict(ui.controls["change"].value, value)  # type: ignore[arg-type]
        refresh(f"Prediction recorded: {value} s.")

    def reveal() -> None:
        out = game.reveal()
        refresh(f"Result: {out['result']} s (you predicted {out['prediction']} s).")

    def act(decision: str) -> Callable[[], None]:
        def do() -> None:
            game.act(decision)
            ui.controls["prediction"].value = ""
            refresh(f"Change {decision}ed.")

        return do

    buttons["predict"].on_click(_guard(ui, predict))
    buttons["reveal"].on_click(_guard(ui, reveal))
    buttons["adopt"].on_click(_guard(ui, act("adopt")))
    buttons["abandon"].on_click(_guard(ui, act("abandon")))
    refresh("Baseline: 10 spins before any change.")
    return ui


# ---------------------------------------------------------------------------------------------
# permanence journey simulator


def journey_simulator(
    seed: int = 2014,
    interactive: bool = True,
    *,
    change: str = "two_week_meeting",
    n_children: int = 120,
) -> ExerciseUI | Figure:
    """Choose a change idea and see its effect on time to permanence and balancing measures.

    Parameters
    ----------
    seed : int
        Seed of the synthetic children (the same children under every change idea).
    interactive : bool
        False returns the static chart for ``change``.
    change : str
        Default change idea (one of ``journey_sim.CHANGE_IDEAS``).
    n_children : int
        Children looked after over the two simulated years.

    Returns
    -------
    ExerciseUI or matplotlib.figure.Figure
    """

    def figure(name: str | None, n: int) -> tuple[Figure, journey_sim.JourneyResult]:
        res = journey_sim.simulate_journeys(n, name, seed=seed)
        return plots.journey_figure(res.children, res.change_date), res

    if not interactive:
        return figure(change, n_children)[0]
    options = [("no change", None)] + [
        (str(spec["label"]), key) for key, spec in journey_sim.CHANGE_IDEAS.items()
    ]
    controls = {
        "change": w.Dropdown(
            options=options,
            value=change,
            description="change idea",
            style={"description_width": "initial"},
        ),
        "n_children": _slider(w.IntSlider, n_children, 20, 600, 10, "children"),
    }
    buttons = {"run": w.Button(description="Simulate", button_style="primary")}
    ui = _ui(controls, buttons, "Permanence journey simulator")

    def run() -> None:
        fig, res = figure(ui.controls["change"].value, ui.controls["n_children"].value)
        ui.state["result"] = res
        ui.show(fig, journey_sim.journey_summary(res.children))

    buttons["run"].on_click(_guard(ui, run))
    run()
    return ui
