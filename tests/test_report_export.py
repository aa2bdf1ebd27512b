"""The report exporter: nbconvert's HTMLExporter output without its BeautifulSoup re-parse."""

import base64
import copy
import io

import matplotlib
import nbformat
import nbformat.v4 as v4
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter as NbconvertHTMLExporter

from paceqi.report.export import MISSING_ALT, HTMLExporter
from paceqi.report.render import Renderer

matplotlib.use("agg")


def _png() -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(scope="module")
def notebook():
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    code = v4.new_code_cell("plot()", execution_count=1)
    code.outputs = [
        v4.new_output("display_data", data={"image/png": _png(), "text/plain": "<Figure>"}),
        v4.new_output("stream", name="stdout", text="hello <b>world</b>\n"),
    ]
    shown = v4.new_code_cell("x", execution_count=2)
    shown.outputs = [
        v4.new_output(
            "execute_result",
            data={"text/html": '<img src="data:image/png;base64,AAAA" alt="given">'},
            execution_count=2,
        )
    ]
    nb.cells = [
        v4.new_markdown_cell("# Title\n\n## Section <a id='x'></a>\n\nSome *text*."),
        code,
        shown,
        v4.new_markdown_cell('<div class="jp-OutputArea-output" tabindex="-1">kept</div>'),
    ]
    return nbformat.from_dict(nb)


@pytest.mark.parametrize("template", ["lab", "paceqi"])
def test_same_page_as_nbconvert_apart_from_the_reparse(notebook, template):
    config = Renderer()._exporter.config if template == "paceqi" else None
    kwargs = {"config": config} if config is not None else {}
    ours, _ = HTMLExporter(**kwargs).from_notebook_node(copy.deepcopy(notebook))
    theirs, _ = NbconvertHTMLExporter(**kwargs).from_notebook_node(copy.deepcopy(notebook))
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    assert f'alt="{MISSING_ALT}"' in ours and 'alt="given"' in ours
    assert ours.count(f'alt="{MISSING_ALT}"') == 1
    assert 'tabindex="0">kept' in ours  # as nbconvert: every output focusable
