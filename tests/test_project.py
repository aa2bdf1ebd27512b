"""paceqi init and where relative paths resolve (the project folder, issue #19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paceqi._paths import PROJECT_MARKER, defaults_dir, project_for, project_root
from paceqi.cli import main
from paceqi.project import init_project
from paceqi.report.jobs import spec_from_parameters_file, specs_from_manifest

CHECKOUT = Path(__file__).resolve().parents[1]


def test_init_writes_a_working_folder(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p"), "--authority", "Glasgow City"]) == 0
    p = tmp_path / "p"
    assert (p / PROJECT_MARKER).read_text().endswith("authority: Glasgow City\n")
    for rel in (
        "parameters/catalogues/scotland.yaml",
        "parameters/measures/baseline_journeys.yaml",
        "parameters/mappings/ssda903_episodes.yaml",
        "parameters/mappings/glasgow_city.yaml",
        "parameters/authorities/glasgow_city.yaml",
        "parameters/batch/glasgow_city.yaml",
        "notebooks/change_ideas/baseline_journeys.ipynb",
        "notebooks/pdsa_tracker.ipynb",
        "workspace/paceqi.db",
        "README.txt",
    ):
        assert (p / rel).exists(), rel
    assert "Wrote the project folder" in capsys.readouterr().out
    # the mapping template is a valid mapping
    from paceqi.catalogue import load_catalogue
    from paceqi.data.mapping import load_mapping

    m = load_mapping(p / "parameters/mappings/glasgow_city.yaml", load_catalogue().codes)
    assert m.authority == "Glasgow City"
    # a second init into the same folder is refused, naming it
    assert main(["init", str(p)]) == 1
    assert "exists and is not an empty folder" in capsys.readouterr().err


def test_relative_paths_resolve_against_the_project(tmp_path, monkeypatch):
    p = init_project(tmp_path / "proj", authority="Fife")
    params = p / "parameters" / "authorities" / "fife.yaml"
    assert project_for(params) == p
    nb = p / "notebooks" / "change_ideas" / "baseline_journeys.ipynb"
    monkeypatch.chdir(tmp_path)  # run from outside the project: still its paths
    spec = spec_from_parameters_file(nb, params, output_dir=tmp_path / "out")
    assert spec.parameters["extract"] == str(p / "data/synthetic/extracts/fife.csv")
    assert spec.parameters["pdsa"] == str(p / "workspace/paceqi.db")
    specs = specs_from_manifest(p / "parameters/batch/fife.yaml", output_dir=tmp_path / "o")
    assert {s.notebook.parent for s in specs} == {p / "notebooks" / "change_ideas"}
    monkeypatch.chdir(p / "data")  # inside the project: it is the project root
    assert project_root() == p


def test_a_parameters_file_outside_any_project_resolves_against_its_folder(tmp_path):
    monkeypatch_free = tmp_path / "loose"
    monkeypatch_free.mkdir()
    f = monkeypatch_free / "params.yaml"
    f.write_text("authority: Fife\nextract: data/x.csv\n")
    nb = CHECKOUT / "notebooks" / "change_ideas" / "baseline_journeys.ipynb"
    spec = spec_from_parameters_file(nb, f, output_dir=tmp_path)
    assert spec.parameters["extract"] == str(monkeypatch_free / "data" / "x.csv")
    # in the checkout, files resolve against the checkout as before
    assert project_for(CHECKOUT / "parameters" / "authorities" / "fife.yaml") == CHECKOUT
    assert defaults_dir() == CHECKOUT


def test_init_rejects_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    from paceqi.errors import OptionsError

    with pytest.raises(OptionsError, match="is not an empty folder"):
        init_project(f)
