"""Flags along a chart's time axis: one numbered marker per PDSA cycle, never overlapping.

Markers that would touch are merged into one flag labelled with the range they cover ("3–7"),
and the merged flag is placed again, until no two flags overlap. The layout is pure arithmetic
on the markers' x positions and the label widths (:func:`paceqi.charts.svgwriter.text_width`),
so a test can check the boxes of every chart without a browser.

Examples
--------
>>> marks = [Mark("1", 1, 100.0), Mark("2", 2, 104.0), Mark("3", 3, 300.0)]
>>> [f.label for f in layout_flags(marks, left=0, right=400, size=12)]
['1–2', '3']
"""

from __future__ import annotations

from dataclasses import dataclass

from paceqi.charts.svgwriter import text_width

__all__ = ["Mark", "Flag", "layout_flags", "range_label", "overlapping"]


@dataclass(frozen=True)
class Mark:
    """One thing to flag: its label ("3", "A"), a sort key and its x position."""

    label: str
    order: int
    x: float


@dataclass(frozen=True)
class Flag:
    """A placed flag: the marks it stands for, its label and its box (left, right)."""

    marks: tuple[Mark, ...]
    label: str
    left: float
    right: float

    @property
    def span(self) -> tuple[float, float]:
        """The x range of the marks the flag stands for."""
        xs = [m.x for m in self.marks]
        return min(xs), max(xs)


def range_label(marks: tuple[Mark, ...] | list[Mark]) -> str:
    """Label of a group of marks: consecutive numbers as "3–7", others listed.

    Examples
    --------
    >>> range_label([Mark(str(i), i, 0.0) for i in (3, 4, 5, 7)] + [Mark("A", 1001, 0.0)])
    '3–5, 7, A'
    """
    numbers = sorted({m.order for m in marks if m.label.isdigit()})
    others = sorted({(m.order, m.label) for m in marks if not m.label.isdigit()})
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    return ", ".join(parts + [label for _, label in others])


def _box(
    marks: list[Mark], left: float, right: float, size: float, pad: float
) -> tuple[str, float, float]:
    label = range_label(marks)
    width = text_width(label, size) + 2 * pad
    lo, hi = min(m.x for m in marks), max(m.x for m in marks)
    a = (lo + hi) / 2 - width / 2
    a = min(max(a, left), right - width)
    a = max(a, left)
    return label, a, a + width


def layout_flags(
    marks: list[Mark],
    *,
    left: float,
    right: float,
    size: float,
    pad: float = 4.0,
    gap: float = 3.0,
) -> list[Flag]:
    """Place one flag per mark between ``left`` and ``right``; merge flags that would overlap.

    Parameters
    ----------
    marks : list of Mark
        What to flag, at its x position (user units).
    left, right : float
        The flags stay between these x positions.
    size : float
        Font size of the labels.
    pad, gap : float
        Space inside a flag on each side of its label, and the least space between two flags.

    Returns
    -------
    list of Flag
        Left to right; no two boxes are closer than ``gap``, unless a single flag is wider than
        the room (it then starts at ``left``).
    """
    groups = [[m] for m in sorted(marks, key=lambda m: (m.x, m.order))]
    while True:
        boxes = [_box(g, left, right, size, pad) for g in groups]
        for i in range(len(boxes) - 1):
            if boxes[i][2] + gap > boxes[i + 1][1]:
                groups[i : i + 2] = [groups[i] + groups[i + 1]]
                break
        else:
            return [
                Flag(tuple(g), label, a, b) for g, (label, a, b) in zip(groups, boxes, strict=True)
            ]


def overlapping(flags: list[Flag], gap: float = 0.0) -> list[tuple[int, int]]:
    """Return the index pairs of flags whose boxes overlap (closer than ``gap``)."""
    out = []
    for i in range(len(flags)):
        for j in range(i + 1, len(flags)):
            a, b = flags[i], flags[j]
            if a.left < b.right + gap and b.left < a.right + gap:
                out.append((i, j))
    return out
