"""Predictions as rows with their study results; the history of changes to each cycle.

* ``cycles.predictions`` becomes a list of rows ``{prediction, result, met}``: every stored
  study result is attached to the prediction it names (or, without a name, to the prediction
  at its position; otherwise it becomes a row of its own), then ``cycles.study_results`` is
  dropped. No result is lost or moved to another prediction.
* ``cycle_changes``: who changed a cycle, when, and each field's old and new value.

The merge is written out here (not imported from paceqi) so this revision stays as it ran.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _rows(predictions, results):
    rows = [
        {"prediction": p, "result": None, "met": None} if isinstance(p, str) else dict(p)
        for p in predictions or []
    ]
    filled = set()
    for i, r in enumerate(results or []):
        text = r.get("prediction")
        target = next(
            (
                j
                for j, row in enumerate(rows)
                if j not in filled and text is not None and row.get("prediction") == text
            ),
            None,
        )
        if target is None and text is None and i < len(rows) and i not in filled:
            target = i
        if target is None:
            rows.append({"prediction": text, "result": r.get("result"), "met": r.get("met")})
            filled.add(len(rows) - 1)
        else:
            filled.add(target)
            rows[target] = {**rows[target], "result": r.get("result"), "met": r.get("met")}
    return rows


def _cycles(*names):
    return sa.table("cycles", sa.column("id", sa.Integer), *(sa.column(n, sa.JSON) for n in names))


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "cycle_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle_id", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(200)),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_changes")),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_cycle_changes_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_cycle_changes_cycle_id"), "cycle_changes", ["cycle_id"])
    conn = op.get_bind()
    table = _cycles("predictions", "study_results")
    for cid, predictions, results in conn.execute(
        sa.select(table.c.id, table.c.predictions, table.c.study_results)
    ).all():
        rows = _rows(predictions, results)
        conn.execute(sa.update(table).where(table.c.id == cid).values(predictions=rows))
    with op.batch_alter_table("cycles") as batch:
        batch.drop_column("study_results")


def downgrade() -> None:
    """Revert this revision (prediction texts and study results as two lists again)."""
    with op.batch_alter_table("cycles") as batch:
        batch.add_column(sa.Column("study_results", sa.JSON))
    conn = op.get_bind()
    table = _cycles("predictions", "study_results")
    for cid, rows in conn.execute(sa.select(table.c.id, table.c.predictions)).all():
        rows = rows or []
        texts = [r["prediction"] for r in rows if r.get("prediction") is not None]
        results = [dict(r) for r in rows if r.get("result") is not None or r.get("met") is not None]
        conn.execute(
            sa.update(table)
            .where(table.c.id == cid)
            .values(predictions=texts, study_results=results)
        )
    op.drop_index(op.f("ix_cycle_changes_cycle_id"), table_name="cycle_changes")
    op.drop_table("cycle_changes")
