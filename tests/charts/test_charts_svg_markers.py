"""Marker ``<use>`` elements sharing a style are grouped under one styled ``<g>``."""

import re
import xml.etree.ElementTree as ET

import numpy as np

from paceqi.charts import spc_figure, svg, to_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
XLINK = "{http://www.w3.org/1999/xlink}href"


def _markers(text: str) -> list[tuple[str, str, str, str]]:
    """(href, x, y, effective style) of every <use>, in document order.

    The style comes from the element's own ``style`` or ``class`` (a rule in the chart's
    ``<style>``), else from its parent group's.
    """
    root = ET.fromstring(text)
    rules = dict(re.findall(r"\.([\w-]+)\{([^}]*)\}", text))
    parents = {child: parent for parent in root.iter() for child in parent}

    def own(el: ET.Element) -> str:
        return el.get("style") or rules.get(el.get("class") or "", "")

    out = []
    for use in root.iter("{http://www.w3.org/2000/svg}use"):
        style = own(use) or own(parents[use])
        out.append((use.get(XLINK), use.get("x"), use.get("y"), style))
    return out


def test_group_markers_wraps_adjacent_uses_with_the_same_style_only():
    a = '<use xlink:href="#m1" x="1" y="2" style="fill: #000"/>\n'
    b = '<use xlink:href="#m1" x="3" y="4" style="fill: #000"/>\n'
    c = '<use xlink:href="#m2" x="5" y="6" style="fill: #fff"/>\n'
    text = f"<svg>\n{a}{b}{c}<path d='M 0 0'/>\n{a}</svg>"
    out = svg._group_markers(text)
    assert out == (
        '<svg>\n<g style="fill: #000">\n<use xlink:href="#m1" x="1" y="2"/>\n'
        '<use xlink:href="#m1" x="3" y="4"/>\n</g>\n'
        f"{c}<path d='M 0 0'/>\n{a}</svg>"
    )


def test_group_markers_leaves_a_text_without_markers_alone():
    text = '<svg><path d="M 0 0"/><text x="1">a</text></svg>'
    assert svg._group_markers(text) == text


def test_grouped_chart_draws_the_same_markers_in_the_same_order_and_is_smaller(make, monkeypatch):
    y = np.r_[np.full(40, 150.0) + np.arange(40) % 7, np.full(40, 100.0) + np.arange(40) % 5]
    res = make(y, direction="decrease")
    grouped = to_svg(spc_figure(res), id_prefix="t-")
    monkeypatch.setattr(svg, "_group_markers", lambda text: text)
    plain = to_svg(spc_figure(res), id_prefix="t-")
    assert _markers(grouped) == _markers(plain)
    assert len(_markers(plain)) >= 80
    styled = re.compile(r"<use [^>]*(?:style|class)=")
    assert len(styled.findall(plain)) >= 80
    assert len(styled.findall(grouped)) < 20  # only the axis ticks, one between two labels
    # each grouped marker drops its style (or, with chart style classes, its class) attribute
    assert len(grouped.encode()) < len(plain.encode()) - 8 * len(_markers(plain))


def _stock_svg(fig) -> str:
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from paceqi.charts import _figure

    buf = io.StringIO()
    with _figure.themed():
        FigureCanvasSVG(fig).print_svg(buf, metadata=svg._NO_METADATA)
    return buf.getvalue()


def _paceqi_svg(fig) -> str:
    import io

    from paceqi.charts import _figure

    buf = io.StringIO()
    with _figure.themed():
        svg._print_svg(fig, buf)
    return buf.getvalue()


def test_print_svg_with_remembered_text_extents_equals_matplotlibs(make, shift_down):
    import pandas as pd

    from paceqi.charts import small_multiples

    notes = pd.DataFrame(
        {"date": ["2017-01-01"], "label": ["a $x$ note"], "kind": ["system_change"]}
    )
    builders = [
        lambda: spc_figure(shift_down, notes, title="Days $to$ panel", y_label="days"),
        lambda: spc_figure(make([10, 12, 11, 12] * 4, n=[20] * 16, chart="p"), title="Share"),
        lambda: small_multiples({"A": shift_down, "B": shift_down}),
    ]
    svg._TEXT_METRICS.clear()
    for _ in range(2):  # the second round measures every text from the remembered extents
        for build in builders:
            assert _paceqi_svg(build()) == _stock_svg(build())
    assert svg._TEXT_METRICS


def test_remembered_text_extents_depend_on_the_font(make):
    from matplotlib.font_manager import FontProperties

    small, large = FontProperties(size=8), FontProperties(size=12)
    assert svg._font_key(small) != svg._font_key(large)
    assert svg._font_key(FontProperties(family="serif")) != svg._font_key(FontProperties())
