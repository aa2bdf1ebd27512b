"""Driver diagram as SVG: aim -> primary drivers -> secondary drivers -> change ideas.

Built as SVG text (no plotting library), laid out in four columns with wrapped text, so it
stays crisp and readable at any width: the SVG scales to its container (at most its natural
width, about 1000 px; 14 px text). Every user text is
XML-escaped and characters XML cannot hold are replaced, so any note renders safely. Weak links
(``strength: weak``) are dashed, as in the IHI driver diagram template (DOMAIN.md 4.2).

The fill colours are the Okabe-Ito colour-blind-safe palette, lightened; the column headings say
what each column is, so colour is never the only cue.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paceqi.charts import theme

__all__ = ["DriverDiagram", "driver_diagram"]

FONT_PX = 14
LINE_PX = 18
BOX_W = 215
GAP_X = 55
GAP_Y = 12
PAD = 8
MARGIN = 16
HEAD_PX = 34
MAX_LINES = 7
CHARS_PER_LINE = 27  # ~0.55 em per character at FONT_PX in a BOX_W box

#: column -> (fill, stroke), from the theme (the only place colours live).
COLUMN_COLOURS = theme.DRIVER_COLUMN_COLOURS
HEADINGS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DriverDiagram:
    """An SVG driver diagram; shows itself in Jupyter and saves with :meth:`save`."""

    svg: str
    authority: str

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` and return it."""
        p = Path(path)
        p.write_text(self.svg, encoding="utf-8")
        return p


def _esc(text: str) -> str:
    return html.escape(_XML_BAD.sub("\ufffd", text), quote=True)


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        lines += textwrap.wrap(para, CHARS_PER_LINE, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [lines[MAX_LINES - 1][: CHARS_PER_LINE - 1] + "\u2026"]
    return lines


@dataclass
class _Box:
    key: str
    column: int
    lines: list[str]
    note: str | None = None
    y: float = 0.0

    @property
    def height(self) -> float:
        return (len(self.lines) + (1 if self.note else 0)) * LINE_PX + 2 * PAD

    @property
    def x(self) -> float:
        return MARGIN + self.column * (BOX_W + GAP_X)


def _boxes(doc: dict[str, Any]) -> tuple[list[list[_Box]], list[tuple[str, str, bool]]]:
    drivers = doc.get("drivers", [])
    primaries = [d for d in drivers if d["level"] == "primary"]
    secondaries = [d for d in drivers if d["level"] == "secondary"]
    p_order = {d["id"]: i for i, d in enumerate(primaries)}
    secondaries.sort(key=lambda d: min((p_order.get(p, 99) for p in d["parents"]), default=99))
    s_order = {d["id"]: i for i, d in enumerate(secondaries)}
    ideas = sorted(
        doc.get("change_ideas", []),
        key=lambda c: min((s_order.get(k, p_order.get(k, 99)) for k in c["drivers"]), default=99),
    )
    aims = doc.get("aims", [])
    columns = [
        [_Box(f"aim:{a['id']}", 0, _wrap(a["statement"])) for a in aims]
        or [_Box("aim:-", 0, ["No aim recorded"])],
        [_Box(f"drv:{d['id']}", 1, _wrap(d["text"])) for d in primaries],
        [_Box(f"drv:{d['id']}", 2, _wrap(d["text"])) for d in secondaries],
        [_Box(f"ci:{c['id']}", 3, _wrap(c["name"]), note=c.get("status")) for c in ideas],
    ]
    edges: list[tuple[str, str, bool]] = []
    for d in primaries:
        aim = f"aim:{d['aim']}" if d.get("aim") else (columns[0][0].key if len(aims) == 1 else None)
        if aim:
            edges.append((aim, f"drv:{d['id']}", d.get("strength") == "weak"))
    for d in secondaries:
        for p in d["parents"]:
            edges.append((f"drv:{p}", f"drv:{d['id']}", d.get("strength") == "weak"))
    for c in ideas:
        for k in c["drivers"]:
            edges.append((f"drv:{k}", f"ci:{c['id']}", False))
    return columns, edges


def driver_diagram(doc: dict[str, Any]) -> DriverDiagram:
    """Draw the driver diagram of a PDSA document (see :meth:`PDSAStore.document`).

    Examples
    --------
    >>> doc = {"authority": "Fife", "aims": [{"id": "a", "statement": "80% < 6 months"}],
    ...        "drivers": [{"id": "p", "level": "primary", "text": "Timely <decisions>",
    ...                     "aim": "a", "parents": []}],
    ...        "change_ideas": [{"id": "c", "name": "TWPM", "status": "testing", "drivers": ["p"]}]}
    >>> svg = driver_diagram(doc).svg
    >>> "Timely &lt;decisions&gt;" in svg and svg.count("<path") == 2
    True
    """
    columns, edges = _boxes(doc)
    heights = [sum(b.height for b in col) + GAP_Y * max(len(col) - 1, 0) for col in columns]
    inner = max(heights + [LINE_PX + 2 * PAD])
    for col, h in zip(columns, heights, strict=True):
        y = HEAD_PX + MARGIN + (inner - h) / 2
        for box in col:
            box.y = y
            y += box.height + GAP_Y
    width = 2 * MARGIN + 4 * BOX_W + 3 * GAP_X
    height = HEAD_PX + 2 * MARGIN + inner
    authority = str(doc.get("authority", ""))
    kinds = ("aim", "primary", "secondary", "change")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" style="max-width:{width}px;height:auto;display:block" '
        'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="dd-title dd-desc" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="{FONT_PX}">',
        f'<title id="dd-title">Driver diagram: {_esc(authority)}</title>',
        f'<desc id="dd-desc">{_esc(_describe(columns))}</desc>',
        f'<rect width="{width}" height="{height:.0f}" fill="{theme.BACKGROUND}"/>',
    ]
    for i, head in enumerate(HEADINGS):
        x = MARGIN + i * (BOX_W + GAP_X) + BOX_W / 2
        out.append(
            f'<text x="{x:.0f}" y="{MARGIN + 12}" text-anchor="middle" font-weight="bold" '
            f'fill="{theme.DIAGRAM_TEXT}">{head}</text>'
        )
    where = {b.key: b for col in columns for b in col}
    for src, dst, weak in edges:
        a, b = where.get(src), where.get(dst)
        if a is None or b is None:
            continue
        x1, y1 = a.x + BOX_W, a.y + a.height / 2
        x2, y2 = b.x, b.y + b.height / 2
        mid = (x1 + x2) / 2
        dash = ' stroke-dasharray="5,4"' if weak else ""
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
            f'{x2:.1f},{y2:.1f}" '
            f'fill="none" stroke="{theme.DIAGRAM_CONNECTOR}" stroke-width="1.4"{dash}/>'
        )
    for col in columns:
        for box in col:
            fill, stroke = COLUMN_COLOURS[kinds[box.column]]
            out.append(
                f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{BOX_W}" height="{box.height:.1f}" '
                f'rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            )
            for j, line in enumerate(box.lines):
                y = box.y + PAD + (j + 1) * LINE_PX - 4
                out.append(
                    f'<text x="{box.x + PAD:.1f}" y="{y:.1f}" fill="{theme.DIAGRAM_TEXT}">'
                    f"{_esc(line)}</text>"
                )
            if box.note:
                y = box.y + PAD + (len(box.lines) + 1) * LINE_PX - 4
                out.append(
                    f'<text x="{box.x + PAD:.1f}" y="{y:.1f}" fill="{theme.DIAGRAM_NOTE}" '
                    'font-style="italic" '
                    f'font-size="{FONT_PX - 2}">{_esc(box.note)}</text>'
                )
    out.append("</svg>")
    return DriverDiagram(svg="\n".join(out), authority=authority)


def _describe(columns: list[list[_Box]]) -> str:
    parts = []
    for head, col in zip(HEADINGS, columns, strict=True):
        texts = "; ".join(" ".join(b.lines) for b in col) or "none"
        parts.append(f"{head}: {texts}.")
    return " ".join(parts)
