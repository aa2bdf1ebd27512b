"""Write the fixture notebooks in this folder (run: python tests/notebooks/make_fixtures.py)."""

from pathlib import Path

import nbformat as nbf

out = Path(__file__).resolve().parent


def nb(cells):
    n = nbf.v4.new_notebook()
    n.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    n.metadata["language_info"] = {"name": "python"}
    n.cells = cells
    return n


def params(src):
    c = nbf.v4.new_code_cell(src)
    c.metadata["tags"] = ["parameters"]
    return c


def code(src, tags=None):
    c = nbf.v4.new_code_cell(src)
    if tags:
        c.metadata["tags"] = tags
    return c


md = nbf.v4.new_markdown_cell

P = 'authority = "Fixture Authority"  # authority name\nextract = ""  # path to the extract\nscale: float = 1.0  # chart scale\nrules = "ihi"  # rule set\n'

cells = {
    "normal": [
        md("# Fixture report"),
        params(P),
        code(
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\nfrom paceqi.report import record",
            ["remove_cell"],
        ),
        md("## Summary"),
        code(
            "days = pd.Series(np.arange(1, 21) * scale)\nmedian = float(days.median())\nrecord('median_days', median)\nrecord('pct_within_target', 62.5)\nrecord('children_waiting', 7)\nrecord('variation', 'common_cause')\nrecord('assurance', 'hit_or_miss')\nrecord('monthly_median', [40, 38, 41, 35, 33, 30])\nrecord('rules', rules)\nprint(f'Median {median:.1f} days for {authority}')"
        ),
        md("## Run chart"),
        code(
            "fig, ax = plt.subplots(figsize=(6, 3))\nax.plot(days.index, days.values, marker='o')\nax.axhline(median, color='grey')\nax.set_title('Days to decision')\nplt.show()"
        ),
        md("### A table"),
        code("pd.DataFrame({'n': [1, 2], 'days': [3.5, 4.0]})"),
    ],
    "broken": [
        md("# Broken report"),
        params(P),
        md("## Before"),
        code("x = 1\nprint('fine so far')"),
        code("raise ValueError('deliberate failure for the test')"),
        code("print('never reached')"),
    ],
    "hang": [
        md("# Hanging report"),
        params(P),
        code("import time\ntime.sleep(600)"),
    ],
    "leak": [
        md("# Leaky report"),
        params(P),
        code(
            "import os\nimport pandas as pd\nimport matplotlib\nimport matplotlib.pyplot as plt\n"
            "import paceqi\n"
            "LEAKED_GLOBAL = 42\n"
            "pd.set_option('display.max_rows', 3)\n"
            "matplotlib.rcParams['lines.linewidth'] = 9.5\n"
            "os.environ['PACEQI_LEAK_TEST'] = 'yes'\n"
            "os.chdir('/')\n"
            "paceqi._leaked_state = 'dirty'\n"
            "import paceqi.report.jobs\n"
            "paceqi.report.jobs.DEFAULT_CELL_TIMEOUT = 1.0\n"
            "paceqi.report.jobs._leaked = True\n"
            "fig, ax = plt.subplots()"
        ),
    ],
    "check_clean": [
        md("# Clean check"),
        params(P),
        code(
            "import os\nimport pandas as pd\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport paceqi\n"
            "assert 'LEAKED_GLOBAL' not in globals(), 'variable leaked'\n"
            "assert pd.get_option('display.max_rows') == 60, 'pandas option leaked'\n"
            "assert matplotlib.rcParams['lines.linewidth'] == 1.5, 'rcParam leaked'\n"
            "assert 'PACEQI_LEAK_TEST' not in os.environ, 'environment variable leaked'\n"
            "assert os.getcwd() != '/', 'working directory leaked'\n"
            "assert not hasattr(paceqi, '_leaked_state'), 'paceqi state leaked'\n"
            "import paceqi.report.jobs\n"
            "assert paceqi.report.jobs.DEFAULT_CELL_TIMEOUT == 600.0, 'paceqi global leaked'\n"
            "assert not hasattr(paceqi.report.jobs, '_leaked'), 'paceqi module state leaked'\n"
            "assert plt.get_fignums() == [], 'open figure leaked'\n"
            "print('clean')"
        ),
    ],
}
if __name__ == "__main__":
    for name, cs in cells.items():
        nbf.write(nb(cs), out / f"{name}.ipynb")
