"""`paceqi pdsa ...`: a full ramp from the command line, import/export, clear errors."""

import pytest

from paceqi.cli import main
from paceqi.pdsa.store import PDSAStore


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.db")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_record_a_full_ramp(capsys, db):
    code, out, _ = run(
        capsys, "pdsa", "add", "--db", db, "-a", "Fife", "-c", "TWPM", "--purpose", "test",
        "--prediction", "Held within 14 days", "--prediction", "Health attends",
        "--scale", "1 team, 2 children", "--start", "2016-03-01", "--data-plan", "days",
    )  # fmt: skip
    assert code == 0 and "Added cycle 1: cycle 1 of ramp 'TWPM ramp'" in out
    code, out, _ = run(
        capsys, "pdsa", "update", "1", "--db", db, "--observations", "ok", "--carried-out", "yes",
        "--result", "Day 12", "--met", "yes", "--result", "Absent", "--met", "no",
        "--act", "adapt", "--end", "2016-03-28",
    )  # fmt: skip
    assert code == 0
    assert run(capsys, "pdsa", "clone", "1", "--db", db, "--start", "2016-04-01")[0] == 0
    code, out, _ = run(capsys, "pdsa", "list", "--db", db, "-a", "Fife")
    assert code == 0 and out.count("TWPM ramp") == 2
    code, out, _ = run(capsys, "pdsa", "show", "1", "--db", db)
    assert "predicted: Held within 14 days" in out and "result: Day 12 (met)" in out
    assert "Absent (not met)" in out and "act_decision: adapt" in out
    code, out, _ = run(capsys, "pdsa", "show", "2", "--db", db, "--format", "yaml")
    assert "cycle_no: 2" in out
    code, out, _ = run(capsys, "pdsa", "ramp", "--db", db, "-a", "Fife", "-c", "TWPM")
    assert "cycle 1 (test; 1 team, 2 children; 2016-03-01 to 2016-03-28)" in out
    assert "result:    Day 12 [met]" in out
    code, out, _ = run(capsys, "pdsa", "status", "--db", db, "-a", "Fife")
    assert "PDSA quality check" in out and "[yes] Testing started small" in out
    assert "[NO ] Data collected over time" in out
    code, out, _ = run(
        capsys, "pdsa", "status", "--db", db, "-a", "Fife", "-c", "TWPM", "--set", "adopted"
    )
    assert code == 0
    with PDSAStore(db) as s:
        assert s.change_ideas("Fife")["status"].tolist() == ["adopted"]
        assert s.cycle(1)["predictions"][1] == {
            "prediction": "Health attends", "result": "Absent", "met": False,
        }  # fmt: skip


def test_import_export_and_diagram(capsys, db, tmp_path, fife_yaml):
    code, out, _ = run(capsys, "pdsa", "import", str(fife_yaml), "--db", db)
    assert code == 0 and "cycles created 3" in out
    code, out, _ = run(capsys, "pdsa", "import", str(fife_yaml), "--db", db)
    assert "cycles updated 3" in out and "created" not in out
    for name in ("x.yaml", "x.xlsx", "csvdir"):
        fmt = ["--format", "csv"] if name == "csvdir" else []
        code, out, _ = run(capsys, "pdsa", "export", str(tmp_path / name), "--db", db, *fmt)
        assert code == 0 and "Wrote" in out
    assert (tmp_path / "csvdir" / "cycles.csv").exists()
    code, _, _ = run(
        capsys, "pdsa", "diagram", "--db", db, "-a", "Fife", "-o", str(tmp_path / "d.svg")
    )
    assert code == 0 and (tmp_path / "d.svg").read_text().startswith("<svg")


def test_user_mistakes_are_clear_and_exit_1(capsys, db, tmp_path):
    code, _, err = run(capsys, "pdsa", "show", "42", "--db", db)
    assert code == 1 and "No PDSA cycle with id 42" in err
    code, _, err = run(
        capsys, "pdsa", "add", "--db", db, "-a", "Fife", "-c", "X", "--start", "yesterday"
    )
    assert code == 1 and "field 'start_date' must be a date" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: paceqi-pdsa/1\nauthority: Fife\nchange_ideas: [{id: c, name: X, status: nope}]\n"
    )
    code, _, err = run(capsys, "pdsa", "import", str(bad), "--db", db)
    assert code == 1 and "bad.yaml was not imported" in err and "'status'" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "pdsa", "update", "1", "--db", db, "--result", "x")
    assert code == 1


def test_usage_errors_exit_2(capsys, db):
    assert main(["pdsa"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["pdsa", "add", "--db", db, "-a", "Fife", "-c", "X", "--purpose", "nope"])
    assert exc.value.code == 2


def test_db_from_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PACEQI_DB", str(tmp_path / "env.db"))
    assert run(capsys, "pdsa", "add", "-a", "Fife", "-c", "TWPM")[0] == 0
    assert (tmp_path / "env.db").exists()


def test_either_spelling_of_a_change_idea_lands_on_the_same_one(capsys, db, fife_yaml):
    assert run(capsys, "pdsa", "import", str(fife_yaml), "--db", db)[0] == 0
    with PDSAStore(db) as s:
        before = s.change_ideas("Fife")
    code, out, _ = run(
        capsys, "pdsa", "add", "--db", db, "-a", "Fife", "-c", "two_week_planning_meeting",
        "--prediction", "Held in 14 days",
    )  # fmt: skip
    assert code == 0 and "change idea 'Two Week Planning Meeting'" in out
    code, out, _ = run(
        capsys, "pdsa", "add", "--db", db, "-a", "Fife", "-c", "two week planning MEETING"
    )
    assert code == 0 and "cycle 5 of ramp" in out
    with PDSAStore(db) as s:
        after = s.change_ideas("Fife")
        assert after["name"].tolist() == before["name"].tolist()  # no second idea
        assert after["n_cycles"].sum() == before["n_cycles"].sum() + 2
    # and the other way round: an idea first added under its notebook name
    code, out, _ = run(capsys, "pdsa", "add", "--db", db, "-a", "Angus", "-c", "panel_to_adm")
    code, out, _ = run(capsys, "pdsa", "add", "--db", db, "-a", "Angus", "-c", "Panel to ADM")
    with PDSAStore(db) as s:
        assert len(s.change_ideas("Angus")) == 1 and len(s.cycles("Angus", "Panel to ADM")) == 2


def test_results_by_position_keep_a_blank_and_late_edits_warn(capsys, db):
    run(
        capsys, "pdsa", "add", "--db", db, "-a", "Fife", "-c", "TWPM", "--start", "2016-03-01",
        "--prediction", "Held in 14 days", "--prediction", "Health attends",
    )  # fmt: skip
    code, out, err = run(
        capsys, "pdsa", "update", "1", "--db", db, "--result", "", "--met", "not-yet",
        "--result", "Health came", "--met", "yes",
    )  # fmt: skip
    assert code == 0 and "predictions" in out and "Warning" not in err
    with PDSAStore(db) as s:
        assert s.cycle(1)["predictions"] == [
            {"prediction": "Held in 14 days", "result": None, "met": None},
            {"prediction": "Health attends", "result": "Health came", "met": True},
        ]
    code, out, err = run(
        capsys, "pdsa", "update", "1", "--db", db,
        "--prediction", "Held in 21 days", "--prediction", "Health attends",
    )  # fmt: skip
    assert code == 0 and "changed after its test started" in err
    with PDSAStore(db) as s:  # the result recorded for an unchanged prediction stays with it
        assert s.cycle(1)["predictions"][1]["result"] == "Health came"
    code, out, _ = run(capsys, "pdsa", "history", "1", "--db", db)
    assert code == 0 and out.count("\n") >= 3
    assert "created" in out and "updated: predictions" in out
    assert "note: predictions edited after the test started" in out


def test_export_to_a_csv_file_writes_a_file(capsys, db, tmp_path, fife_yaml):
    run(capsys, "pdsa", "import", str(fife_yaml), "--db", db)
    out_csv = tmp_path / "out.csv"
    code, out, _ = run(capsys, "pdsa", "export", str(out_csv), "--db", db, "--format", "csv")
    assert code == 0 and out_csv.is_file() and not (tmp_path / "out").exists()
    assert "the cycles" in out
    header = out_csv.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["authority", "change_idea", "ramp"]
    assert {"prediction_1", "result_1", "met_1"} <= set(header)
    other = tmp_path / "other.db"
    code, out, _ = run(capsys, "pdsa", "import", str(out_csv), "--db", str(other))
    assert code == 0 and "cycles created 3" in out
    with PDSAStore(db) as a, PDSAStore(other) as b:
        cols = ["change_idea", "ramp", "cycle_no", "predictions", "results", "met"]
        assert a.ramp("Fife")[cols].equals(b.ramp("Fife")[cols])
