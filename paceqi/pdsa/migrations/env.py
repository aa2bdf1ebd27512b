"""Alembic environment: runs on the connection :mod:`paceqi.pdsa.migrate` hands over.

Migrations run in one transaction. On PostgreSQL an advisory lock makes concurrent upgrades
(two users opening a fresh team database at once) wait for each other instead of racing; on
SQLite ``BEGIN IMMEDIATE`` (see ``paceqi.pdsa.store``) does the same.
"""

from __future__ import annotations

from alembic import context

from paceqi.pdsa.models import Base

#: Arbitrary constant key of the PostgreSQL advisory lock held while migrating.
PG_MIGRATION_LOCK = 5_000_000_005


def _in_alembic() -> bool:
    try:
        context.config  # noqa: B018 - raises outside an Alembic run
    except (NameError, AttributeError):
        return False
    return True


def run_migrations_online() -> None:
    """Upgrade (or downgrade) on the connection passed in ``config.attributes``."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        context.run_migrations()


if _in_alembic():
    run_migrations_online()
