"""Drive the training widgets from pytest: set .value, click(), assert on state and figures."""

import pytest
from matplotlib.figure import Figure
from teach_fakes import fake_spc

from paceqi.teach import widgets
from paceqi.teach.pdsa_game import CHANGE_IDEAS


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


# -- rules explorer -------------------------------------------------------------------------


def test_rules_explorer_static_is_a_figure_with_a_panel_per_rule_set():
    fig = widgets.rules_explorer(seed=3, interactive=False, analyse=fake_spc)
    assert isinstance(fig, Figure)
    assert [ax.get_title(loc="left").split(":")[0] for ax in fig.axes] == ["ihi", "anhoej", "mdc"]


def test_rules_explorer_requires_a_prediction_before_reveal():
    ui = widgets.rules_explorer(seed=3, analyse=fake_spc)
    assert ui.state["revealed"] is False
    assert "Predict first" in ui.state["message"]
    ui.buttons["reveal"].click()
    assert ui.state["revealed"] is False
    assert "Make your prediction" in ui.state["message"]
    ui.controls["prediction"].value = "signal"
    ui.buttons["reveal"].click()
    assert ui.state["revealed"] is True
    table = ui.state["table"]
    assert list(table["rules"]) == ["ihi", "anhoej", "mdc"]
    assert set(table["verdict"]) <= {"detected", "missed", "false alarm", "correctly quiet"}
    assert len(ui.state["figure"].axes) == 3


def test_rules_explorer_new_process_uses_the_sliders_and_resets_the_prediction():
    ui = widgets.rules_explorer(seed=3, analyse=fake_spc)
    ui.controls["n_baseline"].value = 10
    ui.controls["n_after"].value = 5
    ui.controls["shift"].value = 0.0
    ui.controls["prediction"].value = "no signal"
    ui.buttons["new"].click()
    assert ui.controls["shift_at"].value == 11  # follows the baseline
    p = ui.state["process"]
    assert len(p.data) == 15 and p.shift_start is None
    ui.controls["shift"].value = 2.0
    ui.buttons["new"].click()
    assert ui.state["process"].shift_start == 10  # first point after the baseline
    ui.controls["shift_at"].value = 4
    ui.buttons["new"].click()
    assert ui.state["process"].shift_start == 3
    assert ui.state["seed"] == 6  # one new seed per click
    assert ui.controls["prediction"].value is None


# -- how many points ------------------------------------------------------------------------


def test_how_many_points_static_and_interactive():
    fig = widgets.how_many_points(
        seed=1,
        interactive=False,
        reps=10,
        baselines=(8, 12),
        shifts=(0.0, 2.0),
        analyse=fake_spc,
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    rates = widgets.detection.detection_rates([8], [0.0], ["ihi"], reps=5, analyse=fake_spc)
    fig = widgets.how_many_points(interactive=False, rates=rates, analyse=None)
    assert len(fig.axes) == 1  # drawn from the given rates: no paceqi.spc needed
    ui = widgets.how_many_points(seed=1, reps=20, shifts=(0.0, 2.0), rates=rates)
    assert ui.state["rates"] is rates
    ui = widgets.how_many_points(seed=1, reps=20, shifts=(0.0, 2.0), analyse=fake_spc)
    ui.controls["baselines"].value = ()
    ui.buttons["run"].click()
    assert "at least one baseline" in ui.state["message"]
    ui.controls["baselines"].value = (12,)
    ui.controls["rules"].value = ("ihi", "mdc")
    ui.controls["reps"].value = 20
    ui.buttons["run"].click()
    rates = ui.state["rates"]
    assert set(rates["rules"]) == {"ihi", "mdc"} and set(rates["baseline"]) == {12}
    assert (rates["reps"] == 20).all()


# -- red beads ------------------------------------------------------------------------------


def test_red_beads_static_shows_three_periods_and_p_limits():
    fig = widgets.red_bead_experiment(seed=1, interactive=False, analyse=fake_spc)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) >= 4  # the proportions, cl, lcl, ucl (+ period lines)
    texts = [t.get_text() for t in ax.texts]
    assert "kept best workers" in texts and "changed the system" in texts


def test_red_beads_buttons():
    ui = widgets.red_bead_experiment(seed=1, analyse=fake_spc)
    ui.buttons["keep_best"].click()
    assert ui.state["message"] == "Run the experiment first."
    ui.controls["workers"].value = 4
    ui.controls["days"].value = 3
    ui.buttons["run"].click()
    assert len(ui.state["beads"]) == 12
    ui.controls["keep"].value = 2
    ui.buttons["keep_best"].click()
    beads = ui.state["beads"]
    assert beads.loc[beads["period"] == "kept best workers", "worker"].nunique() == 2
    ui.controls["new_red_fraction"].value = 0.05
    ui.buttons["change_system"].click()
    beads = ui.state["beads"]
    assert beads["bowl_red"].iloc[-1] == 200
    pts = ui.state["result"].points
    assert pts["cl"].iloc[-1] < pts["cl"].iloc[0]  # a new phase for the new system
    assert list(ui.state["table"]["period"]) == [
        "baseline",
        "kept best workers",
        "changed the system",
    ]


# -- funnel ---------------------------------------------------------------------------------


def test_funnel_static_and_buttons():
    fig = widgets.funnel_experiment(seed=1, interactive=False)
    assert len(_visible_axes(fig)) == 4
    ui = widgets.funnel_experiment(seed=1)
    assert len(ui.state["drops"]) == 400
    ui.controls["drops"].value = 50
    ui.controls["rules"].value = (1, 2)
    ui.buttons["drop"].click()
    assert set(ui.state["drops"]["rule"]) == {1, 2} and len(ui.state["drops"]) == 100
    assert list(ui.state["table"]["rule"]) == [1, 2]
    assert len(_visible_axes(ui.state["figure"])) == 2


# -- PDSA game ------------------------------------------------------------------------------


def test_pdsa_game_static_has_cycle_annotations():
    fig = widgets.pdsa_game(seed=1, interactive=False)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels[0] == "PDSA 1: spin on a hard, smooth table"
    assert len(labels) == len(widgets.DEFAULT_PDSA_ROUNDS)


def test_pdsa_game_buttons_enforce_the_cycle():
    ui = widgets.pdsa_game(seed=1)
    game = ui.state["game"]
    ui.buttons["reveal"].click()
    assert "Make a prediction before revealing" in ui.state["message"]
    ui.controls["change"].value = "use a larger, heavier coin"
    ui.controls["prediction"].value = "<i>six</i>"
    ui.buttons["predict"].click()
    assert "must be a number" in ui.state["message"]
    assert "&lt;i&gt;six&lt;/i&gt;" in ui.controls["message"].value  # user text is escaped
    ui.controls["prediction"].value = ""
    ui.buttons["predict"].click()
    assert "Record a prediction" in ui.state["message"]
    ui.controls["prediction"].value = "6.2"
    ui.buttons["predict"].click()
    assert game.stage == "reveal"
    ui.buttons["reveal"].click()
    assert "you predicted 6.2 s" in ui.state["message"]
    ui.buttons["adopt"].click()
    assert game.adopted == ("use a larger, heavier coin",)
    assert "use a larger, heavier coin" not in ui.controls["change"].options
    assert len(ui.controls["change"].options) == len(CHANGE_IDEAS) - 1
    hist = ui.state["table"]
    assert hist[["prediction", "decision"]].values.tolist() == [[6.2, "adopt"]]
    assert ui.controls["prediction"].value == ""
    assert [t.get_text() for t in ui.state["figure"].axes[0].texts] == [
        "PDSA 1: use a larger, heavier coin"
    ]


# -- journey simulator ----------------------------------------------------------------------


def test_journey_simulator_static_and_dropdown():
    fig = widgets.journey_simulator(seed=1, interactive=False, n_children=60)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ui = widgets.journey_simulator(seed=1, n_children=60)
    assert ui.state["result"].change == "two_week_meeting"
    ui.controls["change"].value = "more_panel_dates"
    ui.controls["n_children"].value = 40
    ui.buttons["run"].click()
    res = ui.state["result"]
    assert res.change == "more_panel_dates" and len(res.children) == 40
    assert list(ui.state["table"]["period"]) == ["before", "after"]
    ui.controls["change"].value = None
    ui.buttons["run"].click()
    assert ui.state["result"].change is None


def test_ui_displays_as_its_widget():
    ui = widgets.funnel_experiment(seed=1)
    bundle = ui._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize("builder", [widgets.funnel_experiment, widgets.pdsa_game])
def test_no_global_random_state_is_used(builder):
    import numpy as np

    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    builder(seed=1, interactive=False)
    assert np.random.random() == before
