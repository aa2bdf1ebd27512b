"""Every validation check: its name, its row and column, and its exact message."""

import re

import pandas as pd
import pytest
from _extract_files import DATA, make_files

from paceqi.data.load import load_extract
from paceqi.data.validate import describe_formats, parse_dates, row_list
from paceqi.errors import DataValidationError

AS_OF = "2021-01-01"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("broken"))


def failures(path, mapping=None, **kw):
    with pytest.raises(DataValidationError) as err:
        load_extract(path, mapping, as_of=AS_OF, **kw)
    f = err.value.failures
    assert list(f.columns) == ["file", "row", "column", "check", "message"]
    return f


def as_tuples(f):
    return [
        (None if pd.isna(r) else int(r), c, k, m)
        for r, c, k, m in f[["row", "column", "check", "message"]].itertuples(index=False)
    ]


def test_missing_required_column():
    f = failures(DATA / "missing_columns.csv")
    assert as_tuples(f) == [
        (
            None,
            None,
            "missing_column",
            "missing required column 'child_id': the child's pseudonymous id; columns found: "
            "'authority', 'looked_after', 'panel'",
        ),
    ]


def test_missing_mapped_column_names_the_local_name(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("Reference,looked_after\n1,2016-01-01\n")
    f = failures(p, {"authority": "X", "columns": {"Child Ref": "child_id"}})
    assert f["message"].tolist() == [
        "missing required column 'child_id' (the mapping names it 'child_ref'): the child's "
        "pseudonymous id; columns found: 'Reference', 'looked_after'"
    ]


def test_no_stage_columns(tmp_path):
    p = tmp_path / "nostage.csv"
    p.write_text("authority,child_id,comment\nA,1,x\n")
    assert failures(p)["message"].tolist() == [
        "no stage columns: expected 'stage' and 'date' columns (one row per event) or one date "
        "column per stage code such as 'looked_after' (one row per child); columns found: "
        "'authority', 'child_id', 'comment'"
    ]


def test_headerless_file_says_row_1_looks_like_data():
    assert as_tuples(failures(DATA / "headerless.csv")) == [
        (
            None,
            None,
            "missing_column",
            "row 1 looks like data, not a header; expected a header row naming the columns (add "
            "one, or set header_row in a mapping)",
        ),
    ]


def test_header_row_override_that_misses_says_which_row_looks_like_a_header():
    f = failures(DATA / "title_rows.csv", {"header_row": 1})
    assert f["check"].tolist() == ["missing_column"]
    assert f["message"].item().endswith("(row 4 looks like a header row)")


def test_header_row_beyond_the_file():
    f = failures(DATA / "title_rows.csv", {"header_row": 40})
    assert f["message"].tolist() == ["header_row 40 is beyond the last row (6) of the file"]


def test_unknown_stage_and_route():
    f = failures(DATA / "unknown_labels.csv")
    assert as_tuples(f) == [
        (
            3,
            "stage",
            "unknown_stage",
            "row 3, column 'stage': not a stage; expected a stage code of the 'scotland' catalogue "
            "(looked_after, two_week_meeting, first_review, second_review, kinship_assessed, "
            "legal_referral, legal_opinion, permanence_recommended, panel, adm_decision, "
            "scra_referral, advice_hearing, application_lodged, order_granted, home_confirmed, "
            "cso_home_review, placement_move, returned_to_care) or a label listed under 'stages' "
            "in the mapping",
        ),
        (
            4,
            "route",
            "unknown_route",
            "row 4, column 'route': not a route; expected one of home, po, kco, adoption, "
            "undecided "
            "or a label listed under 'routes' in the mapping",
        ),
    ]


def test_bad_and_impossible_dates():
    assert as_tuples(failures(DATA / "bad_dates.csv")) == [
        (
            2,
            "permanence_recommended",
            "impossible_date",
            "row 2, column 'permanence_recommended': not a real calendar date (that day does not "
            "exist); expected a date in the format YYYY-MM-DD or DD/MM/YYYY",
        ),
        (
            3,
            "permanence_recommended",
            "bad_date",
            "row 3, column 'permanence_recommended': not a date in the format YYYY-MM-DD or "
            "DD/MM/YYYY",
        ),
        (
            4,
            "looked_after",
            "bad_date",
            "row 4, column 'looked_after': a number, not a date (an Excel day number? format the "
            "column as dates in the spreadsheet); expected a date in the format YYYY-MM-DD or "
            "DD/MM/YYYY",
        ),
        (
            4,
            "permanence_recommended",
            "impossible_date",
            "row 4, column 'permanence_recommended': not a real calendar date (that day does not "
            "exist); expected a date in the format YYYY-MM-DD or DD/MM/YYYY",
        ),
    ]


def test_date_format_from_mapping_is_named(tmp_path):
    p = tmp_path / "us.csv"
    p.write_text("authority,child_id,looked_after\nA,1,2016-02-03\n")
    f = failures(p, {"date_format": "%d.%m.%Y"})
    assert f["message"].tolist() == [
        "column 'looked_after': every date in this column is written YYYY-MM-DD, not DD.MM.YYYY; "
        'set date_format: "%Y-%m-%d" in a mapping (--mapping)',
        "row 2, column 'looked_after': not a date in the format DD.MM.YYYY",
    ]
    assert f["check"].tolist() == ["wrong_date_format", "bad_date"]


def test_mixed_formats_suggest_a_list(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text("authority,child_id,looked_after\nA,1,03/02/2016\nA,2,04/05/17\n")
    f = failures(p, {"date_format": "%d/%m/%Y"})
    assert f["message"].iloc[0] == (
        "column 'looked_after': every date here that does not fit the expected format is written "
        'DD/MM/YY, not DD/MM/YYYY; set date_format: ["%d/%m/%Y", "%d/%m/%y"] in a mapping '
        "(--mapping)"
    )


def test_dates_out_of_range_and_bad_occurrences(tmp_path):
    p = tmp_path / "range.csv"
    p.write_text(
        "authority,child_id,stage,date,occurrence\n"
        "A,1,looked_after,0016-02-03,1\nA,1,panel,2016-05-03,inf\nA,1,adm_decision,2016-06-03,1e20\n"
    )
    assert as_tuples(failures(p)) == [
        (
            2,
            "date",
            "date_out_of_range",
            "row 2, column 'date': a date before 1678 or after 2261 (a typing slip such as year "
            "0016 or 9999?); expected the real date",
        ),
        (
            3,
            "occurrence",
            "bad_occurrence",
            "row 3, column 'occurrence': not a whole number from 1 to 10,000; expected 1 the first "
            "time a stage is reached, 2 the second time, ...",
        ),
        (
            4,
            "occurrence",
            "bad_occurrence",
            "row 4, column 'occurrence': not a whole number from 1 to 10,000; expected 1 the first "
            "time a stage is reached, 2 the second time, ...",
        ),
    ]


def test_stage_before_looked_after_wide():
    assert as_tuples(failures(DATA / "before_looked_after.csv")) == [
        (
            2,
            "first_review",
            "before_looked_after",
            "row 2, column 'first_review': 'first_review' is dated before the child's "
            "'looked_after' date (on this row); expected it on or after that date",
        ),
    ]


def test_stage_before_looked_after_long(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text(
        "authority,child_id,stage,date\nA,1,panel,2015-01-01\nA,1,looked_after,2015-04-01\n"
    )
    assert as_tuples(failures(p)) == [
        (
            2,
            "date",
            "before_looked_after",
            "row 2, column 'date': 'panel' is dated before the child's 'looked_after' date "
            "(row 3); "
            "expected it on or after that date",
        ),
    ]


def test_date_after_the_extract_date():
    assert as_tuples(failures(DATA / "future_date.csv")) == [
        (
            3,
            "date",
            "future_date",
            "row 3, column 'date': dated after the extract date (2021-01-01); expected a date on "
            "or before it",
        ),
    ]


def test_duplicate_child_in_wide():
    assert as_tuples(failures(DATA / "duplicate_child.csv")) == [
        (
            4,
            "child_id",
            "duplicate_child",
            "row 4, column 'child_id': the same child id is already on row 2; expected one row per "
            "child in a wide extract",
        ),
    ]


def test_duplicate_event_in_long():
    assert as_tuples(failures(DATA / "duplicate_event.csv")) == [
        (
            4,
            None,
            "duplicate_event",
            "row 4: the same event (child, stage and date) is already on row 3",
        ),
    ]


def test_duplicate_occurrence_in_long(tmp_path):
    p = tmp_path / "occ.csv"
    p.write_text(
        "authority,child_id,stage,date,occurrence\nA,1,looked_after,2015-04-01,1\n"
        "A,1,panel,2015-12-01,1\nA,1,panel,2016-01-05,1\nA,1,panel,2016-02-05,x\n"
    )
    assert as_tuples(failures(p)) == [
        (
            4,
            None,
            "duplicate_event",
            "row 4: the same event (child, stage and occurrence) is already on row 3",
        ),
        (
            5,
            "occurrence",
            "bad_occurrence",
            "row 5, column 'occurrence': not a whole number from 1 to 10,000; expected 1 the first "
            "time "
            "a stage is reached, 2 the second time, ...",
        ),
    ]


def test_missing_values(tmp_path):
    p = tmp_path / "blank.csv"
    p.write_text("authority,child_id,stage,date\n,1,looked_after,2015-04-01\nA,,panel,\n")
    assert as_tuples(failures(p)) == [
        (
            2,
            "authority",
            "missing_value",
            "row 2, column 'authority': empty; expected the authority on every row",
        ),
        (
            3,
            "child_id",
            "missing_value",
            "row 3, column 'child_id': empty; expected the child's id on every row",
        ),
        (3, "date", "missing_value", "row 3, column 'date': empty; expected the date of the event"),
    ]


def test_empty_file():
    assert as_tuples(failures(DATA / "empty.csv")) == [
        (
            None,
            None,
            "empty_file",
            "empty.csv: the file is empty; expected a header row, then one row per child or event",
        ),
    ]


def test_header_only_file():
    assert as_tuples(failures(DATA / "header_only.csv")) == [
        (None, None, "no_rows", "the file has a header row but no data rows"),
    ]


def test_row_with_more_fields_than_the_header():
    assert as_tuples(failures(DATA / "extra_fields.csv")) == [
        (
            3,
            None,
            "extra_fields",
            "row 3: 5 fields but the header has 3; expected one field per column (is there an "
            "unquoted comma or a stray cell?)",
        ),
    ]


def test_duplicate_columns(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("authority,child_id,Child ID,looked_after\nA,1,1,2016-01-01\n")
    assert failures(p)["message"].tolist() == [
        "columns 'child_id', 'Child ID' all give 'child_id'; expected exactly one"
    ]


@pytest.mark.parametrize(
    ("name", "check", "message"),
    [
        (
            "png_renamed.csv",
            "not_a_table",
            "png_renamed.csv: is a PNG image, not a CSV or XLSX table; save it as .xlsx or CSV",
        ),
        (
            "old_excel.xls",
            "not_a_table",
            "old_excel.xls: is an old-style Office file (Excel 97-2003 .xls or Word .doc), "
            "not a CSV "
            "or XLSX table; save it as .xlsx or CSV",
        ),
        (
            "random_binary.csv",
            "not_a_table",
            "random_binary.csv: is a binary file, not a CSV or XLSX table",
        ),
        (
            "damaged.xlsx",
            "not_a_table",
            "damaged.xlsx: is a damaged zip or XLSX file and cannot be opened",
        ),
        (
            "report.docx",
            "not_a_table",
            "report.docx: is a Word document (.docx), not a CSV or XLSX table",
        ),
        (
            "docx_renamed.csv",
            "not_a_table",
            "docx_renamed.csv: is a Word document (.docx), not a CSV or XLSX table",
        ),
        (
            "blank.csv",
            "empty_file",
            "blank.csv: the file is empty; expected a header row, then one row per child or event",
        ),
        (
            "a_folder.csv",
            "not_a_file",
            "a_folder.csv: is a folder, not a file; give a .csv or .xlsx file",
        ),
        (
            "missing.csv",
            "file_not_found",
            "missing.csv: file not found; check the path and its spelling",
        ),
    ],
)
def test_files_that_are_not_tables(files, name, check, message):
    assert as_tuples(failures(files[name])) == [(None, None, check, message)]


def test_messages_never_echo_cell_values(tmp_path):
    p = tmp_path / "secret.csv"
    p.write_text(
        "authority,child_id,stage,date,route\n"
        "A,SECRET-ID,looked_after,31/02/2016,Sibling Jane\n"
        "A,SECRET-ID,panel,2099-01-01,po\n"
        "A,SECRET-ID,Jane Doe,2019-01-01,po\n"
    )
    f = failures(p)
    text = "\n".join(f["message"]) + str(f.values.tolist())
    for secret in ("SECRET", "Jane", "31/02", "2099"):
        assert secret not in text
    assert set(f["check"]) >= {"impossible_date", "unknown_route", "unknown_stage", "future_date"}


def test_error_message_caps_listed_problems(tmp_path):
    p = tmp_path / "many.csv"
    p.write_text("authority,child_id,looked_after\n" + "A,1,x\n" * 25)
    with pytest.raises(DataValidationError) as err:
        load_extract(p, as_of=AS_OF)
    text = str(err.value)
    assert text.startswith("many.csv failed 49 checks:")
    assert "... and 39 more (see .failures)" in text


def test_problems_are_collected_lazily(tmp_path):
    p = tmp_path / "all.csv"
    p.write_text(
        "authority,child_id,looked_after,panel,route\n"
        "A,1,2016-01-01,2015-01-01,po\nA,1,2016-01-01,,po\nA,2,31/02/2016,2030-01-01,nope\n"
    )
    f = failures(p)
    assert f["check"].tolist() == [
        "before_looked_after",
        "duplicate_child",
        "unknown_route",
        "impossible_date",
        "future_date",
    ]
    assert f["row"].tolist() == [2, 3, 4, 4, 4]


def test_row_list_and_formats():
    assert row_list([3, 4]) == "rows 3 and 4"
    assert describe_formats(("%d/%m/%y",)) == "DD/MM/YY"


def test_parse_dates_does_not_mutate_and_handles_blanks():
    s = pd.Series(["2016-02-03", " 03/02/2016 ", "", "2016-02-03 00:00:00", "2016-02-30"])
    before = s.copy()
    d, bad, imp = parse_dates(s, ("%Y-%m-%d", "%d/%m/%Y"))
    assert s.equals(before)
    assert d.dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2016-02-03",
        "2016-02-03",
        "",
        "2016-02-03",
        "",
    ]
    assert bad.tolist() == [False, False, False, False, True]
    assert imp.tolist() == [False, False, False, False, True]


def test_single_failure_messages_are_plain():
    f = failures(DATA / "empty.csv")
    assert not re.search(r"Traceback|Error\(", f["message"].item())


def test_unreadable_file(monkeypatch):
    from pathlib import Path

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert as_tuples(failures(DATA / "wide_canonical.csv")) == [
        (
            None,
            None,
            "unreadable_file",
            "wide_canonical.csv: permission denied: the file cannot be read",
        ),
    ]


def test_bad_birth_month(tmp_path):
    p = tmp_path / "bm.csv"
    p.write_text("authority,child_id,looked_after,birth_month\nA,1,2016-01-01,March 2014\n")
    assert as_tuples(failures(p)) == [
        (
            2,
            "birth_month",
            "bad_date",
            "row 2, column 'birth_month': not a date in the format YYYY-MM or MM/YYYY or "
            "YYYY-MM-DD or DD/MM/YYYY",
        ),
    ]


def test_birth_month_after_the_extract_date(tmp_path):
    p = tmp_path / "bm.csv"
    p.write_text("authority,child_id,looked_after,birth_month\nA,1,2016-01-01,2022-05\n")
    assert as_tuples(failures(p)) == [
        (
            2,
            "birth_month",
            "future_date",
            "row 2, column 'birth_month': dated after the extract date (2021-01-01); expected a "
            "date on or before it",
        ),
    ]


def test_returned_to_care_before_going_home(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        "authority,child_id,stage,date,route\n"
        "A,1,looked_after,2015-01-01,\n"
        "A,1,home_confirmed,2015-09-01,home\n"
        "A,1,returned_to_care,2015-06-01,\n"
        "A,2,looked_after,2015-01-01,\n"
        "A,2,returned_to_care,2015-06-01,\n"  # going home not recorded: not checked
        "A,3,looked_after,2015-01-01,\n"
        "A,3,placement_move,2015-02-01,\n"
        "A,3,placement_move,2015-05-01,\n"
        "A,3,home_confirmed,2015-09-01,home\n"
        "A,3,returned_to_care,2016-01-01,\n"
    )
    assert as_tuples(failures(p)) == [
        (
            4,
            "date",
            "returned_before_home",
            "row 4, column 'date': 'returned_to_care' is dated before the child's first "
            "'home_confirmed' date (row 3); expected a return to care after the child went home",
        ),
    ]


def test_care_events_load_without_a_route(tmp_path):
    p = tmp_path / "ok.csv"
    p.write_text(
        "authority,child_id,stage,date,route\n"
        "A,3,looked_after,2015-01-01,\n"
        "A,3,placement_move,2015-02-01,\n"
        "A,3,placement_move,2015-05-01,\n"
        "A,3,home_confirmed,2015-09-01,home\n"
        "A,3,returned_to_care,2016-01-01,\n"
    )
    ev = load_extract(p, as_of=AS_OF).events
    moves = ev[ev["stage"] == "placement_move"]
    assert moves["occurrence"].tolist() == [1, 2]
    assert ev.loc[ev["stage"].isin(["placement_move", "returned_to_care"]), "route"].isna().all()
