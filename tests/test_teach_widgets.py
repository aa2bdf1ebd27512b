"""Drive the training widgets from pytest: set .value, click(), assert on what they show.

One test per exercise asserts its teaching point on a fixed seed (what the facilitator notes
in docs/training.md say the group will see); others check predict-first (nothing that answers
the exercise before the prediction), feedback while working and stale charts.
"""

import ipywidgets as w
import pytest
from matplotlib.figure import Figure

from paceqi.teach import widgets
from paceqi.teach.pdsa_game import CHANGE_IDEAS

SEED = 2014  # the notebooks' default


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def _all_widgets(root):
    out = [root]
    for child in getattr(root, "children", ()):
        out += _all_widgets(child)
    return out


def _gate_text(out):
    """What an after_prediction output currently shows (placeholder text or the answer)."""
    return [str(out.shown)]


# -- every exercise -------------------------------------------------------------------------

BUILDERS = {
    "rules_explorer": lambda: widgets.rules_explorer(seed=SEED),
    "how_many_points": lambda: widgets.how_many_points(seed=SEED, reps=20),
    "red_bead_experiment": lambda: widgets.red_bead_experiment(seed=SEED),
    "funnel_experiment": lambda: widgets.funnel_experiment(seed=SEED),
    "pdsa_game": lambda: widgets.pdsa_game(seed=SEED),
    "journey_simulator": lambda: widgets.journey_simulator(seed=SEED, n_children=60),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_buttons_and_labels_take_their_full_text(name):
    ui = BUILDERS[name]()
    for b in ui.buttons.values():
        assert b.layout.width == "auto" and b.layout.min_width == "max-content", b.description
    for widget in _all_widgets(ui.widget):
        if isinstance(widget, w.ToggleButtons):
            assert widget.style.button_width == "auto"
        if getattr(widget, "description", "") and not isinstance(widget, w.Button):
            assert widget.style.description_width == "initial", widget.description
    assert f"seed {SEED}" in ui.widget.children[0].value  # the seed is on screen


@pytest.mark.parametrize("name", [n for n in BUILDERS if n != "pdsa_game"])
def test_nothing_answers_the_exercise_before_the_prediction(name):
    ui = BUILDERS[name]()
    gate = widgets.after_prediction(ui, lambda: "THE ANSWER")
    assert not any("THE ANSWER" in t for t in _gate_text(gate))
    if name == "rules_explorer":  # the process is shown (it is what they predict about)
        assert ui.state["revealed"] is False and ui.buttons["reveal"].disabled
    elif name == "red_bead_experiment":
        assert ui.buttons["keep_best"].disabled and ui.buttons["change_system"].disabled
    else:
        assert ui.state.get("figure") is None and ui.state.get("table") is None
        for b in ui.buttons.values():
            assert b.disabled, b.description


def test_after_prediction_returns_the_value_for_a_static_exercise():
    fig = widgets.funnel_experiment(seed=1, interactive=False)
    assert widgets.after_prediction(fig, lambda x: x + 1, 1) == 2


def test_busy_disables_every_button_and_shows_progress():
    ui = widgets.funnel_experiment(seed=1)
    ui.controls["prediction"].value = "Rule 1"
    seen = []
    with ui.busy("Simulating…") as step:
        step(0.5)
        disabled = [b.disabled for b in ui.buttons.values()]
        seen.append((disabled, ui.progress.layout.display, ui.progress.value))
    assert seen == [([True], None, 0.5)]
    assert ui.progress.layout.display == "none"
    assert not ui.buttons["drop"].disabled  # back to what the exercise allows


# -- run chart rules explorer -----------------------------------------------------------------


def test_rules_explorer_static_is_a_figure_with_a_panel_per_rule_set():
    fig = widgets.rules_explorer(seed=3, interactive=False)
    assert isinstance(fig, Figure)
    assert [ax.get_title(loc="left").split(":")[0] for ax in fig.axes] == ["ihi", "anhoej", "mdc"]


def test_rules_explorer_teaching_point_the_reveal_shows_the_truth_beside_each_rule_set():
    # the notes: "the dashed line is the true change point; which rule set fired first?" -
    # on the default process (a 1.5 sd shift after 20 points) each verdict is judged against it
    ui = widgets.rules_explorer(seed=SEED)
    gate = widgets.after_prediction(ui, lambda: "ANSWER")
    assert "Predict first" in ui.state["message"]
    ui.buttons["reveal"].click()  # a click on a disabled button does nothing useful
    assert ui.state["revealed"] is False and "Make your prediction" in ui.state["message"]
    ui.controls["prediction"].value = "signal"
    assert not ui.buttons["reveal"].disabled
    ui.buttons["reveal"].click()
    assert ui.state["revealed"] is True
    table = ui.state["table"]
    assert list(table["rules"]) == ["ihi", "anhoej", "mdc"]
    assert (table["true_change_x"] == 21).all()
    assert set(table["verdict"]) == {"detected"}  # a 1.5 sd shift over 12 points is found
    assert (table["first_signal_x"] == 21).all()  # the run starts at the true change
    assert table["reasons"].str.contains("run above the").all()
    axes = ui.state["figure"].axes
    assert all(any(line.get_linestyle() == "--" for line in ax.lines) for ax in axes)
    assert any("ANSWER" in t for t in _gate_text(gate))


def test_rules_explorer_new_process_uses_the_sliders_and_marks_the_reveal_stale():
    ui = widgets.rules_explorer(seed=3)
    ui.controls["prediction"].value = "signal"
    ui.buttons["reveal"].click()
    ui.controls["n_baseline"].value = 10  # the revealed chart no longer matches: cleared
    assert ui.state["figure"] is None and "Settings changed" in ui.state["message"]
    assert ui.buttons["reveal"].disabled
    ui.controls["n_after"].value = 5
    ui.controls["shift"].value = 0.0
    ui.buttons["new"].click()
    assert ui.controls["shift_at"].value == 11  # follows the baseline
    p = ui.state["process"]
    assert len(p.data) == 15 and p.shift_start is None
    assert ui.controls["prediction"].value is None and ui.buttons["reveal"].disabled
    ui.controls["shift"].value = 2.0
    ui.buttons["new"].click()
    assert ui.state["process"].shift_start == 10  # first point after the baseline
    assert ui.state["seed"] == 5  # one new seed per click


# -- how many points ------------------------------------------------------------------------


def test_how_many_points_teaching_point_short_baselines_cry_wolf_small_shifts_hide():
    ui = widgets.how_many_points(seed=SEED, reps=200, shifts=(0.0, 1.0, 2.0))
    assert ui.buttons["run"].disabled and ui.state["figure"] is None
    ui.controls["prediction"].value = "less frequent"  # recording it runs the simulation
    rates = ui.state["rates"].set_index(["rules", "baseline", "shift"])["signal_rate"]
    for r in ("ihi", "anhoej"):  # run charts: a short baseline's median is a shaky yardstick
        assert rates[(r, 8, 0.0)] > rates[(r, 20, 0.0)], r
    false_alarms = rates.xs(0.0, level="shift").groupby(level="baseline").mean()
    assert false_alarms[8] > false_alarms[20]  # shorter baseline: more alarms overall
    for r in ("ihi", "anhoej", "mdc"):
        assert rates[(r, 20, 1.0)] < rates[(r, 20, 2.0)], r  # small shifts: found less often
    assert rates[("mdc", 20, 1.0)] < 0.8  # a 1-sd shift is often missed in 12 points
    assert "You predicted" in ui.state["message"]
    assert ui.progress.value == 1.0 and ui.progress.layout.display == "none"


def test_how_many_points_clears_the_old_chart_when_a_setting_changes():
    ui = widgets.how_many_points(seed=1, reps=20, shifts=(0.0, 2.0))
    ui.controls["prediction"].value = "more frequent"
    assert ui.state["figure"] is not None
    ui.controls["reps"].value = 40
    assert ui.state["figure"] is None and "press Simulate" in ui.state["message"]
    ui.controls["baselines"].value = ()
    ui.buttons["run"].click()
    assert "at least one baseline" in ui.state["message"]
    ui.controls["baselines"].value = (12,)
    ui.controls["rules"].value = ("ihi", "mdc")
    ui.buttons["run"].click()
    rates = ui.state["rates"]
    assert set(rates["rules"]) == {"ihi", "mdc"} and set(rates["baseline"]) == {12}
    assert (rates["reps"] == 40).all()


def test_how_many_points_static_and_precomputed_rates():
    fig = widgets.how_many_points(
        seed=1, interactive=False, reps=10, baselines=(8, 12), shifts=(0.0, 2.0)
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    rates = widgets.detection.detection_rates([8], [0.0], ["ihi"], reps=5)
    assert len(widgets.how_many_points(interactive=False, rates=rates).axes) == 1
    ui = widgets.how_many_points(seed=1, reps=20, rates=rates)
    assert "rates" not in ui.state  # not before the prediction
    ui.controls["prediction"].value = "about as frequent"
    assert ui.state["rates"] is rates


# -- red beads ------------------------------------------------------------------------------


def test_red_beads_static_shows_three_periods_and_p_limits():
    fig = widgets.red_bead_experiment(seed=1, interactive=False)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) >= 4  # the proportions, cl, lcl, ucl (+ period lines)
    texts = [t.get_text() for t in ax.texts]
    assert "kept best workers" in texts and "changed the system" in texts


def test_red_beads_teaching_point_the_best_workers_were_lucky_and_only_the_system_matters():
    ui = widgets.red_bead_experiment(seed=SEED)
    keep_gate = widgets.after_prediction(ui, lambda: "KEPT", when="keep_best")
    ui.buttons["keep_best"].click()
    assert ui.state["message"] == "Run the experiment first."
    ui.buttons["run"].click()
    baseline = ui.state["beads"]
    assert ui.buttons["keep_best"].disabled  # no prediction yet
    ui.controls["predict_keep"].value = "fall"
    ui.buttons["keep_best"].click()
    assert any("KEPT" in t for t in _gate_text(keep_gate))
    beads = ui.state["beads"]
    kept = beads.loc[beads["period"] == "kept best workers", "worker"].unique()
    assert len(kept) == 3
    # the ranking is by proportion red; the kept workers dipped twice as often
    ranking = ui.state["table"]  # show(): period summary first
    workers = widgets.red_beads.worker_summary(beads)
    assert workers["proportion"].is_monotonic_increasing
    # regression to the mean: the best three do worse once kept, close to the system's 20 %
    before = baseline.loc[baseline["worker"].isin(kept), "red"].sum() / (50 * 4 * 3)
    after = beads.loc[beads["period"] == "kept best workers"]
    after_p = after["red"].sum() / after["paddle"].sum()
    assert after_p > before and abs(after_p - 0.2) < 0.05
    # every dip inside the p chart limits: common-cause variation
    pts = ui.state["result"].points
    assert not pts["sigma_signal"].any()
    # changing the system is the lever: a new phase with a lower centre line
    ui.controls["predict_system"].value = "fall"
    ui.buttons["change_system"].click()
    pts = ui.state["result"].points
    assert pts["cl"].iloc[-1] < pts["cl"].iloc[0] / 1.5
    assert list(ui.state["table"]["period"]) == [
        "baseline",
        "kept best workers",
        "changed the system",
    ]
    assert ranking is not None


# -- funnel ---------------------------------------------------------------------------------


def test_funnel_teaching_point_tampering_makes_it_worse():
    ui = widgets.funnel_experiment(seed=SEED)
    assert ui.buttons["drop"].disabled and ui.state.get("drops") is None
    ui.controls["prediction"].value = "Rule 2"
    ui.controls["drops"].value = 1000
    ui.buttons["drop"].click()
    table = ui.state["table"].set_index("rule")
    assert table["variance"].idxmin() == 1  # leaving the funnel alone is best
    assert 1.6 < table.loc[2, "variance_ratio"] < 2.4  # rule 2 doubles the variance
    # rules 3 and 4 drift or oscillate further and further: far more spread than rule 1
    assert table.loc[3, "variance_ratio"] > 10 and table.loc[4, "variance_ratio"] > 10
    assert "You predicted: Rule 2" in ui.state["message"]
    ui.controls["rules"].value = (1, 2)
    assert ui.state["figure"] is None  # stale chart cleared
    ui.buttons["drop"].click()
    assert len(_visible_axes(ui.state["figure"])) == 2


def test_funnel_static():
    assert len(_visible_axes(widgets.funnel_experiment(seed=1, interactive=False))) == 4


# -- PDSA game ------------------------------------------------------------------------------


def test_pdsa_game_static_has_cycle_annotations():
    fig = widgets.pdsa_game(seed=1, interactive=False)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels[0] == "PDSA 1: spin on a hard, smooth table"
    assert len(labels) == len(widgets.DEFAULT_PDSA_ROUNDS)


def test_pdsa_game_teaching_point_predict_then_study_then_act():
    ui = widgets.pdsa_game(seed=SEED)
    game = ui.state["game"]
    gate = widgets.after_prediction(ui, lambda: "SCRIPT", when="revealed")
    enabled = {n for n, b in ui.buttons.items() if not b.disabled}
    assert enabled == {"predict"}  # Plan first
    ui.buttons["reveal"].click()
    message = ui.state["message"]
    assert "Make a prediction before revealing" in message
    assert "predict(" not in message and "call" not in message  # words for widget users
    assert "Plan: record prediction" in message
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
    assert {n for n, b in ui.buttons.items() if not b.disabled} == {"reveal"}
    assert not any("SCRIPT" in t for t in _gate_text(gate))
    ui.buttons["reveal"].click()
    assert "you predicted 6.2 s" in ui.state["message"]
    assert any("SCRIPT" in t for t in _gate_text(gate))
    assert {n for n, b in ui.buttons.items() if not b.disabled} == {"adopt", "abandon"}
    ui.buttons["adopt"].click()
    assert game.adopted == ("use a larger, heavier coin",)
    assert "use a larger, heavier coin" not in ui.controls["change"].options
    assert len(ui.controls["change"].options) == len(CHANGE_IDEAS) - 1
    hist = ui.state["table"]
    assert hist[["prediction", "decision"]].values.tolist() == [[6.2, "adopt"]]
    # a helpful change: the spins moved up from the baseline
    assert hist["result"].iloc[0] > game.spins.query("round == 0")["seconds"].mean()
    assert ui.controls["prediction"].value == ""
    assert [t.get_text() for t in ui.state["figure"].axes[0].texts] == [
        "PDSA 1: use a larger, heavier coin"
    ]


# -- journey simulator ----------------------------------------------------------------------


def _balancing(ui):
    return ui.state["table"].set_index("scenario")


def test_journey_teaching_point_more_panel_dates_raise_deferrals_for_the_same_children():
    ui = widgets.journey_simulator(seed=SEED, change="more_panel_dates")
    assert ui.state["figure"] is None and "Record your prediction" in ui.state["message"]
    ui.controls["prediction"].value = "get worse"
    t = _balancing(ui)
    assert t.loc["with the change", "pct_deferred"] > t.loc["without the change", "pct_deferred"]
    assert t.loc["with the change", "children"] == t.loc["without the change", "children"]
    # the chart's bars are exactly these numbers, same children
    bars = ui.state["figure"].axes[1].containers
    heights = [[round(p.get_height(), 6) for p in c] for c in bars]
    assert heights == [
        [round(t.loc[s, "pct_reversed"], 6), round(t.loc[s, "pct_deferred"], 6)]
        for s in ("without the change", "with the change")
    ]


def test_journey_no_change_shows_no_spurious_drop():
    ui = widgets.journey_simulator(seed=SEED, change=None)
    ui.controls["prediction"].value = "stay the same"
    t = _balancing(ui)
    assert t.loc["with the change"].equals(t.loc["without the change"])


def test_journey_two_week_meeting_improves_the_outcome_and_reversals_rise():
    ui = widgets.journey_simulator(seed=SEED)  # the notebook's 200 children
    ui.controls["prediction"].value = "get worse"
    t = _balancing(ui)
    new, old = t.loc["with the change"], t.loc["without the change"]
    assert new["median_days_to_recommendation"] < old["median_days_to_recommendation"]
    assert new["pct_recommended_in_target"] > old["pct_recommended_in_target"]
    assert new["pct_reversed"] > old["pct_reversed"]


def test_journey_choosing_a_scenario_asks_then_updates_at_once():
    ui = widgets.journey_simulator(seed=SEED, n_children=60)
    ui.controls["prediction"].value = "get worse"
    assert ui.state["result"].change == "two_week_meeting"
    ui.controls["change"].value = "faster_legal_opinions"  # new scenario: predict first
    assert ui.state["figure"] is None and ui.controls["prediction"].value is None
    assert "Faster legal opinions" in ui.state["message"]
    ui.controls["prediction"].value = "stay the same"
    assert ui.state["result"].change == "faster_legal_opinions"
    ui.controls["change"].value = "two_week_meeting"  # already predicted: redrawn at once
    assert ui.state["result"].change == "two_week_meeting"
    assert ui.controls["prediction"].value == "get worse"
    ui.controls["n_children"].value = 40
    assert len(ui.state["result"].children) == 40


def test_journey_static():
    fig = widgets.journey_simulator(seed=1, interactive=False, n_children=60)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
