"""Mapping YAML: the shipped examples load; unknown keys and bad values name themselves."""

import pytest

from paceqi._paths import parameters_dir
from paceqi.catalogue import load_catalogue
from paceqi.data.mapping import load_mapping
from paceqi.errors import OptionsError

CODES = load_catalogue().codes


@pytest.mark.parametrize("path", sorted((parameters_dir() / "mappings").glob("*.yaml")))
def test_shipped_mappings_load(path):
    m = load_mapping(path, CODES)
    assert m.name == path.name


def test_name_resolves_to_parameters_mappings():
    assert load_mapping("ssda903_episodes", CODES).authority == "Example English LA"


def test_none_is_canonical():
    m = load_mapping(None, CODES)
    assert m.date_formats == ("%Y-%m-%d", "%d/%m/%Y") and m.columns == {}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"colums": {}},
            "mapping: unknown key(s) 'colums'; allowed: description, layout, sheet, "
            "header_row, delimiter, date_format, authority, columns, stages, routes, "
            "events",
        ),
        ({"layout": "tall"}, "mapping: layout must be one of auto, wide, long"),
        ({"header_row": 0}, "mapping: 'header_row' must be a row number (1 = the first row)"),
        ({"sheet": True}, "mapping: 'sheet' must be a sheet name or a sheet number (1 = first)"),
        ({"delimiter": "::"}, "mapping: 'delimiter' must be one of ',', ';', '|' or a tab"),
        (
            {"date_format": "%m/%Y"},
            "mapping: date_format '%m/%Y' lacks a day, a month or a year; expected a format "
            "such as '%d/%m/%Y' with a day (%d), month (%m, %b or %B) and year (%Y or %y), "
            "each once",
        ),
        (
            {"date_format": "%d/%d/%m/%Y"},
            "mapping: date_format '%d/%d/%m/%Y' gives a part of the date more than once",
        ),
        ({"date_format": "%d/%m/%Y %"}, "mapping: date_format '%d/%m/%Y %' ends with a stray %"),
        (
            {"date_format": "%d/%m/%Y%q"},
            "mapping: date_format '%d/%m/%Y%q' has directive(s) %q that a date format cannot use",
        ),
        (
            {"date_format": "%d/%b/%m/%Y"},
            "mapping: date_format '%d/%b/%m/%Y' gives a part of the date more than once",
        ),
        (
            {"columns": {"Ref": "child"}},
            "mapping: columns: 'Ref' maps to 'child', which is neither a canonical column",
        ),
        (
            {"columns": {"A": "child_id", "B": "child_id"}},
            "mapping: columns: more than one column maps to child_id",
        ),
        ({"columns": ["Ref"]}, "mapping: 'columns' must be a mapping of local names"),
        ({"stages": {"LAC": "lac"}}, "mapping: stages: 'LAC' maps to 'lac', which is not a stage"),
        (
            {"routes": {"Fostering": "foster"}},
            "mapping: routes: 'Fostering' maps to 'foster', "
            "which is not a route (home, po, kco, adoption, "
            "undecided)",
        ),
        ({"authority": ""}, "mapping: 'authority' must be a non-empty text"),
        ({"events": {"stage": "panel"}}, "mapping: 'events' must be a list of rules"),
        (
            {"events": [{"stage": "panel", "date": "D", "whenn": {}}]},
            "mapping: events rule 1: unknown key(s) 'whenn'; allowed: stage, date, when, first, "
            "route, outcome",
        ),
        (
            {"events": [{"stage": "pannel", "date": "D"}]},
            "mapping: events rule 1: 'stage' must be a stage code",
        ),
        (
            {"events": [{"stage": "panel"}]},
            "mapping: events rule 1: 'date' must name the column that dates the event",
        ),
        (
            {"events": [{"stage": "panel", "date": "D", "route": "x"}]},
            "mapping: events rule 1: 'route' must be one of home, po, kco, adoption, undecided",
        ),
        (
            {"events": [{"stage": "panel", "date": "D", "first": "yes"}]},
            "mapping: events rule 1: 'first' must be true or false",
        ),
        (
            {"events": [{"stage": "panel", "date": "D", "when": {"REC": []}}]},
            "mapping: events rule 1: when: 'REC' must list the codes that match",
        ),
    ],
)
def test_bad_mapping_is_named(doc, message):
    with pytest.raises(OptionsError) as err:
        load_mapping(doc, CODES)
    assert str(err.value).startswith(message)


def test_mapping_file_problems(tmp_path):
    with pytest.raises(OptionsError, match="Mapping file not found: .*nope.yaml"):
        load_mapping(tmp_path / "nope.yaml", CODES)
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: [unclosed\n")
    with pytest.raises(OptionsError, match="Cannot read mapping .*bad.yaml: ScannerError|Parser"):
        load_mapping(bad, CODES)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(OptionsError, match="list.yaml: a mapping must be a YAML mapping"):
        load_mapping(listy, CODES)
