"""Figures to small, inline-able, accessible SVG strings."""

from __future__ import annotations

import hashlib
import io
import re
from html import escape

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from paceqi.charts import _figure

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
    out, stack, pos = [], [], 0
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
    fig: Figure,
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
    fig : matplotlib.figure.Figure
        The figure (from :func:`spc_chart` and friends, or any figure).
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
    attached = _figure.alt_text_of(fig) or ("Chart", "")
    title = title if title is not None else attached[0]
    desc = desc if desc is not None else attached[1]
    buf = io.StringIO()
    with _figure.themed():
        FigureCanvasSVG(fig).print_svg(
            buf, metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
        )
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
