from pathlib import Path

import pandas as pd
import pytest
import yaml
from measures_fixtures import AS_OF, hand_events

import paceqi
from paceqi.errors import OptionsError
from paceqi.measures import find_measure, load_measures
from paceqi.measures.definitions import KINDS, measures_dir

CHANGE_IDEAS = {
    "two_week_planning_meeting",
    "early_kinship_assessment",
    "legal_opinion_turnaround",
    "panel_readiness",
    "panel_to_adm",
    "court_and_scra",
    "cso_home_review",
    "baseline_journeys",
}


def test_every_change_idea_has_a_valid_measures_file_with_all_families():
    files = {p.stem for p in measures_dir().glob("*.yaml")}
    assert files >= CHANGE_IDEAS
    for idea in files:
        ms = load_measures(idea)
        assert ms, idea
        assert {"outcome", "balancing"} <= {m.family for m in ms.values()}, idea
        for m in ms.values():
            assert m.change_idea == idea
            assert m.default_chart in KINDS[m.kind][1]


def test_two_week_planning_meeting_definitions():
    ms = load_measures("two_week_planning_meeting")
    d = ms["recommendation_within_6_months"]
    assert (d.kind, d.start, d.end, d.target_days, d.default_chart, d.direction) == (
        "proportion_within_target",
        "looked_after",
        "permanence_recommended",
        182,
        "p",
        "increase",
    )
    assert ms["two_week_meeting_within_14_days"].family == "process"
    assert ms["days_to_first_review"].direction == "decrease"


@pytest.mark.parametrize("idea", sorted(CHANGE_IDEAS))
def test_every_measure_evaluates_on_the_hand_events(idea):
    for name, d in load_measures(idea).items():
        f = paceqi.measure(d, hand_events(), as_of=AS_OF)
        assert {"x", "y"} <= set(f.columns), name
        if d.kind.startswith("proportion"):
            assert "n" in f.columns


def test_measure_interval_days_keeps_censored_children():
    f = paceqi.measure(
        "days_to_recommendation",
        hand_events(),
        as_of=AS_OF,
        change_idea="two_week_planning_meeting",
    )
    assert f["censored"].sum() == 4 and len(f) == 8 - 1  # every child with looked_after
    assert f["x"].is_monotonic_increasing


def test_measure_proportion_and_overrides():
    f = paceqi.measure(
        "two_week_meeting_within_14_days", hand_events(), as_of=AS_OF, period="quarter"
    )
    a = f.query("authority == 'A'").set_index("period_label")
    assert a.loc["2024Q1", "numerator"] == 1 and a.loc["2024Q1", "denominator"] == 4
    assert a.loc["2024Q2", "waiting_within_target"] == 1
    with pytest.raises(OptionsError, match="period 'child' does not apply"):
        paceqi.measure("two_week_meeting_within_14_days", hand_events(), period="child")


def test_measure_balancing_route_changes():
    f = paceqi.measure(
        "recommendations_later_changed",
        hand_events(),
        as_of=AS_OF,
        change_idea="two_week_planning_meeting",
    )
    # recommended in April-June 2024: none has had its 12 months by 30 June 2024
    assert f[["numerator", "denominator", "immature"]].sum().tolist() == [0, 0, 3]
    assert f["incomplete"].all()
    f = paceqi.measure(
        "recommendations_later_changed",
        hand_events(),
        as_of="2025-06-30",
        change_idea="two_week_planning_meeting",
    )
    assert f[["numerator", "denominator"]].sum().tolist() == [1, 3]  # c4: home -> po
    t = paceqi.measure(
        "days_between_route_changes",
        hand_events(),
        as_of=AS_OF,
        change_idea="two_week_planning_meeting",
    )
    assert t["censored"].tolist() == [True] and t["y"].tolist() == [41]


def test_unknown_measure_names_the_problem():
    with pytest.raises(OptionsError, match="Unknown measure 'nope'"):
        find_measure("nope")
    with pytest.raises(OptionsError, match="not in two_week_planning_meeting.yaml"):
        find_measure("days_panel_to_adm", "two_week_planning_meeting")
    with pytest.raises(OptionsError, match="No measures file for change idea 'zzz'"):
        load_measures("zzz")


GOOD = {
    "name": "m1",
    "label": "L",
    "family": "outcome",
    "operational_definition": "d",
    "kind": "interval_days",
    "start": "looked_after",
    "end": "panel",
    "improvement_direction": "lower",
    "default_chart": "run",
    "period": "child",
}


def write(tmp_path: Path, **changes) -> Path:
    m = {**GOOD, **changes}
    m = {k: v for k, v in m.items() if v is not None}
    p = tmp_path / "idea.yaml"
    p.write_text(yaml.safe_dump({"change_idea": "idea", "measures": [m]}))
    return p


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"colour": "red"}, r"idea.yaml, measure 'm1': unknown key\(s\) \['colour'\]"),
        ({"end": "pannel"}, "idea.yaml, measure 'm1': end 'pannel' is not a stage"),
        ({"family": "other"}, "family 'other' is not one of"),
        ({"kind": "mean"}, "kind 'mean' is not one of"),
        ({"default_chart": "p"}, "default_chart 'p' is not one of run, i"),
        ({"start": None}, "kind 'interval_days' needs field 'start'"),
        ({"label": None}, "field 'label' is required"),
        ({"target_days": -3}, "target_days must be a positive"),
        ({"routes": ["boat"]}, "routes must be a list"),
        ({"improvement_direction": "up"}, "improvement_direction 'up'"),
        ({"end": "looked_after"}, "start and end are the same"),
    ],
)
def test_invalid_definitions_name_file_and_measure(tmp_path, changes, match):
    with pytest.raises(OptionsError, match=match):
        load_measures(write(tmp_path, **changes))


def test_valid_custom_file_loads(tmp_path):
    ms = load_measures(write(tmp_path))
    assert ms["m1"].source.endswith("idea.yaml")


def test_measure_does_not_mutate_events():
    ev = hand_events()
    before = ev.copy()
    paceqi.measure(
        "recommendations_later_changed", ev, as_of=AS_OF, change_idea="two_week_planning_meeting"
    )
    pd.testing.assert_frame_equal(ev, before)


@pytest.mark.parametrize("idea", ["two_week_planning_meeting", "panel_to_adm", "court_and_scra"])
def test_every_measure_on_no_children_gives_an_empty_frame(idea):
    empty = hand_events().iloc[:0]
    for name, d in load_measures(idea).items():
        f = paceqi.measure(d, empty, as_of=AS_OF)
        assert f.empty and {"x", "y"} <= set(f.columns), name


def test_every_measure_on_one_child():
    one = hand_events().query("authority == 'A' and child_id == 'c4'")
    reached = set(one["stage"])
    for d in load_measures("two_week_planning_meeting").values():
        f = paceqi.measure(d, one, as_of=AS_OF)
        # c4 has no first review but a recommendation: it moved on, it is not a wait for one;
        # a measure that starts at a stage the child never reached (returned to care after
        # going home) has no row; every other measure has one
        empty = d.name == "days_to_first_review" or (d.start and d.start not in reached)
        assert len(f) == (0 if empty else 1), d.name


def test_a_name_defined_differently_in_two_files_needs_change_idea(tmp_path, monkeypatch):
    import shutil

    from paceqi._paths import parameters_dir

    (tmp_path / "parameters" / "measures").mkdir(parents=True)
    shutil.copytree(parameters_dir() / "catalogues", tmp_path / "parameters" / "catalogues")
    for idea, end in [("one", "panel"), ("two", "adm_decision")]:
        m = {**GOOD, "end": end}
        (tmp_path / "parameters" / "measures" / f"{idea}.yaml").write_text(
            yaml.safe_dump({"change_idea": idea, "measures": [m]})
        )
    monkeypatch.setenv("PACEQI_HOME", str(tmp_path))
    with pytest.raises(OptionsError, match="defined differently in one, two"):
        find_measure("m1")
    assert find_measure("m1", "two").end == "adm_decision"
