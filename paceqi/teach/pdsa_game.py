"""A coin-spin PDSA game: predict, test a change, study the result, then act.

A hidden process gives the time (seconds) a coin spins. Each PDSA cycle the learner picks a
change idea (Plan) and **must record a prediction** of the mean spin time before the spins
are revealed (Do, Study); then decides to adopt or abandon the change (Act). Adopted changes
stay in the process. Some changes help, some make no difference and one makes things worse;
the effects are hidden from the learner.

The game follows the coin-spin PDSA exercise (dmwaustin.com, roles tester/timekeeper,
predict time each cycle, plot on a run chart) and the paper-plane PDSA game
(IHI Open School; docsbay "QI learning activity instructions"), DOMAIN.md §5.

It is deterministic for a given seed: the spins of round ``k`` come from the seed and ``k``
alone, so the results do not depend on how fast or in what order the learner clicks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paceqi.errors import OptionsError, PaceqiError, check_choice
from paceqi.teach._checks import check_float, check_int

__all__ = ["CoinSpinGame", "CHANGE_IDEAS", "DECISIONS", "PDSAGameError", "play_rounds"]

#: Change ideas the learner can test, with their hidden effect on the mean spin time in
#: seconds. Illustrative values for teaching, not measurements.
CHANGE_IDEAS: dict[str, float] = {
    "spin on a hard, smooth table": 1.5,
    "use a larger, heavier coin": 1.0,
    "spin the coin on its edge with two fingers": 0.6,
    "let a different person spin": 0.0,
    "say a lucky word before spinning": 0.0,
    "spin on the tablecloth": -1.5,
}

#: The Act step: keep the change in the process, or drop it.
DECISIONS = ("adopt", "abandon")

#: Mean and standard deviation of the spin time before any change (illustrative).
BASE_MEAN_SECONDS = 5.0
SPIN_SD_SECONDS = 1.0

HISTORY_COLUMNS = (
    "round",
    "date",
    "change",
    "prediction",
    "result",
    "difference",
    "decision",
    "adopted_after",
)


class PDSAGameError(PaceqiError):
    """A step of the PDSA cycle was taken out of order (e.g. reveal before predicting)."""


@dataclass
class _Pending:
    change: str
    prediction: float


class CoinSpinGame:
    """The coin-spin PDSA game.

    Parameters
    ----------
    seed : int, optional
        Seed of the hidden process. Two games with the same seed and the same choices give
        the same results.
    spins_per_round : int
        Spins timed in each PDSA cycle.
    baseline_spins : int
        Spins timed before any change (round 0, no prediction needed).
    start : str
        ISO date of the baseline; each cycle starts ``days_between`` days after the last.
    days_between : int
        Days between cycles (for run-chart annotations).

    Examples
    --------
    >>> game = CoinSpinGame(seed=1)
    >>> game.predict("use a larger, heavier coin", 5.5)
    >>> r = game.reveal()
    >>> game.act("adopt")
    >>> game.history[["round", "change", "decision"]].values.tolist()[-1]
    [1, 'use a larger, heavier coin', 'adopt']
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        spins_per_round: int = 5,
        baseline_spins: int = 10,
        start: str = "2026-01-05",
        days_between: int = 7,
    ) -> None:
        if seed is None:
            entropy = np.random.SeedSequence().entropy
            assert isinstance(entropy, int)  # a fresh SeedSequence draws an int from the OS
            seed = entropy % (2**63)
        self._seed = check_int("seed", seed, minimum=0)
        self.spins_per_round = check_int("spins_per_round", spins_per_round, minimum=1)
        self.baseline_spins = check_int("baseline_spins", baseline_spins, minimum=1)
        self.days_between = check_int("days_between", days_between, minimum=1)
        try:
            self._start = dt.date.fromisoformat(start)
        except (TypeError, ValueError):
            raise OptionsError(f"start must be an ISO date (YYYY-MM-DD), got {start!r}") from None
        self._adopted: list[str] = []
        self._pending: _Pending | None = None
        self._awaiting_act = False
        self._rounds: list[dict[str, object]] = []
        self._spins: list[pd.DataFrame] = []
        self._record_spins(0, "baseline", self.baseline_spins)

    # -- the hidden process -------------------------------------------------------------
    def _mean(self, extra: str | None = None) -> float:
        changes = [*self._adopted, *([extra] if extra else [])]
        return BASE_MEAN_SECONDS + sum(CHANGE_IDEAS[c] for c in changes)

    def _record_spins(self, rnd: int, change: str, n: int) -> np.ndarray:
        rng = np.random.default_rng([self._seed, rnd])
        mean = self._mean(None if change == "baseline" else change)
        seconds = np.maximum(0.0, mean + SPIN_SD_SECONDS * rng.standard_normal(n)).round(1)
        first = sum(len(s) for s in self._spins) + 1
        self._spins.append(
            pd.DataFrame(
                {
                    "x": np.arange(first, first + n),
                    "round": rnd,
                    "spin": np.arange(1, n + 1),
                    "date": self._date(rnd),
                    "change": change,
                    "seconds": seconds,
                }
            )
        )
        return seconds

    def _date(self, rnd: int) -> pd.Timestamp:
        return pd.Timestamp(self._start + dt.timedelta(days=rnd * self.days_between))

    # -- the PDSA steps -------------------------------------------------------------------
    @property
    def changes(self) -> list[str]:
        """Change ideas not yet adopted (their effects stay hidden)."""
        return [c for c in CHANGE_IDEAS if c not in self._adopted]

    @property
    def adopted(self) -> tuple[str, ...]:
        """Change ideas adopted so far, in order."""
        return tuple(self._adopted)

    @property
    def stage(self) -> str:
        """What the learner must do next: ``"plan"``, ``"reveal"`` or ``"act"``."""
        if self._pending is not None:
            return "reveal"
        return "act" if self._awaiting_act else "plan"

    def predict(self, change: str, prediction: float | None) -> None:
        """Plan a cycle: choose a change idea and record the predicted mean spin time.

        Parameters
        ----------
        change : str
            One of :attr:`changes`.
        prediction : float or None
            Predicted mean spin time (seconds) with the change, 0–60 (None: not typed yet,
            refused with a message).

        Raises
        ------
        PDSAGameError
            If the last cycle has not been revealed and acted on.
        OptionsError
            For an unknown or already adopted change, or a prediction out of range.
        """
        if self._pending is not None:
            raise PDSAGameError("Reveal the result of this cycle before planning another.")
        if self._awaiting_act:
            raise PDSAGameError(
                f"Act on cycle {len(self._rounds)} first: adopt or abandon the change."
            )
        check_choice("change idea", change, self.changes)
        if prediction is None:
            raise PDSAGameError("Record a prediction (seconds) before testing the change.")
        prediction = check_float("prediction", prediction, minimum=0.0, maximum=60.0)
        self._pending = _Pending(change=change, prediction=prediction)

    def reveal(self) -> dict[str, object]:
        """Do and Study: time the spins with the planned change and compare to the prediction.

        Returns
        -------
        dict
            ``round, change, prediction, result`` (mean seconds), ``difference``
            (result - prediction) and ``spins`` (the times).

        Raises
        ------
        PDSAGameError
            If no prediction has been recorded for this cycle.
        """
        if self._pending is None:
            raise PDSAGameError(
                "Make a prediction before revealing the result: call predict(change, "
                "prediction) first. Predicting before seeing the data is what makes a PDSA "
                "cycle a test."
            )
        rnd = len(self._rounds) + 1
        seconds = self._record_spins(rnd, self._pending.change, self.spins_per_round)
        result = float(np.round(seconds.mean(), 2))
        row: dict[str, object] = {
            "round": rnd,
            "date": self._date(rnd),
            "change": self._pending.change,
            "prediction": self._pending.prediction,
            "result": result,
            "difference": round(result - self._pending.prediction, 2),
            "decision": None,
            "adopted_after": ", ".join(self._adopted),
        }
        self._rounds.append(row)
        self._pending = None
        self._awaiting_act = True
        return {
            **{k: row[k] for k in ("round", "change", "prediction", "result", "difference")},
            "spins": seconds.tolist(),
        }

    def act(self, decision: str) -> None:
        """Act: adopt the change just tested (it stays in the process) or abandon it.

        Parameters
        ----------
        decision : {"adopt", "abandon"}
            What to do with the change.

        Raises
        ------
        PDSAGameError
            If there is no revealed cycle waiting for a decision.
        """
        check_choice("decision", decision, DECISIONS)
        if not self._awaiting_act:
            raise PDSAGameError("There is no revealed cycle to act on: predict and reveal first.")
        row = self._rounds[-1]
        row["decision"] = decision
        if decision == "adopt":
            self._adopted.append(str(row["change"]))
        row["adopted_after"] = ", ".join(self._adopted)
        self._awaiting_act = False

    # -- what the notebook shows ------------------------------------------------------------
    @property
    def history(self) -> pd.DataFrame:
        """One row per PDSA cycle.

        Columns ``round, date, change, prediction, result, difference, decision,
        adopted_after``.
        """
        return pd.DataFrame(self._rounds, columns=list(HISTORY_COLUMNS))

    @property
    def spins(self) -> pd.DataFrame:
        """Every timed spin in order: ``x, round, spin, date, change, seconds``."""
        return pd.concat(self._spins, ignore_index=True)

    def annotations(self) -> pd.DataFrame:
        """Cycle start annotations for the run chart.

        Returns
        -------
        pandas.DataFrame
            One row per revealed cycle: ``x`` (first spin of the cycle), ``date`` (cycle
            start), ``label`` (``"PDSA 1: use a larger, heavier coin"``), ``decision``.
        """
        spins = self.spins
        first = spins.loc[spins["round"] > 0].groupby("round")["x"].min()
        hist = self.history
        return pd.DataFrame(
            {
                "x": first.reindex(hist["round"]).to_numpy(dtype=int),
                "date": hist["date"],
                "label": "PDSA " + hist["round"].astype(str) + ": " + hist["change"],
                "decision": hist["decision"],
            }
        )


def play_rounds(game: CoinSpinGame, rounds: Sequence[tuple[str, float, str]]) -> CoinSpinGame:
    """Play scripted cycles (change, prediction, decision): predict, reveal, act for each.

    Parameters
    ----------
    game : CoinSpinGame
        The game to play on (it records the rounds).
    rounds : sequence of (str, float, str)
        Change idea, prediction (seconds) and decision (``adopt`` / ``abandon``).

    Returns
    -------
    CoinSpinGame
        The same game, for chaining.

    Examples
    --------
    >>> g = play_rounds(CoinSpinGame(seed=4), [("use a larger, heavier coin", 6.0, "adopt")])
    >>> g.history["decision"].tolist()
    ['adopt']
    """
    for change, prediction, decision in rounds:
        game.predict(change, prediction)
        game.reveal()
        game.act(decision)
    return game
