"""SQLAlchemy tables of the PDSA store (schema head; migrations in ``migrations/`` build it).

Every record belongs to an authority: aims, drivers, change ideas, measures and annotations
carry an ``authority`` column; ramps and cycles belong to a change idea. Natural keys, used by
the importers to update instead of duplicating, are unique in the database where they are short
(change idea name, ramp title, cycle number) and checked by the importer otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from paceqi.errors import OptionsError
from paceqi.pdsa.vocab import (
    ACT_DECISIONS,
    ANNOTATION_KINDS,
    CHANGE_IDEA_STATUSES,
    DRIVER_LEVELS,
    DRIVER_STRENGTHS,
    MEASURE_FAMILIES,
    PURPOSES,
)

__all__ = [
    "Base",
    "Aim",
    "Driver",
    "ChangeIdea",
    "Measure",
    "Ramp",
    "Cycle",
    "Annotation",
    "CycleChange",
    "driver_links",
    "change_idea_drivers",
    "in_check",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_check(column: str, values: tuple[str, ...]) -> str:
    """Return the SQL of a CHECK constraint allowing NULL or one of ``values``.

    Examples
    --------
    >>> in_check("level", ("primary", "secondary"))
    "level IS NULL OR level IN ('primary', 'secondary')"
    """
    allowed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({allowed})"


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention the migrations use."""

    metadata = sa.MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


driver_links = sa.Table(
    "driver_links",
    Base.metadata,
    sa.Column("parent_id", sa.ForeignKey("drivers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("child_id", sa.ForeignKey("drivers.id", ondelete="CASCADE"), primary_key=True),
)

change_idea_drivers = sa.Table(
    "change_idea_drivers",
    Base.metadata,
    sa.Column(
        "change_idea_id", sa.ForeignKey("change_ideas.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("driver_id", sa.ForeignKey("drivers.id", ondelete="CASCADE"), primary_key=True),
)


class Aim(Base):
    """What the team is trying to accomplish: what, by how much, for whom, by when."""

    __tablename__ = "aims"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(sa.String(100), index=True)
    statement: Mapped[str] = mapped_column(sa.Text)
    measure: Mapped[str | None] = mapped_column(sa.Text)
    target_value: Mapped[float | None] = mapped_column(sa.Float)
    target_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    baseline_value: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)


class Driver(Base):
    """A primary driver (linked to an aim) or a secondary driver (linked to primaries)."""

    __tablename__ = "drivers"
    __table_args__ = (
        sa.CheckConstraint(in_check("level", DRIVER_LEVELS), name="level"),
        sa.CheckConstraint(in_check("strength", DRIVER_STRENGTHS), name="strength"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(sa.String(100), index=True)
    aim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("aims.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    strength: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)
    parents: Mapped[list[Driver]] = relationship(
        secondary=driver_links,
        primaryjoin=lambda: Driver.id == driver_links.c.child_id,
        secondaryjoin=lambda: Driver.id == driver_links.c.parent_id,
        order_by=lambda: Driver.id,
    )


class ChangeIdea(Base):
    """A change idea, tested in one or more ramps of PDSA cycles."""

    __tablename__ = "change_ideas"
    __table_args__ = (
        sa.UniqueConstraint("authority", "name"),
        sa.CheckConstraint(in_check("status", CHANGE_IDEA_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(sa.String(100), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    notebook: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="idea")
    owner: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)
    drivers: Mapped[list[Driver]] = relationship(
        secondary=change_idea_drivers, order_by=lambda: Driver.id
    )
    ramps: Mapped[list[Ramp]] = relationship(
        back_populates="change_idea", order_by=lambda: Ramp.id, cascade="all, delete-orphan"
    )


class Measure(Base):
    """A measure of the family (outcome, process, balancing) with its operational definition."""

    __tablename__ = "measures"
    __table_args__ = (
        sa.UniqueConstraint("authority", "name"),
        sa.CheckConstraint(in_check("family", MEASURE_FAMILIES), name="family"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(sa.String(100), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    family: Mapped[str | None] = mapped_column(sa.String(20))
    operational_definition: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)


class Ramp(Base):
    """An ordered sequence of PDSA cycles testing one change idea."""

    __tablename__ = "ramps"
    __table_args__ = (sa.UniqueConstraint("change_idea_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    change_idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("change_ideas.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)
    change_idea: Mapped[ChangeIdea] = relationship(back_populates="ramps")
    cycles: Mapped[list[Cycle]] = relationship(
        back_populates="ramp", order_by=lambda: Cycle.cycle_no, cascade="all, delete-orphan"
    )


class Cycle(Base):
    """One PDSA cycle with the IHI worksheet fields (Plan, Do, Study, Act)."""

    __tablename__ = "cycles"
    __table_args__ = (
        sa.UniqueConstraint("ramp_id", "cycle_no"),
        sa.CheckConstraint(in_check("purpose", PURPOSES), name="purpose"),
        sa.CheckConstraint(in_check("act_decision", ACT_DECISIONS), name="act_decision"),
        sa.CheckConstraint("cycle_no >= 1", name="cycle_no"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ramp_id: Mapped[int] = mapped_column(sa.ForeignKey("ramps.id", ondelete="CASCADE"), index=True)
    cycle_no: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str | None] = mapped_column(sa.Text)
    purpose: Mapped[str | None] = mapped_column(sa.String(20))
    objective: Mapped[str | None] = mapped_column(sa.Text)
    questions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: rows of {prediction, result, met}: each study result stays with its prediction
    predictions: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    plan_who: Mapped[str | None] = mapped_column(sa.Text)
    plan_what: Mapped[str | None] = mapped_column(sa.Text)
    plan_when: Mapped[str | None] = mapped_column(sa.Text)
    plan_where: Mapped[str | None] = mapped_column(sa.Text)
    data_plan: Mapped[str | None] = mapped_column(sa.Text)
    scale: Mapped[str | None] = mapped_column(sa.Text)
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    carried_out_as_planned: Mapped[bool | None] = mapped_column(sa.Boolean)
    do_observations: Mapped[str | None] = mapped_column(sa.Text)
    unexpected_events: Mapped[str | None] = mapped_column(sa.Text)
    act_decision: Mapped[str | None] = mapped_column(sa.String(20))
    next_steps: Mapped[str | None] = mapped_column(sa.Text)
    predictions_recorded_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now, onupdate=_now)
    ramp: Mapped[Ramp] = relationship(back_populates="cycles")
    changes: Mapped[list[CycleChange]] = relationship(
        back_populates="cycle", order_by=lambda: CycleChange.id, cascade="all, delete-orphan"
    )


class CycleChange(Base):
    """One entry of a cycle's history: who changed what, when (old and new values)."""

    __tablename__ = "cycle_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cycles.id", ondelete="CASCADE"), index=True
    )
    changed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)
    changed_by: Mapped[str | None] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(20))
    #: field -> [old, new] as JSON values (dates as ISO text)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: set when predictions were edited after the test's start date
    note: Mapped[str | None] = mapped_column(sa.Text)
    cycle: Mapped[Cycle] = relationship(back_populates="changes")


class Annotation(Base):
    """A dated note shown on every chart of the authority (or of one change idea)."""

    __tablename__ = "annotations"
    __table_args__ = (sa.CheckConstraint(in_check("kind", ANNOTATION_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(sa.String(100), index=True)
    date: Mapped[dt.date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(20))
    change_idea_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("change_ideas.id", ondelete="CASCADE")
    )
    cycle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cycles.id", ondelete="SET NULL"))
    measure: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=_now)


def table(model: type[Base]) -> sa.Table:
    """Return the Core table of a mapped class (``__table__`` is typed as a plain FromClause).

    Examples
    --------
    >>> table(Cycle).name
    'cycles'
    """
    return Base.metadata.tables[model.__tablename__]


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """Return the primary key of the one row a Core ``INSERT`` added."""
    key = result.inserted_primary_key
    if key is None:  # only for an executemany or a statement that is not an INSERT
        raise RuntimeError("the INSERT reported no new primary key")
    return int(key[0])


_Row = TypeVar("_Row", bound=Base)


def get_row(session: Session, model: type[_Row], row_id: int) -> _Row:
    """Return the row ``row_id`` of ``model``, whose id the same transaction has just read.

    Raises
    ------
    OptionsError
        If another writer deleted the row in between (the user can simply try again).
    """
    row = session.get(model, row_id)
    if row is None:
        raise OptionsError(f"That {model.__tablename__} row was deleted meanwhile; try again.")
    return row
