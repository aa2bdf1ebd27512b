"""``paceqi pdsa ...``: record, read, import and export PDSA cycles from the command line.

Only argparse and the standard library are imported here (``paceqi --help`` stays fast); the
handlers import the store when they run.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["register"]

PURPOSES = ("collect_info", "develop", "test", "implement")
ACT_DECISIONS = ("adopt", "adapt", "abandon")
STATUSES = ("idea", "testing", "implementing", "adopted", "abandoned")

#: CLI option dest -> cycle field, for the plan fields shared by add, update and clone.
_PLAN_OPTIONS = {
    "title": "title",
    "purpose": "purpose",
    "objective": "objective",
    "question": "questions",
    "prediction": "predictions",
    "who": "plan_who",
    "what": "plan_what",
    "when": "plan_when",
    "where": "plan_where",
    "data_plan": "data_plan",
    "scale": "scale",
    "start": "start_date",
    "end": "end_date",
}
_DO_OPTIONS = {
    "observations": "do_observations",
    "unexpected": "unexpected_events",
    "act": "act_decision",
    "next_steps": "next_steps",
}


def register(subparsers: argparse._SubParsersAction) -> None:
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
    who.add_argument("--change-idea", "-c", required=True, help="change idea name")

    p = sub.add_parser("add", parents=[db, who], help="add a PDSA cycle (Plan)")
    p.add_argument("--ramp", help="ramp title (default: the change idea's latest ramp)")
    p.add_argument("--cycle-no", type=int, help="cycle number (default: next in the ramp)")
    _plan_args(p)
    p.set_defaults(func=_add)

    p = sub.add_parser("update", parents=[db], help="record Do, Study, Act (or edit) a cycle")
    p.add_argument("cycle_id", type=int)
    _plan_args(p)
    _do_args(p)
    p.set_defaults(func=_update)

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
    _plan_args(p)
    p.set_defaults(func=_clone)

    p = sub.add_parser("ramp", parents=[db, who], help="show a change idea's ramp")
    p.set_defaults(func=_ramp)

    p = sub.add_parser("import", parents=[db], help="import YAML, CSV or XLSX (all or nothing)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("yaml", "csv", "xlsx"))
    p.set_defaults(func=_import)

    p = sub.add_parser("export", parents=[db], help="export to YAML, CSV (a folder) or XLSX")
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


def _plan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title")
    p.add_argument("--purpose", choices=PURPOSES)
    p.add_argument("--objective")
    p.add_argument("--question", action="append", help="a question (repeat for more)")
    p.add_argument("--prediction", action="append", help="a prediction (repeat for more)")
    p.add_argument("--who", help="plan: who")
    p.add_argument("--what", help="plan: what")
    p.add_argument("--when", help="plan: when")
    p.add_argument("--where", help="plan: where")
    p.add_argument("--data-plan", help="what data will be collected, by whom, when")
    p.add_argument("--scale", help="e.g. '1 team, 2 children'")
    p.add_argument("--start", metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")


def _do_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--observations", help="Do: what happened")
    p.add_argument("--unexpected", help="Do: unexpected events or problems")
    p.add_argument("--carried-out", choices=("yes", "no"), help="carried out as planned?")
    p.add_argument(
        "--result",
        action="append",
        help="Study: result for the next prediction, in order (repeat for more)",
    )
    p.add_argument(
        "--met", action="append", choices=("yes", "no", "unknown"), help="prediction met? (repeat)"
    )
    p.add_argument("--act", choices=ACT_DECISIONS, help="Act: adopt, adapt or abandon")
    p.add_argument("--next-steps")


def _fields(args: argparse.Namespace, options: dict[str, str]) -> dict[str, object]:
    out = {}
    for opt, field in options.items():
        value = getattr(args, opt, None)
        if value is not None:
            out[field] = value
    return out


def _store(args: argparse.Namespace):
    from paceqi.pdsa.store import PDSAStore

    return PDSAStore(args.db or os.environ.get("PACEQI_DB") or None)


def _add(args: argparse.Namespace) -> int:
    fields = _fields(args, _PLAN_OPTIONS)
    if args.cycle_no is not None:
        fields["cycle_no"] = args.cycle_no
    with _store(args) as store:
        cid = store.add_cycle(args.authority, args.change_idea, ramp=args.ramp, **fields)
        c = store.cycle(cid)
    print(f"Added cycle {cid}: cycle {c['cycle_no']} of ramp '{c['ramp']}'.")
    return 0


def _update(args: argparse.Namespace) -> int:
    fields = _fields(args, _PLAN_OPTIONS | _DO_OPTIONS)
    if args.carried_out is not None:
        fields["carried_out_as_planned"] = args.carried_out == "yes"
    with _store(args) as store:
        if args.result or args.met:
            from paceqi.errors import OptionsError

            predictions = fields.get("predictions") or store.cycle(args.cycle_id)["predictions"]
            results, met = args.result or [], args.met or []
            n = max(len(results), len(met))
            if n > len(predictions):
                raise OptionsError(
                    f"{n} --result/--met given but cycle {args.cycle_id} has "
                    f"{len(predictions)} prediction(s); add predictions first (--prediction)."
                )
            fields["study_results"] = [
                {
                    "prediction": predictions[i],
                    "result": results[i] if i < len(results) else None,
                    "met": {"yes": True, "no": False}.get(met[i]) if i < len(met) else None,
                }
                for i in range(n)
            ]
        store.update_cycle(args.cycle_id, **fields)
    print(f"Updated cycle {args.cycle_id}.")
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
    sections = {
        "Plan": ["title", "purpose", "objective", "questions", "predictions", "plan_who",
                 "plan_what", "plan_when", "plan_where", "data_plan", "scale", "start_date",
                 "end_date"],
        "Do": ["carried_out_as_planned", "do_observations", "unexpected_events"],
        "Study": ["study_results"],
        "Act": ["act_decision", "next_steps"],
    }  # fmt: skip
    for head, names in sections.items():
        print(f"\n{head}")
        for name in names:
            value = c[name]
            if name == "study_results":
                for i, r in enumerate(value, 1):
                    met = {True: "met", False: "not met", None: "not judged"}[r["met"]]
                    print(
                        f"  {i}. predicted: {r['prediction']}\n     result: {r['result']} ({met})"
                    )
                if not value:
                    print("  (no results recorded)")
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
        qc = store.quality_check(args.authority, args.change_idea)
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
        cid = store.clone_cycle(args.cycle_id, **_fields(args, _PLAN_OPTIONS))
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
    print(f"Wrote {path}")
    return 0


def _diagram(args: argparse.Namespace) -> int:
    with _store(args) as store:
        path = store.driver_diagram(args.authority).save(args.out)
    print(f"Wrote {path}")
    return 0
