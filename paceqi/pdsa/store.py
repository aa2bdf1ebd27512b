"""PDSAStore: the PDSA tracker's database (SQLite file by default, PostgreSQL for a team).

The store does persistence only: it checks records against the field table on the way in
(:mod:`paceqi.pdsa.fields`), writes them in transactions and reads them back. What is computed
from the records for people to look at (quality check, driver diagram, the notebook tracker)
is in :mod:`paceqi.pdsa.views`.

Every write runs in one transaction and is retried when the database is busy, so concurrent
writers (two notebooks, a CLI import) wait for each other instead of failing or losing a row.
On SQLite the store uses write-ahead logging (WAL), a busy timeout and ``BEGIN IMMEDIATE`` (the
writer takes the lock before it reads, so two writers never deadlock on lock upgrade); see
https://www.sqlite.org/wal.html and https://www.sqlite.org/lang_transaction.html. Opening a
database upgrades its schema to the current revision (:mod:`paceqi.pdsa.migrate`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload

from paceqi.errors import DataValidationError, OptionsError, PaceqiError
from paceqi.pdsa import models as m
from paceqi.pdsa.fields import (
    CYCLE_FIELDS,
    clean_record,
    prediction_rows,
    prediction_texts,
    section_fields,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "PDSAStore",
    "default_url",
    "normalise_url",
    "StoreError",
    "idea_key",
    "store_label",
]

T = TypeVar("T")

#: Seconds a SQLite writer waits for another writer's lock before giving up (per attempt).
SQLITE_BUSY_TIMEOUT_S = 30.0
#: Whole-transaction attempts when the database is busy or a concurrent insert collides.
WRITE_ATTEMPTS = 8

#: Fields a clone copies: the plan, except the cycle's number and start date.
_PLAN_FIELDS = tuple(
    f.name for f in section_fields("plan") if f.name not in ("cycle_no", "start_date")
)
_CYCLE_COLUMNS = tuple(f.name for f in CYCLE_FIELDS)


class StoreError(PaceqiError):
    """The database could not be opened or written (message names the database, not data)."""


def default_url() -> str:
    """Return ``$PACEQI_DB`` or the SQLite file ``workspace/paceqi.db`` of the project.

    Examples
    --------
    >>> default_url().startswith("sqlite:///") or "PACEQI_DB" in __import__("os").environ
    True
    """
    env = os.environ.get("PACEQI_DB")
    if env:
        return normalise_url(env)
    from paceqi._paths import project_root

    return f"sqlite:///{project_root() / 'workspace' / 'paceqi.db'}"


def normalise_url(url: str | os.PathLike[str]) -> str:
    """Return a SQLAlchemy URL: a plain path becomes a SQLite file URL.

    Examples
    --------
    >>> normalise_url("/tmp/x.db")
    'sqlite:////tmp/x.db'
    >>> normalise_url("postgresql+psycopg://team@db/paceqi")
    'postgresql+psycopg://team@db/paceqi'
    """
    text = os.fspath(url)
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _safe_url(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def _make_engine(url: str, busy_timeout: float) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    kwargs: dict[str, Any] = {}
    database = parsed.database
    memory = database is None or database in ("", ":memory:")
    if database is None or memory:
        kwargs["poolclass"] = sa.pool.StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (SQLAlchemy pysqlite recipe)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        # NORMAL is durable against a killed process in WAL mode
        # (https://www.sqlite.org/pragma.html#pragma_synchronous)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised via every test
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _retryable(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OperationalError):
        return any(s in text for s in ("locked", "busy", "deadlock", "could not serialize"))
    if isinstance(exc, IntegrityError):  # a concurrent writer created the same natural key first
        return "unique" in text or "duplicate key" in text
    return False


def _fail(where: str, errors: Mapping[str, str], record: str) -> DataValidationError:
    import pandas as pd

    rows = [
        {
            "file": where,
            "row": record,
            "column": field,
            "check": "field",
            "message": f"{record}: field '{field}' {msg}",
        }
        for field, msg in errors.items()
    ]
    return DataValidationError(pd.DataFrame(rows), summary=f"{where}: {record} is not valid")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def idea_key(name: str | None) -> str:
    """Return the spelling-free key of a change idea name or notebook name.

    "Two Week Planning Meeting" and ``two_week_planning_meeting`` have the same key, so the
    store finds one change idea under either spelling: case, spaces and punctuation do not
    count; letters (of any script) and digits do.

    Examples
    --------
    >>> idea_key("Two Week Planning Meeting") == idea_key("two_week_planning_meeting")
    True
    >>> idea_key("Éire plan") == idea_key("ire plan")
    False
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\W_]+", "_", text).strip("_")  # letters of every script are kept


def store_label(url: str) -> str:
    """Return how a report names a store: the file name of a SQLite store, else the database.

    Never an absolute path, never a password.

    Examples
    --------
    >>> store_label("sqlite:////home/me/project/workspace/paceqi.db")
    'paceqi.db'
    >>> store_label("postgresql+psycopg://qi:secret@db.example.org/paceqi_fife")
    'PostgreSQL database paceqi_fife on db.example.org'
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database).name if parsed.database else "an in-memory database"
    return f"PostgreSQL database {parsed.database} on {parsed.host}"


def _match_idea(rows: Iterable[tuple[int, str, str | None]], name: str) -> int | None:
    """Return the id of the change idea called ``name`` (by name, notebook, or either's key)."""
    rows = sorted(rows)
    key = idea_key(name)
    for test in (
        lambda nm, nb: nm == name,
        lambda nm, nb: nb == name,
        lambda nm, nb: key and idea_key(nm) == key,
        lambda nm, nb: key and idea_key(nb) == key,
    ):
        for rid, nm, nb in rows:
            if test(nm, nb):
                return rid
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return field -> [old, new] (JSON values) for every field whose value changed."""
    out = {}
    for key, value in new.items():
        before = old.get(key)
        if before in ([], None) and value in ([], None):
            continue
        if before != value:
            out[key] = [_json_value(before), _json_value(value)]
    return out


class PDSAStore:
    """The PDSA tracker's database: aims, drivers, change ideas, ramps, cycles, annotations.

    Parameters
    ----------
    url : str or path, optional
        A SQLAlchemy URL (``sqlite:///file.db``, ``postgresql+psycopg://user@host/db``) or a file
        path. Default: ``$PACEQI_DB``, else ``workspace/paceqi.db`` in the project.
    busy_timeout : float
        SQLite only: seconds to wait for another writer's lock.
    user : str, optional
        Who is making changes (kept in each cycle's history). Default: ``$PACEQI_USER``, else
        the login name.

    Examples
    --------
    >>> store = PDSAStore(":memory:")
    >>> cid = store.add_cycle("Fife", "Two Week Planning Meeting", purpose="test",
    ...                       predictions=["Meeting held within 14 days"], scale="1 team")
    >>> store.cycle(cid)["cycle_no"]
    1
    >>> store.cycle(store.clone_cycle(cid))["cycle_no"]
    2
    >>> store.close()
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = SQLITE_BUSY_TIMEOUT_S,
        user: str | None = None,
    ) -> None:
        self.url = normalise_url(url) if url is not None else default_url()
        self.user = user or os.environ.get("PACEQI_USER") or _login()
        try:
            self.engine = _make_engine(self.url, busy_timeout)
            from paceqi.pdsa.migrate import upgrade

            upgrade(self.engine)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StoreError(
                f"Cannot open the PDSA database {_safe_url(sa.make_url(self.url))}: "
                f"{type(exc).__name__}. Check the --db URL / PACEQI_DB and that the server runs."
            ) from exc
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"Cannot open {sa.make_url(self.url).get_backend_name()} databases: the driver "
                f"'{exc.name}' is not installed (pip install 'paceqi[postgres]')."
            ) from exc

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> PDSAStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def label(self) -> str:
        """The store as a report names it (file name or database name; no path, no password)."""
        return store_label(self.url)

    def __repr__(self) -> str:
        return f"PDSAStore({_safe_url(self.engine.url)!r})"

    def _repr_html_(self) -> str:
        import html

        n = self.counts()
        return (
            f"<p>PDSA store <code>{html.escape(self.label)}</code>: {n['cycles']} cycles of "
            f"{n['change_ideas']} change ideas ({len(self.authorities())} authorities).</p>"
        )

    @contextmanager
    def _session(self):
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one transaction, retrying the whole transaction when busy."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._session() as session:
                    return fn(session)
            except (OperationalError, IntegrityError) as exc:
                if attempt == WRITE_ATTEMPTS - 1 or not _retryable(exc):
                    raise StoreError(
                        f"The PDSA database refused the write ({type(exc).__name__}); nothing "
                        "was saved. Try again; if it persists, check the database."
                    ) from exc
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, fn: Callable[[Session], T]) -> T:
        shared = getattr(self, "_shared_session", None)
        if shared is not None:
            return fn(shared)
        with self._session() as session:
            return fn(session)

    @contextmanager
    def reading(self):
        """Run every read inside the block in one transaction (one consistent snapshot).

        A report's several reads (change ideas, ramp, annotations, quality check, document)
        then cost one connection checkout and one ``BEGIN``/``COMMIT`` instead of five.
        """
        with self._session() as session:
            self._shared_session = session
            try:
                yield self
            finally:
                self._shared_session = None

    # -- change ideas, ramps --------------------------------------------------------------------

    @staticmethod
    def _change_idea(
        session: Session, authority: str, name: str, *, create: bool = False
    ) -> m.ChangeIdea:
        ci = m.table(m.ChangeIdea)
        rows = session.execute(
            sa.select(ci.c.id, ci.c.name, ci.c.notebook).where(ci.c.authority == authority)
        ).all()
        found = _match_idea(rows, name)
        if found is None:
            if not create:
                raise OptionsError(f"No change idea with that name for authority '{authority}'.")
            idea = m.ChangeIdea(
                authority=authority, name=name, status="testing", notebook=idea_key(name) or None
            )
            session.add(idea)
            session.flush()
            return idea
        return m.get_row(session, m.ChangeIdea, found)

    @staticmethod
    def _ramp(session: Session, idea: m.ChangeIdea, title: str | None, *, lock: bool) -> m.Ramp:
        query = sa.select(m.Ramp).filter_by(change_idea_id=idea.id)
        if title is not None:
            query = query.filter_by(title=title)
        else:
            query = query.order_by(m.Ramp.id.desc()).limit(1)
        if lock:
            query = query.with_for_update()
        ramp = session.scalars(query).first()
        if ramp is None:
            ramp = m.Ramp(change_idea=idea, title=title or f"{idea.name} ramp")
            session.add(ramp)
            session.flush()
        return ramp

    def add_change_idea(
        self,
        authority: str,
        name: str,
        *,
        status: str = "idea",
        notebook: str | None = None,
        description: str | None = None,
        owner: str | None = None,
    ) -> int:
        """Add a change idea (or update it if the name exists) and return its id."""
        from paceqi.pdsa.fields import CHANGE_IDEA_FIELDS

        values = {"name": name, "status": status, "notebook": notebook}
        values |= {"description": description, "owner": owner}
        clean, errors = clean_record(values, CHANGE_IDEA_FIELDS)
        _check_authority(authority, errors)
        if errors:
            raise _fail("add_change_idea", errors, "change idea")

        def run(session: Session) -> int:
            idea = self._change_idea(session, authority, clean["name"], create=True)
            for key, value in clean.items():
                if value is not None or key not in ("notebook",):
                    setattr(idea, key, value)
            session.flush()
            return idea.id

        return self._write(run)

    def find_change_idea(self, authority: str, name: str) -> str | None:
        """Return the stored name of the change idea called ``name`` (any spelling), or None.

        A change idea is found by its name or its notebook name, e.g. "Two Week Planning
        Meeting" or ``two_week_planning_meeting`` (:func:`idea_key`).
        """
        ci = m.table(m.ChangeIdea)

        def run(session: Session) -> str | None:
            rows = session.execute(
                sa.select(ci.c.id, ci.c.name, ci.c.notebook).where(ci.c.authority == authority)
            ).all()
            found = _match_idea(rows, name)
            return None if found is None else next(r[1] for r in rows if r[0] == found)

        return self._read(run)

    def set_status(self, authority: str, change_idea: str, status: str) -> None:
        """Set a change idea's status (idea, testing, implementing, adopted, abandoned)."""
        from paceqi.pdsa.vocab import CHANGE_IDEA_STATUSES

        if status not in CHANGE_IDEA_STATUSES:
            raise OptionsError(
                f"status must be one of {', '.join(CHANGE_IDEA_STATUSES)}; got '{status}'."
            )

        def run(session: Session) -> None:
            self._change_idea(session, authority, change_idea).status = status

        self._write(run)

    # -- cycles ---------------------------------------------------------------------------------

    def add_cycle(
        self,
        authority: str,
        change_idea: str,
        *,
        ramp: str | None = None,
        action: str = "created",
        **fields: Any,
    ) -> int:
        """Add a PDSA cycle to a ramp of a change idea and return the cycle's id.

        The change idea (status ``testing``) and the ramp (titled "<change idea> ramp" unless
        ``ramp`` names one; default: the idea's latest ramp) are created when absent.
        ``cycle_no`` defaults to the ramp's next number. The change idea is found by its name
        or its notebook name, in any spelling (:func:`idea_key`). Other keyword arguments are
        the worksheet fields (:data:`paceqi.pdsa.fields.CYCLE_FIELDS`); ``predictions`` are
        rows ``{prediction, result, met}`` (plain texts are predictions without results yet).
        The cycle's history starts with who created it and when.

        Raises
        ------
        DataValidationError
            A field is not valid (``.failures`` names each field); nothing is saved.
        """
        values = dict(fields)
        auto_no = "cycle_no" not in values or values["cycle_no"] is None
        if auto_no:
            values["cycle_no"] = 1
        clean, errors = clean_record(values, CYCLE_FIELDS)
        _check_authority(authority, errors)
        if not isinstance(change_idea, str) or not change_idea:
            errors["change_idea"] = "is required"
        if errors:
            raise _fail("add_cycle", errors, "cycle")
        if clean.get("predictions") and "predictions_recorded_at" not in clean:
            clean["predictions_recorded_at"] = _now()

        def run(session: Session) -> int:
            # Core statements: this is the hot path of concurrent writers (ORM units of work
            # cost about twice as much here).
            conn = session.connection()
            ci, rp, cy = m.table(m.ChangeIdea), m.table(m.Ramp), m.table(m.Cycle)
            idea_id = _match_idea(
                conn.execute(
                    sa.select(ci.c.id, ci.c.name, ci.c.notebook).where(ci.c.authority == authority)
                ).all(),
                change_idea,
            )
            if idea_id is None:
                idea_id = m.inserted_id(
                    conn.execute(
                        sa.insert(ci).values(
                            authority=authority,
                            name=change_idea,
                            status="testing",
                            notebook=idea_key(change_idea) or None,
                        )
                    )
                )
            q = sa.select(rp.c.id).where(rp.c.change_idea_id == idea_id)
            if ramp is not None:
                q = q.where(rp.c.title == ramp)
            else:
                q = q.order_by(rp.c.id.desc()).limit(1)
            ramp_id = conn.scalar(q.with_for_update())  # serialises numbering on PostgreSQL
            if ramp_id is None:
                title = ramp if ramp is not None else f"{change_idea} ramp"
                ramp_id = m.inserted_id(
                    conn.execute(sa.insert(rp).values(change_idea_id=idea_id, title=title))
                )
            if auto_no:
                last = conn.scalar(
                    sa.select(sa.func.max(cy.c.cycle_no)).where(cy.c.ramp_id == ramp_id)
                )
                clean["cycle_no"] = (last or 0) + 1
            elif conn.scalar(
                sa.select(cy.c.id).where(
                    cy.c.ramp_id == ramp_id, cy.c.cycle_no == clean["cycle_no"]
                )
            ):
                raise OptionsError(
                    f"The ramp already has a cycle {clean['cycle_no']}; leave cycle_no out to "
                    "add the next one, or update that cycle."
                )
            new_id = m.inserted_id(conn.execute(sa.insert(cy).values(ramp_id=ramp_id, **clean)))
            conn.execute(
                sa.insert(m.table(m.CycleChange)).values(
                    cycle_id=new_id,
                    changed_at=_now(),
                    changed_by=self.user,
                    action=action,
                    changes=_diff({}, clean),
                )
            )
            return new_id

        return self._write(run)

    def update_cycle(self, cycle_id: int, **fields: Any) -> dict[str, Any]:
        """Change fields of a cycle (Do, Study, Act as the cycle goes on); others are kept.

        Every change is kept in the cycle's history (:meth:`history`): who, when, and each
        changed field's old and new value. A ``study_results`` list (the older shape) is
        attached to the cycle's stored predictions.

        Returns
        -------
        dict
            ``changes`` (field -> [old, new]) and ``late_predictions`` (True when prediction
            texts were changed on or after the test's start date; the history notes it).
        """
        fields = dict(fields)
        if "study_results" in fields and "predictions" not in fields:
            current = self.cycle(cycle_id)["predictions"]
            fields["predictions"] = prediction_rows(
                prediction_texts(current), fields.pop("study_results")
            )
        clean, errors = clean_record(fields, CYCLE_FIELDS, partial=True)
        if errors:
            raise _fail("update_cycle", errors, f"cycle {cycle_id}")

        def run(session: Session) -> dict[str, Any]:
            cycle = self._get_cycle(session, cycle_id)
            old = {k: getattr(cycle, k) for k in clean}
            old_rows = list(cycle.predictions or [])
            if clean.get("predictions") and not old_rows:
                clean.setdefault("predictions_recorded_at", _now())
            changes = _diff(old, clean)
            start: dt.date | None = clean.get("start_date") or cycle.start_date
            late = bool(
                "predictions" in changes
                and prediction_texts(old_rows) != prediction_texts(clean["predictions"])
                and start is not None
                and start <= dt.date.today()
                and old_rows
            )
            for key, value in clean.items():
                setattr(cycle, key, value)
            if changes:
                note = "predictions edited after the test started" if late else None
                session.add(
                    m.CycleChange(
                        cycle_id=cycle.id,
                        changed_at=_now(),
                        changed_by=self.user,
                        action="updated",
                        changes=changes,
                        note=note,
                    )
                )
            return {"changes": changes, "late_predictions": late}

        return self._write(run)

    def history(self, cycle_id: int) -> pd.DataFrame:
        """Return a cycle's history: ``changed_at, changed_by, action, fields, changes, note``.

        ``changes`` maps each changed field to ``[old, new]``; ``fields`` lists their names.
        """
        import pandas as pd

        def run(session: Session) -> list[dict[str, Any]]:
            self._get_cycle(session, cycle_id)
            q = (
                sa.select(m.CycleChange)
                .where(m.CycleChange.cycle_id == cycle_id)
                .order_by(m.CycleChange.id)
            )
            return [
                {
                    "changed_at": h.changed_at,
                    "changed_by": h.changed_by,
                    "action": h.action,
                    "fields": sorted(h.changes or {}),
                    "changes": dict(h.changes or {}),
                    "note": h.note,
                }
                for h in session.scalars(q)
            ]

        cols = ["changed_at", "changed_by", "action", "fields", "changes", "note"]
        return pd.DataFrame(self._read(run), columns=cols)

    def clone_cycle(self, cycle_id: int, **overrides: Any) -> int:
        """Start the next cycle of the ramp from a cycle's plan (Life QI / Carnegie "clone").

        The plan fields (title, purpose, objective, questions, predictions, who/what/when/where,
        data plan, scale) are copied; Do, Study and Act start empty; ``overrides`` replace
        copied fields. Returns the new cycle's id.
        """
        source = self._read(lambda s: self._cycle_dict(self._get_cycle(s, cycle_id)))
        values = {k: source[k] for k in _PLAN_FIELDS}
        values["predictions"] = prediction_texts(source["predictions"])  # results start empty
        values |= overrides
        return self.add_cycle(
            source["authority"],
            source["change_idea"],
            ramp=source["ramp"],
            action=f"cloned from cycle {source['cycle_no']}",
            **values,
        )

    @staticmethod
    def _get_cycle(session: Session, cycle_id: int) -> m.Cycle:
        cycle = session.get(m.Cycle, cycle_id)
        if cycle is None:
            raise OptionsError(f"No PDSA cycle with id {cycle_id}.")
        return cycle

    @staticmethod
    def _cycle_dict(cycle: m.Cycle) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": cycle.id,
            "authority": cycle.ramp.change_idea.authority,
            "change_idea": cycle.ramp.change_idea.name,
            "ramp": cycle.ramp.title,
        }
        out |= {name: getattr(cycle, name) for name in _CYCLE_COLUMNS}
        out["questions"] = list(out["questions"] or [])
        out["predictions"] = [dict(r) for r in out["predictions"] or []]
        return out

    def cycle(self, cycle_id: int) -> dict[str, Any]:
        """Return one cycle: its worksheet fields plus authority, change idea and ramp."""
        return self._read(lambda s: self._cycle_dict(self._get_cycle(s, cycle_id)))

    def cycles(self, authority: str | None = None, change_idea: str | None = None) -> pd.DataFrame:
        """Return every cycle (optionally of one authority / change idea), one row each."""
        import pandas as pd

        def run(session: Session) -> list[dict[str, Any]]:
            q = (
                sa.select(m.Cycle)
                .join(m.Ramp)
                .join(m.ChangeIdea)
                .options(joinedload(m.Cycle.ramp).joinedload(m.Ramp.change_idea))
            )
            if authority is not None:
                q = q.where(m.ChangeIdea.authority == authority)
            if change_idea is not None:
                if authority is None:
                    q = q.where(m.ChangeIdea.name == change_idea)
                else:
                    ci = m.table(m.ChangeIdea)
                    found = _match_idea(
                        session.execute(
                            sa.select(ci.c.id, ci.c.name, ci.c.notebook).where(
                                ci.c.authority == authority
                            )
                        ).all(),
                        change_idea,
                    )
                    q = q.where(m.ChangeIdea.id == (found if found is not None else -1))
            q = q.order_by(m.ChangeIdea.authority, m.ChangeIdea.name, m.Ramp.id, m.Cycle.cycle_no)
            return [self._cycle_dict(c) for c in session.scalars(q)]

        rows = self._read(run)
        columns = ["id", "authority", "change_idea", "ramp", *_CYCLE_COLUMNS]
        return pd.DataFrame(rows, columns=columns)

    # -- annotations ----------------------------------------------------------------------------

    def add_annotation(
        self,
        authority: str,
        date: Any,
        text: str,
        kind: str,
        *,
        change_idea: str | None = None,
        measure: str | None = None,
    ) -> int:
        """Add a dated note (pdsa_start, pdsa_end, system_change, data_issue); return its id."""
        from paceqi.pdsa.fields import ANNOTATION_FIELDS

        values = {"date": date, "text": text, "kind": kind, "measure": measure}
        clean, errors = clean_record(values, ANNOTATION_FIELDS)
        _check_authority(authority, errors)
        if errors:
            raise _fail("add_annotation", errors, "annotation")

        def run(session: Session) -> int:
            idea = None
            if change_idea is not None:
                idea = self._change_idea(session, authority, change_idea)
            note = m.Annotation(authority=authority, change_idea_id=idea and idea.id, **clean)
            session.add(note)
            session.flush()
            return note.id

        return self._write(run)

    # -- reads for reports ----------------------------------------------------------------------

    def authorities(self) -> list[str]:
        """Return the authorities with any record, sorted."""

        def run(session: Session) -> list[str]:
            found: set[str] = set()
            for model in (m.Aim, m.Driver, m.ChangeIdea, m.Annotation, m.Measure):
                found |= set(session.scalars(sa.select(model.authority).distinct()))
            return sorted(found)

        return self._read(run)

    def change_ideas(self, authority: str | None = None) -> pd.DataFrame:
        """Return the change ideas: authority, name, status, notebook, n_ramps, n_cycles."""
        import pandas as pd

        def run(session: Session) -> list[dict[str, Any]]:
            q = sa.select(m.ChangeIdea).order_by(m.ChangeIdea.authority, m.ChangeIdea.name)
            if authority is not None:
                q = q.where(m.ChangeIdea.authority == authority)
            return [
                {
                    "authority": i.authority,
                    "name": i.name,
                    "status": i.status,
                    "notebook": i.notebook,
                    "n_ramps": len(i.ramps),
                    "n_cycles": sum(len(r.cycles) for r in i.ramps),
                }
                for i in session.scalars(q)
            ]

        cols = ["authority", "name", "status", "notebook", "n_ramps", "n_cycles"]
        return pd.DataFrame(self._read(run), columns=cols)

    def ramp(self, authority: str, change_idea: str | None = None) -> pd.DataFrame:
        """Return the ramp(s) of a change idea (default: of every idea): one row per cycle.

        Columns: ``change_idea, ramp, cycle_no, cycle_id, title, purpose, scale, start_date,
        end_date, predictions, results, met, n_predictions, n_met, act_decision, next_steps`` where
        ``predictions``, ``results`` and ``met`` are lists of the same length, one item per
        prediction row (result None: not recorded yet; met True/False/None for yes/no/not yet).
        """
        import pandas as pd

        frame = self.cycles(authority, change_idea)
        rows = []
        for c in frame.to_dict("records"):
            results = c["predictions"]
            rows.append(
                {
                    "change_idea": c["change_idea"],
                    "ramp": c["ramp"],
                    "cycle_no": c["cycle_no"],
                    "cycle_id": c["id"],
                    "title": c["title"],
                    "purpose": c["purpose"],
                    "scale": c["scale"],
                    "start_date": c["start_date"],
                    "end_date": c["end_date"],
                    "predictions": [r["prediction"] for r in results],
                    "results": [r["result"] for r in results],
                    "met": [r["met"] for r in results],
                    "n_predictions": len(results),
                    "n_met": sum(r["met"] is True for r in results),
                    "act_decision": c["act_decision"],
                    "next_steps": c["next_steps"],
                }
            )
        cols = [
            "change_idea", "ramp", "cycle_no", "cycle_id", "title", "purpose", "scale",
            "start_date", "end_date", "predictions", "results", "met", "n_predictions", "n_met",
            "act_decision", "next_steps",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=cols)

    def annotations(self, authority: str, change_idea: str | None = None) -> pd.DataFrame:
        """Return the chart annotations of an authority (and of one change idea).

        Rows are the stored annotations (project-wide ones, plus the change idea's) and, for
        each cycle of the change idea with dates, "PDSA n starts" / "PDSA n ends" unless a
        stored annotation of that kind already marks that date. Columns: ``date, label, kind,
        cycle_no`` sorted by date. Labels are user text: escape them when rendering HTML.
        """
        import pandas as pd

        def run(session: Session) -> list[dict[str, Any]]:
            idea = None
            if change_idea is not None:
                idea = self._change_idea(session, authority, change_idea)
            q = sa.select(m.Annotation).where(m.Annotation.authority == authority)
            if idea is not None:
                q = q.where(
                    sa.or_(
                        m.Annotation.change_idea_id.is_(None),
                        m.Annotation.change_idea_id == idea.id,
                    )
                )
            rows: list[dict[str, Any]] = []
            for a in session.scalars(q):
                cycle_no = None
                if a.cycle_id is not None:
                    cycle_no = m.get_row(session, m.Cycle, a.cycle_id).cycle_no
                rows.append({"date": a.date, "label": a.text, "kind": a.kind, "cycle_no": cycle_no})
            if idea is not None:
                dated: dict[tuple[dt.date, str], int] = {}  # (date, kind) -> the cycle's number
                for r in idea.ramps:
                    for c in r.cycles:
                        for kind, day in (("pdsa_start", c.start_date), ("pdsa_end", c.end_date)):
                            if day is not None:
                                dated.setdefault((day, kind), c.cycle_no)
                for row in rows:  # a stored start/end note on a cycle's date names that cycle
                    if row["cycle_no"] is None:
                        row["cycle_no"] = dated.get((row["date"], row["kind"]))
                marked = {(r["date"], r["kind"]) for r in rows}
                for (day, kind), no in dated.items():
                    if (day, kind) not in marked:
                        verb = "starts" if kind == "pdsa_start" else "ends"
                        label = f"PDSA {no} {verb}"
                        rows.append({"date": day, "label": label, "kind": kind, "cycle_no": no})
            return rows

        frame = pd.DataFrame(self._read(run), columns=["date", "label", "kind", "cycle_no"])
        frame["cycle_no"] = frame["cycle_no"].astype("Int64")
        return frame.sort_values(["date", "kind", "label"], kind="stable").reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Return the number of rows in every table (for checks and the CLI)."""

        def run(session: Session) -> dict[str, int]:
            tables = m.Base.metadata.sorted_tables
            return {
                t.name: session.scalars(sa.select(sa.func.count()).select_from(t)).one()
                for t in tables
            }

        return self._read(run)

    # -- documents, import, export --------------------------------------------------------------

    def document(self, authority: str) -> dict[str, Any]:
        """Return everything of one authority as a PDSA YAML v1 document (a dict)."""
        from paceqi.pdsa.document import read_document

        return self._read(lambda s: read_document(s, authority))

    def import_documents(self, documents: Iterable[Mapping[str, Any]]) -> dict[str, int]:
        """Write validated PDSA documents in one transaction (all or nothing).

        Records are matched on natural keys and updated, never duplicated: aims by statement,
        drivers by level and text, change ideas by name, ramps by title, cycles by
        (ramp, cycle_no), annotations by (date, kind, text, change idea) — all within the
        document's authority. Returns counts of records created and updated.
        """
        from paceqi.pdsa.document import write_document

        docs = list(documents)

        def run(session: Session) -> dict[str, int]:
            totals: dict[str, int] = {}
            for doc in docs:
                for key, n in write_document(session, doc, self.user).items():
                    totals[key] = totals.get(key, 0) + n
            return totals

        return self._write(run)

    def import_file(self, path: str | os.PathLike[str], fmt: str | None = None) -> dict[str, int]:
        """Import a YAML, CSV (file or folder) or XLSX file; reject it whole if any record is bad.

        Raises
        ------
        DataValidationError
            ``.failures`` names the file, the record (or spreadsheet row) and the field of every
            problem. Nothing is written.
        """
        return self.import_files([path], fmt=fmt)

    def import_files(
        self, paths: Iterable[str | os.PathLike[str]], fmt: str | None = None
    ) -> dict[str, int]:
        """Import several files in one transaction (an empty list imports nothing)."""
        from paceqi.pdsa.io import read_documents

        docs = []
        for path in paths:
            docs.extend(read_documents(path, fmt=fmt))
        if not docs:
            return {}
        return self.import_documents(docs)

    def export(
        self,
        path: str | os.PathLike[str],
        authority: str | None = None,
        fmt: str | None = None,
    ) -> Path:
        """Write the records of one authority (default: all) as YAML, CSV (a folder) or XLSX."""
        from paceqi.pdsa.io import write_documents

        names = [authority] if authority is not None else self.authorities()
        docs = [self.document(a) for a in names]
        return write_documents(docs, path, fmt=fmt)


def _login() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return None


def _check_authority(authority: Any, errors: dict[str, str]) -> None:
    if not isinstance(authority, str) or not authority.strip():
        errors["authority"] = "is required"
    elif len(authority) > 100 or "\x00" in authority:
        errors["authority"] = "must be a name of at most 100 characters"
