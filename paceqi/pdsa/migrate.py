"""Schema versions: run the Alembic migrations shipped in ``paceqi/pdsa/migrations/``.

The store calls :func:`upgrade` when it opens a database, so a database made by an older
paceqi is brought to the current schema (every row kept) before it is used.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

__all__ = ["MIGRATIONS_DIR", "head_revision", "current_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config(connection: sa.Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """Return the newest schema revision shipped with this paceqi.

    Examples
    --------
    >>> head_revision()
    '0003'
    """
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # the migrations folder shipped without its scripts: a broken install
        raise RuntimeError("paceqi's PDSA store migrations are missing; reinstall paceqi")
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """Return the schema revision of the database behind ``engine`` (None if it is empty)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` (default: the newest).

    Runs in one transaction: an interrupted upgrade leaves the previous schema. On SQLite,
    foreign keys are switched off while tables are rebuilt (Alembic batch mode), so that
    rebuilding a parent table cannot cascade to its children.
    """
    from alembic import command

    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _driver_execute(conn, "PRAGMA foreign_keys=OFF")
        try:
            command.upgrade(_config(conn), revision)
            if conn.in_transaction():
                conn.commit()
        finally:
            if sqlite:
                _driver_execute(conn, "PRAGMA foreign_keys=ON")


def _driver_execute(conn: sa.Connection, sql: str) -> None:
    """Run ``sql`` on the driver's connection, outside SQLAlchemy's transaction handling.

    SQLite ignores ``PRAGMA foreign_keys`` inside a transaction, so it is sent to the sqlite3
    connection itself.
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:  # only after the connection was invalidated
        raise RuntimeError("the database connection was closed during the schema upgrade")
    dbapi.execute(sql)
