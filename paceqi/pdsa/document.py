"""The PDSA YAML v1 document: validation, and reading / writing it from / to the store.

A document holds one authority's aims, drivers, measures, change ideas (with their ramps and
cycles) and annotations. Ids in a document (``aim-1``, ``pd-1``, ``ci-1``, ``ramp-1``) are keys
local to the file that link its records; the store keeps its own ids. :func:`validate` checks a
whole document and reports every problem with the record and field (never the value);
:func:`write_document` upserts on natural keys (see :meth:`PDSAStore.import_documents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from paceqi.pdsa import models as m
from paceqi.pdsa.fields import (
    AIM_FIELDS,
    ANNOTATION_FIELDS,
    CHANGE_IDEA_FIELDS,
    CYCLE_FIELDS,
    DRIVER_FIELDS,
    MEASURE_FIELDS,
    Field,
    clean_record,
)

__all__ = ["FORMAT", "validate", "read_document", "write_document", "Problem"]

#: The ``format`` value of a PDSA YAML v1 document.
FORMAT = "paceqi-pdsa/1"

_TOP_KEYS = ("format", "authority", "aims", "drivers", "measures", "change_ideas", "annotations")

#: (record label, field, message): one problem found by :func:`validate`.
Problem = tuple[str, str, str]


def _fields(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, record: str, field: str, message: str) -> None:
        self.problems.append((record, field, message))

    def where(self, raw: Mapping[str, Any], label: str) -> str:
        return str(raw.get("_where") or label)

    def record(
        self,
        raw: Any,
        label: str,
        fields: tuple[Field, ...],
        links: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.add(label, "-", "must be a mapping of field: value")
            return None
        where = self.where(raw, label)
        values = {k: v for k, v in raw.items() if k not in links and k != "_where"}
        clean, errors = clean_record(values, fields)
        for name, msg in errors.items():
            self.add(where, name, msg)
        for field in fields:
            if field.name not in clean and not field.required:
                clean[field.name] = [] if field.is_list else None
        return clean

    def key(self, raw: Mapping[str, Any], where: str, seen: set[str]) -> str | None:
        key = raw.get("id")
        if not isinstance(key, str) or not key:
            self.add(where, "id", "is required (a text key linking records in this file)")
            return None
        if key in seen:
            self.add(where, "id", "is used by another record of this kind")
            return None
        seen.add(key)
        return key

    def items(self, doc: Mapping[str, Any], name: str, where: str) -> list[Any]:
        value = doc.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(where, name, "must be a list")
            return []
        return value


def _label(kind: str, key: Any, index: int) -> str:
    return f"{kind} '{key}'" if isinstance(key, str) and key else f"{kind} #{index}"


def validate(raw: Any, source: str = "document") -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check a PDSA YAML v1 document; return it normalised, and every problem found.

    Parameters
    ----------
    raw : mapping
        The parsed document (from YAML, or built from spreadsheet sheets).
    source : str
        Name used in messages for the document as a whole.

    Returns
    -------
    document : dict or None
        Normalised document (every field present; ``parent`` becomes ``parents``), or None
        when there are problems.
    problems : list of (record, field, message)

    Examples
    --------
    >>> doc, problems = validate({"format": "paceqi-pdsa/1", "authority": "Fife",
    ...     "change_ideas": [{"id": "ci-1", "name": "TWPM", "status": "tested"}]})
    >>> problems[0][:2]
    ("change idea 'ci-1'", 'status')
    """
    ck = _Checker()
    if not isinstance(raw, Mapping):
        return None, [
            (source, "-", "must be a PDSA document (a mapping with format: paceqi-pdsa/1)")
        ]
    where = ck.where(raw, source)
    for key in raw:
        if key not in _TOP_KEYS and key != "_where":
            ck.add(where, key, "is not a known section (known: " + ", ".join(_TOP_KEYS) + ")")
    if raw.get("format") != FORMAT:
        ck.add(where, "format", f"must be '{FORMAT}'")
    authority = raw.get("authority")
    if not isinstance(authority, str) or not authority.strip() or len(authority) > 100:
        ck.add(where, "authority", "is required (the authority's name, at most 100 characters)")
    doc: dict[str, Any] = {"format": FORMAT, "authority": authority}

    aims: list[dict[str, Any]] = []
    aim_keys: set[str] = set()
    for i, a in enumerate(ck.items(raw, "aims", where), 1):
        label = _label("aim", a.get("id") if isinstance(a, Mapping) else None, i)
        clean = ck.record(a, label, AIM_FIELDS, links=("id",))
        if clean is not None:
            clean = {"id": ck.key(a, ck.where(a, label), aim_keys), **clean}
            aims.append(clean)
    _unique(ck, aims, ("statement",), "aim", "another aim has the same statement")
    doc["aims"] = aims

    drivers: list[dict[str, Any]] = []
    driver_keys: set[str] = set()
    levels: dict[str | None, str | None] = {}  # None: a driver without its (reported) id
    raws = ck.items(raw, "drivers", where)
    for i, d in enumerate(raws, 1):
        label = _label("driver", d.get("id") if isinstance(d, Mapping) else None, i)
        clean = ck.record(d, label, DRIVER_FIELDS, links=("id", "aim", "parent", "parents"))
        if clean is None:
            continue
        w = ck.where(d, label)
        key = ck.key(d, w, driver_keys)
        levels[key] = clean.get("level")
        aim = d.get("aim")
        if aim is not None and aim not in aim_keys:
            ck.add(w, "aim", "must be the id of an aim in this file")
        parents = d.get("parents", [])
        if "parent" in d:
            parents = [d["parent"]] if d["parent"] is not None else []
        if isinstance(parents, str):
            parents = [parents]
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            ck.add(w, "parents", "must be a list of driver ids")
            parents = []
        drivers.append({"id": key, **clean, "aim": aim, "parents": parents, "_where": w})
    for d in drivers:
        for p in d["parents"]:
            if p not in driver_keys:
                ck.add(d["_where"], "parents", "must be ids of drivers in this file")
            elif levels.get(p) != "primary" or d["level"] != "secondary":
                ck.add(d["_where"], "parents", "link a secondary driver to primary drivers")
    _unique(ck, drivers, ("level", "text"), "driver", "another driver has the same level and text")
    doc["drivers"] = [{k: v for k, v in d.items() if k != "_where"} for d in drivers]

    measures = []
    for i, x in enumerate(ck.items(raw, "measures", where), 1):
        clean = ck.record(x, f"measure #{i}", MEASURE_FIELDS)
        if clean is not None:
            measures.append(clean)
    _unique(ck, measures, ("name",), "measure", "another measure has the same name")
    doc["measures"] = measures

    ideas: list[dict[str, Any]] = []
    idea_keys: set[str] = set()
    ramp_keys: set[str] = set()
    ramp_cycles: dict[str | None, set[Any]] = {}  # None: a ramp without its (reported) id
    for i, c in enumerate(ck.items(raw, "change_ideas", where), 1):
        label = _label("change idea", c.get("id") if isinstance(c, Mapping) else None, i)
        clean = ck.record(c, label, CHANGE_IDEA_FIELDS, links=("id", "drivers", "ramps"))
        if clean is None:
            continue
        w = ck.where(c, label)
        key = ck.key(c, w, idea_keys)
        links = c.get("drivers") or []
        if not isinstance(links, list) or any(x not in driver_keys for x in links):
            ck.add(w, "drivers", "must be a list of driver ids in this file")
            links = []
        clean = {"id": key, **clean, "drivers": list(links), "ramps": []}
        clean["status"] = clean["status"] or "idea"
        for j, r in enumerate(ck.items(c, "ramps", w), 1):
            rl = f"{w} > " + _label("ramp", r.get("id") if isinstance(r, Mapping) else None, j)
            if not isinstance(r, Mapping):
                ck.add(rl, "-", "must be a mapping with id, title, cycles")
                continue
            rw = ck.where(r, rl)
            for extra in set(r) - {"id", "title", "cycles", "_where"}:
                ck.add(rw, extra, "is not a known field (known: id, title, cycles)")
            rkey = ck.key(r, rw, ramp_keys)
            title = r.get("title")
            if not isinstance(title, str) or not title or "\x00" in title:
                ck.add(rw, "title", "is required (text)")
            cycles = []
            for k, cy in enumerate(ck.items(r, "cycles", rw), 1):
                no = cy.get("cycle_no") if isinstance(cy, Mapping) else None
                cl = f"{rw} > cycle {no if no is not None else '#' + str(k)}"
                cclean = ck.record(cy, cl, CYCLE_FIELDS)
                if cclean is not None:
                    cclean["_where"] = ck.where(cy, cl)
                    cycles.append(cclean)
            _unique(
                ck, cycles, ("cycle_no",), "cycle", "another cycle of this ramp has this number"
            )
            cycles = [{k: v for k, v in x.items() if k != "_where"} for x in cycles]
            cycles.sort(key=lambda x: x.get("cycle_no") or 0)
            ramp_cycles[rkey] = {x.get("cycle_no") for x in cycles}
            clean["ramps"].append({"id": rkey, "title": title, "cycles": cycles, "_where": rw})
        _unique(ck, clean["ramps"], ("title",), "ramp", "another ramp of this idea has this title")
        clean["ramps"] = [{k: v for k, v in x.items() if k != "_where"} for x in clean["ramps"]]
        clean["_where"] = w
        ideas.append(clean)
    _unique(ck, ideas, ("name",), "change idea", "another change idea has the same name")
    doc["change_ideas"] = [{k: v for k, v in x.items() if k != "_where"} for x in ideas]

    notes = []
    for i, a in enumerate(ck.items(raw, "annotations", where), 1):
        label = f"annotation #{i}"
        links = ("change_idea", "ramp", "cycle_no")
        clean = ck.record(a, label, ANNOTATION_FIELDS, links=links)
        if clean is None:
            continue
        w = ck.where(a, label)
        idea, ramp, no = a.get("change_idea"), a.get("ramp"), a.get("cycle_no")
        if no is not None:
            no_clean, no_errors = clean_record({"cycle_no": no}, CYCLE_FIELDS[:1])
            no = no_clean.get("cycle_no")
            for field, msg in no_errors.items():
                ck.add(w, field, msg)
        if idea is not None and idea not in idea_keys:
            ck.add(w, "change_idea", "must be the id of a change idea in this file")
        if (ramp is None) != (no is None):
            ck.add(w, "cycle_no", "ramp and cycle_no go together (both or neither)")
        elif ramp is not None and no not in ramp_cycles.get(ramp, set()):
            ck.add(w, "cycle_no", "must name a cycle (ramp id and cycle_no) in this file")
        notes.append({**clean, "change_idea": idea, "ramp": ramp, "cycle_no": no, "_where": w})
    _unique(ck, notes, ("date", "kind", "text", "change_idea"), "annotation", "is a duplicate")
    doc["annotations"] = [{k: v for k, v in x.items() if k != "_where"} for x in notes]
    if ck.problems:
        return None, ck.problems
    return doc, []


def _unique(
    ck: _Checker, records: list[dict[str, Any]], keys: tuple[str, ...], kind: str, message: str
) -> None:
    seen: set[tuple[Any, ...]] = set()
    for i, rec in enumerate(records, 1):
        value = tuple(rec.get(k) for k in keys)
        if any(v is None for v in value):
            continue
        if value in seen:
            where = rec.get("_where") or _label(kind, rec.get("id"), i)
            ck.add(where, keys[-1], message)
        seen.add(value)


# -- store <-> document --------------------------------------------------------------------------


def _cycle_fields() -> tuple[str, ...]:
    return _fields(CYCLE_FIELDS)


def read_document(session: Session, authority: str) -> dict[str, Any]:
    """Return one authority's records as a normalised PDSA YAML v1 document."""
    aims = session.scalars(sa.select(m.Aim).filter_by(authority=authority).order_by(m.Aim.id))
    aim_key: dict[int | None, str] = {}  # keyed by Driver.aim_id, which may be None
    doc: dict[str, Any] = {"format": FORMAT, "authority": authority, "aims": []}
    for i, a in enumerate(aims, 1):
        aim_key[a.id] = f"aim-{i}"
        doc["aims"].append({"id": aim_key[a.id]} | {f: getattr(a, f) for f in _fields(AIM_FIELDS)})
    drivers = list(
        session.scalars(sa.select(m.Driver).filter_by(authority=authority).order_by(m.Driver.id))
    )
    driver_key, n = {}, {"primary": 0, "secondary": 0}
    for d in drivers:
        n[d.level] += 1
        driver_key[d.id] = f"{'pd' if d.level == 'primary' else 'sd'}-{n[d.level]}"
    doc["drivers"] = [
        {"id": driver_key[d.id]}
        | {f: getattr(d, f) for f in _fields(DRIVER_FIELDS)}
        | {"aim": aim_key.get(d.aim_id), "parents": [driver_key[p.id] for p in d.parents]}
        for d in drivers
    ]
    measures = session.scalars(
        sa.select(m.Measure).filter_by(authority=authority).order_by(m.Measure.id)
    )
    doc["measures"] = [{f: getattr(x, f) for f in _fields(MEASURE_FIELDS)} for x in measures]
    ideas = session.scalars(
        sa.select(m.ChangeIdea).filter_by(authority=authority).order_by(m.ChangeIdea.id)
    )
    idea_key: dict[int | None, str] = {}  # keyed by Annotation.change_idea_id, which may be None
    ramp_key: dict[int, str] = {}
    cycle_ref: dict[int, tuple[str, int]] = {}
    doc["change_ideas"] = []
    n_ramps = 0
    for i, c in enumerate(ideas, 1):
        idea_key[c.id] = f"ci-{i}"
        rec = {"id": idea_key[c.id]} | {f: getattr(c, f) for f in _fields(CHANGE_IDEA_FIELDS)}
        rec["drivers"] = [driver_key[d.id] for d in c.drivers]
        rec["ramps"] = []
        for r in c.ramps:
            n_ramps += 1
            ramp_key[r.id] = f"ramp-{n_ramps}"
            cycles = []
            for cy in r.cycles:
                cycle_ref[cy.id] = (ramp_key[r.id], cy.cycle_no)
                values = {f: getattr(cy, f) for f in _cycle_fields()}
                values["questions"] = list(values["questions"] or [])
                values["predictions"] = [dict(x) for x in values["predictions"] or []]
                cycles.append(values)
            rec["ramps"].append({"id": ramp_key[r.id], "title": r.title, "cycles": cycles})
        doc["change_ideas"].append(rec)
    notes = session.scalars(
        sa.select(m.Annotation)
        .filter_by(authority=authority)
        .order_by(m.Annotation.date, m.Annotation.kind, m.Annotation.id)
    )
    doc["annotations"] = []
    for note in notes:
        ref = cycle_ref.get(note.cycle_id) if note.cycle_id is not None else None
        ramp, no = ref if ref is not None else (None, None)
        doc["annotations"].append(
            {f: getattr(note, f) for f in _fields(ANNOTATION_FIELDS)}
            | {"change_idea": idea_key.get(note.change_idea_id), "ramp": ramp, "cycle_no": no}
        )
    return doc


_Row = TypeVar("_Row", bound=m.Base)


def _upsert(
    session: Session,
    model: type[_Row],
    match: dict[str, Any],
    values: dict[str, Any],
    counts: dict[str, int],
) -> _Row:
    obj = session.scalars(sa.select(model).filter_by(**match)).first()
    name = model.__tablename__
    if obj is None:
        obj = model(**match, **values)
        session.add(obj)
        counts[f"{name}_created"] = counts.get(f"{name}_created", 0) + 1
    else:
        for k, v in values.items():
            setattr(obj, k, v)
        counts[f"{name}_updated"] = counts.get(f"{name}_updated", 0) + 1
    session.flush()
    return obj


def _upsert_idea(
    session: Session, authority: str, values: dict[str, Any], counts: dict[str, int]
) -> m.ChangeIdea:
    """Find the change idea by name or notebook name in any spelling; update or create it."""
    from paceqi.pdsa.store import _match_idea, idea_key

    ci = m.table(m.ChangeIdea)
    rows = session.execute(
        sa.select(ci.c.id, ci.c.name, ci.c.notebook).where(ci.c.authority == authority)
    ).all()
    found = _match_idea(rows, values["name"])
    if found is None:
        values = dict(values, notebook=values.get("notebook") or idea_key(values["name"]) or None)
        idea = m.ChangeIdea(authority=authority, **values)
        session.add(idea)
        counts["change_ideas_created"] = counts.get("change_ideas_created", 0) + 1
        session.flush()
        return idea
    idea = m.get_row(session, m.ChangeIdea, found)
    for key, value in values.items():
        if value is not None or key != "notebook":
            setattr(idea, key, value)
    counts["change_ideas_updated"] = counts.get("change_ideas_updated", 0) + 1
    session.flush()
    return idea


def write_document(
    session: Session, doc: Mapping[str, Any], user: str | None = None
) -> dict[str, int]:
    """Upsert a validated document on natural keys; return counts created / updated.

    Each cycle created or changed by the import gets a history entry (action ``imported``)
    naming ``user`` and the fields that changed.
    """
    from paceqi.pdsa.store import _diff, _now

    authority = doc["authority"]
    counts: dict[str, int] = {}
    aims: dict[str, m.Aim] = {}
    for a in doc["aims"]:
        values = {k: v for k, v in a.items() if k not in ("id", "statement")}
        match = {"authority": authority, "statement": a["statement"]}
        aims[a["id"]] = _upsert(session, m.Aim, match, values, counts)
    drivers: dict[str, m.Driver] = {}
    for d in doc["drivers"]:
        match = {"authority": authority, "level": d["level"], "text": d["text"]}
        values = {"strength": d["strength"], "aim_id": d["aim"] and aims[d["aim"]].id}
        drivers[d["id"]] = _upsert(session, m.Driver, match, values, counts)
    for d in doc["drivers"]:
        drivers[d["id"]].parents = [drivers[p] for p in d["parents"]]
    for x in doc["measures"]:
        values = {k: v for k, v in x.items() if k != "name"}
        _upsert(session, m.Measure, {"authority": authority, "name": x["name"]}, values, counts)
    ideas: dict[str, m.ChangeIdea] = {}
    cycles: dict[tuple[str, int], m.Cycle] = {}
    for c in doc["change_ideas"]:
        values = {k: c[k] for k in _fields(CHANGE_IDEA_FIELDS)}
        idea = _upsert_idea(session, authority, values, counts)
        idea.drivers = [drivers[k] for k in c["drivers"]]
        ideas[c["id"]] = idea
        for r in c["ramps"]:
            ramp = _upsert(
                session, m.Ramp, {"change_idea_id": idea.id, "title": r["title"]}, {}, counts
            )
            existing = {
                c.cycle_no: c
                for c in session.scalars(sa.select(m.Cycle).filter_by(ramp_id=ramp.id))
            }
            for cy in r["cycles"]:  # one query per ramp, one flush: imports are bulk writes
                values = {k: v for k, v in cy.items() if k != "cycle_no"}
                old = existing.get(cy["cycle_no"])
                if old is None:
                    old = m.Cycle(ramp_id=ramp.id, cycle_no=cy["cycle_no"], **values)
                    old.changes.append(
                        m.CycleChange(changed_at=_now(), changed_by=user, action="imported",
                                      changes=_diff({}, cy))
                    )  # fmt: skip
                    session.add(old)
                    counts["cycles_created"] = counts.get("cycles_created", 0) + 1
                else:
                    if values.get("predictions_recorded_at") is None:
                        values["predictions_recorded_at"] = old.predictions_recorded_at
                    changes = _diff({k: getattr(old, k) for k in values}, values)
                    for k, v in values.items():
                        setattr(old, k, v)
                    if changes:
                        session.add(
                            m.CycleChange(cycle_id=old.id, changed_at=_now(), changed_by=user,
                                          action="imported", changes=changes)
                        )  # fmt: skip
                    counts["cycles_updated"] = counts.get("cycles_updated", 0) + 1
                cycles[(r["id"], cy["cycle_no"])] = old
            session.flush()
    for a in doc["annotations"]:
        noted_idea = ideas.get(a["change_idea"]) if a["change_idea"] else None
        cycle = cycles.get((a["ramp"], a["cycle_no"])) if a["ramp"] else None
        match = {
            "authority": authority,
            "date": a["date"],
            "kind": a["kind"],
            "text": a["text"],
            "change_idea_id": noted_idea.id if noted_idea else None,
        }
        values = {"measure": a["measure"], "cycle_id": cycle.id if cycle else None}
        _upsert(session, m.Annotation, match, values, counts)
    return counts
