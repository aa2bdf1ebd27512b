"""The chart theme: the ONLY place paceqi's colours, marker shapes, fonts and sizes live.

Every chart and icon reads its colours from here, keyed to the closed vocabularies that
DESIGN.md fixes for ``res.points.point_type``, ``res.summary.variation`` and
``res.summary.assurance``.

The palette is colour-blind safe: the signal colours are taken from the Okabe–Ito palette
(Okabe & Ito 2008, "Color Universal Design", https://jfly.uni-koeln.de/color/), which stays
distinguishable under protanopia, deuteranopia and tritanopia. The meaning follows NHS
England's Making Data Count convention (blue = improvement, orange = concern, purple =
neutral, grey = common cause) so readers trained on MDC charts read them the same way.
Every colour a chart needs to be understood has a contrast of at least 3:1 against the white
background (WCAG 2.1 success criterion 1.4.11, non-text contrast); a test checks it.
Colour is never the only cue: each point type also has its own marker shape.

Examples
--------
>>> from paceqi.charts import theme
>>> theme.POINT_COLOURS["special_cause_improvement"]
'#0072B2'
>>> theme.POINT_MARKERS["special_cause_concern"]
'X'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from paceqi.spcstats.types import Assurance, PointType, Variation

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "POINT_TYPES",
    "VARIATIONS",
    "ASSURANCES",
    "ANNOTATION_KINDS",
    "ACT_DECISIONS",
    "BLUE",
    "ORANGE",
    "PURPLE",
    "GREY",
    "INK",
    "BACKGROUND",
    "POINT_COLOURS",
    "POINT_MARKERS",
    "POINT_LABELS",
    "VARIATION_COLOURS",
    "ASSURANCE_COLOURS",
    "ANNOTATION_STYLES",
    "ACT_COLOURS",
    "ACT_HATCHES",
    "STAGE_MARKERS",
    "STAGE_COLOURS",
    "PALE",
    "TEST_PERIOD",
    "INCOMPLETE",
    "INCOMPLETE_FILL",
    "LINE_COLOURS",
    "FONT_FAMILY",
    "FONT_SIZE",
    "FIG_WIDTH",
    "FIG_HEIGHT",
    "RC",
    "contrast_ratio",
]

# -- the closed vocabularies (DESIGN.md "QI statistics"; NHSRplotthedots' names) -------------

#: ``res.points.point_type`` values (the engine's :class:`paceqi.spcstats.PointType`).
POINT_TYPES: tuple[str, ...] = tuple(p.value for p in PointType)
#: ``res.summary.variation`` values (the variation icon of a phase).
VARIATIONS: tuple[str, ...] = tuple(v.value for v in Variation)
#: ``res.summary.assurance`` values (the assurance icon of a phase; none without a target).
ASSURANCES: tuple[str, ...] = tuple(a.value for a in Assurance)
#: ``annotations.kind`` values (the PDSA store's annotation kinds).
ANNOTATION_KINDS: tuple[str, ...] = ("pdsa_start", "pdsa_end", "system_change", "data_issue")
#: PDSA act decisions (IHI worksheet: adopt / adapt / abandon).
ACT_DECISIONS: tuple[str, ...] = ("adopt", "adapt", "abandon")

# -- the palette -----------------------------------------------------------------------------

#: Okabe–Ito blue: improvement.
BLUE = "#0072B2"
#: Okabe–Ito vermillion: concern (the lighter Okabe–Ito orange #E69F00 is below 3:1 on white).
ORANGE = "#D55E00"
#: A darkened Okabe–Ito reddish purple (#CC79A7 is 2.9:1 on white): neutral special cause.
PURPLE = "#A8497A"
#: Neutral grey (4.6:1 on white): common cause, data points, lines that carry no signal.
GREY = "#757575"
#: Text and annotation ink.
INK = "#222222"
#: Figure background.
BACKGROUND = "#FFFFFF"
#: Light fill for bands and lanes (decoration only, never needed to read the chart).
PALE = "#F2F2F2"
#: Shading of the test period on SPC charts (a pale Okabe–Ito blue; decoration, also named in
#: the legend and the caption).
TEST_PERIOD = "#E6F0F7"
#: Points of incomplete (immature) cohorts: a pale fill inside a grey ring (the ring 3.5:1 on
#: white), also labelled "incomplete", so they differ from common-cause points by more than hue.
INCOMPLETE = "#8A8A8A"
INCOMPLETE_FILL = "#DDDDDD"

POINT_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "common_cause": GREY,
        "special_cause_improvement": BLUE,
        "special_cause_concern": ORANGE,
        "special_cause_neutral_high": PURPLE,
        "special_cause_neutral_low": PURPLE,
    }
)
#: Matplotlib marker codes: a second cue besides colour.
POINT_MARKERS: Mapping[str, str] = MappingProxyType(
    {
        "common_cause": "o",
        "special_cause_improvement": "D",
        "special_cause_concern": "X",
        "special_cause_neutral_high": "^",
        "special_cause_neutral_low": "v",
    }
)
#: Legend wording for each point type.
POINT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "common_cause": "common cause",
        "special_cause_improvement": "signal: improvement",
        "special_cause_concern": "signal: concern",
        "special_cause_neutral_high": "signal: high",
        "special_cause_neutral_low": "signal: low",
    }
)
VARIATION_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "common_cause": GREY,
        "improvement_high": BLUE,
        "improvement_low": BLUE,
        "concern_high": ORANGE,
        "concern_low": ORANGE,
        "neutral_high": PURPLE,
        "neutral_low": PURPLE,
    }
)
ASSURANCE_COLOURS: Mapping[str, str] = MappingProxyType(
    {"consistent_pass": BLUE, "consistent_fail": ORANGE, "inconsistent": GREY}
)
#: Line colour, style and width per chart element.
LINE_COLOURS: Mapping[str, str] = MappingProxyType(
    {"data": GREY, "centre": INK, "limit": GREY, "sigma2": GREY, "target": BLUE}
)
#: Vertical annotation lines: (linestyle, width, short tag shown before the label).
#: A matplotlib line style: a name ("-", ":") or (offset, (on, off, ...)) in points.
LineStyle = str | tuple[int, tuple[int, ...]]
ANNOTATION_STYLES: Mapping[str, tuple[LineStyle, float, str]] = MappingProxyType(
    {
        "pdsa_start": ("-", 1.0, "start"),
        "pdsa_end": (":", 1.0, "end"),
        "system_change": ("-.", 1.0, "change"),
        "data_issue": ((0, (1, 3)), 1.0, "data"),
    }
)
#: PDSA ramp bars by act decision (colour plus hatch, so print and colour-blind readers agree).
ACT_COLOURS: Mapping[str, str] = MappingProxyType(
    {"adopt": BLUE, "adapt": PURPLE, "abandon": ORANGE, "pending": GREY}
)
#: Hatches are drawn as lines only (dot hatches cost ~45 KB of SVG each).
ACT_HATCHES: Mapping[str, str] = MappingProxyType(
    {"adopt": "", "adapt": "//", "abandon": "xx", "pending": "--"}
)

#: Driver diagram columns: (fill, stroke). Okabe-Ito blue, orange, bluish green and reddish
#: purple, with the fills lightened so black text on them keeps its contrast.
DRIVER_COLUMN_COLOURS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "aim": ("#E3EEF8", "#0072B2"),
        "primary": ("#FDF0D9", "#E69F00"),
        "secondary": ("#DCF1EA", "#009E73"),
        "change": ("#F5E4EE", "#CC79A7"),
    }
)
#: Driver diagram text and connectors.
DIAGRAM_TEXT = INK
DIAGRAM_NOTE = "#444444"
DIAGRAM_CONNECTOR = "#555555"
#: Inline validation messages in forms (WCAG AA on white).
ERROR_TEXT = "#B00020"
#: Border of warnings in notebook widgets (a dark orange, 5.2:1 on white).
WARNING_BORDER = "#B35900"

#: Stage markers in journeys (shape first, colour second; cycled when there are more stages).
STAGE_MARKERS: tuple[str, ...] = ("o", "s", "D", "^", "v", "P", "X", "*", "<", ">", "h", "p")
STAGE_COLOURS: tuple[str, ...] = (BLUE, ORANGE, INK, PURPLE, GREY)

# -- type and size ---------------------------------------------------------------------------

#: Fonts: text stays text in the SVG, so the browser picks the first one it has.
FONT_FAMILY: tuple[str, ...] = ("DejaVu Sans", "Arial", "Helvetica", "sans-serif")
FONT_SIZE = 9.0
#: Default figure size in inches (a chart at report width).
FIG_WIDTH = 8.0
FIG_HEIGHT = 4.0
MARKER_SIZE = 4.0
SIGNAL_MARKER_SIZE = 6.5

#: rcParams applied temporarily (``matplotlib.rc_context``) while a chart is built and saved;
#: nothing is changed globally.
RC: Mapping[RcKeyType, Any] = MappingProxyType(
    {
        "font.family": "sans-serif",
        "font.sans-serif": list(FONT_FAMILY),
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 2,
        "axes.labelsize": FONT_SIZE,
        "axes.edgecolor": GREY,
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": INK,
        "ytick.color": INK,
        "text.color": INK,
        "legend.frameon": False,
        "legend.fontsize": FONT_SIZE - 1,
        "figure.facecolor": BACKGROUND,
        "axes.facecolor": BACKGROUND,
        "svg.fonttype": "none",
        "svg.hashsalt": "paceqi",
        "path.simplify": True,
    }
)


def _luminance(hex_colour: str) -> float:
    """Relative luminance of an sRGB colour (WCAG 2.1 definition)."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str = BACKGROUND) -> float:
    """Return the WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours.

    Parameters
    ----------
    foreground, background : str
        Colours as ``#RRGGBB``.

    Returns
    -------
    float
        Between 1 (no contrast) and 21 (black on white).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    hi, lo = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
