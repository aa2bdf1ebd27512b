"""The answer every demo report gives: change idea x authority, in process (no kernels, no HTML).

Run ``python benchmarks/answers.py DATA_DIR [--csv OUT.csv]`` after
``paceqi synth --out DATA_DIR --seed 20140101``. For each change idea in
parameters/batch/demo.yaml and each authority it analyses the change idea exactly as the
report does (:func:`paceqi.changeidea.analysis.analyse_change_idea`, with the authority's
synthetic PDSA file) and records the answer class (:func:`paceqi.changeidea.answer.answer`),
the primary outcome's numbers and the decision-table row. It prints per change idea the count
of each answer class over the authorities (and, when the folder has the simulation's
``truth.csv``, the answers against each true class), then writes one CSV row per report.
Issue #12 keeps the before/after tables in the branch's note.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from paceqi.changeidea.analysis import analyse_change_idea  # noqa: E402
from paceqi.changeidea.answer import STATUSES, answer  # noqa: E402
from paceqi.changeidea.params import report_parameters  # noqa: E402
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, authority_slug  # noqa: E402


def one(data: Path, notebook: str, authority: str, as_of: str) -> dict[str, object]:
    """Analyse one report and return its answer row."""
    slug = authority_slug(authority)
    params = report_parameters(
        authority=authority,
        extract=str(data / "extracts" / f"{slug}.csv"),
        change_idea=notebook,
        pdsa=str(data / "pdsa" / f"{slug}.yaml"),
        as_of=as_of,
        rules="ihi",
    )
    a = analyse_change_idea(params)
    ans = answer(a)
    return {
        "change_idea": notebook,
        "authority": authority,
        "status": ans.status,
        "rule": ans.rule,
        "primary": ans.primary or "",
        "baseline": "" if ans.baseline is None else round(ans.baseline, 3),
        "since": "" if ans.since is None else round(ans.since, 3),
        "within_target": "" if ans.within_target is None else ans.within_target,
        "mix_shift": bool(ans.mix and ans.mix.material),
        "headline": ans.headline,
    }


def main(argv: list[str] | None = None) -> int:
    """Compute, print and write the answers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="folder written by paceqi synth")
    ap.add_argument("--csv", type=Path, default=Path("answers.csv"))
    ap.add_argument("--batch", type=Path, default=ROOT / "parameters/batch/demo.yaml")
    ap.add_argument("--only", nargs="*", help="only these change ideas")
    args = ap.parse_args(argv)
    batch = yaml.safe_load(args.batch.read_text())
    as_of = str(batch["parameters"].get("as_of", ""))
    notebooks = args.only or list(batch["notebooks"])
    rows = []
    t0 = time.perf_counter()
    for nb in notebooks:
        for authority in SCOTTISH_AUTHORITIES:
            rows.append(one(args.data, nb, authority, as_of))
    seconds = time.perf_counter() - t0
    truth = _truth(args.data)
    for r in rows:
        r["truth"] = truth.get((r["change_idea"], r["authority"]), "")
    with args.csv.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} reports in {seconds:.0f} s; rows in {args.csv}")
    print("change idea".ljust(28) + "".join(s[:12].rjust(13) for s in STATUSES))
    for nb in notebooks:
        c = Counter(r["status"] for r in rows if r["change_idea"] == nb)
        print(nb.ljust(28) + "".join(str(c.get(s, 0)).rjust(13) for s in STATUSES))
    if truth:
        print("\nanswer by the simulation's truth class (truth.csv), all change ideas:")
        classes = sorted({r["truth"] for r in rows})
        print("truth".ljust(22) + "".join(s[:12].rjust(13) for s in STATUSES))
        for cls in classes:
            c = Counter(r["status"] for r in rows if r["truth"] == cls)
            print(cls.ljust(22) + "".join(str(c.get(s, 0)).rjust(13) for s in STATUSES))
    return 0


def _truth(data: Path) -> dict[tuple[str, str], str]:
    """Return the simulation's class per (change idea, authority), when truth.csv exists."""
    path = data / "truth.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {(r["change_idea"], r["authority"]): r["class"] for r in csv.DictReader(fh)}


if __name__ == "__main__":
    raise SystemExit(main())
