"""The synthetic data generator (`paceqi synth`): layout, determinism, realism, PDSA ramps."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from paceqi.catalogue import load_catalogue
from paceqi.cli import main
from paceqi.data import _synth_params as P
from paceqi.data._synth_journeys import STAGES
from paceqi.data._synth_truth import CLASSES, IDEA_NAMES, IDEAS
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, authority_slug
from paceqi.data.schema import CARE_EVENTS, EVENTS_COLUMNS, ROUTES
from paceqi.data.synth import (
    TRUTH_COLUMNS,
    generate_authority,
    resolve_authorities,
    write_synthetic,
)
from paceqi.errors import OptionsError

SEED = 20140101
EXTRACT = "2021-03-31"
ISLANDS = ("Orkney Islands", "Shetland Islands", "Na h-Eileanan Siar")


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth_full")
    write_synthetic(out, seed=SEED)
    return out


@pytest.fixture(scope="module")
def manifest(full) -> dict:
    return yaml.safe_load((full / "manifest.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def events(full, manifest) -> pd.DataFrame:
    frames = [
        pd.read_csv(full / a["extract"], dtype=str, keep_default_na=False)
        for a in manifest["authorities"]
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def truth(full) -> pd.DataFrame:
    return pd.read_csv(full / "truth.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def journeys(events, truth) -> pd.DataFrame:
    """One row per child: first date of each stage and the Two Week Planning Meeting's truth."""
    first = events[events["occurrence"] == "1"]
    wide = first.pivot_table(
        index=["authority", "child_id"], columns="stage", values="date", aggfunc="first"
    ).reset_index()
    twm = truth[truth["change_idea"] == "two_week_planning_meeting"]
    meta = twm[["authority", "class", "test_start"]].rename(columns={"class": "twm_class"})
    wide = wide.merge(meta, on="authority")
    la = pd.to_datetime(wide["looked_after"])
    wide["days_pr"] = (pd.to_datetime(wide["permanence_recommended"]) - la).dt.days
    wide["la"] = la
    wide["intro"] = pd.to_datetime(wide["test_start"].replace("", "2100-01-01"))
    wide["twm_effect"] = wide["twm_class"] == "effect"
    return wide


# --- layout and determinism --------------------------------------------------------------


def test_layout_and_manifest(full, manifest):
    assert sorted(p.name for p in full.iterdir()) == [
        "README.txt",
        "extracts",
        "manifest.yaml",
        "pdsa",
        "truth.csv",
    ]
    assert manifest["seed"] == SEED
    assert manifest["extract_date"] == EXTRACT
    assert manifest["generator"].startswith("paceqi ")
    assert manifest["truth"] == "truth.csv"
    names = [a["name"] for a in manifest["authorities"]]
    assert names == list(SCOTTISH_AUTHORITIES)
    for a in manifest["authorities"]:
        assert set(a) == {"name", "slug", "children", "tests", "extract", "pdsa"}
        assert a["slug"] == authority_slug(a["name"])
        assert a["extract"] == f"extracts/{a['slug']}.csv"
        assert a["pdsa"] == f"pdsa/{a['slug']}.yaml"
        assert (full / a["extract"]).is_file() and (full / a["pdsa"]).is_file()
        assert set(a["tests"]) <= set(IDEA_NAMES)


# --- the truth file -----------------------------------------------------------------------


def test_truth_has_one_row_per_authority_and_change_idea(truth, manifest):
    assert list(truth.columns) == list(TRUTH_COLUMNS)
    assert len(truth) == 32 * len(IDEA_NAMES)
    assert not truth.duplicated(["authority", "change_idea"]).any()
    demo = yaml.safe_load(Path("parameters/batch/demo.yaml").read_text(encoding="utf-8"))
    assert set(truth["change_idea"]) == set(demo["notebooks"]) - {"baseline_journeys"}
    assert set(truth["class"]) == set(CLASSES)
    tests = {a["name"]: set(a["tests"]) for a in manifest["authorities"]}
    for r in truth.itertuples():
        assert (r.change_idea in tests[r.authority]) is (r._4 != "not_tested")
        assert (r.test_start == "") is (r._4 == "not_tested")


def test_every_change_idea_has_effects_no_effects_and_untested_authorities(truth):
    for idea, grp in truth.groupby("change_idea"):
        classes = grp["class"].value_counts()
        assert classes["effect"] >= 6, idea
        assert classes["no_effect"] >= 3, idea
        assert classes["not_tested"] >= 6, idea
        # effects in large authorities too, so every idea has reports that should say Yes
        assert (grp.loc[grp["class"] == "effect", "n_after"].astype(int) >= 60).sum() >= 2, idea


def test_truth_sizes_and_dates_match_the_classes(truth):
    for r in truth.itertuples():
        size = float(r.size)
        if r._4 in ("effect", "trap_prior"):
            assert size > 0 and r.effect_start and r.ramp_days == "180"
        elif r._4 == "trap_worsening":
            assert size < 0 and r.effect_start == r.test_start
        else:
            assert size == 0 and r.effect_start == ""
        if r._4 == "effect":
            assert r.effect_start == r.test_start
        if r._4 == "trap_prior":
            start = dt.date.fromisoformat(r.test_start)
            assert dt.date.fromisoformat(r.effect_start) == start - dt.timedelta(days=730)


def _gap_medians(events, truth, idea, before_after=True):
    """Median gap (first start -> first end) of children anchored before / after the split."""
    spec = next(i for i in IDEAS if i.notebook == idea)
    start, end = spec.gap
    first = events[events["occurrence"] == "1"]
    s = first[first["stage"] == start].set_index(["authority", "child_id"])["date"]
    e = first[first["stage"] == end].set_index(["authority", "child_id"])["date"]
    df = pd.concat([pd.to_datetime(s).rename("s"), pd.to_datetime(e).rename("e")], axis=1)
    df = df.dropna()
    df["gap"] = (df["e"] - df["s"]).dt.days
    df["anchor"] = df["s"] + pd.Timedelta(days=spec.anchor_offset)
    t = truth[truth["change_idea"] == idea].set_index("authority")
    out = {}
    for name, grp in df.groupby(level="authority"):
        split = t.loc[name, "effect_start"] or t.loc[name, "test_start"]
        if not split:
            continue
        split = pd.Timestamp(split)
        pre = grp[(grp["anchor"] < split) & (grp["anchor"] >= split - pd.Timedelta(days=1095))]
        # anchored after the full effect, and early enough that long gaps had time to finish
        late = pd.Timestamp(EXTRACT) - pd.Timedelta(days=600)
        post = grp[(grp["anchor"] >= split + pd.Timedelta(days=180)) & (grp["anchor"] <= late)]
        if len(pre) >= 40 and len(post) >= 40:
            out[name] = (t.loc[name, "class"], pre["gap"].median(), post["gap"].median())
    return out


@pytest.mark.parametrize("idea", IDEA_NAMES)
def test_effects_shrink_their_gap_and_nothing_else_does(events, truth, idea):
    # only completed gaps, anchored at least 180 days after the split (full effect): the size
    # shows in the medians of large authorities; no_effect and not_tested stay put
    spec = next(i for i in IDEAS if i.notebook == idea)
    checked = 0
    for name, (cls, pre, post) in _gap_medians(events, truth, idea).items():
        ratio = post / pre
        if cls in ("effect", "trap_prior"):
            # the CSO review gap includes the two years before the review falls due
            cso = spec.notebook == "cso_home_review"
            expect = (730 + 120 * (1 - spec.size)) / 850 if cso else 1 - spec.size
            assert ratio < max(expect * 1.25, 0.5 + expect / 2), (name, ratio)
            checked += 1
        elif cls == "trap_worsening":
            assert ratio > 1.15, (name, ratio)
        elif cls in ("no_effect", "not_tested"):
            assert 0.8 < ratio < 1.2, (name, cls, ratio)
    assert checked >= 1, idea


def test_readme_says_synthetic(full):
    text = (full / "README.txt").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and f"seed {SEED}" in text


def test_same_seed_gives_identical_bytes(full, tmp_path):
    write_synthetic(tmp_path, seed=SEED)
    assert _hashes(tmp_path) == _hashes(full)


def test_an_authority_does_not_depend_on_the_others(full, manifest, tmp_path):
    write_synthetic(tmp_path, seed=SEED, authorities=["Glasgow City", "orkney_islands"])
    for slug in ("glasgow_city", "orkney_islands"):
        for sub, ext in (("extracts", "csv"), ("pdsa", "yaml")):
            f = f"{sub}/{slug}.{ext}"
            assert (tmp_path / f).read_bytes() == (full / f).read_bytes(), f
    small = yaml.safe_load((tmp_path / "manifest.yaml").read_text(encoding="utf-8"))
    by_name = {a["name"]: a for a in manifest["authorities"]}
    assert [a["name"] for a in small["authorities"]] == ["Glasgow City", "Orkney Islands"]
    for a in small["authorities"]:
        assert a == by_name[a["name"]]


def test_different_seeds_differ():
    a = generate_authority("Fife", seed=1)
    b = generate_authority("Fife", seed=2)
    assert not a.events.equals(b.events)
    assert generate_authority("Fife", seed=1).events.equals(a.events)


@pytest.mark.skipif(not hasattr(yaml, "CSafeDumper"), reason="PyYAML built without libyaml")
def test_fast_and_pure_python_yaml_emitters_write_the_same_bytes(pdsa_docs, manifest):
    from paceqi.data.synth import _yaml_text

    for doc in [manifest, *pdsa_docs.values()]:
        assert _yaml_text(doc, yaml.CSafeDumper) == _yaml_text(doc, yaml.SafeDumper)


def test_stage_codes_match_the_catalogue_order():
    assert load_catalogue().codes == STAGES


# --- the extracts ------------------------------------------------------------------------


def test_csv_columns_and_vocabularies(full, events):
    header = (full / "extracts" / "fife.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(EVENTS_COLUMNS)
    assert set(events["stage"]) == set(load_catalogue().codes)
    # care events (placement moves, returns to care) carry no route: blank
    assert set(events["route"]) == set(ROUTES) | {""}
    blank = events["route"] == ""
    assert set(events.loc[blank, "stage"]) == set(CARE_EVENTS)
    assert set(events["outcome"]) == {"", "deferred", "superseded", "refused", "continued"}
    assert events["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert events["child_id"].str.fullmatch(r"C\d{5}").all()
    assert {"1", "2"} <= set(events["occurrence"])
    assert set(events.loc[events["occurrence"] > "2", "stage"]) == {"placement_move"}


def test_one_row_per_child_stage_and_occurrence(events):
    assert not events.duplicated(["authority", "child_id", "stage", "occurrence"]).any()


def test_manifest_counts_every_child_in_the_extract(events, manifest):
    per_file = events.groupby("authority")["child_id"].nunique()
    for a in manifest["authorities"]:
        assert per_file[a["name"]] == a["children"], a["name"]


def test_sorted_by_child_then_date(events):
    for _, df in events.groupby("authority", sort=False):
        key = df["child_id"] + " " + df["date"]
        assert key.is_monotonic_increasing


def test_every_child_is_looked_after_once_within_the_window(events):
    la = events[events["stage"] == "looked_after"]
    assert not la.duplicated(["authority", "child_id"]).any()
    n_children = events.drop_duplicates(["authority", "child_id"]).shape[0]
    assert len(la) == n_children
    assert la["date"].between("2009-08-01", "2020-12-31").all()


def test_dates_on_or_after_looked_after_and_not_after_extract(events):
    la = events.loc[events["stage"] == "looked_after", ["authority", "child_id", "date"]]
    df = events.merge(la, on=["authority", "child_id"], suffixes=("", "_la"), validate="m:1")
    assert len(df) == len(events)
    assert (df["date"] >= df["date_la"]).all()
    assert (events["date"] <= EXTRACT).all()


def test_sizes_follow_looked_after_counts(manifest):
    # weighted by children looked after in 2016 (Children's Social Work Statistics 2015-16),
    # not by population: Glasgow about a fifth of all, Aberdeen City above Aberdeenshire
    children = {a["name"]: a["children"] for a in manifest["authorities"]}
    years = 11
    total = sum(children.values())
    assert 0.18 <= children["Glasgow City"] / total <= 0.23
    for island in ISLANDS:
        assert 1 * years <= children[island] <= 6 * years, island
    assert max(children, key=children.get) == "Glasgow City"
    assert children["Aberdeen City"] > children["Aberdeenshire"]
    assert children["West Dunbartonshire"] > children["East Dunbartonshire"]
    assert children["City of Edinburgh"] > children["Stirling"] > children["Orkney Islands"]


#: The steps back in catalogue order a journey may take: after a plan review of a child on a CSO
#: at home (cso_home_review, order 16) the CSO can end (home_confirmed, order 15); kinship
#: options can be ruled in or out (order 5) before the first or second review (orders 3, 4) -
#: "by the 18 week review" is the aim, so early is the point.
_ALLOWED_STEP_BACK = {
    ("cso_home_review", "home_confirmed"),
    ("kinship_assessed", "first_review"),
    ("kinship_assessed", "second_review"),
}


def test_stage_order_follows_the_catalogue_within_each_route(events):
    cat = load_catalogue()
    order = events["stage"].map({s.code: s.order for s in cat.stages})
    df = events.assign(order=order)
    # within a child's events of one route (file order = date order), catalogue order never drops
    grp = df.groupby(["authority", "child_id", "route"], sort=False)
    backwards = grp["order"].diff() < 0
    prev = grp["stage"].shift()
    steps = set(zip(prev[backwards], df.loc[backwards, "stage"], strict=True))
    assert steps == _ALLOWED_STEP_BACK
    allowed = {s.code: set(s.routes) for s in cat.stages}
    plan = df["route"] != ""
    pairs = zip(df.loc[plan, "stage"], df.loc[plan, "route"], strict=True)
    assert all(route in allowed[stage] for stage, route in pairs)


def test_outcomes_where_they_happen(events):
    # refusals by the agency decision maker, continued hearings, CSO reviews followed by the CSO
    # ending: every balancing measure that counts them has events in the larger authorities
    out = events.groupby(["stage", "outcome"]).size()
    assert out[("adm_decision", "refused")] > 100
    assert out[("advice_hearing", "continued")] > 300
    first = events[events["occurrence"] == "1"]
    wide = first.pivot_table(
        index=["authority", "child_id"], columns="stage", values="date", aggfunc="first"
    )
    reviewed = wide["cso_home_review"].notna()
    after = reviewed & (wide["home_confirmed"] > wide["cso_home_review"])
    assert 0.3 < after.sum() / reviewed.sum() < 0.7
    la = pd.to_datetime(wide["looked_after"])
    due = (pd.to_datetime(wide.loc[reviewed, "cso_home_review"]) - la[reviewed]).dt.days
    assert (due >= 730).all() and due.quantile(0.9) - due.quantile(0.1) > 150  # varied
    # kinship options are ruled in or out early enough for the 18-week measure to move
    ka = (pd.to_datetime(wide["kinship_assessed"]) - la).dt.days.dropna()
    assert 0.25 < (ka <= 126).mean() < 0.75


def test_placement_moves_and_returns_to_care(events):
    first = events[events["occurrence"] == "1"]
    wide = first.pivot_table(
        index=["authority", "child_id"], columns="stage", values="date", aggfunc="first"
    )
    la = pd.to_datetime(wide["looked_after"])
    moved = (pd.to_datetime(wide["placement_move"]) - la).dt.days
    share = (moved <= 365).mean()
    assert 0.2 < share < 0.5
    back = wide["returned_to_care"].notna()
    both = back & wide["home_confirmed"].notna()  # a recorded date can be missing
    assert (wide.loc[both, "returned_to_care"] > wide.loc[both, "home_confirmed"]).all()
    home = wide["home_confirmed"].notna()
    assert 0.05 < back.sum() / home.sum() < 0.2


def test_undecided_only_before_a_recommendation(events):
    first_pr = (
        events[events["stage"] == "permanence_recommended"]
        .groupby(["authority", "child_id"], as_index=False)["date"]
        .min()
    )
    und = events[events["route"] == "undecided"].merge(
        first_pr, on=["authority", "child_id"], suffixes=("", "_pr")
    )
    assert len(und) > 1000
    assert (und["date"] <= und["date_pr"]).all()


def test_children_still_waiting_are_kept(journeys):
    waiting = journeys["permanence_recommended"].isna()
    assert waiting.sum() > 100
    # including long waits, not only children who arrived just before the extract
    assert (waiting & (journeys["la"] < "2020-01-01") & journeys["first_review"].notna()).sum() > 50


def test_route_changes_are_recorded(events):
    pr2 = events[(events["stage"] == "permanence_recommended") & (events["occurrence"] == "2")]
    assert len(pr2) > 50
    pr1 = events[(events["stage"] == "permanence_recommended") & (events["occurrence"] == "1")]
    pairs = pr1.merge(pr2, on=["authority", "child_id"], suffixes=("_1", "_2"))
    changes = set(zip(pairs["route_1"], pairs["route_2"], strict=True))
    assert {("home", "po"), ("home", "adoption"), ("kco", "po")} <= changes
    assert (pairs["date_2"] > pairs["date_1"]).all()
    assert (pairs["outcome_1"] == "superseded").mean() > 0.9
    # po -> adoption at panel: recommended as po, presented to panel as adoption
    panel = events[(events["stage"] == "panel") & (events["occurrence"] == "1")]
    last_pr = pd.concat([pr1, pr2]).drop_duplicates(["authority", "child_id"], keep="last")
    both = last_pr.merge(panel, on=["authority", "child_id"], suffixes=("_pr", "_panel"))
    assert ((both["route_pr"] == "po") & (both["route_panel"] == "adoption")).sum() > 20


def test_re_presentations_to_panel(events):
    panels = events[events["stage"] == "panel"]
    second = panels[panels["occurrence"] == "2"]
    assert len(second) > 20
    first = panels[panels["occurrence"] == "1"]
    both = first.merge(second, on=["authority", "child_id"], suffixes=("_1", "_2"))
    assert len(both) > 0.8 * len(second)  # the first presentation may be missing from the record
    assert (both["outcome_1"] == "deferred").all()
    assert (both["date_2"] > both["date_1"]).all()


def test_some_dates_are_missing(journeys):
    # a child presented to panel without a recorded recommendation, or without a first review
    no_pr = journeys["panel"].notna() & journeys["permanence_recommended"].isna()
    no_fr = journeys["second_review"].notna() & journeys["first_review"].isna()
    assert no_pr.sum() > 5 and no_fr.sum() > 20


def test_gaps_are_skewed(journeys):
    done = journeys["days_pr"].dropna()
    assert done.mean() > done.median() * 1.05  # right skew
    assert (done >= 0).all()


def test_two_week_meeting_mostly_after_introduction(journeys):
    before = journeys["la"] < journeys["intro"]
    after = journeys["la"] >= journeys["intro"] + pd.Timedelta(days=30)
    twm = journeys["two_week_meeting"].notna()
    assert twm[before].mean() < 0.08
    assert twm[after].mean() > 0.7


def _median_capped(days: pd.Series, cap: int = 365) -> float:
    """Median of min(days, cap): censoring-free when everyone was followed for cap days."""
    return float(np.median(np.minimum(days.fillna(cap * 10), cap)))


def test_effect_only_where_the_manifest_says_so(journeys):
    followed = journeys["la"] <= pd.Timestamp(EXTRACT) - pd.Timedelta(days=365)
    pre = followed & (journeys["la"] < journeys["intro"])
    post = followed & (journeys["la"] >= journeys["intro"] + pd.Timedelta(days=180))
    changes = {}
    plain = journeys["twm_class"].isin(["effect", "no_effect", "not_tested"])
    for effect, grp in journeys[plain].groupby("twm_effect"):
        before = _median_capped(grp.loc[pre[grp.index], "days_pr"])
        after = _median_capped(grp.loc[post[grp.index], "days_pr"])
        changes[effect] = after / before
    assert changes[True] < 0.7  # markedly shorter (size 0.5)
    assert 0.9 < changes[False] < 1.1  # no change beyond noise


def test_effect_visible_in_large_effect_authorities(journeys):
    followed = journeys["la"] <= pd.Timestamp(EXTRACT) - pd.Timedelta(days=365)
    for name, grp in journeys[journeys["twm_effect"] & followed].groupby("authority"):
        if len(grp) < 300:
            continue
        before = _median_capped(grp.loc[grp["la"] < grp["intro"], "days_pr"])
        after = _median_capped(
            grp.loc[grp["la"] >= grp["intro"] + pd.Timedelta(days=180), "days_pr"]
        )
        assert after < before * 0.85, name


# --- PDSA ramps --------------------------------------------------------------------------

CYCLE_KEYS = {
    "cycle_no",
    "title",
    "purpose",
    "objective",
    "questions",
    "predictions",
    "plan_who",
    "plan_what",
    "plan_when",
    "plan_where",
    "data_plan",
    "scale",
    "start_date",
    "end_date",
    "carried_out_as_planned",
    "do_observations",
    "unexpected_events",
    "study_results",
    "act_decision",
    "next_steps",
}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def pdsa_docs(full, manifest) -> dict[str, dict]:
    return {
        a["name"]: yaml.safe_load((full / a["pdsa"]).read_text(encoding="utf-8"))
        for a in manifest["authorities"]
    }


def test_pdsa_files_follow_v1(pdsa_docs, truth):
    starts = {
        (r.authority, r.change_idea): r.test_start for r in truth.itertuples() if r.test_start
    }
    labels = {i.notebook: i.label for i in IDEAS}
    for name, doc in pdsa_docs.items():
        assert list(doc) == [
            "format",
            "authority",
            "aims",
            "drivers",
            "change_ideas",
            "annotations",
        ]
        assert doc["format"] == "paceqi-pdsa/1" and doc["authority"] == name
        aim = doc["aims"][0]
        assert set(aim) == {"id", "statement", "measure", "target_value", "target_date"}
        assert isinstance(aim["target_date"], str) and ISO.fullmatch(aim["target_date"])
        levels = {d["level"] for d in doc["drivers"]}
        assert levels == {"primary", "secondary"}
        tested = [i for (a, i) in starts if a == name]
        assert [ci["notebook"] for ci in doc["change_ideas"]] == [
            i for i in IDEA_NAMES if i in tested
        ]
        for ci in doc["change_ideas"]:
            assert ci["name"] == labels[ci["notebook"]]
            assert ci["status"] in {"idea", "testing", "implementing", "adopted", "abandoned"}
            (ramp,) = ci["ramps"]
            cycles = ramp["cycles"]
            assert 3 <= len(cycles) <= 6
            assert [c["cycle_no"] for c in cycles] == list(range(1, len(cycles) + 1))
            assert cycles[0]["start_date"] == starts[(name, ci["notebook"])]
            for prev, c in zip(cycles, cycles[1:], strict=False):
                assert c["start_date"] >= prev["end_date"]
            for c in cycles:
                assert set(c) == CYCLE_KEYS
                assert c["purpose"] in {"collect_info", "develop", "test", "implement"}
                assert c["act_decision"] in {"adopt", "adapt", "abandon"}
                assert isinstance(c["start_date"], str) and ISO.fullmatch(c["start_date"])
                assert c["start_date"] < c["end_date"] <= EXTRACT
                for r in c["study_results"]:
                    assert set(r) == {"prediction", "result", "met"}
                    assert r["met"] in (True, False, None)
            notes = [n for n in doc["annotations"] if n["change_idea"] == ci["id"]]
            for c in cycles:
                for kind, key in (("pdsa_start", "start_date"), ("pdsa_end", "end_date")):
                    assert any(n["kind"] == kind and n["date"] == c[key] for n in notes)
        assert all(
            n["kind"] in {"pdsa_start", "pdsa_end", "system_change", "data_issue"}
            for n in doc["annotations"]
        )


def test_pdsa_yaml_has_no_aliases(full):
    for f in (full / "pdsa").glob("*.yaml"):
        assert not re.search(r"[&*]id\d", f.read_text(encoding="utf-8")), f.name


def _ramps(pdsa_docs):
    """(authority, notebook, cycles) of every ramp."""
    return [
        (name, ci["notebook"], ci["ramps"][0]["cycles"])
        for name, d in pdsa_docs.items()
        for ci in d["change_ideas"]
    ]


def test_pdsa_ramps_scale_up_and_vary(pdsa_docs):
    ramps = _ramps(pdsa_docs)
    assert all("2 children" in cycles[0]["scale"] for _, _, cycles in ramps)
    assert len({len(cycles) for _, _, cycles in ramps}) >= 3
    results = [r["met"] for _, _, cycles in ramps for c in cycles for r in c["study_results"]]
    assert True in results and False in results and None in results


def test_one_abandoned_cycle_and_one_missing_study(pdsa_docs):
    ramps = _ramps(pdsa_docs)
    abandoned = [(a, i) for a, i, cs in ramps if any(c["act_decision"] == "abandon" for c in cs)]
    missing = [(a, i, cs) for a, i, cs in ramps if any(c["study_results"] == [] for c in cs)]
    assert len(abandoned) == 1 and len(missing) == 1
    assert abandoned[0][1] == "two_week_planning_meeting"
    assert abandoned[0][0] != missing[0][0]
    # the team wrote up only its first cycle: study results at one date, which a check can flag
    cycles = missing[0][2]
    written_up = [bool(c["study_results"]) and bool(c["do_observations"]) for c in cycles]
    assert written_up == [True] + [False] * (len(cycles) - 1)


def test_pdsa_outcome_results_follow_the_truth(pdsa_docs, truth):
    # the last cycle's outcome result comes from the data: mostly met where the change works,
    # rarely where it has no effect or makes things worse (large authorities: less noise)
    t = truth.set_index(["authority", "change_idea"])
    met = {"effect": [], "none": []}
    for name, idea, cycles in _ramps(pdsa_docs):
        row = t.loc[(name, idea)]
        for c in cycles[:2]:  # too early to tell (the abandoned variation has its own study)
            if c["study_results"] and c["act_decision"] != "abandon":
                assert c["study_results"][-1]["met"] is None
        last = cycles[-1]["study_results"]
        if int(row["n_after"]) < 60 or not last or last[-1]["met"] is None:
            continue
        if row["class"] == "effect":
            met["effect"].append(last[-1]["met"])
        elif row["class"] in ("no_effect", "trap_worsening"):
            met["none"].append(last[-1]["met"])
    assert len(met["effect"]) >= 10 and len(met["none"]) >= 5
    assert np.mean(met["effect"]) >= 0.7, met
    assert np.mean(met["none"]) <= 0.2, met


# --- the API and the command -------------------------------------------------------------


def test_resolve_authorities_names_and_errors():
    assert resolve_authorities(None) == SCOTTISH_AUTHORITIES
    assert resolve_authorities(["glasgow_city", "Fife", "Fife"]) == ("Fife", "Glasgow City")
    with pytest.raises(OptionsError, match=r"'Narnia' is not a Scottish authority\. Available"):
        resolve_authorities(["Narnia"])
    with pytest.raises(OptionsError, match="at least one"):
        resolve_authorities([])


def test_bad_seed_is_an_options_error():
    with pytest.raises(OptionsError, match="seed must be a non-negative whole number"):
        generate_authority("Fife", seed=-1)


def test_cli_writes_the_layout(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["synth", "--out", str(out), "--seed", "5", "--authorities", "Orkney Islands"])
    assert code == 0
    text = capsys.readouterr().out
    assert text.startswith("Orkney Islands: ")
    assert "extracts/orkney_islands.csv" in text and "synthetic data" in text
    assert (out / "extracts" / "orkney_islands.csv").is_file()
    assert (out / "pdsa" / "orkney_islands.yaml").is_file()
    assert yaml.safe_load((out / "manifest.yaml").read_text())["seed"] == 5


def test_cli_unknown_authority_exits_1(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--authorities", "Atlantis"]) == 1
    assert "'Atlantis' is not a Scottish authority" in capsys.readouterr().err


def test_cli_bad_seed_is_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["synth", "--out", str(tmp_path), "--seed", "abc"])
    assert exc.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err


def test_cli_default_seed_matches_the_generator():
    from paceqi.data import synth_commands

    assert synth_commands.DEFAULT_SEED == P.DEFAULT_SEED == SEED


def test_cli_out_that_is_a_file_exits_1(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["synth", "--out", str(f), "--authorities", "Fife"]) == 1
    assert "--out: cannot create folder" in capsys.readouterr().err
