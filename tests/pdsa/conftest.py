"""Fixtures for the PDSA store tests: a fresh database per test, SQLite and PostgreSQL.

PostgreSQL cases use $PACEQI_TEST_PG_URL (`.ci/run` and `make pg` start a server). Each test
session gets its own uniquely named schema (dropped at the end), so parallel runs cannot
interfere; within a session, store tests empty every table before they start, and migration
tests get a fresh schema of their own.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest

PG_ENV = "PACEQI_TEST_PG_URL"
PG_SKIP = (
    "PostgreSQL store tests need a server: set PACEQI_TEST_PG_URL, e.g. `make pg` then "
    "export PACEQI_TEST_PG_URL=postgresql+psycopg://paceqi@127.0.0.1:54329/paceqi_test"
)
DATA = Path(__file__).resolve().parents[1] / "data" / "pdsa"


@pytest.fixture
def fife_yaml() -> Path:
    return DATA / "fife_v1.yaml"


def _pg_url(schema: str) -> str:
    import sqlalchemy as sa

    base = sa.make_url(os.environ[PG_ENV])
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _new_schema():
    if not os.environ.get(PG_ENV):
        pytest.skip(PG_SKIP)
    import sqlalchemy as sa

    schema = f"pdsa_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(os.environ[PG_ENV], poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield _pg_url(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def pg_schema():
    """A fresh, empty PostgreSQL schema (dropped afterwards)."""
    yield from _new_schema()


@pytest.fixture(scope="session")
def pg_session_url():
    """A PostgreSQL schema at the newest revision, shared by the session's store tests."""
    from paceqi.pdsa.store import PDSAStore

    for url in _new_schema():
        PDSAStore(url).close()
        yield url


def _emptied(url: str) -> bool:
    """Empty every table; False if a lock held elsewhere stopped it within 5 s."""
    import sqlalchemy as sa

    from paceqi.pdsa.models import Base

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An empty SQLite database at the newest schema, migrated once per session."""
    from paceqi.pdsa.store import PDSAStore

    path = tmp_path_factory.mktemp("template") / "template.db"
    PDSAStore(path).close()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, sqlite_template):
    """A URL of an empty database at the newest schema (SQLite file or PostgreSQL schema)."""
    if request.param == "sqlite":
        target = tmp_path / "pdsa.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_session_url")
    if _emptied(url):
        return url
    return request.getfixturevalue("pg_schema")  # fall back to a fresh schema


@pytest.fixture
def store(db_url):
    from paceqi.pdsa.store import PDSAStore

    s = PDSAStore(db_url)
    yield s
    s.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_url(request, tmp_path):
    """A URL of a database with no tables at all (not even the schema's)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    return request.getfixturevalue("pg_schema")
