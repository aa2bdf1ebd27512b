"""PDSAStore on SQLite and PostgreSQL: cycles, ramps, clone, reads, transactions."""

import datetime as dt

import pytest

from paceqi.errors import DataValidationError, OptionsError
from paceqi.pdsa.store import PDSAStore, StoreError, normalise_url

PLAN = {
    "title": "First test",
    "purpose": "test",
    "objective": "Meet within 14 days",
    "questions": ["Can we meet within 14 days?"],
    "predictions": ["Yes, for both children"],
    "plan_who": "Team leader",
    "data_plan": "Days to meeting",
    "scale": "1 team, 2 children",
    "start_date": "2016-03-01",
}


def test_add_read_update_a_full_cycle(store):
    cid = store.add_cycle("Fife", "Two Week Planning Meeting", **PLAN)
    c = store.cycle(cid)
    assert c["cycle_no"] == 1
    assert c["ramp"] == "Two Week Planning Meeting ramp"
    assert c["start_date"] == dt.date(2016, 3, 1)
    assert c["predictions"] == [
        {"prediction": "Yes, for both children", "result": None, "met": None}
    ]
    assert c["predictions_recorded_at"] is not None
    store.update_cycle(
        cid,
        end_date=dt.date(2016, 3, 28),
        carried_out_as_planned=True,
        do_observations="Health absent once",
        study_results=[{"prediction": "Yes, for both children", "result": "1 of 2", "met": False}],
        act_decision="adapt",
        next_steps="Book rooms early",
    )
    c = store.cycle(cid)
    assert c["act_decision"] == "adapt"
    assert c["predictions"] == [
        {"prediction": "Yes, for both children", "result": "1 of 2", "met": False}
    ]
    assert c["objective"] == PLAN["objective"]  # untouched fields kept
    assert store.change_ideas("Fife")["status"].tolist() == ["testing"]


def test_clone_copies_the_plan_and_starts_do_study_act_empty(store):
    cid = store.add_cycle("Fife", "TWPM", **PLAN)
    store.update_cycle(cid, act_decision="adapt", do_observations="x")
    new = store.clone_cycle(cid, scale="2 teams")
    c = store.cycle(new)
    assert c["cycle_no"] == 2
    assert c["ramp"] == store.cycle(cid)["ramp"]
    assert c["objective"] == PLAN["objective"] and c["scale"] == "2 teams"
    assert c["act_decision"] is None and c["do_observations"] is None
    assert c["start_date"] is None


def test_cycle_numbers_follow_the_ramp_and_duplicates_are_refused(store):
    a = store.add_cycle("Fife", "TWPM")
    b = store.add_cycle("Fife", "TWPM")
    other = store.add_cycle("Fife", "TWPM", ramp="Second ramp")
    assert [store.cycle(i)["cycle_no"] for i in (a, b, other)] == [1, 2, 1]
    with pytest.raises(OptionsError, match="already has a cycle 2"):
        store.add_cycle("Fife", "TWPM", ramp="TWPM ramp", cycle_no=2)
    assert len(store.cycles("Fife")) == 3


def test_bad_fields_are_named_and_nothing_is_saved(store):
    with pytest.raises(DataValidationError) as err:
        store.add_cycle(
            "Fife", "TWPM", purpose="tset", start_date="March", end_date="2016-01-01", cycle_no=0
        )
    failures = err.value.failures
    assert set(failures["column"]) == {"purpose", "start_date", "cycle_no"}
    assert "must be one of collect_info" in str(err.value)
    assert "tset" not in str(err.value)  # values are never echoed
    assert store.counts()["cycles"] == 0 and store.counts()["change_ideas"] == 0


def test_end_before_start_is_refused(store):
    with pytest.raises(DataValidationError, match="end_date"):
        store.add_cycle("Fife", "TWPM", start_date="2016-03-02", end_date="2016-03-01")


def test_update_unknown_cycle_and_unknown_field(store):
    with pytest.raises(OptionsError, match="No PDSA cycle with id 99"):
        store.update_cycle(99, title="x")
    cid = store.add_cycle("Fife", "TWPM")
    with pytest.raises(DataValidationError, match="'colour' is not a known field"):
        store.update_cycle(cid, colour="red")


def test_a_failing_transaction_writes_nothing(store):
    from paceqi.pdsa import models as m

    def half(session):
        session.add(m.ChangeIdea(authority="Fife", name="A", status="idea"))
        session.flush()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store._write(half)
    assert store.counts()["change_ideas"] == 0


def test_reads_for_reports(store):
    cid = store.add_cycle("Fife", "TWPM", **PLAN)
    store.update_cycle(
        cid,
        end_date="2016-03-28",
        study_results=[{"prediction": "Yes, for both children", "result": "1 of 2", "met": False}],
        act_decision="adapt",
    )
    store.add_annotation("Fife", "2016-03-01", "Kick-off", "pdsa_start", change_idea="TWPM")
    store.add_annotation("Fife", "2016-06-01", "New manager", "system_change")
    store.add_annotation("Fife", "2016-07-01", "Other idea's note", "data_issue")
    notes = store.annotations("Fife", change_idea="TWPM")
    assert list(notes.columns) == ["date", "label", "kind", "cycle_no"]
    # the stored pdsa_start on 1 March replaces the derived one; the end is derived
    assert notes["label"].tolist() == [
        "Kick-off",
        "PDSA 1 ends",
        "New manager",
        "Other idea's note",
    ]
    assert notes["cycle_no"].tolist()[:2] == [1, 1]  # the stored start note names cycle 1
    ramp = store.ramp("Fife", "TWPM")
    assert ramp.loc[0, "predictions"] == ["Yes, for both children"]
    assert ramp.loc[0, "results"] == ["1 of 2"] and ramp.loc[0, "met"] == [False]
    assert ramp.loc[0, "act_decision"] == "adapt"
    assert store.authorities() == ["Fife"]
    with pytest.raises(OptionsError, match="No change idea"):
        store.ramp("Fife", "Nope") if False else store.annotations("Fife", change_idea="Nope")


def test_status(store):
    store.add_change_idea("Fife", "TWPM", notebook="two_week_planning_meeting")
    store.set_status("Fife", "TWPM", "adopted")
    assert store.change_ideas("Fife")["status"].tolist() == ["adopted"]
    with pytest.raises(OptionsError, match="status must be one of"):
        store.set_status("Fife", "TWPM", "done")


def test_every_record_belongs_to_an_authority(store):
    with pytest.raises(DataValidationError, match="authority"):
        store.add_cycle("", "TWPM")
    store.add_cycle("Fife", "TWPM")
    store.add_cycle("Angus", "TWPM")
    assert len(store.cycles("Fife")) == 1 and len(store.cycles()) == 2


def test_urls():
    assert normalise_url(":memory:") == "sqlite://"
    assert normalise_url("x.db").startswith("sqlite:////")


def test_default_url_uses_env(monkeypatch, tmp_path):
    from paceqi.pdsa.store import default_url

    monkeypatch.setenv("PACEQI_DB", str(tmp_path / "env.db"))
    assert default_url() == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("PACEQI_DB")
    monkeypatch.setenv("PACEQI_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path.resolve() / 'workspace' / 'paceqi.db'}"


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match="Cannot open the PDSA database") as err:
        PDSAStore("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(err.value)


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    s = PDSAStore(tmp_path / "w.db")
    with s.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    s.close()
