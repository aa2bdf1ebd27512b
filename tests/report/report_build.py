"""Build one real Two Week Planning Meeting report (and its batch index) for the report tests.

Synthetic data for one small authority is written to a temporary folder; its PDSA YAML gets a
hostile note (``<script>alert(1)</script>``) in the aim statement, a cycle's observations and a
study result, so the report tests can check that user-entered text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: A small authority whose synthetic PDSA records hold a Two Week Planning Meeting ramp.
AUTHORITY = "Shetland Islands"
HOSTILE = "<script>alert(1)</script>"
NOTEBOOK = "two_week_planning_meeting"


@dataclass(frozen=True)
class BuiltReport:
    """Paths and text of the report built for the session."""

    html_path: Path
    index_path: Path
    data_dir: Path
    status: str
    error: str

    @property
    def html(self) -> str:
        return self.html_path.read_text(encoding="utf-8")


def _plant_hostile_notes(pdsa_file: Path) -> None:
    data = yaml.safe_load(pdsa_file.read_text(encoding="utf-8"))
    data["aims"][0]["statement"] = f"{data['aims'][0]['statement']} {HOSTILE}"
    ideas = data["change_ideas"]
    idea = next((c for c in ideas if c.get("notebook") == NOTEBOOK), None)
    assert idea is not None, f"the synthetic {AUTHORITY} has no {NOTEBOOK} ramp to plant notes in"
    cycle = idea["ramps"][0]["cycles"][0]
    cycle["do_observations"] = f"Observed {HOSTILE} in the notes"
    results = cycle.get("study_results") or [{"prediction": "p", "met": True}]
    results[0]["result"] = f"Result {HOSTILE}"
    cycle["study_results"] = results
    pdsa_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def build_report(base: Path) -> BuiltReport:
    """Run the Two Week Planning Meeting notebook for one synthetic authority and render it."""
    from paceqi.data.authorities import slugify
    from paceqi.data.synth import write_synthetic
    from paceqi.report.batch import run_batch
    from paceqi.report.jobs import RunSpec

    data = base / "data"
    write_synthetic(data, authorities=[AUTHORITY])
    slug = slugify(AUTHORITY)
    pdsa = next((data / "pdsa").glob(f"{slug}*.yaml"))
    _plant_hostile_notes(pdsa)
    extract = next((data / "extracts").glob(f"{slug}*"))
    spec = RunSpec(
        ROOT / "notebooks" / "change_ideas" / f"{NOTEBOOK}.ipynb",
        AUTHORITY,
        {
            "authority": AUTHORITY,
            "extract": str(extract),
            "pdsa": str(pdsa),
            "as_of": "2021-03-31",
            "rules": "ihi",
            "interactive": False,
        },
        base / "reports",
        timeout=120,
    )
    (result,) = run_batch([spec], jobs=1, progress=False)
    return BuiltReport(
        html_path=spec.html_path,
        index_path=base / "reports" / "index.html",
        data_dir=data,
        status=result.status,
        error=f"{result.ename}: {result.evalue}",
    )


#: Small authorities: where counts of 1-4 children are most likely to appear.
DEMO_AUTHORITIES = ("Shetland Islands", "Orkney Islands")


def build_demo(base: Path, authorities: Sequence[str] = DEMO_AUTHORITIES) -> Path:
    """Run every change-idea notebook for the small demo authorities; return the output folder.

    The synthetic demo data of ``authorities`` (default :data:`DEMO_AUTHORITIES`, with their
    PDSA cycles) is written to ``base/data``; the reports, ``index.html`` and
    ``national.html`` to ``base/reports``.
    """
    notebooks = sorted(p.stem for p in (ROOT / "notebooks" / "change_ideas").glob("*.ipynb"))
    return build_reports(base, authorities, notebooks)


#: A large authority whose synthetic PDSA records test the Two Week Planning Meeting and not
#: the legal opinion turnaround: a report with a test and one without, both with many measures.
FIFE = "Fife"
FIFE_NOTEBOOKS = ("two_week_planning_meeting", "legal_opinion_turnaround")


def build_reports(base: Path, authorities: Sequence[str], notebooks: Sequence[str]) -> Path:
    """Run ``notebooks`` (names in notebooks/change_ideas) for ``authorities``; return the folder.

    The synthetic demo data of the authorities is written to ``base/data``; the reports,
    ``index.html`` and ``national.html`` to ``base/reports``.
    """
    from paceqi.data.authorities import slugify
    from paceqi.data.synth import write_synthetic
    from paceqi.report.batch import run_batch
    from paceqi.report.jobs import RunSpec

    data = base / "data"
    write_synthetic(data, authorities=list(authorities))
    specs = []
    for name in notebooks:
        notebook = ROOT / "notebooks" / "change_ideas" / f"{name}.ipynb"
        for authority in authorities:
            slug = slugify(authority)
            specs.append(
                RunSpec(
                    notebook,
                    authority,
                    {
                        "authority": authority,
                        "extract": str(next((data / "extracts").glob(f"{slug}*"))),
                        "pdsa": str(next((data / "pdsa").glob(f"{slug}*.yaml"))),
                        "as_of": "2021-03-31",
                        "rules": "ihi",
                        "interactive": False,
                    },
                    base / "reports",
                    timeout=120,
                )
            )
    run_batch(specs, jobs=2, progress=False)
    return base / "reports"
