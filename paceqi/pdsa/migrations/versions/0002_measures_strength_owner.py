"""Measures table; driver strength, change idea owner, when predictions were recorded.

Adds columns only (existing rows keep their values; the new columns start empty) and the
``measures`` table. On SQLite the altered tables are rebuilt by Alembic's batch mode, which
copies every row.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("family", sa.String(20)),
        sa.Column("operational_definition", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("authority", "name", name=op.f("uq_measures_authority")),
        sa.CheckConstraint(
            "family IS NULL OR family IN ('outcome', 'process', 'balancing', 'experience')",
            name=op.f("ck_measures_family"),
        ),
    )
    op.create_index(op.f("ix_measures_authority"), "measures", ["authority"])
    with op.batch_alter_table("drivers") as batch:
        batch.add_column(sa.Column("strength", sa.String(20)))
        batch.create_check_constraint(
            op.f("ck_drivers_strength"), "strength IS NULL OR strength IN ('strong', 'weak')"
        )
    with op.batch_alter_table("change_ideas") as batch:
        batch.add_column(sa.Column("owner", sa.Text))
    with op.batch_alter_table("cycles") as batch:
        batch.add_column(sa.Column("predictions_recorded_at", sa.DateTime))
    with op.batch_alter_table("annotations") as batch:
        batch.add_column(sa.Column("measure", sa.Text))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("annotations") as batch:
        batch.drop_column("measure")
    with op.batch_alter_table("cycles") as batch:
        batch.drop_column("predictions_recorded_at")
    with op.batch_alter_table("change_ideas") as batch:
        batch.drop_column("owner")
    with op.batch_alter_table("drivers") as batch:
        batch.drop_constraint(op.f("ck_drivers_strength"), type_="check")
        batch.drop_column("strength")
    op.drop_index(op.f("ix_measures_authority"), table_name="measures")
    op.drop_table("measures")
