"""Write the change-idea notebooks from one common layout (docs/notebooks.md).

Usage:
    python tools/make_change_idea_notebook.py            # rewrite every notebook in NOTEBOOKS
    python tools/make_change_idea_notebook.py NAME       # rewrite one of them
    python tools/make_change_idea_notebook.py NAME "Title" "one-paragraph question"  # a new one

Notebooks are stored without outputs. A new change idea also needs its measures in
``parameters/measures/NAME.yaml``; add it to NOTEBOOKS below so that it is regenerated with the
others, and to ``parameters/batch/demo.yaml``.
"""

import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]

#: name -> (title, question the report answers, layout). Layout "test" is a test-of-change
#: report; "diagnostic" is the baseline view of every segment (no PDSA ramp, no verdict).
NOTEBOOKS = {
    "two_week_planning_meeting": (
        "Two Week Planning Meeting: test-of-change report",
        "Does holding a formal planning meeting within two weeks of a child becoming looked "
        "after shorten the time to a permanence recommendation (PACE aim 2: within 6 months)?",
        "test",
    ),
    "early_kinship_assessment": (
        "Early kinship assessment: test-of-change report",
        "Does assessing kinship options early mean they are ruled in or out by the 18 week "
        "review, without more plans changing afterwards?",
        "test",
    ),
    "legal_opinion_turnaround": (
        "Legal opinion turnaround: test-of-change report",
        "Does the change to how papers go to legal services bring the legal opinion back "
        "sooner (local target 28 days), and does the recommendation then reach panel sooner?",
        "test",
    ),
    "panel_readiness": (
        "Panel readiness: test-of-change report",
        "Once permanence is recommended, do children's cases reach the permanence panel sooner "
        "(within 12 weeks), without more panels deferring because reports were not ready?",
        "test",
    ),
    "panel_to_adm": (
        "Panel to agency decision: test-of-change report",
        "Is the agency decision maker's decision made within 14 days of the panel "
        "(Adoption Agencies (Scotland) Regulations 2009), without decisions being driven by "
        "speed?",
        "test",
    ),
    "court_and_scra": (
        "Advice hearing and court: test-of-change report",
        "After the agency decision, do applications reach court sooner, and is the final order "
        "granted sooner, including the referral to the Reporter and the advice hearing?",
        "test",
    ),
    "cso_home_review": (
        "Review of children on a CSO at home (PACE aim 1): test-of-change report",
        "Do children looked after at home on a compulsory supervision order have their plan "
        "reviewed within 2 years (PACE aim 1)?",
        "test",
    ),
    "baseline_journeys": (
        "Baseline journeys: where is the delay?",
        "How long does each step of the permanence journey take, for each route, and where "
        "do children wait longest against the timescales? Use it before choosing a change idea.",
        "diagnostic",
    ),
}


def _parameters_cell(name: str, authority: str) -> nbf.NotebookNode:
    slug = authority.lower().replace(" ", "_")
    lines = [
        f'authority: str = "{authority}"  # local authority, as named in the extract',
        f'extract: str = "data/synthetic/extracts/{slug}.csv"  # CSV or XLSX, relative to the '
        "project",
        'mapping: str = ""  # column mapping YAML for a local extract (empty: canonical columns)',
        f'pdsa: str = "data/synthetic/pdsa/{slug}.yaml"  # PDSA store: .db file, database URL or '
        "YAML",
        f'change_idea: str = "{name}"  # measures in parameters/measures/{name}.yaml',
        'period: str = "quarter"  # month or quarter, for the percentage charts',
        'rules: str = "ihi"  # ihi, anhoej or mdc',
        'test_start: str = ""  # ISO date the test started (empty for the first PDSA cycle)',
        "min_cell: int = 5  # counts below this are hidden in the report",
        'as_of: str = "2021-03-31"  # extract date, ISO (empty for the date in the extract or '
        "today)",
        "interactive: bool = True  # widgets in JupyterLab; the batch sets False",
    ]
    cell = nbf.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["parameters"]
    return cell


def _sections(layout: str) -> list[tuple[str, str]]:
    """(markdown heading, code) pairs of the report body."""
    measures = [
        ("## Outcome measures", 'report.measures("outcome")'),
        ("## Process measures", 'report.measures("process")'),
        ("## Balancing measures", 'report.measures("balancing")'),
    ]
    tail = [
        ("## Children still waiting", "report.waiting()"),
        ("## Data quality", "report.data_quality()"),
        ("## Method", "report.method()"),
    ]
    if layout == "diagnostic":
        return [
            ("## Where is the delay?", "report.delay()"),
            ("## Every segment, every route", "report.segments()"),
            *measures,
            ("## Journeys of the most recent children", "report.journeys()"),
            *tail,
        ]
    return [
        ("## Has the change led to an improvement?", "report.answer()"),
        ("## Aim and drivers", "report.aim()"),
        ("## PDSA ramp: predictions against results", "report.ramp()"),
        *measures,
        ("## Journeys of children in the test period", "report.journeys()"),
        *tail,
    ]


def build(
    name: str, title: str, question: str, layout: str = "test", authority: str = "Fife"
) -> nbf.NotebookNode:
    """Return the notebook of one change idea (no outputs)."""
    md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
    cells = [
        md(
            f"# {title}\n\n{question}\n\nThis report reads the authority's extract and PDSA "
            "records; every figure below is computed by `paceqi` from them."
        ),
        _parameters_cell(name, authority),
        code(
            "import paceqi\n\n"
            "report = paceqi.change_idea_report(\n"
            "    authority=authority, extract=extract, mapping=mapping, pdsa=pdsa,\n"
            "    change_idea=change_idea, period=period, rules=rules, test_start=test_start,\n"
            "    min_cell=min_cell, as_of=as_of, interactive=interactive,\n"
            ")"
        ),
    ]
    for heading, call in _sections(layout):
        cells += [md(heading), code(call)]
    cells.append(code("report.record();"))
    explore = md(
        "## Explore (JupyterLab only)\n\nPick a measure, period and rule set to redraw a chart."
    )
    explore.metadata["tags"] = ["remove_cell"]
    cells += [explore, code("report.explore()")]
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating leaves an unchanged notebook as is
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(name: str, title: str, question: str, layout: str = "test") -> Path:
    """Write ``notebooks/change_ideas/<name>.ipynb`` and return its path."""
    out = ROOT / "notebooks" / "change_ideas" / f"{name}.ipynb"
    nbf.write(build(name, title, question, layout), out)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 3:
        print(write(*args[:3]))
    else:
        for key in args or list(NOTEBOOKS):
            print(write(key, *NOTEBOOKS[key]))
