"""Figures to small, inline-able, accessible SVG strings."""

from __future__ import annotations

import hashlib
import io
import re
from html import escape
from typing import TYPE_CHECKING, Any, Protocol, cast

import matplotlib as mpl
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from paceqi.charts import _figure

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.typing import RcKeyType


class SVGWriter(Protocol):
    """A chart that writes its own SVG (e.g. :class:`paceqi.charts.spcsvg.SVGChart`)."""

    def to_svg(
        self, *, title: str | None = None, desc: str | None = None, id_prefix: str | None = None
    ) -> str: ...


__all__ = ["to_svg"]

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(xlink:href|href)="#([^"]+)"|url\(#([^)]+)\)')
_STYLE = re.compile(r'style="([^"]*)"')
_FLOAT = re.compile(r"(\d+\.\d{2})\d+")


def _compact(svg: str) -> str:
    """Shrink matplotlib's SVG without changing what it shows."""
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = _FLOAT.sub(r"\1", svg)
    svg = re.sub(r"(\d)\.00(?=[\s\",)])", r"\1", svg)
    svg = re.sub(r"\s*\n\s*(?=[LMCQz])", " ", svg)  # path data on one line
    svg = re.sub(r"\n\s*", "\n", svg)
    svg = svg.replace(' transform="rotate(-0 ', ' data-r="').replace(" data-r=", " data-r=")
    svg = re.sub(r' data-r="[^"]*"', "", svg)
    # Ids nobody refers to (matplotlib names every group) only add bytes and duplicates.
    used = set(re.findall(r'href="#([^"]+)"', svg)) | set(re.findall(r"url\(#([^)]+)\)", svg))
    svg = re.sub(r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    svg = _drop_plain_groups(svg)
    svg = _group_markers(svg)
    # One font rule for every text element instead of a copy in each.
    fonts = re.findall(r"font-family: ([^;\"]+);? ?", svg)
    if fonts:
        family = max(set(fonts), key=fonts.count)
        svg = svg.replace(f"font-family: {family}; ", "").replace(f"; font-family: {family}", "")
        svg = svg.replace(
            '<style type="text/css">', f'<style type="text/css">text{{font-family: {family}}}', 1
        )
    return svg


def _drop_plain_groups(svg: str) -> str:
    """Remove ``<g>`` wrappers that carry no attribute (and their ``</g>``)."""
    out: list[str] = []
    stack: list[bool] = []
    pos = 0
    for m in re.finditer(r"<g>\n?|<g [^>]*>|</g>\n?", svg):
        out.append(svg[pos : m.start()])
        pos = m.end()
        tag = m.group(0)
        if tag.startswith("</g"):
            if stack.pop():
                out.append(tag)
        elif tag.startswith("<g>"):
            stack.append(False)
        else:
            stack.append(True)
            out.append(tag)
    out.append(svg[pos:])
    return "".join(out)


def _style_classes(svg: str, prefix: str, min_uses: int = 3) -> str:
    """Replace style attributes repeated ``min_uses`` times or more by a class rule.

    Class names carry the chart's prefix: a ``<style>`` inside inline SVG applies to the whole
    HTML page, so names must not collide between charts.
    """
    counts: dict[str, int] = {}
    for style in _STYLE.findall(svg):
        counts[style] = counts.get(style, 0) + 1
    common = [s for s, k in counts.items() if k >= min_uses]
    if not common or "<style" not in svg:
        return svg
    names = {s: f"{prefix}s{i}" for i, s in enumerate(common)}
    svg = _STYLE.sub(
        lambda m: f'class="{names[m.group(1)]}"' if m.group(1) in names else m.group(0), svg
    )
    rules = "".join(f".{name}{{{style}}}" for style, name in names.items())
    return svg.replace('<style type="text/css">', f'<style type="text/css">{rules}', 1)


def _prefix_ids(svg: str, prefix: str) -> str:
    """Make every id unique to this chart, so several SVGs can share one HTML page."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)

    def ref(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            name = m.group(2)
            return f'{m.group(1)}="#{prefix}{name}"' if name in ids else m.group(0)
        name = m.group(3)
        return f"url(#{prefix}{name})" if name in ids else m.group(0)

    return _REF.sub(ref, svg)


def to_svg(
    fig: Figure | SVGWriter,
    *,
    title: str | None = None,
    desc: str | None = None,
    id_prefix: str | None = None,
) -> str:
    """Render a figure as an SVG string to put inline in an HTML report.

    The SVG keeps text as text (``svg.fonttype = 'none'``), carries no metadata, no XML
    declaration and no external references, rounds coordinates to 2 decimals, and starts with
    ``role="img"``, a ``<title>`` and a ``<desc>`` (the alt text) so screen readers announce
    it. Ids are prefixed so several charts can share one page.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or SPCChart
        The figure (from :func:`journeys_chart` and friends, or any figure), or a chart
        :func:`spc_chart` wrote straight to SVG (its own ``to_svg`` is used).
    title, desc : str, optional
        Accessible title and description; by default the alt text the chart function attached.
    id_prefix : str, optional
        Prefix for element ids; by default derived from a hash of the SVG.

    Returns
    -------
    str
        The ``<svg ...>...</svg>`` element.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.add_subplot().plot([1, 2, 3])
    >>> svg = to_svg(fig, title="A line", desc="Rises from 1 to 3.")
    >>> svg.startswith("<svg") and "<title" in svg and "http://" not in svg.split(">", 1)[1]
    True
    """
    if not isinstance(fig, Figure):  # a chart written straight to SVG (SPCChart)
        return fig.to_svg(title=title, desc=desc, id_prefix=id_prefix)
    attached = _figure.alt_text_of(fig) or ("Chart", "")
    title = title if title is not None else attached[0]
    desc = desc if desc is not None else attached[1]
    buf = io.StringIO()
    with _figure.themed():
        _print_svg(fig, buf)
    svg = buf.getvalue()
    svg = _compact(svg[svg.index("<svg") :])
    prefix = id_prefix or "pq" + hashlib.sha1(svg.encode()).hexdigest()[:8] + "-"
    svg = _prefix_ids(svg, prefix)
    svg = _style_classes(svg, prefix)
    head_end = svg.index(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2)
    title_id, desc_id = f"{prefix}title", f"{prefix}desc"
    head += f' role="img" aria-labelledby="{title_id} {desc_id}" style="max-width:100%;height:auto"'
    accessible = (
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return head + ">" + accessible + svg[head_end + 1 :]


_USE = re.compile(r'<use xlink:href="([^"]+)" x="([^"]+)" y="([^"]+)" style="([^"]*)"/>\n?')


def _group_markers(svg: str) -> str:
    """Wrap runs of marker ``<use>`` elements that share a style in one styled ``<g>``.

    Matplotlib writes every marker as ``<use xlink:href=… x=… y=… style="fill:…; stroke:…"/>``;
    a chart of hundreds of points repeats the same style hundreds of times. A ``<use>``
    without a style inherits it from its parent group, so moving a shared style to a ``<g>``
    around consecutive markers draws exactly the same picture with far fewer bytes. Only
    adjacent markers with the same style are grouped, so drawing order is unchanged.
    """
    out: list[str] = []
    pos = 0
    run: list[re.Match[str]] = []

    def flush() -> None:
        if len(run) < 2:
            out.extend(m.group(0) for m in run)
        else:
            body = "".join(
                f'<use xlink:href="{m.group(1)}" x="{m.group(2)}" y="{m.group(3)}"/>\n' for m in run
            )
            out.append(f'<g style="{run[0].group(4)}">\n{body}</g>\n')
        run.clear()

    for m in _USE.finditer(svg):
        if run and (m.start() != run[-1].end() or m.group(4) != run[-1].group(4)):
            flush()
        if not run:
            out.append(svg[pos : m.start()])
        run.append(m)
        pos = m.end()
    flush()
    out.append(svg[pos:])
    return "".join(out)


#: Text extents measured so far: ``(text, font key) -> (width, height, descent)``.
_TEXT_METRICS: dict[tuple[Any, ...], tuple[float, float, float]] = {}
#: Most entries kept (a report measures a few hundred distinct strings).
_TEXT_METRICS_MAX = 20_000


def _font_key(prop: FontProperties) -> tuple[Any, ...]:
    """Everything the measured extent of plain text depends on besides the text itself.

    Generic families ("sans-serif") are resolved through rcParams, so their font lists are
    part of the key.
    """
    generic = tuple(tuple(mpl.rcParams[key]) for key in _GENERIC_FAMILIES)
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
        generic,
    )


_GENERIC_FAMILIES: tuple[RcKeyType, ...] = (
    "font.serif",
    "font.sans-serif",
    "font.cursive",
    "font.fantasy",
    "font.monospace",
)


class _MeasuringRendererSVG(RendererSVG):
    """matplotlib's SVG renderer, remembering the extent of plain text between figures.

    Measuring a string (``get_text_width_height_descent``) lays its glyphs out with FreeType
    and is the largest single cost of rendering a chart; matplotlib caches it per renderer
    only, and the layout pass and each figure use new renderers. The extent of plain text is
    a pure function of the string, the font and the size, so it is kept process-wide. Maths
    and TeX text are measured every time.
    """

    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN201
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop))
        hit = _TEXT_METRICS.get(key)
        if hit is None:
            hit = super().get_text_width_height_descent(s, prop, ismath)
            if len(_TEXT_METRICS) >= _TEXT_METRICS_MAX:
                _TEXT_METRICS.clear()
            _TEXT_METRICS[key] = hit
        return hit


class _Canvas(FigureCanvasSVG):
    """An SVG canvas whose layout pass measures text with the renderer that draws the figure."""

    _renderer: MixedModeRenderer | None = None

    def get_renderer(self) -> Any:
        """Return the renderer of the drawing in progress (else a fresh one, as matplotlib)."""
        if self._renderer is not None:
            return self._renderer
        # private to matplotlib (its stubs leave it out); what the Agg canvas itself calls
        from matplotlib.backend_bases import _get_renderer  # type: ignore[attr-defined]

        return _get_renderer(self.figure)


def _print_svg(fig: Figure, buf: io.StringIO) -> None:
    """Draw ``fig`` into ``buf`` as ``FigureCanvasSVG.print_svg`` does, measuring text once.

    The same steps as matplotlib's ``print_svg`` (figure dpi set to 72, a
    ``MixedModeRenderer`` around the SVG renderer, no metadata); only the renderer class differs
    (:class:`_MeasuringRendererSVG`), and the constrained-layout pass measures text with the
    very renderer that then draws. A test checks the output equals ``print_svg``'s byte for byte.
    """
    canvas = _Canvas(fig)
    dpi = fig.dpi
    fig.dpi = 72
    width, height = fig.get_size_inches()
    svg_renderer = _MeasuringRendererSVG(
        width * 72, height * 72, buf, image_dpi=dpi, metadata=_NO_METADATA
    )
    renderer = MixedModeRenderer(fig, width, height, dpi, svg_renderer)
    canvas._renderer = renderer
    try:
        # MixedModeRenderer forwards every RendererBase method to the SVG renderer it wraps
        # (by __getattr__), which is how matplotlib's own print_svg draws with it
        fig.draw(cast("RendererBase", renderer))
        renderer.finalize()
    finally:
        canvas._renderer = None


_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
