"""Accuracy of the reports' answers against the synthetic truth: every change idea x authority.

Writes the demo data (``paceqi synth``, demo seed) to a temporary folder (or reads ``--data``),
analyses every change idea of the demo batch for every authority - the analysis the notebook
runs, in-process (``paceqi.data._synth_score``) - and prints:

* the confusion matrix of the answer's status (columns) against the truth class (rows);
* per change idea: sensitivity (effects in authorities large enough to detect them) and the
  false-positive rate (no-effect and trap authorities answered Yes / Partly);
* sensitivity by the number of children after the effect start (what "large enough" rests
  on, docs/synth.md);
* with ``--compare-batch AUTHORITY``: the time of ``paceqi batch`` for that authority's reports
  against the in-process analysis of the same reports (why the benchmark runs in-process).

Run: .venv/bin/python benchmarks/bench_verdicts.py [--data DIR] [--ideas a b] [--markdown]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from paceqi.data._synth_score import MIN_AFTER, MIN_PER_YEAR_BEFORE, confusion, rates, score
from paceqi.data.synth import DEFAULT_SEED, write_synthetic

ROOT = Path(__file__).resolve().parents[1]


def _markdown(df: pd.DataFrame) -> str:
    """A small Markdown table without the optional ``tabulate`` dependency."""
    df = df.reset_index()
    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _bands(scored: pd.DataFrame) -> pd.DataFrame:
    eff = scored[scored["class"] == "effect"].copy()
    eff["n_after_band"] = pd.cut(eff["n_after"], [-1, 19, 39, 59, 99, 10**6])
    return eff.groupby("n_after_band", observed=True)["positive"].agg(["count", "mean"])


def _compare_batch(data: Path, authority: str, ideas: list[str]) -> None:
    """Time ``paceqi batch`` (notebooks in kernels, HTML) against in-process analysis.

    The batch runs in a scratch project (``PACEQI_HOME``) whose notebooks, templates,
    catalogues and measures are the checkout's, with an authority file pointing at ``data``.
    """
    import os

    import yaml

    from paceqi.data.authorities import authority_slug

    slug = authority_slug(authority)
    with tempfile.TemporaryDirectory() as d:
        home = Path(d)
        for name in ("notebooks", "templates"):
            (home / name).symlink_to(ROOT / name)
        params = home / "parameters"
        (params / "authorities").mkdir(parents=True)
        (params / "batch").mkdir()
        for name in ("catalogues", "measures", "mappings"):
            (params / name).symlink_to(ROOT / "parameters" / name)
        extract = str(data / "extracts" / f"{slug}.csv")
        (params / "authorities" / f"{slug}.yaml").write_text(
            yaml.safe_dump({"authority": authority, "extract": extract})
        )
        manifest = params / "batch" / "bench.yaml"
        manifest.write_text(
            yaml.safe_dump(
                {
                    "description": "bench_verdicts",
                    "notebooks": ideas,
                    "authorities": [authority],
                    "parameters": {
                        "pdsa": str(data / "pdsa" / f"{slug}.yaml"),
                        "as_of": "2021-03-31",
                        "interactive": False,
                    },
                }
            )
        )
        cmd = [sys.executable, "-m", "paceqi", "batch", str(manifest), "--out"]
        cmd += [str(home / "out"), "--jobs", "1", "--quiet"]
        env = {**os.environ, "PACEQI_HOME": str(home)}
        t = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        batch_s = time.perf_counter() - t
    t = time.perf_counter()
    score(data, ideas=ideas, authorities=[authority])
    inproc_s = time.perf_counter() - t
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}: {done.stdout[-400:]}"
    print(
        f"\n{authority}, {len(ideas)} reports, one job: paceqi batch {batch_s:.1f} s ({status}); "
        f"in-process analysis {inproc_s:.1f} s ({batch_s / inproc_s:.1f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    """Score the reports and print the confusion matrix and rates."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="a folder written by paceqi synth")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--ideas", nargs="+", help="only these change ideas")
    ap.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    ap.add_argument("--compare-batch", metavar="AUTHORITY", help="time paceqi batch too")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        data = args.data or Path(d)
        if args.data is None:
            write_synthetic(data, seed=args.seed)
        t = time.perf_counter()
        scored = score(data, ideas=args.ideas)
        wall = time.perf_counter() - t
        show = _markdown if args.markdown else (lambda df: df.to_string())
        print(f"{len(scored)} reports analysed in {wall:.1f} s ({wall / len(scored):.2f} s each)")
        print("\nTruth class (rows) x the report's answer (columns):")
        print(show(confusion(scored)))
        print(
            f"\nPer change idea (detectable: >= {MIN_AFTER} children completed the gap after "
            f"the effect start and as many before it; for ideas led by a quarterly proportion, "
            f">= {MIN_PER_YEAR_BEFORE} a year before it):"
        )
        print(show(rates(scored).set_index("change_idea").round(2)))
        print("\nSensitivity of effects by children completing the gap after the effect start:")
        print(show(_bands(scored).round(2)))
        wrong = scored[
            ((scored["class"] != "effect") & scored["positive"])
            | ((scored["class"] == "effect") & scored["detectable"] & ~scored["positive"])
        ]
        cols = ["change_idea", "authority", "class", "n_after", "status"]
        print("\nMisclassified (false positives, and missed detectable effects):")
        print(show(wrong[cols].reset_index(drop=True)) if len(wrong) else "none")
        if args.compare_batch:
            ideas = args.ideas or sorted(set(scored["change_idea"]))
            _compare_batch(data, args.compare_batch, ideas)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
