"""Variation and assurance icons, drawn here as small SVG strings (Making Data Count meaning).

The meaning follows NHS England's Making Data Count icons (as NHSRplotthedots assigns them from
``variation`` / ``assurance``); the drawings are paceqi's own: a ring in the signal colour, a
miniature series of points, and a letter (H / L for high / low, P / F for pass / fail), so the
icon reads without colour. No icon files are copied.
"""

from __future__ import annotations

from html import escape

from paceqi.charts import theme
from paceqi.errors import OptionsError

__all__ = ["variation_icon", "assurance_icon", "VARIATION_TEXT", "ASSURANCE_TEXT"]

VARIATION_TEXT = {
    "common_cause": "Common-cause variation: no signal",
    "improvement_high": "Special-cause variation: improvement, higher values",
    "improvement_low": "Special-cause variation: improvement, lower values",
    "concern_high": "Special-cause variation: concern, higher values",
    "concern_low": "Special-cause variation: concern, lower values",
    "neutral_high": "Special-cause variation: higher values",
    "neutral_low": "Special-cause variation: lower values",
}
ASSURANCE_TEXT = {
    "consistent_pass": "Assurance: the process will consistently meet the target",
    "consistent_fail": "Assurance: the process will consistently miss the target",
    "inconsistent": "Assurance: the process will sometimes meet and sometimes miss the target",
}

# Miniature series (x, y) in a 100 x 100 box: flat, rising at the end, falling at the end.
_FLAT = ((22, 58), (34, 50), (46, 60), (58, 52), (70, 57), (82, 50))
_HIGH = ((22, 66), (34, 62), (46, 66), (58, 48), (70, 40), (82, 34))
_LOW = ((22, 40), (34, 44), (46, 40), (58, 58), (70, 64), (82, 70))
_ZIGZAG = ((22, 44), (34, 66), (46, 40), (58, 64), (70, 42), (82, 62))


def _svg(
    label: str,
    colour: str,
    dots: tuple[tuple[int, int], ...],
    letter: str,
    size: int,
    *,
    target: bool = False,
    signal_from: int = 99,
) -> str:
    font = ",".join(f"'{f}'" if " " in f else f for f in theme.FONT_FAMILY)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{size}" '
        f'height="{size}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<circle cx="50" cy="50" r="45" fill="{theme.BACKGROUND}" stroke="{colour}" '
        'stroke-width="7"/>',
    ]
    if target:
        parts.append(
            f'<line x1="14" y1="53" x2="86" y2="53" stroke="{theme.INK}" '
            'stroke-width="2.5" stroke-dasharray="6 4"/>'
        )
    path = " ".join(f"{x},{y}" for x, y in dots)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="{theme.GREY}" stroke-width="2.5"/>'
    )
    for i, (x, y) in enumerate(dots):
        fill = colour if i >= signal_from else theme.GREY
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{fill}"/>')
    if letter:
        parts.append(
            f'<text x="50" y="33" text-anchor="middle" font-family="{font}" '
            f'font-size="24" font-weight="bold" fill="{colour}">{letter}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def variation_icon(variation: str | None, size: int = 40) -> str:
    """Return the variation icon of a phase as an inline SVG string.

    Parameters
    ----------
    variation : str or None
        ``res.summary.variation``: one of ``common_cause, improvement_high, improvement_low,
        concern_high, concern_low, neutral_high, neutral_low``. None gives "" (no icon).
    size : int
        Width and height in pixels.

    Returns
    -------
    str
        An ``<svg>`` element with ``role="img"``, an ``aria-label`` and a ``<title>``.

    Raises
    ------
    OptionsError
        For an unknown variation.

    Examples
    --------
    >>> svg = variation_icon("improvement_low")
    >>> "improvement, lower values" in svg and ">L</text>" in svg
    True
    """
    if variation is None or variation != variation:  # None or NaN: no icon
        return ""
    if variation not in VARIATION_TEXT:
        raise OptionsError(
            f"variation: unknown value {str(variation)[:30]!r}; expected one of "
            f"{', '.join(theme.VARIATIONS)}"
        )
    colour = theme.VARIATION_COLOURS[variation]
    if variation == "common_cause":
        return _svg(VARIATION_TEXT[variation], colour, _FLAT, "", size)
    high = variation.endswith("_high")
    return _svg(
        VARIATION_TEXT[variation],
        colour,
        _HIGH if high else _LOW,
        "H" if high else "L",
        size,
        signal_from=3,
    )


def assurance_icon(assurance: str | None, size: int = 40) -> str:
    """Return the assurance icon of a phase (target against limits) as an inline SVG string.

    Parameters
    ----------
    assurance : str or None
        ``res.summary.assurance``: ``consistent_pass``, ``consistent_fail`` or
        ``inconsistent``. None (no target, or a neutral direction) gives "" (no icon).
    size : int
        Width and height in pixels.

    Returns
    -------
    str
        An ``<svg>`` element with ``role="img"``, an ``aria-label`` and a ``<title>``.

    Raises
    ------
    OptionsError
        For an unknown assurance value.

    Examples
    --------
    >>> ">P</text>" in assurance_icon("consistent_pass")
    True
    >>> assurance_icon(None)
    ''
    """
    if assurance is None or assurance != assurance:
        return ""
    if assurance not in ASSURANCE_TEXT:
        raise OptionsError(
            f"assurance: unknown value {str(assurance)[:30]!r}; expected one of "
            f"{', '.join(theme.ASSURANCES)}"
        )
    colour = theme.ASSURANCE_COLOURS[assurance]
    label = ASSURANCE_TEXT[assurance]
    if assurance == "inconsistent":
        return _svg(label, colour, _ZIGZAG, "?", size, target=True)
    letter = "P" if assurance == "consistent_pass" else "F"
    # The series stays on one side of the dashed target line; the letter says which outcome.
    dots = (
        tuple((x, y + 10) for x, y in _FLAT)
        if letter == "P"
        else tuple((x, y - 12) for x, y in _FLAT)
    )
    return _svg(label, colour, dots, letter, size, target=True, signal_from=0)
