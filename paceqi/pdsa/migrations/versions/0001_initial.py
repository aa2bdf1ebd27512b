"""Initial PDSA schema: aims, drivers, change ideas, ramps, cycles, annotations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ck(column: str, values: tuple[str, ...]) -> str:
    allowed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({allowed})"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "aims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("measure", sa.Text),
        sa.Column("target_value", sa.Float),
        sa.Column("target_date", sa.Date),
        sa.Column("baseline_value", sa.Float),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aims")),
    )
    op.create_index(op.f("ix_aims_authority"), "aims", ["authority"])
    op.create_table(
        "drivers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("aim_id", sa.Integer),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drivers")),
        sa.ForeignKeyConstraint(
            ["aim_id"], ["aims.id"], name=op.f("fk_drivers_aim_id_aims"), ondelete="SET NULL"
        ),
        sa.CheckConstraint(_ck("level", ("primary", "secondary")), name=op.f("ck_drivers_level")),
    )
    op.create_index(op.f("ix_drivers_authority"), "drivers", ["authority"])
    op.create_table(
        "driver_links",
        sa.Column("parent_id", sa.Integer, nullable=False),
        sa.Column("child_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("parent_id", "child_id", name=op.f("pk_driver_links")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["drivers.id"],
            name=op.f("fk_driver_links_parent_id_drivers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["drivers.id"],
            name=op.f("fk_driver_links_child_id_drivers"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "change_ideas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("notebook", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_ideas")),
        sa.UniqueConstraint("authority", "name", name=op.f("uq_change_ideas_authority")),
        sa.CheckConstraint(
            _ck("status", ("idea", "testing", "implementing", "adopted", "abandoned")),
            name=op.f("ck_change_ideas_status"),
        ),
    )
    op.create_index(op.f("ix_change_ideas_authority"), "change_ideas", ["authority"])
    op.create_table(
        "change_idea_drivers",
        sa.Column("change_idea_id", sa.Integer, nullable=False),
        sa.Column("driver_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("change_idea_id", "driver_id", name=op.f("pk_change_idea_drivers")),
        sa.ForeignKeyConstraint(
            ["change_idea_id"],
            ["change_ideas.id"],
            name=op.f("fk_change_idea_drivers_change_idea_id_change_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["drivers.id"],
            name=op.f("fk_change_idea_drivers_driver_id_drivers"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "ramps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_idea_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ramps")),
        sa.ForeignKeyConstraint(
            ["change_idea_id"],
            ["change_ideas.id"],
            name=op.f("fk_ramps_change_idea_id_change_ideas"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("change_idea_id", "title", name=op.f("uq_ramps_change_idea_id")),
    )
    op.create_index(op.f("ix_ramps_change_idea_id"), "ramps", ["change_idea_id"])
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ramp_id", sa.Integer, nullable=False),
        sa.Column("cycle_no", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("purpose", sa.String(20)),
        sa.Column("objective", sa.Text),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("predictions", sa.JSON, nullable=False),
        sa.Column("plan_who", sa.Text),
        sa.Column("plan_what", sa.Text),
        sa.Column("plan_when", sa.Text),
        sa.Column("plan_where", sa.Text),
        sa.Column("data_plan", sa.Text),
        sa.Column("scale", sa.Text),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
        sa.Column("carried_out_as_planned", sa.Boolean),
        sa.Column("do_observations", sa.Text),
        sa.Column("unexpected_events", sa.Text),
        sa.Column("study_results", sa.JSON, nullable=False),
        sa.Column("act_decision", sa.String(20)),
        sa.Column("next_steps", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
        sa.ForeignKeyConstraint(
            ["ramp_id"], ["ramps.id"], name=op.f("fk_cycles_ramp_id_ramps"), ondelete="CASCADE"
        ),
        sa.UniqueConstraint("ramp_id", "cycle_no", name=op.f("uq_cycles_ramp_id")),
        sa.CheckConstraint(
            _ck("purpose", ("collect_info", "develop", "test", "implement")),
            name=op.f("ck_cycles_purpose"),
        ),
        sa.CheckConstraint(
            _ck("act_decision", ("adopt", "adapt", "abandon")),
            name=op.f("ck_cycles_act_decision"),
        ),
        sa.CheckConstraint("cycle_no >= 1", name=op.f("ck_cycles_cycle_no")),
    )
    op.create_index(op.f("ix_cycles_ramp_id"), "cycles", ["ramp_id"])
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("change_idea_id", sa.Integer),
        sa.Column("cycle_id", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
        sa.ForeignKeyConstraint(
            ["change_idea_id"],
            ["change_ideas.id"],
            name=op.f("fk_annotations_change_idea_id_change_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_annotations_cycle_id_cycles"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            _ck("kind", ("pdsa_start", "pdsa_end", "system_change", "data_issue")),
            name=op.f("ck_annotations_kind"),
        ),
    )
    op.create_index(op.f("ix_annotations_authority"), "annotations", ["authority"])


def downgrade() -> None:
    """Revert this revision."""
    for table in (
        "annotations",
        "cycles",
        "ramps",
        "change_idea_drivers",
        "change_ideas",
        "driver_links",
        "drivers",
        "aims",
    ):
        op.drop_table(table)
