import ast
import dataclasses
import datetime as dt
import json
import typing

import pytest

from paceqi import OptionsError
from paceqi._paths import project_root
from paceqi.changeidea.params import NotebookParameters, ReportParams, report_parameters

BASE = {"authority": "Fife", "extract": "data/synthetic/extracts/fife.csv", "change_idea": "x"}


def test_defaults_and_path_resolution():
    p = report_parameters(**BASE)
    assert p.extract == project_root() / "data/synthetic/extracts/fife.csv"
    assert (p.period, p.rules, p.min_cell, p.interactive) == ("quarter", "ihi", 5, False)
    assert p.mapping is None and p.pdsa is None and p.test_start is None and p.as_of is None


def test_dates_urls_and_round_trip_to_json_types():
    p = report_parameters(**BASE, as_of="2021-03-31", pdsa="sqlite:///w/paceqi.db", mapping="")
    assert p.as_of == dt.date(2021, 3, 31)
    assert p.pdsa == "sqlite:///w/paceqi.db"
    d = p.as_dict()
    assert d["as_of"] == "2021-03-31" and isinstance(d["extract"], str)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"colour": "red"}, r"Unknown parameter\(s\) colour\. Known parameters: as_of, authority"),
        ({"rules": "westgard"}, r"Parameter 'rules' is 'westgard'; use one of: ihi, anhoej, mdc"),
        ({"period": "week"}, r"Parameter 'period' is 'week'; use one of: month, quarter"),
        ({"as_of": "31/03/2021"}, r"Parameter 'as_of' is '31/03/2021', not a date in the form"),
        ({"test_start": dt.date(2020, 1, 1)}, r"'test_start' must be an ISO date string"),
        ({"min_cell": -1}, r"'min_cell' must be a whole number >= 0"),
        ({"interactive": "yes"}, r"'interactive' must be True or False"),
        ({"authority": ""}, r"Parameter 'authority' is required"),
    ],
)
def test_bad_parameters_are_named(extra, message):
    with pytest.raises(OptionsError, match=message):
        report_parameters(**{**BASE, **extra})


def test_a_misspelt_parameter_is_named_with_the_closest_known_name():
    with pytest.raises(OptionsError, match=r"test_strat \(did you mean 'test_start'\?\)"):
        report_parameters(**BASE, test_strat="2016-03-01")


def _parameters_cell(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    return {
        node.target.id: node.annotation.id
        for node in ast.parse("".join(cell["source"])).body
        if isinstance(node, ast.AnnAssign)
    }


@pytest.mark.parametrize(
    "notebook",
    sorted((project_root() / "notebooks" / "change_ideas").glob("*.ipynb")),
    ids=lambda p: p.stem,
)
def test_notebook_parameters_the_typed_record_and_the_validated_record_agree(notebook):
    # (with postponed annotations __required_keys__ is empty at run time: read Required here)
    hints = typing.get_type_hints(NotebookParameters, include_extras=True)
    required = {k for k, v in hints.items() if typing.get_origin(v) is typing.Required}
    assert required == {"authority", "extract", "change_idea"}
    typed = typing.get_type_hints(NotebookParameters)
    cell = _parameters_cell(notebook)
    assert set(cell) == set(typed) == {f.name for f in dataclasses.fields(ReportParams)}
    for name, annotation in cell.items():  # the cell's JSON type is one the record accepts
        accepted = typing.get_args(typed[name]) or (typed[name],)
        assert {"str": str, "int": int, "bool": bool}[annotation] in accepted, name
