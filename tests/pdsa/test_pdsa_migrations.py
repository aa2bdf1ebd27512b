"""Schema versions: migrations build the models' schema and upgrades keep every row."""

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from paceqi.pdsa import migrate
from paceqi.pdsa.models import Base
from paceqi.pdsa.store import PDSAStore, _make_engine


def test_head_is_current_after_open(blank_url):
    db_url = blank_url
    store = PDSAStore(db_url)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.close()


def test_models_match_the_migrations(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    store = PDSAStore(db_url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diffs == []


def _fill_rev_0001(conn):
    """Rows in every table of the first schema revision, as an old paceqi wrote them."""
    now = dt.datetime(2016, 1, 1, 9, 0)
    ins = conn.exec_driver_sql
    ins(
        "INSERT INTO aims (id, authority, statement, measure, target_value, target_date,"
        " baseline_value, created_at) VALUES (1, 'Fife', 'Aim ✓', 'days', 0.8, '2018-03-31',"
        f" NULL, {_lit(conn, now)})"
    )
    ins(
        "INSERT INTO drivers (id, authority, aim_id, level, text, created_at) VALUES"
        f" (1, 'Fife', 1, 'primary', 'Timely decisions', {_lit(conn, now)}),"
        f" (2, 'Fife', NULL, 'secondary', 'Early planning', {_lit(conn, now)})"
    )
    ins("INSERT INTO driver_links (parent_id, child_id) VALUES (1, 2)")
    ins(
        "INSERT INTO change_ideas (id, authority, name, description, notebook, status,"
        f" created_at) VALUES (1, 'Fife', 'TWPM', NULL, 'twpm', 'testing', {_lit(conn, now)})"
    )
    ins("INSERT INTO change_idea_drivers (change_idea_id, driver_id) VALUES (1, 2)")
    ins(
        "INSERT INTO ramps (id, change_idea_id, title, created_at) VALUES"
        f" (1, 1, 'R', {_lit(conn, now)})"
    )
    for no in (1, 2, 3):
        preds = json.dumps([f"prediction {no} — ünïcödé"])
        results = json.dumps([{"prediction": "p", "result": "r", "met": no != 2}])
        ins(
            "INSERT INTO cycles (id, ramp_id, cycle_no, title, purpose, questions, predictions,"
            " scale, start_date, study_results, act_decision, created_at, updated_at) VALUES"
            f" ({no}, 1, {no}, 'Cycle {no}', 'test', '[]', '{preds}', '1 team',"
            f" '2016-0{no}-01', '{results}', 'adapt', {_lit(conn, now)}, {_lit(conn, now)})"
        )
    ins(
        "INSERT INTO annotations (id, authority, date, text, kind, change_idea_id, cycle_id,"
        " created_at) VALUES (1, 'Fife', '2016-01-01', 'Start', 'pdsa_start', 1, 1,"
        f" {_lit(conn, now)})"
    )


def _lit(conn, value: dt.datetime) -> str:
    return f"'{value.isoformat(sep=' ')}'"


def test_upgrade_from_the_first_revision_keeps_every_row(blank_url):
    db_url = blank_url
    engine = _make_engine(db_url, 30)
    migrate.upgrade(engine, "0001")
    assert migrate.current_revision(engine) == "0001"
    with engine.begin() as conn:
        _fill_rev_0001(conn)
        before = {
            t: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar()
            for t in ("aims", "drivers", "driver_links", "change_ideas", "change_idea_drivers",
                      "ramps", "cycles", "annotations")
        }  # fmt: skip
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for t in ("aims", "drivers", "change_ideas", "ramps", "cycles", "annotations"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                )
    engine.dispose()
    store = PDSAStore(db_url)  # opening upgrades to head
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    after = store.counts()
    assert {t: after[t] for t in before} == before
    assert after["measures"] == 0
    doc = store.document("Fife")
    assert doc["aims"][0]["statement"] == "Aim ✓" and doc["aims"][0]["target_value"] == 0.8
    assert doc["drivers"][1]["parents"] == ["pd-1"] and doc["drivers"][1]["strength"] is None
    cycles = doc["change_ideas"][0]["ramps"][0]["cycles"]
    # 0003: each stored study result becomes a row of its own prediction (here the result
    # names a prediction "p" the cycle does not have, so it is kept as a row after it)
    assert [[r["prediction"] for r in c["predictions"]] for c in cycles] == [
        [f"prediction {n} — ünïcödé", "p"] for n in (1, 2, 3)
    ]
    assert [c["predictions"][0]["met"] for c in cycles] == [None] * 3
    assert [c["predictions"][1]["met"] for c in cycles] == [True, False, True]
    assert doc["change_ideas"][0]["drivers"] == ["sd-1"]
    assert store.annotations("Fife", "TWPM")["cycle_no"].tolist()[0] == 1
    # the upgraded database takes new rows with the new columns
    cid = store.add_cycle("Fife", "TWPM", ramp="R", predictions=["p"])
    assert store.cycle(cid)["cycle_no"] == 4 and store.cycle(cid)["predictions_recorded_at"]
    store.close()


def test_opening_twice_does_not_migrate_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    PDSAStore(url).close()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0003"
    engine.dispose()
    PDSAStore(url).close()


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_each_revision_downgrades_cleanly(tmp_path, revision):
    from alembic import command

    engine = _make_engine(f"sqlite:///{tmp_path / 'd.db'}", 30)
    migrate.upgrade(engine, revision)
    with engine.connect() as conn:
        command.downgrade(migrate._config(conn), "base")
        conn.commit()
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_the_orm_columns_are_the_field_table():
    """Adding a cycle field is one edit to CYCLE_FIELDS plus a migration: the test says so."""
    from paceqi.pdsa.fields import CYCLE_FIELDS
    from paceqi.pdsa.models import Cycle

    kinds = {
        "int": sa.Integer, "text": sa.Text, "note": sa.Text, "choice": sa.String,
        "texts": sa.JSON, "predictions": sa.JSON, "date": sa.Date, "datetime": sa.DateTime,
        "bool": sa.Boolean, "float": sa.Float,
    }  # fmt: skip
    columns = {c.name: c for c in Cycle.__table__.columns}
    own = {"id", "ramp_id", "created_at", "updated_at"}
    assert [f.name for f in CYCLE_FIELDS] == [n for n in columns if n not in own]
    for f in CYCLE_FIELDS:
        assert isinstance(columns[f.name].type, kinds[f.kind]), f.name
        if f.kind == "choice":
            assert any(
                f"{f.name} IN" in str(ck.sqltext) for ck in Cycle.__table__.constraints
                if isinstance(ck, sa.CheckConstraint)
            ), f.name  # fmt: skip
        assert f.label and f.help and f.section, f.name


def test_the_cli_options_are_the_field_table():
    import argparse

    from paceqi.pdsa import commands
    from paceqi.pdsa.fields import CYCLE_FIELDS

    parser = argparse.ArgumentParser()
    commands.register(parser.add_subparsers())
    add = parser._subparsers._group_actions[0].choices["pdsa"]._subparsers._group_actions[0]
    flags = {o for a in add.choices["add"]._actions for o in a.option_strings}
    wanted = {f.cli for f in CYCLE_FIELDS if f.cli and f.section in ("plan", "do", "act")}
    assert wanted <= flags and {"--result", "--met"} <= flags
