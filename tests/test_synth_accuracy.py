"""The reports' answers against the synthetic truth, on the demo seed (issue #13).

Every change idea of the demo batch is analysed - in-process, as its notebook does - for the
authorities where the truth says something should or should not be found: real effects large
enough to detect (``paceqi.data._synth_score.MIN_AFTER``; docs/synth.md), tests with no effect
and the traps. Authorities that do not test an idea, and effects too small to detect, are left
to ``benchmarks/bench_verdicts.py`` (every change idea x every authority), which keeps this
test to about a minute on two cores.

What must hold:

* sensitivity: at least 90% of the detectable effects are answered Yes / Partly (and every
  change idea has at least one such answer: its report can find what is there);
* no false positive: no ``no_effect`` authority and no trap (route-mix shift, improvement that
  began before the test, worsening) is answered Yes / Partly;
* small authorities (fewer than 40 children a year before the test) testing early kinship
  assessment: its "% within 18 weeks" P chart is pooled by year and has too few points, so the
  answer is led by the same wait in days (docs/methods.md §8); at least 3 in 4 of these real
  effects are found, and ``too_few`` is left only where even the children are too few.
"""

from __future__ import annotations

import pandas as pd
import pytest

from paceqi.data._synth_score import POSITIVE, read_truth, score
from paceqi.data.synth import DEFAULT_SEED, write_synthetic

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> pd.DataFrame:
    data = tmp_path_factory.mktemp("synth_truth")
    write_synthetic(data, seed=DEFAULT_SEED)
    truth = read_truth(data)
    wanted = (truth["class"] != "not_tested") & ((truth["class"] != "effect") | truth["detectable"])
    pairs = truth.loc[wanted, ["authority", "change_idea"]].itertuples(index=False)
    return score(data, pairs=[tuple(p) for p in pairs])


def _listing(rows: pd.DataFrame) -> str:
    cols = ["change_idea", "authority", "class", "n_after", "status"]
    return rows[cols].to_string(index=False)


def test_every_answer_is_a_known_status(scored):
    assert scored["status"].ne("unknown").all(), _listing(scored[scored["status"] == "unknown"])


def test_detectable_effects_are_found(scored):
    eff = scored[scored["class"] == "effect"]
    assert eff["detectable"].all() and len(eff) >= 30
    missed = eff[~eff["positive"]]
    sensitivity = eff["positive"].mean()
    assert sensitivity >= 0.9, f"sensitivity {sensitivity:.2f}; missed:\n{_listing(missed)}"
    found = set(eff.loc[eff["positive"], "change_idea"])
    assert found == set(scored["change_idea"]), "a change idea whose report never finds its effect"


def test_no_effect_and_traps_are_never_called_an_improvement(scored):
    negative = scored[scored["class"] != "effect"]
    assert set(negative["class"]) >= {"no_effect", "trap_case_mix", "trap_prior", "trap_worsening"}
    wrong = negative[negative["status"].isin(POSITIVE)]
    assert wrong.empty, f"{len(wrong)} false positives of {len(negative)}:\n{_listing(wrong)}"


def test_small_authority_kinship_effects_are_answered_from_the_days_per_child(tmp_path_factory):
    data = tmp_path_factory.mktemp("synth_small")
    write_synthetic(data, seed=DEFAULT_SEED)
    truth = read_truth(data)
    small = truth[
        (truth["change_idea"] == "early_kinship_assessment")
        & (truth["class"] == "effect")
        & ~truth["detectable"]
    ]
    got = score(data, pairs=[tuple(p) for p in small[["authority", "change_idea"]].values])
    assert len(got) >= 8
    assert got["positive"].mean() >= 0.75, _listing(got)
    too_few = got[got["status"] == "too_few"]
    assert (too_few["n_before"] < 20).all(), _listing(too_few)
