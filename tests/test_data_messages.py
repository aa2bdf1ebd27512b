"""Messages that say the fix: date formats, authority columns, one council's rows, as_of."""

from __future__ import annotations

import datetime as dt

import pytest

from paceqi.cli import main
from paceqi.data.load import load_extract
from paceqi.errors import DataValidationError, OptionsError

EPISODES = "CHILD,LA,DECOM,RNE,LS,PLACE,DEC,REC\n"


def _failures(path, mapping=None, **kw):
    with pytest.raises(DataValidationError) as err:
        load_extract(path, mapping, **kw)
    return err.value.failures


def test_iso_dates_under_a_uk_format_say_which_format_to_set(tmp_path):
    p = tmp_path / "iso.csv"
    p.write_text(
        EPISODES + "1,Leeds,2016-02-03,S,C2,U1,2016-05-01,E11\n2,Leeds,2017-03-04,S,C2,U1,,\n"
    )
    mapping = {
        "date_format": "%d/%m/%Y",
        "columns": {"CHILD": "child_id", "LA": "authority"},
        "events": [{"stage": "looked_after", "date": "DECOM"}],
    }
    f = _failures(p, mapping)
    top = f.iloc[0]
    assert top["check"] == "wrong_date_format" and top["column"] == "DECOM"
    assert top["message"] == (
        "column 'DECOM': every date in this column is written YYYY-MM-DD, not DD/MM/YYYY; "
        'set date_format: "%Y-%m-%d" in a mapping (--mapping)'
    )
    assert (f["check"] == "wrong_date_format").sum() == 1  # said once, not on every row


def test_an_unmapped_la_column_with_several_councils_is_named(tmp_path):
    p = tmp_path / "three.csv"
    p.write_text(
        "LA,child_id,looked_after\nLeeds,1,2016-02-03\nYork,2,2016-02-03\nHull,3,2016-02-03\n"
    )
    f = _failures(p, {"authority": "Example"})
    assert f["check"].tolist() == ["authority_column"]
    assert f["message"].item() == (
        "column 'LA': looks like the local authority and holds 3 different values, but no "
        "column gives the authority, so 3 councils would be pooled as one; map it: "
        "columns: {LA: authority} in the mapping"
    )
    one = tmp_path / "one.csv"
    one.write_text("LA,child_id,looked_after\nLeeds,1,2016-02-03\n")
    ex = load_extract(one, {"authority": "Leeds"})
    assert "authority_column" in set(ex.notes["check"])


def test_one_councils_report_ignores_other_councils_rows(tmp_path):
    p = tmp_path / "many.csv"
    p.write_text(
        "authority,child_id,looked_after,panel\n"
        "Fife,1,2016-02-03,2016-09-01\n"
        "Angus,2,soon,2016-02-03\n"  # a bad row of another council
        "Angus,3,2016-02-03,2015-01-01\n"
    )
    _failures(p, as_of="2021-03-31")  # the whole file has problems
    ex = load_extract(p, as_of="2021-03-31", authority="fife")
    assert ex.children["child_id"].tolist() == ["1"]
    note = ex.notes.loc[ex.notes["check"] == "other_authorities", "message"].item()
    assert note == (
        "2 row(s) of 1 other authority (or with no authority) were left out, unchecked: "
        "this is fife's report"
    )
    with pytest.raises(OptionsError, match=r"Authority 'Moray' is not in many.csv \(authorities"):
        load_extract(p, authority="Moray")


def test_ssda903_columns_without_a_mapping_point_to_the_shipped_one(tmp_path):
    p = tmp_path / "episodes.csv"
    p.write_text(EPISODES + "1,Leeds,03/02/2016,S,C2,U1,,\n")
    f = _failures(p)
    assert set(f["check"]) == {"missing_column"}
    assert f["message"].map(lambda m: "--mapping ssda903_episodes" in m).all()


def test_validate_defaults_to_the_extracts_own_date(tmp_path, capsys):
    p = tmp_path / "x.csv"
    p.write_text(
        "authority,child_id,looked_after,panel\nFife,1,2016-02-03,2016-09-01\nAngus,2,soon,\n"
    )
    assert main(["validate", str(p), "--authority", "Fife"]) == 0
    out = capsys.readouterr().out
    assert "x.csv: 1 children, 2 events" in out
    assert "no extract date given: the latest date in the file (2016-09-01)" in out
    assert "left out, unchecked" in out
    ex = load_extract(p, authority="Fife")
    assert ex.as_of == dt.date(2016, 9, 1)
