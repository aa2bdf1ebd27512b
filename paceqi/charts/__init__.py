"""Charts for paceqi (matplotlib, SVG): SPC charts, journeys, PDSA ramps, small multiples, icons.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (nothing leaks
between notebooks) or, for icons, an SVG string. :func:`to_svg` turns a figure into a small,
inline-able, accessible SVG. All colours live in :mod:`paceqi.charts.theme`.
"""

from __future__ import annotations

from paceqi.charts.icons import assurance_icon, variation_icon
from paceqi.charts.journeys import journeys_chart
from paceqi.charts.multiples import small_multiples
from paceqi.charts.ramp import ramp_chart
from paceqi.charts.spc import spc_chart
from paceqi.charts.svg import to_svg

__all__ = [
    "spc_chart",
    "journeys_chart",
    "ramp_chart",
    "small_multiples",
    "variation_icon",
    "assurance_icon",
    "to_svg",
]
