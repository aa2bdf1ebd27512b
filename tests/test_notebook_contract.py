"""Contract between parameters YAML and change-idea notebooks (issue #7).

Every batch manifest and every authority file is checked against ``papermill.inspect_notebook``
of every notebook it feeds: its keys are declared in the notebook's parameters cell and its
values have the declared (annotated) types. A parameter the notebook does not declare fails the
job with a message naming the key and the notebook.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paceqi._paths import notebooks_dir, parameters_dir
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, slugify
from paceqi.report.execute import check_parameters, notebook_parameters
from paceqi.report.jobs import load_authority_parameters, load_manifest, specs_from_manifest

CHANGE_IDEAS = notebooks_dir() / "change_ideas"
NOTEBOOKS = sorted(CHANGE_IDEAS.glob("*.ipynb"))
MANIFESTS = sorted((parameters_dir() / "batch").glob("*.yaml"))
AUTHORITY_FILES = sorted((parameters_dir() / "authorities").glob("*.yaml"))
EXPECTED = {
    "two_week_planning_meeting",
    "early_kinship_assessment",
    "legal_opinion_turnaround",
    "panel_readiness",
    "panel_to_adm",
    "court_and_scra",
    "cso_home_review",
    "baseline_journeys",
}
#: papermill's inferred type name -> Python types a YAML value may have (None = "not given").
TYPES = {"str": (str, type(None)), "int": (int,), "bool": (bool,), "float": (int, float)}


def _matches(value, type_name: str) -> bool:
    allowed = TYPES[type_name]
    if isinstance(value, bool) and bool not in allowed:
        return False  # YAML true is not an int
    return isinstance(value, allowed)


def _check(params: dict, notebook: Path, source: str) -> list[str]:
    declared = notebook_parameters(notebook)
    problems = []
    for key, value in params.items():
        if key not in declared:
            problems.append(f"{source}: '{key}' is not a parameter of {notebook.name}")
        elif not _matches(value, declared[key]["inferred_type_name"]):
            problems.append(
                f"{source}: '{key}' is {type(value).__name__}, {notebook.name} declares "
                f"{declared[key]['inferred_type_name']}"
            )
    return problems


def test_all_eight_notebooks_exist_with_their_measures():
    assert {p.stem for p in NOTEBOOKS} == EXPECTED
    for nb in NOTEBOOKS:
        params = notebook_parameters(nb)
        assert params["change_idea"]["default"].strip("\"'") == nb.stem
        assert (parameters_dir() / "measures" / f"{nb.stem}.yaml").is_file()


def test_every_notebook_declares_the_same_typed_parameters():
    # One manifest feeds every notebook, so they must agree on names and types.
    shapes = {
        nb.stem: {k: v["inferred_type_name"] for k, v in notebook_parameters(nb).items()}
        for nb in NOTEBOOKS
    }
    first = next(iter(shapes.values()))
    assert all(s == first for s in shapes.values()), shapes
    assert set(TYPES) >= set(first.values())


def test_notebook_parameters_are_those_the_package_accepts():
    from dataclasses import fields

    from paceqi.changeidea.params import ReportParams

    declared = set(notebook_parameters(NOTEBOOKS[0]))
    assert declared == {f.name for f in fields(ReportParams)}


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.stem for m in MANIFESTS])
def test_manifest_parameters_fit_every_notebook_it_feeds(manifest):
    info = load_manifest(manifest)
    problems = []
    for name in info["notebooks"]:
        nb = CHANGE_IDEAS / f"{name}.ipynb"
        assert nb.is_file(), f"{manifest.name} names a notebook that does not exist: {name}"
        problems += _check(info["parameters"], nb, manifest.name)
        for authority in info["authorities"]:
            own, path = load_authority_parameters(authority, parameters_dir() / "authorities")
            problems += _check({**info["parameters"], **own}, nb, path.name)
    assert not problems, "\n".join(problems)


def test_every_authority_file_fits_every_notebook():
    problems = []
    for path in AUTHORITY_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        own = {k: data[k] for k in ("authority", "extract", "mapping") if data.get(k) is not None}
        own.update(data.get("parameters") or {})
        for nb in NOTEBOOKS:
            problems += _check(own, nb, path.name)
    assert not problems, "\n".join(problems)
    assert {p.stem for p in AUTHORITY_FILES} == {slugify(a) for a in SCOTTISH_AUTHORITIES}


def test_demo_manifest_covers_every_notebook_and_authority(tmp_path):
    specs = specs_from_manifest(parameters_dir() / "batch" / "demo.yaml", output_dir=tmp_path)
    assert {s.name for s in specs} == EXPECTED
    assert len(specs) == len(EXPECTED) * len(SCOTTISH_AUTHORITIES)


def test_quick_manifest_is_small_and_includes_an_island():
    info = load_manifest(parameters_dir() / "batch" / "quick.yaml")
    assert len(info["notebooks"]) * len(info["authorities"]) <= 8
    assert {"Orkney Islands", "Shetland Islands", "Na h-Eileanan Siar"} & set(info["authorities"])


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_an_unknown_key_is_named_with_the_notebook(nb):
    message = check_parameters(nb, {"authority": "Fife", "rule_set": "ihi"})
    assert message is not None
    assert "'rule_set'" in message and nb.name in message


def test_the_contract_check_itself_catches_a_wrong_type():
    nb = NOTEBOOKS[0]
    assert _check({"min_cell": "5"}, nb, "x.yaml") == [
        f"x.yaml: 'min_cell' is str, {nb.name} declares int"
    ]
    assert _check({"interactive": 1}, nb, "x.yaml")
    assert _check({"min_cell": True}, nb, "x.yaml")
    assert _check({"as_of": "2021-03-31", "min_cell": 3, "mapping": None}, nb, "x.yaml") == []


def test_the_package_also_refuses_an_unknown_parameter():
    import paceqi
    from paceqi.errors import OptionsError

    with pytest.raises(OptionsError, match="rule_set"):
        paceqi.change_idea_report(
            authority="Fife", extract="x.csv", change_idea="panel_to_adm", rule_set="ihi"
        )
