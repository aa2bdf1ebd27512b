"""A small SVG writer: escaped text, compact numbers, text widths without a font engine.

Charts that are drawn straight from their data (:mod:`paceqi.charts.spcsvg`) build their SVG
with :class:`SVG`. Text widths come from DejaVu Sans advance widths (the theme's first font,
read once from ``DejaVuSans.ttf`` with fontTools and stored below), so laying a chart out needs
no font engine; other fonts the browser may fall back to (Arial, Helvetica) are narrower, so the
estimate is an upper bound and labels placed apart stay apart.

Examples
--------
>>> s = SVG(100, 40)
>>> s.text(4, 20, "a < b", size=12)
>>> svg = s.render(title="T", desc="D", prefix="p-")
>>> svg.startswith("<svg") and "a &lt; b" in svg and 'viewBox="0 0 100 40"' in svg
True
"""

from __future__ import annotations

import functools
import math
import re
from html import escape
from typing import Any

__all__ = ["SVG", "text_width", "wrap", "num", "esc", "data_uri", "marker"]

#: DejaVu Sans advance widths of the characters 32..126, in 1/1000 em (from the font's hmtx).
_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)  # fmt: skip
#: Widths of the few non-ASCII characters paceqi writes itself; others count as a wide glyph.
_OTHER = {"–": 500, "—": 1000, "…": 1000, "·": 318, "⚠": 896, "×": 838, "≤": 838, "≥": 838}
_WIDE = 838
#: Stands for the chart's id prefix in class names until :meth:`SVG.render` (never in text:
#: :func:`esc` removes control characters, which XML does not allow anyway).
_PREFIX = "\x00"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Bold text is up to this much wider than regular text in DejaVu Sans.
_BOLD = 1.12


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the width of ``text`` at font ``size`` (px), in DejaVu Sans.

    Examples
    --------
    >>> round(text_width("Jan 2017", 10), 1)
    44.0
    """
    total = 0
    for ch in text:
        o = ord(ch)
        total += _WIDTHS[o - 32] if 32 <= o <= 126 else _OTHER.get(ch, _WIDE)
    return total * size / 1000 * (_BOLD if bold else 1.0)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` at font ``size`` (words kept whole).

    Examples
    --------
    >>> wrap("one two three", 50, 10)
    ['one two', 'three']
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def num(value: float) -> str:
    """Format a coordinate with at most one decimal and no trailing zero.

    Examples
    --------
    >>> num(3.0), num(2.25), num(-0.04)
    ('3', '2.2', '0')
    """
    r = round(float(value), 1)
    if r == int(r):
        return str(int(r))
    return f"{r:.1f}"


def esc(text: Any) -> str:
    """Escape text for an SVG text node or a double-quoted attribute (control characters go)."""
    return escape(_CONTROL.sub("", str(text)), quote=True)


def data_uri(svg: str) -> str:
    """Return ``svg`` as a percent-encoded ``data:`` URI fit for a double-quoted ``href``.

    Only the characters that would end the attribute, start a fragment or an escape, or that HTML
    would decode (``&``) are encoded, so the URI is barely larger than the SVG (base64 would add
    a third).

    Examples
    --------
    >>> data_uri('<svg a="1">&amp;#</svg>')
    'data:image/svg+xml;charset=utf-8,%3Csvg a=%221%22>%26amp;%23%3C/svg>'
    """
    out = (
        svg.replace("%", "%25")
        .replace("&", "%26")
        .replace("#", "%23")
        .replace('"', "%22")
        .replace("<", "%3C")
        .replace("\n", "%0A")
    )
    return "data:image/svg+xml;charset=utf-8," + out


class SVG:
    """Collect SVG elements and write them as one ``<svg>`` element.

    Coordinates are in user units of the ``viewBox`` (``width`` by ``height``); the element has
    no fixed size, so it scales to its container. Styles shared by many elements go into
    classes: :meth:`css` registers a rule (names are prefixed at :meth:`render` so several
    charts can share one page).
    """

    #: Font size of the chart's stylesheet (``text{font-size:12px}``): text of this size
    #: needs no size of its own.
    base_size = 12.0

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.parts: list[str] = []
        self.rules: dict[str, str] = {}

    def css(self, name: str, rule: str) -> str:
        """Register a class rule (``rule`` without braces) and return the class placeholder."""
        self.rules[name] = rule
        return _PREFIX + name

    def raw(self, text: str) -> None:
        """Append markup as it is (already escaped; class names from :meth:`css` are allowed)."""
        self.parts.append(text)

    def open(self, cls: str | None = None, **attrs: Any) -> None:
        """Open a ``<g>`` group."""
        self.parts.append("<g" + _attrs(cls, attrs) + ">")

    def close(self) -> None:
        """Close the last group."""
        self.parts.append("</g>")

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str | None = None) -> None:
        """Draw a straight line."""
        self.parts.append(f'<path d="M{num(x1)} {num(y1)}{_to(x1, y1, x2, y2)}"{_attrs(cls, {})}/>')

    def path(self, xy: list[tuple[float, float]], cls: str | None = None, **attrs: Any) -> None:
        """Draw an open polyline through ``xy`` (NaN points break it)."""
        d: list[str] = []
        pen = False
        last = (0.0, 0.0)
        for x, y in xy:
            if math.isnan(x) or math.isnan(y):
                pen = False
                continue
            if pen:
                d.append(_to(last[0], last[1], x, y))
            else:
                d.append(f"M{num(x)} {num(y)}")
            pen = True
            last = (x, y)
        if d:
            self.parts.append(f'<path d="{"".join(d)}"{_attrs(cls, attrs)}/>')

    def rect(
        self, x: float, y: float, w: float, h: float, cls: str | None = None, **attrs: Any
    ) -> None:
        """Draw a rectangle."""
        self.parts.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"'
            f"{_attrs(cls, attrs)}/>"
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float | None = None,
        anchor: str = "start",
        cls: str | None = None,
        rotate: bool = False,
        **attrs: Any,
    ) -> None:
        """Write text with its baseline at ``y`` (``anchor``: start, middle or end)."""
        extra = ""
        if size is not None and size != self.base_size:
            # an inline style: the stylesheet's ``text{font-size:..}`` rule would override a
            # font-size attribute (CSS beats SVG presentation attributes)
            extra += f' style="font-size:{num(size)}px"'
        if anchor != "start":
            extra += f' text-anchor="{anchor}"'
        if rotate:
            extra += f' transform="rotate(-90 {num(x)} {num(y)})"'
        self.parts.append(
            f'<text x="{num(x)}" y="{num(y)}"{extra}{_attrs(cls, attrs)}>{esc(text)}</text>'
        )

    def render(self, *, title: str, desc: str, prefix: str, font: str = "", style: str = "") -> str:
        """Return the ``<svg>`` element with ``role="img"``, ``<title>`` and ``<desc>``."""
        rules = "".join(
            f".{prefix}{name}{{{rule.replace(_PREFIX, prefix)}}}"
            for name, rule in self.rules.items()
        )
        if font:
            rules = f"text{{{font}}}" + rules
        body = "".join(self.parts).replace(_PREFIX, prefix)
        style_attr = f' style="{style}"' if style else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(self.width)} '
            f'{num(self.height)}" role="img" aria-labelledby="{prefix}title {prefix}desc"'
            f'{style_attr}><title id="{prefix}title">{esc(title)}</title>'
            f'<desc id="{prefix}desc">{esc(desc)}</desc>'
            + (f"<style>{rules}</style>" if rules else "")
            + body
            + "</svg>"
        )


def _to(x1: float, y1: float, x2: float, y2: float) -> str:
    """Return the shortest path command from (x1, y1) to (x2, y2)."""
    if num(y1) == num(y2):
        return f"H{num(x2)}"
    if num(x1) == num(x2):
        return f"V{num(y2)}"
    return f"L{num(x2)} {num(y2)}"


def _attrs(cls: str | None, attrs: dict[str, Any]) -> str:
    out = f' class="{cls}"' if cls else ""
    for key, value in attrs.items():
        if value is None:
            continue
        out += f' {key.rstrip("_").replace("_", "-")}="{esc(value)}"'
    return out


def marker(shape: str, x: float, y: float, r: float, cls: str | None = None, tip: str = "") -> str:
    """Return one marker as SVG: matplotlib's marker codes ``o s D ^ v < > X P * h p``.

    ``tip`` becomes the marker's ``<title>`` (shown on hover, read by screen readers).

    Examples
    --------
    >>> marker("o", 1, 2, 3)
    '<circle cx="1" cy="2" r="3"/>'
    """
    c = f' class="{cls}"' if cls else ""
    t = f"<title>{esc(tip)}</title>" if tip else ""
    end = f">{t}</circle>" if t else "/>"
    if shape == "o":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}"{c}{end}'
    if shape == "X":
        k = r * 0.9
        a, b = num(2 * k), num(-2 * k)
        d = f"M{num(x - k)} {num(y - k)}l{a} {a}m0 {b}l{b} {a}"
    elif shape == "P":
        k = r * 1.1
        d = f"M{num(x - k)} {num(y)}h{num(2 * k)}M{num(x)} {num(y - k)}v{num(2 * k)}"
    else:
        d = "M" + "L".join(f"{num(px)} {num(py)}" for px, py in _polygon(shape, x, y, r)) + "z"
    end = f">{t}</path>" if t else "/>"
    return f'<path d="{d}"{c}{end}'


def _polygon(shape: str, x: float, y: float, r: float) -> list[tuple[float, float]]:
    """Corners of the filled marker shapes (y grows downwards)."""
    if shape == "s":
        k = r * 0.9
        return [(x - k, y - k), (x + k, y - k), (x + k, y + k), (x - k, y + k)]
    if shape == "D":
        k = r * 1.25
        return [(x, y - k), (x + k, y), (x, y + k), (x - k, y)]
    turn = {"^": -90, "v": 90, "<": 180, ">": 0}
    if shape in turn:
        k, a0 = r * 1.2, math.radians(turn[shape])
        return [
            (x + k * math.cos(a0 + i * 2 * math.pi / 3), y + k * math.sin(a0 + i * 2 * math.pi / 3))
            for i in range(3)
        ]
    if shape == "*":
        pts = []
        for i in range(10):
            k = r * (1.3 if i % 2 == 0 else 0.55)
            a = math.radians(-90 + 36 * i)
            pts.append((x + k * math.cos(a), y + k * math.sin(a)))
        return pts
    sides = 5 if shape == "p" else 6  # "p" pentagon, "h" (and anything else) hexagon
    return [
        (
            x + r * 1.1 * math.cos(math.radians(-90 + i * 360 / sides)),
            y + r * 1.1 * math.sin(math.radians(-90 + i * 360 / sides)),
        )
        for i in range(sides)
    ]
