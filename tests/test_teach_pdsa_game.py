import pandas as pd
import pytest

from paceqi.errors import OptionsError, PaceqiError
from paceqi.teach.pdsa_game import CHANGE_IDEAS, CoinSpinGame, PDSAGameError


def test_reveal_without_prediction_is_a_clear_error():
    game = CoinSpinGame(seed=1)
    with pytest.raises(PDSAGameError, match="Make a prediction before revealing"):
        game.reveal()
    assert issubclass(PDSAGameError, PaceqiError)


def test_cycle_must_be_acted_on_before_the_next_plan():
    game = CoinSpinGame(seed=1)
    game.predict("use a larger, heavier coin", 6.0)
    with pytest.raises(PDSAGameError, match="Reveal the result"):
        game.predict("spin on the tablecloth", 4.0)
    game.reveal()
    assert game.stage == "act"
    with pytest.raises(PDSAGameError, match="Act on cycle 1 first"):
        game.predict("spin on the tablecloth", 4.0)
    game.act("abandon")
    assert game.stage == "plan"
    with pytest.raises(PDSAGameError, match="no revealed cycle"):
        game.act("adopt")


def test_prediction_must_be_given_and_in_range():
    game = CoinSpinGame(seed=1)
    with pytest.raises(PDSAGameError, match="Record a prediction"):
        game.predict("use a larger, heavier coin", None)
    with pytest.raises(OptionsError, match="prediction must be at most 60"):
        game.predict("use a larger, heavier coin", 100)
    with pytest.raises(OptionsError, match="Unknown change idea 'juggle'"):
        game.predict("juggle", 5)
    with pytest.raises(OptionsError, match="Unknown decision 'maybe'"):
        game.act("maybe")


def test_history_records_prediction_result_and_decision():
    game = CoinSpinGame(seed=3)
    game.predict("spin on a hard, smooth table", 6.5)
    out = game.reveal()
    game.act("adopt")
    game.predict("say a lucky word before spinning", 7.0)
    game.reveal()
    game.act("abandon")
    h = game.history
    assert h.columns.tolist() == [
        "round",
        "date",
        "change",
        "prediction",
        "result",
        "difference",
        "decision",
        "adopted_after",
    ]
    assert h["round"].tolist() == [1, 2]
    assert h["prediction"].tolist() == [6.5, 7.0]
    assert h["result"].iloc[0] == out["result"]
    assert h["decision"].tolist() == ["adopt", "abandon"]
    assert h["adopted_after"].iloc[1] == "spin on a hard, smooth table"
    assert game.adopted == ("spin on a hard, smooth table",)
    assert "spin on a hard, smooth table" not in game.changes
    with pytest.raises(OptionsError, match="Unknown change idea"):
        game.predict("spin on a hard, smooth table", 5)


def test_same_seed_same_results_and_round_results_independent_of_history():
    def play(seed, first):
        g = CoinSpinGame(seed=seed)
        g.predict(first, 5)
        g.reveal()
        g.act("abandon")
        g.predict("use a larger, heavier coin", 5)
        return g.reveal()["spins"]

    assert play(5, "let a different person spin") == play(5, "let a different person spin")
    # an abandoned change leaves no trace in the process: round 2 sees the same spins
    assert play(5, "let a different person spin") == play(5, "say a lucky word before spinning")


def test_helpful_changes_help_and_harmful_ones_harm_on_average():
    gains = {name: [] for name in CHANGE_IDEAS}
    for seed in range(60):
        for name in CHANGE_IDEAS:
            g = CoinSpinGame(seed=seed, spins_per_round=5)
            base = g.spins["seconds"].mean()
            g.predict(name, 5)
            gains[name].append(g.reveal()["result"] - base)
    mean_gain = {k: sum(v) / len(v) for k, v in gains.items()}
    assert mean_gain["spin on a hard, smooth table"] > 1.0
    assert mean_gain["spin on the tablecloth"] < -1.0
    assert abs(mean_gain["say a lucky word before spinning"]) < 0.35


def test_adopted_changes_stay_in_the_process():
    g = CoinSpinGame(seed=8, spins_per_round=40)
    g.predict("spin on a hard, smooth table", 6)
    first = g.reveal()["result"]
    g.act("adopt")
    g.predict("let a different person spin", 6)
    second = g.reveal()["result"]
    assert abs(second - first) < 0.6 and second > 5.8


def test_spins_and_annotations_for_the_run_chart():
    g = CoinSpinGame(seed=2, spins_per_round=4, baseline_spins=6, start="2026-03-02")
    g.predict("use a larger, heavier coin", 6)
    g.reveal()
    g.act("adopt")
    g.predict("spin on the tablecloth", 4)
    g.reveal()
    spins = g.spins
    assert spins["x"].tolist() == list(range(1, 15))
    assert spins["round"].tolist() == [0] * 6 + [1] * 4 + [2] * 4
    ann = g.annotations()
    assert ann["x"].tolist() == [7, 11]
    assert ann["date"].tolist() == [pd.Timestamp("2026-03-09"), pd.Timestamp("2026-03-16")]
    assert ann["label"].iloc[0] == "PDSA 1: use a larger, heavier coin"
    assert ann["decision"].tolist() == ["adopt", None]


def test_bad_construction_arguments():
    with pytest.raises(OptionsError, match="start must be an ISO date"):
        CoinSpinGame(seed=1, start="next week")
    with pytest.raises(OptionsError, match="spins_per_round must be at least 1"):
        CoinSpinGame(seed=1, spins_per_round=0)
