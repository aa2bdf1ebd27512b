"""Import / export: PDSA YAML v1, CSV, XLSX round trips, whole-file rejection, formula safety."""

import csv
import datetime as dt
import shutil

import pytest
import yaml

from paceqi.errors import DataValidationError, OptionsError
from paceqi.pdsa.store import PDSAStore


def _strip_keys(doc):
    """A document without its file-local keys, to compare content across files."""
    return yaml.safe_dump(doc, sort_keys=True)


def test_import_the_generator_format(store, fife_yaml):
    counts = store.import_file(fife_yaml)
    assert counts["cycles_created"] == 3 and counts["drivers_created"] == 4
    doc = store.document("Fife")
    idea = doc["change_ideas"][0]
    assert idea["name"] == "Two Week Planning Meeting" and idea["drivers"] == ["sd-1"]
    assert idea["notebook"] == "two_week_planning_meeting" and idea["status"] == "testing"
    cycles = idea["ramps"][0]["cycles"]
    assert [c["cycle_no"] for c in cycles] == [1, 2, 3]
    assert cycles[0]["start_date"] == dt.date(2016, 3, 1)
    assert cycles[0]["predictions"][0]["met"] is False
    assert cycles[2]["predictions"][0]["met"] is None
    assert doc["aims"][0]["target_date"] == dt.date(2018, 3, 31)
    assert [d["parents"] for d in doc["drivers"]] == [[], [], ["pd-1"], ["pd-2"]]
    assert doc["drivers"][0]["aim"] == "aim-1"
    assert [a["change_idea"] for a in doc["annotations"]] == ["ci-1", None]


def test_reimport_updates_instead_of_duplicating(store, fife_yaml, tmp_path):
    store.import_file(fife_yaml)
    before = store.counts()
    text = fife_yaml.read_text().replace(
        'act_decision: adopt\n            next_steps: "Spread',
        'act_decision: abandon\n            next_steps: "Spread',
    )
    changed = tmp_path / "fife.yaml"
    changed.write_text(text)
    counts = store.import_file(changed)
    after = store.counts()
    assert after.pop("cycle_changes") == before.pop("cycle_changes") + 1  # the changed cycle
    assert after == before
    assert counts["cycles_updated"] == 3 and "cycles_created" not in counts
    assert store.ramp("Fife", "Two Week Planning Meeting")["act_decision"].tolist() == [
        "adapt", "abandon", "adopt",
    ]  # fmt: skip


@pytest.mark.parametrize("fmt,name", [("yaml", "out.yaml"), ("csv", "out"), ("xlsx", "out.xlsx")])
def test_round_trip_without_loss(store, fife_yaml, tmp_path, fmt, name):
    store.import_file(fife_yaml)
    store.add_cycle("Fife", "Two Week Planning Meeting", ramp="Spread", predictions=["a", "b"])
    store.add_annotation("Fife", "2016-03-05", "=1+1 typed note", "data_issue")
    store.add_cycle("Angus", "Legal tracker", objective="@SUM(1)", questions=["-x", "+y"])
    path = store.export(tmp_path / name, fmt=fmt)
    other = PDSAStore(tmp_path / "other.db")
    other.import_file(path, fmt=fmt)
    for authority in ("Angus", "Fife"):
        assert other.document(authority) == store.document(authority)
    assert other.counts() == store.counts()
    other.close()


def test_formula_injection_is_neutralised_and_restored(store, tmp_path):
    note = '=HYPERLINK("http://evil","click")'
    store.add_cycle("Fife", "TWPM", objective=note, plan_who="+44 1234", predictions=["@x", "'q"])
    out = store.export(tmp_path / "log.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(out)["cycles"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=False))
    assert row["objective"].value == "'" + note and row["objective"].data_type == "s"
    assert row["plan_who"].value == "'+44 1234"
    assert row["prediction_2"].value == "''q"
    folder = store.export(tmp_path / "csv", fmt="csv")
    with (folder / "cycles.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["objective"] == "'" + note
    for path in (out, folder):
        other = PDSAStore(tmp_path / f"{path.stem}.db")
        other.import_file(path)
        c = other.cycles("Fife").iloc[0]
        assert c["objective"] == note and c["plan_who"] == "+44 1234"
        assert [r["prediction"] for r in c["predictions"]] == ["@x", "'q"]
        other.close()


def test_xlsx_keeps_control_characters_and_escape_lookalikes(store, tmp_path):
    text = "line\r\nbreak\x01 tab\t _x0041_ end "
    store.add_cycle("Fife", "TWPM", do_observations=text, title=" lead")
    path = store.export(tmp_path / "x.xlsx")
    other = PDSAStore(tmp_path / "o.db")
    other.import_file(path)
    c = other.cycles("Fife").iloc[0]
    assert c["do_observations"] == text and c["title"] == " lead"
    other.close()


def _bad(fife_yaml, tmp_path, old, new):
    text = fife_yaml.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    "old,new,record,field",
    [
        (
            'purpose: test\n            objective: "Repeat',
            'purpose: tset\n            objective: "Repeat',
            "cycle 2",
            "purpose",
        ),
        ('start_date: "2016-04-01"', 'start_date: "01/04/2016"', "cycle 2", "start_date"),
        ("met: true}", "met: maybe}", "cycle 2", "predictions"),
        ("cycle_no: 3", "cycle_no: 2", "cycle 2", "cycle_no"),
        ("drivers: [sd-1]", "drivers: [sd-9]", "change idea 'ci-1'", "drivers"),
        ("parent: pd-1", "parent: pd-7", "driver 'sd-1'", "parents"),
        ("status: testing", "status: tested", "change idea 'ci-1'", "status"),
        ("format: paceqi-pdsa/1", "format: paceqi-pdsa/2", "bad.yaml", "format"),
        ("authority: Fife", "authority: ''", "bad.yaml", "authority"),
        ("kind: system_change", "kind: system", "annotation #2", "kind"),
        ('next_steps: "Book', 'nxt_steps: "Book', "cycle 1", "nxt_steps"),
        ("change_idea: ci-1}", "change_idea: ci-2}", "annotation #1", "change_idea"),
    ],
)
def test_malformed_file_is_rejected_whole_naming_record_and_field(
    store, fife_yaml, tmp_path, old, new, record, field
):
    path = _bad(fife_yaml, tmp_path, old, new)
    with pytest.raises(DataValidationError) as err:
        store.import_file(path)
    failures = err.value.failures
    hit = failures[
        (failures["column"] == field) & failures["row"].str.contains(record, regex=False)
    ]
    assert len(hit) >= 1, failures.to_dict("records")
    assert "nothing written" in str(err.value)
    assert sum(store.counts().values()) == 0


def test_a_bad_second_file_imports_nothing_from_the_first(store, fife_yaml, tmp_path):
    bad = tmp_path / "angus.yaml"
    bad.write_text(
        "format: paceqi-pdsa/1\nauthority: Angus\nchange_ideas: [{id: c, name: X, status: nope}]\n"
    )
    with pytest.raises(DataValidationError, match="angus.yaml"):
        store.import_files([fife_yaml, bad])
    assert sum(store.counts().values()) == 0


def test_not_yaml_and_missing_file(store, tmp_path):
    broken = tmp_path / "b.yaml"
    broken.write_text("format: [unclosed\n")
    with pytest.raises(DataValidationError, match="line 2: .*not valid YAML|not valid YAML"):
        store.import_file(broken)
    with pytest.raises(OptionsError, match="No such file"):
        store.import_file(tmp_path / "none.yaml")
    with pytest.raises(OptionsError, match="Cannot tell the format"):
        store.export(tmp_path / "x.txt")


def test_a_teams_own_cycles_sheet_imports(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "authority,change_idea,cycle_no,purpose,prediction_1,prediction_2,start_date,"
        "study_1_result,study_1_met,act_decision\n"
        "Fife,TWPM,1,test,Held in 14 days,Health attends,2016-03-01,Held day 12,yes,adapt\n"
        "Fife,TWPM,2,test,Held in 14 days,,2016-04-01,,,\n",
        encoding="utf-8",
    )
    store.import_file(path)
    ramp = store.ramp("Fife", "TWPM")
    assert ramp["cycle_no"].tolist() == [1, 2]
    assert ramp.loc[0, "predictions"] == ["Held in 14 days", "Health attends"]
    assert ramp.loc[0, "met"] == [True, None]  # one per prediction: the second not yet


def test_spreadsheet_errors_name_the_row_and_column(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "authority,change_idea,cycle_no,purpose,colour\nFife,TWPM,1,test,red\nFife,TWPM,x,tset,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        store.import_file(path)
    got = {(r["row"], r["column"]) for r in err.value.failures.to_dict("records")}
    assert ("log.csv row 1", "colour") in got
    assert ("log.csv row 3", "cycle_no") in got and ("log.csv row 3", "purpose") in got
    assert sum(store.counts().values()) == 0


def test_xlsx_not_a_workbook(store, tmp_path, fife_yaml):
    fake = tmp_path / "fake.xlsx"
    shutil.copyfile(fife_yaml, fake)
    with pytest.raises(DataValidationError, match="not an XLSX workbook"):
        store.import_file(fake)


def test_the_synthetic_generators_output_imports(store):
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "pdsa" / "synth_fife.yaml"
    store.import_file(path)
    ramp = store.ramp("Fife", "Two Week Planning Meeting")
    assert ramp["cycle_no"].tolist() == list(range(1, len(ramp) + 1)) and len(ramp) >= 2
    notes = store.annotations("Fife", "Two Week Planning Meeting")
    assert notes["cycle_no"].notna().sum() >= 2 * len(ramp) - 1


@pytest.mark.parametrize("name,fmt", [("a.yaml", "yaml"), ("a.xlsx", "xlsx"), ("a.csv", "csv"),
                                      ("folder", "csv")])  # fmt: skip
def test_a_blank_result_stays_attached_through_every_round_trip(store, tmp_path, name, fmt):
    rows = [
        {"prediction": "Held in 14 days", "result": None, "met": None},
        {"prediction": "Health attends", "result": "Health came", "met": True},
        {"prediction": "Parents attend", "result": None, "met": False},
    ]
    cid = store.add_cycle("Fife", "TWPM", predictions=rows, start_date="2016-03-01")
    path = store.export(tmp_path / name, "Fife", fmt=fmt)
    with PDSAStore(tmp_path / "again.db") as again:
        again.import_file(path, fmt=fmt)
        assert again.cycles("Fife")["predictions"].tolist() == [rows]
        twice = again.export(tmp_path / f"2-{name}", "Fife", fmt=fmt)
    with PDSAStore(tmp_path / "third.db") as third:
        third.import_file(twice, fmt=fmt)
        assert third.cycles("Fife")["predictions"].tolist() == [rows]
    assert store.cycle(cid)["predictions"] == rows


def test_the_older_shapes_still_import(store, tmp_path):
    """PDSA YAML from paceqi 0.1 (texts + study_results) and the study_N_* spreadsheet columns."""
    old = tmp_path / "old.yaml"
    old.write_text(
        "format: paceqi-pdsa/1\nauthority: Fife\nchange_ideas:\n- id: ci-1\n  name: TWPM\n"
        "  ramps:\n  - id: r\n    title: R\n    cycles:\n    - cycle_no: 1\n"
        "      predictions: [A, B]\n"
        "      study_results: [{prediction: B, result: b happened, met: true}]\n",
        encoding="utf-8",
    )
    store.import_file(old)
    assert store.cycles("Fife")["predictions"].tolist() == [
        [
            {"prediction": "A", "result": None, "met": None},
            {"prediction": "B", "result": "b happened", "met": True},
        ]
    ]


def test_an_annotation_whose_change_idea_is_a_number_is_reported_not_a_crash(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "annotations"
    ws.append(["authority", "date", "kind", "text", "change_idea", "ramp"])
    ws.append(["Fife", dt.date(2016, 3, 1), "system_change", "Panel moved", 5, "TWPM ramp"])
    path = tmp_path / "log.xlsx"
    wb.save(path)
    with pytest.raises(DataValidationError) as err:
        store.import_file(path)
    got = {(r["row"], r["column"]) for r in err.value.failures.to_dict("records")}
    assert got == {("sheet 'annotations' row 2", "change_idea")}
    assert sum(store.counts().values()) == 0
