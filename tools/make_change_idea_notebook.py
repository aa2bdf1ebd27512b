"""Write a change-idea notebook from the common layout (run once per new change idea).

Usage: python tools/make_change_idea_notebook.py NAME "Title" "one-paragraph question"
Notebooks are stored without outputs; edit the markdown afterwards if a change idea needs it.
"""

import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]


def build(name: str, title: str, question: str, authority: str = "Fife") -> nbf.NotebookNode:
    slug = authority.lower().replace(" ", "_")
    md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
    params = code(
        f'authority: str = "{authority}"  # local authority, as named in the extract\n'
        f'extract: str = "data/synthetic/extracts/{slug}.csv"  # CSV or XLSX, relative to the project\n'
        'mapping: str = ""  # column mapping YAML for a local extract (empty for canonical columns)\n'
        f'pdsa: str = "data/synthetic/pdsa/{slug}.yaml"  # PDSA store: .db file, database URL or YAML\n'
        f'change_idea: str = "{name}"  # measures in parameters/measures/{name}.yaml\n'
        'period: str = "quarter"  # month or quarter, for the percentage charts\n'
        'rules: str = "ihi"  # ihi, anhoej or mdc\n'
        'test_start: str = ""  # ISO date the test started (empty for the first PDSA cycle)\n'
        "min_cell: int = 5  # counts below this are hidden in the report\n"
        'as_of: str = "2021-03-31"  # extract date, ISO (empty for the date in the extract or today)\n'
        "interactive: bool = True  # widgets in JupyterLab; the batch sets False"
    )
    params.metadata["tags"] = ["parameters"]
    cells = [
        md(
            f"# {title}\n\n{question}\n\nThis report reads the authority's extract and PDSA records; "
            "every figure below is computed by `paceqi` from them."
        ),
        params,
        code(
            "import paceqi\n\n"
            "report = paceqi.change_idea_report(\n"
            "    authority=authority, extract=extract, mapping=mapping, pdsa=pdsa,\n"
            "    change_idea=change_idea, period=period, rules=rules, test_start=test_start,\n"
            "    min_cell=min_cell, as_of=as_of, interactive=interactive,\n"
            ")"
        ),
        md("## Has the change led to an improvement?"),
        code("report.answer()"),
        md("## Aim and drivers"),
        code("report.aim()"),
        md("## PDSA ramp: predictions against results"),
        code("report.ramp()"),
        md("## Outcome measures"),
        code('report.measures("outcome")'),
        md("## Process measures"),
        code('report.measures("process")'),
        md("## Balancing measures"),
        code('report.measures("balancing")'),
        md("## Journeys of children in the test period"),
        code("report.journeys()"),
        md("## Children still waiting"),
        code("report.waiting()"),
        md("## Data quality"),
        code("report.data_quality()"),
        md("## Method"),
        code("report.method()"),
        code("report.record();"),
        md(
            "## Explore (JupyterLab only)\n\nPick a measure, period and rule set to redraw a chart."
        ),
        code("report.explore()"),
    ]
    cells[-4].metadata["tags"] = ["remove_cell"]
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    name, title, question = sys.argv[1:4]
    out = ROOT / "notebooks" / "change_ideas" / f"{name}.ipynb"
    nbf.write(build(name, title, question), out)
    print(out)
