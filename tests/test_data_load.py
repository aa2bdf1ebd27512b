"""Loading extracts: layouts, mappings, encodings, workbooks, derived plans and notes."""

import datetime as dt
import hashlib

import pandas as pd
import pytest
from _extract_files import DATA, make_files, write_xlsx

from paceqi.data.extract import Extract
from paceqi.data.load import load_extract
from paceqi.data.schema import CHILDREN_COLUMNS, EVENTS_COLUMNS, PLANS_COLUMNS, ROUTES
from paceqi.errors import DataValidationError, OptionsError

AS_OF = "2021-01-01"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("extracts"))


def _events(ex, child):
    ev = ex.events.loc[ex.events["child_id"] == child]
    return list(zip(ev["stage"], ev["date"].dt.strftime("%Y-%m-%d"), ev["occurrence"], strict=True))


def assert_canonical(ex: Extract) -> None:
    assert list(ex.children.columns) == list(CHILDREN_COLUMNS)
    assert list(ex.events.columns) == list(EVENTS_COLUMNS)
    assert list(ex.plans.columns) == list(PLANS_COLUMNS)
    assert ex.events["date"].dtype == "datetime64[ns]"
    assert (ex.events["date"] == ex.events["date"].dt.normalize()).all()
    assert ex.events["occurrence"].dtype == "int64"
    assert ex.events["route"].dropna().isin(ROUTES).all()
    assert ex.plans["plan_seq"].dtype == "int64"
    assert ex.plans["decided_date"].dtype == "datetime64[ns]"
    assert ex.plans["route"].isin(ROUTES).all()
    assert ex.children["birth_month"].dtype == "datetime64[ns]"
    assert list(ex.notes.columns) == ["file", "row", "column", "check", "message"]


def test_wide_canonical():
    ex = load_extract(DATA / "wide_canonical.csv", as_of=AS_OF)
    assert_canonical(ex)
    assert ex.source == "wide_canonical.csv"
    assert ex.sha256 == hashlib.sha256((DATA / "wide_canonical.csv").read_bytes()).hexdigest()
    assert ex.as_of == dt.date(2021, 1, 1)
    assert ex.children["child_id"].tolist() == ["F001", "F002", "F003", "F004"]
    assert _events(ex, "F002") == [
        ("looked_after", "2017-05-01", 1),
        ("first_review", "2017-06-05", 1),
        ("permanence_recommended", "2017-10-01", 1),
    ]
    assert ex.events.loc[ex.events["child_id"] == "F001", "route"].eq("adoption").all()
    # one plan per child with a route, decided at the permanence recommendation
    plans = ex.plans.set_index("child_id")
    assert plans.loc["F001", "route"] == "adoption"
    assert plans.loc["F001", "decided_date"] == pd.Timestamp("2016-07-20")
    assert "F003" not in plans.index  # no route recorded: no plan
    assert plans["superseded_date"].isna().all()


def test_long_canonical_plans_follow_route_changes():
    ex = load_extract(DATA / "long_canonical.csv", as_of=AS_OF)
    assert_canonical(ex)
    a01 = ex.plans.loc[ex.plans["child_id"] == "A01"]
    assert a01["route"].tolist() == ["undecided", "po", "adoption"]
    assert a01["plan_seq"].tolist() == [1, 2, 3]
    assert a01["decided_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-04-01",
        "2015-09-20",
        "2016-01-12",
    ]
    assert a01["superseded_date"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2015-09-20",
        "2016-01-12",
        "",
    ]
    panel = ex.events.loc[(ex.events["child_id"] == "A01") & (ex.events["stage"] == "panel")]
    assert panel["occurrence"].tolist() == [1, 2]
    assert panel["outcome"].tolist() == ["deferred", "approved"]
    # a route recorded only from a later event starts the plan there
    a02 = ex.plans.loc[ex.plans["child_id"] == "A02"]
    assert a02["decided_date"].tolist() == [pd.Timestamp("2016-07-15")]


def test_occurrence_is_computed_when_absent(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(
        "authority,child_id,stage,date\n"
        "A,1,looked_after,2016-01-01\nA,1,panel,2016-09-01\nA,1,panel,2016-06-01\n"
    )
    ex = load_extract(p, as_of=AS_OF)
    assert _events(ex, "1") == [
        ("looked_after", "2016-01-01", 1),
        ("panel", "2016-06-01", 1),
        ("panel", "2016-09-01", 2),
    ]


def test_local_tracker_through_example_mapping():
    ex = load_extract(DATA / "local_tracker.csv", "example_local_tracker", as_of=AS_OF)
    assert_canonical(ex)
    assert set(ex.events["authority"]) == {"Example Council"}
    assert _events(ex, "LT-1")[:2] == [
        ("looked_after", "2016-02-03", 1),
        ("two_week_meeting", "2016-02-16", 1),
    ]
    routes = ex.plans.set_index("child_id")["route"].to_dict()
    assert routes == {
        "LT-1": "adoption",
        "LT-2": "home",
        "LT-3": "undecided",
        "LT-4": "po",
        "LT-5": "kco",
    }
    ignored = ex.notes.loc[ex.notes["check"] == "ignored_columns", "message"].tolist()
    assert ignored == ["1 column(s) not used (not canonical names, stage codes or mapped): 'Notes'"]


def test_ssda903_episodes_through_mapping():
    ex = load_extract(DATA / "ssda903_episodes.csv", "ssda903_episodes", as_of=AS_OF)
    assert_canonical(ex)
    assert set(ex.events["authority"]) == {"Example English LA"}
    # LS E1 (placement order) dates adm_decision; PLACE A4 (placed for adoption) is a move
    assert _events(ex, "101") == [
        ("looked_after", "2016-03-01", 1),
        ("adm_decision", "2016-09-10", 1),
        ("placement_move", "2016-09-10", 1),
        ("order_granted", "2017-06-15", 1),
    ]
    assert _events(ex, "102") == [
        ("looked_after", "2017-05-05", 1),
        ("home_confirmed", "2017-12-20", 1),
    ]
    assert _events(ex, "103") == [
        ("looked_after", "2018-01-12", 1),
        ("placement_move", "2018-08-01", 1),  # RNE T: a change of placement
        ("order_granted", "2019-04-30", 1),
    ]
    # a second period of care (RNE S) is a second looked_after
    assert _events(ex, "104") == [
        ("looked_after", "2016-02-02", 1),
        ("home_confirmed", "2016-06-01", 1),
        ("looked_after", "2017-03-03", 2),
    ]
    assert _events(ex, "105") == [("looked_after", "2019-11-15", 1)]
    routes = ex.plans.set_index("child_id")["route"].to_dict()
    assert routes == {"101": "adoption", "102": "home", "103": "kco", "104": "home"}
    assert len(ex.children) == 5


def test_mapping_as_dict_is_not_mutated():
    mapping = {
        "date_format": "%d/%m/%Y",
        "authority": "X",
        "columns": {"CHILD": "child_id"},
        "events": [{"stage": "looked_after", "date": "DECOM", "first": True}],
    }
    before = repr(mapping)
    ex = load_extract(DATA / "ssda903_episodes.csv", mapping, as_of=AS_OF)
    assert repr(mapping) == before
    assert len(ex.events) == 5


def test_cp1252_file_is_read(tmp_path):
    ex = load_extract(DATA / "cp1252.csv", as_of=AS_OF)
    assert len(ex.children) == 2
    from paceqi.data._read import read_file, read_records

    records = read_records(read_file(DATA / "cp1252.csv"))
    assert records.encoding == "cp1252"
    assert records.rows[1][4] == "\u00a350 travel paid; carer\u2019s view noted"


@pytest.mark.parametrize("name", ["bom.csv", "utf16.txt", "semicolon.csv", "huge_line.csv"])
def test_text_variants_load(files, name):
    ex = load_extract(files[name], as_of=AS_OF)
    assert ex.events.loc[ex.events["stage"] == "looked_after", "date"].tolist() == [
        pd.Timestamp("2016-02-03")
    ]


def test_title_rows_are_skipped_with_a_note():
    ex = load_extract(DATA / "title_rows.csv", as_of=AS_OF)
    assert ex.children["child_id"].tolist() == ["M1", "M2"]
    note = ex.notes.loc[ex.notes["check"] == "header_found", "message"].item()
    assert note == (
        "the header is on row 4; the 3 row(s) above it were skipped "
        "(set header_row in a mapping to say so explicitly)"
    )


def test_header_row_in_mapping(tmp_path):
    ex = load_extract(DATA / "title_rows.csv", {"header_row": 4}, as_of=AS_OF)
    assert "header_found" not in set(ex.notes["check"])
    assert len(ex.children) == 2


def test_xlsx_with_title_rows_and_date_cells(files):
    ex = load_extract(files["tracker.xlsx"], as_of=AS_OF)
    assert_canonical(ex)
    assert ex.children["child_id"].tolist() == ["M1", "1002", "M3"]  # a number cell as text
    assert _events(ex, "M1") == [("looked_after", "2016-02-03", 1), ("panel", "2016-10-01", 1)]
    assert _events(ex, "M3") == [("looked_after", "2018-01-10", 1)]  # a text date cell
    assert "header_found" in set(ex.notes["check"])


def test_xlsx_bad_date_row_numbers_match_the_sheet(tmp_path):
    rows = [
        ["authority", "child_id", "looked_after"],
        ["A", "1", dt.datetime(2016, 1, 1)],
        ["A", "2", "31/02/2016"],
    ]
    p = write_xlsx(tmp_path / "t.xlsx", rows)
    with pytest.raises(DataValidationError) as err:
        load_extract(p, as_of=AS_OF)
    f = err.value.failures
    assert f[["row", "column", "check"]].values.tolist() == [[3, "looked_after", "impossible_date"]]


def test_xlsx_sheet_chosen_or_named(files):
    ex = load_extract(files["two_sheets.xlsx"], as_of=AS_OF)
    assert len(ex.children) == 3
    assert ex.notes.loc[ex.notes["check"] == "sheet_chosen", "message"].item() == (
        "read sheet 'Data' of 2 (Cover, Data); set sheet in a mapping to choose another"
    )
    ex2 = load_extract(files["two_sheets.xlsx"], {"sheet": "data"}, as_of=AS_OF)
    assert len(ex2.children) == 3 and "sheet_chosen" not in set(ex2.notes["check"])
    with pytest.raises(DataValidationError, match="has no sheet named 'Nope'; sheets: Cover, Data"):
        load_extract(files["two_sheets.xlsx"], {"sheet": "Nope"}, as_of=AS_OF)
    with pytest.raises(DataValidationError, match="has 2 sheet\\(s\\); there is no sheet 3"):
        load_extract(files["two_sheets.xlsx"], {"sheet": 3}, as_of=AS_OF)


def test_xlsx_renamed_csv_is_read_with_a_note(files):
    ex = load_extract(files["xlsx_renamed.csv"], as_of=AS_OF)
    assert len(ex.children) == 3
    assert "file_type" in set(ex.notes["check"])


def test_as_of_defaults_to_the_end_of_the_data_and_is_checked(tmp_path):
    ex = load_extract(DATA / "wide_canonical.csv")
    assert ex.as_of == dt.date(2019, 11, 10)  # the latest date in the file
    note = ex.notes.loc[ex.notes["check"] == "as_of", "message"].item()
    assert note.startswith("no extract date given: the latest date in the file (2019-11-10)")
    future = tmp_path / "future.csv"
    future.write_text("authority,child_id,looked_after\nA,1,2199-01-01\n")
    with pytest.raises(DataValidationError, match="dated after the extract date"):
        load_extract(future)  # without as_of, no date may be after today
    assert load_extract(DATA / "wide_canonical.csv", as_of=dt.date(2020, 1, 1)).as_of == dt.date(
        2020, 1, 1
    )
    with pytest.raises(OptionsError, match="as_of must be a date as YYYY-MM-DD; got '1/1/2020'"):
        load_extract(DATA / "wide_canonical.csv", as_of="1/1/2020")


def test_notes_are_aggregated_and_name_rows_only(tmp_path):
    ex = load_extract(DATA / "long_canonical.csv", as_of=AS_OF)
    msgs = dict(
        zip(ex.notes["check"] + ":" + ex.notes["message"].str[:40], ex.notes["row"], strict=True)
    )
    assert ex.notes["row"].isna().all()
    assert ex.notes.loc[ex.notes["check"] == "only_looked_after", "message"].item() == (
        "1 child(ren) have no stage recorded after 'looked_after' (row 13)"
    )
    assert len(msgs) == len(ex.notes)


def test_stage_order_note(tmp_path):
    p = tmp_path / "order.csv"
    p.write_text(
        "authority,child_id,looked_after,permanence_recommended,panel\n"
        "A,1,2016-01-01,2016-06-01,2016-05-01\nA,2,2016-01-01,2016-06-01,2016-08-01\n"
    )
    ex = load_extract(p, as_of=AS_OF)
    row = ex.notes.loc[ex.notes["check"] == "stage_order"]
    assert row["column"].item() == "panel"
    assert row["message"].item() == (
        "column 'panel': 'panel' is dated before 'permanence_recommended' for 1 child(ren) "
        "(row 2); its target is counted from 'permanence_recommended'"
    )


def test_no_looked_after_note(tmp_path):
    p = tmp_path / "nola.csv"
    p.write_text("authority,child_id,looked_after,panel\nA,1,,2016-05-01\nA,2,2016-01-01,\n")
    ex = load_extract(p, as_of=AS_OF)
    assert ex.notes.loc[ex.notes["check"] == "no_looked_after", "message"].item() == (
        "column 'looked_after': 1 child(ren) have no 'looked_after' date, so no interval can "
        "start from it (row 2)"
    )


def test_long_stage_labels_and_ignored_rows(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text(
        "la,ref,event,when,plan\n"
        "X,1,Became LAC,01/02/2016,\n"
        "X,1,Placement move,01/03/2016,\n"
        "X,1,Permanence Panel,01/09/2016,Adoption\n"
    )
    mapping = {
        "columns": {
            "la": "authority",
            "ref": "child_id",
            "event": "stage",
            "when": "date",
            "plan": "route",
        },
        "stages": {
            "Became LAC": "looked_after",
            "Permanence Panel": "panel",
            "Placement move": None,
        },
        "routes": {"adoption": "adoption"},
        "date_format": "%d/%m/%Y",
    }
    ex = load_extract(p, mapping, as_of=AS_OF)
    assert _events(ex, "1") == [("looked_after", "2016-02-01", 1), ("panel", "2016-09-01", 1)]
    assert ex.notes.loc[ex.notes["check"] == "ignored_rows", "message"].item() == (
        "column 'event': 1 row(s) skipped: their stage label is mapped to null (ignored)"
    )


def test_catalogue_labels_and_case_are_accepted(tmp_path):
    p = tmp_path / "case.csv"
    p.write_text(
        "Authority,Child ID,Stage,Date,Route\n"
        "X,1,Child becomes looked after,2016-02-01,Undecided\nX,1,PANEL,2016-09-01,PO\n"
    )
    ex = load_extract(p, as_of=AS_OF)
    assert ex.events["stage"].tolist() == ["looked_after", "panel"]
    assert ex.events["route"].tolist() == ["undecided", "po"]


def test_inputs_on_disk_are_unchanged(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes((DATA / "wide_canonical.csv").read_bytes())
    before = p.read_bytes()
    load_extract(p, as_of=AS_OF)
    assert p.read_bytes() == before


def test_extract_is_frozen():
    ex = load_extract(DATA / "wide_canonical.csv", as_of=AS_OF)
    with pytest.raises(AttributeError):
        ex.source = "x"  # type: ignore[misc]


def test_optional_child_columns_in_a_long_file(tmp_path):
    p = tmp_path / "kids.csv"
    p.write_text(
        "authority,child_id,stage,date,sex,birth_month,sibling_group_id\n"
        "A,1,looked_after,2016-01-01,F,2014-03,S1\n"
        "A,1,panel,2016-09-01,,,\n"
        "A,2,looked_after,2016-02-01,,,\n"
        "A,2,panel,2016-10-01,M,03/2015,\n"
    )
    ex = load_extract(p, as_of=AS_OF)
    kids = ex.children.set_index("child_id")
    assert kids["sex"].tolist() == ["F", "M"]  # first value recorded for each child
    assert kids["birth_month"].dt.strftime("%Y-%m-%d").tolist() == ["2014-03-01", "2015-03-01"]
    assert kids.loc["1", "sibling_group_id"] == "S1" and pd.isna(kids.loc["2", "sibling_group_id"])


@pytest.mark.parametrize(
    ("name", "mapping"),
    [
        ("wide_canonical.csv", None),
        ("long_canonical.csv", None),
        ("local_tracker.csv", "example_local_tracker"),
        ("ssda903_episodes.csv", "ssda903_episodes"),
    ],
)
def test_round_trip_through_the_long_canonical_csv(tmp_path, name, mapping):
    """Events written as the synthetic generator writes them (long, ISO dates) load back equal."""
    ex = load_extract(DATA / name, mapping, as_of=AS_OF)
    out = ex.events.assign(date=ex.events["date"].dt.strftime("%Y-%m-%d"))
    path = tmp_path / "roundtrip.csv"
    out.to_csv(path, index=False)
    back = load_extract(path, as_of=AS_OF)
    pd.testing.assert_frame_equal(back.events, ex.events)
    pd.testing.assert_frame_equal(
        back.children[["authority", "child_id"]], ex.children[["authority", "child_id"]]
    )
    if name != "wide_canonical.csv" and name != "local_tracker.csv":
        pd.testing.assert_frame_equal(back.plans, ex.plans)


def test_a_header_longer_than_the_first_read_is_found(tmp_path):
    # 20,000 columns: the header alone is longer than the 64 KB read to find it
    n = 20_000
    p = tmp_path / "wide.csv"
    header = ["authority", "child_id", "looked_after", *(f"c{i}" for i in range(n)), "c5"]
    p.write_text(",".join(header) + "\n" + ",".join(["A", "1", "2016-01-01", *[""] * (n + 1)]))
    ex = load_extract(p, as_of="2021-01-01")
    assert len(ex.children) == 1
    note = ex.notes.loc[ex.notes["check"] == "ignored_columns", "message"].item()
    assert note.startswith("20001 column(s) not used")


def test_a_care_event_is_not_a_step_so_no_stage_is_missing_before_it(tmp_path):
    # C01: a placement move two months in, nothing else yet: a journey under way, no gap.
    # C02: a permanence recommendation with no first review before it: a real gap.
    # C04: a CSO plan review before the CSO ended: its journey has not ended, nothing missing.
    rows = [
        "authority,child_id,stage,date,occurrence,route,outcome",
        "Angus,C01,looked_after,2020-01-06,1,undecided,",
        "Angus,C01,placement_move,2020-03-02,1,undecided,",
        "Angus,C01,returned_to_care,2020-06-01,1,undecided,",
        "Angus,C02,looked_after,2020-01-06,1,undecided,",
        "Angus,C02,two_week_meeting,2020-01-13,1,undecided,",
        "Angus,C02,permanence_recommended,2020-09-01,1,po,",
        "Angus,C02,placement_move,2020-10-01,1,po,",
        "Angus,C03,looked_after,2020-01-06,1,undecided,",  # the extract records first reviews
        "Angus,C03,two_week_meeting,2020-01-15,1,undecided,",
        "Angus,C03,first_review,2020-02-10,1,undecided,",
        # C04: at home on a CSO, plan reviewed; the CSO has not ended (no home_confirmed yet)
        "Angus,C04,looked_after,2018-01-08,1,home,",
        "Angus,C04,two_week_meeting,2018-01-15,1,home,",
        "Angus,C04,first_review,2018-02-12,1,home,",
        "Angus,C04,permanence_recommended,2018-06-04,1,home,",
        "Angus,C04,cso_home_review,2020-01-13,1,home,",
        "Angus,C05,looked_after,2018-01-08,1,home,",  # the extract records the end at home
        "Angus,C05,two_week_meeting,2018-01-15,1,home,",
        "Angus,C05,first_review,2018-02-12,1,home,",
        "Angus,C05,permanence_recommended,2018-06-04,1,home,",
        "Angus,C05,home_confirmed,2019-01-07,1,home,",
    ]
    path = tmp_path / "care_events.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ex = load_extract(path, as_of=AS_OF)
    gaps = ex.notes.loc[ex.notes["check"] == "missing_stage_date", "message"].tolist()
    assert len(gaps) == 1 and gaps[0].startswith("'first_review' has no date for 1 child"), gaps
    assert "(row 5)" in gaps[0], gaps  # C02's first row, not C01's
