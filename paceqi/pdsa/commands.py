"""``paceqi pdsa ...``: record, read, import and export PDSA cycles from the command line.

Only argparse, the standard library and the field table (:mod:`paceqi.pdsa.fields`, plain
tuples) are imported here, so ``paceqi --help`` stays fast; the handlers import the store when
they run. Every cycle option is derived from the field table.
"""

from __future__ import annotations

import argparse
import os
import sys

from paceqi.pdsa.vocab import CHANGE_IDEA_STATUSES as STATUSES

__all__ = ["register"]

MET_CHOICES = ("yes", "no", "not-yet")

#: Where each sub-command's cycle options come from (the field table's sections).
_ADD_SECTIONS = ("plan", "do", "act")
_CLONE_SECTIONS = ("plan",)


def _dest(field) -> str:
    return field.cli.removeprefix("--").replace("-", "_")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``pdsa`` command and its sub-commands."""
    pdsa = subparsers.add_parser(
        "pdsa",
        help="record and read PDSA cycles (tracker database)",
        description="The PDSA tracker. The database is --db URL, else $PACEQI_DB, else "
        "workspace/paceqi.db.",
    )
    sub = pdsa.add_subparsers(dest="pdsa_command", metavar="ACTION")
    pdsa.set_defaults(func=lambda args: _usage(pdsa))
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="database URL or SQLite file (default: $PACEQI_DB)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--authority", "-a", required=True, help="local authority")
    who.add_argument(
        "--change-idea", "-c", required=True, help="change idea: its name or notebook name"
    )

    p = sub.add_parser("add", parents=[db, who], help="add a PDSA cycle (Plan)")
    p.add_argument("--ramp", help="ramp title (default: the change idea's latest ramp)")
    _cycle_args(p, _ADD_SECTIONS)
    p.set_defaults(func=_add)

    p = sub.add_parser("update", parents=[db], help="record Do, Study, Act (or edit) a cycle")
    p.add_argument("cycle_id", type=int)
    _cycle_args(p, _ADD_SECTIONS, skip=("cycle_no",))
    p.set_defaults(func=_update)

    p = sub.add_parser("history", parents=[db], help="who changed a cycle, when, and what")
    p.add_argument("cycle_id", type=int)
    p.set_defaults(func=_history)

    p = sub.add_parser("list", parents=[db], help="list cycles")
    p.add_argument("--authority", "-a")
    p.add_argument("--change-idea", "-c")
    p.set_defaults(func=_list)

    p = sub.add_parser("show", parents=[db], help="show one cycle's worksheet")
    p.add_argument("cycle_id", type=int)
    p.add_argument("--format", choices=("text", "yaml"), default="text")
    p.set_defaults(func=_show)

    p = sub.add_parser(
        "status", parents=[db], help="change ideas: status and PDSA quality check; --set to change"
    )
    p.add_argument("--authority", "-a")
    p.add_argument("--change-idea", "-c")
    p.add_argument("--set", choices=STATUSES, help="set the change idea's status")
    p.set_defaults(func=_status)

    p = sub.add_parser("clone", parents=[db], help="start the next cycle from a cycle's plan")
    p.add_argument("cycle_id", type=int)
    _cycle_args(p, _CLONE_SECTIONS, skip=("cycle_no", "predictions"))
    p.set_defaults(func=_clone)

    p = sub.add_parser("ramp", parents=[db, who], help="show a change idea's ramp")
    p.set_defaults(func=_ramp)

    p = sub.add_parser("import", parents=[db], help="import YAML, CSV or XLSX (all or nothing)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("yaml", "csv", "xlsx"))
    p.set_defaults(func=_import)

    p = sub.add_parser(
        "export",
        parents=[db],
        help="export to YAML, XLSX, a folder of CSV files, or one CSV file of the cycles",
    )
    p.add_argument("out", metavar="PATH")
    p.add_argument("--authority", "-a", help="one authority (default: all)")
    p.add_argument("--format", choices=("yaml", "csv", "xlsx"))
    p.set_defaults(func=_export)

    p = sub.add_parser("diagram", parents=[db], help="write the driver diagram as SVG")
    p.add_argument("--authority", "-a", required=True)
    p.add_argument("--out", "-o", required=True, metavar="FILE.svg")
    p.set_defaults(func=_diagram)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _cycle_args(
    p: argparse.ArgumentParser, sections: tuple[str, ...], skip: tuple[str, ...] = ()
) -> None:
    """Add one option per cycle field of ``sections`` (from the field table)."""
    from paceqi.pdsa.fields import CYCLE_FIELDS

    for f in CYCLE_FIELDS:
        if f.cli is None or f.section not in sections or f.name in skip:
            continue
        text = f"{f.label}: {f.help}".replace("%", "%%")
        if f.kind == "choice":
            p.add_argument(f.cli, dest=_dest(f), choices=f.choices, help=text)
        elif f.kind == "bool":
            p.add_argument(f.cli, dest=_dest(f), choices=("yes", "no"), help=text)
        elif f.kind == "int":
            p.add_argument(f.cli, dest=_dest(f), type=int, help=text)
        elif f.kind == "texts":
            p.add_argument(f.cli, dest=_dest(f), action="append", metavar="TEXT", help=text)
        elif f.kind == "predictions":
            p.add_argument(
                f.cli, dest=_dest(f), action="append", metavar="TEXT",
                help="a prediction (repeat for more, in order)",
            )  # fmt: skip
            p.add_argument(
                "--result", action="append", metavar="TEXT",
                help="Study: the result for prediction 1, 2, ... in order (repeat; '' for none)",
            )  # fmt: skip
            p.add_argument(
                "--met", action="append", choices=MET_CHOICES,
                help="Study: was prediction 1, 2, ... met? yes, no or not-yet (repeat, in order)",
            )  # fmt: skip
        elif f.kind == "date":
            p.add_argument(f.cli, dest=_dest(f), metavar="YYYY-MM-DD", help=text)
        else:
            p.add_argument(f.cli, dest=_dest(f), metavar="TEXT", help=text)


def _fields(args: argparse.Namespace, current: list[dict] | None = None) -> dict[str, object]:
    """Return the cycle fields given on the command line (prediction rows built in order)."""
    from paceqi.errors import OptionsError
    from paceqi.pdsa.fields import CYCLE_FIELDS, parse_met, prediction_rows

    out: dict[str, object] = {}
    for f in CYCLE_FIELDS:
        if f.cli is None or f.kind == "predictions":
            continue
        value = getattr(args, _dest(f), None)
        if value is not None:
            out[f.name] = (value == "yes") if f.kind == "bool" else value
    given = getattr(args, "prediction", None)
    results, met = getattr(args, "result", None) or [], getattr(args, "met", None) or []
    if given is None and not (results or met):
        return out
    rows = [dict(r) for r in current or []]
    if given is not None:  # new texts; a result already recorded stays with its prediction
        rows = prediction_rows(given, [r for r in rows if r.get("result") or r.get("met")])
        rows = [r for r in rows if r["prediction"] in given]
    n = max(len(results), len(met))
    if n > len(rows):
        raise OptionsError(
            f"{n} --result/--met given but the cycle has {len(rows)} prediction(s); "
            "give the predictions first (--prediction, in order)."
        )
    for i, text in enumerate(results):
        rows[i]["result"] = text or None
    for i, word in enumerate(met):
        rows[i]["met"] = parse_met(word)
    out["predictions"] = rows
    return out


def _store(args: argparse.Namespace):
    from paceqi.pdsa.store import PDSAStore

    return PDSAStore(args.db or os.environ.get("PACEQI_DB") or None)


def _add(args: argparse.Namespace) -> int:
    fields = _fields(args)
    with _store(args) as store:
        cid = store.add_cycle(args.authority, args.change_idea, ramp=args.ramp, **fields)
        c = store.cycle(cid)
    print(
        f"Added cycle {cid}: cycle {c['cycle_no']} of ramp '{c['ramp']}' "
        f"(change idea '{c['change_idea']}')."
    )
    return 0


def _update(args: argparse.Namespace) -> int:
    with _store(args) as store:
        current = store.cycle(args.cycle_id)
        fields = _fields(args, current["predictions"])
        done = store.update_cycle(args.cycle_id, **fields)
    changed = ", ".join(done["changes"]) or "nothing changed"
    print(f"Updated cycle {args.cycle_id}: {changed}.")
    if done["late_predictions"]:
        print(
            f"Warning: the predictions of cycle {args.cycle_id} were changed after its test "
            "started; the cycle's history records the change (paceqi pdsa history).",
            file=sys.stderr,
        )
    return 0


def _history(args: argparse.Namespace) -> int:
    with _store(args) as store:
        frame = store.history(args.cycle_id)
    for h in frame.itertuples():
        when = h.changed_at.strftime("%Y-%m-%d %H:%M UTC")
        print(f"{when}  {h.changed_by or '(unknown)'}  {h.action}: {', '.join(h.fields) or '-'}")
        if h.note:
            print(f"    note: {h.note}")
    if frame.empty:
        print("(no history)")
    return 0


def _table(frame) -> str:
    import pandas as pd

    if frame.empty:
        return "(none)"
    with pd.option_context("display.max_colwidth", 40, "display.width", 200):
        return frame.to_string(index=False)


def _list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        frame = store.cycles(args.authority, args.change_idea)
    cols = ["id", "authority", "change_idea", "ramp", "cycle_no", "title", "purpose"]
    cols += ["start_date", "end_date", "act_decision"]
    print(_table(frame[cols]))
    return 0


def _show(args: argparse.Namespace) -> int:
    with _store(args) as store:
        c = store.cycle(args.cycle_id)
    if args.format == "yaml":
        import yaml

        print(yaml.safe_dump(c, sort_keys=False, allow_unicode=True), end="")
        return 0
    print(f"{c['authority']} / {c['change_idea']} / {c['ramp']} / cycle {c['cycle_no']}")
    from paceqi.pdsa.fields import SECTIONS, section_fields

    for section, head in SECTIONS.items():
        print(f"\n{head}")
        for f in section_fields(section):
            name, value = f.name, c[f.name]
            if f.kind == "predictions":
                for i, r in enumerate(value, 1):
                    met = {True: "met", False: "not met", None: "not yet"}[r["met"]]
                    print(
                        f"  {i}. predicted: {r['prediction']}\n"
                        f"     result: {r['result'] or '(none yet)'} ({met})"
                    )
                if not value:
                    print("  (no predictions recorded)")
            elif isinstance(value, list):
                print(f"  {name}:")
                for item in value:
                    print(f"    - {item}")
            else:
                print(f"  {name}: {'' if value is None else value}")
    return 0


def _status(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.set:
            from paceqi.errors import OptionsError

            if not (args.authority and args.change_idea):
                raise OptionsError("--set needs --authority and --change-idea.")
            store.set_status(args.authority, args.change_idea, args.set)
            print(f"Status set to {args.set}.")
            return 0
        ideas = store.change_ideas(args.authority)
        if args.change_idea is not None:
            ideas = ideas[ideas["name"] == args.change_idea]
        from paceqi.pdsa.views import pdsa_quality_check

        qc = pdsa_quality_check(store, args.authority, args.change_idea)
    print(_table(ideas))
    if qc.empty:
        return 0
    print("\nPDSA quality check (Knudsen et al. 2019):")
    for (authority, name), rows in qc.groupby(["authority", "change_idea"], sort=False):
        print(f"\n{authority} / {name}: {int(rows['met'].sum())} of {len(rows)} features")
        for r in rows.itertuples():
            mark = "yes" if r.met else "NO "
            print(f"  [{mark}] {r.label}" + (f": {r.detail}" if r.detail else ""))
    return 0


def _clone(args: argparse.Namespace) -> int:
    with _store(args) as store:
        cid = store.clone_cycle(args.cycle_id, **_fields(args))
        c = store.cycle(cid)
    print(f"Added cycle {cid}: cycle {c['cycle_no']} of ramp '{c['ramp']}' (cloned).")
    return 0


def _ramp(args: argparse.Namespace) -> int:
    with _store(args) as store:
        frame = store.ramp(args.authority, args.change_idea)
    if frame.empty:
        print("(no cycles)")
        return 0
    for r in frame.itertuples():
        dates = f"{r.start_date or '?'} to {r.end_date or '?'}"
        print(
            f"[{r.ramp}] cycle {r.cycle_no} ({r.purpose or '-'}; {r.scale or 'scale ?'}; {dates})"
        )
        for i, p in enumerate(r.predictions):
            res = r.results[i] if i < len(r.results) else None
            met = r.met[i] if i < len(r.met) else None
            mark = {True: "met", False: "not met", None: "-"}[met]
            print(f"    predicted: {p}\n    result:    {res or '-'} [{mark}]")
        print(f"    act: {r.act_decision or '-'}")
    return 0


def _import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        counts = store.import_files(args.files, fmt=args.format)
    done = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
    print(f"Imported {len(args.files)} file(s): {done or 'nothing'}.")
    return 0


def _export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        path = store.export(args.out, authority=args.authority, fmt=args.format)
    if path.is_file() and path.suffix.lower() == ".csv":
        print(
            f"Wrote {path} (the cycles; for aims, drivers, measures and annotations as well, "
            "export to a folder or an .xlsx file)"
        )
    else:
        print(f"Wrote {path}")
    return 0


def _diagram(args: argparse.Namespace) -> int:
    with _store(args) as store:
        from paceqi.pdsa.views import driver_diagram

        path = driver_diagram(store, args.authority).save(args.out)
    print(f"Wrote {path}")
    return 0
